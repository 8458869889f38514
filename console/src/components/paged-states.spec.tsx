import { Code, ConnectError } from "@connectrpc/connect";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { PagedList } from "../api/use-paged-list";
import { PagedStates } from "./paged-states";

const list = (over: Partial<PagedList<string>>): PagedList<string> => ({
  items: [],
  firstPage: undefined,
  isPending: false,
  error: null,
  hasMore: false,
  isLoadingMore: false,
  loadMore: () => undefined,
  ...over,
});

function renderStates(l: PagedList<string>) {
  render(
    <PagedStates
      list={l}
      what="things"
      errorTitle="Could not list things"
      moreErrorTitle="Could not load more things"
      empty="No things."
    >
      {(items) => (
        <ul aria-label="Things">
          {items.map((t) => (
            <li key={t}>{t}</li>
          ))}
        </ul>
      )}
    </PagedStates>,
  );
}

describe("PagedStates", () => {
  it("says what loads until the first page answers", () => {
    renderStates(list({ isPending: true }));
    expect(screen.getByRole("status").textContent).toBe("Loading things…");
    expect(screen.queryByRole("list")).toBeNull();
  });

  it("shows the error of the first page in place of the list", () => {
    renderStates(list({ error: new ConnectError("down", Code.Unavailable) }));
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("Could not list things");
    expect(alert.textContent).toContain("UNAVAILABLE");
    expect(screen.queryByRole("list")).toBeNull();
  });

  it("says so when there is nothing", () => {
    renderStates(list({}));
    expect(screen.getByText("No things.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("keeps the items shown when a later page fails, and loads more on request", async () => {
    const loadMore = vi.fn();
    renderStates(
      list({ items: ["a", "b"], error: new ConnectError("down", Code.Unavailable), hasMore: true, loadMore }),
    );
    expect(screen.getAllByRole("listitem").map((li) => li.textContent)).toEqual(["a", "b"]);
    expect(screen.getByRole("alert").textContent).toContain("Could not load more things");
    await userEvent.setup().click(screen.getByRole("button", { name: "Load more" }));
    expect(loadMore).toHaveBeenCalledOnce();
  });

  it("disables Load more while the next page loads", () => {
    renderStates(list({ items: ["a"], hasMore: true, isLoadingMore: true }));
    expect(screen.getByRole("button", { name: "Loading…" })).toHaveProperty("disabled", true);
  });
});
