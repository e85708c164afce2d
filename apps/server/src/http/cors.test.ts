import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { apiCors } from "./cors.js";

const app = new Hono();
app.use(
  "*",
  apiCors({
    allowOrigin: async (origin) => (origin === "https://app.example" ? origin : null),
    allowHeaders: ["Authorization", "Content-Type"],
    exposeHeaders: ["X-Request-Id", "Retry-After"],
    maxAge: 600,
  }),
);
app.get("/json", (c) => c.json({ ok: true }));
app.get("/raw", () => new Response("raw", { headers: { "X-Own": "1" } }));
// Response.redirect() answers with immutable headers.
app.get("/redirect", () => Response.redirect("https://elsewhere.example/", 302));
app.get("/fails", () => {
  throw new Error("boom");
});
app.onError((_error, c) => c.json({ error: "failed" }, 500));

const from = (path: string, origin?: string, init: RequestInit = {}) =>
  app.request(path, { ...init, headers: { ...(origin ? { Origin: origin } : {}) } });

describe("apiCors", () => {
  it("allows a listed origin on every kind of answer, keeping the route's own headers", async () => {
    for (const path of ["/json", "/raw", "/redirect", "/fails"]) {
      const answer = await from(path, "https://app.example");
      expect(answer.headers.get("access-control-allow-origin"), path).toBe("https://app.example");
      expect(answer.headers.get("access-control-expose-headers"), path).toBe(
        "X-Request-Id,Retry-After",
      );
      expect(answer.headers.get("vary"), path).toBe("Origin");
    }
    const raw = await from("/raw", "https://app.example");
    expect(raw.headers.get("x-own")).toBe("1");
    expect(await raw.text()).toBe("raw");
    expect((await from("/redirect", "https://app.example")).headers.get("location")).toBe(
      "https://elsewhere.example/",
    );
  });

  it("says nothing to other origins or to clients that send none, but still varies by Origin", async () => {
    for (const origin of ["https://evil.example", undefined]) {
      const answer = await from("/json", origin);
      expect(answer.status).toBe(200);
      expect(answer.headers.get("access-control-allow-origin")).toBeNull();
      expect(answer.headers.get("access-control-expose-headers")).toBeNull();
      expect(answer.headers.get("vary")).toBe("Origin");
    }
  });

  it("answers preflights itself", async () => {
    const allowed = await from("/json", "https://app.example", { method: "OPTIONS" });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(allowed.headers.get("access-control-allow-methods")).toContain("PATCH");
    expect(allowed.headers.get("access-control-allow-headers")).toBe("Authorization,Content-Type");
    expect(allowed.headers.get("access-control-max-age")).toBe("600");
    const refused = await from("/json", "https://evil.example", { method: "OPTIONS" });
    expect(refused.status).toBe(204);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});
