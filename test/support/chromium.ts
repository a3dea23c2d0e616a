// Debian's Chromium for the browser tests (never a Playwright download),
// started as the machine allows: as root, without GPU or QUIC, and with no
// background traffic; only loopback host names resolve.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/**
 * Whether a browser test file skips: only on a developer's machine without
 * Chromium. With CI set the suite runs and fails when the browser is missing.
 */
export function skipWithoutChromium(testFile: string): boolean {
  const skip = process.env.CI === undefined && !existsSync(CHROMIUM);
  if (skip) {
    console.warn(
      `\n*** SKIPPING ${testFile}: ${CHROMIUM} not found and CI is unset. ` +
        "Install it with `apt-get install -y chromium` (CI does, and never skips). ***\n",
    );
  }
  return skip;
}

export async function launchChromium(timeoutMs: number, extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run must apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: timeoutMs,
    args: [
      "--no-sandbox",
      "--disable-dev-shm-usage",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
      // Defence in depth: no host name but localhost resolves, so nothing can leave the machine.
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    ],
  });
}
