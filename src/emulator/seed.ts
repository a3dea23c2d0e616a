// The emulator's fixed, documented workloads (also listed in the README).
import type { PermissionType, ShareStatus } from "../shares/model.js";

export interface SeedShare {
  id: string;
  sharedWith: string;
  permissionType: PermissionType;
  status: ShareStatus;
  createdAt: string;
}

export interface SeedWorkload {
  id: string;
  name: string;
  quota: number;
  shares: SeedShare[];
}

export const SEED_WORKLOADS: readonly SeedWorkload[] = [
  {
    id: "0123456789abcdef0123456789abcdef",
    name: "payments-platform",
    quota: 20,
    shares: [],
  },
  {
    id: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
    name: "data-lake",
    quota: 5,
    shares: [
      {
        id: "5f0e3a1b2c4d6e8f9a0b1c2d3e4f5a6b",
        sharedWith: "111122223333",
        permissionType: "READONLY",
        status: "ACCEPTED",
        createdAt: "2025-01-01T00:00:00.000Z",
      },
      {
        id: "7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f",
        sharedWith: "o-exampleorgid1",
        permissionType: "CONTRIBUTOR",
        status: "PENDING",
        createdAt: "2025-02-01T12:30:00.000Z",
      },
    ],
  },
  {
    id: "fedcba9876543210fedcba9876543210",
    name: "legacy-billing",
    quota: 1,
    shares: [
      {
        id: "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        sharedWith: "444455556666",
        permissionType: "READONLY",
        status: "ACCEPTED",
        createdAt: "2024-06-15T08:00:00.000Z",
      },
    ],
  },
];

/** The workload GraphiQL's default document shares. */
export const DEFAULT_WORKLOAD_ID = "0123456789abcdef0123456789abcdef";
