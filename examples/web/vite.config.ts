import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // Reading ../../client/possible-types.json (the gateway's artifact) is allowed in dev too.
  server: { fs: { allow: ["../.."] } },
  build: { outDir: "dist", emptyOutDir: true },
});
