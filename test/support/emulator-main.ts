// The real emulator (src/emulator/server.ts) as its own process, for tests in
// which several gateway processes share one upstream. Beyond the seeded
// workloads (which have room for 23 new shares in all) it adds one workload
// for load: argv[2] is its ID, argv[3] its share quota.
import { describeEmulator, startEmulator } from "../../src/emulator/server.js";

const [workloadId, quota] = process.argv.slice(2);
if (workloadId === undefined || !/^[0-9a-f]{32}$/.test(workloadId) || !/^\d+$/.test(quota ?? "")) {
  process.stderr.write("usage: emulator-main.ts <32-hex workload id> <share quota>\n");
  process.exit(1);
}
const emulator = await startEmulator({ port: 0, host: "127.0.0.1" });
emulator.store.workloads.set(workloadId, { id: workloadId, name: "load-test", quota: Number(quota), shares: [] });
for (const line of describeEmulator(emulator)) console.log(line);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void emulator.close().then(() => process.exit(0)));
}
