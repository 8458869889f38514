/** Python scripts used as python_script MCPs in end-to-end tests (the argv input/output contract). */

/** Returns `{text}` from input `text`. */
export const ECHO_SCRIPT = `import json, sys
data = json.load(open(sys.argv[1]))
json.dump({"success": True, "result": {"text": data["text"]}, "error": None}, open(sys.argv[2], "w"))
`;

/** Returns `{result: prefix + text}`. */
export const CONCAT_SCRIPT = `import json, sys
data = json.load(open(sys.argv[1]))
json.dump({"success": True, "result": {"result": data["prefix"] + data["text"]}, "error": None}, open(sys.argv[2], "w"))
`;

/** Sleeps `seconds` (input, default 1), then returns `{slept, started, finished}` (epoch seconds). */
export const SLEEP_SCRIPT = `import json, sys, time
data = json.load(open(sys.argv[1]))
started = time.time()
time.sleep(float(data.get("seconds", 1)))
json.dump({"success": True, "result": {"slept": data.get("seconds", 1), "started": started, "finished": time.time()}, "error": None}, open(sys.argv[2], "w"))
`;

/** Reports failure through the contract (`success: false`). */
export const FAIL_SCRIPT = `import json, sys
json.dump({"success": False, "result": None, "error": "deliberate failure"}, open(sys.argv[2], "w"))
`;

/**
 * Appends one line to the file named by input `counter` (a side effect that survives the run), then
 * sleeps `seconds`, then returns `{count}` = lines in the file. Proves how often a step really ran.
 */
export const COUNTER_SCRIPT = `import json, sys, time
data = json.load(open(sys.argv[1]))
with open(data["counter"], "a") as f:
    f.write(data.get("tag", "x") + "\\n")
time.sleep(float(data.get("seconds", 0)))
count = sum(1 for _ in open(data["counter"]))
json.dump({"success": True, "result": {"count": count}, "error": None}, open(sys.argv[2], "w"))
`;

/**
 * Fails the first \`fail_times\` runs (counted in the file named by input \`counter\`), then succeeds.
 */
export const FLAKY_SCRIPT = `import json, sys
data = json.load(open(sys.argv[1]))
with open(data["counter"], "a") as f:
    f.write("x\\n")
n = sum(1 for _ in open(data["counter"]))
ok = n > int(data["fail_times"])
json.dump({"success": ok, "result": {"attempts": n} if ok else None, "error": None if ok else "flaky failure %d" % n}, open(sys.argv[2], "w"))
`;

/** python_script config init for a script source. */
export function scriptConfig(source: string, timeoutSeconds?: number) {
  return {
    kind: {
      case: "pythonScript" as const,
      value: {
        source: { case: "scriptContent" as const, value: source },
        ...(timeoutSeconds ? { timeoutSeconds } : {}),
      },
    },
  };
}
