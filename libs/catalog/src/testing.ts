// Test helpers of @mcp/catalog ("@mcp/catalog/testing"): one kind's tables in memory, so the kernel
// (and a kind's content rules on top of it) can be tested without PostgreSQL.
import type {
  CatalogDefinitionRow,
  CatalogKind,
  CatalogListFilter,
  CatalogQueries,
  CatalogStore,
  CatalogTransaction,
  CatalogVersionRow,
} from "@mcp/db";

/** A version row of the in-memory kind: its definition's id and its content. */
export interface TestVersion extends CatalogVersionRow {
  definitionId: string;
  body: string;
}

/** A definition row of the in-memory kind: the common columns and a kind-specific one. */
export interface TestDefinition extends CatalogDefinitionRow {
  current: number;
}

class TestDefinitionRow {}
class TestVersionRow {}

/** The in-memory kind's description (noun `thing`). */
export const TEST_KIND = {
  noun: "thing",
  definition: TestDefinitionRow,
  version: TestVersionRow,
  versionOwner: "definitionId",
  counterTable: "thing_name_versions",
  liveNameIndex: "things_live_name_key",
  mutableColumns: ["current"],
} as unknown as CatalogKind<TestDefinition, TestVersion>;

/** The rows of one in-memory kind and how often its queries ran. */
export class MemoryCatalogTables {
  readonly definitions = new Map<string, TestDefinition>();
  readonly versions: TestVersion[] = [];
  readonly counters = new Map<string, number>();
  /** Query calls by method name (reads outside transactions), to see what the cache saved. */
  readonly reads = new Map<string, number>();

  /** A CatalogStore over these rows: a transaction works on copies and commits only when `work` returns. */
  store(): CatalogStore<TestDefinition, TestVersion> {
    const store = {
      kind: TEST_KIND,
      transaction: async <T>(work: (tx: CatalogTransaction<TestDefinition, TestVersion>) => Promise<T>) => {
        const pending = new MemoryTransaction(this);
        const result = await work(pending as unknown as CatalogTransaction<TestDefinition, TestVersion>);
        pending.commit();
        return result;
      },
    };
    return store as unknown as CatalogStore<TestDefinition, TestVersion>;
  }

  /** CatalogQueries over these rows (tag, text and showDeleted filters; keyset order by name key, id). */
  queries(): CatalogQueries<TestDefinition, TestVersion> {
    const read = <T>(name: string, value: T): Promise<T> => {
      this.reads.set(name, (this.reads.get(name) ?? 0) + 1);
      return Promise.resolve(structuredClone(value));
    };
    const queries = {
      kind: TEST_KIND,
      findById: (workspace: string, id: string) =>
        read("findById", this.inWorkspace(workspace, this.definitions.get(id)) ?? null),
      findLiveByName: (workspace: string, nameKey: string) =>
        read("findLiveByName", this.liveByName(workspace, nameKey) ?? null),
      findVersion: (id: string, version: number) => read("findVersion", this.version(id, version) ?? null),
      listVersions: (id: string, before: number | undefined, limit: number) =>
        read(
          "listVersions",
          this.versions
            .filter((v) => v.definitionId === id && (before === undefined || v.version < before))
            .sort((a, b) => b.version - a.version)
            .slice(0, limit),
        ),
      list: (filter: CatalogListFilter, after: readonly [string, string] | undefined, limit: number) =>
        read(
          "list",
          [...this.definitions.values()]
            .filter((d) => d.workspace === filter.workspace)
            .filter((d) => filter.showDeleted || !d.deletedAt)
            .filter((d) => !filter.tag || d.tags.includes(filter.tag))
            .filter((d) => !after || d.nameKey > after[0] || (d.nameKey === after[0] && d.id > after[1]))
            .sort((a, b) => a.nameKey.localeCompare(b.nameKey) || a.id.localeCompare(b.id))
            .slice(0, limit),
        ),
    };
    return queries as unknown as CatalogQueries<TestDefinition, TestVersion>;
  }

  liveByName(workspace: string, nameKey: string): TestDefinition | undefined {
    return [...this.definitions.values()].find(
      (d) => d.workspace === workspace && d.nameKey === nameKey && !d.deletedAt,
    );
  }

  /** `row` when it belongs to `workspace`. */
  inWorkspace(workspace: string, row: TestDefinition | undefined): TestDefinition | undefined {
    return row?.workspace === workspace ? row : undefined;
  }

  version(id: string, version: number): TestVersion | undefined {
    return this.versions.find((v) => v.definitionId === id && v.version === version);
  }
}

/** The writes of one transaction, applied to the tables on commit (a throw discards them). */
class MemoryTransaction {
  private readonly definitions = new Map<string, TestDefinition>();
  private readonly versions: TestVersion[] = [];
  private readonly counters = new Map<string, number>();

  constructor(private readonly tables: MemoryCatalogTables) {}

  lockById(workspace: string, id: string): Promise<TestDefinition | null> {
    const row = this.definitions.get(id) ?? this.tables.definitions.get(id);
    return Promise.resolve(this.copy(this.tables.inWorkspace(workspace, row)));
  }

  lockLiveByName(workspace: string, nameKey: string): Promise<TestDefinition | null> {
    return Promise.resolve(this.copy(this.tables.liveByName(workspace, nameKey)));
  }

  nextVersion(workspace: string, nameKey: string): Promise<number> {
    const key = `${workspace}/${nameKey}`;
    const next = (this.counters.get(key) ?? this.tables.counters.get(key) ?? 0) + 1;
    this.counters.set(key, next);
    return Promise.resolve(next);
  }

  findVersion(id: string, version: number): Promise<TestVersion | null> {
    const row =
      this.versions.find((v) => v.definitionId === id && v.version === version) ??
      this.tables.version(id, version);
    return Promise.resolve(row ? structuredClone(row) : null);
  }

  insertDefinition(row: TestDefinition): Promise<void> {
    this.definitions.set(row.id, structuredClone(row));
    return Promise.resolve();
  }

  insertVersion(row: TestVersion): Promise<void> {
    this.versions.push(structuredClone(row));
    return Promise.resolve();
  }

  saveDefinition(row: TestDefinition): Promise<TestDefinition> {
    row.rowVersion += 1;
    this.definitions.set(row.id, structuredClone(row));
    return Promise.resolve(row);
  }

  commit(): void {
    for (const [id, row] of this.definitions) this.tables.definitions.set(id, row);
    this.tables.versions.push(...this.versions);
    for (const [key, n] of this.counters) this.tables.counters.set(key, n);
  }

  private copy(row: TestDefinition | undefined): TestDefinition | null {
    return row ? structuredClone(row) : null;
  }
}
