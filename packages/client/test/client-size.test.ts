// The size budget of the app entry: built minified by tsdown (as a bundler would ship it), then
// gzipped. Fails when "@cairn/client" grows past 12 kB min+gzip.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "tsdown";
import { describe, expect, it } from "vitest";

const budget = 12 * 1024;
const root = fileURLToPath(new URL("..", import.meta.url));

async function minGzip(entry: string): Promise<{ min: number; gzip: number }> {
  const outDir = await mkdtemp(join(tmpdir(), "cairn-size-"));
  try {
    await build({
      cwd: root,
      config: false,
      entry: { out: entry },
      format: "esm",
      platform: "neutral",
      target: "es2022",
      minify: true,
      dts: false,
      outDir,
      logLevel: "silent",
    });
    const code = await readFile(join(outDir, "out.js"));
    return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

describe("bundle size", () => {
  it("the app entry stays under 12 kB min+gzip; admin is a separate few kB", async () => {
    const app = await minGzip("src/index.ts");
    const admin = await minGzip("src/admin.ts");
    console.info(
      `@cairn/client: ${app.min} B min, ${app.gzip} B min+gzip; /admin: ${admin.min} B min, ${admin.gzip} B min+gzip`,
    );
    expect(app.gzip).toBeLessThan(budget);
    expect(admin.gzip).toBeLessThan(4 * 1024);
  }, 60_000);
});
