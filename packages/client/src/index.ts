export { CairnError, isCairnError } from "./cairn-error.js";
export type { ClientOptions, Health, Readiness, RequestOptions } from "./client.js";
export { CairnClient, createClient } from "./client.js";
