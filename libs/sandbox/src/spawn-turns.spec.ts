import { nextSpawnTurn } from "./spawn-turns";

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe("nextSpawnTurn", () => {
  it("gives each start its own event-loop turn, so a timer due during a blocking start runs before the next", async () => {
    const order: string[] = [];
    const starts = [1, 2, 3].map((i) =>
      nextSpawnTurn().then(() => {
        // due by the end of this start: with every start in one turn it would run after all three
        if (i === 1) setTimeout(() => order.push("timer"), 0);
        busy(5); // a fork blocks the loop
        order.push(`start ${i}`);
      }),
    );
    await Promise.all(starts);
    expect(order).toEqual(["start 1", "timer", "start 2", "start 3"]);
  });
});
