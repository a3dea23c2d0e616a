// npm run example: builds examples/web (codegen, typecheck, vite build), starts
// the gateway (`src/main.ts`, with its embedded emulator) in trusted-documents-only
// mode with the app's manifest, and serves the built app from another localhost
// port, so the browser makes real cross-origin (CORS) requests to the gateway.
//
//   EXAMPLE_APP_PORT  port of the app (default 5173; 0 = a free one)
//   PORT              port of the gateway (default 4000; 0 = a free one)
//   EXAMPLE_SKIP_BUILD=true  serve the existing examples/web/dist
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { preview, type PreviewServer } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
const appDir = fileURLToPath(new URL("../examples/web/", import.meta.url));
const MANIFEST = "examples/web/src/gql/persisted-documents.json";
// Vite's preview sets NODE_ENV=production in this process; the gateway gets the caller's.
const callerEnv = { ...process.env };

/** What is running, so a signal at any point stops it all (children by their PID). */
const running: { children: Set<ChildProcess>; app: PreviewServer | null } = { children: new Set(), app: null };

function track(child: ChildProcess): ChildProcess {
  running.children.add(child);
  child.on("exit", () => running.children.delete(child));
  return child;
}

let stopping = false;
async function stop(code: number): Promise<never> {
  stopping = true;
  await Promise.all(
    [...running.children].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
  await running.app?.close();
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (!stopping) void stop(0);
  });
}

function fail(message: string): never {
  process.stderr.write(`example: ${message}\n`);
  process.exit(1);
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) fail(`${name} must be a port number (0 to 65535), got "${raw}"`);
  return value;
}

function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = track(spawn("npm", ["run", "build", "--workspace", "examples/web"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] }));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the app's build exited with ${code}`))));
  });
}

/** Starts the gateway; resolves with its URL once it listens. Its output goes to ours, line by line. */
function startGateway(appOrigins: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = track(spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...callerEnv,
      PORT: String(port("PORT", 4000)),
      TRUSTED_DOCUMENTS: MANIFEST,
      TRUSTED_DOCUMENTS_ONLY: "true",
      CORS_ORIGINS: appOrigins.join(","),
    },
  }));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.once("exit", (code) => reject(new Error(`the gateway exited with ${code} before it listened`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      console.log(line);
      const listening = /^gateway: (http:\/\/\S+\/graphql)/.exec(line);
      if (listening?.[1] !== undefined) {
        // The gateway binds 127.0.0.1 in development; say so rather than "localhost".
        resolve({ child, url: listening[1].replace("//localhost:", "//127.0.0.1:") });
      }
    });
  });
}

/** Serves examples/web/dist; /config.json tells the app where the gateway is. */
async function serveApp(appPort: number, config: { graphqlUrl: string }): Promise<PreviewServer> {
  return preview({
    root: appDir,
    configFile: false,
    logLevel: "warn",
    preview: { port: appPort, strictPort: true, host: "127.0.0.1" },
    plugins: [
      {
        name: "runtime-config",
        configurePreviewServer(server) {
          server.middlewares.use("/config.json", (_req, res) => {
            res.setHeader("content-type", "application/json");
            res.setHeader("cache-control", "no-store");
            res.end(JSON.stringify(config));
          });
        },
      },
    ],
  });
}

async function main(): Promise<void> {
  if (process.env.EXAMPLE_SKIP_BUILD !== "true") await build();

  const config = { graphqlUrl: "" };
  const app = await serveApp(port("EXAMPLE_APP_PORT", 5173), config);
  running.app = app;
  const address = app.httpServer.address();
  if (address === null || typeof address === "string") fail("the app server has no port");
  const appOrigins = [`http://localhost:${address.port}`, `http://127.0.0.1:${address.port}`];

  const gateway = await startGateway(appOrigins);
  config.graphqlUrl = gateway.url;
  gateway.child.on("exit", (code) => {
    if (stopping) return;
    console.log(`example: the gateway exited (${code}); stopping`);
    void stop(1);
  });

  console.log(`example: app ${appOrigins[0]}/ (gateway ${gateway.url} pid ${gateway.child.pid}, trusted documents only: ${MANIFEST})`);
}

main().catch((error: unknown) => {
  process.stderr.write(`example: ${error instanceof Error ? error.message : String(error)}\n`);
  void stop(1);
});
