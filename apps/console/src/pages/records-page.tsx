// One collection's records: a paged, sortable, filterable grid with a column chooser, the side
// panel to create and edit, single and bulk delete, and export of the current filter as CSV or
// JSON. Everything goes through the public SDK; the grid never holds more than one page.
import { isCairnError } from "@cairn/client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { admin, cairn } from "../api.js";
import { ErrorBanner } from "../components/error-banner.js";
import { RecordsDeleteDialog } from "../components/records-delete-dialog.js";
import { RecordsPanel } from "../components/records-panel.js";
import { shownError } from "../errors.js";
import {
  type CollectionField,
  download,
  fileNames,
  isImageName,
  previewThumb,
  type RecordRow,
  readHiddenColumns,
  toCsv,
  valueText,
  writeHiddenColumns,
} from "../records-fields.js";

const pageSizes = [10, 30, 50, 100] as const;

export function recordsKey(collection: string) {
  return ["collections", collection, "records"] as const;
}

export function RecordsPage() {
  const { name = "" } = useParams();
  const collection = useQuery({
    queryKey: ["collections", name, "definition"],
    queryFn: ({ signal }) => admin.collections.get(name, { signal }),
  });
  if (collection.isPending) {
    return (
      <p role="status" data-testid="records-loading">
        Loading {name}…
      </p>
    );
  }
  if (collection.isError) {
    return (
      <div data-testid="records-error">
        <RecordsHeader name={name} />
        <ErrorBanner error={shownError(collection.error)} />
      </div>
    );
  }
  // Keyed so that a different collection starts with its own page, sort and columns.
  return <RecordsGrid key={name} name={name} fields={collection.data.fields} />;
}

function RecordsHeader({ name, children }: { name: string; children?: React.ReactNode }) {
  return (
    <div className="page-header">
      <h1>
        <Link to="/collections" className="muted">
          Collections
        </Link>{" "}
        / {name}
      </h1>
      <div className="records-header-actions">{children}</div>
    </div>
  );
}

type Editing = { mode: "create" } | { mode: "edit"; record: RecordRow } | null;

interface RecordsView {
  page: number;
  perPage: number;
  sort: string;
  filter: string;
}
const defaultView: RecordsView = { page: 1, perPage: 30, sort: "-created", filter: "" };

function readView(params: URLSearchParams): RecordsView {
  const page = Number(params.get("page"));
  const perPage = Number(params.get("perPage"));
  return {
    page: Number.isInteger(page) && page >= 1 ? page : defaultView.page,
    perPage: (pageSizes as readonly number[]).includes(perPage) ? perPage : defaultView.perPage,
    sort: params.get("sort") || defaultView.sort,
    filter: params.get("filter") ?? defaultView.filter,
  };
}

/** Defaults stay out of the URL, so a plain link is the default view. */
function writeView(current: URLSearchParams, view: RecordsView): URLSearchParams {
  const next = new URLSearchParams(current);
  for (const key of Object.keys(defaultView) as (keyof RecordsView)[]) {
    if (view[key] === defaultView[key]) next.delete(key);
    else next.set(key, String(view[key]));
  }
  return next;
}

function RecordsGrid({ name, fields }: { name: string; fields: CollectionField[] }) {
  // Page, size, sort and filter live in the URL: a view can be bookmarked, shared and gone back to.
  const [params, setParams] = useSearchParams();
  const view = readView(params);
  const { page, perPage, sort, filter } = view;
  const setView = (patch: Partial<RecordsView>) =>
    setParams((current) => writeView(current, { ...readView(current), ...patch }), {
      replace: true,
    });
  const setPage = (next: number) => setView({ page: next });
  const [filterDraft, setFilterDraft] = useState(filter);
  const [hidden, setHidden] = useState<string[]>(() => readHiddenColumns(name));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<string[] | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const filterId = useId();
  const hasCreated = fields.some((field) => field.name === "created");
  const sortParam = sort === "-created" && !hasCreated ? "-id" : sort;

  const records = useQuery({
    queryKey: [...recordsKey(name), { page, perPage, sort: sortParam, filter }],
    queryFn: ({ signal }) =>
      cairn.collection(name).list({ page, perPage, sort: sortParam, filter, signal }),
    placeholderData: keepPreviousData,
    retry: (count, error) => !(isCairnError(error) && error.status < 500) && count < 2,
  });
  const filterRejected =
    records.isError && filter !== "" && isCairnError(records.error) && records.error.status === 400;

  const columns = fields;
  const shown = columns.filter((field) => !hidden.includes(field.name));
  const items = records.data?.items ?? [];
  const allSelected = items.length > 0 && items.every((record) => selected.has(record.id));

  const toggleColumn = (column: string) => {
    const next = hidden.includes(column)
      ? hidden.filter((other) => other !== column)
      : [...hidden, column];
    setHidden(next);
    writeHiddenColumns(name, next);
  };
  const sortBy = (column: string) =>
    setView({ sort: sort === column ? `-${column}` : column, page: 1 });
  const applyFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setView({ filter: filterDraft.trim(), page: 1 });
    setSelected(new Set());
  };
  const toggleRow = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const toggleAll = () =>
    setSelected(allSelected ? new Set() : new Set(items.map((record) => record.id)));

  // Every record of the current filter, page by page (the largest page the server gives).
  const exportAs = async (format: "csv" | "json") => {
    setExporting(format);
    setExportError(null);
    try {
      const all: RecordRow[] = [];
      for (let next = 1; ; next++) {
        const chunk = await cairn
          .collection(name)
          .list({ page: next, perPage: 500, sort: sortParam, filter });
        all.push(...chunk.items);
        if (next >= chunk.totalPages || chunk.items.length === 0) break;
      }
      if (format === "json") {
        download(`${JSON.stringify(all, null, 2)}\n`, `${name}.json`, "application/json");
      } else {
        const names = columns.map((field) => field.name);
        download(toCsv(names, all), `${name}.csv`, "text/csv");
      }
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(null);
    }
  };

  return (
    <>
      <RecordsHeader name={name}>
        <button
          type="button"
          className="button secondary"
          onClick={() => void exportAs("csv")}
          disabled={exporting !== null}
          data-testid="records-export-csv"
        >
          {exporting === "csv" ? "Exporting…" : "Export CSV"}
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => void exportAs("json")}
          disabled={exporting !== null}
          data-testid="records-export-json"
        >
          {exporting === "json" ? "Exporting…" : "Export JSON"}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => setEditing({ mode: "create" })}
          data-testid="new-record"
        >
          New record
        </button>
      </RecordsHeader>
      <ErrorBanner error={shownError(exportError)} testId="records-export-error" />

      <div className="records-toolbar">
        <form className="records-filter" onSubmit={applyFilter} aria-label="Filter records">
          <label htmlFor={filterId} className="visually-hidden">
            Filter
          </label>
          <input
            id={filterId}
            value={filterDraft}
            onChange={(event) => setFilterDraft(event.target.value)}
            placeholder={'Filter, e.g. title ~ "hello" && created > "2026-01-01"'}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={filterRejected ? true : undefined}
            aria-describedby={filterRejected ? `${filterId}-error` : undefined}
            data-testid="records-filter"
          />
          <button type="submit" className="button secondary" data-testid="records-filter-apply">
            Apply
          </button>
          {filter !== "" && (
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                setFilterDraft("");
                setView({ filter: "", page: 1 });
              }}
              data-testid="records-filter-clear"
            >
              Clear
            </button>
          )}
        </form>
        <details className="records-columns" data-testid="records-columns">
          <summary className="button secondary">Columns</summary>
          <fieldset>
            <legend className="visually-hidden">Shown columns</legend>
            {columns.map((field) => (
              <label key={field.name} className="checkbox">
                <input
                  type="checkbox"
                  checked={!hidden.includes(field.name)}
                  onChange={() => toggleColumn(field.name)}
                  data-testid={`records-column-${field.name}`}
                />
                {field.name}
              </label>
            ))}
          </fieldset>
        </details>
        {selected.size > 0 && (
          <button
            type="button"
            className="button danger"
            onClick={() => setDeleting([...selected])}
            data-testid="records-delete-selected"
          >
            Delete selected ({selected.size})
          </button>
        )}
      </div>
      {filterRejected && (
        <p id={`${filterId}-error`} className="field-error" data-testid="records-filter-error">
          {records.error.message}
        </p>
      )}

      {records.isPending && (
        <p role="status" data-testid="records-loading">
          Loading records…
        </p>
      )}
      {records.isError && !filterRejected && (
        <div data-testid="records-error">
          <ErrorBanner error={shownError(records.error)} />
          <button type="button" className="button secondary" onClick={() => void records.refetch()}>
            Try again
          </button>
        </div>
      )}
      {records.isSuccess && items.length === 0 && (
        <div className="empty card" data-testid="records-empty">
          <h2>{filter ? "No records match the filter" : "No records yet"}</h2>
          {!filter && (
            <button type="button" className="button" onClick={() => setEditing({ mode: "create" })}>
              Create the first record
            </button>
          )}
        </div>
      )}
      {records.isSuccess && items.length > 0 && (
        <div className="table-wrap card">
          <table data-testid="records-table" aria-busy={records.isFetching}>
            <caption className="visually-hidden">Records of {name}</caption>
            <thead>
              <tr>
                <th scope="col" className="records-select">
                  <input
                    type="checkbox"
                    checked={allSelected}
                    onChange={toggleAll}
                    aria-label="Select all on this page"
                    data-testid="records-select-all"
                  />
                </th>
                {shown.map((field) => {
                  const direction =
                    sort === field.name
                      ? "ascending"
                      : sort === `-${field.name}`
                        ? "descending"
                        : undefined;
                  return (
                    <th key={field.name} scope="col" aria-sort={direction}>
                      <button
                        type="button"
                        className="records-sort"
                        onClick={() => sortBy(field.name)}
                        data-testid={`records-sort-${field.name}`}
                      >
                        {field.name}
                        <span aria-hidden="true">
                          {direction === "ascending"
                            ? " ▲"
                            : direction === "descending"
                              ? " ▼"
                              : ""}
                        </span>
                      </button>
                    </th>
                  );
                })}
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((record) => (
                <tr key={record.id} data-testid={`record-row-${record.id}`}>
                  <td className="records-select">
                    <input
                      type="checkbox"
                      checked={selected.has(record.id)}
                      onChange={() => toggleRow(record.id)}
                      aria-label={`Select record ${record.id}`}
                    />
                  </td>
                  {shown.map((field) => (
                    <td key={field.name} className="records-cell">
                      <RecordCell record={record} field={field} />
                    </td>
                  ))}
                  <td className="actions records-actions">
                    <button
                      type="button"
                      className="button secondary small"
                      onClick={() => setEditing({ mode: "edit", record })}
                      aria-label={`Edit record ${record.id}`}
                      data-testid={`edit-record-${record.id}`}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="button danger small"
                      onClick={() => setDeleting([record.id])}
                      aria-label={`Delete record ${record.id}`}
                      data-testid={`delete-record-${record.id}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {records.data && (
        <div className="records-pager" data-testid="records-pager">
          <span data-testid="records-total">
            {records.data.totalItems.toLocaleString()}{" "}
            {records.data.totalItems === 1 ? "record" : "records"}
          </span>
          <label className="records-page-size">
            Per page{" "}
            <select
              value={perPage}
              onChange={(event) => setView({ perPage: Number(event.target.value), page: 1 })}
              data-testid="records-per-page"
            >
              {pageSizes.map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button secondary small"
            disabled={page <= 1}
            onClick={() => setPage(page - 1)}
            data-testid="records-prev"
          >
            Previous
          </button>
          <span data-testid="records-page">
            Page {records.data.page} of {Math.max(records.data.totalPages, 1)}
          </span>
          <button
            type="button"
            className="button secondary small"
            disabled={page >= records.data.totalPages}
            onClick={() => setPage(page + 1)}
            data-testid="records-next"
          >
            Next
          </button>
        </div>
      )}

      <RecordsPanel
        collection={name}
        fields={fields}
        editing={editing}
        onClose={() => setEditing(null)}
      />
      <RecordsDeleteDialog
        collection={name}
        ids={deleting}
        onClose={(deleted) => {
          setDeleting(null);
          if (deleted) setSelected(new Set([...selected].filter((id) => !deleted.includes(id))));
        }}
      />
    </>
  );
}

function RecordCell({ record, field }: { record: RecordRow; field: CollectionField }) {
  const value = record[field.name];
  if (field.type === "bool") return <span>{value ? "✓" : "–"}</span>;
  if (field.type === "file") {
    const thumb = previewThumb(field);
    return (
      <span className="records-files">
        {fileNames(value).map((file) =>
          thumb && isImageName(file) ? (
            <img
              key={file}
              src={cairn.files.url(record, file, { thumb })}
              alt={file}
              className="records-thumb"
              data-testid="records-cell-thumb"
            />
          ) : (
            <a key={file} href={cairn.files.url(record, file)} target="_blank" rel="noreferrer">
              {file}
            </a>
          ),
        )}
      </span>
    );
  }
  if (field.name === "id" && typeof value === "string") {
    // UUIDs are long, and v7 ones made together share their start: the end tells rows apart,
    // the title holds the whole id.
    return (
      <code title={value} className="records-id">
        …{value.slice(-8)}
      </code>
    );
  }
  if ((field.type === "date" || field.type === "autodate") && typeof value === "string") {
    return <span title={value}>{value.replace("T", " ").replace(/\.\d+Z$/, "Z")}</span>;
  }
  const text = valueText(value);
  return <span title={text}>{text.length > 80 ? `${text.slice(0, 80)}…` : text}</span>;
}
