// What the generated types allow and refuse, checked by the compiler (`pnpm typecheck` covers
// this file): every @ts-expect-error below must stay an error, every assignment must compile.
import { describe, expectTypeOf, it } from "vitest";
import type { CairnSchema } from "../schema-types.js";
import type {
  JsonValue,
  PostStatsCreate,
  PostsCreate,
  PostsRecord,
  PostsStatus,
  PostsUpdate,
  Schema,
  UsersCreate,
  UsersRecord,
  UsersUpdate,
} from "./typegen-fixture-types.js";

describe("generated types", () => {
  it("the Schema fits the SDK's contract", () => {
    expectTypeOf<Schema>().toExtend<CairnSchema>();
    expectTypeOf<Schema["posts"]["record"]>().toEqualTypeOf<PostsRecord>();
    expectTypeOf<Schema["posts"]["type"]>().toEqualTypeOf<"base">();
    expectTypeOf<Schema["users"]["type"]>().toEqualTypeOf<"auth">();
    expectTypeOf<Schema["post_stats"]["type"]>().toEqualTypeOf<"view">();
  });

  it("records: the API's shape, null where a field may be empty", () => {
    expectTypeOf<PostsRecord["id"]>().toEqualTypeOf<string>();
    expectTypeOf<PostsRecord["collectionName"]>().toEqualTypeOf<"posts">();
    expectTypeOf<PostsRecord["created"]>().toEqualTypeOf<string>();
    expectTypeOf<PostsRecord["title"]>().toEqualTypeOf<string>();
    expectTypeOf<PostsRecord["body"]>().toEqualTypeOf<string | null>();
    expectTypeOf<PostsRecord["published"]>().toEqualTypeOf<boolean>();
    expectTypeOf<PostsRecord["rating"]>().toEqualTypeOf<number | null>();
    expectTypeOf<PostsRecord["status"]>().toEqualTypeOf<"draft" | "published">();
    expectTypeOf<PostsRecord["tags"]>().toEqualTypeOf<("news" | "howto")[] | null>();
    expectTypeOf<PostsRecord["author"]>().toEqualTypeOf<string>();
    expectTypeOf<PostsRecord["editors"]>().toEqualTypeOf<string[] | null>();
    expectTypeOf<PostsRecord["meta"]>().toEqualTypeOf<JsonValue>();
    expectTypeOf<PostsRecord["publishedAt"]>().toEqualTypeOf<string | null>();
    expectTypeOf<UsersRecord["role"]>().toEqualTypeOf<"admin" | "member" | "">();
    expectTypeOf<UsersRecord>().toHaveProperty("email");
    expectTypeOf<UsersRecord>().not.toHaveProperty("password");
    // Hidden fields are not returned to clients.
    expectTypeOf<UsersRecord>().not.toHaveProperty("notes");

    // Never called: only the compiler reads these.
    const reads = (post: PostsRecord) => [
      // @ts-expect-error: no such field
      post.titel,
      // @ts-expect-error: a relation holds an id, not a record
      post.author.id,
      // @ts-expect-error: may be null
      post.body.length,
    ];
    void reads;
  });

  it("create: required fields required, wrong names and value types refused", () => {
    const ok: PostsCreate = { title: "Hello", status: "draft", author: "u1" };
    const full: PostsCreate = {
      id: "my-id",
      title: "Hello",
      body: null,
      published: true,
      views: 3,
      status: "published",
      tags: ["news"],
      author: "u1",
      editors: ["u2", "u3"],
      meta: { any: ["json", 1, null] },
      publishedAt: "2026-01-31T12:00:00.000Z",
      mood: "great",
    };
    expectTypeOf(ok).toExtend<PostsCreate>();
    expectTypeOf(full).toExtend<PostsCreate>();

    // @ts-expect-error: title is required
    const noTitle: PostsCreate = { status: "draft", author: "u1" };
    // @ts-expect-error: titel is not a field
    const typo: PostsCreate = { titel: "x", title: "x", status: "draft", author: "u1" };
    // @ts-expect-error: views is a number
    const badNumber: PostsCreate = { title: "x", status: "draft", author: "u1", views: "3" };
    // @ts-expect-error: not one of the select's values
    const badSelect: PostsCreate = { title: "x", status: "archived", author: "u1" };
    // @ts-expect-error: a multiple select takes a list
    const badTags: PostsCreate = { title: "x", status: "draft", author: "u1", tags: "news" };
    // @ts-expect-error: a relation takes an id
    const badRelation: PostsCreate = { title: "x", status: "draft", author: { id: "u1" } };
    // @ts-expect-error: required fields are never null
    const nullTitle: PostsCreate = { title: null, status: "draft", author: "u1" };
    // @ts-expect-error: created is set by the server
    const setsCreated: PostsCreate = { title: "x", status: "draft", author: "u1", created: "" };
    // @ts-expect-error: a json field takes JSON, not functions
    const badJson: PostsCreate = { title: "x", status: "draft", author: "u1", meta: () => 1 };
    void [noTitle, typo, badNumber, badSelect, badTags, badRelation, nullTitle, setsCreated];
    void badJson;
  });

  it("auth collections: password on create, password changes on update", () => {
    const user: UsersCreate = { email: "a@example.com", password: "secret123", name: "A" };
    expectTypeOf(user).toExtend<UsersCreate>();
    // @ts-expect-error: password sign-up needs a password
    const noPassword: UsersCreate = { email: "a@example.com" };
    const change: UsersUpdate = { password: "new secret", oldPassword: "secret123" };
    expectTypeOf(change).toExtend<UsersUpdate>();
    // @ts-expect-error: role is a select
    const badRole: UsersUpdate = { role: "owner" };
    void [noPassword, badRole];
  });

  it("update: everything optional, modifiers for numbers and lists", () => {
    const empty: PostsUpdate = {};
    const modifiers: PostsUpdate = {
      "views+": 1,
      "rating-": 0.5,
      "tags+": "howto",
      "+tags": ["news"],
      "editors-": "u2",
      body: null,
    };
    expectTypeOf(empty).toExtend<PostsUpdate>();
    expectTypeOf(modifiers).toExtend<PostsUpdate>();
    // @ts-expect-error: text fields have no modifiers
    const textModifier: PostsUpdate = { "title+": "x" };
    // @ts-expect-error: increments are numbers
    const badIncrement: PostsUpdate = { "views+": "1" };
    // @ts-expect-error: list modifiers take the list's values
    const badAppend: PostsUpdate = { "tags+": "gossip" };
    // @ts-expect-error: a required field cannot be cleared
    const clearStatus: PostsUpdate = { status: null };
    void [textModifier, badIncrement, badAppend, clearStatus];
  });

  it("file fields: stored names in records, names or uploads in writes", () => {
    expectTypeOf<PostsRecord["attachments"]>().toEqualTypeOf<string[] | null>();
    expectTypeOf<UsersRecord["avatar"]>().toEqualTypeOf<string | null>();
    const file = new File(["x"], "a.txt");
    const bytes = { data: new Uint8Array([1]), name: "a.bin" };
    const native = { uri: "file:///a.jpg", name: "a.jpg", type: "image/jpeg" };
    const base = { title: "x", status: "draft", author: "u1" } as const;
    const creates: PostsCreate[] = [
      { ...base, attachments: file },
      { ...base, attachments: [file, bytes, native] },
      { ...base, attachments: ["kept_k3j9x0a1bq.png"] },
    ];
    const avatars: UsersUpdate[] = [
      { avatar: new Blob(["x"]) },
      { avatar: native },
      { avatar: null },
    ];
    const appends: PostsUpdate[] = [
      { "attachments+": file, "attachments-": "old_k3j9x0a1bq.png" },
      { "attachments+": [bytes, native] },
      { "attachments+": "uploaded_direct_k3j9x0a1bq.png" },
    ];
    void [creates, avatars, appends];

    // @ts-expect-error: a record holds stored names, never uploads
    const badRecord: Pick<PostsRecord, "attachments"> = { attachments: [file] };
    // @ts-expect-error: a single file field takes one file
    const twoAvatars: UsersUpdate = { avatar: [file] };
    // @ts-expect-error: bytes need a name
    const unnamed: UsersUpdate = { avatar: { data: new Uint8Array([1]) } };
    // @ts-expect-error: nor do raw bytes go alone
    const raw: UsersUpdate = { avatar: new Uint8Array([1]) };
    // @ts-expect-error: stored names and new files never share a key (use "attachments+")
    const mixed: PostsUpdate = { attachments: ["kept.png", file] };
    // @ts-expect-error: removing takes stored names
    const removeFile: PostsUpdate = { "attachments-": file };
    // @ts-expect-error: files are not text
    const textFile: PostsUpdate = { title: file };
    void [badRecord, twoAvatars, unnamed, raw, mixed, removeFile, textFile];
  });

  it("select values are exported as their own type; views cannot be written", () => {
    expectTypeOf<PostsStatus>().toEqualTypeOf<"draft" | "published">();
    expectTypeOf<PostStatsCreate>().toBeNever();
  });
});
