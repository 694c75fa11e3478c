/**
 * Pulumi's passphrase secrets provider, reimplemented so the offline driver reads the same
 * `Pulumi.<stack>.yaml` files a real `pulumi up` does (`encryptionsalt`, `secure: v1:...`) and
 * keeps its state's secrets the same way: PBKDF2-HMAC-SHA256 (1,000,000 rounds, 8-byte salt) →
 * AES-256-GCM with a 12-byte nonce, written `v1:<nonce b64>:<ciphertext+tag b64>`. The salt is
 * kept as `v1:<salt b64>:<encryption of "pulumi">`, which also tells a wrong passphrase at once.
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";

const ROUNDS = 1_000_000;
const keys = new Map<string, Buffer>();

export class PassphraseCrypter {
  private constructor(
    private readonly key: Buffer,
    /** `v1:<salt>:<verifier>`, the value of `encryptionsalt`. */
    readonly saltState: string,
  ) {}

  /** A new salt for a new stack. */
  static create(passphrase: string): PassphraseCrypter {
    const salt = randomBytes(8);
    const key = derive(passphrase, salt);
    const c = new PassphraseCrypter(key, "");
    return new PassphraseCrypter(key, `v1:${salt.toString("base64")}:${c.encrypt("pulumi")}`);
  }

  /** The crypter of an existing stack; throws on a wrong passphrase. */
  static open(passphrase: string, saltState: string, where: string): PassphraseCrypter {
    const [v, salt, ...rest] = saltState.split(":");
    if (v !== "v1" || !salt || rest.length === 0) throw new Error(`${where}: malformed encryptionsalt`);
    const c = new PassphraseCrypter(derive(passphrase, Buffer.from(salt, "base64")), saltState);
    let ok = false;
    try {
      ok = c.decrypt(rest.join(":")) === "pulumi";
    } catch {
      ok = false;
    }
    if (!ok) throw new Error(`${where}: incorrect passphrase (set PULUMI_CONFIG_PASSPHRASE to the stack's passphrase)`);
    return c;
  }

  encrypt(plaintext: string): string {
    const nonce = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, nonce);
    const ct = Buffer.concat([c.update(plaintext, "utf8"), c.final(), c.getAuthTag()]);
    return `v1:${nonce.toString("base64")}:${ct.toString("base64")}`;
  }

  decrypt(ciphertext: string): string {
    const [v, nonce, data] = ciphertext.split(":");
    if (v !== "v1" || !nonce || !data) throw new Error("unsupported ciphertext format");
    const buf = Buffer.from(data, "base64");
    const d = createDecipheriv("aes-256-gcm", this.key, Buffer.from(nonce, "base64"));
    d.setAuthTag(buf.subarray(buf.length - 16));
    return Buffer.concat([d.update(buf.subarray(0, buf.length - 16)), d.final()]).toString("utf8");
  }
}

/** Derivation is deliberately slow; a process derives each stack's key once. */
function derive(passphrase: string, salt: Buffer): Buffer {
  const id = `${salt.toString("base64")}\0${passphrase}`;
  let k = keys.get(id);
  if (!k) {
    k = pbkdf2Sync(passphrase, salt, ROUNDS, 32, "sha256");
    keys.set(id, k);
  }
  return k;
}
