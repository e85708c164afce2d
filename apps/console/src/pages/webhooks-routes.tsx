// The webhooks section's routes, spread into the console layout's children by router.tsx.
import type { RouteObject } from "react-router";
import { WebhookPage } from "./webhook-page.js";
import { WebhooksPage } from "./webhooks-page.js";

export const webhooksRoutes: RouteObject[] = [
  { path: "webhooks", element: <WebhooksPage /> },
  { path: "webhooks/:id", element: <WebhookPage /> },
];
