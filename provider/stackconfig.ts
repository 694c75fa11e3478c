/**
 * Reading and writing `Pulumi.<stack>.yaml` as the Pulumi CLI does: keys without a namespace
 * belong to the project, `secure:` values are encrypted with the stack's passphrase
 * (`encryptionsalt`), other values are strings (non-strings are kept as JSON text, as Pulumi
 * hands them to programs).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import type { ConfigValue } from "./driver";
import { PassphraseCrypter } from "./passphrase";

export function projectName(projectDir: string): string {
  const doc = yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: string };
  if (!doc?.name) throw new Error(`${projectDir}/Pulumi.yaml has no project name`);
  return doc.name;
}

function stackFile(projectDir: string, stack: string): string {
  return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

export function fullKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

export function loadStackConfig(projectDir: string, stack: string, passphrase: string): Record<string, ConfigValue> {
  const project = projectName(projectDir);
  const out: Record<string, ConfigValue> = {};
  // Project-level defaults (Pulumi.yaml `config: {key: {default}}`), overridden by the stack file.
  const proj = yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { config?: Record<string, unknown> };
  for (const [k, v] of Object.entries(proj?.config ?? {})) {
    const d = v && typeof v === "object" && "default" in (v as object) ? (v as { default: unknown }).default : v;
    if (d !== undefined && (typeof d !== "object" || d === null)) out[fullKey(project, k)] = { value: String(d) };
  }
  const file = stackFile(projectDir, stack);
  if (!fs.existsSync(file)) return out;
  const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { encryptionsalt?: string; config?: Record<string, unknown> };
  let crypter: PassphraseCrypter | undefined;
  for (const [k, v] of Object.entries(doc.config ?? {})) {
    if (v && typeof v === "object" && "secure" in (v as object)) {
      if (!doc.encryptionsalt) throw new Error(`${file}: secure value for ${k} but no encryptionsalt`);
      crypter ??= PassphraseCrypter.open(passphrase, doc.encryptionsalt, file);
      out[fullKey(project, k)] = { value: crypter.decrypt(String((v as { secure: string }).secure)), secret: true };
    } else {
      out[fullKey(project, k)] = { value: typeof v === "string" ? v : JSON.stringify(v) };
    }
  }
  return out;
}

/** `pulumi config set [--secret] key value` for machines without the CLI. */
export function setStackConfig(projectDir: string, stack: string, passphrase: string, key: string, value: string, secret: boolean): void {
  const file = stackFile(projectDir, stack);
  const doc = (fs.existsSync(file) ? yaml.load(fs.readFileSync(file, "utf8")) : {}) as {
    encryptionsalt?: string;
    config?: Record<string, unknown>;
  };
  doc.config ??= {};
  if (secret) {
    const crypter = doc.encryptionsalt ? PassphraseCrypter.open(passphrase, doc.encryptionsalt, file) : PassphraseCrypter.create(passphrase);
    doc.encryptionsalt = crypter.saltState;
    doc.config[key] = { secure: crypter.encrypt(value) };
  } else {
    doc.config[key] = value;
  }
  fs.writeFileSync(file, yaml.dump(doc, { lineWidth: 200 }));
}
