// Measurement only (not part of the product): why the request path makes no
// object-spread copies. On Node 20 (V8 11.3), adding a property to the copy an
// object spread made (`{ ...a, extra }`, or `{ ...a }` then `copy.extra = x`)
// is far dearer than building the same object as a literal or with
// Object.assign onto a new object; on Node 22 and later it is not. Prints, for
// the node that runs it, each way's cost as a ratio to the literal, measured
// in one run, interleaved over several rounds.
//   node --import tsx scripts/bench/object-spread-probe.ts
import { performance } from "node:perf_hooks";

const waitUntil = (): void => {};
const extension = () => ({
  caller: null,
  requestId: "",
  sharePolicy: null,
  audit: null,
  upstream: null,
  idempotencyKey: null,
  batchIndex: 0,
  tokenFields: null,
  callOptions: null,
  shareLists: null,
});

/** The fast path's context before this change: a spread of the server context, then envelop's Object.assign of the gateway's fields. */
function spreadCopy(req: object, res: object): object {
  const serverContext = { req, res, waitUntil };
  const context = { ...serverContext, request: req, params: res };
  return Object.assign(context, extension());
}

/** The same context as a literal (what fast-path.ts does now). */
function literal(req: object, res: object): object {
  const serverContext = { req, res, waitUntil };
  const context = { req: serverContext.req, res: serverContext.res, waitUntil: serverContext.waitUntil, request: req, params: res };
  return Object.assign(context, extension());
}

/** The same context copied with Object.assign onto a new object. */
function assignCopy(req: object, res: object): object {
  const serverContext = { req, res, waitUntil };
  const context: Record<string, unknown> = Object.assign({}, serverContext);
  context.request = req;
  context.params = res;
  return Object.assign(context, extension());
}

const ways = { literal, "object spread": spreadCopy, "Object.assign copy": assignCopy };
const CALLS = 200_000;
const ROUNDS = 5;

function nsPerCall(make: (req: object, res: object) => object): number {
  let keep: object | null = null;
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) keep = make({}, {});
  const ns = ((performance.now() - start) * 1e6) / CALLS;
  if (keep === null) throw new Error("nothing made");
  return ns;
}

for (const make of Object.values(ways)) nsPerCall(make); // warm-up: every way optimized before measuring
const samples = new Map<string, number[]>(Object.keys(ways).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, make] of Object.entries(ways)) samples.get(name)!.push(nsPerCall(make));
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const base = median(samples.get("literal")!);
console.log(`node ${process.version}: the fast path's context made ${CALLS} times per round, medians of ${ROUNDS} interleaved rounds`);
for (const [name, values] of samples) console.log(`  ${name.padEnd(20)} ${(median(values) / base).toFixed(1).padStart(6)}× the literal`);
