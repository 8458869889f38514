import { rlimitsOf, type ProcessLimits } from "@mcp/sandbox";

/** Exit status of a script that died of an uncaught MemoryError under the memory cap. */
export const MEMORY_ERROR_EXIT_CODE = 86;

/**
 * Exit status of a script that used up its CPU time (RLIMIT_CPU's SIGXCPU). The script runs as its
 * sandbox's PID 1, which the kernel does not let a default-action SIGXCPU kill, so the bootstrap
 * handles it; the hard limit a second later (SIGKILL) still ends a script stuck in C code.
 */
export const CPU_LIMIT_EXIT_CODE = 87;

/**
 * Runs inside the sandbox as `python -c BOOTSTRAP <limits> <script> <arg>...`: sets the sandbox's
 * limits on itself (soft = hard, so the script cannot raise them; inherited by whatever it starts)
 * and exits with CPU_LIMIT_EXIT_CODE on SIGXCPU,
 * then runs the script as `__main__` with `sys.argv = [script, <arg>...]` and the script's folder
 * first on sys.path, exactly as `python3 script.py <arg>...` would, and exits with
 * MEMORY_ERROR_EXIT_CODE on an uncaught MemoryError. Tracebacks start at the script's own frames.
 * `<limits>` is JSON: [[RLIMIT name, soft, hard], ...] (see rlimitsOf).
 */
const BOOTSTRAP = `
import json, os, resource, runpy, signal, sys, traceback

for _name, _soft, _hard in json.loads(sys.argv[1]):
    resource.setrlimit(getattr(resource, _name), (_soft, _hard))

def _cpu_exhausted(signum, frame):
    os.write(2, b"CPU time limit exceeded\\n")
    os._exit(${CPU_LIMIT_EXIT_CODE})

signal.signal(signal.SIGXCPU, _cpu_exhausted)
_script = os.path.abspath(sys.argv[2])
sys.argv = [_script] + sys.argv[3:]
sys.path[0] = os.path.dirname(_script)

def _report(error):
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != _script:
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb or error.__traceback__)
    sys.stderr.flush()

try:
    runpy.run_path(_script, run_name="__main__")
except SystemExit:
    raise
except MemoryError as error:
    _report(error)
    os._exit(${MEMORY_ERROR_EXIT_CODE})
except BaseException as error:
    _report(error)
    sys.exit(1)
`;

/** Arguments for `python` that run `script` with `scriptArgs` under `limits` (pass `setsOwnLimits` to the sandbox). */
export function bootstrapArgs(
  script: string,
  scriptArgs: readonly string[],
  limits: ProcessLimits,
): string[] {
  return ["-c", BOOTSTRAP, JSON.stringify(rlimitsOf(limits)), script, ...scriptArgs];
}
