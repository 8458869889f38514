"""Tests of bootstrap.py, run as the executor runs it: ``python -c <bootstrap.py> <settings> <script> <arg>...``.

Run with ``python3 -m unittest`` in this folder (the executor's jest runs it: python-programs.spec.ts).
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import unittest

BOOTSTRAP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bootstrap.py")
MEMORY_ERROR_EXIT_CODE = 86
CPU_LIMIT_EXIT_CODE = 87
GATE_CLOSED_EXIT_CODE = 125


class BootstrapTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        with open(BOOTSTRAP, encoding="utf-8") as file:
            self.bootstrap = file.read()

    def write_script(self, source):
        script = os.path.join(self.dir.name, "script.py")
        with open(script, "w", encoding="utf-8") as file:
            file.write(textwrap.dedent(source))
        return script

    def settings(self, rlimits=(), gate_fd=None):
        settings = {
            "rlimits": [list(limit) for limit in rlimits],
            "memoryErrorExitCode": MEMORY_ERROR_EXIT_CODE,
            "cpuLimitExitCode": CPU_LIMIT_EXIT_CODE,
        }
        if gate_fd is not None:
            settings["startGate"] = {
                "fd": gate_fd,
                "ready": "ready\n",
                "go": "go\n",
                "closedExitCode": GATE_CLOSED_EXIT_CODE,
            }
        return json.dumps(settings)

    def run_script(self, source, args=(), rlimits=()):
        script = self.write_script(source)
        return subprocess.run(
            [sys.executable, "-c", self.bootstrap, self.settings(rlimits), script, *args],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=self.dir.name,
        )

    def start_gated(self, source):
        """Starts the script behind the start gate; returns the process and this side of the gate."""
        script = self.write_script(source)
        ours, theirs = socket.socketpair()
        self.addCleanup(ours.close)
        process = subprocess.Popen(
            [sys.executable, "-c", self.bootstrap, self.settings(gate_fd=theirs.fileno()), script],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=self.dir.name,
            pass_fds=[theirs.fileno()],
        )
        fd = theirs.fileno()
        theirs.close()
        return process, ours, fd

    def test_behind_the_start_gate_says_ready_and_runs_the_script_only_after_go(self):
        process, gate, gate_fd = self.start_gated(
            """
            import os
            open_fds = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
            print("ran", open_fds)
            """
        )
        gate.settimeout(30)
        self.assertEqual(gate.recv(16), b"ready\n")
        self.assertIsNone(process.poll())
        gate.sendall(b"go\n")
        out, err = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 0, err)
        self.assertTrue(out.startswith("ran "), out)
        # the gate's fd is closed before the script runs: it cannot write to the executor
        self.assertNotIn(gate_fd, json.loads(out[4:]))

    def test_closes_every_inherited_file_descriptor_but_0_1_2_before_the_script_runs(self):
        script = self.write_script(
            """
            import os, sys
            def is_open(fd):
                try:
                    os.fstat(fd)
                    return True
                except OSError:
                    return False
            print(" ".join(fd for fd in sys.argv[1:] if is_open(int(fd))))
            """
        )
        read_end, write_end = os.pipe()
        self.addCleanup(os.close, read_end)
        self.addCleanup(os.close, write_end)
        done = subprocess.run(
            [sys.executable, "-c", self.bootstrap, self.settings(), script, "0", "1", "2", str(read_end), str(write_end)],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=self.dir.name,
            pass_fds=[read_end, write_end],
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.split(), ["0", "1", "2"])

    def test_behind_the_start_gate_runs_nothing_when_the_gate_closes_without_go(self):
        marker = os.path.join(self.dir.name, "ran")
        for answer in (b"", b"later\n"):
            with self.subTest(answer=answer):
                process, gate, _ = self.start_gated(f"open({marker!r}, 'w').write('ran')\n")
                gate.settimeout(30)
                self.assertEqual(gate.recv(16), b"ready\n")
                if answer:
                    gate.sendall(answer)
                gate.close()
                process.communicate(timeout=30)
                self.assertEqual(process.returncode, GATE_CLOSED_EXIT_CODE)
                self.assertFalse(os.path.exists(marker))

    def test_runs_the_script_as_main_with_its_arguments_and_folder_on_the_path(self):
        done = self.run_script(
            """
            import json, sys
            print(json.dumps({"name": __name__, "argv": sys.argv, "path0": sys.path[0]}))
            """,
            args=["a", "b c"],
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        seen = json.loads(done.stdout)
        script = os.path.join(os.path.realpath(self.dir.name), "script.py")
        self.assertEqual(seen["name"], "__main__")
        self.assertEqual([os.path.realpath(seen["argv"][0]), *seen["argv"][1:]], [script, "a", "b c"])
        self.assertEqual(os.path.realpath(seen["path0"]), os.path.realpath(self.dir.name))

    def test_sets_each_limit_soft_and_hard_before_the_script_runs(self):
        done = self.run_script(
            """
            import resource
            print(*resource.getrlimit(resource.RLIMIT_NOFILE))
            """,
            rlimits=[("RLIMIT_NOFILE", 64, 64)],
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.split(), ["64", "64"])

    def test_keeps_the_exit_status_the_script_asks_for(self):
        done = self.run_script("import sys\nsys.exit(3)\n")
        self.assertEqual(done.returncode, 3)

    def test_exits_1_on_an_uncaught_exception_with_a_traceback_that_starts_in_the_script(self):
        done = self.run_script(
            """
            def fail():
                raise ValueError("bad input")
            fail()
            """
        )
        self.assertEqual(done.returncode, 1)
        self.assertIn("ValueError: bad input", done.stderr)
        self.assertIn("script.py", done.stderr)
        self.assertNotIn("runpy", done.stderr)
        self.assertNotIn("<string>", done.stderr)

    def test_exits_with_the_memory_error_code_on_an_uncaught_memory_error(self):
        done = self.run_script("raise MemoryError()\n")
        self.assertEqual(done.returncode, MEMORY_ERROR_EXIT_CODE)
        self.assertIn("MemoryError", done.stderr)

    def test_exits_with_the_cpu_limit_code_when_cpu_time_runs_out(self):
        soft = 1
        done = self.run_script(
            "while True:\n    pass\n",
            rlimits=[("RLIMIT_CPU", soft, soft + 1)],
        )
        self.assertEqual(done.returncode, CPU_LIMIT_EXIT_CODE)
        self.assertIn("CPU time limit exceeded", done.stderr)


if __name__ == "__main__":
    unittest.main()
