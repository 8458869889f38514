/** Exit status of a script that died of an uncaught MemoryError under the memory cap. */
export const MEMORY_ERROR_EXIT_CODE = 86;

/**
 * Runs inside the child as `python -c BOOTSTRAP <limit-bytes> <script> <arg>...`: caps the address
 * space (RLIMIT_AS, inherited by anything the script spawns), disables core dumps, then runs the
 * script as `__main__` with `sys.argv = [script, <arg>...]` and the script's folder first on sys.path,
 * exactly as `python3 script.py <arg>...` would. Tracebacks start at the script's own frames.
 */
const BOOTSTRAP = `
import os, resource, runpy, sys, traceback

def _cap(kind, limit):
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(kind, (limit, limit))

_limit = int(sys.argv[1])
if _limit > 0:
    _cap(resource.RLIMIT_AS, _limit)
_cap(resource.RLIMIT_CORE, 0)
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

/** Arguments for `python` that run `script` with `scriptArgs` under a memory cap of `memoryLimitBytes`. */
export function bootstrapArgs(
  script: string,
  scriptArgs: readonly string[],
  memoryLimitBytes: number,
): string[] {
  return ["-c", BOOTSTRAP, String(Math.floor(memoryLimitBytes)), script, ...scriptArgs];
}
