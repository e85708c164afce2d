// Uploads with records, without a server: which bodies go multipart, and the FormData built
// (`@jsonPayload` first, then one part per file under its key), as the server's parser reads it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { memoryStorage } from "./auth-storage.js";
import { createClient } from "./client.js";
import { isUpload, toFormData } from "./file-form.js";

interface Sent {
  url: string;
  init: RequestInit;
}

function recording() {
  const sent: Sent[] = [];
  const cairn = createClient("http://cairn.test", {
    auth: { storage: memoryStorage() },
    fetch: async (input, init) => {
      sent.push({ url: String(input), init: init ?? {} });
      return Response.json({ id: "r1", collectionName: "posts" });
    },
  });
  return { cairn, sent };
}

/** The parts of a FormData in order: strings as they are, files as { name, type, text }. */
async function parts(body: unknown) {
  expect(body).toBeInstanceOf(FormData);
  const entries: [string, FormDataEntryValue][] = [];
  (body as FormData).forEach((value, key) => {
    entries.push([key, value]);
  });
  const out: [string, unknown][] = [];
  for (const [key, value] of entries) {
    out.push([
      key,
      typeof value === "string"
        ? value
        : { name: value.name, type: value.type, text: await value.text() },
    ]);
  }
  return out;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("uploads with create and update", () => {
  it("sends multipart: @jsonPayload first, then one part per file, no Content-Type of its own", async () => {
    const { cairn, sent } = recording();
    const cover = new File(["<png>"], "cover.png", { type: "image/png" });
    await cairn
      .collection("posts")
      .create(
        { title: "Hello", tags: ["a", "b"], views: 3, cover, draft: null },
        { expand: "author" },
      );
    const { url, init } = sent[0]!;
    expect(url).toBe("http://cairn.test/api/collections/posts/records?expand=author");
    expect(init.method).toBe("POST");
    // fetch writes the multipart boundary into the Content-Type itself.
    expect(Object.keys(init.headers as object).map((h) => h.toLowerCase())).not.toContain(
      "content-type",
    );
    expect(await parts(init.body)).toEqual([
      ["@jsonPayload", JSON.stringify({ title: "Hello", tags: ["a", "b"], views: 3, draft: null })],
      ["cover", { name: "cover.png", type: "image/png", text: "<png>" }],
    ]);
  });

  it("repeats the key for several files; named bytes and bare Blobs are files too", async () => {
    const { cairn, sent } = recording();
    await cairn.collection("posts").create({
      attachments: [
        new File(["one"], "one.txt", { type: "text/plain" }),
        { data: new TextEncoder().encode("two"), name: "two.csv", type: "text/csv" },
        { data: new TextEncoder().encode("three").buffer, name: "three.bin" },
        new Blob(["four"]),
      ],
    });
    expect(await parts(sent[0]!.init.body)).toEqual([
      // Nothing but files: no @jsonPayload part at all.
      ["attachments", { name: "one.txt", type: "text/plain", text: "one" }],
      ["attachments", { name: "two.csv", type: "text/csv", text: "two" }],
      ["attachments", { name: "three.bin", type: "application/octet-stream", text: "three" }],
      ["attachments", { name: "blob", type: "", text: "four" }],
    ]);
  });

  it("update: appends under `field+`, removals by stored name go in @jsonPayload", async () => {
    const { cairn, sent } = recording();
    const added = new File(["new"], "new file (1).pdf", { type: "application/pdf" });
    await cairn.collection("posts").update("p/1", {
      "attachments+": added,
      "attachments-": ["old_k3j9x0a1bq.pdf"],
      "views+": 1,
    });
    const { url, init } = sent[0]!;
    expect(url).toBe("http://cairn.test/api/collections/posts/records/p%2F1");
    expect(init.method).toBe("PATCH");
    expect(await parts(init.body)).toEqual([
      ["@jsonPayload", JSON.stringify({ "attachments-": ["old_k3j9x0a1bq.pdf"], "views+": 1 })],
      ["attachments+", { name: "new file (1).pdf", type: "application/pdf", text: "new" }],
    ]);
  });

  it("without files the body stays JSON, file fields holding stored names included", async () => {
    const { cairn, sent } = recording();
    await cairn
      .collection("posts")
      .update("p1", { attachments: ["a_k3j9x0a1bq.png"], cover: null });
    const { init } = sent[0]!;
    expect(init.body).toBe('{"attachments":["a_k3j9x0a1bq.png"],"cover":null}');
    expect(init.headers).toMatchObject({ "Content-Type": "application/json" });
  });

  it("a FormData of your own is sent as it is", async () => {
    const { cairn, sent } = recording();
    const form = new FormData();
    form.append("title", "mine");
    await cairn.collection("posts").create(form);
    expect(sent[0]!.init.body).toBe(form);
  });

  it("refuses a key mixing stored names and files, and files in a batch", async () => {
    const { cairn, sent } = recording();
    const file = new File(["x"], "x.txt");
    await expect(
      cairn.collection("posts").update("p1", { attachments: ["kept.png", file] }),
    ).rejects.toThrow(/"attachments" mixes files.*"attachments\+"/);
    await expect(
      cairn.batch([cairn.collection("posts").op.create({ title: "x", cover: file })]),
    ).rejects.toThrow(/A batch cannot carry files/);
    expect(sent).toEqual([]);
  });

  it("React Native files ({ uri, name, type }) are file parts on React Native only", async () => {
    const native = { uri: "file:///data/cache/photo.jpg", name: "photo.jpg", type: "image/jpeg" };
    // Elsewhere the same shape is JSON (a json field may hold one).
    expect(isUpload(native)).toBe(false);
    expect(toFormData({ meta: native })).toBeUndefined();

    vi.stubGlobal("navigator", { product: "ReactNative" });
    // React Native's FormData keeps the object as a file part; Node's would stringify it.
    class NativeFormData {
      readonly appended: [string, unknown, string | undefined][] = [];
      append(key: string, value: unknown, name?: string) {
        this.appended.push([key, value, name]);
      }
    }
    vi.stubGlobal("FormData", NativeFormData);
    expect(isUpload(native)).toBe(true);
    expect(isUpload({ uri: "not a uri", name: "x" })).toBe(false);
    const { cairn, sent } = recording();
    await cairn
      .collection("users")
      .update("u1", { name: "Ann", avatar: { uri: native.uri, name: "me.jpg" } });
    const body = sent[0]!.init.body as unknown as NativeFormData;
    expect(body).toBeInstanceOf(NativeFormData);
    expect(body.appended).toEqual([
      ["@jsonPayload", '{"name":"Ann"}', undefined],
      // Android refuses parts without a type.
      ["avatar", { uri: native.uri, name: "me.jpg", type: "application/octet-stream" }, undefined],
    ]);
  });

  it("plain objects are not files: names, json values and byte-less shapes stay JSON", () => {
    expect(isUpload("a.png")).toBe(false);
    expect(isUpload(null)).toBe(false);
    expect(isUpload({ name: "x", data: "not bytes" })).toBe(false);
    expect(isUpload(new Uint8Array([1]))).toBe(false);
    expect(isUpload({ name: "x", data: new Uint8Array([1]) })).toBe(true);
    expect(toFormData({ meta: { name: "x", list: [1] } })).toBeUndefined();
    expect(toFormData([new Blob(["x"])])).toBeUndefined();
  });
});
