// Shared set-up of the SDK's end-to-end tests: the first superuser (through the setup link the
// server printed) and clients with storage of their own, so files never share a session.
import { createAdmin } from "../src/admin.js";
import { memoryStorage } from "../src/auth-storage.js";
import { type ClientOptions, createClient } from "../src/client.js";
import type { TestServer } from "./cairn-server.js";

export const adminEmail = "admin@example.com";
export const adminPassword = "a long admin password";

/** A signed-in admin (creating the first superuser on first call). */
export async function adminFor(server: TestServer) {
  const client = createClient(server.url, { auth: { storage: memoryStorage() } });
  const admin = createAdmin(client);
  try {
    await admin.setup({ token: server.setupToken, email: adminEmail, password: adminPassword });
  } catch {
    // Already set up by an earlier call in this file.
  }
  await admin.signIn({ email: adminEmail, password: adminPassword });
  return { client, admin };
}

/** A fresh app client with memory storage (unless options say otherwise). */
export function appClient(server: TestServer, options: ClientOptions = {}) {
  return createClient(server.url, {
    ...options,
    auth: { storage: memoryStorage(), ...options.auth },
  });
}

let counter = 0;
/** A unique email per call (the server's per-email limits must never meet). */
export function uniqueEmail(prefix = "user"): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}
