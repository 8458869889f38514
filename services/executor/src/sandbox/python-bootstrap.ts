/** Exit status of a script that died of an uncaught MemoryError under the memory cap. */
export const MEMORY_ERROR_EXIT_CODE = 86;

/**
 * Runs inside the sandbox as `python -c BOOTSTRAP <script> <arg>...` (the sandbox has set the limits
 * already): runs the script as `__main__` with `sys.argv = [script, <arg>...]` and the script's folder
 * first on sys.path, exactly as `python3 script.py <arg>...` would, and exits with
 * MEMORY_ERROR_EXIT_CODE on an uncaught MemoryError. Tracebacks start at the script's own frames.
 */
const BOOTSTRAP = `
import os, runpy, sys, traceback

_script = os.path.abspath(sys.argv[1])
sys.argv = [_script] + sys.argv[2:]
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

/** Arguments for `python` that run `script` with `scriptArgs`. */
export function bootstrapArgs(script: string, scriptArgs: readonly string[]): string[] {
  return ["-c", BOOTSTRAP, script, ...scriptArgs];
}
