// The whole admin journey on a server of its own, in one test, as a new team meets Cairn: first-run
// setup → an auth collection and a posts collection with text, number, select, relation and file
// fields → rules → records created, edited, filtered and deleted → an image and its thumbnail → a
// user created and their session revoked → a webhook and a delivery in its log → a setting changed.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type CairnServer, startCairnServer } from "./cairn-server.js";
import { expect, superuserCredentials, test } from "./fixtures.js";
import { solidPng } from "./records-png.js";
import { screenshot, screenshotDir } from "./screenshots.js";

const members = "journey_members";
const posts = "journey_posts";
const member = { email: "mia@journey.test", password: "a long enough password" };

// This spec's own server, not the shared one: the journey starts with the first-run setup.
const journey = test.extend<object, { server: CairnServer }>({
  server: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      const server = await startCairnServer({
        logFile: join(screenshotDir, "journey-server.log"),
      });
      await use(server);
      await server.stop();
    },
    // Starting a server (migrations on a fresh embedded database) is slower than a fixture's 30 s
    // default on a busy machine.
    { scope: "worker", timeout: 120_000 },
  ],
  baseURL: async ({ server }, use) => use(server.url),
});

journey(
  "the full admin journey, from first run to a changed setting",
  async ({ page, playwright, server }) => {
    journey.setTimeout(180_000);
    const origin = { Origin: server.url };

    // First run: the printed link creates the first superuser and signs them in.
    await page.goto(server.setupLink);
    const setup = page.getByRole("form", { name: "Create the first superuser" });
    await setup.getByLabel("Email").fill(superuserCredentials.email);
    await setup.getByLabel("Password", { exact: true }).fill(superuserCredentials.password);
    await setup.getByLabel("Confirm password").fill(superuserCredentials.password);
    await setup.getByRole("button", { name: "Create superuser and sign in" }).click();
    await expect(page).toHaveURL(/\/_\/collections$/);
    await screenshot(page, "journey-01-collections");

    // An auth collection for the app's users, then posts with every kind of field the journey needs.
    await page.getByRole("link", { name: "New collection" }).click();
    let form = page.getByRole("form", { name: "New collection" });
    await form.getByLabel("Name", { exact: true }).fill(members);
    await form.getByTestId("collection-type").selectOption("auth");
    await form.getByRole("button", { name: "Create collection" }).click();
    await expect(page.getByRole("rowheader", { name: members })).toBeVisible();

    await page.getByRole("link", { name: "New collection" }).click();
    form = page.getByRole("form", { name: "New collection" });
    await form.getByLabel("Name", { exact: true }).fill(posts);
    const fields: [string, string][] = [
      ["title", "text"],
      ["views", "number"],
      ["status", "select"],
      ["owner", "relation"],
      ["cover", "file"],
    ];
    for (const [index, [name, type]] of fields.entries()) {
      if ((await form.getByLabel(`Field ${index + 1} name`).count()) === 0) {
        await form.getByTestId("add-field").click();
      }
      await form.getByLabel(`Field ${index + 1} name`).fill(name);
      await form.getByLabel(`Field ${index + 1} type`).selectOption(type);
    }
    const rows = form.locator('[data-testid^="edit-field-"]');
    await rows.nth(2).getByTestId("field-values").fill("draft, published");
    await rows.nth(3).getByTestId("field-relation-collection").selectOption({ label: members });
    await rows.nth(4).getByTestId("field-mime-types").fill("image/png");
    await rows.nth(4).getByTestId("field-thumbs").fill("100x100");
    await screenshot(page, "journey-02-new-collection");
    await form.getByRole("button", { name: "Create collection" }).click();
    await expect(page.getByRole("rowheader", { name: posts })).toBeVisible();

    // Rules: members read published posts and their own; a bad expression is caught as typed.
    await page.getByRole("link", { name: posts, exact: true }).click();
    const editor = page.getByRole("form", { name: `Edit collection ${posts}` });
    const listRule = editor.getByTestId("rule-list");
    await listRule.getByTestId("rule-list-expression").check();
    await listRule.getByTestId("rule-list-text").fill("stauts = 1");
    await expect(listRule.getByTestId("rule-list-problems")).toBeVisible();
    await listRule
      .getByTestId("rule-list-text")
      .fill('status = "published" || owner = @request.auth.id');
    await expect(listRule.getByTestId("rule-list-valid")).toBeVisible();
    const viewRule = editor.getByTestId("rule-view");
    await viewRule.getByTestId("rule-view-expression").check();
    await viewRule
      .getByTestId("rule-view-text")
      .fill('status = "published" || owner = @request.auth.id');
    await expect(viewRule.getByTestId("rule-view-valid")).toBeVisible();
    await screenshot(page, "journey-03-rules");
    await editor.getByTestId("save-collection").click();
    await page.getByTestId("apply-plan").click();
    await expect(page.getByTestId("save-plan-dialog")).toBeHidden();
    const saved = await page.request.get(`/api/collections/${posts}`);
    expect((await saved.json()).listRule).toBe('status = "published" || owner = @request.auth.id');

    // Records: create two, edit one, filter, delete one.
    await page.goto(`/_/collections/${posts}/records`);
    const panel = page.getByTestId("record-panel");
    const table = page.getByTestId("records-table");
    for (const [title, views, status] of [
      ["Hello world", "12", "published"],
      ["Draft notes", "3", "draft"],
    ] as const) {
      await page.getByTestId("new-record").click();
      await panel.getByTestId("record-input-title").fill(title);
      await panel.getByTestId("record-input-views").fill(views);
      await panel.getByTestId("record-input-status").selectOption(status);
      await panel.getByTestId("save-record").click();
      await expect(panel).toBeHidden();
    }
    await expect(page.getByTestId("records-total")).toHaveText("2 records");
    await table
      .getByRole("row")
      .filter({ hasText: "Draft notes" })
      .getByRole("button", { name: /^Edit record/ })
      .click();
    await panel.getByTestId("record-input-title").fill("Draft notes, edited");
    await panel.getByTestId("save-record").click();
    await expect(table.getByRole("row").filter({ hasText: "Draft notes, edited" })).toBeVisible();
    await page.getByTestId("records-filter").fill("views > 10");
    await page.getByTestId("records-filter-apply").click();
    await expect(page.getByTestId("records-total")).toHaveText("1 record");
    await expect(table.getByRole("row").filter({ hasText: "Hello world" })).toBeVisible();
    await screenshot(page, "journey-04-records-filtered");
    await page.getByTestId("records-filter-clear").click();
    await table
      .getByRole("row")
      .filter({ hasText: "Draft notes, edited" })
      .getByRole("button", { name: /^Delete record/ })
      .click();
    await page.getByTestId("confirm-delete-records").click();
    await expect(page.getByTestId("records-total")).toHaveText("1 record");

    // An image on the remaining post, and its 100×100 thumbnail in the grid.
    await table
      .getByRole("row")
      .filter({ hasText: "Hello world" })
      .getByRole("button", { name: /^Edit record/ })
      .click();
    await panel.getByTestId("record-input-cover").setInputFiles({
      name: "cover.png",
      mimeType: "image/png",
      buffer: solidPng(300, 200, [21, 128, 61]),
    });
    await panel.getByTestId("save-record").click();
    await expect(panel).toBeHidden();
    const thumb = table.getByTestId("records-cell-thumb");
    await expect(thumb).toHaveAttribute("src", /thumb=100x100/);
    await expect
      .poll(() =>
        thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBe(100);
    await screenshot(page, "journey-05-thumbnail");

    // A user: created in the console, signed in on their own, their session revoked.
    await page.goto(`/_/users/${members}`);
    await page.getByTestId("new-user").click();
    const userForm = page.getByTestId("user-create-form");
    await userForm.getByTestId("user-create-email").fill(member.email);
    await userForm.getByTestId("user-create-password").fill(member.password);
    await userForm.getByTestId("user-create-verified").check();
    await userForm.getByTestId("user-create-save").click();
    const userRow = page.getByTestId(`user-row-${member.email}`);
    await expect(userRow).toBeVisible();
    const app = await playwright.request.newContext({ baseURL: server.url });
    const signedIn = await app.post(`/api/collections/${members}/auth/sign-in`, { data: member });
    expect(signedIn.status(), await signedIn.text()).toBe(200);
    const bearer = { Authorization: `Bearer ${(await signedIn.json()).token}` };
    // The rule at work: the member sees the published post.
    const visible = await app.get(`/api/collections/${posts}/records`, { headers: bearer });
    expect((await visible.json()).items.map((r: { title: string }) => r.title)).toEqual([
      "Hello world",
    ]);
    await userRow.getByTestId(`open-user-${member.email}`).click();
    const sessions = page.getByTestId("user-panel").getByTestId("user-sessions");
    await sessions
      .locator('[data-testid^="session-row-"]')
      .getByRole("button", { name: "Revoke" })
      .click();
    await expect(sessions.getByTestId("user-sessions-empty")).toBeVisible();
    await screenshot(page, "journey-06-session-revoked");
    expect(
      (await app.get(`/api/collections/${members}/auth/me`, { headers: bearer })).status(),
    ).toBe(401);
    await app.dispose();

    // A webhook for posts to a receiver on this machine, and a record change delivered to it.
    const received: string[] = [];
    const receiver = createServer((request: IncomingMessage, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        received.push(body);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      await page.goto("/_/webhooks");
      const hookSettings = page.getByRole("form", { name: "Webhook settings" });
      await hookSettings.getByLabel("Allow private addresses").check();
      await hookSettings.getByRole("button", { name: "Save" }).click();
      await expect(hookSettings.getByTestId("webhook-settings-saved")).toBeVisible();
      const hookForm = page.getByRole("form", { name: "New webhook" });
      await hookForm.getByLabel("URL").fill(hookUrl);
      await hookForm.getByLabel("Events").fill(`${posts}.*`);
      await hookForm.getByRole("button", { name: "Create webhook" }).click();
      await page
        .getByRole("alertdialog", { name: "Webhook created" })
        .getByRole("button", { name: "Done" })
        .click();
      await page
        .getByRole("row")
        .filter({ hasText: hookUrl })
        .getByRole("link", { name: hookUrl })
        .click();

      const created = await page.request.post(`/api/collections/${posts}/records`, {
        headers: origin,
        data: { title: "Delivered", views: 1, status: "draft" },
      });
      expect(created.status(), await created.text()).toBe(201);
      const delivery = page
        .getByRole("table", { name: "Delivery log" })
        .getByRole("row")
        .filter({ hasText: `${posts}.created` });
      await expect(delivery.getByTestId("webhook-delivery-status")).toHaveText("Succeeded", {
        timeout: 30_000,
      });
      await screenshot(page, "journey-07-webhook-delivery");
      expect(received.some((body) => body.includes('"Delivered"'))).toBe(true);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }

    // A setting: the app's name, kept across a reload and served by the API.
    await page.goto("/_/settings/application");
    const settings = page.getByRole("form", { name: "Application settings" });
    await settings.getByLabel("App name").fill("Journey App");
    await settings.getByRole("button", { name: "Save" }).click();
    await expect(settings.getByTestId("settings-application-saved")).toBeVisible();
    await page.reload();
    await expect(
      page.getByRole("form", { name: "Application settings" }).getByLabel("App name"),
    ).toHaveValue("Journey App");
    expect((await (await page.request.get("/api/settings")).json()).app.name).toBe("Journey App");
    await screenshot(page, "journey-08-setting");
  },
);
