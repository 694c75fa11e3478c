/**
 * Registration without the SDK's per-promise stack traces (src/core/resource.ts): while the SDK
 * builds one of our resources it captures no stack for its promises, unless
 * PULUMI_DEBUG_PROMISE_LEAKS asks for them; the process's stack limit is left as it was; an error
 * thrown out of the constructor still carries the caller's stack; and the SDK still finds a source
 * position for each registration (it raises the limit for that itself).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { ROOT, tmpDir } from "../helpers";

vi.setConfig({ testTimeout: 60_000 });

interface Seen {
  /** `_debugStackTrace` of one declared output's promise (the SDK's leak-report stamp). */
  outputStamp: string;
  /** The same for an input's promise. */
  inputStamp: string;
  limitAfter: number;
  thrownStack: string;
  thrownMessage: string;
  sourcePositions: string[];
}

function run(env: NodeJS.ProcessEnv = {}): Seen {
  const dir = tmpDir("trustplane-stacks-");
  const program = path.join(dir, "program.js");
  fs.writeFileSync(program, `
    const pulumi = require(${JSON.stringify(path.join(ROOT, "node_modules/@pulumi/pulumi"))});
    const positions = [];
    pulumi.runtime.setMocks({
      newResource: async (a) => ({ id: "x", state: a.inputs }),
      call: async () => ({}),
    }, "p", "s", true);
    // The mock monitor drops the source position: read it from the request the SDK builds.
    const resproto = require(${JSON.stringify(path.join(ROOT, "node_modules/@pulumi/pulumi/proto/resource_pb.js"))});
    const set = resproto.RegisterResourceRequest.prototype.setSourceposition;
    resproto.RegisterResourceRequest.prototype.setSourceposition = function (p) {
      if (p) positions.push(p.getUri() + ":" + p.getLine());
      return set.call(this, p);
    };
    // Each promise the SDK stamps, by its context text: transferProperty(<label>, <key>, <value>).
    const debuggable = require(${JSON.stringify(path.join(ROOT, "node_modules/@pulumi/pulumi/runtime/debuggable.js"))});
    const stamps = {};
    const stamp = debuggable.debuggablePromise;
    debuggable.debuggablePromise = function (p, ctx) {
      const out = stamp.call(this, p, ctx);
      const text = String(ctx);
      const key = text.startsWith("transferProperty(") ? text.split(", ")[1] : undefined;
      if (key && !(key in stamps)) stamps[key] = p._debugStackTrace;
      return out;
    };
    const tp = require(${JSON.stringify(path.join(ROOT, "dist/src/index.js"))});
    Error.stackTraceLimit = 7;
    const r = new tp.nevisidm.ProfileProperties("a", { clientExtId: "acme", profileExtId: "p",
      properties: { department: "Finance" } });
    const limitAfter = Error.stackTraceLimit;
    let thrown;
    function userCode() { return new tp.nevisidm.ProfileProperties(undefined, { clientExtId: "acme", profileExtId: "p", properties: {} }); }
    try { userCode(); } catch (e) { thrown = e; }
    setTimeout(() => process.stdout.write(JSON.stringify({
      outputStamp: stamps.values,
      inputStamp: stamps.clientExtId,
      limitAfter,
      thrownStack: String(thrown && thrown.stack),
      thrownMessage: String(thrown && thrown.message),
      sourcePositions: positions,
    })), 500);
  `);
  return JSON.parse(execFileSync(process.execPath, [program], {
    cwd: dir, encoding: "utf8", env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "", ...env },
  })) as Seen;
}

describe("registration captures no promise stacks", () => {
  it("stamps the SDK's promises with no frames, restores the limit, keeps thrown errors' stacks and the source position", () => {
    const seen = run();
    expect(seen.outputStamp).toBe("Error");
    expect(seen.inputStamp).toBe("Error");
    expect(seen.limitAfter).toBe(7);
    expect(seen.thrownMessage).toMatch(/name/i);
    expect(seen.thrownStack).toMatch(/at userCode \(.*program\.js:\d+/);
    expect(seen.sourcePositions.length).toBeGreaterThan(0);
    // The SDK raises the limit itself to find the position, so it still gets one, with a line.
    // (Which frame it takes is its four-frames-up guess, pulumi/pulumi sdk/nodejs/resource.ts,
    // `Resource.stackTrace(4)`: with our base class in between, that is our resource.js, as before.)
    expect(seen.sourcePositions[0]).toMatch(/^file:\/\/.+\.js:\d+$/);
  });

  it("keeps the stacks when PULUMI_DEBUG_PROMISE_LEAKS asks for the leak report's detail", () => {
    const seen = run({ PULUMI_DEBUG_PROMISE_LEAKS: "1" });
    expect(seen.outputStamp).toMatch(/\n\s+at /);
    expect(seen.inputStamp).toMatch(/\n\s+at /);
    expect(seen.limitAfter).toBe(7);
  });
});
