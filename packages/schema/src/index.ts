export * from "./collections.js";
export * from "./errors.js";
