// Everything the notes app asks of Cairn, through the public SDK only: the React components call
// these, and notes-flow.test.ts runs the same functions against a real server.
import { type AuthStorage, type CairnClient, createClient, isCairnError } from "@cairn/client";
import type { NotesRecord, NotesUpdate, Schema, UsersRecord } from "./cairn-schema.js";

export type NotesClient = CairnClient<Schema, "users">;
export type Note = NotesRecord;
export type User = UsersRecord;

/** One client per app; `storage` defaults to localStorage in browsers, memory elsewhere. */
export function createNotesClient(url: string, options: { storage?: AuthStorage } = {}) {
  return createClient<Schema, "users">(url, {
    auth: { collection: "users", ...(options.storage ? { storage: options.storage } : {}) },
  });
}

/** The signed-in user, or null. */
export function currentUser(cairn: NotesClient): User | null {
  return cairn.auth.session?.record ?? null;
}

/** Creates the account and signs in (this app's users collection needs no verified email). */
export async function signUp(cairn: NotesClient, email: string, password: string): Promise<User> {
  const result = await cairn.auth.signUp({ email, password });
  if (result.status !== "signedIn") throw new Error(`Sign-up needs another step: ${result.status}`);
  return result.record;
}

export async function signIn(cairn: NotesClient, email: string, password: string): Promise<User> {
  const result = await cairn.auth.signIn({ email, password });
  if (result.status !== "signedIn") throw new Error(`Sign-in needs another step: ${result.status}`);
  return result.record;
}

export function signOut(cairn: NotesClient): Promise<void> {
  return cairn.auth.signOut();
}

function owner(cairn: NotesClient): string {
  const user = currentUser(cairn);
  if (!user) throw new Error("Sign in first.");
  return user.id;
}

/**
 * The signed-in user's notes, pinned first, newest first. The collection's rules already limit
 * a user to their own notes; `search` narrows by title or body.
 */
export async function listNotes(cairn: NotesClient, search = ""): Promise<Note[]> {
  const filter = search.trim()
    ? cairn.filter("title ~ {:q} || body ~ {:q}", { q: search.trim() })
    : undefined;
  const page = await cairn.collection("notes").list({
    sort: "-pinned,-updated",
    perPage: 200,
    ...(filter ? { filter } : {}),
  });
  return page.items;
}

export function createNote(
  cairn: NotesClient,
  note: { title: string; body?: string; pinned?: boolean },
): Promise<Note> {
  return cairn.collection("notes").create({ ...note, owner: owner(cairn) });
}

export function updateNote(
  cairn: NotesClient,
  id: string,
  changes: Pick<NotesUpdate, "title" | "body" | "pinned">,
): Promise<Note> {
  return cairn.collection("notes").update(id, changes);
}

export function deleteNote(cairn: NotesClient, id: string): Promise<void> {
  return cairn.collection("notes").delete(id);
}

/** A message for the UI: the server's field problems when there are any. */
export function describeError(error: unknown): string {
  if (!isCairnError(error)) return error instanceof Error ? error.message : String(error);
  const fields = Object.entries(error.fields ?? {}).map(([key, p]) => `${key}: ${p.message}`);
  return fields.length > 0 ? `${error.message} (${fields.join("; ")})` : error.message;
}
