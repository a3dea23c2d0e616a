import { checkShareId, checkWorkloadId, ProblemList } from "../shares/constraints.js";
import { builder } from "./builder.js";
import { errorMembers, invalidInput, resultUnionDescription, toResultError } from "./errors.js";
import { fieldPathMapper } from "./field-paths.js";
import { authorizedMutation } from "./share-access.js";
import { clientTokenForField, SUCCESS_TOKEN_DESCRIPTION } from "./field-token.js";

export class DeleteWorkloadShareSuccess {
  constructor(
    readonly deletedShareId: string,
    readonly clientRequestToken: string,
  ) {}
}

builder.objectType(DeleteWorkloadShareSuccess, {
  name: "DeleteWorkloadShareSuccess",
  description: "The upstream deleted the share (a 2xx answer; an empty body or {} counts as one).",
  isTypeOf: (value) => value instanceof DeleteWorkloadShareSuccess,
  fields: (t) => ({
    deletedShareId: t.exposeID("deletedShareId"),
    clientRequestToken: t.exposeString("clientRequestToken", {
      description: SUCCESS_TOKEN_DESCRIPTION,
    }),
  }),
});

const DeleteWorkloadShareInput = builder.inputType("DeleteWorkloadShareInput", {
  fields: (t) => ({
    workloadId: t.id({ required: true }),
    shareId: t.id({ required: true }),
    clientRequestToken: t.string({
      description: "As for createWorkloadShare: input, else Idempotency-Key, else created.",
    }),
  }),
});

const KINDS = ["validation", "accessDenied", "notFound", "conflict", "throttling", "upstream"] as const;

const DeleteWorkloadShareResult = builder.errorUnion("DeleteWorkloadShareResult", {
  description: resultUnionDescription("deleteWorkloadShare", "DeleteWorkloadShareSuccess"),
  types: [DeleteWorkloadShareSuccess, ...errorMembers(KINDS)],
});

const fieldPath = fieldPathMapper(["input"], ["workloadId", "shareId", "clientRequestToken"]);

/** What the field asks the share policy (and its audit line records). */
function asked({ input }: { input: { workloadId: string; shareId: string } }) {
  return { action: "DeleteWorkloadShare" as const, workloadId: input.workloadId, shareId: input.shareId };
}

builder.mutationField("deleteWorkloadShare", (t) =>
  t.field({
    type: DeleteWorkloadShareResult,
    description: "Deletes a share (DeleteWorkloadShare); the client token travels in the query string.",
    args: { input: t.arg({ type: DeleteWorkloadShareInput, required: true }) },
    resolve: (_root, { input }, context, info) =>
      authorizedMutation(context, asked({ input }), async () => {
        const problems = new ProblemList()
          .check(["input", "workloadId"], checkWorkloadId(input.workloadId))
          .check(["input", "shareId"], checkShareId(input.shareId));
        const token = clientTokenForField(input.clientRequestToken, context, info);
        if (!token.ok) problems.problems.push(token.problem);
        if (!problems.ok || !token.ok) return invalidInput(problems.problems);

        const result = await context.upstream.call(
          "DeleteWorkloadShare",
          { workloadId: input.workloadId, shareId: input.shareId, clientRequestToken: token.token },
          context.callOptions,
        );
        if (!result.ok) return toResultError(result.failure, { kinds: KINDS, clientRequestToken: token.token, fieldPath });
        return new DeleteWorkloadShareSuccess(result.value.deletedShareId, token.token);
      }),
  }),
);
