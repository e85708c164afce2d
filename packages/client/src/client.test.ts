import { describe, expect, it } from "vitest";
import { CairnError, createClient, isCairnError } from "./index.js";

function fakeFetch(respond: (url: string, init: RequestInit) => Response): typeof fetch {
  return async (input, init) => respond(String(input), init ?? {});
}

describe("CairnClient.request", () => {
  it("returns the JSON body of a 2xx answer", async () => {
    const seen: string[] = [];
    const cairn = createClient("http://cairn.test/", {
      fetch: fakeFetch((url) => {
        seen.push(url);
        return Response.json({ status: "ok" });
      }),
    });
    expect(await cairn.health()).toEqual({ status: "ok" });
    expect(seen).toEqual(["http://cairn.test/api/health"]);
  });

  it("rebuilds the server's error envelope as a CairnError", async () => {
    const cairn = createClient("http://cairn.test", {
      fetch: fakeFetch(() =>
        Response.json(
          {
            error: {
              code: "VALIDATION_FAILED",
              message: "Some fields are invalid.",
              fields: { title: { code: "required", message: "Title is required." } },
              requestId: "req-1",
            },
          },
          { status: 400 },
        ),
      ),
    });
    const error = await cairn.request("/api/x", { method: "POST", body: {} }).catch((e) => e);
    expect(isCairnError(error)).toBe(true);
    expect(error).toMatchObject({
      status: 400,
      code: "VALIDATION_FAILED",
      message: "Some fields are invalid.",
      fields: { title: { code: "required", message: "Title is required." } },
      requestId: "req-1",
    });
  });

  it("turns a non-envelope failure into a CairnError with the status", async () => {
    const cairn = createClient("http://cairn.test", {
      fetch: fakeFetch(
        () =>
          new Response("<html>Bad gateway</html>", {
            status: 502,
            statusText: "Bad Gateway",
            headers: { "X-Request-Id": "edge-7" },
          }),
      ),
    });
    const error = (await cairn.ready().catch((e) => e)) as CairnError;
    expect(error).toBeInstanceOf(CairnError);
    expect(error).toMatchObject({ status: 502, code: "INTERNAL", requestId: "edge-7" });
  });

  it("reports network failures and aborts with status 0", async () => {
    const down = createClient("http://cairn.test", {
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
    });
    await expect(down.health()).rejects.toMatchObject({ status: 0, code: "NETWORK_ERROR" });

    const controller = new AbortController();
    const slow = createClient("http://cairn.test", {
      fetch: (_input, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener("abort", () =>
            reject(new DOMException("aborted", "AbortError")),
          ),
        ),
    });
    const pending = slow.health({ signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ status: 0, code: "ABORTED" });
  });

  it("sends query parameters, JSON bodies and headers", async () => {
    let seen: { url: string; init: RequestInit } | undefined;
    const cairn = createClient("http://cairn.test", {
      headers: { "X-App": "notes" },
      fetch: fakeFetch((url, init) => {
        seen = { url, init };
        return Response.json({});
      }),
    });
    await cairn.request("/api/x", {
      method: "PATCH",
      query: { page: 2, filter: 'title = "a&b"', skip: undefined },
      body: { title: "x" },
    });
    expect(seen?.url).toBe("http://cairn.test/api/x?page=2&filter=title%20%3D%20%22a%26b%22");
    expect(seen?.init.method).toBe("PATCH");
    expect(seen?.init.body).toBe('{"title":"x"}');
    expect(seen?.init.headers).toMatchObject({
      "Content-Type": "application/json",
      "X-App": "notes",
    });
  });
});
