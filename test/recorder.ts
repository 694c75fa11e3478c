/**
 * Runs a program through the real Pulumi engine (tools/engine.ts) and keeps everything a secret
 * could escape to: the engine's printed output, every diagnostic (the provider host's log lines
 * arrive as diagnostics), every error, and `pulumi stack export` after each run (with its
 * `__provider` texts).
 *
 * Tests keep the shape they had: `go(verb, { projectDir, stateFile, program, config, ... })`.
 * `projectDir` is the engine's working directory for the program; the stack lives in a local
 * backend beside `stateFile`, and after each run `stateFile` holds the stack's resources as the
 * engine exported them (stack and provider resources left out, each with its `name` taken from
 * its URN), so `readState(stateFile).resources` reads the engine's own state.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { requireDist } from "./helpers";

export type Engine = typeof import("../tools/engine");

export function engine(): Engine {
  return requireDist("./dist/tools/engine.js");
}

/**
 * The engine's run options, with the stack's place given as the tests always gave it: the
 * program's folder and a state file, whose folder also holds the local backend.
 */
export type GoOptions = Omit<import("../tools/engine").RunOptions, "workDir" | "backendDir"> & { projectDir: string; stateFile: string };

export function backendOf(stateFile: string): string {
  return path.join(path.dirname(stateFile), "backend");
}

function engineOptions(o: GoOptions) {
  const { projectDir, stateFile, ...rest } = o;
  return { ...rest, workDir: projectDir, backendDir: backendOf(stateFile) };
}

/** One engine run; the state file is rewritten from the engine's export afterwards. */
export async function runEngine(verb: string, o: GoOptions) {
  const r = await engine().run(verb as any, engineOptions(o));
  const resources = r.resources.map((x: any) => ({ ...x, name: x.urn.slice(x.urn.lastIndexOf("::") + 2) }));
  fs.writeFileSync(o.stateFile, JSON.stringify({ resources }, null, 2));
  return { ...r, resources };
}

/** `pulumi cancel` on the stack `o` names. */
export async function cancelEngine(o: GoOptions): Promise<void> {
  await engine().cancel(engineOptions(o));
}

export function recorder() {
  const printed: string[] = [];
  const hostLogs: string[] = [];
  const errorsSeen: string[] = [];
  const statesSeen: string[] = [];
  const go = async (verb: string, o: GoOptions) => {
    const r = await runEngine(verb, o);
    printed.push(...r.lines);
    hostLogs.push(...r.diagnostics);
    errorsSeen.push(...r.errors);
    statesSeen.push(r.state);
    return r;
  };
  /** Every `__provider` text the exported states held. */
  const providers = (): string[] =>
    statesSeen.flatMap((t) => (JSON.parse(t).deployment?.resources ?? []).map((r: any) => r.outputs?.__provider ?? r.inputs?.__provider)).filter(Boolean);
  /** The texts to scan with `findCanaries`. */
  const texts = (): Record<string, string> => ({
    state: statesSeen.join("\n"),
    printed: printed.join("\n"),
    hostLog: hostLogs.join("\n"),
    errors: errorsSeen.join("\n"),
    provider: JSON.stringify(providers()),
  });
  return { go, printed, hostLogs, errorsSeen, statesSeen, providers, texts, out: (l: string) => printed.push(l) };
}
