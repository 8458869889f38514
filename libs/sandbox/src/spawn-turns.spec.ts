import { nextSpawnTurn } from "./spawn-turns";

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe("nextSpawnTurn", () => {
  it("gives each start its own event-loop turn, so a due timer runs between two blocking starts", async () => {
    const order: string[] = [];
    const starts = [1, 2, 3].map((i) =>
      nextSpawnTurn().then(() => {
        busy(5); // a fork blocks the loop
        order.push(`start ${i}`);
      }),
    );
    setTimeout(() => order.push("timer"), 1);
    await Promise.all(starts);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order.indexOf("start 1")).toBe(0);
    expect(order.indexOf("timer")).toBeLessThan(order.indexOf("start 3"));
    expect(order.filter((o) => o.startsWith("start"))).toEqual(["start 1", "start 2", "start 3"]);
  });
});
