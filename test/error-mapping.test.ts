// The contract's error mapping, end to end: real GraphQL-over-HTTP requests to
// the real gateway, whose upstream is a loopback server answering literal
// bytes (test/support/scripted-upstream.ts). One describe per contract rule.
// maxAttempts is 1: retries are tested elsewhere, `retryable` is checked here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREATE } from "./support/emulator.js";
import { gql, startGateway, type TestGateway } from "./support/gateway.js";
import { startScriptedUpstream, type ScriptedAnswer, type ScriptedUpstream } from "./support/scripted-upstream.js";
import { DELETE, LIST, UPDATE } from "./support/share-documents.js";

const WORKLOAD = "0123456789abcdef0123456789abcdef";
const SHARE = "abc123";
const TOKEN = "tok-error-mapping-0001";

let upstream: ScriptedUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  gateway = await startGateway(upstream.url, { maxAttempts: 1, timeoutMs: 5000 });
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

type Operation = "create" | "list" | "update" | "delete";

const DOCUMENTS: Record<Operation, { query: string; field: string; variables: Record<string, unknown> }> = {
  create: {
    query: CREATE,
    field: "createWorkloadShare",
    variables: {
      input: { workloadId: WORKLOAD, sharedWith: "123456789012", permissionType: "READONLY", clientRequestToken: TOKEN },
    },
  },
  list: { query: LIST, field: "workloadShares", variables: { workloadId: WORKLOAD } },
  update: {
    query: UPDATE,
    field: "updateWorkloadShare",
    variables: { input: { workloadId: WORKLOAD, shareId: SHARE, permissionType: "CONTRIBUTOR" } },
  },
  delete: {
    query: DELETE,
    field: "deleteWorkloadShare",
    variables: { input: { workloadId: WORKLOAD, shareId: SHARE, clientRequestToken: TOKEN } },
  },
};

/**
 * Scripts one upstream answer, runs the operation through the gateway and
 * returns the field's result. Every error is data: never a top-level error.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- GraphQL results are read as arbitrary JSON
async function run(operation: Operation, answer: ScriptedAnswer): Promise<any> {
  upstream.script(answer);
  const { query, field, variables } = DOCUMENTS[operation];
  const { status, body } = await gql(gateway.url, query, variables);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  expect(upstream.received).toHaveLength(1);
  return body.data[field];
}

interface Row {
  name: string;
  status: number;
  headers?: Record<string, string>;
  body: string;
  typename: string;
  code: string;
  retryable: boolean;
  /** The upstream's message, when it sent one. */
  message?: string;
  /** More members of the result to check. */
  members?: Record<string, unknown>;
}

function checkRow(result: Record<string, unknown>, row: Row): void {
  expect(result.__typename).toBe(row.typename);
  expect(result.code).toBe(row.code);
  expect(result.retryable).toBe(row.retryable);
  expect(typeof result.message).toBe("string");
  expect((result.message as string).length).toBeGreaterThan(0);
  if (row.message !== undefined) expect(result.message).toBe(row.message);
  if (row.typename === "UpstreamError") expect(result.httpStatus).toBe(row.status);
  if (row.members) expect(result).toMatchObject(row.members);
}

function rowTests(rows: Row[], operation: Operation = "create"): void {
  for (const row of rows) {
    it(row.name, async () => {
      const result = await run(operation, { status: row.status, headers: row.headers, body: row.body });
      checkRow(result, row);
    });
  }
}

describe("error mapping table, envelope wire: error.code decides, case-insensitively", () => {
  rowTests([
    {
      name: "400 VALIDATION_ERROR → ValidationError",
      status: 400,
      body: '{"success": false, "error": {"code": "VALIDATION_ERROR", "message": "Invalid request parameters"}}',
      typename: "ValidationError",
      code: "VALIDATION_ERROR",
      message: "Invalid request parameters",
      retryable: false,
      members: { fields: [] },
    },
    {
      name: "400 BAD_REQUEST → ValidationError",
      status: 400,
      body: '{"success":false,"error":{"code":"BAD_REQUEST","message":"Body is not valid"}}',
      typename: "ValidationError",
      code: "BAD_REQUEST",
      message: "Body is not valid",
      retryable: false,
    },
    {
      name: "400 INVALID_FOO (INVALID_*) → ValidationError",
      status: 400,
      body: '{"success":false,"error":{"code":"INVALID_FOO","message":"Foo is invalid"}}',
      typename: "ValidationError",
      code: "INVALID_FOO",
      message: "Foo is invalid",
      retryable: false,
    },
    {
      name: "422 invalid_shared_with (INVALID_*, lower case) → ValidationError",
      status: 422,
      body: '{"success":false,"error":{"code":"invalid_shared_with","message":"Not an account"}}',
      typename: "ValidationError",
      code: "invalid_shared_with",
      message: "Not an account",
      retryable: false,
    },
    {
      name: "403 ACCESS_DENIED → AccessDeniedError",
      status: 403,
      body: '{"success":false,"error":{"code":"ACCESS_DENIED","message":"You may not share this workload"}}',
      typename: "AccessDeniedError",
      code: "ACCESS_DENIED",
      message: "You may not share this workload",
      retryable: false,
    },
    {
      name: "401 UNAUTHORIZED → AccessDeniedError",
      status: 401,
      body: '{"success":false,"error":{"code":"UNAUTHORIZED","message":"Sign in first"}}',
      typename: "AccessDeniedError",
      code: "UNAUTHORIZED",
      message: "Sign in first",
      retryable: false,
    },
    {
      name: "403 FORBIDDEN → AccessDeniedError",
      status: 403,
      body: '{"success":false,"error":{"code":"FORBIDDEN","message":"Forbidden"}}',
      typename: "AccessDeniedError",
      code: "FORBIDDEN",
      message: "Forbidden",
      retryable: false,
    },
    {
      name: "404 NOT_FOUND → ResourceNotFoundError with resource_id and resource_type",
      status: 404,
      body: '{"success":false,"error":{"code":"NOT_FOUND","message":"No such workload","resource_id":"0123456789abcdef0123456789abcdef","resource_type":"WORKLOAD"}}',
      typename: "ResourceNotFoundError",
      code: "NOT_FOUND",
      message: "No such workload",
      retryable: false,
      members: { resourceId: "0123456789abcdef0123456789abcdef", resourceType: "WORKLOAD" },
    },
    {
      name: "404 RESOURCE_NOT_FOUND → ResourceNotFoundError",
      status: 404,
      body: '{"success":false,"error":{"code":"RESOURCE_NOT_FOUND","message":"Gone"}}',
      typename: "ResourceNotFoundError",
      code: "RESOURCE_NOT_FOUND",
      message: "Gone",
      retryable: false,
      members: { resourceId: null, resourceType: null },
    },
    {
      name: "404 not_found (lower case) → ResourceNotFoundError keeping the code as sent",
      status: 404,
      body: '{"success":false,"error":{"code":"not_found","message":"Gone"}}',
      typename: "ResourceNotFoundError",
      code: "not_found",
      message: "Gone",
      retryable: false,
    },
    {
      name: "409 CONFLICT → ConflictError with resource_id and resource_type",
      status: 409,
      body: '{"success":false,"error":{"code":"CONFLICT","message":"Already shared","resource_id":"abc123","resource_type":"WORKLOAD_SHARE"}}',
      typename: "ConflictError",
      code: "CONFLICT",
      message: "Already shared",
      retryable: false,
      members: { resourceId: "abc123", resourceType: "WORKLOAD_SHARE" },
    },
    {
      name: "409 Conflict (mixed case) → ConflictError",
      status: 409,
      body: '{"success":false,"error":{"code":"Conflict","message":"Already shared"}}',
      typename: "ConflictError",
      code: "Conflict",
      message: "Already shared",
      retryable: false,
    },
    {
      name: "402 SERVICE_QUOTA_EXCEEDED → ServiceQuotaExceededError with quota_code, service_code, resource_id, resource_type",
      status: 402,
      body: '{"success":false,"error":{"code":"SERVICE_QUOTA_EXCEEDED","message":"Too many shares","quota_code":"L-SHARES","service_code":"wellarchitected","resource_id":"0123456789abcdef0123456789abcdef","resource_type":"WORKLOAD"}}',
      typename: "ServiceQuotaExceededError",
      code: "SERVICE_QUOTA_EXCEEDED",
      message: "Too many shares",
      retryable: false,
      members: {
        quotaCode: "L-SHARES",
        serviceCode: "wellarchitected",
        resourceId: "0123456789abcdef0123456789abcdef",
        resourceType: "WORKLOAD",
      },
    },
    {
      name: "402 QUOTA_EXCEEDED → ServiceQuotaExceededError",
      status: 402,
      body: '{"success":false,"error":{"code":"QUOTA_EXCEEDED","message":"Too many shares"}}',
      typename: "ServiceQuotaExceededError",
      code: "QUOTA_EXCEEDED",
      message: "Too many shares",
      retryable: false,
      members: { quotaCode: null, serviceCode: null },
    },
    {
      name: "402 service_quota_exceeded (lower case) → ServiceQuotaExceededError",
      status: 402,
      body: '{"success":false,"error":{"code":"service_quota_exceeded","message":"Too many shares"}}',
      typename: "ServiceQuotaExceededError",
      code: "service_quota_exceeded",
      message: "Too many shares",
      retryable: false,
    },
    {
      name: "429 THROTTLING → ThrottlingError, retryable, with the token",
      status: 429,
      body: '{"success":false,"error":{"code":"THROTTLING","message":"Slow down","quota_code":"L-RATE","service_code":"wellarchitected"}}',
      typename: "ThrottlingError",
      code: "THROTTLING",
      message: "Slow down",
      retryable: true,
      members: { quotaCode: "L-RATE", serviceCode: "wellarchitected", retryAfterSeconds: null, errorToken: TOKEN },
    },
    {
      name: "429 RATE_LIMITED → ThrottlingError",
      status: 429,
      body: '{"success":false,"error":{"code":"RATE_LIMITED","message":"Slow down"}}',
      typename: "ThrottlingError",
      code: "RATE_LIMITED",
      message: "Slow down",
      retryable: true,
    },
    {
      name: "429 TOO_MANY_REQUESTS → ThrottlingError",
      status: 429,
      body: '{"success":false,"error":{"code":"TOO_MANY_REQUESTS","message":"Slow down"}}',
      typename: "ThrottlingError",
      code: "TOO_MANY_REQUESTS",
      message: "Slow down",
      retryable: true,
    },
    {
      name: "429 throttling (lower case) → ThrottlingError",
      status: 429,
      body: '{"success":false,"error":{"code":"throttling","message":"Slow down"}}',
      typename: "ThrottlingError",
      code: "throttling",
      message: "Slow down",
      retryable: true,
    },
    {
      name: "500 INTERNAL_ERROR → UpstreamError, retryable, with the token",
      status: 500,
      body: '{"success":false,"error":{"code":"INTERNAL_ERROR","message":"Something broke"}}',
      typename: "UpstreamError",
      code: "INTERNAL_ERROR",
      message: "Something broke",
      retryable: true,
      members: { errorToken: TOKEN },
    },
    {
      name: "400 an unknown code → UpstreamError keeping the code, not retryable (as its status)",
      status: 400,
      body: '{"success":false,"error":{"code":"WORKLOAD_LOCKED","message":"Workload is locked"}}',
      typename: "UpstreamError",
      code: "WORKLOAD_LOCKED",
      message: "Workload is locked",
      retryable: false,
    },
    {
      name: "503 an unknown code → UpstreamError keeping the code, retryable (as its status)",
      status: 503,
      body: '{"success":false,"error":{"code":"MAINTENANCE","message":"Back soon"}}',
      typename: "UpstreamError",
      code: "MAINTENANCE",
      message: "Back soon",
      retryable: true,
      members: { errorToken: TOKEN },
    },
    {
      name: "501 an unknown code → UpstreamError, not retryable (501 is not transient)",
      status: 501,
      body: '{"success":false,"error":{"code":"NOT_IMPLEMENTED","message":"Nope"}}',
      typename: "UpstreamError",
      code: "NOT_IMPLEMENTED",
      message: "Nope",
      retryable: false,
    },
  ]);
});

describe("error mapping table, AWS restJson1 wire: the type in X-Amzn-ErrorType", () => {
  rowTests([
    {
      name: "400 ValidationException → ValidationError",
      status: 400,
      headers: { "X-Amzn-ErrorType": "ValidationException", "content-type": "application/json" },
      body: '{"Message":"1 validation error detected","Reason":"FIELD_VALIDATION_FAILED"}',
      typename: "ValidationError",
      code: "ValidationException",
      message: "1 validation error detected",
      retryable: false,
      members: { fields: [] },
    },
    {
      name: "403 AccessDeniedException → AccessDeniedError",
      status: 403,
      headers: { "X-Amzn-ErrorType": "AccessDeniedException" },
      body: '{"Message":"User is not authorized to perform wellarchitected:CreateWorkloadShare"}',
      typename: "AccessDeniedError",
      code: "AccessDeniedException",
      message: "User is not authorized to perform wellarchitected:CreateWorkloadShare",
      retryable: false,
    },
    {
      name: "404 ResourceNotFoundException → ResourceNotFoundError with ResourceId and ResourceType",
      status: 404,
      headers: { "X-Amzn-ErrorType": "ResourceNotFoundException" },
      body: '{"Message":"Workload not found","ResourceId":"0123456789abcdef0123456789abcdef","ResourceType":"WORKLOAD"}',
      typename: "ResourceNotFoundError",
      code: "ResourceNotFoundException",
      message: "Workload not found",
      retryable: false,
      members: { resourceId: "0123456789abcdef0123456789abcdef", resourceType: "WORKLOAD" },
    },
    {
      name: "409 ConflictException → ConflictError with ResourceId and ResourceType",
      status: 409,
      headers: { "X-Amzn-ErrorType": "ConflictException" },
      body: '{"Message":"Share already exists","ResourceId":"5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a","ResourceType":"WORKLOAD_SHARE"}',
      typename: "ConflictError",
      code: "ConflictException",
      message: "Share already exists",
      retryable: false,
      members: { resourceId: "5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a", resourceType: "WORKLOAD_SHARE" },
    },
    {
      name: "402 ServiceQuotaExceededException → ServiceQuotaExceededError with QuotaCode, ServiceCode, ResourceId, ResourceType",
      status: 402,
      headers: { "X-Amzn-ErrorType": "ServiceQuotaExceededException" },
      body: '{"Message":"Quota exceeded","QuotaCode":"L-0D9F1A2B","ServiceCode":"wellarchitected","ResourceId":"0123456789abcdef0123456789abcdef","ResourceType":"WORKLOAD"}',
      typename: "ServiceQuotaExceededError",
      code: "ServiceQuotaExceededException",
      message: "Quota exceeded",
      retryable: false,
      members: {
        quotaCode: "L-0D9F1A2B",
        serviceCode: "wellarchitected",
        resourceId: "0123456789abcdef0123456789abcdef",
        resourceType: "WORKLOAD",
      },
    },
    {
      name: "429 ThrottlingException → ThrottlingError with QuotaCode and ServiceCode, retryable",
      status: 429,
      headers: { "X-Amzn-ErrorType": "ThrottlingException" },
      body: '{"Message":"Rate exceeded","QuotaCode":"L-RATE","ServiceCode":"wellarchitected"}',
      typename: "ThrottlingError",
      code: "ThrottlingException",
      message: "Rate exceeded",
      retryable: true,
      members: { quotaCode: "L-RATE", serviceCode: "wellarchitected", errorToken: TOKEN },
    },
    {
      name: "500 InternalServerException → UpstreamError, retryable",
      status: 500,
      headers: { "X-Amzn-ErrorType": "InternalServerException" },
      body: '{"Message":"Internal failure"}',
      typename: "UpstreamError",
      code: "InternalServerException",
      message: "Internal failure",
      retryable: true,
      members: { errorToken: TOKEN },
    },
    {
      name: "400 an unknown type → UpstreamError keeping the type, not retryable",
      status: 400,
      headers: { "X-Amzn-ErrorType": "SomethingNewException" },
      body: '{"Message":"New failure"}',
      typename: "UpstreamError",
      code: "SomethingNewException",
      message: "New failure",
      retryable: false,
    },
    {
      name: "502 an unknown type → UpstreamError keeping the type, retryable",
      status: 502,
      headers: { "X-Amzn-ErrorType": "SomethingNewException" },
      body: '{"Message":"New failure"}',
      typename: "UpstreamError",
      code: "SomethingNewException",
      message: "New failure",
      retryable: true,
    },
  ]);
});

describe("AWS error type: from the X-Amzn-ErrorType header, else body `code`, else body `__type`", () => {
  rowTests([
    {
      name: "body `code` (reference §5 literal) → ServiceQuotaExceededError with every member",
      status: 402,
      body: '{"code":"ServiceQuotaExceededException","Message":"Share quota reached","QuotaCode":"L-SHARES","ServiceCode":"wellarchitected","ResourceId":"0123456789abcdef0123456789abcdef","ResourceType":"WORKLOAD"}',
      typename: "ServiceQuotaExceededError",
      code: "ServiceQuotaExceededException",
      message: "Share quota reached",
      retryable: false,
      members: {
        quotaCode: "L-SHARES",
        serviceCode: "wellarchitected",
        resourceId: "0123456789abcdef0123456789abcdef",
        resourceType: "WORKLOAD",
      },
    },
    {
      name: "body `code` → ResourceNotFoundError",
      status: 404,
      body: '{"code":"ResourceNotFoundException","message":"Workload not found","ResourceId":"0123456789abcdef0123456789abcdef","ResourceType":"WORKLOAD"}',
      typename: "ResourceNotFoundError",
      code: "ResourceNotFoundException",
      message: "Workload not found",
      retryable: false,
      members: { resourceId: "0123456789abcdef0123456789abcdef", resourceType: "WORKLOAD" },
    },
    {
      name: "body `__type` → AccessDeniedError",
      status: 403,
      body: '{"__type":"AccessDeniedException","Message":"Denied"}',
      typename: "AccessDeniedError",
      code: "AccessDeniedException",
      message: "Denied",
      retryable: false,
    },
    {
      name: "the header wins over body `code`",
      status: 409,
      headers: { "X-Amzn-ErrorType": "ConflictException" },
      body: '{"code":"ResourceNotFoundException","Message":"Share already exists"}',
      typename: "ConflictError",
      code: "ConflictException",
      message: "Share already exists",
      retryable: false,
    },
    {
      name: "the header wins over body `__type`",
      status: 404,
      headers: { "X-Amzn-ErrorType": "ResourceNotFoundException" },
      body: '{"__type":"ConflictException","Message":"Workload not found"}',
      typename: "ResourceNotFoundError",
      code: "ResourceNotFoundException",
      message: "Workload not found",
      retryable: false,
    },
    {
      name: "body `code` wins over body `__type`",
      status: 409,
      body: '{"code":"ConflictException","__type":"ResourceNotFoundException","Message":"Share already exists"}',
      typename: "ConflictError",
      code: "ConflictException",
      message: "Share already exists",
      retryable: false,
    },
  ]);
});

describe("AWS error type cleaning: legacy forms name the type (cut at `,` and `:`, keep what follows `#`)", () => {
  rowTests([
    {
      name: "header ValidationException:http://internal.amazon.com/coral/com.amazonaws.wellarchitected/ with {Message, Reason, Fields}",
      status: 400,
      headers: {
        "X-Amzn-ErrorType": "ValidationException:http://internal.amazon.com/coral/com.amazonaws.wellarchitected/",
        "x-amzn-RequestId": "8d3f1c2a-0000-4000-8000-000000000001",
      },
      body: '{"Message":"1 validation error detected: Value at \'sharedWith\' failed to satisfy constraint","Reason":"FIELD_VALIDATION_FAILED","Fields":[{"Name":"SharedWith","Message":"Member must have length greater than or equal to 12"}]}',
      typename: "ValidationError",
      code: "ValidationException",
      message: "1 validation error detected: Value at 'sharedWith' failed to satisfy constraint",
      retryable: false,
      members: {
        fields: [{ path: ["input", "sharedWith"], message: "Member must have length greater than or equal to 12" }],
      },
    },
    {
      name: "body __type com.amazonaws.wellarchitected#ConflictException with lower-case `message` (reference §5 literal)",
      status: 409,
      body: '{"__type":"com.amazonaws.wellarchitected#ConflictException","message":"A share with this principal already exists","ResourceId":"5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a","ResourceType":"WORKLOAD_SHARE"}',
      typename: "ConflictError",
      code: "ConflictException",
      message: "A share with this principal already exists",
      retryable: false,
      members: { resourceId: "5f2cd0b3c0d64c4e9b0a3f0e4d2c1b0a", resourceType: "WORKLOAD_SHARE" },
    },
    {
      name: "header com.amazonaws.wellarchitected#ConflictException",
      status: 409,
      headers: { "X-Amzn-ErrorType": "com.amazonaws.wellarchitected#ConflictException" },
      body: '{"Message":"Conflict"}',
      typename: "ConflictError",
      code: "ConflictException",
      message: "Conflict",
      retryable: false,
    },
    {
      name: "header aws.ns#ThrottlingException:http://… (both forms at once)",
      status: 429,
      headers: {
        "X-Amzn-ErrorType":
          "com.amazonaws.wellarchitected#ThrottlingException:http://internal.amazon.com/coral/com.amazonaws.wellarchitected/",
      },
      body: '{"Message":"Rate exceeded"}',
      typename: "ThrottlingError",
      code: "ThrottlingException",
      message: "Rate exceeded",
      retryable: true,
    },
    {
      name: "body code ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.wellarchitected/",
      status: 404,
      body: '{"code":"ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.wellarchitected/","Message":"Workload not found"}',
      typename: "ResourceNotFoundError",
      code: "ResourceNotFoundException",
      message: "Workload not found",
      retryable: false,
    },
    {
      name: "header AccessDeniedException,Sender (cut at `,`)",
      status: 403,
      headers: { "X-Amzn-ErrorType": "AccessDeniedException,Sender" },
      body: '{"Message":"Denied"}',
      typename: "AccessDeniedError",
      code: "AccessDeniedException",
      message: "Denied",
      retryable: false,
    },
  ]);
});

describe("error mapping table: the service's signature and credential errors are AccessDeniedError", () => {
  const types = [
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "IncompleteSignatureException",
    "MissingAuthenticationTokenException",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredTokenException",
  ];
  rowTests(
    types.map((type) => ({
      name: `403 ${type} (header) → AccessDeniedError`,
      status: 403,
      headers: { "X-Amzn-ErrorType": type },
      body: `{"message":"${type} raised by the service"}`,
      typename: "AccessDeniedError",
      code: type,
      message: `${type} raised by the service`,
      retryable: false,
    })),
  );
  rowTests([
    {
      name: "400 UnrecognizedClientException (body __type, status 400) → AccessDeniedError",
      status: 400,
      body: '{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}',
      typename: "AccessDeniedError",
      code: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
      retryable: false,
    },
    {
      name: "403 InvalidSignatureException (body code, legacy form) → AccessDeniedError",
      status: 403,
      body: '{"code":"InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/","Message":"The request signature we calculated does not match the signature you provided."}',
      typename: "AccessDeniedError",
      code: "InvalidSignatureException",
      message: "The request signature we calculated does not match the signature you provided.",
      retryable: false,
    },
  ]);
});

describe("error mapping table: the SDK's other throttling names are ThrottlingError, retryable at any status", () => {
  const names = [
    "BandwidthLimitExceeded",
    "EC2ThrottledException",
    "LimitExceededException",
    "PriorRequestNotComplete",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "ThrottledException",
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "TransactionInProgressException",
  ];
  rowTests(
    names.map((name) => ({
      name: `400 ${name} → ThrottlingError`,
      status: 400,
      headers: { "X-Amzn-ErrorType": name },
      body: `{"Message":"${name} from upstream"}`,
      typename: "ThrottlingError",
      code: name,
      message: `${name} from upstream`,
      retryable: true,
      members: { errorToken: TOKEN },
    })),
  );
});

describe("`message` carries the upstream's message/Message", () => {
  it("AWS `Message` (capital M)", async () => {
    const result = await run("create", {
      status: 404,
      headers: { "X-Amzn-ErrorType": "ResourceNotFoundException" },
      body: '{"Message":"Capital M message"}',
    });
    expect(result.message).toBe("Capital M message");
  });

  it("AWS `message` (lower case)", async () => {
    const result = await run("create", {
      status: 404,
      headers: { "X-Amzn-ErrorType": "ResourceNotFoundException" },
      body: '{"message":"lower-case message"}',
    });
    expect(result.message).toBe("lower-case message");
  });

  it("envelope error.message", async () => {
    const result = await run("create", {
      status: 409,
      body: '{"success":false,"error":{"code":"CONFLICT","message":"Envelope message"}}',
    });
    expect(result.message).toBe("Envelope message");
  });

  it("without an upstream message the gateway writes its own, non-empty", async () => {
    const result = await run("create", {
      status: 409,
      headers: { "X-Amzn-ErrorType": "ConflictException" },
      body: "{}",
    });
    expect(result.__typename).toBe("ConflictError");
    expect(result.message).toEqual(expect.any(String));
    expect(result.message.length).toBeGreaterThan(0);
  });
});

describe("UpstreamError: httpStatus and requestId (x-amzn-requestid / x-request-id)", () => {
  it("requestId from x-amzn-requestid", async () => {
    const result = await run("create", {
      status: 503,
      headers: { "x-amzn-RequestId": "11111111-2222-4333-8444-555555555555" },
      body: '{"Message":"Service unavailable"}',
    });
    expect(result).toMatchObject({
      __typename: "UpstreamError",
      code: "UPSTREAM_HTTP_503",
      httpStatus: 503,
      requestId: "11111111-2222-4333-8444-555555555555",
      retryable: true,
      errorToken: TOKEN,
    });
  });

  it("requestId from x-request-id", async () => {
    const result = await run("create", {
      status: 500,
      headers: { "X-Request-Id": "req-envelope-42" },
      body: '{"success":false,"error":{"code":"INTERNAL_ERROR","message":"boom"}}',
    });
    expect(result).toMatchObject({
      __typename: "UpstreamError",
      code: "INTERNAL_ERROR",
      httpStatus: 500,
      requestId: "req-envelope-42",
    });
  });

  it("x-amzn-requestid is preferred when both are sent", async () => {
    const result = await run("create", {
      status: 502,
      headers: { "x-amzn-requestid": "amzn-id", "x-request-id": "generic-id" },
      body: "",
    });
    expect(result).toMatchObject({ __typename: "UpstreamError", requestId: "amzn-id", httpStatus: 502 });
  });

  it("requestId is null when the upstream sent none", async () => {
    const result = await run("create", { status: 504, body: "" });
    expect(result).toMatchObject({ __typename: "UpstreamError", requestId: null, httpStatus: 504 });
  });
});

describe("ThrottlingError.retryAfterSeconds from Retry-After (seconds or an HTTP date)", () => {
  it("Retry-After in seconds (AWS wire)", async () => {
    const result = await run("create", {
      status: 429,
      headers: { "X-Amzn-ErrorType": "ThrottlingException", "Retry-After": "7" },
      body: '{"Message":"Rate exceeded"}',
    });
    expect(result).toMatchObject({ __typename: "ThrottlingError", retryAfterSeconds: 7, retryable: true });
  });

  it("Retry-After in seconds (envelope wire)", async () => {
    const result = await run("create", {
      status: 429,
      headers: { "Retry-After": "30" },
      body: '{"success":false,"error":{"code":"RATE_LIMITED","message":"Slow down"}}',
    });
    expect(result).toMatchObject({ __typename: "ThrottlingError", retryAfterSeconds: 30 });
  });

  it("Retry-After as an HTTP date about two minutes ahead", async () => {
    const date = new Date(Date.now() + 120_000).toUTCString();
    const result = await run("create", {
      status: 429,
      headers: { "Retry-After": date },
      body: '{"success":false,"error":{"code":"THROTTLING","message":"Slow down"}}',
    });
    expect(result.__typename).toBe("ThrottlingError");
    expect(result.retryAfterSeconds).toBeGreaterThanOrEqual(110);
    expect(result.retryAfterSeconds).toBeLessThanOrEqual(121);
  });

  it("Retry-After as an HTTP date in the past is 0", async () => {
    const result = await run("create", {
      status: 429,
      headers: { "Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT" },
      body: '{"success":false,"error":{"code":"THROTTLING","message":"Slow down"}}',
    });
    expect(result).toMatchObject({ __typename: "ThrottlingError", retryAfterSeconds: 0 });
  });

  // Retry-After is `delay-seconds` (1*DIGIT) or an `HTTP-date` (RFC 9110 §10.2.3);
  // anything else is neither and says nothing about when to retry.
  for (const value of ["soon", "7.5", "-5"]) {
    it(`Retry-After "${value}" (neither seconds nor an HTTP date) → null`, async () => {
      const result = await run("create", {
        status: 429,
        headers: { "Retry-After": value },
        body: '{"success":false,"error":{"code":"THROTTLING","message":"Slow down"}}',
      });
      expect(result).toMatchObject({ __typename: "ThrottlingError", retryAfterSeconds: null });
    });
  }

  // retryAfterSeconds is a GraphQL Int (32-bit): an upstream value beyond it must
  // still give the ThrottlingError as data (run() asserts no top-level error).
  for (const value of ["99999999999", "Fri, 31 Dec 9999 23:59:59 GMT"]) {
    it(`a Retry-After beyond GraphQL Int ("${value}") still gives a ThrottlingError as data`, async () => {
      const result = await run("create", {
        status: 429,
        headers: { "Retry-After": value },
        body: '{"success":false,"error":{"code":"THROTTLING","message":"Slow down"}}',
      });
      expect(result.__typename).toBe("ThrottlingError");
      expect(result.retryable).toBe(true);
      if (result.retryAfterSeconds !== null) {
        expect(Number.isInteger(result.retryAfterSeconds)).toBe(true);
        expect(result.retryAfterSeconds).toBeLessThanOrEqual(2147483647);
      }
    });
  }

  it("no Retry-After: null", async () => {
    const result = await run("create", {
      status: 429,
      headers: { "X-Amzn-ErrorType": "ThrottlingException" },
      body: '{"Message":"Rate exceeded"}',
    });
    expect(result).toMatchObject({ __typename: "ThrottlingError", retryAfterSeconds: null });
  });
});

describe("the HTTP status decides only when the failure has neither code nor type", () => {
  const byStatus: [number, string, string, boolean][] = [
    [400, "ValidationError", "VALIDATION_ERROR", false],
    [422, "ValidationError", "VALIDATION_ERROR", false],
    [401, "AccessDeniedError", "ACCESS_DENIED", false],
    [403, "AccessDeniedError", "ACCESS_DENIED", false],
    [404, "ResourceNotFoundError", "NOT_FOUND", false],
    [409, "ConflictError", "CONFLICT", false],
    [402, "ServiceQuotaExceededError", "SERVICE_QUOTA_EXCEEDED", false],
    [429, "ThrottlingError", "THROTTLING", true],
    [500, "UpstreamError", "UPSTREAM_HTTP_500", true],
    [502, "UpstreamError", "UPSTREAM_HTTP_502", true],
    [503, "UpstreamError", "UPSTREAM_HTTP_503", true],
    [504, "UpstreamError", "UPSTREAM_HTTP_504", true],
    [501, "UpstreamError", "UPSTREAM_HTTP_501", false],
    [418, "UpstreamError", "UPSTREAM_HTTP_418", false],
  ];
  for (const [status, typename, code, retryable] of byStatus) {
    it(`${status} with an empty body → ${typename} ${code}, retryable ${retryable}`, async () => {
      const result = await run("create", { status, body: "" });
      checkRow(result, { name: "", status, body: "", typename, code, retryable });
      if (typename === "ValidationError") expect(result.fields).toEqual([]);
    });
  }

  it("404 with an AWS body that carries only a message → ResourceNotFoundError NOT_FOUND with that message", async () => {
    const result = await run("create", { status: 404, body: '{"message":"Nothing here"}' });
    checkRow(result, {
      name: "",
      status: 404,
      body: "",
      typename: "ResourceNotFoundError",
      code: "NOT_FOUND",
      message: "Nothing here",
      retryable: false,
    });
  });

  it("409 with an envelope failure without a code → ConflictError CONFLICT with the envelope's message", async () => {
    const result = await run("create", {
      status: 409,
      body: '{"success":false,"error":{"message":"Already there"}}',
    });
    checkRow(result, {
      name: "",
      status: 409,
      body: "",
      typename: "ConflictError",
      code: "CONFLICT",
      message: "Already there",
      retryable: false,
    });
  });

  it("status-only failures on the other operations: 404 on workloadShares, 403 on update, 429 on delete", async () => {
    expect(await run("list", { status: 404, body: "" })).toMatchObject({
      __typename: "ResourceNotFoundError",
      code: "NOT_FOUND",
      retryable: false,
    });
    expect(await run("update", { status: 403, body: "" })).toMatchObject({
      __typename: "AccessDeniedError",
      code: "ACCESS_DENIED",
      retryable: false,
    });
    expect(await run("delete", { status: 429, body: "" })).toMatchObject({
      __typename: "ThrottlingError",
      code: "THROTTLING",
      retryable: true,
      errorToken: TOKEN,
    });
  });
});

describe("a code or type decides when there is one, whatever the status", () => {
  it("500 with envelope code CONFLICT → ConflictError", async () => {
    const result = await run("create", {
      status: 500,
      body: '{"success":false,"error":{"code":"CONFLICT","message":"Conflict at 500"}}',
    });
    expect(result).toMatchObject({ __typename: "ConflictError", code: "CONFLICT", message: "Conflict at 500" });
  });

  it("200 with an envelope failure NOT_FOUND → ResourceNotFoundError", async () => {
    const result = await run("create", {
      status: 200,
      body: '{"success":false,"error":{"code":"NOT_FOUND","message":"No such workload"}}',
    });
    expect(result).toMatchObject({
      __typename: "ResourceNotFoundError",
      code: "NOT_FOUND",
      message: "No such workload",
      retryable: false,
    });
  });

  it("400 with X-Amzn-ErrorType ThrottlingException → ThrottlingError, retryable", async () => {
    const result = await run("create", {
      status: 400,
      headers: { "X-Amzn-ErrorType": "ThrottlingException" },
      body: '{"Message":"Rate exceeded"}',
    });
    expect(result).toMatchObject({ __typename: "ThrottlingError", code: "ThrottlingException", retryable: true });
  });

  it("503 with X-Amzn-ErrorType ResourceNotFoundException → ResourceNotFoundError", async () => {
    const result = await run("create", {
      status: 503,
      headers: { "X-Amzn-ErrorType": "ResourceNotFoundException" },
      body: '{"Message":"Workload not found"}',
    });
    expect(result).toMatchObject({ __typename: "ResourceNotFoundError", code: "ResourceNotFoundException" });
  });

  it("404 with an unknown envelope code → UpstreamError with that code (the 'any other' row), not ResourceNotFoundError", async () => {
    const result = await run("create", {
      status: 404,
      body: '{"success":false,"error":{"code":"WORKLOAD_ARCHIVED","message":"Archived"}}',
    });
    expect(result).toMatchObject({
      __typename: "UpstreamError",
      code: "WORKLOAD_ARCHIVED",
      httpStatus: 404,
      retryable: false,
      message: "Archived",
    });
  });

  it("409 with an unknown AWS type → UpstreamError with that type, not ConflictError", async () => {
    const result = await run("create", {
      status: 409,
      headers: { "X-Amzn-ErrorType": "SomethingNewException" },
      body: '{"Message":"New"}',
    });
    expect(result).toMatchObject({ __typename: "UpstreamError", code: "SomethingNewException", httpStatus: 409 });
  });

  it("422 with envelope code QUOTA_EXCEEDED → ServiceQuotaExceededError", async () => {
    const result = await run("create", {
      status: 422,
      body: '{"success":false,"error":{"code":"QUOTA_EXCEEDED","message":"Quota"}}',
    });
    expect(result).toMatchObject({ __typename: "ServiceQuotaExceededError", code: "QUOTA_EXCEEDED", retryable: false });
  });
});

describe("a mapped error that the field's union does not list becomes UpstreamError with the original code", () => {
  it("ConflictException on workloadShares → UpstreamError ConflictException", async () => {
    const result = await run("list", {
      status: 409,
      headers: { "X-Amzn-ErrorType": "ConflictException" },
      body: '{"Message":"Conflict while listing","ResourceId":"x","ResourceType":"WORKLOAD"}',
    });
    expect(result).toMatchObject({
      __typename: "UpstreamError",
      code: "ConflictException",
      message: "Conflict while listing",
      retryable: false,
      httpStatus: 409,
    });
  });

  it("envelope SERVICE_QUOTA_EXCEEDED on workloadShares → UpstreamError SERVICE_QUOTA_EXCEEDED", async () => {
    const result = await run("list", {
      status: 402,
      body: '{"success":false,"error":{"code":"SERVICE_QUOTA_EXCEEDED","message":"Quota while listing"}}',
    });
    expect(result).toMatchObject({
      __typename: "UpstreamError",
      code: "SERVICE_QUOTA_EXCEEDED",
      message: "Quota while listing",
      retryable: false,
      httpStatus: 402,
    });
  });

  it("status-only 409 on workloadShares → UpstreamError CONFLICT", async () => {
    const result = await run("list", { status: 409, body: "" });
    expect(result).toMatchObject({ __typename: "UpstreamError", code: "CONFLICT", retryable: false, httpStatus: 409 });
  });

  it("ServiceQuotaExceededException on updateWorkloadShare → UpstreamError", async () => {
    const result = await run("update", {
      status: 402,
      headers: { "X-Amzn-ErrorType": "ServiceQuotaExceededException" },
      body: '{"Message":"Quota","QuotaCode":"L-1","ServiceCode":"wellarchitected"}',
    });
    expect(result).toMatchObject({
      __typename: "UpstreamError",
      code: "ServiceQuotaExceededException",
      retryable: false,
      httpStatus: 402,
    });
  });

  it("QUOTA_EXCEEDED on deleteWorkloadShare → UpstreamError", async () => {
    const result = await run("delete", {
      status: 402,
      body: '{"success":false,"error":{"code":"QUOTA_EXCEEDED","message":"Quota"}}',
    });
    expect(result).toMatchObject({ __typename: "UpstreamError", code: "QUOTA_EXCEEDED", retryable: false });
  });

  it("members the union does list still map on workloadShares (ThrottlingException, ValidationException)", async () => {
    expect(
      await run("list", {
        status: 429,
        headers: { "X-Amzn-ErrorType": "ThrottlingException", "Retry-After": "3" },
        body: '{"Message":"Rate exceeded"}',
      }),
    ).toMatchObject({ __typename: "ThrottlingError", code: "ThrottlingException", retryable: true, retryAfterSeconds: 3 });
    expect(
      await run("list", {
        status: 400,
        headers: { "X-Amzn-ErrorType": "ValidationException" },
        body: '{"Message":"Bad"}',
      }),
    ).toMatchObject({ __typename: "ValidationError", code: "ValidationException", retryable: false });
  });
});

describe("validation details: upstream field names become GraphQL argument paths", () => {
  it("envelope fields SharedWith, shared_with, sharedWith → [input, sharedWith]; Bogus stays [input, Bogus]", async () => {
    const result = await run("create", {
      status: 400,
      body: '{"success":false,"error":{"code":"VALIDATION_ERROR","message":"Invalid request parameters","fields":[{"field":"SharedWith","message":"too short (Pascal)"},{"field":"shared_with","message":"too short (snake)"},{"name":"sharedWith","message":"too short (camel)"},{"field":"Bogus","message":"unknown field"}]}}',
    });
    expect(result.__typename).toBe("ValidationError");
    expect(result.code).toBe("VALIDATION_ERROR");
    expect(result.fields).toEqual([
      { path: ["input", "sharedWith"], message: "too short (Pascal)" },
      { path: ["input", "sharedWith"], message: "too short (snake)" },
      { path: ["input", "sharedWith"], message: "too short (camel)" },
      { path: ["input", "Bogus"], message: "unknown field" },
    ]);
  });

  it("AWS Fields [{Name, Message}] → paths of the input", async () => {
    const result = await run("create", {
      status: 400,
      headers: { "X-Amzn-ErrorType": "ValidationException" },
      body: '{"Message":"2 validation errors","Reason":"FIELD_VALIDATION_FAILED","Fields":[{"Name":"PermissionType","Message":"must be READONLY or CONTRIBUTOR"},{"Name":"ClientRequestToken","Message":"too long"},{"Name":"Bogus","Message":"what is this"}]}',
    });
    expect(result.__typename).toBe("ValidationError");
    expect(result.fields).toEqual([
      { path: ["input", "permissionType"], message: "must be READONLY or CONTRIBUTOR" },
      { path: ["input", "clientRequestToken"], message: "too long" },
      { path: ["input", "Bogus"], message: "what is this" },
    ]);
  });

  it("AWS Fields with `SharedWith` on createWorkloadShare → [input, sharedWith]", async () => {
    const result = await run("create", {
      status: 400,
      body: '{"__type":"ValidationException","Message":"bad","Fields":[{"Name":"SharedWith","Message":"Member must have length greater than or equal to 12"}]}',
    });
    expect(result.fields).toEqual([
      { path: ["input", "sharedWith"], message: "Member must have length greater than or equal to 12" },
    ]);
  });

  it("workloadShares: MaxResults → [first], SharedWithPrefix → [sharedWithPrefix] (AWS wire)", async () => {
    const result = await run("list", {
      status: 400,
      headers: { "X-Amzn-ErrorType": "ValidationException" },
      body: '{"Message":"bad paging","Fields":[{"Name":"MaxResults","Message":"must be at most 50"},{"Name":"SharedWithPrefix","Message":"too long"}]}',
    });
    expect(result.__typename).toBe("ValidationError");
    expect(result.fields).toEqual([
      { path: ["first"], message: "must be at most 50" },
      { path: ["sharedWithPrefix"], message: "too long" },
    ]);
  });

  it("workloadShares: MaxResults → [first] (envelope wire)", async () => {
    const result = await run("list", {
      status: 400,
      body: '{"success":false,"error":{"code":"VALIDATION_ERROR","message":"Invalid request parameters","fields":[{"field":"MaxResults","message":"must be at most 50"}]}}',
    });
    expect(result.fields).toEqual([{ path: ["first"], message: "must be at most 50" }]);
  });

  it("updateWorkloadShare: PermissionType → [input, permissionType]", async () => {
    const result = await run("update", {
      status: 400,
      body: '{"success":false,"error":{"code":"VALIDATION_ERROR","message":"Invalid request parameters","fields":[{"field":"PermissionType","message":"unknown permission"}]}}',
    });
    expect(result.fields).toEqual([{ path: ["input", "permissionType"], message: "unknown permission" }]);
  });
});

describe("the client token comes back on every retryable error", () => {
  it("UpstreamError 503 on createWorkloadShare carries the token sent", async () => {
    const result = await run("create", { status: 503, body: "" });
    expect(result).toMatchObject({ __typename: "UpstreamError", retryable: true, errorToken: TOKEN });
    expect(JSON.parse(upstream.received[0]?.body ?? "{}").ClientRequestToken).toBe(TOKEN);
  });

  it("ThrottlingError on deleteWorkloadShare carries the token sent", async () => {
    const result = await run("delete", {
      status: 429,
      headers: { "X-Amzn-ErrorType": "ThrottlingException" },
      body: '{"Message":"Rate exceeded"}',
    });
    expect(result).toMatchObject({ __typename: "ThrottlingError", retryable: true, errorToken: TOKEN });
  });

  it("UpstreamError 500 on deleteWorkloadShare carries the token sent", async () => {
    const result = await run("delete", {
      status: 500,
      headers: { "X-Amzn-ErrorType": "InternalServerException" },
      body: '{"Message":"Internal failure"}',
    });
    expect(result).toMatchObject({ __typename: "UpstreamError", retryable: true, errorToken: TOKEN });
  });
});
