// The foot of a list read newest first in pages (an infinite query): how many are shown, and a
// button for the next, older page while there is one.
export function LoadMore({
  shown,
  noun,
  hasMore,
  loading,
  onMore,
  testId,
}: {
  shown: number;
  /** Singular and plural, e.g. ["request", "requests"]. */
  noun: [string, string];
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
  /** The count's test id; the button's adds -more. */
  testId: string;
}) {
  return (
    <div className="list-paging">
      {shown > 0 && (
        <p className="hint" data-testid={`${testId}-count`}>
          {shown} {shown === 1 ? noun[0] : noun[1]} shown{hasMore ? "; older ones follow." : "."}
        </p>
      )}
      {hasMore && (
        <button
          type="button"
          className="button secondary"
          disabled={loading}
          onClick={onMore}
          data-testid={`${testId}-more`}
        >
          {loading ? "Loading…" : "Load more"}
        </button>
      )}
    </div>
  );
}
