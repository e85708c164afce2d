// The records page: on a collection made through the API (text, number, select and an image
// field with 100x100 thumbnails), create a record in the side panel, edit it, filter (and see a
// bad filter refused inline), upload an image and see its thumbnail, delete one and then a
// selection, checking the server agrees.
import { readFile } from "node:fs/promises";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures.js";
import { solidPng } from "./records-png.js";
import { screenshot } from "./screenshots.js";

const name = "e2e_records";

// Writes with the session cookie must say where they come from, as the console's do.
const origin = (baseURL: string | undefined) => ({ Origin: new URL(baseURL ?? "").origin });

async function createCollection(request: APIRequestContext, baseURL?: string): Promise<void> {
  await request.delete(`/api/collections/${name}`, { headers: origin(baseURL) });
  const response = await request.post("/api/collections", {
    headers: origin(baseURL),
    data: {
      name,
      type: "base",
      fields: [
        { name: "title", type: "text", required: true },
        { name: "count", type: "number" },
        { name: "kind", type: "select", values: ["note", "essay"] },
        { name: "image", type: "file", thumbs: ["100x100"], mimeTypes: ["image/png"] },
      ],
    },
  });
  expect(response.ok(), await response.text()).toBe(true);
}

async function serverTitles(request: APIRequestContext): Promise<string[]> {
  const response = await request.get(`/api/collections/${name}/records?sort=title`);
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { items: { title: string }[] }).items.map((r) => r.title);
}

test("create, edit, filter, upload an image and delete records", async ({
  page,
  signIn,
  baseURL,
}) => {
  await signIn(page);
  await createCollection(page.request, baseURL);

  await page.goto("/_/collections");
  await page.getByTestId(`collection-records-${name}`).click();
  await expect(page).toHaveURL(new RegExp(`/_/collections/${name}/records$`));
  await expect(page.getByTestId("records-empty")).toBeVisible();

  // Create.
  await page.getByTestId("new-record").click();
  const panel = page.getByTestId("record-panel");
  await expect(panel).toBeVisible();
  await panel.getByTestId("save-record").click();
  // The server's field error lands on the field.
  await expect(panel.getByTestId("record-field-error-title")).toBeVisible();
  await panel.getByTestId("record-input-title").fill("First");
  await panel.getByTestId("record-input-count").fill("3");
  await panel.getByTestId("record-input-kind").selectOption("note");
  await screenshot(page, "records-panel");
  await panel.getByTestId("save-record").click();
  await expect(panel).toBeHidden();
  const table = page.getByTestId("records-table");
  await expect(table.getByRole("row").filter({ hasText: "First" })).toBeVisible();

  await page.getByTestId("new-record").click();
  await panel.getByTestId("record-input-title").fill("Second");
  await panel.getByTestId("save-record").click();
  await expect(panel).toBeHidden();
  await expect(page.getByTestId("records-total")).toHaveText("2 records");

  // Edit.
  const first = table.getByRole("row").filter({ hasText: "First" });
  await first.getByRole("button", { name: /^Edit record/ }).click();
  await expect(panel.getByTestId("record-input-title")).toHaveValue("First");
  await expect(panel.getByTestId("record-input-count")).toHaveValue("3");
  await panel.getByTestId("record-input-title").fill("First edited");
  await panel.getByTestId("save-record").click();
  await expect(panel).toBeHidden();
  await expect(table.getByRole("row").filter({ hasText: "First edited" })).toBeVisible();
  expect(await serverTitles(page.request)).toEqual(["First edited", "Second"]);

  // Sort by a header.
  await page.getByTestId("records-sort-title").click();
  await expect(table.locator("tbody tr").first()).toContainText("First edited");
  await page.getByTestId("records-sort-title").click();
  await expect(table.locator("tbody tr").first()).toContainText("Second");

  // Filter, and a bad filter's message inline.
  await page.getByTestId("records-filter").fill('title ~ "edited"');
  await page.getByTestId("records-filter-apply").click();
  await expect(page.getByTestId("records-total")).toHaveText("1 record");
  // The view is in the URL: a reload (or a shared link) shows the same filter and sort.
  await expect(page).toHaveURL(/[?&]filter=title/);
  await page.reload();
  await expect(page.getByTestId("records-filter")).toHaveValue('title ~ "edited"');
  await expect(page.getByTestId("records-total")).toHaveText("1 record");
  // Export follows the filter.
  const csvDownload = page.waitForEvent("download");
  await page.getByTestId("records-export-csv").click();
  const csv = await readFile(await (await csvDownload).path(), "utf8");
  expect(csv.split("\r\n")[0]).toBe("id,created,updated,title,count,kind,image");
  expect(csv).toContain("First edited");
  expect(csv).not.toContain("Second");
  await page.getByTestId("records-filter").fill("title ~~ (");
  await page.getByTestId("records-filter-apply").click();
  await expect(page.getByTestId("records-filter-error")).toBeVisible();
  await screenshot(page, "records-filter-error");
  await page.getByTestId("records-filter-clear").click();
  await expect(page.getByTestId("records-total")).toHaveText("2 records");
  const jsonDownload = page.waitForEvent("download");
  await page.getByTestId("records-export-json").click();
  const exported = JSON.parse(await readFile(await (await jsonDownload).path(), "utf8"));
  expect(exported.map((record: { title: string }) => record.title).sort()).toEqual([
    "First edited",
    "Second",
  ]);

  // The column chooser hides a column, and remembers it for this collection.
  await page.getByText("Columns", { exact: true }).click();
  await page.getByTestId("records-column-count").uncheck();
  await expect(page.getByTestId("records-sort-count")).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("records-sort-title")).toBeVisible();
  await expect(page.getByTestId("records-sort-count")).toHaveCount(0);

  // Upload an image and see its thumbnail, in the grid and in the panel.
  await table
    .getByRole("row")
    .filter({ hasText: "First edited" })
    .getByRole("button", { name: /^Edit record/ })
    .click();
  await panel.getByTestId("record-input-image").setInputFiles({
    name: "square.png",
    mimeType: "image/png",
    buffer: solidPng(200, 200, [29, 78, 216]),
  });
  await expect(panel.getByText("square.png")).toBeVisible();
  await panel.getByTestId("save-record").click();
  await expect(panel).toBeHidden();
  const thumb = table.getByTestId("records-cell-thumb");
  await expect(thumb).toHaveAttribute("src", /thumb=100x100/);
  await expect
    .poll(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
    .toBe(100);
  await screenshot(page, "records-grid");

  await table
    .getByRole("row")
    .filter({ hasText: "First edited" })
    .getByRole("button", { name: /^Edit record/ })
    .click();
  const preview = panel.getByTestId("record-file-preview");
  await expect(preview).toHaveAttribute("src", /thumb=100x100/);
  await expect
    .poll(() =>
      preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    )
    .toBe(100);
  await screenshot(page, "records-panel-file");
  await panel.getByRole("button", { name: "Cancel" }).click();
  await expect(panel).toBeHidden();

  // Delete one, through the confirmation.
  await table
    .getByRole("row")
    .filter({ hasText: "Second" })
    .getByRole("button", { name: /^Delete record/ })
    .click();
  const dialog = page.getByTestId("delete-records-dialog");
  await expect(dialog).toBeVisible();
  await page.getByTestId("confirm-delete-records").click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("records-total")).toHaveText("1 record");
  expect(await serverTitles(page.request)).toEqual(["First edited"]);

  // Delete a selection: the confirmation counts it.
  const third = await page.request.post(`/api/collections/${name}/records`, {
    headers: origin(baseURL),
    data: { title: "Third" },
  });
  expect(third.ok(), await third.text()).toBe(true);
  await page.reload();
  await expect(page.getByTestId("records-total")).toHaveText("2 records");
  await page.getByTestId("records-select-all").check();
  await page.getByTestId("records-delete-selected").click();
  await expect(page.getByTestId("delete-records-count")).toHaveText("2");
  await page.getByTestId("confirm-delete-records").click();
  await expect(page.getByTestId("records-empty")).toBeVisible();
  expect(await serverTitles(page.request)).toEqual([]);

  await page.request.delete(`/api/collections/${name}`, { headers: origin(baseURL) });
});

test("the panel's inputs for bool, date, json, multiple select and relation", async ({
  page,
  signIn,
  baseURL,
}) => {
  const target = "e2e_records_authors";
  const source = "e2e_records_typed";
  await signIn(page);
  const headers = origin(baseURL);
  await page.request.delete(`/api/collections/${source}`, { headers });
  await page.request.delete(`/api/collections/${target}`, { headers });
  const made = await page.request.post("/api/collections", {
    headers,
    data: { name: target, fields: [{ name: "name", type: "text" }] },
  });
  expect(made.ok(), await made.text()).toBe(true);
  const author = await page.request.post(`/api/collections/${target}/records`, {
    headers,
    data: { name: "Ann Author" },
  });
  expect(author.ok(), await author.text()).toBe(true);
  const authorId = ((await author.json()) as { id: string }).id;
  const typed = await page.request.post("/api/collections", {
    headers,
    data: {
      name: source,
      fields: [
        { name: "done", type: "bool" },
        { name: "due", type: "date" },
        { name: "meta", type: "json" },
        { name: "tags", type: "select", values: ["a", "b", "c"], multiple: true },
        { name: "author", type: "relation", collection: target },
      ],
    },
  });
  expect(typed.ok(), await typed.text()).toBe(true);

  await page.goto(`/_/collections/${source}/records`);
  await page.getByTestId("new-record").click();
  const panel = page.getByTestId("record-panel");
  await panel.getByTestId("record-input-done").check();
  await panel.getByTestId("record-input-due").fill("2026-03-04T05:06:07");
  await panel.getByTestId("record-input-meta").fill("{ not json");
  await panel.getByTestId("record-field-tags").getByLabel("a").check();
  await panel.getByTestId("record-field-tags").getByLabel("c").check();
  await panel.getByTestId("record-input-author").fill("Ann");
  await panel.getByRole("button", { name: new RegExp(`Ann Author \\(${authorId}\\)`) }).click();
  await panel.getByTestId("save-record").click();
  await expect(panel.getByTestId("record-field-error-meta")).toContainText("Not valid JSON");
  await panel.getByTestId("record-input-meta").fill('{ "n": 1 }');
  await screenshot(page, "records-panel-typed");
  await panel.getByTestId("save-record").click();
  await expect(panel).toBeHidden();

  const listed = await page.request.get(`/api/collections/${source}/records`);
  const [record] = ((await listed.json()) as { items: Record<string, unknown>[] }).items;
  expect(record).toMatchObject({ done: true, meta: { n: 1 }, tags: ["a", "c"], author: authorId });
  const due = await page.evaluate(() => new Date("2026-03-04T05:06:07").toISOString());
  expect(new Date(String(record?.due)).toISOString()).toBe(due);

  await page.request.delete(`/api/collections/${source}`, { headers });
  await page.request.delete(`/api/collections/${target}`, { headers });
});
