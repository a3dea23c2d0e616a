// npm start: configuration, the embedded emulator when no UPSTREAM_URL is
// set, the gateway's HTTP server, and a graceful stop on SIGTERM/SIGINT.
import { setTimeout as sleep } from "node:timers/promises";
import { ConfigError, readConfig } from "./config.js";
import type { RunningEmulator } from "./emulator/server.js";
import { openAuditLog } from "./audit/audit-trail.js";
import { openSharePolicy } from "./policy/share-policy.js";
import { FileLoadError } from "./reload/reloadable-files.js";
import { createGateway } from "./server/gateway.js";
import { listen } from "./server/http-server.js";
import { UpstreamClient } from "./upstream/client.js";
import { SIGNING_SERVICE } from "./upstream/aws-endpoint.js";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  // A log reader that went away (EPIPE on stdout or stderr) must not stop the server.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(`config: ${error.message}`);
    throw error;
  }

  if (config.measureWithout.length > 0) {
    process.stderr.write(`MEASURE_WITHOUT=${config.measureWithout.join(",")}: these parts are left out, for measurement only; never deploy this\n`);
  }

  // Credentials are resolved before anything starts: a missing setup fails here, not at the first request.
  // The signer, the credential chain and the embedded emulator are loaded only when used: code a
  // process loads stays in its heap for good (the SigV4 libraries alone are ~1 MiB of it).
  let signer;
  if (config.upstreamSigningRegion !== null) {
    const { createStartupSigner } = await import("./upstream/credentials.js");
    const startup = await createStartupSigner(config.upstreamSigningRegion);
    if (!startup.ok) fail(`config: ${startup.message}`);
    signer = startup.signer;
  }

  // Files named by the configuration are read before anything starts: a bad one stops startup here, in one line.
  let audit, sharePolicy;
  try {
    audit = openAuditLog(config.auditLog);
    sharePolicy = await openSharePolicy(config.sharePolicy);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof FileLoadError) fail(`config: ${error.message}`);
    throw error;
  }

  let emulator: RunningEmulator | null = null;
  let upstreamUrl = config.upstreamUrl;
  if (upstreamUrl === null) {
    const { describeEmulator, startEmulator } = await import("./emulator/server.js");
    emulator = await startEmulator({ format: config.emulatorFormat, credentials: config.emulatorCredentials });
    upstreamUrl = emulator.url;
    console.log("No UPSTREAM_URL set: started the embedded emulator of the REST API.");
    for (const line of describeEmulator(emulator)) console.log(line);
  }

  const upstream = new UpstreamClient({
    baseUrl: upstreamUrl,
    timeoutMs: config.upstreamTimeoutMs,
    maxAttempts: config.upstreamMaxAttempts,
    signer,
    breaker: config.upstreamBreaker,
  });
  // The OpenTelemetry SDK is loaded only when tracing is on.
  const tracing = config.tracing === null ? null : (await import("./tracing/provider.js")).startTracing(config.tracing);
  let gateway;
  try {
    gateway = await createGateway(config, upstream, { upstreamBaseUrl: upstreamUrl, tracing, audit, sharePolicy });
  } catch (error) {
    // A configuration file that cannot be used (e.g. a manifest: the message names the file and the document ID).
    if (error instanceof ConfigError) fail(`config: ${error.message}`);
    throw error;
  }
  let http;
  try {
    http = await listen(gateway, config.port, config.host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    fail(`gateway: cannot listen on ${config.host}:${config.port} (${code})`);
  }
  let stopping = false;
  stop = async (signal: string): Promise<void> => {
    // A repeated signal does not cut the drain short.
    if (stopping) {
      console.log(`gateway: ${signal} received again, still draining`);
      return;
    }
    stopping = true;
    console.log(`gateway: ${signal} received, draining (up to ${config.shutdownTimeoutMs} ms)`);
    await http.drain(config.shutdownTimeoutMs);
    await gateway.dispose(); // stops the upstream probe
    // Requests cut at the deadline abort their upstream calls; don't wait long for the pool.
    await Promise.race([upstream.close(), sleep(2_000)]);
    // Queued spans go out before exit; a collector that is down holds the exit 5 s at most.
    if (tracing) await Promise.race([tracing.shutdown(), sleep(5_000)]);
    await emulator?.close();
    console.log("gateway: stopped");
    process.exit(0);
  };

  // What the gateway runs with, then the listening line last: whoever waits for that line
  // (an operator's script, the tests) has every start-up line by then.
  if (config.upstreamSigningRegion !== null) {
    console.log(`gateway: signing upstream requests with SigV4 (service ${SIGNING_SERVICE}, region ${config.upstreamSigningRegion})`);
  }
  console.log(`gateway: callers AUTH_MODE=${config.authMode}; /health, /readiness, /metrics`);
  if (config.tracing !== null) {
    // The endpoint without its query (which may hold a key); export headers are never printed.
    const { origin, pathname } = new URL(config.tracing.endpoint);
    console.log(`gateway: tracing to ${origin}${pathname} (OTLP ${config.tracing.protocol}, sampler ${config.tracing.sampler.name})`);
  }
  if (config.trustedDocuments !== null) {
    const { files, only } = config.trustedDocuments;
    console.log(
      `gateway: trusted documents from ${files.join(", ")} (TRUSTED_DOCUMENTS_ONLY=${only}: ${only ? "nothing else runs" : "other documents run too"}); reloaded on SIGHUP and on change`,
    );
  }
  const policy = config.sharePolicy;
  const auditTo = config.auditLog.kind === "stdout" ? "stdout" : config.auditLog.path;
  console.log(
    policy === null
      ? `gateway: no share policy (the scopes alone decide); audit lines to ${auditTo}`
      : `gateway: share policy ${policy.policy}${policy.schema === null ? "" : ` (validated against ${policy.schema})`}; audit lines to ${auditTo}`,
  );
  const shownHost = config.host === "0.0.0.0" || config.host === "127.0.0.1" ? "localhost" : config.host;
  console.log(`gateway: http://${shownHost}:${http.port}/graphql (upstream ${upstreamUrl})`);
}

/** Set once the server listens; a signal before that stops the start-up at once. */
let stop: ((signal: string) => Promise<void>) | null = null;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stop === null) process.exit(0);
    void stop(signal);
  });
}

await main();
