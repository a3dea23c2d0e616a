// undici's Pool without undici's entry point. The entry point loads all of
// undici (fetch, WebSocket, caches, mocks, interceptors): ~2.7 MiB of heap
// that stays for the life of the process and that the gateway never uses;
// with V8's heap growing to a multiple of what is live, that is ~4 MiB of
// peak RSS. undici 7 has no exports map, so its files are reachable; this
// does exactly what its index.js does for the Pool and its request API, and
// test/upstream-pool.test.ts checks, in a process of its own, that the
// result is undici's very class, that requests work, and that the entry
// point stays unloaded.
import { createRequire } from "node:module";
import type { Pool } from "undici";

const require = createRequire(import.meta.url);

const Dispatcher = require("undici/lib/dispatcher/dispatcher.js") as { prototype: object };
// index.js's first statement: request(), stream(), pipeline(), connect() and
// upgrade() on every dispatcher. The same functions: loading the entry point
// later assigns them again and changes nothing.
Object.assign(Dispatcher.prototype, require("undici/lib/api/index.js") as object);

export const UndiciPool = require("undici/lib/dispatcher/pool.js") as typeof Pool;
