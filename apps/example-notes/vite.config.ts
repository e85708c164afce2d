import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development Vite serves the app and forwards the API to a Cairn server on CAIRN_DEV_API
// (default http://127.0.0.1:8090), so the app and the API share one origin and need no CORS.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ["source"] },
  server: {
    port: 5174,
    proxy: { "/api": process.env.CAIRN_DEV_API ?? "http://127.0.0.1:8090" },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});
