import { createBrowserRouter, Navigate } from "react-router";
import { ConsoleLayout } from "./components/console-layout.js";
import { CollectionEditPage } from "./pages/collection-edit-page.js";
import { CollectionNewPage } from "./pages/collection-new-page.js";
import { CollectionsPage } from "./pages/collections-page.js";
import { LogsPage } from "./pages/logs-page.js";
import { NotFoundPage } from "./pages/not-found-page.js";
import { RecordsPage } from "./pages/records-page.js";
import { settingsRoutes } from "./pages/settings-routes.js";
import { SetupPage } from "./pages/setup-page.js";
import { SignInPage } from "./pages/sign-in-page.js";
import { UsersIndexPage, UsersPage } from "./pages/users-page.js";
import { webhooksRoutes } from "./pages/webhooks-routes.js";

/** Routes under /_/ (Vite's base; the server answers index.html for any of them). */
export function createConsoleRouter() {
  return createBrowserRouter(
    [
      { path: "/sign-in", element: <SignInPage /> },
      { path: "/setup", element: <SetupPage /> },
      {
        element: <ConsoleLayout />,
        children: [
          { index: true, element: <Navigate to="/collections" replace /> },
          { path: "collections", element: <CollectionsPage /> },
          // "_new" can never be a collection name (names start with a letter), so no collection is hidden.
          { path: "collections/_new", element: <CollectionNewPage /> },
          { path: "collections/:name", element: <CollectionEditPage /> },
          ...settingsRoutes,
          { path: "collections/:name/records", element: <RecordsPage /> },
          { path: "users", element: <UsersIndexPage /> },
          { path: "users/:collection", element: <UsersPage /> },
          ...webhooksRoutes,
          { path: "logs", element: <LogsPage /> },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
    { basename: import.meta.env.BASE_URL.replace(/\/$/, "") },
  );
}
