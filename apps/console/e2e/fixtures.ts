// What every spec gets: the running server's URL as baseURL, the setup link, the superuser's
// credentials (created through the API when no spec did it through the setup page), a way to
// sign in without the sign-in page, and a check that the page threw nothing uncaught.
import { test as base, expect, type Page } from "@playwright/test";

export { expect };

/** The superuser the run creates: the first-run spec through the setup page, or `superuser`. */
export const superuserCredentials = {
  email: "admin@cairn.test",
  password: "correct horse battery staple",
} as const;

interface TestFixtures {
  /** Uncaught errors in the page fail the test: a console that crashed is not a console. */
  pageErrors: Error[];
  /** Signs the page's browser context in with the session cookie, as the console's form does. */
  signIn: (page: Page) => Promise<void>;
}

interface WorkerFixtures {
  setupLink: string;
  superuser: typeof superuserCredentials;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  baseURL: async ({ setupLink }, use) => use(new URL(setupLink).origin),
  setupLink: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      const link = process.env.CAIRN_E2E_SETUP_LINK;
      if (!link) throw new Error("No server: run the specs through e2e/playwright.config.ts");
      await use(link);
    },
    { scope: "worker" },
  ],
  superuser: [
    async ({ playwright, setupLink }, use) => {
      const origin = new URL(setupLink).origin;
      const api = await playwright.request.newContext({ baseURL: origin });
      const token = new URL(setupLink).searchParams.get("token");
      const setup = await api.post("/api/superusers/setup", {
        data: { token, ...superuserCredentials },
      });
      if (!setup.ok()) {
        // The first-run spec (which runs first) already used the link: the account must work.
        const signIn = await api.post("/api/superusers/sign-in", { data: superuserCredentials });
        if (!signIn.ok()) {
          throw new Error(
            `No superuser: setup answered ${setup.status()}, sign-in ${signIn.status()} ${await signIn.text()}`,
          );
        }
      }
      await api.dispose();
      await use(superuserCredentials);
    },
    { scope: "worker" },
  ],
  pageErrors: [
    async ({ page }, use) => {
      const errors: Error[] = [];
      page.on("pageerror", (error) => errors.push(error));
      await use(errors);
      expect(errors, "uncaught errors in the page").toEqual([]);
    },
    { auto: true },
  ],
  signIn: async ({ superuser }, use) => {
    await use(async (page) => {
      // The request shares the page's cookie jar, so the HttpOnly session lands where the console
      // will look for it; the sign-in page has its own spec.
      const response = await page.request.post("/api/superusers/sign-in?cookie=true", {
        data: superuser,
      });
      expect(response.status(), await response.text()).toBe(200);
    });
  },
});
