/**
 * Runs the offline driver and keeps everything a secret could escape to: what was printed, what
 * the host logged, every error, and the state file after each run (with its `__provider` texts).
 */
import * as fs from "node:fs";
import { driver } from "./helpers";

export function recorder() {
  const printed: string[] = [];
  const hostLogs: string[] = [];
  const errorsSeen: string[] = [];
  const statesSeen: string[] = [];
  const go = async (verb: string, o: any) => {
    const r = await driver().run(verb as any, o);
    hostLogs.push(...r.host.log);
    errorsSeen.push(...r.errors);
    if (fs.existsSync(o.stateFile)) statesSeen.push(fs.readFileSync(o.stateFile, "utf8"));
    return r;
  };
  /** Every `__provider` text the states held. */
  const providers = (): string[] => statesSeen.flatMap((t) => JSON.parse(t).resources.map((r: any) => r.outputs.__provider)).filter(Boolean);
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
