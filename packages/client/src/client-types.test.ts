// What the SDK's types allow and refuse, checked by the compiler (`pnpm typecheck` covers this
// file): every @ts-expect-error below must stay an error. The schema is hand-written in the
// shape cairn-typegen generates.
import type { ErrorCode as ServerErrorCode } from "@cairn/schema";
import { describe, expectTypeOf, it } from "vitest";
import type { ErrorCode } from "./cairn-error.js";
import { createClient } from "./client.js";
import type { AuthSession, ListResult, SignInResult } from "./index.js";
import type { CairnSchema } from "./schema-types.js";

type User = { id: string; collectionName: "users"; email?: string; name: string };
type Post = {
  id: string;
  collectionName: "posts";
  title: string;
  views: number;
  tags: ("news" | "howto")[] | null;
  author: string;
  editors: string[] | null;
};
type Comment = { id: string; collectionName: "comments"; post: string; body: string };

type Schema = {
  users: {
    record: User;
    create: { name: string; email?: string };
    update: { name?: string };
    relations: Record<never, never>;
    backRelations: { posts_via_author: { collection: "posts" } };
    type: "auth";
  };
  posts: {
    record: Post;
    create: { title: string; views?: number; tags?: ("news" | "howto")[]; author: string };
    update: { title?: string; views?: number; tags?: ("news" | "howto")[]; author?: string };
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
    };
    void loose;
  });
});
