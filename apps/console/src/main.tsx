import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { createConsoleQueryClient } from "./query-client.js";
import { signInPath } from "./return-to.js";
import { createConsoleRouter } from "./router.js";
import { applyStoredTheme } from "./theme.js";
import { meKey } from "./use-me.js";
import "./styles.css";

applyStoredTheme();

const router = createConsoleRouter();
const queryClient = createConsoleQueryClient(() => {
  // The router's own state keeps the basename (/_); routes and `next` go without it.
  const { search } = router.state.location;
  const base = import.meta.env.BASE_URL.replace(/\/$/, "");
  const full = router.state.location.pathname;
  const pathname = full.startsWith(`${base}/`) ? full.slice(base.length) : full;
  if (pathname === "/sign-in" || pathname === "/setup") return;
  // Only someone who was signed in has a session that expired; a first visit just signs in.
  const wasSignedIn = queryClient.getQueryData(meKey) !== undefined;
  void router.navigate(signInPath(`${pathname}${search}`, wasSignedIn ? "expired" : undefined), {
    replace: true,
  });
  queryClient.removeQueries();
});

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
