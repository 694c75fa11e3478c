/**
 * The VCF error model [seed]: `{errorCode, errorType, message, remediationMessage, referenceToken,
 * arguments[], causes[{type, message}], context{}, nestedErrors[]}`. `referenceToken` correlates
 * the answer with SDDC Manager's logs, so it is always shown, under its own name, for support.
 */
import { ApiError, codeForStatus, ERROR_CODES, type ErrorCode } from "../core/errors";
import { redact } from "../core/redact";
import { snippet, type ErrorContext } from "../core/api";

export const VENDOR = "VMware Cloud Foundation";

export interface VcfErrorModel {
  errorCode?: string;
  errorType?: string;
  message?: string;
  remediationMessage?: string;
  referenceToken?: string;
  arguments?: string[];
  causes?: Array<{ type?: string; message?: string }>;
  context?: Record<string, unknown>;
  nestedErrors?: VcfErrorModel[];
}

export class VcfApiError extends ApiError {
  override readonly name = "VcfApiError";

  /** The reference token is what VMware support asks for: name it as the vendor does. */
  override refreshMessage(): void {
    super.refreshMessage();
    this.message = this.message.replace(/\n  request id: (.*)$/m, "\n  reference token: $1 (quote it to VMware support)");
  }
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  [ERROR_CODES.unauthorized]:
    "check the SDDC Manager user and password (VCF_USERNAME / VCF_PASSWORD, the trustplane:vcfUsername / vcfPassword stack config, or connection.username / password)",
  [ERROR_CODES.forbidden]: "the SDDC Manager user lacks the ADMIN role needed to manage identity providers",
};

/**
 * Vendor codes that mean one of ours more precisely than the status. A name already taken: the
 * VCF reference documents no code for it, so `IDENTITY_PROVIDER_ALREADY_EXISTS` (what the emulator
 * answers, with 409) and any `…DUPLICATE…` code are [inferred]; a release that answered them with
 * a 400 would still mean a conflict.
 */
function codeOf(vendorCode: string | undefined, status: number): ErrorCode {
  if (/ALREADY_EXISTS|DUPLICATE/i.test(vendorCode ?? "")) return ERROR_CODES.conflict;
  return codeForStatus(status);
}

/**
 * SDDC Manager refused because the object is the built-in Embedded identity provider
 * (`IDENTITY_PROVIDER_EMBEDDED_NOT_ALLOWED` in the emulator [inferred]: the reference names no
 * code). It keeps the status's code (invalid, 400): none of ours says "built in".
 */
export function refusesEmbedded(e: unknown): e is VcfApiError {
  return e instanceof VcfApiError && /EMBEDDED/i.test(e.vendorCode ?? "");
}

/** Lines for causes and nested errors (each with its own remediation and reference token). */
export function modelDetails(m: VcfErrorModel, depth = 0): string[] {
  const out: string[] = [];
  const pad = "  ".repeat(depth);
  for (const c of m.causes ?? []) if (c.message) out.push(`${pad}cause${c.type ? ` (${c.type})` : ""}: ${c.message}`);
  for (const n of m.nestedErrors ?? []) {
    if (!n || typeof n !== "object") continue;
    const code = n.errorCode ? `${n.errorCode}: ` : "";
    out.push(`${pad}${code}${n.message ?? "(no message)"}`);
    if (n.remediationMessage) out.push(`${pad}  remediation: ${n.remediationMessage}`);
    out.push(...modelDetails(n, depth + 1));
  }
  return out;
}

export function toVcfError(ctx: ErrorContext): VcfApiError {
  const m = (ctx.body && typeof ctx.body === "object" ? ctx.body : {}) as VcfErrorModel;
  const message =
    m.message ?? (ctx.body === undefined ? `non-JSON answer: ${snippet(ctx.text)}` : snippet(typeof ctx.body === "string" ? ctx.body : JSON.stringify(ctx.body)));
  const code = codeOf(m.errorCode, ctx.status);
  return new VcfApiError({
    vendor: VENDOR,
    status: ctx.status,
    code,
    method: ctx.method,
    url: ctx.url,
    vendorCode: m.errorCode,
    vendorMessage: message,
    requestId: m.referenceToken,
    remediation: m.remediationMessage,
    details: modelDetails(m),
    hint: HINTS[code],
    retryAfter: ctx.retryAfter,
  });
}

/** A long-running SDDC Manager task that ended FAILED (or CANCELLED): its errors use the same model. */
export class VcfTaskFailedError extends Error {
  override readonly name = "VcfTaskFailedError";
  readonly code = ERROR_CODES.taskFailed;
  constructor(
    readonly taskId: string,
    readonly taskName: string,
    readonly status: string,
    readonly errors: VcfErrorModel[],
  ) {
    const lines = [`${VENDOR} task ${taskName ? `'${taskName}' ` : ""}(${taskId}) ended ${status}`];
    for (const e of errors) {
      lines.push(`  ${e.errorCode ? `${e.errorCode}: ` : ""}${e.message ?? "(no message)"}`);
      if (e.remediationMessage) lines.push(`    remediation: ${e.remediationMessage}`);
      if (e.referenceToken) lines.push(`    reference token: ${e.referenceToken} (quote it to VMware support)`);
      lines.push(...modelDetails(e, 2));
    }
    if (!errors.length) lines.push(`  see the task in SDDC Manager (Tasks panel, or GET /v1/tasks/${taskId}) for details`);
    // Task errors quote the spec at times (an LDAP bind failure names the user, sometimes more).
    super(redact(lines.join("\n")));
  }
}

/** The task did not finish within the bounded wait. */
export class VcfTaskTimeoutError extends Error {
  override readonly name = "VcfTaskTimeoutError";
  readonly code = ERROR_CODES.taskTimeout;
  constructor(readonly taskId: string, waitedMs: number) {
    super(
      `${VENDOR} task ${taskId} was still running after ${Math.round(waitedMs / 1000)} s; it may still complete: check it in SDDC Manager (GET /v1/tasks/${taskId}), then run \`pulumi refresh\` before the next update (raise TRUSTPLANE_VCF_TASK_TIMEOUT_MS to wait longer)`,
    );
  }
}
