// The Settings section: one layout with tabs, a page per kind of runtime setting. Exported as
// route objects so the router takes the whole section in one line.
import { Navigate, NavLink, Outlet, type RouteObject } from "react-router";
import { SettingsApiKeysPage } from "./settings-api-keys-page.js";
import { SettingsApplicationPage } from "./settings-application-page.js";
import { SettingsBackupsPage } from "./settings-backups-page.js";
import { SettingsMailPage } from "./settings-mail-page.js";
import { SettingsMetricsPage } from "./settings-metrics-page.js";
import { SettingsProvidersPage } from "./settings-providers-page.js";
import { SettingsSecurityPage } from "./settings-security-page.js";
import { SettingsStoragePage } from "./settings-storage-page.js";

const tabs = [
  { path: "application", label: "Application" },
  { path: "mail", label: "Mail" },
  { path: "storage", label: "Storage" },
  { path: "providers", label: "Sign-in providers" },
  { path: "security", label: "Security" },
  { path: "api-keys", label: "API keys" },
  { path: "metrics", label: "Metrics" },
  { path: "backups", label: "Backups" },
] as const;

function SettingsLayout() {
  return (
    <>
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      <nav className="settings-tabs" aria-label="Settings">
        {tabs.map((tab) => (
          <NavLink
            key={tab.path}
            to={`/settings/${tab.path}`}
            data-testid={`settings-tab-${tab.path}`}
          >
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}

export const settingsRoutes: RouteObject[] = [
  {
    path: "settings",
    element: <SettingsLayout />,
    children: [
      { index: true, element: <Navigate to="/settings/application" replace /> },
      { path: "application", element: <SettingsApplicationPage /> },
      { path: "mail", element: <SettingsMailPage /> },
      { path: "storage", element: <SettingsStoragePage /> },
      { path: "providers", element: <SettingsProvidersPage /> },
      { path: "security", element: <SettingsSecurityPage /> },
      { path: "api-keys", element: <SettingsApiKeysPage /> },
      { path: "metrics", element: <SettingsMetricsPage /> },
      { path: "backups", element: <SettingsBackupsPage /> },
    ],
  },
];
