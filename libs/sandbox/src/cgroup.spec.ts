import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CgroupTree } from "./cgroup.js";

/**
 * No machine this runs on delegates a cgroup v2 subtree (they use a cgroup v1 / hybrid layout), so
 * these tests check what the tree reads and writes against a folder laid out like cgroupfs. The
 * kernel's side (moving processes, enforcing limits) is not exercised here.
 */
describe("CgroupTree", () => {
  let root: string;
  let selfFile: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "cgroup-spec-"));
    selfFile = join(root, "self-cgroup");
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A cgroupfs-like tree: the root's controllers, and this process in `/service` offering `controllers`. */
  async function layout(controllers: string): Promise<string> {
    await writeFile(join(root, "cgroup.controllers"), "cpu memory pids io");
    const own = join(root, "service");
    await mkdir(own);
    await writeFile(join(own, "cgroup.controllers"), controllers);
    await writeFile(selfFile, "0::/service\n");
    return own;
  }

  it("is not offered on a cgroup v1 or hybrid layout", async () => {
    expect(await CgroupTree.open({ root, selfCgroupFile: selfFile })).toEqual({
      problem: `cgroup v2 is not mounted at ${root} (cgroup v1 or a hybrid layout)`,
    });
  });

  it("is not offered when the memory and pids controllers are not delegated", async () => {
    const own = await layout("cpu io");
    expect(await CgroupTree.open({ root, selfCgroupFile: selfFile })).toEqual({
      problem: `the memory and pids controller(s) are not delegated to ${own}`,
    });
  });

  it("moves this process into a leaf, enables the controllers, and makes one cgroup per sandbox with its limits", async () => {
    const own = await layout("cpu memory pids");
    const tree = await CgroupTree.open({ root, selfCgroupFile: selfFile, pid: 4242 });
    expect(tree).toBeInstanceOf(CgroupTree);
    expect(await readFile(join(own, "mcp-executor", "cgroup.procs"), "utf8")).toBe("4242");
    expect(await readFile(join(own, "cgroup.subtree_control"), "utf8")).toBe("+memory +pids");
    expect(await readFile(join(own, "mcp-sandboxes", "cgroup.subtree_control"), "utf8")).toBe(
      "+memory +pids",
    );

    const cgroup = await (tree as CgroupTree).create({ memoryBytes: 64 * 1024 * 1024, processes: 32 });
    expect(await readFile(join(cgroup.dir, "pids.max"), "utf8")).toBe("32");
    expect(await readFile(join(cgroup.dir, "memory.max"), "utf8")).toBe(String(64 * 1024 * 1024));
    expect(await readFile(join(cgroup.dir, "memory.swap.max"), "utf8")).toBe("0");
    await cgroup.add(777);
    expect(await readFile(join(cgroup.dir, "cgroup.procs"), "utf8")).toBe("777");

    expect(await cgroup.processLimitHit()).toBe(false);
    await writeFile(join(cgroup.dir, "pids.events"), "max 3\n");
    expect(await cgroup.processLimitHit()).toBe(true);
    await writeFile(join(cgroup.dir, "memory.events"), "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n");
    expect(await cgroup.memoryLimitHit()).toBe(true);
  });

  it("kills what is left in a sandbox's cgroup before removing it, and never throws", async () => {
    await layout("memory pids");
    const tree = (await CgroupTree.open({ root, selfCgroupFile: selfFile, pid: 1 })) as CgroupTree;
    const cgroup = await tree.create({ memoryBytes: 0, processes: 8 });
    // a plain folder keeps the written files, so rmdir fails here where cgroupfs would remove it
    await expect(cgroup.remove()).resolves.toBeUndefined();
    expect(await readFile(join(cgroup.dir, "cgroup.kill"), "utf8")).toBe("1");
  });

  it("is not offered when the subtree cannot be written", async () => {
    const own = await layout("memory pids");
    await writeFile(join(own, "mcp-executor"), "a file where a folder must go");
    const opened = await CgroupTree.open({ root, selfCgroupFile: selfFile });
    expect(opened).toEqual({
      problem: expect.stringContaining(`${own} cannot be set up for sandboxes`) as unknown,
    });
  });
});
