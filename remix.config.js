/**
 * Remix classic compiler, targeting workerd. `server.ts` is the entry of the server bundle, so
 * build/index.js is the whole Worker (Remix, the app and every dependency): the one artifact
 * that `wrangler dev`, `wrangler deploy` and the Workers tests all run.
 * @type {import('@remix-run/dev').AppConfig}
 */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  server: "./server.ts",
  serverBuildPath: "build/index.js",
  serverModuleFormat: "esm",
  serverPlatform: "neutral",
  serverConditions: ["workerd", "worker", "browser"],
  serverMainFields: ["browser", "module", "main"],
  serverDependenciesToBundle: "all",
  serverMinify: false,
  // Tailwind v4 runs through @tailwindcss/postcss (postcss.config.js); Remix's own
  // Tailwind integration only understands v3.
  tailwind: false,
  postcss: true,
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
