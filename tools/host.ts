/**
 * A thin client for the real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`),
 * speaking the gRPC `ResourceProvider` protocol the Pulumi engine speaks to it, one call at a
 * time. It is kept only where the real engine cannot serve: the benchmark (which times single
 * hooks against a bare HTTP floor) and tests that call one hook at a time with inputs no program
 * could produce (the generated bad inputs, TLS and hostile answers). It is never the proof that
 * a lifecycle works: that is tools/engine.ts, the real engine. The host is spawned in the
 * program's directory, as the engine does, so the serialized `__provider` closures resolve
 * `require("trustplane/provider")` from there.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { statFields } from "./proc";

// The host's own protocol stubs and gRPC library, resolved through @pulumi/pulumi so this client
// speaks exactly the protocol version the installed SDK ships.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const provproto = require(path.join(pulumiDir, "proto/provider_pb"));
const provrpc = require(path.join(pulumiDir, "proto/provider_grpc_pb"));
const structproto = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
const statusproto = require(path.join(pulumiDir, "proto/status_pb"));

export type Props = Record<string, unknown>;

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface DiffAnswer {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** A create or update that failed after the object came to exist (ErrorResourceInitFailed). */
export class InitFailedError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    readonly reasons: string[],
  ) {
    super(message);
  }
}

export interface HostOptions {
  /** Working directory of the host: the Pulumi program's directory. */
  cwd: string;
  project: string;
  /** Lines the host prints to stderr (its own error logging). */
  onLog?: (line: string) => void;
  /** Per-call deadlines in milliseconds; defaults from `deadlinesFromEnv()`. */
  deadlines?: Partial<Deadlines>;
}

/**
 * How long each gRPC call may take before it fails with an error naming the call, instead of
 * waiting forever on a host that will not answer. Offline calls (Configure, Check, Diff) get less
 * than the calls that talk to the vendor API, whose own retries and backoff can take a while.
 */
export interface Deadlines {
  /** Spawn until the host prints its port. */
  startMs: number;
  configureMs: number;
  checkMs: number;
  diffMs: number;
  createMs: number;
  readMs: number;
  updateMs: number;
  deleteMs: number;
}

export const DEFAULT_DEADLINES: Deadlines = {
  startMs: 60_000,
  configureMs: 30_000,
  checkMs: 60_000,
  diffMs: 60_000,
  createMs: 90_000,
  readMs: 90_000,
  updateMs: 90_000,
  deleteMs: 90_000,
};

/**
 * `TRUSTPLANE_HOST_DEADLINE_MS` sets every call's deadline at once (a slow API, a debugger);
 * `TRUSTPLANE_HOST_<CALL>_DEADLINE_MS` (CREATE, READ, …, START) sets one.
 */
export function deadlinesFromEnv(env: NodeJS.ProcessEnv = process.env): Deadlines {
  const num = (name: string): number | undefined => {
    const v = env[name];
    const n = v === undefined || v === "" ? NaN : Number(v);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const all = num("TRUSTPLANE_HOST_DEADLINE_MS");
  const out = { ...DEFAULT_DEADLINES };
  for (const k of Object.keys(out) as (keyof Deadlines)[]) {
    const one = num(`TRUSTPLANE_HOST_${k.replace(/Ms$/, "").toUpperCase()}_DEADLINE_MS`);
    out[k] = one ?? all ?? out[k];
  }
  return out;
}

type HostCall = "configure" | "check" | "diff" | "create" | "read" | "update" | "delete";

/**
 * With `TRUSTPLANE_HOST_TRACE=<file>`, one JSON line per host event (spawn, each call with its
 * duration, stop) is appended to the file: what to look at when a run is slow or seems stuck.
 */
export function trace(event: string, fields: Record<string, unknown> = {}): void {
  const file = process.env.TRUSTPLANE_HOST_TRACE;
  if (!file) return;
  try {
    fs.appendFileSync(file, JSON.stringify({ t: new Date().toISOString(), pid: process.pid, event, ...fields }) + "\n");
  } catch {
    // tracing must never break a run
  }
}

/** A gRPC call to the host that got no answer before its deadline. */
export class HostDeadlineError extends Error {}

/** Every host this process started and has not stopped yet: killed if the process exits first. */
const liveHosts = new Set<ChildProcess>();
let exitHookInstalled = false;
/**
 * Every process below `roots` (children, theirs, …), from each process's parent in /proc. Read
 * while the roots live: a killed process's children are handed to init and no longer found here.
 */
export function descendantPids(roots: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const f = statFields(Number(d));
    if (!f) continue; // gone meanwhile
    const ppid = Number(f[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
  }
  const out: number[] = [];
  const queue = [...roots];
  while (queue.length) for (const c of children.get(queue.shift()!) ?? []) out.push(c), queue.push(c);
  return out;
}

function track(child: ChildProcess): void {
  liveHosts.add(child);
  child.once("exit", () => liveHosts.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A test that timed out, or a caller that threw past its `finally`, must not leave hosts behind.
    process.once("exit", () => {
      for (const c of liveHosts) c.kill("SIGKILL");
    });
  }
}

let linkDir: string | undefined;

/**
 * When `trustplane` is not installed where the program lives (this repository's own tests and
 * demo run from its source tree), give the host a NODE_PATH entry that resolves it to this
 * package, as `npm install` would in a user's project.
 */
function nodePathFor(cwd: string): string | undefined {
  // The host's closures resolve like a module in `cwd` (no package self-reference), so look for
  // an installed copy exactly where Node would.
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "node_modules", "trustplane", "package.json"))) return undefined;
    if (path.dirname(dir) === dir) break;
  }
  {
    if (!linkDir) {
      linkDir = fs.mkdtempSync(path.join(os.tmpdir(), "trustplane-host-"));
      fs.mkdirSync(path.join(linkDir, "node_modules"));
      fs.symlinkSync(path.resolve(__dirname, "..", ".."), path.join(linkDir, "node_modules", "trustplane"), "dir");
    }
    return path.join(linkDir, "node_modules");
  }
}

export class ProviderHost {
  private child?: ChildProcess;
  private client: any;
  readonly log: string[] = [];
  readonly deadlines: Deadlines;

  private constructor(private readonly opts: HostOptions) {
    this.deadlines = { ...deadlinesFromEnv(), ...(opts.deadlines ?? {}) };
  }

  static async start(opts: HostOptions): Promise<ProviderHost> {
    const h = new ProviderHost(opts);
    try {
      await h.spawn();
    } catch (e) {
      await h.stop();
      throw e;
    }
    return h;
  }

  /** Milliseconds from spawn to the host listening, for the benchmark's cold-start figure. */
  startupMs = 0;

  private async spawn(): Promise<void> {
    const t0 = Date.now();
    const hostMain = path.join(pulumiDir, "cmd", "dynamic-provider", "index.js");
    const extra = nodePathFor(this.opts.cwd);
    const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_NODEJS_PROJECT: this.opts.project };
    if (extra) env.NODE_PATH = [extra, process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
    const child = spawn(process.execPath, [hostMain, "127.0.0.1:0"], { cwd: this.opts.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    track(child);
    readline.createInterface({ input: child.stderr! }).on("line", (l) => {
      this.log.push(l);
      this.opts.onLog?.(l);
    });
    const port = await new Promise<string>((resolve, reject) => {
      const rl = readline.createInterface({ input: child.stdout! });
      const timer = setTimeout(
        () => reject(new HostDeadlineError(`dynamic-provider host did not print its port within ${this.deadlines.startMs} ms${this.logTail()}`)),
        this.deadlines.startMs,
      );
      rl.once("line", (l) => {
        clearTimeout(timer);
        resolve(l.trim());
      });
      child.once("error", (e) => {
        clearTimeout(timer);
        reject(new Error(`dynamic-provider host could not be started: ${e.message}`));
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`dynamic-provider host exited (${signal ?? code}) before listening:\n${this.log.join("\n")}`));
      });
    });
    if (!/^\d+$/.test(port)) throw new Error(`dynamic-provider host printed '${port}' where its port was expected${this.logTail()}`);
    this.client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 64 * 1024 * 1024,
    });
    this.startupMs = Date.now() - t0;
    trace("host-started", { host: child.pid, ms: this.startupMs });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Closes the channel and kills the host: SIGTERM, then SIGKILL if it has not exited within 5 s.
   * Returns without waiting when there is nothing left to wait for (never started, or already
   * gone, exit code or signal alike), and gives up waiting 5 s after the SIGKILL.
   */
  async stop(): Promise<void> {
    this.client?.close();
    const child = this.child;
    trace("host-stop", { host: child?.pid, exitCode: child?.exitCode, signal: child?.signalCode });
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<boolean>((r) => child.once("exit", () => r(true)));
    const within = async (ms: number) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
      const done = await Promise.race([exited, late]);
      clearTimeout(timer);
      return done;
    };
    child.kill("SIGTERM");
    if (await within(5_000)) return;
    child.kill("SIGKILL");
    await within(5_000);
  }

  private logTail(): string {
    const tail = this.log.slice(-20);
    return tail.length ? `; the host's last log lines:\n${tail.join("\n")}` : "";
  }

  /**
   * One unary call with a deadline, on bytes already marshalled. A call that gets no answer in
   * time fails with DEADLINE_EXCEEDED, turned into an error that names the call and the resource.
   */
  private call(method: HostCall, request: Uint8Array, urn?: string): Promise<Uint8Array> {
    const ms = this.deadlines[`${method}Ms`];
    const t0 = Date.now();
    const path: string = provrpc.ResourceProviderService[method].path;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(path, passBytes, passBytes, request, new grpc.Metadata(), { deadline: t0 + ms }, (err: any, resp: Uint8Array) => {
        trace("call", { host: this.child?.pid, method, urn, ms: Date.now() - t0, error: err ? String(err.details ?? err.message).slice(0, 200) : undefined });
        if (!err) return resolve(resp);
        if (err.code === grpc.status.DEADLINE_EXCEEDED) {
          const what = `${method[0].toUpperCase()}${method.slice(1)}${urn ? ` of ${urn}` : ""}`;
          return reject(
            new HostDeadlineError(
              `dynamic-provider host: ${what} got no answer within ${ms} ms (deadline exceeded; raise TRUSTPLANE_HOST_${method.toUpperCase()}_DEADLINE_MS if the API is this slow)${this.logTail()}`,
            ),
          );
        }
        reject(toError(err));
      });
    });
  }

  /** A call marshalled now, to be sent and its answer unmarshalled later. */
  private prepare<T>(method: HostCall, req: any, urn: string | undefined, decode: (resp: any) => T): PreparedCall<T> {
    const bytes: Uint8Array = req.serializeBinary();
    const answer = provrpc.ResourceProviderService[method].responseType;
    return {
      send: () => this.call(method, bytes, urn),
      decode: (b) => decode(answer.deserializeBinary(b)),
    };
  }

  private async run<T>(p: PreparedCall<T>): Promise<T> {
    return p.decode(await p.send());
  }

  async configure(config: Record<string, string>): Promise<void> {
    const req = new provproto.ConfigureRequest();
    req.setArgs(structproto.Struct.fromJavaScript(config));
    req.setAcceptsecrets(false);
    await this.run(this.prepare("configure", req, undefined, () => undefined));
  }

  async check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(structproto.Struct.fromJavaScript(olds));
    req.setNews(structproto.Struct.fromJavaScript(news));
    return this.run(
      this.prepare("check", req, urn, (resp) => ({
        inputs: resp.getInputs()?.toJavaScript() ?? {},
        failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
      })),
    );
  }

  async diff(urn: string, id: string, olds: Props, news: Props): Promise<DiffAnswer> {
    const req = new provproto.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(structproto.Struct.fromJavaScript(olds));
    req.setNews(structproto.Struct.fromJavaScript(news));
    const C = provproto.DiffResponse.DiffChanges;
    return this.run(
      this.prepare("diff", req, urn, (resp): DiffAnswer => {
        const c = resp.getChanges();
        return {
          changes: c === C.DIFF_SOME ? "some" : c === C.DIFF_NONE ? "none" : "unknown",
          replaces: resp.getReplacesList(),
          deleteBeforeReplace: resp.getDeletebeforereplace(),
        };
      }),
    );
  }

  // These four stay async, so that a property the protobuf Struct cannot hold rejects instead of throwing.
  async create(urn: string, props: Props): Promise<{ id: string; outs: Props }> {
    return this.run(this.prepareCreate(urn, props));
  }

  async read(urn: string, id: string, props: Props, inputs: Props): Promise<{ id: string; props: Props; inputs?: Props }> {
    return this.run(this.prepareRead(urn, id, props, inputs));
  }

  async update(urn: string, id: string, olds: Props, news: Props): Promise<Props> {
    return this.run(this.prepareUpdate(urn, id, olds, news));
  }

  async delete(urn: string, id: string, props: Props): Promise<void> {
    return this.run(this.prepareDelete(urn, id, props));
  }

  // The four calls that reach the vendor API, split in three (marshal now, send, unmarshal) for
  // the benchmark: the engine that really drives the host is Go, whose protobuf work costs a
  // fraction of google-protobuf's in JavaScript and runs on its own threads, so timing only
  // `send()` leaves the stand-in engine's own cost out of what is charged to the provider. The
  // host's marshalling of both sides stays in.

  prepareCreate(urn: string, props: Props): PreparedCall<{ id: string; outs: Props }> {
    const req = new provproto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(structproto.Struct.fromJavaScript(props));
    return this.prepare("create", req, urn, (resp) => ({ id: resp.getId(), outs: resp.getProperties()?.toJavaScript() ?? {} }));
  }

  prepareRead(urn: string, id: string, props: Props, inputs: Props): PreparedCall<{ id: string; props: Props; inputs?: Props }> {
    const req = new provproto.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(structproto.Struct.fromJavaScript(props));
    req.setInputs(structproto.Struct.fromJavaScript(inputs));
    return this.prepare("read", req, urn, (resp) => ({
      id: resp.getId(),
      props: resp.getProperties()?.toJavaScript() ?? {},
      inputs: resp.getInputs()?.toJavaScript(),
    }));
  }

  prepareUpdate(urn: string, id: string, olds: Props, news: Props): PreparedCall<Props> {
    const req = new provproto.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(structproto.Struct.fromJavaScript(olds));
    req.setNews(structproto.Struct.fromJavaScript(news));
    return this.prepare("update", req, urn, (resp) => resp.getProperties()?.toJavaScript() ?? {});
  }

  prepareDelete(urn: string, id: string, props: Props): PreparedCall<void> {
    const req = new provproto.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(structproto.Struct.fromJavaScript(props));
    return this.prepare("delete", req, urn, () => undefined);
  }
}

/** A host call marshalled ahead of time: `send()` is the round trip alone, `decode()` reads its answer. */
export interface PreparedCall<T> {
  send(): Promise<Uint8Array>;
  decode(answer: Uint8Array): T;
}

// grpc-js hands a unary call's bytes to these; the messages are (un)marshalled around the call.
const passBytes = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** gRPC errors carry ErrorResourceInitFailed in `grpc-status-details-bin` (see the host's grpcResponseFromError). */
function toError(err: any): Error {
  const bin = err?.metadata?.get?.("grpc-status-details-bin")?.[0];
  if (bin) {
    try {
      const status = statusproto.Status.deserializeBinary(new Uint8Array(bin));
      for (const any of status.getDetailsList()) {
        if (any.getTypeName() === "pulumirpc.ErrorResourceInitFailed") {
          const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
          return new InitFailedError(err.details ?? err.message, d.getId(), d.getProperties()?.toJavaScript() ?? {}, d.getReasonsList());
        }
      }
    } catch {
      // fall through to the plain error
    }
  }
  const e = new Error(err?.details ?? err?.message ?? String(err));
  return e;
}
