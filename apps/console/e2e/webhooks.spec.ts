// Webhooks end to end: a receiver on 127.0.0.1 inside the test, private addresses allowed
// through the settings form, an endpoint for `*` created in the UI (its secret shown once), a
// test event sent from the UI that the worker delivers signed, its detail in the log, and the
// endpoint deleted behind a confirmation. Each page is screenshotted.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures.js";
import { screenshot } from "./screenshots.js";

test("a test event reaches a local receiver, signed, and shows in the log", async ({
  page,
  signIn,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200, { "content-type": "text/plain" });
      response.end("thanks");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  try {
    await signIn(page);
    await page.goto("/_/");
    await page.getByTestId("nav-webhooks").click();
    await expect(page).toHaveURL(/\/_\/webhooks$/);
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();

    const settings = page.getByRole("form", { name: "Webhook settings" });
    const allowPrivate = settings.getByLabel("Allow private addresses");
    await expect(allowPrivate).toBeVisible();
    if (!(await allowPrivate.isChecked())) await allowPrivate.check();
    await expect(settings.getByRole("note")).toContainText("private");
    await settings.getByRole("button", { name: "Save" }).click();
    await expect(settings.getByTestId("webhook-settings-saved")).toBeVisible();
    await screenshot(page, "webhooks");

    const form = page.getByRole("form", { name: "New webhook" });
    await form.getByLabel("URL").fill(url);
    await form.getByLabel("Events").fill("*");
    await form.getByLabel("Description").fill("e2e receiver");
    await form.getByRole("button", { name: "Create webhook" }).click();

    const created = page.getByRole("alertdialog", { name: "Webhook created" });
    await expect(created).toBeVisible();
    const secret = await created.getByLabel("Signing secret").inputValue();
    expect(secret).toMatch(/^whsec_/);
    await screenshot(page, "webhook-created");
    await created.getByRole("button", { name: "Done" }).click();

    const row = page.getByRole("row").filter({ hasText: url });
    await expect(row.getByTestId("webhook-status")).toHaveText("Enabled");
    await row.getByRole("link", { name: url }).click();
    await expect(page.getByRole("heading", { name: url, level: 1 })).toBeVisible();

    await page.getByRole("button", { name: "Send test event" }).click();
    const delivery = page
      .getByRole("table", { name: "Delivery log" })
      .getByRole("row")
      .filter({ hasText: "webhook.test" });
    // The worker delivers within seconds; the log follows pending deliveries by itself.
    await expect(delivery.getByTestId("webhook-delivery-status")).toHaveText("Succeeded", {
      timeout: 20_000,
    });
    await expect(delivery.getByTestId("webhook-delivery-response")).toHaveText("200");
    await screenshot(page, "webhook-deliveries");

    expect(received.length).toBeGreaterThan(0);
    const hit = received.find((request) => request.body.includes("webhook.test"));
    expect(hit, "the receiver got the test event").toBeDefined();
    expect(hit?.headers["webhook-signature"]).toMatch(/^v1,/);
    expect(hit?.headers["webhook-id"]).toBeTruthy();

    await delivery.getByRole("button", { name: "Details" }).click();
    const detail = page.getByRole("dialog");
    await expect(detail.getByTestId("webhook-delivery-payload")).toContainText("webhook.test");
    await expect(detail.getByTestId("webhook-attempt").first()).toContainText("200");
    await expect(detail.getByTestId("webhook-attempt").first()).toContainText("thanks");
    await screenshot(page, "webhook-delivery-detail");
    await detail.getByRole("button", { name: "Close" }).click();

    // Revealing gives back the same secret; rotating explains the overlap first.
    await page.getByRole("button", { name: "Reveal secret" }).click();
    const revealed = page.getByRole("alertdialog", { name: "Signing secret" });
    await expect(revealed.getByLabel("Signing secret")).toHaveValue(secret);
    await revealed.getByRole("button", { name: "Done" }).click();
    await page.getByRole("button", { name: "Rotate secret" }).click();
    const rotate = page.getByRole("alertdialog", { name: "Rotate the signing secret?" });
    await expect(rotate).toContainText("24 hours");
    await screenshot(page, "webhook-rotate");
    await rotate.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("link", { name: "All webhooks" }).click();
    await page
      .getByRole("row")
      .filter({ hasText: url })
      .getByRole("button", { name: "Delete" })
      .click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
    await expect(page.getByRole("row").filter({ hasText: url })).toHaveCount(0);
  } finally {
    // Later specs expect the default: private addresses refused.
    // A cookie-authenticated write must come from the console's origin.
    await page.request.patch("/api/webhooks/settings", {
      data: { allowPrivateAddresses: false },
      headers: { origin: baseURL ?? "" },
    });
    await new Promise((resolve) => receiver.close(resolve));
  }
});
