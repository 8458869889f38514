"""Tests of driver.py, run as the notebook runner runs it: ``python driver.py plan.json result.json``.

Run with ``python3 -m unittest`` in this folder (the executor's jest runs it: python-programs.spec.ts).
The plan and result are the DriverPlan and DriverResult of driver.ts.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "driver.py")
MEMORY_ERROR_EXIT_CODE = 86


def code(index, source, notebook_index=None):
    return {
        "kind": "code",
        "index": index,
        "notebookIndex": index if notebook_index is None else notebook_index,
        "source": source,
    }


class DriverTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.progress = os.path.join(self.dir.name, "progress.json")

    def drive(self, cells, parameters=None, outputs=(), capture_bytes=10_000):
        plan = {
            "cells": cells,
            "parameters": parameters or {},
            "outputVariables": list(outputs),
            "captureBytes": capture_bytes,
            "progressPath": self.progress,
            "memoryErrorExitCode": MEMORY_ERROR_EXIT_CODE,
        }
        plan_path = os.path.join(self.dir.name, "plan.json")
        result_path = os.path.join(self.dir.name, "result.json")
        with open(plan_path, "w", encoding="utf-8") as file:
            json.dump(plan, file)
        done = subprocess.run(
            [sys.executable, DRIVER, plan_path, result_path],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=self.dir.name,
        )
        if not os.path.exists(result_path):
            self.fail("the driver wrote no result.json (exit status %d):\n%s" % (done.returncode, done.stderr))
        with open(result_path, encoding="utf-8") as file:
            return done, json.load(file)

    def test_runs_the_cells_in_one_namespace_and_returns_the_output_variables(self):
        done, result = self.drive(
            [{"kind": "parameters"}, code(0, "y = x * 2\nprint('y is', y)"), code(1, "z = {'y': y}")],
            parameters={"x": 21},
            outputs=["y", "z"],
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(result["ok"])
        self.assertEqual(result["outputs"], {"y": 42, "z": {"y": 42}})
        self.assertEqual([cell["stdout"] for cell in result["cells"]], ["y is 42\n", ""])

    def test_reports_the_repr_of_a_trailing_expression_unless_it_ends_in_a_semicolon(self):
        _, result = self.drive([code(0, "1 + 1"), code(1, "'quiet';"), code(2, "None")])
        self.assertEqual([cell["result"] for cell in result["cells"]], ["2", None, None])

    def test_records_the_indexes_of_each_cell_and_the_progress_of_the_last_one(self):
        _, result = self.drive([code(0, "a = 1", notebook_index=2), code(1, "b = 2", notebook_index=5)])
        self.assertEqual(
            [(cell["index"], cell["notebookIndex"]) for cell in result["cells"]], [(0, 2), (1, 5)]
        )
        with open(self.progress, encoding="utf-8") as file:
            self.assertEqual(json.load(file), {"index": 1, "notebookIndex": 5})

    def test_cuts_captured_output_at_the_budget_shared_by_all_cells(self):
        _, result = self.drive(
            [code(0, "print('x' * 6, end='')"), code(1, "print('y' * 6, end='')")], capture_bytes=8
        )
        self.assertEqual([cell["stdout"] for cell in result["cells"]], ["xxxxxx", "yy"])
        self.assertEqual([cell["truncated"] for cell in result["cells"]], [False, True])

    def test_an_exception_stops_the_run_naming_the_cell_with_a_traceback_of_the_cell_only(self):
        _, result = self.drive([code(0, "a = 1"), code(1, "raise KeyError('k')"), code(2, "never = 1")])
        self.assertFalse(result["ok"])
        error = result["error"]
        self.assertEqual(error["kind"], "exception")
        self.assertEqual(error["cell"], {"index": 1, "notebookIndex": 1})
        self.assertEqual(error["summary"], "KeyError: 'k'")
        self.assertIn("<code cell 1 (notebook cell 1)>", error["traceback"])
        self.assertNotIn("driver.py", error["traceback"])
        self.assertEqual(len(result["cells"]), 2)
        self.assertIn("KeyError", result["cells"][1]["stderr"])

    def test_a_syntax_error_fails_before_any_cell_runs(self):
        _, result = self.drive([code(0, "print('side effect')"), code(1, "def broken(:")])
        self.assertEqual(result["error"]["kind"], "syntax")
        self.assertEqual(result["error"]["cell"], {"index": 1, "notebookIndex": 1})
        self.assertEqual(result["cells"], [])

    def test_ipython_magic_is_named_with_its_line(self):
        _, result = self.drive([code(0, "import os\n%matplotlib inline")])
        self.assertEqual(
            result["error"],
            {"kind": "magic", "cell": {"index": 0, "notebookIndex": 0}, "line": 2, "text": "%matplotlib inline"},
        )

    def test_a_missing_output_variable_is_named(self):
        _, result = self.drive([code(0, "a = 1")], outputs=["a", "b", "c"])
        self.assertEqual(result["error"], {"kind": "missing-output", "variables": ["b", "c"]})

    def test_an_output_that_is_not_json_is_named_with_its_type(self):
        _, result = self.drive([code(0, "s = {1, 2}\nn = float('nan')")], outputs=["s"])
        self.assertEqual(result["error"]["kind"], "unserialisable-output")
        self.assertEqual(result["error"]["variable"], "s")
        self.assertEqual(result["error"]["type"], "set")
        _, result = self.drive([code(0, "n = float('nan')")], outputs=["n"])
        self.assertEqual(result["error"]["type"], "float")

    def test_a_memory_error_exits_with_the_plans_code_after_writing_the_result(self):
        done, result = self.drive([code(0, "raise MemoryError()")])
        self.assertEqual(done.returncode, MEMORY_ERROR_EXIT_CODE)
        self.assertEqual(result["error"]["kind"], "memory")
        self.assertEqual(result["error"]["cell"], {"index": 0, "notebookIndex": 0})

    def test_parameters_are_assigned_as_python_literals(self):
        _, result = self.drive(
            [{"kind": "parameters"}, code(0, "kinds = [type(v).__name__ for v in (a, b, c, d)]")],
            parameters={"a": "text", "b": 0.5, "c": [1, None], "d": True},
            outputs=["kinds", "a", "c"],
        )
        self.assertEqual(result["outputs"], {"kinds": ["str", "float", "list", "bool"], "a": "text", "c": [1, None]})
        self.assertEqual(result["cells"][0]["index"], 0)


if __name__ == "__main__":
    unittest.main()
