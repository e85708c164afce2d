// Comma-separated dotted paths (`expand`, `fields`) as a tree of names.
import { errors } from "../errors.js";

export type PathTree = Map<string, PathTree>;

export function parsePathTree(
  param: string | undefined,
  options: { what: string; allowStar: boolean; maxDepth?: number },
): PathTree | undefined {
  if (param === undefined || param.trim() === "") return undefined;
  if (param.length > 2000) throw errors.badRequest(`${options.what} is too long.`);
  const name = options.allowStar ? "(\\*|[A-Za-z][A-Za-z0-9_]*)" : "([A-Za-z][A-Za-z0-9_]*)";
  const pattern = new RegExp(`^${name}(\\.${name})*$`);
  const root: PathTree = new Map();
  for (const raw of param.split(",")) {
    const path = raw.trim();
    if (!pattern.test(path))
      throw errors.badRequest(`${options.what}: "${path}" is not a field path.`);
    const parts = path.split(".");
    if (options.maxDepth !== undefined && parts.length > options.maxDepth) {
      throw errors.badRequest(
        `${options.what}: "${path}" is deeper than ${options.maxDepth} levels.`,
      );
    }
    let node = root;
    for (const part of parts) {
      let next = node.get(part);
      if (!next) {
        next = new Map();
        node.set(part, next);
      }
      node = next;
    }
  }
  return root;
}
