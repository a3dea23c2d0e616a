// What the gateway learns about one HTTP request while serving it: its ID,
// caller, operations, result types and upstream attempts. The plugins fill it
// in; the log line and the metrics read it when the response goes out.
import { UNAUTHENTICATED_CALLER, type Caller } from "../auth/caller.js";

export interface RequestRecord {
  requestId: string;
  startedAt: number;
  caller: Caller;
  /** Counted in graphql_requests_in_flight until its response goes out. */
  countedInFlight: boolean;
  /** Name of each executed operation (null when anonymous). */
  operationNames: (string | null)[];
  /** The trusted-document ID each operation named, as sent (never the document). */
  documentIds: string[];
  /** Root field names of the executed operations, sorted and de-duplicated on read. */
  rootFields: Set<string>;
  /** __typename of each root field's result, in completion order. */
  resultTypes: string[];
  /** `extensions.code` of the top-level errors in the response. */
  errorCodes: string[];
  executed: boolean;
  upstream: { attempts: number; latencyMs: number };
}

const records = new WeakMap<Request, RequestRecord>();

/** A request that carries its own record (the fast path's), found without the WeakMap. */
interface RecordCarrier {
  gatewayRecord?: RequestRecord;
}

export function recordOf(request: Request): RequestRecord {
  const carried = (request as RecordCarrier).gatewayRecord;
  if (carried !== undefined) return carried;
  let record = records.get(request);
  if (record === undefined) {
    record = newRecord();
    records.set(request, record);
  }
  return record;
}

/** A record whose clock starts now. */
export function newRecord(): RequestRecord {
  return {
    requestId: "",
    startedAt: performance.now(),
    caller: UNAUTHENTICATED_CALLER,
    countedInFlight: false,
    operationNames: [],
    documentIds: [],
    rootFields: new Set(),
    resultTypes: [],
    errorCodes: [],
    executed: false,
    upstream: { attempts: 0, latencyMs: 0 },
  };
}
