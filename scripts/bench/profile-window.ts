// Loaded with `--import` by `npm run bench:profile` into the profiled server: the
// first SIGUSR2 starts V8's sampling profiler, the second stops it and writes the
// .cpuprofile to PROFILE_WINDOW_FILE, then prints `profile-window: written` on
// stderr. So the profile holds the measured window only, not start-up and
// warm-up, which at 1 connection (a few thousand requests) would be a large
// share of a --cpu-prof profile. Measurement only, not part of the product.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

const file = process.env["PROFILE_WINDOW_FILE"];
if (file === undefined) throw new Error("PROFILE_WINDOW_FILE is not set");
const session = new Session();
session.connect();
let running = false;

async function toggle(): Promise<void> {
  if (!running) {
    running = true;
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
    await session.post("Profiler.start");
    process.stderr.write("profile-window: started\n");
    return;
  }
  running = false;
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(file!, JSON.stringify(profile));
  process.stderr.write("profile-window: written\n");
}

process.on("SIGUSR2", () => void toggle());
