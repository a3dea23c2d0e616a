import { checkPermissionType, checkSharedWith, checkWorkloadId, ProblemList } from "../shares/constraints.js";
import type { WorkloadShare } from "../shares/model.js";
import { builder } from "./builder.js";
import { PermissionTypeEnum } from "./enums.js";
import { errorMembers, invalidInput, resultUnionDescription, toResultError } from "./errors.js";
import { fieldPathMapper } from "./field-paths.js";
import { authorizedMutation } from "./share-access.js";
import { clientTokenForField, SUCCESS_TOKEN_DESCRIPTION } from "./field-token.js";
import { WorkloadShareRef } from "./workload-share.js";

export class CreateWorkloadShareSuccess {
  constructor(
    readonly share: WorkloadShare,
    readonly clientRequestToken: string,
  ) {}
}

builder.objectType(CreateWorkloadShareSuccess, {
  name: "CreateWorkloadShareSuccess",
  description: [
    "The upstream created the share (a 2xx answer it could read), or replayed the original result because",
    "this clientRequestToken came again with the same parameters.",
  ].join("\n"),
  isTypeOf: (value) => value instanceof CreateWorkloadShareSuccess,
  fields: (t) => ({
    share: t.field({ type: WorkloadShareRef, resolve: (s) => s.share }),
    clientRequestToken: t.exposeString("clientRequestToken", {
      description: SUCCESS_TOKEN_DESCRIPTION,
    }),
  }),
});

const CreateWorkloadShareInput = builder.inputType("CreateWorkloadShareInput", {
  fields: (t) => ({
    workloadId: t.id({ required: true, description: "32 lowercase hex characters." }),
    sharedWith: t.string({
      required: true,
      description: "12 to 2048 characters: an AWS account ID, an organization ID or an OU ID.",
    }),
    permissionType: t.field({ type: PermissionTypeEnum, required: true }),
    clientRequestToken: t.string({
      description:
        "Idempotency token. When omitted the gateway takes the request's\nIdempotency-Key header, else creates one; the token used is always returned.",
    }),
  }),
});

const KINDS = ["validation", "accessDenied", "notFound", "conflict", "quotaExceeded", "throttling", "upstream"] as const;

const CreateWorkloadShareResult = builder.errorUnion("CreateWorkloadShareResult", {
  description: resultUnionDescription("createWorkloadShare", "CreateWorkloadShareSuccess"),
  types: [CreateWorkloadShareSuccess, ...errorMembers(KINDS)],
});

const fieldPath = fieldPathMapper(["input"], ["workloadId", "sharedWith", "permissionType", "clientRequestToken"]);

/** What the field asks the share policy (and its audit line records). */
function asked({ input }: { input: { workloadId: string; sharedWith: string; permissionType: string } }) {
  return {
    action: "CreateWorkloadShare" as const,
    workloadId: input.workloadId,
    sharedWith: input.sharedWith,
    permissionType: input.permissionType,
  };
}

const createdShareId = (result: object): string | null =>
  result instanceof CreateWorkloadShareSuccess ? result.share.id : null;

builder.mutationField("createWorkloadShare", (t) =>
  t.field({
    type: CreateWorkloadShareResult,
    description: "Shares a workload with an AWS account, organization or OU (CreateWorkloadShare).",
    args: { input: t.arg({ type: CreateWorkloadShareInput, required: true }) },
    resolve: (_root, { input }, context, info) =>
      authorizedMutation(context, asked({ input }), async () => {
        const problems = new ProblemList()
          .check(["input", "workloadId"], checkWorkloadId(input.workloadId))
          .check(["input", "sharedWith"], checkSharedWith(input.sharedWith))
          .check(["input", "permissionType"], checkPermissionType(input.permissionType));
        const token = clientTokenForField(input.clientRequestToken, context, info);
        if (!token.ok) problems.problems.push(token.problem);
        if (!problems.ok || !token.ok) return invalidInput(problems.problems);

        const result = await context.upstream.call(
          "CreateWorkloadShare",
          {
            workloadId: input.workloadId,
            sharedWith: input.sharedWith,
            permissionType: input.permissionType,
            clientRequestToken: token.token,
          },
          context.callOptions,
        );
        if (!result.ok) return toResultError(result.failure, { kinds: KINDS, clientRequestToken: token.token, fieldPath });
        return new CreateWorkloadShareSuccess(result.value, token.token);
      }, createdShareId),
  }),
);
