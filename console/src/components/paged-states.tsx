import type { ReactNode } from "react";
import type { PagedList } from "../api/use-paged-list";
import { ErrorView } from "./error-view";
import { LoadMore } from "./load-more";
import { Empty, Loading } from "./states";

/**
 * A paged list in its states: loading, the first page failed, empty, or the items so far (drawn by
 * `children`, never with none) followed by the error of a later page and "Load more".
 */
export function PagedStates<T>({
  list,
  what,
  errorTitle,
  moreErrorTitle,
  empty,
  children,
}: {
  list: PagedList<T>;
  /** What loads, as in "Loading versions…". */
  what: string;
  /** Title of the error when the first page fails. */
  errorTitle: string;
  /** Title of the error when a later page (or a refetch) fails with items shown. */
  moreErrorTitle?: string;
  /** Said when the list has no items. */
  empty: ReactNode;
  children: (items: readonly T[]) => ReactNode;
}) {
  const { items, error } = list;
  return (
    <>
      {list.isPending ? (
        <Loading what={what} />
      ) : error !== null && items.length === 0 ? (
        <ErrorView error={error} title={errorTitle} />
      ) : items.length === 0 ? (
        <Empty>{empty}</Empty>
      ) : (
        children(items)
      )}
      {error !== null && items.length > 0 && <ErrorView error={error} title={moreErrorTitle} />}
      <LoadMore hasMore={list.hasMore} loading={list.isLoadingMore} onLoad={list.loadMore} />
    </>
  );
}
