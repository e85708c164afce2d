// Webhooks beyond the first delivery: an endpoint created with a custom header in the shared
// form, edited (a bad pattern and a bad filter show the server's own messages; header values
// stay masked after a save and still reach the receiver), its secret revealed then rotated (the
// old one shown as co-signing), a delivery failing against a receiver answering 500 and then
// redelivered, attempt latencies, the log's filters and its "Load more" paging.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

const MASK = "••••••••";

test("edit an endpoint, rotate its secret, redeliver a failed delivery, page the log", async ({
  page,
  signIn,
  baseURL,
}) => {
  test.setTimeout(120_000);
  // Cookie-authenticated writes must come from the console's origin.
  const origin = { origin: baseURL ?? "" };
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  let answer = 200;
  const receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(answer, { "content-type": "text/plain" });
      response.end(answer === 200 ? "ok" : "receiver down");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/edit-hook`;
  let hookId = "";

  try {
    await signIn(page);
    const allow = await page.request.patch("/api/webhooks/settings", {
      data: { allowPrivateAddresses: true },
      headers: origin,
    });
    expect(allow.status()).toBe(200);

    // Create, with a custom header, in the shared form.
    await page.goto("/_/webhooks");
    const form = page.getByRole("form", { name: "New webhook" });
    await form.getByLabel("URL").fill(url);
    await form.getByLabel("Description").fill("edit spec");
    await form.getByTestId("webhook-header-add").click();
    await form.getByTestId("webhook-header-name").fill("X-Token");
    await form.getByTestId("webhook-header-value").fill("s3cret");
    await form.getByText("Event patterns").click();
    await expect(form.getByTestId("webhook-events-help")).toContainText("posts.*");
    await screenshot(page, "webhook-edit-new-form");
    await form.getByRole("button", { name: "Create webhook" }).click();
    const created = page.getByRole("alertdialog", { name: "Webhook created" });
    const secret = await created.getByLabel("Signing secret").inputValue();
    expect(secret).toMatch(/^whsec_/);
    await created.getByRole("button", { name: "Done" }).click();
    // The form started over, empty.
    await expect(form.getByLabel("URL")).toHaveValue("");
    await expect(form.getByTestId("webhook-header-row")).toHaveCount(0);

    await page.getByRole("row").filter({ hasText: url }).getByRole("link", { name: url }).click();
    await expect(page.getByRole("heading", { name: url, level: 1 })).toBeVisible();
    hookId = /\/webhooks\/([^/?#]+)/.exec(page.url())?.[1] ?? "";
    expect(hookId).toMatch(/^wh_/);
    await screenshot(page, "webhook-edit-page");

    // A pattern naming no collection: the server's message, under Events.
    const edit = page.getByRole("form", { name: "Edit webhook" });
    await expect(edit.getByTestId("webhook-header-value")).toHaveValue(MASK);
    const badEvents = await page.request.patch(`/api/webhooks/${hookId}`, {
      data: { events: ["nosuch.created"] },
      headers: origin,
    });
    expect(badEvents.status()).toBe(400);
    const eventsMessage = Object.values(
      (await badEvents.json()).error.fields as Record<string, { message: string }>,
    )[0]?.message;
    expect(eventsMessage).toBeTruthy();
    await edit.getByLabel("Events").fill("nosuch.created");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(edit.locator(".field-error").first()).toHaveText(eventsMessage ?? "");
    await screenshot(page, "webhook-edit-events-error");

    // A filter that does not parse: the server's message, under Filter.
    const badFilter = await page.request.patch(`/api/webhooks/${hookId}`, {
      data: { events: ["auth.*"], filter: "name = = 1" },
      headers: origin,
    });
    expect(badFilter.status()).toBe(400);
    const filterMessage = (await badFilter.json()).error.fields.filter.message as string;
    await edit.getByLabel("Events").fill("auth.*");
    await edit.getByLabel("Filter (optional)").fill("name = = 1");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(edit.getByText(filterMessage, { exact: true })).toBeVisible();
    await expect(edit.getByLabel("Filter (optional)")).toHaveAttribute("aria-invalid", "true");
    await screenshot(page, "webhook-edit-filter-error");

    // A good save: events changed, the stored header kept masked, a second header added.
    await edit.getByLabel("Filter (optional)").fill("");
    await edit.getByLabel("Events").fill("auth.*, *");
    await edit.getByTestId("webhook-header-add").click();
    await edit.getByTestId("webhook-header-name").last().fill("X-Other");
    await edit.getByTestId("webhook-header-value").last().fill("two");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(edit.getByTestId("webhook-saved")).toBeVisible();
    await expect(edit.getByLabel("Events")).toHaveValue("auth.*, *");
    await expect(edit.getByTestId("webhook-header-value").first()).toHaveValue(MASK);
    await expect(edit.getByTestId("webhook-header-value").last()).toHaveValue(MASK);
    await screenshot(page, "webhook-edit-saved");
    const stored = await (await page.request.get(`/api/webhooks/${hookId}`)).json();
    expect(stored).toMatchObject({
      events: ["auth.*", "*"],
      filter: null,
      headers: { "X-Token": MASK, "X-Other": MASK },
    });

    // Reveal, then rotate: the dialog shows the new secret and the old one co-signing.
    await page.getByRole("button", { name: "Reveal secret" }).click();
    const revealed = page.getByRole("alertdialog", { name: "Signing secret" });
    await expect(revealed.getByLabel("Signing secret")).toHaveValue(secret);
    await expect(revealed.getByTestId("webhook-previous-secret")).toHaveCount(0);
    await screenshot(page, "webhook-edit-secret-revealed");
    await revealed.getByRole("button", { name: "Done" }).click();
    await page.getByRole("button", { name: "Rotate secret" }).click();
    const rotate = page.getByRole("alertdialog", { name: "Rotate the signing secret?" });
    await expect(rotate).toContainText("24 hours");
    await screenshot(page, "webhook-edit-rotate-confirm");
    await rotate.getByRole("button", { name: "Rotate" }).click();
    const rotated = page.getByRole("alertdialog", { name: "Secret rotated" });
    const newSecret = await rotated.getByLabel("Signing secret").inputValue();
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    await expect(rotated.getByTestId("webhook-previous-secret")).toHaveValue(secret);
    await expect(rotated).toContainText("Previous secret, co-signing until");
    await screenshot(page, "webhook-edit-secret-rotated");
    await rotated.getByRole("button", { name: "Done" }).click();
    await expect(page.getByTestId("webhook-co-signing")).toBeVisible();

    // The receiver answers 500: the attempt fails, with its status and latency in the row.
    answer = 500;
    await page.getByRole("button", { name: "Send test event" }).click();
    const log = page.getByRole("table", { name: "Delivery log" });
    const row = log.getByRole("row").filter({ hasText: "webhook.test" });
    await expect(row.getByTestId("webhook-delivery-response")).toHaveText("500", {
      timeout: 20_000,
    });
    await expect(row.getByTestId("webhook-delivery-latency")).toHaveText(/^\d+ ms$/);
    await expect(row.getByTestId("webhook-delivery-status")).toContainText("Pending");
    await screenshot(page, "webhook-edit-delivery-failing");

    await row.getByRole("button", { name: "Details" }).click();
    const detail = page.getByRole("dialog");
    await expect(detail.getByTestId("webhook-attempt").first()).toContainText("500");
    await expect(detail.getByTestId("webhook-attempt").first()).toContainText("receiver down");
    await expect(detail.getByTestId("webhook-attempt-latency").first()).toHaveText(/^\d+ ms$/);
    await screenshot(page, "webhook-edit-delivery-failed-detail");

    // Redeliver once the receiver is back: the same delivery succeeds, every attempt logged.
    answer = 200;
    await detail.getByRole("button", { name: "Redeliver" }).click();
    await expect(detail.getByTestId("webhook-delivery-summary")).toContainText("Succeeded", {
      timeout: 20_000,
    });
    await expect(detail.getByTestId("webhook-attempt").first()).toHaveAttribute(
      "data-status",
      "500",
    );
    await expect(detail.getByTestId("webhook-attempt").last()).toHaveAttribute(
      "data-status",
      "200",
    );
    await expect(detail.getByTestId("webhook-attempt-latency").last()).toHaveText(/^\d+ ms$/);
    await screenshot(page, "webhook-edit-delivery-redelivered");
    await detail.getByRole("button", { name: "Close" }).click();
    await expect(row.getByTestId("webhook-delivery-status")).toHaveText("Succeeded");
    await expect(row.getByTestId("webhook-delivery-response")).toHaveText("200");
    const attempts = Number(await row.getByTestId("webhook-delivery-attempts").textContent());
    expect(attempts).toBeGreaterThanOrEqual(2);

    // The receiver saw one webhook-id every time, the stored headers, and both signatures.
    const deliveryId = received.at(-1)?.headers["webhook-id"];
    const sameDelivery = received.filter((r) => r.headers["webhook-id"] === deliveryId);
    expect(sameDelivery.length).toBe(attempts);
    for (const request of sameDelivery) {
      expect(request.headers["x-token"]).toBe("s3cret");
      expect(request.headers["x-other"]).toBe("two");
      expect(String(request.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    }

    // Filters: by status and by event type.
    const status = page.getByTestId("webhook-deliveries-status");
    await status.selectOption("failed");
    await expect(page.getByTestId("webhook-deliveries-empty")).toHaveText(
      "No deliveries match these filters.",
    );
    await status.selectOption("succeeded");
    await expect(row).toHaveCount(1);
    const eventType = page.getByTestId("webhook-deliveries-event-type");
    await eventType.fill("posts.created");
    await expect(page.getByTestId("webhook-deliveries-empty")).toBeVisible();
    await eventType.fill("webhook.test");
    await expect(row).toHaveCount(1);
    await screenshot(page, "webhook-edit-deliveries-filtered");
    await eventType.fill("");
    await status.selectOption("");

    // More than a page: the newest 50, then "Load more" for the rest.
    for (let i = 0; i < 55; i++) {
      const queued = await page.request.post(`/api/webhooks/${hookId}/test`, { headers: origin });
      expect(queued.status()).toBe(202);
    }
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(log.getByTestId(/^webhook-delivery-msg_/)).toHaveCount(50);
    await expect(page.getByTestId("webhook-deliveries-count")).toContainText("older ones follow");
    await page.getByRole("button", { name: "Load more" }).click();
    await expect(log.getByTestId(/^webhook-delivery-msg_/)).toHaveCount(56);
    await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
    // The first delivery, the oldest, is last.
    await expect(log.getByTestId(/^webhook-delivery-msg_/).last()).toHaveAttribute(
      "data-testid",
      `webhook-delivery-${deliveryId}`,
    );
    await screenshot(page, "webhook-edit-deliveries-paged");

    // Delete behind the confirmation.
    await page.getByRole("link", { name: "All webhooks" }).click();
    await page
      .getByRole("row")
      .filter({ hasText: url })
      .getByRole("button", { name: "Delete" })
      .click();
    const confirm = page.getByRole("alertdialog", { name: "Delete this webhook?" });
    await expect(confirm).toContainText(url);
    await screenshot(page, "webhook-edit-delete-confirm");
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect(page.getByRole("row").filter({ hasText: url })).toHaveCount(0);
    hookId = "";
  } finally {
    if (hookId) await page.request.delete(`/api/webhooks/${hookId}`, { headers: origin });
    // Later specs expect the default: private addresses refused.
    await page.request.patch("/api/webhooks/settings", {
      data: { allowPrivateAddresses: false },
      headers: origin,
    });
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
});
