// The console's one client: it talks to the server that serves it, through the public SDK only
// (STYLE.md §9). The superuser's session lives in an HttpOnly cookie; the SDK only remembers
// that there is one, so nothing secret ever reaches localStorage.
import { createClient } from "@cairn/client";
import { createAdmin } from "@cairn/client/admin";

export const cairn = createClient(window.location.origin, {
  // Superuser sessions are not refreshed through the app users' endpoint.
  auth: { storageKey: "cairn.console", autoRefresh: false },
});

export const admin = createAdmin(cairn);
