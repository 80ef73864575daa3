// The Web API pipeline for /api/<method>: registry lookup, body, the auth the registry declares (token,
// token type, scopes; or client credentials), required arguments, then the handler or the recorded sample.

import type { Ctx, OAuthCtx } from '../context.js';
import { type EmuRequest, jsonReply, type Outcome, type Reply, readBody } from '../http/transport.js';
import type { MethodSpec } from '../model/catalog.js';
import { randomHex } from '../model/ids.js';
import type { JsonObject } from '../model/json.js';
import { authenticateClient } from '../oauth/oauth-access.js';
import { Args } from './args.js';
import { acceptedScopes, authenticate, authorize, bearerToken } from './auth.js';
import { parseArgs } from './body.js';
import { ApiFailure, fail, invalidArguments } from './failure.js';
import { applyFault } from './faults.js';
import { localizeUrls } from './local-urls.js';
import { RateLimitedFailure } from './rate-limits.js';
import { methodRegistry, takesToken } from './registry.js';
import { tokenDigest } from './request-log.js';

const MAX_API_BODY = 1024 * 1024;
const REQ_ID_PREFIX = randomHex(16);
let reqCounter = 0;

function requestId(): string {
  reqCounter += 1;
  return `${REQ_ID_PREFIX}${reqCounter.toString(16).padStart(16, '0')}`;
}

/** Absent required arguments: Slack answers invalid_arguments and names the field. */
function checkRequired(spec: MethodSpec, args: Args): void {
  const missing = spec.args.filter((a) => a.required && a.name !== 'token' && !args.has(a.name));
  if (missing.length > 0) throw invalidArguments(missing.map((a) => `[ERROR] missing required field: ${a.name}`));
}

/** Argument groups ("one of text, blocks, attachments") for methods answered from samples. */
function checkGroups(spec: MethodSpec, args: Args): void {
  for (const group of spec.argGroups) {
    if (!group.required || group.args.some((name) => args.has(name))) continue;
    if (group.args.includes('text')) throw fail('no_text');
    throw invalidArguments([`[ERROR] missing required field: one of ${group.args.join(', ')}`]);
  }
}

/** What the Web API works on: the OAuth pieces its handlers reach, limits, faults and the request log. */
type ApiCtx = OAuthCtx & Ctx<'faults' | 'rateLimits' | 'requests' | 'socketMode'>;

/** What the request log keeps of a call, filled in as the pipeline learns it. */
interface Trace {
  token: string | undefined;
  error: string | null;
}

function answer(
  core: ApiCtx,
  name: string,
  req: EmuRequest,
  body: Buffer,
  headers: Record<string, string>,
  trace: Trace,
) {
  const entry = methodRegistry().get(name);
  if (entry === undefined) throw fail('unknown_method', { req_method: name });
  const { spec } = entry;
  const parsed = parseArgs(req.query, req.header('content-type'), body);
  if (spec.status === 'retired') {
    throw fail('method_deprecated', {
      response_metadata: { messages: [`[ERROR] This method is retired and can no longer be used: ${name}.`] },
    });
  }
  const args = new Args(parsed.fields);
  // A JSON body cannot carry the token: Slack reads it from the Authorization header only.
  const formToken = parsed.json ? undefined : args.text('token');
  trace.token ??= formToken;
  const call = { spec, args, state: core.state, baseUrl: req.baseUrl, ctx: core, req, json: parsed.json };
  if (!takesToken(entry)) {
    // A client-credentials handler authenticates the app itself (a PKCE app may leave its secret out).
    if (entry.handler !== undefined) return localizeUrls(entry.handler(call), req.baseUrl, false);
    if (entry.auth.kind === 'client') authenticateClient(call);
    return localizeUrls(core.catalog.sample(name), req.baseUrl, true);
  }
  const token = authenticate(core.state, bearerToken(req.header('authorization')) ?? formToken);
  headers['x-oauth-scopes'] = token.scopes.join(',');
  headers['x-accepted-oauth-scopes'] = acceptedScopes(entry.auth, token).join(',');
  authorize(entry.auth, token);
  core.rateLimits.check(name, token, args.text('channel'));
  checkRequired(spec, args);
  if (entry.handler !== undefined) return localizeUrls(entry.handler({ ...call, token }), req.baseUrl, false);
  if (entry.auth.client === true) authenticateClient(call);
  checkGroups(spec, args);
  return localizeUrls(core.catalog.sample(name), req.baseUrl, true);
}

function dispatch(core: ApiCtx, name: string, req: EmuRequest, body: Buffer, trace: Trace): Reply {
  const headers: Record<string, string> = { 'x-slack-req-id': requestId() };
  let result: JsonObject;
  try {
    result = answer(core, name, req, body, headers, trace);
  } catch (error) {
    if (error instanceof RateLimitedFailure) {
      trace.error = 'ratelimited';
      return error.reply(headers, core.rateLimits.format);
    }
    if (!(error instanceof ApiFailure)) {
      // A bug in the emulator: say so loudly rather than pretend Slack answered.
      const detail = error instanceof Error ? error.message : String(error);
      trace.error = 'internal_error';
      return jsonReply(500, { ok: false, error: 'internal_error', detail }, headers);
    }
    result = error.body();
    trace.error = error.code;
  }
  return jsonReply(200, result, headers);
}

function statusOf(outcome: Outcome): number | null {
  return outcome.kind === 'reply' || outcome.kind === 'truncated' ? outcome.status : null;
}

export async function handleApi(core: ApiCtx, name: string, req: EmuRequest): Promise<Outcome> {
  const trace: Trace = { token: bearerToken(req.header('authorization')), error: null };
  const outcome = await answerApi(core, name, req, trace);
  core.requests.add({
    http_method: req.method,
    path: req.path.slice(0, 512),
    api_method: name.slice(0, 256),
    token_sha256: tokenDigest(trace.token),
    status: statusOf(outcome),
    error: trace.error,
  });
  return outcome;
}

async function answerApi(core: ApiCtx, name: string, req: EmuRequest, trace: Trace): Promise<Outcome> {
  const rule = core.faults.take(name);
  // `drop` closes the connection before the request is even read: Slack never saw it.
  if (rule?.kind === 'drop') return { kind: 'drop' };
  const body = await readBody(req.body, MAX_API_BODY);
  if (body === 'drop') return { kind: 'drop' };
  if (body === 'too_large') return jsonReply(413, { ok: false, error: 'request_too_large' });
  const run = async () => dispatch(core, name, req, body, trace);
  return rule === undefined ? run() : applyFault(rule, run);
}
