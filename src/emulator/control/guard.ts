// Who may use the control API. The emulator runs next to the developer's browser, so every page they
// open can send it requests. As dev servers do (Vite's allowedHosts, webpack-dev-server's host check):
// - Host must name the emulator by a loopback name, an IP literal or a configured host, which defeats
//   DNS rebinding (a rebound page sends its own domain as Host);
// - a browser's cross-site request is refused by its Sec-Fetch-Site and Origin headers;
// - a request with a body must say application/json, which no form or no-cors request can send.
import type { EmuRequest } from '../http/transport.js';
import { hostName, isIpLiteral, isLoopbackHost } from '../model/hosts.js';

export interface GuardVerdict {
  readonly status: number;
  readonly error: string;
  readonly detail: string;
}

/**
 * A Host the control API answers: loopback names, IP literals (no rebinding page can send one for its
 * own origin) and the configured names.
 */
export function hostAllowed(name: string, allowed: ReadonlySet<string>): boolean {
  return isLoopbackHost(name) || isIpLiteral(name) || allowed.has(name);
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function checkControlRequest(req: EmuRequest, allowedHosts: ReadonlySet<string>): GuardVerdict | undefined {
  // An in-process request (the fetch handler) has no browser behind it and no Host to trust.
  if (req.transport === 'socket') {
    const host = hostName(req.header('host') ?? '');
    if (host === undefined || !hostAllowed(host, allowedHosts)) {
      return {
        status: 403,
        error: 'forbidden_host',
        detail: 'the control API answers only requests addressed to a loopback host, an IP address or allowedHosts',
      };
    }
  }
  const site = req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { status: 403, error: 'cross_site_request', detail: `Sec-Fetch-Site: ${site.slice(0, 40)} is refused` };
  }
  const origin = req.header('origin');
  if (origin !== undefined) {
    const authority = /^https?:\/\/([^/]*)$/i.exec(origin)?.[1];
    const own = req.header('host');
    if (authority === undefined || own === undefined || authority.toLowerCase() !== own.toLowerCase()) {
      return { status: 403, error: 'cross_site_request', detail: 'a request from another origin is refused' };
    }
  }
  if (!SAFE_METHODS.has(req.method)) {
    const type = (req.header('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return {
        status: 415,
        error: 'json_required',
        detail: 'control requests that change state must be sent as Content-Type: application/json',
      };
    }
  }
  return undefined;
}
