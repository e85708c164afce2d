// Keeps the dependency direction of docs/architecture.md true:
// apps/* → packages/core → packages/{db,storage,schema}; client → schema types only;
// core never imports hono; nothing imports from apps/.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx|mts|cts)$/.test(name)) out.push(path);
  }
  return out;
}

const importPattern =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(importPattern)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

function filesOf(kind: "apps" | "packages", name: string) {
  return sourceFiles(join(root, kind, name, "src"));
}

function workspaceNames(kind: "apps" | "packages"): string[] {
  return readdirSync(join(root, kind)).filter((name) =>
    statSync(join(root, kind, name, "package.json"), { throwIfNoEntry: false })?.isFile(),
  );
}

const allowedInternal: Record<string, string[]> = {
  schema: [],
  db: [],
  storage: [],
  core: ["@cairn/schema", "@cairn/db", "@cairn/storage"],
  client: ["@cairn/schema"],
};

describe("architecture", () => {
  it("the importer sees the imports it is meant to police", () => {
    const sample =
      'import { a } from "x";\nexport * from "./y.js";\nconst z = await import("z");\nimport "w";';
    const file = join(root, "test", "architecture.test.ts");
    expect(importsOf(file).length).toBeGreaterThan(3);
    expect([...sample.matchAll(importPattern)].map((m) => m[1] ?? m[2] ?? m[3])).toEqual([
      "x",
      "./y.js",
      "z",
      "w",
    ]);
  });

  it("packages/core never imports hono", () => {
    const offenders = filesOf("packages", "core").flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^(hono|@hono\/)/.test(spec))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(root, "packages/core/package.json"), "utf8"));
    expect(Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })).not.toContain(
      "hono",
    );
  });

  it("nothing imports from apps/", () => {
    const appPackages = workspaceNames("apps").map(
      (name) => JSON.parse(readFileSync(join(root, "apps", name, "package.json"), "utf8")).name,
    );
    const offenders: string[] = [];
    for (const kind of ["apps", "packages"] as const) {
      for (const name of workspaceNames(kind)) {
        for (const file of filesOf(kind, name)) {
          for (const spec of importsOf(file)) {
            const reachesApps =
              appPackages.some((pkg) => spec === pkg || spec.startsWith(`${pkg}/`)) ||
              (spec.startsWith(".") &&
                relative(join(root, kind, name), resolve(dirname(file), spec)).startsWith(".."));
            if (reachesApps) offenders.push(`${relative(root, file)} imports ${spec}`);
          }
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it("packages depend on each other only in the documented direction", () => {
    const offenders: string[] = [];
    for (const name of workspaceNames("packages")) {
      const allowed = allowedInternal[name];
      expect(allowed, `packages/${name} is missing from this test's map`).toBeDefined();
      for (const file of filesOf("packages", name)) {
        for (const spec of importsOf(file)) {
          const internal = /^@cairn\/[^/]+/.exec(spec)?.[0];
          if (internal && internal !== `@cairn/${name}` && !allowed?.includes(internal)) {
            offenders.push(`${relative(root, file)} imports ${spec}`);
          }
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the client SDK has no runtime dependencies", () => {
    const manifest = JSON.parse(readFileSync(join(root, "packages/client/package.json"), "utf8"));
    expect(manifest.dependencies ?? {}).toEqual({});
    const valueImports = filesOf("packages", "client").flatMap((file) =>
      [
        ...readFileSync(file, "utf8").matchAll(
          /^import\s+(?!type\s)[^'"]*from\s*["']([^"'.][^"']*)["']/gm,
        ),
      ]
        .map((m) => `${relative(root, file)} imports ${m[1]}`)
        .filter((line) => !line.endsWith("vitest")),
    );
    expect(valueImports).toEqual([]);
  });
});
