/**
 * A client for the real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`), speaking
 * the same gRPC `ResourceProvider` protocol the Pulumi engine speaks to it. The host is spawned
 * in the program's directory, as the engine does, so the serialized `__provider` closures
 * resolve `require("trustplane/provider")` from there.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";

// The host's own protocol stubs and gRPC library, resolved through @pulumi/pulumi so the driver
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
  /** Lines the host prints to stderr (its own error logging), for the driver's log. */
  onLog?: (line: string) => void;
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

  private constructor(private readonly opts: HostOptions) {}

  static async start(opts: HostOptions): Promise<ProviderHost> {
    const h = new ProviderHost(opts);
    await h.spawn();
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
    readline.createInterface({ input: child.stderr! }).on("line", (l) => {
      this.log.push(l);
      this.opts.onLog?.(l);
    });
    const port = await new Promise<string>((resolve, reject) => {
      const rl = readline.createInterface({ input: child.stdout! });
      rl.once("line", (l) => resolve(l.trim()));
      child.once("exit", (code) => reject(new Error(`dynamic-provider host exited (${code}) before listening:\n${this.log.join("\n")}`)));
    });
    this.client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 64 * 1024 * 1024,
    });
    this.startupMs = Date.now() - t0;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async stop(): Promise<void> {
    this.client?.close();
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((r) => this.child!.once("exit", r));
      this.child.kill();
      await exited;
    }
  }

  private call<T>(method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client[method](req, (err: any, resp: T) => (err ? reject(toError(err)) : resolve(resp)));
    });
  }

  async configure(config: Record<string, string>): Promise<void> {
    const req = new provproto.ConfigureRequest();
    req.setArgs(structproto.Struct.fromJavaScript(config));
    req.setAcceptsecrets(false);
    await this.call("configure", req);
  }

  async check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(structproto.Struct.fromJavaScript(olds));
    req.setNews(structproto.Struct.fromJavaScript(news));
    const resp: any = await this.call("check", req);
    return {
      inputs: resp.getInputs()?.toJavaScript() ?? {},
      failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(urn: string, id: string, olds: Props, news: Props): Promise<DiffAnswer> {
    const req = new provproto.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(structproto.Struct.fromJavaScript(olds));
    req.setNews(structproto.Struct.fromJavaScript(news));
    const resp: any = await this.call("diff", req);
    const C = provproto.DiffResponse.DiffChanges;
    const c = resp.getChanges();
    return {
      changes: c === C.DIFF_SOME ? "some" : c === C.DIFF_NONE ? "none" : "unknown",
      replaces: resp.getReplacesList(),
      deleteBeforeReplace: resp.getDeletebeforereplace(),
    };
  }

  async create(urn: string, props: Props): Promise<{ id: string; outs: Props }> {
    const req = new provproto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(structproto.Struct.fromJavaScript(props));
    const resp: any = await this.call("create", req);
    return { id: resp.getId(), outs: resp.getProperties()?.toJavaScript() ?? {} };
  }

  async read(urn: string, id: string, props: Props, inputs: Props): Promise<{ id: string; props: Props; inputs?: Props }> {
    const req = new provproto.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(structproto.Struct.fromJavaScript(props));
    req.setInputs(structproto.Struct.fromJavaScript(inputs));
    const resp: any = await this.call("read", req);
    return { id: resp.getId(), props: resp.getProperties()?.toJavaScript() ?? {}, inputs: resp.getInputs()?.toJavaScript() };
  }

  async update(urn: string, id: string, olds: Props, news: Props): Promise<Props> {
    const req = new provproto.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(structproto.Struct.fromJavaScript(olds));
    req.setNews(structproto.Struct.fromJavaScript(news));
    const resp: any = await this.call("update", req);
    return resp.getProperties()?.toJavaScript() ?? {};
  }

  async delete(urn: string, id: string, props: Props): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(structproto.Struct.fromJavaScript(props));
    await this.call("delete", req);
  }
}

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
