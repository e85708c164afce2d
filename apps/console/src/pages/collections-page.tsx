// Every collection at a glance (name, type, fields, who may do what), with create and delete.
import type { Collection } from "@cairn/client/admin";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { admin } from "../api.js";
import { CollectionDeleteDialog } from "../components/collection-delete-dialog.js";
import { ErrorBanner } from "../components/error-banner.js";
import { shownError } from "../errors.js";

export const collectionsKey = ["collections"] as const;

const ruleNames = ["list", "view", "create", "update", "delete"] as const;

function ruleSummary(rule: string | null): { label: string; title: string; kind: string } {
  if (rule === null) return { label: "superusers", title: "Superusers only", kind: "locked" };
  if (rule === "") return { label: "anyone", title: "Anyone, signed in or not", kind: "open" };
  return { label: "rule", title: rule, kind: "rule" };
}

function RulesSummary({ collection }: { collection: Collection }) {
  return (
    <ul className="rules">
      {ruleNames.map((name) => {
        const summary = ruleSummary(collection[`${name}Rule`]);
        return (
          <li key={name} className={`rule ${summary.kind}`} title={summary.title}>
            <span className="rule-name">{name}</span> {summary.label}
          </li>
        );
      })}
    </ul>
  );
}

export function CollectionsPage() {
  const collections = useQuery({
    queryKey: collectionsKey,
    queryFn: ({ signal }) => admin.collections.list({ signal }),
  });

  return (
    <>
      <div className="page-header">
        <h1>Collections</h1>
        <Link to="/collections/_new" className="button" data-testid="new-collection">
          New collection
        </Link>
      </div>
      {collections.isPending && (
        <p role="status" data-testid="collections-loading">
          Loading collections…
        </p>
      )}
      {collections.isError && (
        <div data-testid="collections-error">
          <ErrorBanner error={shownError(collections.error)} />
          <button
            type="button"
            className="button secondary"
            onClick={() => void collections.refetch()}
          >
            Try again
          </button>
        </div>
      )}
      {collections.isSuccess && collections.data.length === 0 && (
        <div className="empty card" data-testid="collections-empty">
          <h2>No collections yet</h2>
          <p>
            A collection is a table: its fields are columns, its rules say who may list, view,
            create, update and delete its records.
          </p>
          <Link to="/collections/_new" className="button">
            Create your first collection
          </Link>
        </div>
      )}
      {collections.isSuccess && collections.data.length > 0 && (
        <div className="table-wrap card">
          <table data-testid="collections-table">
            <caption className="visually-hidden">Collections</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Fields</th>
                <th scope="col">Rules</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {collections.data.map((collection) => {
                const own = collection.fields.filter((field) => !field.system).length;
                const system = collection.fields.length - own;
                return (
                  <tr key={collection.id} data-testid={`collection-row-${collection.name}`}>
                    <th scope="row">
                      <Link to={`/collections/${encodeURIComponent(collection.name)}`}>
                        {collection.name}
                      </Link>
                    </th>
                    <td>
                      <span className={`type-badge ${collection.type}`}>{collection.type}</span>
                    </td>
                    <td className="count" title={`${own} own, ${system} system`}>
                      {own}
                      {system > 0 && <span className="muted"> + {system} system</span>}
                    </td>
                    <td>
                      <RulesSummary collection={collection} />
                    </td>
                    <td className="actions">
                      <Link
                        to={`/collections/${encodeURIComponent(collection.name)}/records`}
                        className="button secondary small"
                        data-testid={`collection-records-${collection.name}`}
                      >
                        Records
                      </Link>{" "}
                      <CollectionDeleteDialog collection={collection} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
