export { cairn } from "./cairn.js";
export { collections } from "./collections.js";
export { schemaHistory } from "./schema-history.js";
export { sessions } from "./sessions.js";
export { settings } from "./settings.js";
export { superusers } from "./superusers.js";
