// The collection editor: open a collection from the list, add a select and a relation field, set
// a list rule (an invalid one is rejected inline, a valid one accepted), save through the plan
// dialog, reload and find it all there, in the page and on the server.
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

const posts = "e2e_edit_posts";
const authors = "e2e_edit_authors";

async function recreate(request: APIRequestContext, origin: string) {
  // Cookie-authenticated writes must carry the server's own Origin (CSRF).
  const headers = { origin };
  for (const name of [posts, authors]) {
    await request.delete(`/api/collections/${name}`, { headers });
  }
  for (const data of [
    { name: authors, fields: [{ name: "name", type: "text" }] },
    { name: posts, fields: [{ name: "title", type: "text" }] },
  ]) {
    const response = await request.post("/api/collections", { data, headers });
    expect(response.status(), await response.text()).toBe(201);
  }
}

test("edit a collection: select and relation fields, a checked list rule, saved", async ({
  page,
  signIn,
  baseURL,
}) => {
  await signIn(page);
  await recreate(page.request, baseURL ?? "");

  await page.goto("/_/collections");
  await page.getByRole("link", { name: posts, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/_/collections/${posts}$`));
  const form = page.getByRole("form", { name: `Edit collection ${posts}` });
  await expect(form.getByTestId("collection-name")).toHaveValue(posts);
  await screenshot(page, "collection-edit");

  const rows = form.locator('[data-testid^="edit-field-"]');
  const before = await rows.count();

  await form.getByTestId("new-field-type").selectOption("select");
  await form.getByTestId("add-field").click();
  const select = rows.nth(before);
  await select.getByTestId("field-name").fill("status");
  await select.getByTestId("field-values").fill("draft, published");

  await form.getByTestId("new-field-type").selectOption("relation");
  await form.getByTestId("add-field").click();
  const relation = rows.nth(before + 1);
  await relation.getByTestId("field-name").fill("author");
  await relation.getByTestId("field-relation-collection").selectOption({ label: authors });
  await screenshot(page, "collection-edit-fields");

  const rule = form.getByTestId("rule-list");
  await rule.getByTestId("rule-list-expression").check();
  const text = rule.getByTestId("rule-list-text");
  await text.fill("nosuch = 1");
  await expect(rule.getByTestId("rule-list-problems")).toContainText("Line 1, column");
  await expect(text).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "collection-edit-rule-invalid");

  // Completion by keyboard: arrows move through the suggestions, Enter takes one.
  await text.fill("@request.au");
  await text.press("ArrowDown");
  await expect(rule.getByRole("option", { name: "@request.auth.id" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  await text.press("Enter");
  await expect(text).toHaveValue("@request.auth.id");
  await text.press("Escape");
  // Completion by pointer offers the unsaved field.
  await text.fill("sta");
  await rule.getByTestId("rule-suggestions").getByRole("option", { name: "status" }).click();
  await text.press("End");
  await text.pressSequentially(' = "published"');
  await expect(text).toHaveValue('status = "published"');
  await expect(rule.getByTestId("rule-list-valid")).toBeVisible();
  await expect(text).not.toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "collection-edit-rule-valid");

  await form.getByTestId("save-collection").click();
  const dialog = page.getByTestId("save-plan-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("save-plan-steps")).toBeVisible();
  await screenshot(page, "collection-edit-plan");
  await dialog.getByTestId("apply-plan").click();
  await expect(dialog).toBeHidden();

  await page.reload();
  const saved = page.getByRole("form", { name: `Edit collection ${posts}` });
  await expect(saved.locator('[data-testid="field-name"][value="status"]')).toHaveCount(1);
  await expect(saved.getByTestId("rule-list-text")).toHaveValue('status = "published"');
  const names: string[] = [];
  for (const input of await saved.getByTestId("field-name").all()) {
    names.push(await input.inputValue());
  }
  expect(names).toEqual(expect.arrayContaining(["title", "status", "author"]));
  await screenshot(page, "collection-edit-saved");

  const response = await page.request.get(`/api/collections/${posts}`);
  expect(response.status()).toBe(200);
  const body = (await response.json()) as {
    listRule: string | null;
    fields: { name: string; type: string; values?: string[]; collection?: string }[];
  };
  expect(body.listRule).toBe('status = "published"');
  expect(body.fields.find((field) => field.name === "status")).toMatchObject({
    type: "select",
    values: ["draft", "published"],
  });
  expect(body.fields.find((field) => field.name === "author")?.type).toBe("relation");

  // Clean up so the run leaves nothing behind for other specs.
  for (const name of [posts, authors]) {
    await page.request.delete(`/api/collections/${name}`, { headers: { origin: baseURL ?? "" } });
  }
});

test("drop a field and rename (destructive plan confirmed), then delete from the editor", async ({
  page,
  signIn,
  baseURL,
}) => {
  const before = "e2e_edit_temp";
  const after = "e2e_edit_renamed";
  const headers = { origin: baseURL ?? "" };
  await signIn(page);
  for (const name of [before, after]) {
    await page.request.delete(`/api/collections/${name}`, { headers });
  }
  const created = await page.request.post("/api/collections", {
    headers,
    data: {
      name: before,
      fields: [
        { name: "title", type: "text" },
        { name: "body", type: "text" },
      ],
    },
  });
  expect(created.status(), await created.text()).toBe(201);

  await page.goto(`/_/collections/${before}`);
  const form = page.getByRole("form", { name: `Edit collection ${before}` });
  await form.getByRole("button", { name: "Remove body" }).click();
  await form.getByTestId("collection-name").fill(after);
  await form.getByTestId("save-collection").click();

  const dialog = page.getByTestId("save-plan-dialog");
  await expect(dialog.getByTestId("save-plan-destructive")).toBeVisible();
  await expect(dialog.getByTestId("apply-plan")).toBeDisabled();
  await screenshot(page, "collection-edit-destructive");
  await dialog.getByTestId("accept-data-loss").check();
  await dialog.getByTestId("apply-plan").click();
  await expect(page).toHaveURL(new RegExp(`/_/collections/${after}$`));

  const renamed = await page.request.get(`/api/collections/${after}`);
  expect(renamed.status()).toBe(200);
  const body = (await renamed.json()) as { fields: { name: string }[] };
  expect(body.fields.map((field) => field.name)).toContain("title");
  expect(body.fields.map((field) => field.name)).not.toContain("body");

  await page.getByRole("button", { name: `Delete collection ${after}` }).click();
  const confirm = page.getByRole("alertdialog", { name: `Delete “${after}”?` });
  await expect(confirm).toContainText("cannot be undone");
  await confirm.getByRole("button", { name: `Delete ${after}` }).click();
  await expect(page).toHaveURL(/\/_\/collections$/);
  expect((await page.request.get(`/api/collections/${after}`)).status()).toBe(404);
});

test("an auth collection's sign-in options are edited and saved", async ({
  page,
  signIn,
  baseURL,
}) => {
  const name = "e2e_edit_accounts";
  const headers = { origin: baseURL ?? "" };
  await signIn(page);
  await page.request.delete(`/api/collections/${name}`, { headers });
  const created = await page.request.post("/api/collections", {
    headers,
    data: { name, type: "auth" },
  });
  expect(created.status(), await created.text()).toBe(201);

  await page.goto(`/_/collections/${name}`);
  const options = page.getByTestId("collection-auth-options");
  await expect(options.getByTestId("auth-option-password")).toBeChecked();
  await options.getByTestId("auth-option-otp").check();
  await options.getByTestId("auth-option-minPasswordLength").fill("12");
  await options.getByTestId("auth-option-mfa").selectOption("required");
  await options.getByTestId("auth-option-sessionLifetime").fill("7");
  await screenshot(page, "collection-edit-auth");
  await page.getByTestId("save-collection").click();
  await page.getByTestId("apply-plan").click();
  await expect(page.getByTestId("save-plan-dialog")).toBeHidden();

  const saved = await page.request.get(`/api/collections/${name}`);
  expect((await saved.json()).auth).toMatchObject({
    password: true,
    otp: true,
    minPasswordLength: 12,
    mfa: "required",
    sessionLifetimeSeconds: 7 * 86_400,
  });
  await page.reload();
  await expect(page.getByTestId("auth-option-minPasswordLength")).toHaveValue("12");
  await page.request.delete(`/api/collections/${name}`, { headers });
});
