// undici's Pool without undici's entry point. The entry point loads all of
// undici (fetch, WebSocket, caches, mocks, interceptors): ~2.7 MiB of heap
// that stays for the life of the process and that the gateway never uses;
// with V8's heap growing to a multiple of what is live, that is ~4 MiB of
// peak RSS. undici 7 has no exports map, so its files are reachable. The
// gateway sends through the Pool's own `dispatch` (exchange.ts), so not even
// undici's request API (request(), stream(), pipeline(), which the entry point
// adds to every dispatcher) is loaded. test/upstream-pool.test.ts checks, in
// a process of its own, that this is undici's very class, that exchanges
// work, and that the entry point stays unloaded.
import { createRequire } from "node:module";
import type { Pool } from "undici";

const require = createRequire(import.meta.url);

export const UndiciPool = require("undici/lib/dispatcher/pool.js") as typeof Pool;
