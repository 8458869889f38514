import { SIGNAL_ECHO_MS, signalRepeat } from "./signal-repeat";

describe("signalRepeat", () => {
  it("takes the first signal as first, the same one at once as its echo, anything later or else as again", () => {
    const first = { signal: "SIGINT" as const, at: 10_000 };
    expect(signalRepeat(undefined, "SIGINT", 10_000)).toBe("first");
    expect(signalRepeat(first, "SIGINT", 10_000 + 5)).toBe("echo");
    expect(signalRepeat(first, "SIGINT", 10_000 + SIGNAL_ECHO_MS)).toBe("again");
    expect(signalRepeat(first, "SIGTERM", 10_000 + 5)).toBe("again");
  });
});
