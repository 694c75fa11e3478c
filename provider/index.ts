/**
 * `trustplane/provider`: the engine-side entry. The serialized `__provider` stubs require this
 * module by package name inside the dynamic-provider host and forward each hook to the vendor's
 * implementation, loaded on first use so a stack that uses one vendor loads only that vendor.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { engineFacing } from "../src/core/engine";
import { setStackConfig } from "../src/core/settings";

// zod compiles a parser for each object schema the first time it parses one (its "fastpass", code
// made with `new Function` and then compiled by V8), which pays only after thousands of parses of
// the same schema. The engine starts a new host for every operation, and a host checks and reads a
// few hundred resources at most before it is stopped: measured on this machine (SCM's answer, its
// wire schema then the program side), the first parse took 4.5-12 ms with it and 2-3 ms without,
// the next 40 parses 40-53 us each against 22, and a parse once hot 5-6 us against 6.4-7.3. So
// the host parses without it. The switch is read as each schema is built, so it comes before any
// vendor's module loads (they load in `hooks`, below); parsing gives the same results either way.
z.config({ jitless: true });

export type Hooks = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">>;

interface Entry {
  hooks: () => Hooks;
  /** Output keys the resource class lists in `additionalSecretOutputs`. */
  secretOutputs: () => readonly string[];
}

const registry: Record<string, Entry> = {
  "cxif:ScimConfiguration": {
    hooks: () => require("../src/cxif/provider").hooks,
    secretOutputs: () => require("../src/cxif/schema").SECRET_OUTPUTS,
  },
  "czertainly:ScepProfile": {
    hooks: () => require("../src/czertainly/provider").hooks,
    secretOutputs: () => require("../src/czertainly/schema").SECRET_OUTPUTS,
  },
  "vcf:IdentityProvider": {
    hooks: () => require("../src/vcf/provider").hooks,
    secretOutputs: () => require("../src/vcf/schema").SECRET_OUTPUTS,
  },
  "scm:ScepProfile": {
    hooks: () => require("../src/scm/provider").hooks,
    secretOutputs: () => require("../src/scm/schema").SECRET_OUTPUTS,
  },
  "nevisidm:ProfileProperties": {
    hooks: () => require("../src/nevisidm/provider").hooks,
    secretOutputs: () => require("../src/nevisidm/schema").SECRET_OUTPUTS,
  },
};

function entry(type: string): Entry {
  const key = type.replace(/^pulumi-nodejs:dynamic\//, "");
  const e = registry[key];
  if (!e) throw new Error(`trustplane/provider: unknown resource type '${type}' (is the installed trustplane older than the program's?)`);
  return e;
}

const engineHooks = new Map<string, Hooks>();

/** The hooks of `type`, as the engine may call them: no hook ever sees `__provider` or another engine key. */
export function hooks(type: string): Hooks {
  let h = engineHooks.get(type);
  if (!h) engineHooks.set(type, (h = engineFacing(entry(type).hooks())));
  return h;
}

export function secretOutputs(type: string): readonly string[] {
  return registry[type.replace(/^pulumi-nodejs:dynamic\//, "")] ? entry(type).secretOutputs() : [];
}

export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  setStackConfig(req.config);
}

export const resourceTypes = Object.keys(registry);
