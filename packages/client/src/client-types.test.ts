// What the SDK's types allow and refuse, checked by the compiler (`pnpm typecheck` covers this
// file): every @ts-expect-error below must stay an error. The schema is hand-written in the
// shape cairn-typegen generates.
import type { ErrorCode as ServerErrorCode } from "@cairn/schema";
import { describe, expectTypeOf, it } from "vitest";
import type { ErrorCode } from "./cairn-error.js";
import { createClient } from "./client.js";
import type { FileUpload } from "./file-types.js";
import type { AuthSession, ListResult, SignInResult } from "./index.js";
import type { CairnSchema } from "./schema-types.js";

type User = {
  id: string;
  collectionName: "users";
  email?: string;
  name: string;
  avatar: string | null;
};
type Post = {
  id: string;
  collectionName: "posts";
  title: string;
  views: number;
  tags: ("news" | "howto")[] | null;
  author: string;
  editors: string[] | null;
  attachments: string[] | null;
};
type Comment = { id: string; collectionName: "comments"; post: string; body: string };

type Schema = {
  users: {
    record: User;
    create: { name: string; email?: string; avatar?: string | FileUpload | null };
    update: { name?: string; avatar?: string | FileUpload | null };
    relations: Record<never, never>;
    backRelations: { posts_via_author: { collection: "posts" } };
    type: "auth";
  };
  posts: {
    record: Post;
    create: {
      title: string;
      views?: number;
      tags?: ("news" | "howto")[];
      author: string;
      attachments?: string[] | FileUpload | FileUpload[] | null;
    };
    update: {
      title?: string;
      views?: number;
      tags?: ("news" | "howto")[];
      author?: string;
      attachments?: string[] | FileUpload | FileUpload[] | null;
    };
    relations: {
      author: { collection: "users"; multiple: false };
      editors: { collection: "users"; multiple: true };
    };
    backRelations: { comments_via_post: { collection: "comments" } };
    type: "base";
  };
  comments: {
    record: Comment;
    create: { post: string; body: string };
    update: { body?: string };
    relations: { post: { collection: "posts"; multiple: false } };
    backRelations: Record<never, never>;
    type: "base";
  };
};

// Never called: only the compiler reads these.
const cairn = createClient<Schema>("http://localhost:8090");
const posts = cairn.collection("posts");

describe("SDK types", () => {
  it("the hand-written schema fits the contract, and error codes match the server's", () => {
    expectTypeOf<Schema>().toExtend<CairnSchema>();
    expectTypeOf<ErrorCode>().toEqualTypeOf<ServerErrorCode>();
  });

  it("records and expand are typed from the schema", () => {
    const typed = async () => {
      const page = await posts.list({ expand: "author,comments_via_post.post,editors" });
      expectTypeOf(page).toExtend<ListResult<Post>>();
      const first = page.items[0]!;
      expectTypeOf(first.title).toEqualTypeOf<string>();
      // A single relation may be absent (empty, or hidden by the view rule).
      expectTypeOf(first.expand.author).toEqualTypeOf<User | undefined>();
      expectTypeOf(first.expand.author?.name).toEqualTypeOf<string | undefined>();
      expectTypeOf(first.expand.editors).toEqualTypeOf<User[]>();
      const comment = first.expand.comments_via_post[0]!;
      expectTypeOf(comment.body).toEqualTypeOf<string>();
      expectTypeOf(comment.expand.post?.title).toEqualTypeOf<string | undefined>();

      const plain = await posts.get("p1");
      // @ts-expect-error: nothing was expanded
      plain.expand;
      const one = await posts.getFirst("title = 'x'", { expand: "author" });
      expectTypeOf(one?.expand.author).toEqualTypeOf<User | undefined>();
      for await (const post of posts.iterate({ sort: "-created" })) {
        expectTypeOf(post).toEqualTypeOf<Post>();
      }
      // @ts-expect-error: "autor" is not a relation of posts
      await posts.list({ expand: "autor" });
      // @ts-expect-error: nested paths are checked too
      await posts.get("p1", { expand: "author.team" });
      // @ts-expect-error: no such collection
      cairn.collection("postz");
    };
    void typed;
  });

  it("create and update refuse wrong fields and value types", () => {
    const writes = async () => {
      const created = await posts.create({ title: "x", author: "u1" });
      expectTypeOf(created).toEqualTypeOf<Post>();
      // @ts-expect-error: unknown field
      await posts.create({ title: "x", author: "u1", colour: "red" });
      // @ts-expect-error: title is required
      await posts.create({ author: "u1" });
      // @ts-expect-error: views is a number
      await posts.create({ title: "x", author: "u1", views: "3" });
      await posts.update("p1", { title: "y", "views+": 1, "tags+": "news" });
      await posts.update("p1", { "tags-": ["howto"], "+tags": "news", "views-": 2 });
      // @ts-expect-error: unknown field
      await posts.update("p1", { titel: "y" });
      // @ts-expect-error: "news" is not a number
      await posts.update("p1", { "views+": "news" });
      // @ts-expect-error: "sports" is not an option of tags
      await posts.update("p1", { "tags+": "sports" });
      // @ts-expect-error: title takes no modifier
      await posts.update("p1", { "title+": "y" });
    };
    void writes;
  });

  it("file fields take uploads in create and update (with progress), not in batch or sign-up", () => {
    const files = async () => {
      const file = new File(["x"], "a.txt");
      const post = await posts.create(
        { title: "x", author: "u1", attachments: [file, { data: new Uint8Array([1]), name: "b" }] },
        { onUploadProgress: ({ loaded, total }) => void [loaded, total] },
      );
      expectTypeOf(post.attachments).toEqualTypeOf<string[] | null>();
      // UpdateBody gives a hand-written multiple file field its modifiers.
      await posts.update("p1", { "attachments+": file, "attachments-": ["old.png"] });
      await posts.update("p1", { "attachments+": ["direct_k3j9x0a1bq.png"] });
      await cairn.collection("users").update("u1", { avatar: new Blob(["x"]) });
      // @ts-expect-error: removing takes stored names
      await posts.update("p1", { "attachments-": file });
      // @ts-expect-error: prepending takes stored names
      await posts.update("p1", { "+attachments": file });
      // @ts-expect-error: progress is a function of { loaded, total }
      await posts.create({ title: "x", author: "u1" }, { onUploadProgress: true });
      // @ts-expect-error: a batch is JSON: no uploads
      posts.op.create({ title: "x", author: "u1", attachments: file });
      // @ts-expect-error: nor in batch updates
      posts.op.update("p1", { "attachments+": file });
      posts.op.update("p1", { "attachments+": "direct_k3j9x0a1bq.png" });
      // @ts-expect-error: sign-up is JSON: upload the avatar with update afterwards
      await cairn.auth.signUp({ email: "a@b.c", password: "pw", name: "Ann", avatar: file });

      expectTypeOf(cairn.files.url(post, post.attachments?.[0], { thumb: "100x100" })).toBeString();
      cairn.files.url({ collectionName: "posts", id: "p1" }, "a.png", {
        token: "t",
        download: true,
      });
      expectTypeOf(cairn.files.urls(post, "attachments")).toEqualTypeOf<string[]>();
      // @ts-expect-error: not a field of the record
      cairn.files.urls(post, "attachmentz");
      // @ts-expect-error: a file URL needs the record's id
      cairn.files.url({ collectionName: "posts" }, "a.png");
      const { token, expiresAt } = await cairn.files.getToken();
      expectTypeOf(token).toBeString();
      expectTypeOf(expiresAt).toBeString();
      const up = await cairn.files.uploadDirect({
        collection: "posts",
        field: "attachments",
        file,
      });
      expectTypeOf(up).toEqualTypeOf<{
        recordId: string;
        name: string;
        size: number;
        type: string;
      }>();
    };
    void files;
  });

  it("batch answers are typed per operation", () => {
    const batch = async () => {
      const [created, , deleted] = await cairn.batch([
        posts.op.create({ title: "x", author: "u1" }),
        posts.op.update("p1", { "views+": 1 }),
        posts.op.delete("p2"),
      ]);
      expectTypeOf(created.body).toEqualTypeOf<Post>();
      expectTypeOf(deleted.body).toEqualTypeOf<null>();
      // @ts-expect-error: unknown field in a batch create
      posts.op.create({ title: "x", author: "u1", nope: 1 });
    };
    void batch;
  });

  it("auth is typed from the auth collection", () => {
    const auth = async () => {
      const result = await cairn.auth.signIn({ email: "a@b.c", password: "pw" });
      expectTypeOf(result).toEqualTypeOf<SignInResult<User>>();
      if (result.status === "mfaRequired") {
        const session = await cairn.auth.mfa.verify({ mfaToken: result.mfaToken, code: "1" });
        expectTypeOf(session).toEqualTypeOf<AuthSession<User>>();
      } else {
        expectTypeOf(result.record.name).toEqualTypeOf<string>();
      }
      await cairn.auth.signUp({ email: "a@b.c", password: "pw", name: "Ann" });
      // @ts-expect-error: name is required by the users collection
      await cairn.auth.signUp({ email: "a@b.c", password: "pw" });
      expectTypeOf(cairn.auth.session?.record).toEqualTypeOf<User | undefined>();
      // @ts-expect-error: "posts" is not an auth collection
      createClient<Schema, "posts">("http://x", { auth: { collection: "posts" } });
    };
    void auth;
  });

  it("without a schema, everything is loose", () => {
    const loose = async () => {
      const any = createClient("http://localhost:8090");
      const page = await any.collection("whatever").list({ expand: "a.b" });
      expectTypeOf(page.items[0]!.id).toEqualTypeOf<string>();
      await any.collection("whatever").create({ anything: 1 });
      await any.collection("whatever").update("id", { "n+": 1, "files+": new Blob(["x"]) });
      const record = await any.collection("whatever").get("id");
      any.files.url(record, "a.png");
      any.files.urls(record, "files");
    };
    void loose;
  });
});
