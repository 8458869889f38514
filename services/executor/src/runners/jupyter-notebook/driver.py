"""Runs a notebook's planned code cells in one Python process, papermill-style, and reports on them.

Written into the step's work dir and run in the sandbox through the bootstrap as
``python -c <bootstrap.py> <settings> driver.py plan.json result.json`` (notebook-runner.ts).
plan.json is a DriverPlan and result.json a DriverResult (driver.ts). The driver compiles every
planned cell first (so a syntax error or an IPython magic fails before any cell has side effects),
then runs them in order in one ``__main__`` namespace, teeing sys.stdout/sys.stderr into the current
cell's capture, evaluating a trailing expression for the cell's ``result``, and finally reads the
output variables. It writes result.json and exits 0 whatever the cells did; a MemoryError exits with
the plan's memoryErrorExitCode.
"""

import ast
import builtins
import json
import linecache
import os
import sys
import traceback
import types

PARAMETERS_FILENAME = "<injected parameters>"


class Budget:
    """Bytes of one kind of output still kept, shared by all cells."""

    def __init__(self, cap):
        self.left = cap

    def take(self, text):
        data = text.encode("utf-8", "replace")
        if len(data) <= self.left:
            self.left -= len(data)
            return text, False
        kept = data[: self.left].decode("utf-8", "ignore")
        self.left = 0
        return kept, True


class CellStream:
    """sys.stdout or sys.stderr while cells run: writes reach the real stream and the current cell's capture."""

    def __init__(self, real, budget):
        self._real = real
        self._budget = budget
        self._parts = None
        self.truncated = False

    def start(self):
        self._parts = []
        self.truncated = False

    def finish(self):
        self.flush()
        text = "".join(self._parts or [])
        self._parts = None
        return text

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        self._real.write(text)
        if self._parts is not None and text:
            kept, cut = self._budget.take(text)
            if kept:
                self._parts.append(kept)
            self.truncated = self.truncated or cut
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        self._real.flush()

    def fileno(self):
        return self._real.fileno()

    def isatty(self):
        return False

    def writable(self):
        return True

    def readable(self):
        return False

    @property
    def encoding(self):
        return self._real.encoding

    @property
    def errors(self):
        return self._real.errors

    @property
    def closed(self):
        return False


def ref(cell):
    if cell["kind"] == "parameters":
        return {}
    return {"index": cell["index"], "notebookIndex": cell["notebookIndex"]}


def filename_of(cell):
    if cell["kind"] == "parameters":
        return PARAMETERS_FILENAME
    return "<code cell %d (notebook cell %d)>" % (cell["index"], cell["notebookIndex"])


def source_of(cell, parameters) -> str:
    if cell["kind"] == "parameters":
        return "# Parameters\n" + "".join("%s = %r\n" % (name, value) for name, value in parameters.items())
    return cell["source"]


def compile_cell(source, filename):
    """(statements, last): code objects; last evaluates a trailing expression, None when there is none or it ends in ';'."""
    tree = ast.parse(source, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
        last = compile(ast.Expression(tree.body.pop().value), filename, "eval", dont_inherit=True)
    return compile(tree, filename, "exec", dont_inherit=True), last


def magic_line(source, error):
    """(line number, text) when the line a SyntaxError points at is IPython magic or shell syntax."""
    lines = source.splitlines()
    lineno = getattr(error, "lineno", None) or 0
    if 1 <= lineno <= len(lines):
        text = lines[lineno - 1].strip()
        if text.startswith(("%", "!")):
            return lineno, text
    return None


def formatted(error, filenames):
    """The traceback from the first frame that belongs to a cell (the driver's own frames dropped)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename not in filenames:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb))


def summary_of(error):
    return "".join(traceback.format_exception_only(type(error), error)).strip().splitlines()[-1]


def represent(value):
    try:
        return repr(value)
    except Exception as error:
        return "<repr failed: %s>" % summary_of(error)


def write_result(path, document):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(document, file)


def main():
    plan_path, result_path = sys.argv[1], sys.argv[2]
    with open(plan_path, encoding="utf-8") as file:
        plan = json.load(file)
    sys.argv = [sys.argv[0]]
    records = []

    def fail(error):
        write_result(result_path, {"ok": False, "cells": records, "error": error})

    compiled = []
    filenames = set()
    for cell in plan["cells"]:
        filename, source = filename_of(cell), source_of(cell, plan["parameters"])
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        filenames.add(filename)
        try:
            statements, last = compile_cell(source, filename)
        except (SyntaxError, ValueError, RecursionError) as error:
            magic = magic_line(source, error)
            if magic is not None:
                return fail({"kind": "magic", "cell": ref(cell), "line": magic[0], "text": magic[1]})
            return fail({"kind": "syntax", "cell": ref(cell), "summary": summary_of(error), "traceback": formatted(error, filenames)})
        compiled.append((cell, statements, last))

    capture = plan["captureBytes"]
    real_out, real_err = sys.stdout, sys.stderr
    out, err = CellStream(real_out, Budget(capture)), CellStream(real_err, Budget(capture))
    results = Budget(capture)
    main_module = types.ModuleType("__main__")
    main_module.__dict__["__builtins__"] = builtins
    namespace = main_module.__dict__
    sys.modules["__main__"] = main_module

    for cell, statements, last in compiled:
        with open(plan["progressPath"], "w", encoding="utf-8") as file:
            json.dump(ref(cell), file)
        out.start()
        err.start()
        sys.stdout, sys.stderr = out, err
        result, result_cut, failure = None, False, None
        try:
            exec(statements, namespace)
            if last is not None:
                value = eval(last, namespace)
                if value is not None:
                    result, result_cut = results.take(represent(value))
        except MemoryError as error:
            failure = error
        except BaseException as error:
            failure = error
            err.write(formatted(error, filenames))
        finally:
            stdout, stderr = out.finish(), err.finish()
            sys.stdout, sys.stderr = real_out, real_err
        if cell["kind"] == "code":
            records.append({
                "index": cell["index"],
                "notebookIndex": cell["notebookIndex"],
                "stdout": stdout,
                "stderr": stderr,
                "result": result,
                "truncated": out.truncated or err.truncated or result_cut,
            })
        if isinstance(failure, MemoryError):
            try:
                fail({"kind": "memory", "cell": ref(cell), "summary": summary_of(failure), "traceback": ""})
            finally:
                os._exit(plan["memoryErrorExitCode"])
        if failure is not None:
            return fail({"kind": "exception", "cell": ref(cell), "summary": summary_of(failure), "traceback": formatted(failure, filenames)})

    missing = [name for name in plan["outputVariables"] if name not in namespace]
    if missing:
        return fail({"kind": "missing-output", "variables": missing})
    outputs = {}
    for name in plan["outputVariables"]:
        value = namespace[name]
        try:
            outputs[name] = json.loads(json.dumps(value, allow_nan=False))
        except Exception as error:
            return fail({"kind": "unserialisable-output", "variable": name, "type": type(value).__name__, "reason": summary_of(error)})
    write_result(result_path, {"ok": True, "cells": records, "outputs": outputs})


if __name__ == "__main__":
    main()
