// The published build: ESM + CJS + declarations for the app entry and the admin entry. Shared
// code lands in a common chunk, so an app importing only "@cairn/client" never loads admin code.
import { defineConfig } from "tsdown";

export default defineConfig({
  // typegen: the cairn-typegen bin and `cairn typegen` (Node only; apps never import it).
  entry: { index: "src/index.ts", admin: "src/admin.ts", typegen: "src/typegen/index.ts" },
  format: ["esm", "cjs"],
  platform: "neutral",
  target: "es2022",
  tsconfig: "tsconfig.lib.json",
  dts: true,
  sourcemap: true,
  clean: true,
  outDir: "dist",
});
