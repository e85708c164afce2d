// A list shown as a table under column headings, or as one line saying it is empty: the shape of
// every admin list (API keys, webhooks, deliveries, backups, sessions).
import type { ReactNode } from "react";

export function ListTable<T>({
  items,
  label,
  columns,
  actions = false,
  empty,
  emptyTestId,
  children,
}: {
  /** Nothing is shown until the list has loaded. */
  items: readonly T[] | undefined;
  /** The table's accessible name. */
  label: string;
  columns: readonly string[];
  /** A last column, without a visible heading, for each row's buttons. */
  actions?: boolean;
  empty: ReactNode;
  emptyTestId: string;
  /** The rows (<tr> elements) of the items. */
  children: (items: readonly T[]) => ReactNode;
}) {
  if (!items) return null;
  if (items.length === 0) {
    return (
      <p className="empty" data-testid={emptyTestId}>
        {empty}
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children(items)}</tbody>
      </table>
    </div>
  );
}
