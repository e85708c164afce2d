// Upload progress: through a fake XMLHttpRequest (browsers, React Native) and through fetch
// where there is none (Node). Both paths must answer and fail exactly alike.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AuthSession } from "./auth-session.js";
import { memoryStorage } from "./auth-storage.js";
import { isCairnError } from "./cairn-error.js";
import { type ClientOptions, createClient } from "./client.js";
import type { UploadProgress } from "./file-types.js";

type Handler = ((event?: unknown) => void) | null;

/** Records what the SDK does with it; the test plays the network with progress/respond/fail. */
class FakeXhr {
  static last: FakeXhr | undefined;
  static count = 0;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: unknown;
  withCredentials = false;
  aborted = false;
  status = 0;
  statusText = "";
  responseText = "";
  responseHeaders: Record<string, string> = {};
  onload: Handler = null;
  onerror: Handler = null;
  onabort: Handler = null;
  ontimeout: Handler = null;
  readonly upload: { onprogress: Handler } = { onprogress: null };
  sent: Promise<void>;
  #sent!: () => void;

  constructor() {
    FakeXhr.last = this;
    FakeXhr.count += 1;
    this.sent = new Promise((resolve) => {
      this.#sent = resolve;
    });
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getResponseHeader(name: string) {
    return this.responseHeaders[name.toLowerCase()] ?? null;
  }
  send(body: unknown) {
    this.body = body;
    this.#sent();
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  progress(loaded: number, total?: number) {
    this.upload.onprogress?.({ loaded, total: total ?? 0, lengthComputable: total !== undefined });
  }
  respond(status: number, body: unknown, headers: Record<string, string> = {}, statusText = "") {
    this.status = status;
    this.statusText = statusText;
    this.responseText = typeof body === "string" ? body : JSON.stringify(body);
    this.responseHeaders = headers;
    this.onload?.();
  }
  fail() {
    this.onerror?.();
  }
}

function session(token: string): AuthSession<{ id: string }> {
  return {
    kind: "user",
    token,
    collection: "users",
    issuedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    record: { id: "u1" },
  };
}

function stubXhr() {
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  FakeXhr.last = undefined;
  FakeXhr.count = 0;
}

function setup(options: ClientOptions = {}) {
  stubXhr();
  const fetched: string[] = [];
  const cairn = createClient("http://cairn.test", {
    headers: { "X-App": "demo" },
    ...options,
    auth: { storage: memoryStorage() },
    fetch: async (input) => {
      fetched.push(String(input));
      return Response.json({ id: "via-fetch" });
    },
  });
  cairn.auth.setSession(session("s1"));
  return { cairn, fetched };
}

/** The XHR of the request in flight, once the SDK has sent it. */
async function inFlight(): Promise<FakeXhr> {
  await vi.waitFor(() => expect(FakeXhr.last).toBeDefined());
  await FakeXhr.last!.sent;
  return FakeXhr.last!;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("onUploadProgress through XMLHttpRequest", () => {
  it("sends the request with the session and headers, reports progress, answers the JSON", async () => {
    const { cairn, fetched } = setup();
    const progress: UploadProgress[] = [];
    const file = new File(["hello"], "a.txt", { type: "text/plain" });
    const pending = cairn.collection("posts").create(
      { title: "x", cover: file },
      {
        expand: "author",
        onUploadProgress: (p) => progress.push(p),
        headers: { "X-Trace": "1" },
      },
    );
    const xhr = await inFlight();
    expect(xhr.method).toBe("POST");
    expect(xhr.url).toBe("http://cairn.test/api/collections/posts/records?expand=author");
    expect(xhr.headers).toEqual({
      Accept: "application/json",
      "X-App": "demo",
      "X-Trace": "1",
      Authorization: "Bearer s1",
    });
    expect(xhr.body).toBeInstanceOf(FormData);
    const keys: string[] = [];
    (xhr.body as FormData).forEach((_value, key) => {
      keys.push(key);
    });
    expect(keys).toEqual(["@jsonPayload", "cover"]);
    expect(xhr.withCredentials).toBe(false);

    xhr.progress(100, 400);
    xhr.progress(400, 400);
    xhr.progress(500); // a runtime that cannot tell the total
    xhr.respond(200, { id: "r1", title: "x", cover: "a_k3j9x0a1bq.txt" });
    expect(await pending).toEqual({
      id: "r1",
      title: "x",
      cover: "a_k3j9x0a1bq.txt",
      expand: {},
    });
    expect(progress).toEqual([
      { loaded: 100, total: 400 },
      { loaded: 400, total: 400 },
      { loaded: 500, total: undefined },
    ]);
    expect(fetched).toEqual([]);
  });

  it("rebuilds the error envelope into the same CairnError as fetch does", async () => {
    const { cairn } = setup();
    const pending = cairn
      .collection("posts")
      .update("p1", { cover: new Blob(["x"]) }, { onUploadProgress: () => {} })
      .catch((e) => e);
    (await inFlight()).respond(
      400,
      {
        error: {
          code: "VALIDATION_FAILED",
          message: "Some fields are invalid.",
          fields: { cover: { code: "invalid_mime_type", message: "Not an image." } },
        },
      },
      { "x-request-id": "req-7" },
    );
    const error = await pending;
    expect(isCairnError(error)).toBe(true);
    expect(error).toMatchObject({
      status: 400,
      code: "VALIDATION_FAILED",
      fields: { cover: { code: "invalid_mime_type" } },
      requestId: "req-7",
    });
  });

  it("a non-envelope answer (a proxy's 413 page) keeps its status", async () => {
    const { cairn } = setup();
    const pending = cairn
      .collection("posts")
      .create({ cover: new Blob(["x"]) }, { onUploadProgress: () => {} })
      .catch((e) => e);
    (await inFlight()).respond(413, "<html>Too large</html>", {}, "Payload Too Large");
    expect(await pending).toMatchObject({
      status: 413,
      code: "BAD_REQUEST",
      message: "The server answered 413 Payload Too Large",
    });
  });

  it("a 401 ends the session, as on the fetch path", async () => {
    const { cairn } = setup();
    const pending = cairn
      .collection("posts")
      .create({ cover: new Blob(["x"]) }, { onUploadProgress: () => {} })
      .catch((e) => e);
    (await inFlight()).respond(401, { error: { code: "UNAUTHORIZED", message: "Expired." } });
    expect(await pending).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    expect(cairn.auth.session).toBeNull();
  });

  it("an abort aborts the XHR and rejects with ABORTED; an aborted signal sends nothing", async () => {
    const { cairn } = setup();
    const controller = new AbortController();
    const pending = cairn
      .collection("posts")
      .create(
        { cover: new Blob(["x"]) },
        { onUploadProgress: () => {}, signal: controller.signal },
      );
    const xhr = await inFlight();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ status: 0, code: "ABORTED" });
    expect(xhr.aborted).toBe(true);

    FakeXhr.count = 0;
    await expect(
      cairn
        .collection("posts")
        .create({ title: "x" }, { onUploadProgress: () => {}, signal: controller.signal }),
    ).rejects.toMatchObject({ code: "ABORTED" });
    expect(FakeXhr.count).toBe(0);
  });

  it("a network failure is NETWORK_ERROR", async () => {
    const { cairn } = setup();
    const pending = cairn
      .collection("posts")
      .create({ cover: new Blob(["x"]) }, { onUploadProgress: () => {} });
    (await inFlight()).fail();
    await expect(pending).rejects.toMatchObject({
      status: 0,
      code: "NETWORK_ERROR",
      message: "Could not reach http://cairn.test.",
    });
  });

  it("credentials 'include' becomes withCredentials; JSON bodies keep their Content-Type", async () => {
    const { cairn } = setup({ credentials: "include" });
    const pending = cairn
      .collection("posts")
      .update("p1", { title: "x" }, { onUploadProgress: () => {} });
    const xhr = await inFlight();
    expect(xhr.withCredentials).toBe(true);
    expect(xhr.headers["Content-Type"]).toBe("application/json");
    expect(xhr.body).toBe('{"title":"x"}');
    xhr.respond(200, { id: "p1" });
    await pending;
  });

  it("without onUploadProgress, fetch is used even where XMLHttpRequest exists", async () => {
    const { cairn, fetched } = setup();
    await cairn.collection("posts").create({ cover: new Blob(["x"]) });
    expect(fetched).toEqual(["http://cairn.test/api/collections/posts/records"]);
    expect(FakeXhr.count).toBe(0);
  });

  it("direct uploads PUT through it too, without Content-Length (browsers set it themselves)", async () => {
    stubXhr();
    const progress: UploadProgress[] = [];
    const server = vi.fn(async (input: RequestInfo | URL) =>
      String(input).endsWith("/uploads")
        ? Response.json({
            id: "u1",
            recordId: "r1",
            url: "https://bucket.test/k?sig=1",
            method: "PUT",
            headers: { "Content-Type": "text/plain", "Content-Length": "2" },
          })
        : Response.json({ id: "u1", recordId: "r1", name: "a.txt", size: 2, type: "text/plain" }),
    );
    const direct = createClient("http://cairn.test", {
      auth: { storage: memoryStorage() },
      fetch: server,
    });
    const pending = direct.files.uploadDirect({
      collection: "posts",
      field: "cover",
      file: new File(["hi"], "a.txt", { type: "text/plain" }),
      onProgress: (p) => progress.push(p),
    });
    const xhr = await inFlight();
    expect(xhr.method).toBe("PUT");
    expect(xhr.url).toBe("https://bucket.test/k?sig=1");
    expect(xhr.headers).toEqual({ "Content-Type": "text/plain" });
    xhr.progress(2, 2);
    xhr.respond(200, "");
    expect(await pending).toMatchObject({ recordId: "r1", name: "a.txt" });
    expect(progress).toEqual([{ loaded: 2, total: 2 }]);
  });
});

describe("onUploadProgress without XMLHttpRequest (Node)", () => {
  it("falls back to fetch and reports one final event with the body's size", async () => {
    const sent: RequestInit[] = [];
    const cairn = createClient("http://cairn.test", {
      auth: { storage: memoryStorage() },
      fetch: async (_input, init) => {
        sent.push(init ?? {});
        return Response.json({ id: "r1" });
      },
    });
    expect(typeof XMLHttpRequest).toBe("undefined");
    const progress: UploadProgress[] = [];
    await cairn
      .collection("posts")
      .create(
        { title: "é", cover: { data: new Uint8Array(1000), name: "a.bin" } },
        { onUploadProgress: (p) => progress.push(p) },
      );
    expect(sent[0]!.body).toBeInstanceOf(FormData);
    // '{"title":"é"}' is 14 bytes in UTF-8, the file 1000.
    expect(progress).toEqual([{ loaded: 1014, total: 1014 }]);

    progress.length = 0;
    await cairn
      .collection("posts")
      .update("r1", { title: "é" }, { onUploadProgress: (p) => progress.push(p) });
    expect(progress).toEqual([{ loaded: 14, total: 14 }]);
  });

  it("reports nothing when the request never left", async () => {
    const cairn = createClient("http://cairn.test", {
      auth: { storage: memoryStorage() },
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
    });
    const progress = vi.fn();
    await expect(
      cairn.collection("posts").create({ title: "x" }, { onUploadProgress: progress }),
    ).rejects.toMatchObject({ code: "NETWORK_ERROR" });
    expect(progress).not.toHaveBeenCalled();
  });
});
