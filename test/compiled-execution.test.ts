// Compiled execution (src/execution/compiled-execution.ts) changes no answer.
// First the mechanism, on small graphql-js schemas beside yoga's own executor:
// when a document starts to run compiled, which executions never do, request
// errors answered in yoga's executor's words, resolvers run once, and a type
// resolver that throws answered as the field's error without crashing or
// hanging. Then two gateways, one compiling every document at once and one
// never, each before its own emulator with the same seed, get the same
// requests over HTTP (every operation, success and every kind of failure) and
// must give the same statuses and bodies. The whole suite also runs with
// COMPILE_AFTER=1 (vitest.config.ts).
import { normalizedExecutor } from "@graphql-tools/executor";
import {
  buildSchema,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  GraphQLUnionType,
  parse,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/emulator/server.js";
import { compiledExecution } from "../src/execution/compiled-execution.js";
import { CREATE, injectFault, SEEDED, startTestEmulator } from "./support/emulator.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { DELETE, LIST, UPDATE } from "./support/share-documents.js";

class Cat {
  constructor(readonly name: string) {}
}
class Dog {
  constructor(readonly name: string) {}
}

/** A union whose resolveType needs the abstract type (as Pothos' do), and a resolver call count. */
function petSchema(resolveType?: (value: unknown) => string | undefined) {
  const calls = { pet: 0, rename: 0 };
  const cat = new GraphQLObjectType({ name: "Cat", fields: { name: { type: GraphQLString } }, isTypeOf: (v) => v instanceof Cat });
  const dog = new GraphQLObjectType({ name: "Dog", fields: { name: { type: GraphQLString } }, isTypeOf: (v) => v instanceof Dog });
  const pet: GraphQLUnionType = new GraphQLUnionType({
    name: "Pet",
    types: [cat, dog],
    resolveType: (value, _context, info, abstractType) => {
      if (abstractType !== pet) throw new Error("resolveType without its abstract type");
      if (resolveType) return resolveType(value);
      return info.schema.getPossibleTypes(abstractType).find((type) => type.isTypeOf?.(value, _context, info))?.name;
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: "Query",
      fields: {
        pet: {
          type: pet,
          args: { name: { type: GraphQLString } },
          resolve: async (_root, args: { name?: string }) => {
            calls.pet++;
            return args.name === "rex" ? new Dog("rex") : new Cat(args.name ?? "tom");
          },
        },
      },
    }),
    mutation: new GraphQLObjectType({
      name: "Mutation",
      fields: {
        rename: {
          type: GraphQLString,
          args: { to: { type: GraphQLString } },
          resolve: (_root, args: { to?: string }) => {
            calls.rename++;
            if (args.to === "") throw new Error("empty name");
            return args.to;
          },
        },
      },
    }),
  });
  return { schema, calls, pet };
}

const PET = parse(`query Pet($name: String) { pet(name: $name) { __typename ... on Cat { name } ... on Dog { dogName: name } } }`);

async function settled(value: unknown): Promise<ExecutionResult> {
  return JSON.parse(JSON.stringify(await value)) as ExecutionResult;
}

describe("compiled execution, beside yoga's executor", () => {
  it("runs a document compiled from its COMPILE_AFTER-th execution on, with yoga's executor's answers", async () => {
    const { schema } = petSchema();
    const execution = compiledExecution(3);
    for (const [i, name] of ["tom", "rex", "tom", "rex", "felix"].entries()) {
      const args: ExecutionArgs = { schema, document: PET, variableValues: { name } };
      expect(await settled(execution.execute(args))).toEqual(await settled(normalizedExecutor(args)));
      expect(execution.counts.compiled).toBe(i >= 2 ? 1 : 0);
      expect(execution.counts.runs).toBe(Math.max(0, i - 1));
    }
    // The schema's own type resolver is back in place after compiling.
    expect(await settled(normalizedExecutor({ schema, document: PET, variableValues: { name: "rex" } }))).toEqual({
      data: { pet: { __typename: "Dog", dogName: "rex" } },
    });
  });

  it("answers variables that do not coerce in yoga's executor's words, before any resolver ran", async () => {
    const { schema, calls } = petSchema();
    const execution = compiledExecution(1);
    const args: ExecutionArgs = { schema, document: PET, variableValues: { name: { not: "a string" } } };
    const answer = await settled(execution.execute(args));
    expect(execution.counts).toEqual({ compiled: 1, dropped: 0, postponed: 0, runs: 1, requestErrors: 1 });
    expect(answer).toEqual(await settled(normalizedExecutor(args)));
    expect(answer.errors?.[0]?.message).toMatch(/^Variable "\$name" got invalid value/);
    expect(calls.pet).toBe(0);
  });

  it("runs a mutation's resolver once, also when its field fails", async () => {
    const { schema, calls } = petSchema();
    const execution = compiledExecution(1);
    const document = parse(`mutation Rename($to: String) { rename(to: $to) }`);
    const answer = await settled(execution.execute({ schema, document, variableValues: { to: "" } }));
    expect(answer.data).toEqual({ rename: null });
    expect(answer.errors?.map((e) => [e.message, e.path])).toEqual([["empty name", ["rename"]]]);
    expect(calls.rename).toBe(1);
    expect(execution.counts.requestErrors).toBe(0);
  });

  it("answers a type resolver that throws, after a promise or not, as that field's error: no unhandled rejection, no hang", async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => void rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      const { schema } = petSchema((value) => {
        if ((value as Cat).name === "boom") throw new Error("cannot tell");
        return value instanceof Dog ? "Dog" : "Cat";
      });
      const execution = compiledExecution(1);
      const answer = await settled(execution.execute({ schema, document: PET, variableValues: { name: "boom" } }));
      expect(answer.data).toEqual({ pet: null });
      expect(answer.errors?.map((e) => e.path)).toEqual([["pet"]]);
      expect(execution.counts.runs).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rejections).toEqual([]);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });

  it("gives resolvers a copy of the context, emptied once the execution is over, or the very object when asked", async () => {
    const seen: Record<string, unknown>[] = [];
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: "Query",
        fields: {
          who: {
            type: GraphQLString,
            resolve: async (_root, _args, context: Record<string, unknown>) => {
              seen.push(context);
              return String(context.caller);
            },
          },
        },
      }),
    });
    const document = parse(`{ who }`);
    const original = { caller: "alice", traced: false };
    const execution = compiledExecution(1, { needsOwnContext: (context) => (context as typeof original).traced });

    expect(await settled(execution.execute({ schema, document, contextValue: original }))).toEqual({ data: { who: "alice" } });
    expect(seen[0]).not.toBe(original);
    expect(seen[0]).toEqual({ caller: undefined, traced: undefined });
    expect(original).toEqual({ caller: "alice", traced: false });

    const traced = { caller: "bob", traced: true };
    expect(await settled(execution.execute({ schema, document, contextValue: traced }))).toEqual({ data: { who: "bob" } });
    expect(seen[1]).toBe(traced);
    expect(execution.counts.runs).toBe(2);
  });

  it("keeps at most maxCompiled queries, the oldest going first, and compiles at most compileMsPerSecond of each second", async () => {
    const { schema } = petSchema();
    // Each reading of the clock is 10 ms later: a compilation is counted as 10 ms.
    let clock = 0;
    const execution = compiledExecution(1, { maxCompiled: 2, compileMsPerSecond: 25, now: () => (clock += 10) });
    const documents = ["tom", "rex", "felix", "garfield"].map((name) => parse(`{ pet(name: "${name}") { __typename } }`));
    for (const document of documents) await execution.execute({ schema, document });
    // Three compiled in this second (30 ms), the fourth postponed to yoga's executor; the first of the three dropped for the third.
    expect(execution.counts).toMatchObject({ compiled: 3, postponed: 1, dropped: 1, runs: 3 });
    const [tom, rex, felix, garfield] = documents as [DocumentNode, DocumentNode, DocumentNode, DocumentNode];
    await execution.execute({ schema, document: felix });
    await execution.execute({ schema, document: rex });
    expect(execution.counts).toMatchObject({ compiled: 3, runs: 5 });
    clock += 1000;
    expect(await settled(execution.execute({ schema, document: garfield }))).toEqual(await settled(normalizedExecutor({ schema, document: garfield })));
    await execution.execute({ schema, document: tom });
    expect(execution.counts).toMatchObject({ compiled: 5, postponed: 1, dropped: 3, runs: 7 });
  });

  it("never compiles with COMPILE_AFTER=0, a document parsed anew each time, or a subscription", async () => {
    const { schema } = petSchema();
    const never = compiledExecution(0);
    for (let i = 0; i < 3; i++) await never.execute({ schema, document: PET });
    expect(never.counts).toEqual({ compiled: 0, dropped: 0, postponed: 0, runs: 0, requestErrors: 0 });

    const execution = compiledExecution(2);
    for (let i = 0; i < 5; i++) await execution.execute({ schema, document: parse(`{ pet { __typename } }`) });
    expect(execution.counts.compiled).toBe(0);

    const subscriptions = buildSchema(`type Query { a: String } type Subscription { ticks: String }`);
    const document = parse(`subscription { ticks }`);
    for (let i = 0; i < 3; i++) await execution.execute({ schema: subscriptions, document });
    expect(execution.counts.compiled).toBe(0);
  });
});

describe("compiled execution over HTTP: the same answers as yoga's executor", () => {
  let emulators: RunningEmulator[];
  let compiled: TestGateway;
  let tools: TestGateway;

  beforeAll(async () => {
    emulators = [await startTestEmulator(), await startTestEmulator()];
    // No compile-time budget here (it has its own test above): a busy machine's first compilations must not postpone any.
    compiled = await startGateway(emulators[0]!.url, { compileAfter: 1, maxAttempts: 1, services: { compileMsPerSecond: Infinity } });
    tools = await startGateway(emulators[1]!.url, { compileAfter: 0, maxAttempts: 1 });
  });
  afterAll(async () => {
    await Promise.all([compiled, tools].map((g) => g.close()));
    await Promise.all(emulators.map((e) => e.close()));
  });

  /** Status and body, with what differs by nature (times, generated IDs) replaced. */
  async function post(url: string, query: string, variables: unknown): Promise<[number, string]> {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    const body = (await response.text())
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
      .replace(/\b[0-9a-f]{32}\b/g, (id) => ((Object.values(SEEDED) as string[]).includes(id) ? id : "<id>"));
    return [response.status, body];
  }

  const share = (permissionType: unknown, extra: Record<string, unknown> = {}) => ({
    input: { workloadId: SEEDED.roomy, sharedWith: "111122223333", permissionType, clientRequestToken: "token-a", ...extra },
  });

  type Step = [what: string, arrange: (emulatorUrl: string) => Promise<void> | void, query: string, variables: unknown];
  const steps: Step[] = [
    ["created", () => {}, CREATE, share("READONLY")],
    ["replayed with the same token", () => {}, CREATE, share("READONLY")],
    ["the same token with other parameters", () => {}, CREATE, share("CONTRIBUTOR")],
    ["invalid input", () => {}, CREATE, share("READONLY", { workloadId: "nope", sharedWith: "1" })],
    ["an unknown workload", () => {}, CREATE, { input: { workloadId: SEEDED.unknown, sharedWith: "111122223333", permissionType: "READONLY" } }],
    ["a variable that does not coerce", () => {}, CREATE, share("OWNER")],
    ["a missing variable", () => {}, CREATE, {}],
    ["throttled", (url) => injectFault(url, { kind: "throttle", count: 1, retryAfter: 7 }), CREATE, share("READONLY", { clientRequestToken: "token-b" })],
    ["access denied", (url) => injectFault(url, { kind: "accessDenied", count: 1 }), CREATE, share("READONLY", { clientRequestToken: "token-c" })],
    ["a 5xx", (url) => injectFault(url, { kind: "error5xx", count: 1 }), CREATE, share("READONLY", { clientRequestToken: "token-d" })],
    ["a malformed answer", (url) => injectFault(url, { kind: "malformed", count: 1 }), CREATE, share("READONLY", { clientRequestToken: "token-e" })],
    ["a list", () => {}, LIST, { workloadId: SEEDED.roomy, first: 2 }],
    ["a list of an unknown workload", () => {}, LIST, { workloadId: SEEDED.unknown }],
    ["an update", () => {}, UPDATE, { input: { workloadId: SEEDED.roomy, shareId: "0".repeat(32), permissionType: "CONTRIBUTOR" } }],
    ["a delete", () => {}, DELETE, { input: { workloadId: SEEDED.roomy, shareId: "0".repeat(32) } }],
  ];

  it("every operation, success and failure, gets the same status and body from both", async () => {
    const answers: string[] = [];
    for (const [what, arrange, query, variables] of steps) {
      await arrange(emulators[0]!.url);
      await arrange(emulators[1]!.url);
      const [fromCompiled, fromTools] = [await post(compiled.url, query, variables), await post(tools.url, query, variables)];
      expect(fromCompiled, what).toEqual(fromTools);
      answers.push(`${fromCompiled[0]} ${/"__typename":"(\w+)"/.exec(fromCompiled[1])?.[1] ?? "errors"}`);
    }
    expect(answers).toEqual([
      "200 CreateWorkloadShareSuccess",
      "200 CreateWorkloadShareSuccess",
      "200 ConflictError",
      "200 ValidationError",
      "200 ResourceNotFoundError",
      "400 errors",
      "400 errors",
      "200 ThrottlingError",
      "200 AccessDeniedError",
      "200 UpstreamError",
      "200 UpstreamError",
      "200 WorkloadShareConnection",
      "200 ResourceNotFoundError",
      "200 ResourceNotFoundError",
      "200 ResourceNotFoundError",
    ]);
    expect(compiled.gateway.compiledExecution.compiled).toBe(4);
    expect(compiled.gateway.compiledExecution.runs).toBe(steps.length);
    expect(compiled.gateway.compiledExecution.requestErrors).toBe(2);
    expect(tools.gateway.compiledExecution.runs).toBe(0);
  });
});
