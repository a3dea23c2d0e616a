// The bench's yardstick (measurement only, not part of the product): a plain
// graphql-yoga build of the same stack, as a newcomer would write it from the
// libraries' docs. `createYoga({ schema })` with yoga's defaults, a Pothos
// schema with no plugins, and a createWorkloadShare resolver that makes the
// same undici call to the same upstream as the gateway (a keep-alive Pool of
// 64 connections, POST /workloads/{id}/shares, the same JSON body). No
// production features: no caller auth, no document limits, no CSRF, no
// metrics, no request log, no retries or deadlines, no input validation.
// It answers the bench's mutation document with the same result shape
// (`__typename`, `clientRequestToken`, `share { id createdAt }`).
//
//   UPSTREAM_URL=http://127.0.0.1:PORT [PORT=0] [HOST=127.0.0.1] node dist-bench/plain-yoga.js
// prints `plain-yoga: http://HOST:PORT/graphql` once listening.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import SchemaBuilder from "@pothos/core";
import { createYoga } from "graphql-yoga";
import { Pool } from "undici";

interface Share {
  id: string;
  workloadId: string;
  sharedWith: string;
  permissionType: "READONLY" | "CONTRIBUTOR";
  createdAt: Date | null;
}

class CreateWorkloadShareSuccess {
  constructor(
    readonly share: Share,
    readonly clientRequestToken: string,
  ) {}
}

class UpstreamError {
  constructor(
    readonly message: string,
    readonly code: string,
    readonly httpStatus: number | null,
  ) {}
  readonly retryable = false;
}

interface PlainTypes {
  DefaultFieldNullability: false;
  Scalars: { DateTime: { Input: Date; Output: Date }; ID: { Input: string; Output: string } };
}

interface UpstreamEnvelope {
  success?: boolean;
  data?: { id?: string; created_at?: string };
  error?: { code?: string; message?: string };
}

export function createPlainYoga(upstreamUrl: string) {
  const pool = new Pool(new URL(upstreamUrl).origin, { connections: 64 });

  // Type-checked with src/, whose Pothos plugins' global augmentation makes their options
  // required for every builder; this builder registers no plugin and passes none.
  const builderOptions = { defaultFieldNullability: false } as ConstructorParameters<typeof SchemaBuilder<PlainTypes>>[0];
  const builder = new SchemaBuilder<PlainTypes>(builderOptions);

  const DateTime = builder.scalarType("DateTime", {
    serialize: (value) => value.toISOString(),
    parseValue: (value) => new Date(String(value)),
  });
  const PermissionType = builder.enumType("PermissionType", { values: ["READONLY", "CONTRIBUTOR"] as const });

  const WorkloadShare = builder.objectRef<Share>("WorkloadShare").implement({
    fields: (t) => ({
      id: t.exposeID("id"),
      workloadId: t.exposeID("workloadId"),
      sharedWith: t.exposeString("sharedWith"),
      permissionType: t.field({ type: PermissionType, resolve: (share) => share.permissionType }),
      createdAt: t.field({ type: DateTime, nullable: true, resolve: (share) => share.createdAt }),
    }),
  });

  const ErrorInterface = builder.interfaceRef<UpstreamError>("Error").implement({
    fields: (t) => ({
      message: t.exposeString("message"),
      code: t.exposeString("code"),
      retryable: t.exposeBoolean("retryable"),
    }),
  });

  const UpstreamErrorType = builder.objectRef<UpstreamError>("UpstreamError").implement({
    interfaces: [ErrorInterface],
    isTypeOf: (value) => value instanceof UpstreamError,
    fields: (t) => ({ httpStatus: t.exposeInt("httpStatus", { nullable: true }) }),
  });

  const Success = builder.objectRef<CreateWorkloadShareSuccess>("CreateWorkloadShareSuccess").implement({
    isTypeOf: (value) => value instanceof CreateWorkloadShareSuccess,
    fields: (t) => ({
      share: t.field({ type: WorkloadShare, resolve: (result) => result.share }),
      clientRequestToken: t.exposeString("clientRequestToken"),
    }),
  });

  const Result = builder.unionType("CreateWorkloadShareResult", { types: [Success, UpstreamErrorType] });

  const Input = builder.inputType("CreateWorkloadShareInput", {
    fields: (t) => ({
      workloadId: t.id({ required: true }),
      sharedWith: t.string({ required: true }),
      permissionType: t.field({ type: PermissionType, required: true }),
      clientRequestToken: t.string({ required: false }),
    }),
  });

  // GraphQL needs a query root; the bench sends only the mutation.
  builder.queryType({ fields: (t) => ({ ok: t.boolean({ resolve: () => true }) }) });

  builder.mutationType({
    fields: (t) => ({
      createWorkloadShare: t.field({
        type: Result,
        args: { input: t.arg({ type: Input, required: true }) },
        resolve: async (_root, { input }) => {
          const clientRequestToken = input.clientRequestToken ?? randomUUID();
          const response = await pool.request({
            method: "POST",
            path: `/workloads/${encodeURIComponent(input.workloadId)}/shares`,
            headers: { accept: "application/json", "content-type": "application/json" },
            body: JSON.stringify({ SharedWith: input.sharedWith, PermissionType: input.permissionType, ClientRequestToken: clientRequestToken }),
          });
          const body = (await response.body.json()) as UpstreamEnvelope;
          if (response.statusCode !== 200 || body.success !== true || typeof body.data?.id !== "string") {
            return new UpstreamError(body.error?.message ?? "upstream failed", body.error?.code ?? "UPSTREAM_ERROR", response.statusCode);
          }
          const share: Share = {
            id: body.data.id,
            workloadId: input.workloadId,
            sharedWith: input.sharedWith,
            permissionType: input.permissionType,
            createdAt: body.data.created_at === undefined ? null : new Date(body.data.created_at),
          };
          return new CreateWorkloadShareSuccess(share, clientRequestToken);
        },
      }),
    }),
  });

  const yoga = createYoga({ schema: builder.toSchema() });
  return { yoga, close: () => pool.close() };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const upstreamUrl = process.env.UPSTREAM_URL;
  if (!upstreamUrl) {
    console.error("plain-yoga: UPSTREAM_URL is required");
    process.exit(1);
  }
  const host = process.env.HOST ?? "127.0.0.1";
  const { yoga } = createPlainYoga(upstreamUrl);
  const server = createServer(yoga);
  server.listen(Number(process.env.PORT ?? 0), host, () => {
    console.log(`plain-yoga: http://${host}:${(server.address() as AddressInfo).port}/graphql`);
  });
  process.on("SIGTERM", () => process.exit(0));
}
