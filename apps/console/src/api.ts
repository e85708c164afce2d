import { createClient } from "@cairn/client";

/** The console talks to the server that serves it, through the public SDK only. */
export const cairn = createClient(window.location.origin);
