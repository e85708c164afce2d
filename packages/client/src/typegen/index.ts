// `@cairn/client/typegen`: the type generator, for the cairn-typegen bin and the server's
// `cairn typegen`. Kept out of the main entry so apps never bundle it.
export { runTypegen, type TypegenIo, typegenUsage } from "./typegen-cli.js";
export {
  assertTypegenDocument,
  type TypegenCollection,
  type TypegenDocument,
  TypegenError,
  type TypegenField,
} from "./typegen-document.js";
export { type GenerateTypesOptions, generateTypes, pascalCase } from "./typegen-generate.js";
