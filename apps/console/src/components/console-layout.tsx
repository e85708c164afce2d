// The signed-in frame: sidebar, top bar with the superuser and sign-out, the page, and the
// server's status. Rendering it requires a session; without one the user goes to sign-in.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { admin } from "../api.js";
import { isUnauthorized, shownError } from "../errors.js";
import { signInPath } from "../return-to.js";
import { useMe } from "../use-me.js";
import { ErrorBanner } from "./error-banner.js";
import { ServerStatusIndicator } from "./server-status-indicator.js";
import { ThemeSelect } from "./theme-select.js";

export function ConsoleLayout() {
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => admin.signOut(),
    onSettled: () => {
      queryClient.removeQueries();
      void navigate("/sign-in", { replace: true });
    },
  });

  if (me.isPending) {
    return (
      <p className="page-loading" role="status">
        Loading…
      </p>
    );
  }
  if (me.isError) {
    if (isUnauthorized(me.error)) {
      return <Navigate to={signInPath(`${location.pathname}${location.search}`)} replace />;
    }
    return (
      <main className="auth-screen">
        <div className="auth-card card">
          <h1>Cannot reach the server</h1>
          <ErrorBanner error={shownError(me.error)} />
          <button type="button" className="button" onClick={() => void me.refetch()}>
            Try again
          </button>
        </div>
      </main>
    );
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-brand">
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={24} height={24} />
          <span className="brand">Cairn</span>
        </div>
        <div className="topbar-actions">
          <ThemeSelect />
          <span className="whoami" data-testid="current-superuser" title="Signed in superuser">
            {me.data.email}
          </span>
          <button
            type="button"
            className="button secondary"
            onClick={() => signOut.mutate()}
            disabled={signOut.isPending}
            data-testid="sign-out"
          >
            Sign out
          </button>
        </div>
      </header>
      <nav className="sidebar" aria-label="Main">
        <ul>
          <li>
            <NavLink to="/collections" data-testid="nav-collections">
              Collections
            </NavLink>
          </li>
          <li>
            <NavLink to="/users" data-testid="nav-users">
              Users
            </NavLink>
          </li>
          <li>
            <NavLink to="/webhooks" data-testid="nav-webhooks">
              Webhooks
            </NavLink>
          </li>
          <li>
            <NavLink to="/logs" data-testid="nav-logs">
              Logs
            </NavLink>
          </li>
          <li>
            <NavLink to="/settings" data-testid="nav-settings">
              Settings
            </NavLink>
          </li>
        </ul>
        <div className="sidebar-footer">
          <ServerStatusIndicator />
        </div>
      </nav>
      <main className="content" id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
