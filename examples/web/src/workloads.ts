// The workloads the gateway's embedded emulator starts with (its startup lines list them).
// Against a real upstream, list your own workload IDs here or type one in.
export const SEEDED_WORKLOADS = [
  { id: "0123456789abcdef0123456789abcdef", name: "payments-platform", note: "room for 20 shares" },
  { id: "a1b2c3d4e5f60718293a4b5c6d7e8f90", name: "data-lake", note: "2 shares, quota 5" },
  { id: "fedcba9876543210fedcba9876543210", name: "legacy-billing", note: "1 share, quota 1: full" },
] as const;
