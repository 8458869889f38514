import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { VersionTable, type NumberedVersion } from "./version-table";

interface Row extends NumberedVersion {
  readonly labels: string[];
}

const version = (n: number, over: Partial<Row> = {}): Row => ({
  version: n,
  createTime: timestampFromMs(Date.UTC(2026, 11, n)),
  changeNote: "",
  contentHash: `${n}`.repeat(20),
  labels: [],
  ...over,
});

describe("VersionTable", () => {
  it("shows the shared columns around the kind's own, links each version and marks the shown one", () => {
    render(
      <MemoryRouter>
        <VersionTable
          name="summarize"
          versions={[version(2, { changeNote: "shorter", labels: ["production"] }), version(1)]}
          shown={1}
          columns={[{ header: "Labels", cell: (v) => v.labels.join(", ") || "—" }]}
          note={(v) => (v.version === 2 ? " (current)" : "")}
        />
      </MemoryRouter>,
    );
    const table = screen.getByRole("table", { name: "Versions of summarize" });
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual([
      "Version",
      "Written",
      "Change note",
      "Labels",
      "Hash",
    ]);
    const [, newest, oldest] = within(table).getAllByRole("row");
    expect(within(newest!).getAllByRole("cell").map((c) => c.textContent)).toEqual([
      "v2 (current)",
      expect.any(String),
      "shorter",
      "production",
      "222222222222",
    ]);
    expect(within(oldest!).getAllByRole("cell")[2]!.textContent).toBe("—");
    expect(within(newest!).getByRole("link", { name: "v2" }).getAttribute("href")).toBe("/?version=2");
    expect(oldest!.getAttribute("aria-current")).toBe("true");
    expect(newest!.getAttribute("aria-current")).toBeNull();
  });
});
