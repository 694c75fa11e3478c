/**
 * The offline driver's stack state: one JSON file per stack, with every secret value encrypted
 * by the stack's passphrase crypter, in the shape Pulumi uses for secrets in state:
 * `{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:..."}`.
 * A plaintext secret never reaches disk.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PassphraseCrypter } from "./passphrase";

export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export type Props = Record<string, unknown>;

export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  id: string;
  /** Checked inputs, `__provider` included (the host needs it for refresh and destroy). */
  inputs: Props;
  outputs: Props;
  /** Top-level keys whose values are secret, in inputs and outputs alike. */
  secretKeys: string[];
  /** Set when create or update failed after the object existed; the next `up` finishes it. */
  initErrors?: string[];
  /**
   * The object a create-before-delete replace replaced, whose delete failed: it still exists, so it
   * stays in the state (beside its replacement, same URN) until a later `up` or `destroy` deletes
   * it, as the engine's `delete: true` entries do.
   */
  pendingDelete?: boolean;
}

export interface StackState {
  version: 1;
  project: string;
  stack: string;
  resources: ResourceState[];
  /** Stack outputs, secrets kept encrypted like the rest. */
  outputs: Props;
  secretOutputs: string[];
}

interface FileShape {
  version: 1;
  project: string;
  stack: string;
  encryptionSalt: string;
  resources: Array<Omit<ResourceState, "inputs" | "outputs"> & { inputs: Props; outputs: Props }>;
  outputs: Props;
  secretOutputs: string[];
}

export class StateFile {
  private crypter?: PassphraseCrypter;

  constructor(
    readonly file: string,
    private readonly passphrase: string,
  ) {}

  private encrypt(value: unknown): Props {
    return { [SECRET_SIG_KEY]: SECRET_SIG, ciphertext: this.crypter!.encrypt(JSON.stringify(value)) };
  }

  private decrypt(wrapped: Props): unknown {
    return JSON.parse(this.crypter!.decrypt(String(wrapped.ciphertext)));
  }

  load(project: string, stack: string): StackState {
    if (!fs.existsSync(this.file)) {
      this.crypter = PassphraseCrypter.create(this.passphrase);
      return { version: 1, project, stack, resources: [], outputs: {}, secretOutputs: [] };
    }
    const f = JSON.parse(fs.readFileSync(this.file, "utf8")) as FileShape;
    this.crypter = PassphraseCrypter.open(this.passphrase, f.encryptionSalt, this.file);
    const open = (p: Props): Props =>
      Object.fromEntries(
        Object.entries(p).map(([k, v]) => [k, isEncrypted(v) ? this.decrypt(v as Props) : v]),
      );
    return {
      version: 1,
      project: f.project,
      stack: f.stack,
      resources: f.resources.map((r) => ({ ...r, inputs: open(r.inputs), outputs: open(r.outputs) })),
      outputs: open(f.outputs),
      secretOutputs: f.secretOutputs ?? [],
    };
  }

  save(s: StackState): void {
    const seal = (p: Props, secret: string[]): Props =>
      Object.fromEntries(Object.entries(p).map(([k, v]) => [k, secret.includes(k) && v !== undefined ? this.encrypt(v) : v]));
    const f: FileShape = {
      version: 1,
      project: s.project,
      stack: s.stack,
      encryptionSalt: this.crypter!.saltState,
      resources: s.resources.map((r) => ({
        ...r,
        inputs: seal(r.inputs, r.secretKeys),
        outputs: seal(r.outputs, r.secretKeys),
      })),
      outputs: seal(s.outputs, s.secretOutputs),
      secretOutputs: s.secretOutputs,
    };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(f, null, 2) + "\n");
    fs.renameSync(tmp, this.file);
  }
}

function isEncrypted(v: unknown): boolean {
  return !!v && typeof v === "object" && (v as Props)[SECRET_SIG_KEY] === SECRET_SIG && "ciphertext" in (v as Props);
}
