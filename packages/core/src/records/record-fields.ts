// The `fields` projection: `fields=id,title,expand.author.name` keeps only those keys;
// `*` keeps everything at its level.
import { type PathTree, parsePathTree } from "./record-paths.js";

type Tree = PathTree;

export function parseFields(param: string | undefined): Tree | undefined {
  return parsePathTree(param, { what: "fields", allowStar: true });
}

export function projectRecord(value: unknown, tree: Tree | undefined): unknown {
  if (!tree || tree.size === 0 || tree.has("*")) {
    if (!tree || tree.size === 0 || value === null || typeof value !== "object") return value;
  }
  if (Array.isArray(value)) return value.map((item) => projectRecord(item, tree));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(source)) {
    const rule = tree!.get(key) ?? (tree!.has("*") ? new Map() : undefined);
    if (rule) out[key] = projectRecord(child, rule);
  }
  return out;
}
