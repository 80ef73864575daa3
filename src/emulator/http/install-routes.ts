// The install side's pages and endpoints outside /api/ and /_emulator/: the consent page, incoming
// webhooks and the response_urls of interactions.

import type { EmulatorContext } from '../context.js';
import { handleResponseUrl, isResponseUrlPath } from '../interactivity/response-url.js';
import { handleAuthorizePage } from '../oauth/consent-page.js';
import { handleWebhook } from '../webhooks/incoming.js';
import type { EmuRequest, Outcome } from './transport.js';

export function installRoute(core: EmulatorContext, req: EmuRequest): Promise<Outcome> | undefined {
  if (req.path === '/oauth/v2/authorize') return handleAuthorizePage(core, req);
  if (req.path.startsWith('/services/')) return handleWebhook(core, req.path.slice(1), req);
  if (isResponseUrlPath(req.path)) return handleResponseUrl(core, req.path, req);
  return undefined;
}
