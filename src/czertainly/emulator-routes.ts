/**
 * CZERTAINLY emulator: the route table's helpers, and the bodies Spring answers on its own.
 */
import type { Emulator, EmuRequest, EmuResponse } from "../core/emulator";

export interface RouteContext {
  req: EmuRequest;
  /** Core's context URL as the client addressed it. */
  ctx: string;
  /** A path parameter parsed as `SecuredUUID` (400 when malformed). */
  uuid(name: string): string;
}

export interface Route {
  method: string;
  resource: string;
  action: string;
  match(seg: string[]): Record<string, string> | undefined;
  handler(r: RouteContext): EmuResponse;
}

export function route(method: string, pattern: string, resource: string, action: string, handler: (r: RouteContext) => EmuResponse): Route {
  const parts = pattern.split("/");
  return {
    method,
    resource,
    action,
    handler,
    match(seg) {
      if (seg.length !== parts.length) return undefined;
      const params: Record<string, string> = {};
      for (let i = 0; i < parts.length; i++) {
        if (parts[i].startsWith(":")) params[parts[i].slice(1)] = seg[i];
        else if (parts[i] !== seg[i]) return undefined;
      }
      return params;
    },
  };
}

/** Jackson NON_NULL: absent and null fields are left out. */
export function compact(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

export function contextUrl(req: EmuRequest, emu: Emulator): string {
  const scheme = new URL(emu.url).protocol;
  return `${scheme}//${req.headers.host ?? new URL(emu.url).host}/api`;
}

/** Spring's default body for an unmapped path. */
export function springNotFound(path: string): EmuResponse {
  return { status: 404, body: { timestamp: new Date().toISOString(), status: 404, error: "Not Found", path } };
}

export function methodNotAllowed(method: string): EmuResponse {
  return { status: 405, body: { message: `Request method '${method}' is not supported` } };
}
