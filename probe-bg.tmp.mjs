import { chromium } from "playwright-core";
const extra = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ['--no-sandbox','--disable-dev-shm-usage','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync', '--log-net-log=/tmp/probe-netlog.json', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1', ...extra] });
const ctx = await browser.newContext();
const page = await ctx.newPage();
await page.goto("data:text/html,<h1>hi</h1>");
await new Promise(r => setTimeout(r, 4000));
await browser.close();
