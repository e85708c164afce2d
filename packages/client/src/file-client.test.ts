// cairn.files without a server: URLs (encoding, thumb/token/download), the download token
// cache, and the three steps of a direct upload through a fake fetch.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AuthSession } from "./auth-session.js";
import { memoryStorage } from "./auth-storage.js";
import { isCairnError } from "./cairn-error.js";
import { type ClientOptions, createClient } from "./client.js";

interface Sent {
  url: string;
  init: RequestInit;
}

function client(respond: (sent: Sent) => Response, options: ClientOptions = {}) {
  const sent: Sent[] = [];
  const cairn = createClient("http://cairn.test/base/", {
    ...options,
    auth: { storage: memoryStorage() },
    fetch: async (input, init) => {
      const call = { url: String(input), init: init ?? {} };
      sent.push(call);
      return respond(call);
    },
  });
  return { cairn, sent };
}

function session(token: string): AuthSession<{ id: string }> {
  const now = Date.now();
  return {
    kind: "user",
    token,
    collection: "users",
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 3_600_000).toISOString(),
    record: { id: "u1" },
  };
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("cairn.files.url", () => {
  const { cairn } = client(() => Response.json({}));
  const post = { id: "p1", collectionId: "c_posts", collectionName: "posts" };

  it("points at /api/files/:collection/:record/:name under the base URL", () => {
    expect(cairn.files.url(post, "photo_k3j9x0a1bq.png")).toBe(
      "http://cairn.test/base/api/files/posts/p1/photo_k3j9x0a1bq.png",
    );
    // Without the collection's name, its id does.
    expect(cairn.files.url({ id: "p1", collectionId: "c_posts" }, "a.png")).toBe(
      "http://cairn.test/base/api/files/c_posts/p1/a.png",
    );
  });

  it("encodes every path segment", () => {
    expect(cairn.files.url({ id: "a/b?c", collectionName: "my posts" }, "über #1 & 50%?.png")).toBe(
      "http://cairn.test/base/api/files/my%20posts/a%2Fb%3Fc/%C3%BCber%20%231%20%26%2050%25%3F.png",
    );
  });

  it("adds thumb, token and download=1 as asked, encoded, and nothing else", () => {
    expect(
      cairn.files.url(post, "a.png", { thumb: "100x100f", token: "t+k/=", download: true }),
    ).toBe(
      "http://cairn.test/base/api/files/posts/p1/a.png?thumb=100x100f&token=t%2Bk%2F%3D&download=1",
    );
    expect(cairn.files.url(post, "a.png", { thumb: "0x300" })).toMatch(/a\.png\?thumb=0x300$/);
    expect(cairn.files.url(post, "a.png", { download: false, token: "" })).toMatch(/a\.png$/);
  });

  it("answers '' for an empty field, so it fits an <img src> as it is", () => {
    expect(cairn.files.url(post, null)).toBe("");
    expect(cairn.files.url(post, "")).toBe("");
    expect(cairn.files.url(post, undefined, { thumb: "100x100" })).toBe("");
  });

  it("throws when the record says nothing of its collection", () => {
    expect(() => cairn.files.url({ id: "p1" }, "a.png")).toThrow(TypeError);
  });

  it("urls: every file of a field, in order", () => {
    const record = { ...post, attachments: ["a.png", "b c.pdf"], cover: "c.png", none: null };
    expect(cairn.files.urls(record, "attachments", { token: "t" })).toEqual([
      "http://cairn.test/base/api/files/posts/p1/a.png?token=t",
      "http://cairn.test/base/api/files/posts/p1/b%20c.pdf?token=t",
    ]);
    expect(cairn.files.urls(record, "cover")).toEqual([
      "http://cairn.test/base/api/files/posts/p1/c.png",
    ]);
    expect(cairn.files.urls(record, "none")).toEqual([]);
  });
});

describe("cairn.files.getToken", () => {
  it("POSTs /api/files/token with the session and reuses the token until 10 s before it expires", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-03-01T10:00:00.000Z"));
    let n = 0;
    const { cairn, sent } = client(() => {
      n += 1;
      return Response.json({
        token: `t${n}`,
        expiresAt: new Date(Date.now() + 120_000).toISOString(),
      });
    });
    cairn.auth.setSession(session("s1"));
    const [a, b] = await Promise.all([cairn.files.getToken(), cairn.files.getToken()]);
    expect(a.token).toBe("t1");
    expect(b.token).toBe("t1");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe("http://cairn.test/base/api/files/token");
    expect(sent[0]!.init.method).toBe("POST");
    expect(sent[0]!.init.headers).toMatchObject({ Authorization: "Bearer s1" });

    vi.setSystemTime(new Date("2026-03-01T10:01:49.000Z")); // 11 s left
    expect((await cairn.files.getToken()).token).toBe("t1");
    vi.setSystemTime(new Date("2026-03-01T10:01:51.000Z")); // 9 s left
    expect((await cairn.files.getToken()).token).toBe("t2");
    expect(sent).toHaveLength(2);
  });

  it("another session gets a token of its own", async () => {
    let n = 0;
    const { cairn, sent } = client(() => {
      n += 1;
      return Response.json({
        token: `t${n}`,
        expiresAt: new Date(Date.now() + 120_000).toISOString(),
      });
    });
    cairn.auth.setSession(session("s1"));
    expect((await cairn.files.getToken()).token).toBe("t1");
    cairn.auth.setSession(session("s2"));
    expect((await cairn.files.getToken()).token).toBe("t2");
    expect(sent[1]!.init.headers).toMatchObject({ Authorization: "Bearer s2" });
  });

  it("a failure is not kept: the next call asks again", async () => {
    let fail = true;
    const { cairn, sent } = client(() =>
      fail
        ? Response.json({ error: { code: "UNAUTHORIZED", message: "Sign in." } }, { status: 401 })
        : Response.json({ token: "t", expiresAt: new Date(Date.now() + 120_000).toISOString() }),
    );
    await expect(cairn.files.getToken()).rejects.toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
    });
    fail = false;
    expect((await cairn.files.getToken()).token).toBe("t");
    expect(sent).toHaveLength(2);
  });
});

describe("cairn.files.uploadDirect", () => {
  const storageUrl = "https://bucket.s3.test/c_posts/r9/clip_k3j9x0a1bq.mp4?X-Amz-Signature=abc";
  const signedHeaders = { "Content-Type": "video/mp4", "Content-Length": "5" };

  function directServer(put: () => Response = () => new Response(null, { status: 200 })) {
    return client(
      ({ url, init }) => {
        if (url.endsWith("/api/files/uploads")) {
          const body = JSON.parse(String(init.body));
          return Response.json(
            {
              id: "up 1",
              collection: body.collection,
              field: body.field,
              recordId: body.recordId ?? "r9",
              name: "clip_k3j9x0a1bq.mp4",
              url: storageUrl,
              method: "PUT",
              headers: signedHeaders,
              expiresAt: new Date(Date.now() + 600_000).toISOString(),
            },
            { status: 201 },
          );
        }
        if (url === storageUrl) return put();
        if (url.endsWith("/api/files/uploads/up%201/confirm")) {
          return Response.json({
            id: "up 1",
            recordId: "r9",
            name: "clip_k3j9x0a1bq.mp4",
            size: 5,
            type: "video/mp4",
          });
        }
        return Response.json({ error: { code: "NOT_FOUND", message: url } }, { status: 404 });
      },
      { headers: { "X-App": "demo" } },
    );
  }

  it("reserves, PUTs the bytes with exactly the signed headers, confirms", async () => {
    const { cairn, sent } = directServer();
    cairn.auth.setSession(session("s1"));
    const progress: unknown[] = [];
    const file = new File(["12345"], "clip.mp4", { type: "video/mp4" });
    const result = await cairn.files.uploadDirect({
      collection: "posts",
      field: "clip",
      file,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toEqual({
      recordId: "r9",
      name: "clip_k3j9x0a1bq.mp4",
      size: 5,
      type: "video/mp4",
    });

    expect(sent.map((s) => `${s.init.method} ${s.url}`)).toEqual([
      "POST http://cairn.test/base/api/files/uploads",
      `PUT ${storageUrl}`,
      "POST http://cairn.test/base/api/files/uploads/up%201/confirm",
    ]);
    expect(JSON.parse(String(sent[0]!.init.body))).toEqual({
      collection: "posts",
      field: "clip",
      name: "clip.mp4",
      size: 5,
      type: "video/mp4",
    });
    expect(sent[0]!.init.headers).toMatchObject({ Authorization: "Bearer s1" });
    // Storage gets the signed headers only: no session, no client headers.
    expect(sent[1]!.init.headers).toEqual(signedHeaders);
    expect(sent[1]!.init.body).toBe(file);
    expect(sent[2]!.init.headers).toMatchObject({ Authorization: "Bearer s1" });
    // Node has no XMLHttpRequest: one event once the bytes are sent.
    expect(progress).toEqual([{ loaded: 5, total: 5 }]);
  });

  it("bytes with a name, for an existing record", async () => {
    const { cairn, sent } = directServer();
    await cairn.files.uploadDirect({
      collection: "posts",
      field: "clip",
      recordId: "r1",
      file: { data: new TextEncoder().encode("12345"), name: "raw.bin" },
      name: "renamed.mp4",
    });
    expect(JSON.parse(String(sent[0]!.init.body))).toEqual({
      collection: "posts",
      field: "clip",
      name: "renamed.mp4",
      size: 5,
      type: "application/octet-stream",
      recordId: "r1",
    });
    expect(sent[1]!.init.body).toBeInstanceOf(Uint8Array);
  });

  it("React Native files are read from their uri first", async () => {
    const native = vi.fn(async () => new Response(new Blob(["12345"], { type: "video/mp4" })));
    vi.stubGlobal("fetch", native);
    const { cairn, sent } = directServer();
    await cairn.files.uploadDirect({
      collection: "posts",
      field: "clip",
      file: { uri: "file:///cache/clip.mp4", name: "clip.mp4" },
    });
    expect(native).toHaveBeenCalledWith("file:///cache/clip.mp4", { signal: undefined });
    expect(JSON.parse(String(sent[0]!.init.body))).toMatchObject({ size: 5, type: "video/mp4" });
    expect(sent[1]!.init.body).toBeInstanceOf(Blob);
  });

  it("storage refusing the PUT rejects with a CairnError, and nothing is confirmed", async () => {
    const { cairn, sent } = directServer(
      () =>
        new Response("<Error><Code>AccessDenied</Code></Error>", {
          status: 403,
          statusText: "Forbidden",
        }),
    );
    const error = await cairn.files
      .uploadDirect({ collection: "posts", field: "clip", file: new Blob(["12345"]) })
      .catch((e) => e);
    expect(isCairnError(error)).toBe(true);
    expect(error).toMatchObject({ status: 403, code: "BAD_REQUEST" });
    expect(sent).toHaveLength(2);
  });

  it("an abort stops it", async () => {
    const controller = new AbortController();
    const { cairn, sent } = directServer(() => {
      controller.abort();
      throw new DOMException("aborted", "AbortError");
    });
    const pending = cairn.files.uploadDirect({
      collection: "posts",
      field: "clip",
      file: new Blob(["12345"]),
      signal: controller.signal,
    });
    await expect(pending).rejects.toMatchObject({ status: 0, code: "ABORTED" });
    expect(sent).toHaveLength(2);
  });

  it("the server's refusal (no S3) is the server's CairnError", async () => {
    const { cairn } = client(() =>
      Response.json(
        { error: { code: "CONFLICT", message: "Direct uploads need S3 storage" } },
        { status: 409 },
      ),
    );
    await expect(
      cairn.files.uploadDirect({ collection: "posts", field: "clip", file: new Blob(["x"]) }),
    ).rejects.toMatchObject({
      status: 409,
      code: "CONFLICT",
      message: "Direct uploads need S3 storage",
    });
  });
});
