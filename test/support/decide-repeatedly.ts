// Run as a process by test/share-policy.test.ts: many decisions, each for a
// new caller (as new tokens arrive), through the code path the gateway uses.
// Prints "ok" once all of them were made. (The loop's shape is the one that
// made Node 20's V8 crash reliably; see loadCedar.)
import { scopedCaller } from "../../src/auth/caller.js";
import { loadCedar, loadSharePolicy } from "../../src/policy/share-policy.js";
import { exampleFiles } from "./share-policy.js";

const count = Number(process.argv[2] ?? "40000");
const policy = loadSharePolicy(await loadCedar(), exampleFiles("auditors-read-only"));
const request = { action: "CreateWorkloadShare" as const, workloadId: "0123456789abcdef0123456789abcdef", sharedWith: "111122223333", permissionType: "READONLY" };
for (let i = 0; i < count; i++) policy.decide(scopedCaller("alice", new Set(["a"]), { readScope: "r", writeScope: "w" }, ["payments"]), request);
console.log("ok");
