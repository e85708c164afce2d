export { cairn } from "./cairn.js";
export { settings } from "./settings.js";
