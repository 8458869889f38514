/**
 * A python_script that prints `lines` numbered lines to stdout (and one to stderr), then waits until
 * the file named by input `gate` exists before it finishes: a step that is still running, with output
 * written, for as long as the test needs (the test creates the gate file; no sleeping on either side
 * beyond the script's own polling).
 */
export const gatedScript = (lines: number) => `import json, os, sys, time
data = json.load(open(sys.argv[1]))
for i in range(1, ${lines} + 1):
    print("line %d of ${lines}" % i)
print("warming up", file=sys.stderr)
while not os.path.exists(data["gate"]):
    time.sleep(0.05)
print("gate opened")
json.dump({"success": True, "result": {"printed": ${lines}}, "error": None}, open(sys.argv[2], "w"))
`;
