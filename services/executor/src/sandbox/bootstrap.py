"""Starts a script inside the step sandbox, as python3 would, under the sandbox's limits.

Run by the executor as ``python -c <this file's text> <settings> <script> <arg>...``
(python-bootstrap.ts). ``<settings>`` is JSON::

    {"rlimits": [[RLIMIT name, soft, hard], ...],
     "memoryErrorExitCode": int, "cpuLimitExitCode": int,
     "startGate": {"fd": int, "ready": str, "go": str, "closedExitCode": int}}

With ``startGate`` it first waits at the sandbox's start gate (libs/sandbox start-gate.ts): writes
``ready`` on that fd, reads until a newline, and runs nothing unless that was ``go`` (end of file: the
executor that started it is gone; it exits with closedExitCode). Then it closes every file
descriptor but 0, 1 and 2 (the gate's, and any inherited without close-on-exec), sets the limits on
itself (soft = hard, so the script cannot raise them; inherited by whatever it starts), exits with
cpuLimitExitCode on SIGXCPU (the script runs as its sandbox's PID 1, which the kernel does not let a
default-action SIGXCPU kill; the hard limit a second later, SIGKILL, still ends a script stuck in C
code), then runs the script as ``__main__`` with ``sys.argv = [script, <arg>...]``
and the script's folder first on sys.path, exactly as ``python3 script.py <arg>...`` would. An
uncaught MemoryError exits with memoryErrorExitCode. Tracebacks start at the script's own frames.
"""

import json
import os
import resource
import runpy
import signal
import sys
import traceback


def pass_start_gate(gate):
    fd = gate["fd"]
    heard = b""
    try:
        os.write(fd, gate["ready"].encode())
        while not heard.endswith(b"\n"):
            chunk = os.read(fd, 16)
            if not chunk:
                break
            heard += chunk
    except OSError:
        heard = b""
    if heard != gate["go"].encode():
        os._exit(gate["closedExitCode"])


def close_inherited_fds():
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    os.closerange(3, limit if limit != resource.RLIM_INFINITY else 1 << 20)


def apply_limits(rlimits):
    for name, soft, hard in rlimits:
        resource.setrlimit(getattr(resource, name), (soft, hard))


def exit_on_cpu_limit(exit_code):
    def cpu_exhausted(signum, frame):
        os.write(2, b"CPU time limit exceeded\n")
        os._exit(exit_code)

    signal.signal(signal.SIGXCPU, cpu_exhausted)


def report(error, script):
    """Prints the traceback from the script's first frame on (the bootstrap's own frames dropped)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != script:
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb or error.__traceback__)
    sys.stderr.flush()


def main():
    settings = json.loads(sys.argv[1])
    if "startGate" in settings:
        pass_start_gate(settings["startGate"])
    close_inherited_fds()
    apply_limits(settings["rlimits"])
    exit_on_cpu_limit(settings["cpuLimitExitCode"])
    script = os.path.abspath(sys.argv[2])
    sys.argv = [script] + sys.argv[3:]
    sys.path[0] = os.path.dirname(script)
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit:
        raise
    except MemoryError as error:
        report(error, script)
        os._exit(settings["memoryErrorExitCode"])
    except BaseException as error:
        report(error, script)
        sys.exit(1)


if __name__ == "__main__":
    main()
