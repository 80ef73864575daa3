// The one control router under /_emulator/: the guard, the route tables of each surface, one JSON body
// reader with one limit, and one error answer for every refusal.
import type { EmulatorContext } from '../context.js';
import { type EmuRequest, jsonReply, type Outcome, readBody } from '../http/transport.js';
import { AppError } from '../model/apps.js';
import { isObject, tryParseJson } from '../model/json.js';
import { OrgError } from '../model/orgs.js';
import { SeedError } from '../model/seed.js';
import { ConsentError } from '../oauth/consent.js';
import { FaultError } from '../web-api/faults.js';
import { checkControlRequest } from './guard.js';

/** Control bodies are seeds and rules: 1 MiB is far more than any needs. */
export const MAX_CONTROL_BODY = 1024 * 1024;

/** A control request the router refuses with 400 and `detail`. */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly code = 'invalid_request',
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface ControlInput {
  readonly req: EmuRequest;
  readonly params: URLSearchParams;
  /** The path after a prefix route's prefix, decoded. */
  readonly rest: string;
  /** The body as a JSON object ({} when empty); throws ControlError otherwise. */
  json(): Promise<Record<string, unknown>>;
}

export type ControlRoute = (ctx: EmulatorContext, input: ControlInput) => Promise<Outcome>;
/** Routes by `METHOD path`, e.g. `POST seed`. */
export type ControlRoutes = Readonly<Record<string, ControlRoute>>;

export interface ControlTables {
  readonly exact: ControlRoutes;
  /** Routes by path prefix (`apps/`), for any method. */
  readonly prefixed: Readonly<Record<string, ControlRoute>>;
}

async function readJson(req: EmuRequest): Promise<Record<string, unknown>> {
  const body = await readBody(req.body, MAX_CONTROL_BODY, MAX_CONTROL_BODY * 2);
  if (body === 'drop' || body === 'too_large') throw new ControlError('body too large', 'request_too_large', 413);
  if (body.length === 0) return {};
  const parsed = tryParseJson(body.toString('utf8'));
  if (!isObject(parsed)) throw new ControlError('body must be a JSON object');
  return parsed;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ControlError('malformed percent-encoding in the path');
  }
}

/** Errors of the model that a control request can cause: each a 400 with its message. */
const REQUEST_ERRORS = [RangeError, SeedError, FaultError, AppError, OrgError];

function refusal(error: unknown): Outcome | undefined {
  if (error instanceof ControlError) {
    return jsonReply(error.status, { ok: false, error: error.code, detail: error.message });
  }
  if (error instanceof ConsentError) return jsonReply(400, { ok: false, error: error.code, detail: error.message });
  if (REQUEST_ERRORS.some((type) => error instanceof type)) {
    return jsonReply(400, { ok: false, error: 'invalid_request', detail: (error as Error).message });
  }
  return undefined;
}

export function controlRouter(tables: ControlTables) {
  return async (ctx: EmulatorContext, path: string, req: EmuRequest): Promise<Outcome> => {
    const refused = checkControlRequest(req, ctx.hosts.control);
    if (refused !== undefined) return jsonReply(refused.status, { ok: false, ...refused });
    const key = `${req.method} ${path}`;
    let route: ControlRoute | undefined = tables.exact[key];
    let rest = '';
    if (route === undefined) {
      const prefix = Object.keys(tables.prefixed).find((p) => path.startsWith(p));
      route = prefix === undefined ? undefined : tables.prefixed[prefix];
      rest = prefix === undefined ? '' : path.slice(prefix.length);
    }
    if (route === undefined)
      return jsonReply(404, { ok: false, error: 'unknown_control_route', route: key.slice(0, 200) });
    try {
      const input: ControlInput = {
        req,
        params: new URLSearchParams(req.query),
        rest: decode(rest),
        json: () => readJson(req),
      };
      return await route(ctx, input);
    } catch (error) {
      const answer = refusal(error);
      if (answer !== undefined) return answer;
      throw error;
    }
  };
}
