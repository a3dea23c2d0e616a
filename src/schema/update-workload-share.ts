import { checkPermissionType, checkShareId, checkWorkloadId, ProblemList } from "../shares/constraints.js";
import type { WorkloadShare } from "../shares/model.js";
import { builder } from "./builder.js";
import { PermissionTypeEnum } from "./enums.js";
import { errorMembers, invalidInput, resultUnionDescription, toResultError } from "./errors.js";
import { fieldPathMapper } from "./field-paths.js";
import { authorizedMutation } from "./share-access.js";
import { WorkloadShareRef } from "./workload-share.js";

export class UpdateWorkloadShareSuccess {
  constructor(readonly share: WorkloadShare) {}
}

builder.objectType(UpdateWorkloadShareSuccess, {
  name: "UpdateWorkloadShareSuccess",
  description: "The upstream changed the share's permission (a 2xx answer it could read).",
  isTypeOf: (value) => value instanceof UpdateWorkloadShareSuccess,
  fields: (t) => ({ share: t.field({ type: WorkloadShareRef, resolve: (s) => s.share }) }),
});

const UpdateWorkloadShareInput = builder.inputType("UpdateWorkloadShareInput", {
  fields: (t) => ({
    workloadId: t.id({ required: true }),
    shareId: t.id({ required: true }),
    permissionType: t.field({ type: PermissionTypeEnum, required: true }),
  }),
});

const KINDS = ["validation", "accessDenied", "notFound", "conflict", "throttling", "upstream"] as const;

const UpdateWorkloadShareResult = builder.errorUnion("UpdateWorkloadShareResult", {
  description: resultUnionDescription("updateWorkloadShare", "UpdateWorkloadShareSuccess"),
  types: [UpdateWorkloadShareSuccess, ...errorMembers(KINDS)],
});

const fieldPath = fieldPathMapper(["input"], ["workloadId", "shareId", "permissionType"]);

/** What the field asks the share policy (and its audit line records). */
function asked({ input }: { input: { workloadId: string; shareId: string; permissionType: string } }) {
  return {
    action: "UpdateWorkloadShare" as const,
    workloadId: input.workloadId,
    shareId: input.shareId,
    permissionType: input.permissionType,
  };
}

builder.mutationField("updateWorkloadShare", (t) =>
  t.field({
    type: UpdateWorkloadShareResult,
    description: "Changes the permission of a share (UpdateWorkloadShare). The upstream takes no idempotency token here.",
    args: { input: t.arg({ type: UpdateWorkloadShareInput, required: true }) },
    resolve: (_root, { input }, context) =>
      authorizedMutation(context, asked({ input }), async () => {
        const problems = new ProblemList()
          .check(["input", "workloadId"], checkWorkloadId(input.workloadId))
          .check(["input", "shareId"], checkShareId(input.shareId))
          .check(["input", "permissionType"], checkPermissionType(input.permissionType));
        if (!problems.ok) return invalidInput(problems.problems);

        const result = await context.upstream.call(
          "UpdateWorkloadShare",
          { workloadId: input.workloadId, shareId: input.shareId, permissionType: input.permissionType },
          context.callOptions,
        );
        if (!result.ok) return toResultError(result.failure, { kinds: KINDS, clientRequestToken: null, fieldPath });
        return new UpdateWorkloadShareSuccess(result.value);
      }),
  }),
);
