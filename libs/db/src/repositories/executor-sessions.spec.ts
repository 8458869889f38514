import type { DataSource } from "typeorm";
import { openDatabase } from "../data-source";
import { createTestDatabase, oneStepRun, until, type TestDatabase } from "../testing";
import { ExecutorSession } from "./executor-session";
import { ExecutorSessions } from "./executor-sessions";
import { FencedWrites } from "./fenced-writes";
import { FenceLostError, RunStore } from "./run-store";

describe("executor sessions (fast failover)", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: RunStore;
  let sessions: ExecutorSessions;
  const opened: ExecutorSession[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url }));
    store = new RunStore(dataSource);
    sessions = new ExecutorSessions(dataSource);
  });
  afterAll(async () => {
    for (const s of opened) await s.close();
    await dataSource.destroy();
    await db.drop();
  });

  const open = async (owner: string, onChange?: (held: boolean) => void) => {
    const session = new ExecutorSession(dataSource, {
      owner,
      retryMs: 50,
      ...(onChange ? { onChange } : {}),
    });
    opened.push(session);
    await session.open();
    return session;
  };
  /** The state a crashed executor leaves: its row, and its lock held by nobody. */
  const deadSession = (owner: string) =>
    dataSource.query(
      "INSERT INTO executor_sessions (owner, lock_key) VALUES ($1, nextval('executor_session_keys'))",
      [owner],
    );
  const sessionRows = async () =>
    (await dataSource.query<{ owner: string }[]>("SELECT owner FROM executor_sessions ORDER BY owner")).map(
      (r) => r.owner,
    );

  it("a live session's runs are never taken over early; an ended session's are, at once, through a fenced claim", async () => {
    await open("alive");
    await deadSession("dead");
    const live = await store.create(oneStepRun(), { owner: "alive", leaseMs: 60_000 });
    const orphan = await store.create(oneStepRun(), { owner: "dead", leaseMs: 60_000 });

    expect(await sessions.endedOwnersWithRuns("me")).toEqual(["dead"]);
    // a live owner named by mistake is checked again by the claim itself: nothing taken
    expect(await store.claimFromEndedSession("me", 60_000, ["alive"])).toBeNull();
    // nor a run this claimer drives already
    expect(await store.claimFromEndedSession("me", 60_000, ["dead"], [orphan.run.id])).toBeNull();

    const taken = (await store.claimFromEndedSession("me", 60_000, ["dead", "alive"]))!;
    expect(taken).toMatchObject({ id: orphan.run.id, owner: "me", fence: "2", recoveries: 1, eventSeq: "2" });
    // the dead owner's writes are fenced out
    await expect(
      new FencedWrites(dataSource).updateSteps(orphan.run.id, "1", ["a"], { status: "running" }),
    ).rejects.toBeInstanceOf(FenceLostError);
    expect((await store.renew(live.run.id, "1", 60_000)).held).toBe(true);

    // the dead owner owns no live run any more: the next look forgets its session
    expect(await sessions.endedOwnersWithRuns("me")).toEqual([]);
    expect(await sessionRows()).toEqual(["alive"]);
  });

  it("a session whose connection ended is seen ended, then opens again with the same lock and is held", async () => {
    const changes: boolean[] = [];
    const session = await open("flaky", (held) => changes.push(held));
    await store.create(oneStepRun(), { owner: "flaky", leaseMs: 60_000 });
    expect(session.held).toBe(true);
    expect(await sessions.endedOwnersWithRuns("me")).toEqual([]);

    // the server ends the session, as when the executor's process dies
    await dataSource.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mcp-executor-session' AND datname = current_database() AND pid <> pg_backend_pid()",
    );
    await until("the session to be seen lost", () => changes.includes(false));
    await until("the sessions to be held again", () => opened.every((s) => s.held));
    expect(changes).toEqual([false, true]);
    expect(await sessions.endedOwnersWithRuns("me")).toEqual([]);
  });

  it("close ends the session and deletes its row", async () => {
    const session = await open("leaving");
    expect(await sessionRows()).toContain("leaving");
    await session.close();
    expect(session.held).toBe(false);
    expect(await sessionRows()).not.toContain("leaving");
  });
});
