import { existsSync, readFileSync } from "node:fs";

/**
 * A python_script that writes `started` to input `marker` (when given), sleeps `seconds`, then appends
 * `<tag> <start> <end>` (epoch seconds) to the file named by input `log`: the interval in which the
 * step really ran, measured from inside the sandbox.
 */
export const INTERVAL_SCRIPT = `import json, sys, time
data = json.load(open(sys.argv[1]))
if data.get("marker"):
    open(data["marker"], "a").write("started\\n")
start = time.time()
time.sleep(float(data.get("seconds", "0.3")))
end = time.time()
with open(data["log"], "a") as f:
    f.write("%s %.6f %.6f\\n" % (data.get("tag", "x"), start, end))
json.dump({"success": True, "result": {"start": start, "end": end}, "error": None}, open(sys.argv[2], "w"))
`;

/** One interval logged by {@link INTERVAL_SCRIPT}. */
export interface Interval {
  readonly tag: string;
  readonly start: number;
  readonly end: number;
}

/** The intervals logged in `file` so far (none when it does not exist yet). */
export const intervals = (file: string): Interval[] =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => {
          const [tag = "", start = "0", end = "0"] = l.split(" ");
          return { tag, start: Number(start), end: Number(end) };
        })
    : [];

/** The most intervals open at one instant (an end before a start at the same instant). */
export function maxOverlap(all: readonly Interval[]): number {
  const events = all.flatMap((i) => [
    { at: i.start, delta: 1 },
    { at: i.end, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const e of events) {
    open += e.delta;
    most = Math.max(most, open);
  }
  return most;
}

/** Whether two intervals share an instant. */
export const overlaps = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;
