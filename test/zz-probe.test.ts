import { it } from "vitest";
import { gql, startGateway } from "/work/main/test/support/gateway.js";
import { startScriptedUpstream } from "/work/main/test/support/scripted-upstream.js";
import { DELETE, UPDATE } from "/work/main/test/support/share-documents.js";
it("probe", async () => {
  const up = await startScriptedUpstream();
  const gw = await startGateway(up.url, { maxAttempts: 1 });
  up.script({ status: 200, body: "" });
  console.log(JSON.stringify((await gql(gw.url, UPDATE, { input: { workloadId: "0123456789abcdef0123456789abcdef", shareId: "abc", permissionType: "READONLY" } })).body));
  console.log(JSON.stringify((await gql(gw.url, DELETE, { input: { workloadId: "0123456789abcdef0123456789abcdef", shareId: "abc" } })).body));
  await gw.close(); await up.close();
});
