import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The server serves the built console at /_/; in development Vite serves it and forwards the
// API to a server on CAIRN_DEV_API (default http://127.0.0.1:8090).
export default defineConfig({
  base: "/_/",
  plugins: [react()],
  resolve: { conditions: ["source"] },
  server: {
    port: 5173,
    proxy: { "/api": process.env.CAIRN_DEV_API ?? "http://127.0.0.1:8090" },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});
