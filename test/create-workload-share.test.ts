import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/emulator/server.js";
import { startGateway, gql, type TestGateway } from "./support/gateway.js";
import { CREATE, resetEmulator, SEEDED, startTestEmulator } from "./support/emulator.js";

for (const format of ["envelope", "aws"] as const) {
  describe(`createWorkloadShare against the emulator (${format} wire)`, () => {
    let emulator: RunningEmulator;
    let gateway: TestGateway;
    beforeAll(async () => {
      emulator = await startTestEmulator(format);
      gateway = await startGateway(emulator.url);
    });
    afterAll(async () => {
      await gateway?.close();
      await emulator?.close();
    });
    beforeEach(() => resetEmulator(emulator.url));

    it("creates a share and returns it with the token it sent", async () => {
      const input = { workloadId: SEEDED.roomy, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "tok-1" };
      const { status, body } = await gql(gateway.url, CREATE, { input });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      const result = body.data.createWorkloadShare;
      expect(result.__typename).toBe("CreateWorkloadShareSuccess");
      expect(result.clientRequestToken).toBe("tok-1");
      expect(result.share).toMatchObject({
        workloadId: SEEDED.roomy,
        sharedWith: "123456789012",
        permissionType: "READONLY",
        status: null,
        workload: { id: SEEDED.roomy },
      });
      expect(result.share.id).toMatch(/^[0-9a-f]{32}$/);
      expect(result.share.createdAt === null || /Z$/.test(result.share.createdAt)).toBe(true);
    });

    it("replays the same success for the same token and parameters", async () => {
      const input = { workloadId: SEEDED.roomy, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: "tok-2" };
      const first = await gql(gateway.url, CREATE, { input });
      const second = await gql(gateway.url, CREATE, { input });
      expect(second.body.data.createWorkloadShare.share.id).toBe(first.body.data.createWorkloadShare.share.id);
      expect(emulator.store.workloads.get(SEEDED.roomy)?.shares).toHaveLength(1);
    });
  });
}
