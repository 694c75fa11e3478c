/**
 * An interrupted `pulumi up`: the engine is killed (SIGKILL) while creates are in flight against
 * an emulator answering after 150 ms, then the recovery the engine asks for is done as a user
 * would. Counted: objects created, tracked, orphaned, duplicated, after the kill and after the
 * recovery. The goal is 0 orphaned and 0 duplicated after recovery.
 */
import { spawn, execFileSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Host from "../../tools/host";
import { canary, emulators, findCanaries, pulumiSdk, readState, requireDist, stackFixture, trustplane } from "../helpers";
import { cancelEngine, engine, recorder } from "../recorder";
import { scmConfig } from "../stack-config";

const host: typeof Host = requireDist("./dist/tools/host.js");
const N = 12;
let scm: any;
const challenge = canary("interrupted-challenge");

beforeAll(async () => {
  scm = await emulators().startScmEmulator({ clientSecret: canary("interrupted-client-secret") });
  scm.emu.latencyMs = 150;
});
afterAll(() => scm.stop());

const config = () => scmConfig(scm);

const profiles = () => [...scm.state.profiles.values()] as any[];
const posts = () => scm.emu.requests.filter((r: any) => r.method === "POST" && r.path.includes("scep-profiles")).length;

function program() {
  const pulumi = pulumiSdk();
  const { scm: s } = trustplane();
  for (let i = 0; i < N; i++) {
    new s.ScepProfile(`p${i}`, {
      folder: "Mobile Users", name: `killed-${i}`, scepChallenge: { fixed: pulumi.secret(challenge) }, caIdentityName: "Corp Issuing CA",
      algorithm: { rsa: { rsaNbits: 2048 } }, digest: "sha256", scepUrl: "https://pki.example.com/scep", adopt: true,
    });
  }
  return {};
}

/** The `pulumi` processes running an operation on this stack's backend. */
function enginePids(backendDir: string): number[] {
  try {
    const out = execFileSync("pgrep", ["-f", "bin/pulumi (up|preview|refresh|destroy)"], { encoding: "utf8" });
    return out.split("\n").filter(Boolean).map(Number).filter((pid) => {
      try {
        return execFileSync("cat", [`/proc/${pid}/environ`], { encoding: "utf8" }).includes(backendDir);
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
}

describe("a pulumi up killed while creates are in flight", () => {
  // Killed after the first creates were sent (none finished), and later (some finished and checkpointed).
  it.each([3, 10])("killed after %i create POSTs: no orphan and no duplicate after the documented recovery (cancel, refresh --clear-pending-creates, up with adopt: true)", { timeout: 240_000 }, async (killAt) => {
    scm.state.profiles.clear();
    const fx = stackFixture();
    const backendDir = path.join(path.dirname(fx.stateFile), "backend");
    const { go, texts } = recorder();
    const opts = { projectDir: fx.dir, stateFile: fx.stateFile, program, project: "interrupted", stack: "dev", config: config(), passphrase: "p" };
    // The stack exists (with its config) before the run that will be killed.
    expect((await go("preview", opts)).errors).toEqual([]);
    engine().forgetStacks();

    const child = spawn(process.execPath, [path.join(__dirname, "..", "fixtures", "interrupted-up.js"), JSON.stringify({
      workDir: fx.dir, backendDir, stack: "dev", count: N, challenge, config: config(),
    })], { stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let childOut = "";
    child.stdout.on("data", (d) => (childOut += d));
    child.stderr.on("data", (d) => (childOut += d));
    // Kill the engine once a few creates have been sent, while others are still in flight.
    const deadline = Date.now() + 90_000;
    const base = posts();
    while (posts() - base < killAt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const killed = enginePids(backendDir);
    expect(killed.length, childOut).toBeGreaterThan(0);
    // Its plugins (the provider host), found while they are still its children.
    const plugins = host.descendantPids(killed);
    for (const pid of killed) process.kill(pid, "SIGKILL");
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    // Let what was in flight land at the emulator.
    await new Promise((r) => setTimeout(r, 1000));
    // A killed engine cannot stop its plugins: its provider host lives on, orphaned, as it would
    // after a real crash. It has had its second to finish what was in flight; the test ends it
    // rather than leave it running after the suite.
    for (const pid of plugins) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }

    // What the kill left: objects the API made, and what the stack's last checkpoint tracks.
    const created = profiles().length;
    const stateIds = () => readState(fx.stateFile).resources.map((x: any) => x.id).sort();
    // 1. The next command meets the killed run's lock, and names the way out.
    const locked = await go("refresh", opts);
    expect(locked.ok).toBe(false);
    expect(locked.errors.join("\n")).toMatch(/the stack is currently locked by 1 lock\(s\).*pulumi cancel/s);
    // 2. `pulumi cancel` removes the lock; `pulumi refresh --clear-pending-creates` forgets the
    //    creates the engine had started (their objects are found again by step 3).
    await cancelEngine(opts);
    const refreshed = await go("refresh", { ...opts, clearPendingCreates: true });
    expect(refreshed.errors).toEqual([]);
    const tracked = stateIds().length;
    const orphaned = profiles().filter((p) => !stateIds().includes(p.id)).length;
    // 3. `pulumi up` again: every resource has `adopt: true`, so an object the killed run made is
    //    adopted by its name instead of created twice.
    const postsBefore = posts();
    const up = await go("up", opts);
    expect(up.errors).toEqual([]);
    const names = profiles().map((p) => p.name);
    const figures = { killAt, created, tracked, orphaned, afterRecovery: profiles().length, newPosts: posts() - postsBefore };
    console.log(`[interrupted] ${JSON.stringify(figures)}`);
    expect(created).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length); // 0 duplicated
    expect(names.length).toBe(N);
    expect(stateIds()).toEqual(profiles().map((p) => p.id).sort()); // 0 orphaned, 0 lost
    // Only the objects the killed run never made were POSTed.
    expect(figures.newPosts).toBe(N - created);
    expect((await go("preview", { ...opts, expectNoChanges: true })).errors).toEqual([]);
    expect((await go("destroy", opts)).errors).toEqual([]);
    expect(profiles()).toEqual([]);
    expect(findCanaries([challenge, scm.clientSecret], texts())).toEqual([]);
  });
});

