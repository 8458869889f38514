import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";

/** One page of a keyset-paginated List call; its items sit in a field named after the resource. */
interface Page {
  readonly nextPageToken: string;
}

/** What a paged list needs: its cache key, how to fetch one page and where a page keeps its items. */
export interface PagedListOptions<P extends Page, T> {
  readonly queryKey: QueryKey;
  /** Fetches the page at `pageToken` ("" for the first one). */
  readonly fetchPage: (pageToken: string, signal: AbortSignal) => Promise<P>;
  /** The items of one page. */
  readonly itemsOf: (page: P) => readonly T[];
  /** Refetches the pages loaded so far this often (ms); `false` (the default) never does. */
  readonly refetchInterval?: number | false;
}

/** The items of the pages loaded so far and what the list's "Load more" needs. */
export interface PagedList<T, P = unknown> {
  readonly items: readonly T[];
  /** The first page as answered (e.g. for what it says beside its items); undefined until then. */
  readonly firstPage: P | undefined;
  /** True until the first page has answered. */
  readonly isPending: boolean;
  /** Why the last fetch (the first page, the next one or a refetch) failed; null when it did not. */
  readonly error: Error | null;
  readonly hasMore: boolean;
  readonly isLoadingMore: boolean;
  readonly loadMore: () => void;
}

/** A List call paged with `page_token` / `next_page_token`, its pages flattened into one list. */
export function usePagedList<P extends Page, T>({
  queryKey,
  fetchPage,
  itemsOf,
  refetchInterval = false,
}: PagedListOptions<P, T>): PagedList<T, P> {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextPageToken || undefined,
    refetchInterval,
  });
  return {
    items: query.data?.pages.flatMap((page) => itemsOf(page)) ?? [],
    firstPage: query.data?.pages[0],
    isPending: query.isPending,
    error: query.isError ? query.error : null,
    hasMore: query.hasNextPage,
    isLoadingMore: query.isFetchingNextPage,
    loadMore: () => void query.fetchNextPage(),
  };
}
