import { Deadline } from "./deadline.js";

describe("Deadline", () => {
  it("aborts with cause timeout when the budget runs out", async () => {
    const deadline = new Deadline(new AbortController().signal, 20);
    await new Promise((resolve) => deadline.signal.addEventListener("abort", resolve));
    expect(deadline.stopped).toBe("timeout");
    expect(deadline.remainingMs()).toBe(0);
    deadline.dispose();
  });

  it("aborts with cause cancelled and the parent's reason when the parent aborts", () => {
    const parent = new AbortController();
    const deadline = new Deadline(parent.signal, 10_000);
    parent.abort("stop");
    expect(deadline.stopped).toBe("cancelled");
    expect(deadline.signal.reason).toBe("stop");
    deadline.dispose();
  });

  it("starts aborted when the parent already is", () => {
    const parent = new AbortController();
    parent.abort();
    const deadline = new Deadline(parent.signal, 10_000);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.stopped).toBe("cancelled");
    deadline.dispose();
  });

  it("stays quiet after dispose", async () => {
    const deadline = new Deadline(new AbortController().signal, 20);
    deadline.dispose();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(deadline.stopped).toBeUndefined();
  });
});
