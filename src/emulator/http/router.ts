// Routes a request: /api/<method>, /audit/v1/<endpoint>, the upload URL, the control API and the HTML page.

import { handleAudit } from '../audit-logs/routes.js';
import type { EmulatorContext } from '../context.js';
import { checkControlRequest } from '../control/guard.js';
import { handleControl } from '../control/index.js';
import { renderPage } from '../control/page.js';
import { scimRoute } from '../scim/index.js';
import { handleApi } from '../web-api/dispatch.js';
import { handleUpload } from '../web-api/upload.js';
import { installRoute } from './install-routes.js';
import { type EmuRequest, jsonReply, type Outcome, textReply } from './transport.js';

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export async function route(core: EmulatorContext, req: EmuRequest): Promise<Outcome> {
  const { path } = req;
  if (path.startsWith('/api/')) return handleApi(core, decode(path.slice(5)), req);
  if (path.startsWith('/audit/v1/')) return handleAudit(core, decode(path.slice(10)), req);
  if (path.startsWith('/_upload/')) return handleUpload(core, decode(path.slice(9)), req);
  if (path.startsWith('/_emulator/')) return handleControl(core, path.slice(11), req);
  const scim = scimRoute(core, req);
  if (scim !== undefined) return scim;
  const install = installRoute(core, req);
  if (install !== undefined) return install;
  if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    const refused = checkControlRequest(req, core.hosts.control);
    if (refused !== undefined) return jsonReply(refused.status, { ok: false, ...refused });
    return textReply(200, renderPage(core), 'text/html; charset=utf-8');
  }
  return jsonReply(404, { ok: false, error: 'not_found' });
}

/** Never lets an exception escape to an adapter: an emulator bug becomes a 500, not a crash. */
export async function handle(core: EmulatorContext, req: EmuRequest): Promise<Outcome> {
  try {
    return await route(core, req);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    if (
      error instanceof Error &&
      'code' in error &&
      (error.code === 'ECONNRESET' || error.code === 'ERR_STREAM_PREMATURE_CLOSE')
    ) {
      return { kind: 'drop' };
    }
    return jsonReply(500, { ok: false, error: 'internal_error', detail });
  }
}
