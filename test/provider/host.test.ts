/**
 * The thin client for the dynamic-provider host (tools/host.ts): a call the host never answers fails at its
 * deadline with an error that names the call, and the host process never outlives `stop()`.
 */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { requireDist, ROOT } from "../helpers";

const { ProviderHost, HostDeadlineError, deadlinesFromEnv, DEFAULT_DEADLINES } = requireDist("./dist/tools/host.js") as typeof import("../../tools/host");

/** A provider whose create never settles and whose read answers at once. */
const STUCK = `exports.handler = () => ({
  create: () => new Promise(() => {}),
  read: async (id, props) => ({ id, props }),
});`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let hosts: InstanceType<typeof ProviderHost>[] = [];
afterEach(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  hosts = [];
});

describe("ProviderHost", () => {
  it("fails a call the host never answers at its deadline, naming the call and the resource, and stays usable", async () => {
    const h = await ProviderHost.start({ cwd: ROOT, project: "host-test", deadlines: { createMs: 1_500 } });
    hosts.push(h);
    await h.configure({});
    const urn = "urn:pulumi:dev::host-test::pulumi-nodejs:dynamic/test:Stuck::stuck";
    const t0 = Date.now();
    const err = await h.create(urn, { __provider: STUCK }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(HostDeadlineError);
    expect((err as Error).message).toContain(`Create of ${urn} got no answer within 1500 ms`);
    expect((err as Error).message).toContain("TRUSTPLANE_HOST_CREATE_DEADLINE_MS");
    expect(Date.now() - t0).toBeLessThan(10_000);
    // Other calls on the same host still go through.
    const read = await h.read(urn, "x", { __provider: STUCK, a: 1 }, {});
    expect(read).toMatchObject({ id: "x", props: { a: 1 } });
  });

  it("stop() kills the host, and returns when the host is already gone", async () => {
    const h = await ProviderHost.start({ cwd: ROOT, project: "host-test" });
    const pid = h.pid!;
    expect(alive(pid)).toBe(true);
    await h.stop();
    expect(alive(pid)).toBe(false);

    const killed = await ProviderHost.start({ cwd: ROOT, project: "host-test" });
    process.kill(killed.pid!, "SIGKILL");
    await new Promise((r) => setTimeout(r, 200));
    await killed.stop(); // must not wait for an exit event that has come and gone
    expect(alive(killed.pid!)).toBe(false);
  });

  it("start() fails when the host does not print its port in time, and leaves no host behind", async () => {
    const children = () =>
      execFileSync("ps", ["-o", "args=", "--ppid", String(process.pid)], { encoding: "utf8" })
        .split("\n")
        .filter((l) => l.includes("dynamic-provider"));
    const before = children().length;
    const err = await ProviderHost.start({ cwd: ROOT, project: "host-test", deadlines: { startMs: 50 } }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(HostDeadlineError);
    expect((err as Error).message).toContain("did not print its port within 50 ms");
    expect(children().length).toBe(before);
  });

  it("reads deadlines from the environment: one for all calls, or one per call", () => {
    expect(deadlinesFromEnv({})).toEqual(DEFAULT_DEADLINES);
    const all = deadlinesFromEnv({ TRUSTPLANE_HOST_DEADLINE_MS: "5000", TRUSTPLANE_HOST_CREATE_DEADLINE_MS: "7000" });
    expect(all).toMatchObject({ configureMs: 5_000, checkMs: 5_000, createMs: 7_000, deleteMs: 5_000, startMs: 5_000 });
    expect(deadlinesFromEnv({ TRUSTPLANE_HOST_DEADLINE_MS: "nope" })).toEqual(DEFAULT_DEADLINES);
  });
});
