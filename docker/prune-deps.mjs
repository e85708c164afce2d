// Removes from a production tree made by `pnpm deploy` the dependency files Node never loads,
// then proves it: every module reference in the tree's JavaScript (require, import, import(),
// new URL(…, import.meta.url)) that resolved before resolves to the same file after, unless the
// file holding it went too. Never touches Cairn's own packages. Run by docker/Dockerfile:
//   node docker/prune-deps.mjs /out
import { lstatSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { isBuiltin } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";

if (!process.argv[2]) fail("usage: node docker/prune-deps.mjs <deployed tree>");
const root = resolve(process.argv[2]);
const store = join(root, "node_modules", ".pnpm");

// Dual packages whose CommonJS build nothing loads: Cairn (ESM) imports them, so Node takes
// their "import" entry points. The check fails if a file left in the tree require()s them.
const ESM_IMPORTED = new Set([
  "drizzle-orm",
  "@electric-sql/pglite",
  "zod",
  "hono",
  "@hono/node-server",
  "nodemailer",
]);
// Modules of the Bare runtime: tar-stream depends on bare-fs for Bare, and uses node:fs on Node.
const BARE_ONLY = new Set(["bare-buffer", "bare-fs", "bare-path", "bare-stream", "bare-url"]);
const DOC_DIRS = new Set(["test", "tests", "__tests__", "example", "examples", "bench", "docs"]);

/** What goes, and why: the first rule that claims a file (path relative to its package) wins. */
const rules = [
  { why: "Bare runtime packages", claims: (pkg) => BARE_ONLY.has(pkg.name) },
  {
    // Licence texts stay.
    why: "docs, tests, examples",
    claims: (_pkg, path) =>
      DOC_DIRS.has(path.split("/")[0]) ||
      (/\.(md|markdown)$/i.test(path) && !/^(licen[cs]e|copying|notice)/i.test(basename(path))),
  },
  {
    // For bundlers: Node resolves the SDK's "node" and "main" entry points, in dist-cjs.
    why: "dist-es of the AWS SDK",
    claims: (pkg, path) => /^@(aws-sdk|smithy|aws)\//.test(pkg.name) && path.startsWith("dist-es/"),
  },
  {
    why: "CommonJS builds of packages Cairn imports",
    claims: (pkg, path) => ESM_IMPORTED.has(pkg.name) && isCommonJs(pkg, path),
  },
  {
    // Loaded only through @electric-sql/pglite/contrib/*; Cairn gives PGlite no extensions.
    why: "PGlite extensions",
    claims: (pkg, path) =>
      pkg.name === "@electric-sql/pglite" && /^dist\/(contrib\/|[^/]+\.tar\.gz$)/.test(path),
  },
];

function fail(message) {
  console.error(`prune-deps: ${message}`);
  process.exit(1);
}

/** Every regular file under dir, not following symbolic links. */
function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

function stat(path) {
  try {
    return statSync(path);
  } catch {
    return undefined; // missing, or a path through a file
  }
}
const isFile = (path) => stat(path)?.isFile() ?? false;
const isDir = (path) => stat(path)?.isDirectory() ?? false;
const jsonCache = new Map();
function readJson(path) {
  if (!jsonCache.has(path)) {
    jsonCache.set(path, isFile(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined);
  }
  return jsonCache.get(path);
}

/** The third-party packages: the real directories .pnpm/<id>/node_modules/<name>. */
function thirdPartyPackages() {
  const found = [];
  for (const id of readdirSync(store)) {
    const modules = join(store, id, "node_modules");
    if (id === "node_modules" || id.startsWith("@cairn+") || !isDir(modules)) continue;
    for (const entry of readdirSync(modules)) {
      const names = entry.startsWith("@")
        ? readdirSync(join(modules, entry)).map((name) => `${entry}/${name}`)
        : [entry];
      for (const name of names) {
        const dir = join(modules, name);
        const real = lstatSync(dir).isDirectory(); // the others are links to dependencies
        if (real && readJson(join(dir, "package.json"))?.name === name) found.push({ name, dir });
      }
    }
  }
  return found;
}

/** Whether Node loads a file as CommonJS: .cjs, or .js in a scope not "type": "module". */
function isCommonJs(pkg, path) {
  if (path.endsWith(".cjs")) return true;
  // A nested package.json that makes a folder CommonJS (hono's dist/cjs) is part of that build.
  if (basename(path) === "package.json") {
    return path !== "package.json" && readJson(join(pkg.dir, path))?.type === "commonjs";
  }
  if (!path.endsWith(".js")) return false;
  for (let dir = dirname(join(pkg.dir, path)); ; dir = dirname(dir)) {
    const json = readJson(join(dir, "package.json"));
    if (json) return json.type !== "module";
    if (dir === pkg.dir) return true;
  }
}

// --- resolution, close enough to Node's to tell whether a reference still lands ----------------
const CONDITIONS = {
  require: ["node", "require", "module-sync", "default"],
  import: ["node", "import", "module-sync", "default"],
};

function tryFile(path) {
  for (const suffix of ["", ".js", ".cjs", ".mjs", ".json", ".node"]) {
    if (isFile(path + suffix)) return path + suffix;
  }
  if (!isDir(path)) return null;
  const main = readJson(join(path, "package.json"))?.main;
  return (main && tryFile(join(path, main))) || tryFile(join(path, "index"));
}

/** The target an "exports" value picks under conditions: a path, null, or undefined (no match). */
function pickTarget(value, conditions) {
  if (typeof value === "string") return value;
  if (Array.isArray(value))
    return value.map((v) => pickTarget(v, conditions)).find(Boolean) ?? null;
  if (!value || typeof value !== "object") return null;
  for (const [key, nested] of Object.entries(value)) {
    if (!conditions.includes(key)) continue;
    const target = pickTarget(nested, conditions);
    if (target !== undefined) return target;
  }
  return undefined;
}

function resolveInPackage(dir, subpath, conditions) {
  const json = readJson(join(dir, "package.json")) ?? {};
  let { exports } = json;
  if (exports === undefined) {
    return tryFile(join(dir, subpath === "." ? (json.main ?? "index") : subpath));
  }
  const keyed = exports && typeof exports === "object" && !Array.isArray(exports);
  if (!keyed || !Object.keys(exports).some((key) => key.startsWith(".")))
    exports = { ".": exports };
  let target;
  if (Object.hasOwn(exports, subpath)) target = pickTarget(exports[subpath], conditions);
  else {
    // Of the "./x/*" patterns that match, the one with the longest prefix wins, as in Node.
    const [key] = Object.keys(exports)
      .filter((k) => {
        const [before, after] = k.split("*");
        return after !== undefined && subpath.startsWith(before) && subpath.endsWith(after);
      })
      .sort((a, b) => b.indexOf("*") - a.indexOf("*") || b.length - a.length);
    if (key) {
      const [before, after] = key.split("*");
      const match = subpath.slice(before.length, subpath.length - after.length);
      target = pickTarget(exports[key], conditions)?.replaceAll("*", match);
    }
  }
  return target && isFile(join(dir, target)) ? join(dir, target) : null;
}

function resolveSpecifier(from, kind, specifier) {
  const spec = specifier.replace(/[?#].*$/, "");
  if (kind === "url")
    return isFile(resolve(dirname(from), spec)) ? resolve(dirname(from), spec) : null;
  if (!spec || spec.startsWith("#") || isBuiltin(spec) || /^[a-z]+:/i.test(spec)) return null;
  if (/^\.{0,2}\//.test(spec)) return tryFile(resolve(dirname(from), spec));
  const name = spec.split("/", spec.startsWith("@") ? 2 : 1).join("/");
  const subpath = `.${spec.slice(name.length)}`;
  for (let dir = dirname(from); dir.startsWith(root); dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (basename(dir) !== "node_modules" && isDir(candidate)) {
      return resolveInPackage(candidate, subpath, CONDITIONS[kind]);
    }
    if (dir === root) break;
  }
  return null;
}

// require("x"), require.resolve("x"), import("x"), import … from "x", import "x", and
// new URL("x", import.meta.url) (how PGlite finds its wasm and data files).
const REFERENCES = [
  ["require", /require(?:\.resolve)?\s*\(\s*(["'])([^"'\n]+)\1\s*[,)]/g],
  ["import", /\bimport\s*\(\s*(["'])([^"'\n]+)\1\s*[,)]/g],
  ["import", /\b(?:from|import)\s*(["'])([^"'\n]+)\1/g],
  ["url", /\bnew URL\(\s*(["'])([^"'\n]+)\1\s*,\s*import\.meta\.url/g],
];

/** For each module, its references that land on a file: "kind specifier" → path. */
function references(files) {
  const found = new Map();
  for (const file of files.filter((f) => /\.[cm]?js$/.test(f))) {
    const source = readFileSync(file, "utf8");
    const landed = new Map();
    for (const [kind, pattern] of REFERENCES) {
      for (const [, , spec] of source.matchAll(pattern)) {
        const target = resolveSpecifier(file, kind, spec);
        if (target) landed.set(`${kind} "${spec}"`, target);
      }
    }
    found.set(file, landed);
  }
  return found;
}

// --- prune, then check --------------------------------------------------------------------------
const filesBefore = walk(root);
const before = references(filesBefore);

// Decide for every file first: deleting a scope's package.json would change what the rest is.
const doomed = thirdPartyPackages().flatMap((pkg) =>
  walk(pkg.dir).flatMap((file) => {
    const rule = rules.find(({ claims }) => claims(pkg, relative(pkg.dir, file)));
    return rule ? [{ file, why: rule.why }] : [];
  }),
);
const removed = new Map(rules.map(({ why }) => [why, { bytes: 0, files: 0 }]));
for (const { file, why } of doomed) {
  const tally = removed.get(why);
  tally.bytes += statSync(file).size;
  tally.files += 1;
  rmSync(file);
}

// Then empty directories, and pnpm's links to what is gone (the Bare packages).
function sweep(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink() && !stat(path)) rmSync(path);
    else if (entry.isDirectory()) {
      sweep(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    }
  }
}
sweep(store);

const filesAfter = walk(root);
const after = references(filesAfter);
const problems = [];
for (const [file, landed] of before) {
  if (!after.has(file)) continue;
  for (const [reference, target] of landed) {
    if (after.get(file).get(reference) === target) continue;
    problems.push(
      `${relative(root, file)}: ${reference} no longer finds ${relative(root, target)}`,
    );
  }
}
if (problems.length) fail(`files left in the tree need removed ones:\n  ${problems.join("\n  ")}`);

for (const [why, { bytes, files }] of removed) {
  console.log(`prune-deps: ${why}: ${(bytes / 1e6).toFixed(1)} MB in ${files} files`);
}
console.log(
  `prune-deps: ${filesBefore.length - filesAfter.length} files removed;` +
    ` the references of ${after.size} modules still resolve`,
);
