import { afterEach, describe, expect, it, vi } from "vitest";
import { SessionStore } from "./auth-session.js";
import { memoryStorage } from "./auth-storage.js";
import { createClient } from "./client.js";

const hour = 3_600_000;
const session = (issuedAgoMs: number, lifetimeMs: number) => ({
  kind: "user" as const,
  token: "t1",
  collection: "users",
  issuedAt: new Date(Date.now() - issuedAgoMs).toISOString(),
  expiresAt: new Date(Date.now() - issuedAgoMs + lifetimeMs).toISOString(),
  record: { id: "u1" },
});

afterEach(() => {
  vi.useRealTimers();
});

describe("SessionStore", () => {
  it("is due for a refresh past half its lifetime, and the timer says so", () => {
    vi.useFakeTimers();
    const store = new SessionStore(memoryStorage(), "k");
    const due = vi.fn();
    store.autoRefresh(due);
    store.set(session(0, 10 * hour), "signedIn");
    expect(store.refreshDue()).toBe(false);
    vi.advanceTimersByTime(5 * hour - 1000);
    expect(due).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2000);
    expect(due).toHaveBeenCalledOnce();
    expect(store.refreshDue()).toBe(true);
    store.autoRefresh(undefined);
  });

  it("drops an expired stored session, and survives a corrupt one", async () => {
    const storage = memoryStorage();
    storage.setItem("k", JSON.stringify(session(10 * hour, hour)));
    const store = new SessionStore(storage, "k");
    await store.ready();
    expect(store.current).toBeNull();
    storage.setItem("k", "{not json");
    const again = new SessionStore(storage, "k");
    await again.ready();
    expect(again.current).toBeNull();
  });

  it("keeps working when storage or a listener throws", async () => {
    const broken = {
      getItem: () => Promise.reject(new Error("disk")),
      setItem: () => {
        throw new Error("quota");
      },
      removeItem: () => {},
    };
    const store = new SessionStore(broken, "k");
    await store.ready();
    const seen: string[] = [];
    store.subscribe(() => {
      throw new Error("listener");
    });
    store.subscribe((_s, event) => seen.push(event));
    store.set(session(0, hour), "signedIn");
    expect(seen).toEqual(["signedIn"]);
  });

  it("refreshes on a request past half-life without holding the request up", async () => {
    const calls: string[] = [];
    const cairn = createClient("http://cairn.test", {
      auth: { storage: memoryStorage(), autoRefresh: true },
      fetch: async (input) => {
        const url = String(input);
        calls.push(url.replace("http://cairn.test", ""));
        if (url.endsWith("/auth/refresh")) {
          return Response.json({
            expiresAt: new Date(Date.now() + 10 * hour).toISOString(),
            record: { id: "u1" },
          });
        }
        return Response.json({ status: "ok" });
      },
    });
    cairn.auth.stopAutoRefresh();
    cairn.auth.setSession(session(6 * hour, 10 * hour));
    const refreshed = new Promise((resolve) =>
      cairn.auth.onChange((_s, e) => e === "refreshed" && resolve(e)),
    );
    await cairn.request("/api/anything");
    await refreshed;
    expect(calls).toContain("/api/collections/users/auth/refresh");
    expect(cairn.auth.session?.issuedAt).not.toBe(session(6 * hour, 10 * hour).issuedAt);
  });
});
