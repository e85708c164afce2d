// App users of an auth collection: search, pages of 50, create, and the per-user actions in
// UserPanel. Records of an auth collection are plain records to the SDK, so the list and writes go
// through cairn.collection(); the admin-only verbs (and who is disabled) go through admin.users.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { Link, Navigate, useNavigate, useParams } from "react-router";
import { admin, cairn } from "../api.js";
import { ErrorBanner } from "../components/error-banner.js";
import { TextField } from "../components/form-field.js";
import { UserPanel, type UserRow, usersDisabledKey } from "../components/users-panel.js";
import { shownError } from "../errors.js";

/** Users per page; the disabled lookup asks about one page's ids at once. */
const perPage = 50;

export function usersKey(collection: string) {
  return ["collections", collection, "records"] as const;
}

function useAuthCollections() {
  return useQuery({
    queryKey: ["collections"],
    queryFn: ({ signal }) => admin.collections.list({ signal }),
    select: (all) => all.filter((c) => c.type === "auth").map((c) => c.name),
  });
}

/** `/users`: straight to the only auth collection, or a picker. */
export function UsersIndexPage() {
  const names = useAuthCollections();
  if (names.isPending) {
    return (
      <p role="status" data-testid="users-loading">
        Loading…
      </p>
    );
  }
  if (names.isError) return <ErrorBanner error={shownError(names.error)} />;
  if (names.data.length === 1) return <Navigate to={`/users/${names.data[0]}`} replace />;
  return (
    <div>
      <div className="page-header">
        <h1>Users</h1>
      </div>
      {names.data.length === 0 ? (
        <div className="empty card" data-testid="users-no-collection">
          <p>No auth collection yet.</p>
          <Link to="/collections/_new" className="button">
            New collection
          </Link>
        </div>
      ) : (
        <ul className="users-picker" data-testid="users-collection-picker">
          {names.data.map((name) => (
            <li key={name}>
              <Link to={`/users/${name}`} data-testid={`users-collection-${name}`}>
                {name}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function UsersPage() {
  const { collection = "" } = useParams();
  // Keyed so that another collection starts with its own search and no open user.
  return <UsersList key={collection} collection={collection} />;
}

function UsersList({ collection }: { collection: string }) {
  const names = useAuthCollections();
  const navigate = useNavigate();
  const [searchDraft, setSearchDraft] = useState("");
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);

  const users = useQuery({
    queryKey: [...usersKey(collection), "users", search, page],
    queryFn: ({ signal }) =>
      cairn.collection(collection).list({
        sort: "-created,id",
        page,
        perPage,
        filter: search ? cairn.filter("email ~ {:q} || id = {:q}", { q: search }) : undefined,
        signal,
      }),
    placeholderData: keepPreviousData,
  });
  const rows = (users.data?.items ?? []) as unknown as UserRow[];
  const ids = rows.map((u) => u.id);
  // Who of this page is disabled: a lookup of its own, so user records keep their shape.
  const disabled = useQuery({
    queryKey: [...usersDisabledKey(collection), ids],
    queryFn: ({ signal }) => admin.users.disabled(collection, { ids, perPage }, { signal }),
    enabled: ids.length > 0,
    placeholderData: keepPreviousData,
  });
  const disabledById = new Map((disabled.data?.items ?? []).map((d) => [d.userId, d]));
  const open = rows.find((u) => u.id === openId) ?? null;
  const totalItems = users.data?.totalItems ?? 0;
  const totalPages = Math.max(1, Math.ceil(totalItems / perPage));
  // Deleting the last user of the last page: show the page before.
  const pageGone = users.isSuccess && !users.isFetching && rows.length === 0 && page > 1;
  useEffect(() => {
    if (pageGone) setPage(totalPages);
  }, [pageGone, totalPages]);

  return (
    <div>
      <div className="page-header">
        <h1>Users</h1>
        <div className="users-header-actions">
          {names.data && names.data.length > 1 && (
            <label>
              <span className="visually-hidden">Auth collection</span>
              <select
                value={collection}
                onChange={(event) => void navigate(`/users/${event.target.value}`)}
                data-testid="users-collection-select"
              >
                {names.data.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button
            type="button"
            className="button"
            onClick={() => setCreating(true)}
            data-testid="new-user"
          >
            New user
          </button>
        </div>
      </div>
      <form
        className="users-search"
        onSubmit={(event) => {
          event.preventDefault();
          setSearch(searchDraft.trim());
          setPage(1);
        }}
      >
        <input
          type="search"
          aria-label="Search by email or id"
          placeholder="Search by email or id"
          value={searchDraft}
          onChange={(event) => setSearchDraft(event.target.value)}
          data-testid="users-search"
        />
        <button type="submit" className="button secondary">
          Search
        </button>
      </form>
      {creating && <UserCreateForm collection={collection} onDone={() => setCreating(false)} />}
      {users.isPending && (
        <p role="status" data-testid="users-loading">
          Loading users…
        </p>
      )}
      {users.isError && <ErrorBanner error={shownError(users.error)} testId="users-error" />}
      {users.isSuccess && rows.length === 0 && (
        <p className="empty card" data-testid="users-empty">
          {search ? "No user matches this search." : "No users yet."}
        </p>
      )}
      {rows.length > 0 && (
        <div className="table-wrap card">
          <table data-testid="users-table" aria-busy={users.isFetching}>
            <caption className="visually-hidden">Users of {collection}</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Id</th>
                <th scope="col">Verified</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((user) => (
                <tr key={user.id} data-testid={`user-row-${user.email}`}>
                  <th scope="row">
                    {user.email || <span className="muted">(guest)</span>}
                    {disabledById.has(user.id) && (
                      <span className="users-disabled-badge" data-testid="user-disabled-badge">
                        Disabled
                      </span>
                    )}
                  </th>
                  <td>
                    <code>{user.id}</code>
                  </td>
                  <td data-testid="user-verified">{user.verified ? "Verified" : "Not verified"}</td>
                  <td>{new Date(user.created).toLocaleString()}</td>
                  <td>
                    <button
                      type="button"
                      className="button small secondary"
                      onClick={() => setOpenId(user.id)}
                      data-testid={`open-user-${user.email}`}
                    >
                      Manage
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {users.data && totalItems > 0 && (
        <div className="users-pager" data-testid="users-pager">
          <span data-testid="users-total">
            {totalItems.toLocaleString()} {totalItems === 1 ? "user" : "users"}
          </span>
          <button
            type="button"
            className="button secondary small"
            disabled={page <= 1}
            onClick={() => setPage(page - 1)}
            data-testid="users-prev"
          >
            Previous
          </button>
          <span data-testid="users-page">
            Page {page} of {totalPages}
          </span>
          <button
            type="button"
            className="button secondary small"
            disabled={page >= totalPages}
            onClick={() => setPage(page + 1)}
            data-testid="users-next"
          >
            Next
          </button>
        </div>
      )}
      {open && (
        <UserPanel
          key={open.id}
          collection={collection}
          user={open}
          disabled={disabledById.get(open.id) ?? null}
          onClose={() => setOpenId(null)}
        />
      )}
    </div>
  );
}

function UserCreateForm({ collection, onDone }: { collection: string; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [verified, setVerified] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      cairn.collection(collection).create({
        email,
        password,
        verified,
      } as never),
    onSuccess: async () => {
      onDone();
      await queryClient.invalidateQueries({ queryKey: usersKey(collection) });
    },
  });
  const error = shownError(create.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="card users-form" onSubmit={submit} data-testid="user-create-form">
      <h2>New user</h2>
      <TextField
        label="Email"
        type="email"
        // An empty email would make a guest account; guests are not created from here.
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={error?.fields.email}
        data-testid="user-create-email"
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={error?.fields.password}
        data-testid="user-create-password"
      />
      <label className="checkbox">
        <input
          type="checkbox"
          checked={verified}
          onChange={(event) => setVerified(event.target.checked)}
          data-testid="user-create-verified"
        />{" "}
        Verified
      </label>
      <ErrorBanner error={error} shownFields={["email", "password"]} />
      <div className="dialog-actions">
        <button type="button" className="button secondary" onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          className="button"
          disabled={create.isPending}
          data-testid="user-create-save"
        >
          Create user
        </button>
      </div>
    </form>
  );
}
