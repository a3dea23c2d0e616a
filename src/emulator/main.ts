// npm run emulator: the REST API stand-in on its own (EMULATOR_PORT, EMULATOR_FORMAT).
import { ConfigError, readEmulatorConfig } from "../config.js";
import { describeEmulator, startEmulator } from "./server.js";

let config;
try {
  config = readEmulatorConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`config: ${error.message}\n`);
  process.exit(1);
}
const emulator = await startEmulator({
  port: config.port,
  host: config.host,
  format: config.format,
  credentials: config.credentials,
});
for (const line of describeEmulator(emulator)) console.log(line);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
