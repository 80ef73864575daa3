// The consent page at /oauth/v2/authorize: GET validates the request and shows a plain HTML form (pick a
// workspace, see the scopes, Allow or Cancel); POST carries the decision and answers with the 302 Slack
// would send. Errors stay on the page: nothing is ever redirected to a URL the app did not register.

import type { OAuthCtx } from '../context.js';
import { escapeHtml } from '../control/page.js';
import { type EmuRequest, type Outcome, readBody, reply } from '../http/transport.js';
import type { ConsentTicket } from '../model/oauth-state.js';
import { ConsentError, decide, openConsent } from './consent.js';

const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
};

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:3em auto;max-width:36em;padding:0 1em;color:#1d1c1d}' +
  'button{font-size:1em;font-weight:600;padding:.6em 1.6em;margin-right:1em;border-radius:6px;cursor:pointer}' +
  '#allow{background:#007a5a;color:#fff;border:1px solid #007a5a}' +
  '#cancel{background:#fff;color:#1d1c1d;border:1px solid #868686}' +
  'ul{padding-left:1.2em}li{margin:.3em 0}li code{color:#616061;font-size:.85em;margin-left:.4em}' +
  'select{font-size:1em}.error{color:#b00}';

/** What a scope lets the app do, in words (the code is shown next to it, for developers). */
const SCOPE_WORDS: Readonly<Record<string, string>> = {
  'chat:write': 'Send messages as the app',
  'chat:write.public': "Send messages to channels the app isn't a member of",
  'channels:read': 'View basic information about public channels',
  'channels:history': 'View messages and other content in public channels the app is in',
  'channels:join': 'Join public channels',
  'groups:read': 'View basic information about private channels the app is in',
  'groups:history': 'View messages in private channels the app is in',
  'im:read': 'View basic information about direct messages with the app',
  'im:history': 'View messages in direct messages with the app',
  'im:write': 'Start direct messages with people',
  'users:read': 'View people in the workspace',
  'users:read.email': "View people's email addresses",
  'reactions:read': 'View emoji reactions',
  'reactions:write': 'Add and remove emoji reactions',
  'files:read': 'View files shared in channels the app is in',
  'files:write': 'Upload, edit and delete files as the app',
  commands: 'Add shortcuts and slash commands',
  'incoming-webhook': 'Post messages to a channel you pick',
  'app_mentions:read': 'View messages that mention the app',
  'team:read': 'View the name, email domain and icon of the workspace',
  'search:read': 'Search the workspace content',
  identify: 'Confirm your identity',
};

function page(status: number, title: string, body: string): Outcome {
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
  return reply(status, html, { ...PAGE_HEADERS });
}

function errorPage(status: number, code: string, message: string): Outcome {
  return page(
    status,
    'Something went wrong',
    `<h1>Something went wrong when authorizing this app.</h1><p class="error" id="error" data-error="${escapeHtml(
      code,
    )}">${escapeHtml(message)}</p><p><small>Error: <code>${escapeHtml(code)}</code></small></p>`,
  );
}

function choiceLabel(core: OAuthCtx, id: string): string {
  const org = core.oauth.enterprises.get(id);
  if (org !== undefined) return `${org.name} (entire organization)`;
  const team = core.state.teams.get(id);
  const orgId = core.oauth.teamEnterprise.get(id);
  const orgName = orgId === undefined ? undefined : core.oauth.enterprises.get(orgId)?.name;
  return orgName === undefined ? (team?.name ?? id) : `${team?.name ?? id} (${orgName})`;
}

function scopeList(title: string, scopes: readonly string[], id: string): string {
  if (scopes.length === 0) return '';
  const items = scopes
    .map((s) => {
      const words = Object.hasOwn(SCOPE_WORDS, s) ? SCOPE_WORDS[s] : undefined;
      return words === undefined
        ? `<li data-scope="${escapeHtml(s)}"><code>${escapeHtml(s)}</code></li>`
        : `<li data-scope="${escapeHtml(s)}">${escapeHtml(words)}<code>${escapeHtml(s)}</code></li>`;
    })
    .join('');
  return `<h2>${escapeHtml(title)}</h2><ul id="${id}">${items}</ul>`;
}

function channelPicker(core: OAuthCtx, ticket: ConsentTicket): string {
  if (!ticket.botScopes.includes('incoming-webhook')) return '';
  const groups: string[] = [];
  for (const choice of ticket.choices) {
    const teamId = core.oauth.enterprises.get(choice)?.teamIds[0] ?? choice;
    const options = [...core.state.channels.values()]
      .filter((c) => c.teamId === teamId && (c.kind === 'public' || c.kind === 'private') && !c.archived)
      .map((c) => `<option value="${escapeHtml(c.id)}">#${escapeHtml(c.name)}</option>`);
    groups.push(`<optgroup label="${escapeHtml(choiceLabel(core, choice))}">${options.join('')}</optgroup>`);
  }
  return `<p><label for="channel">Where should the app post?</label> <select id="channel" name="channel">${groups.join('')}</select></p>`;
}

function consentPage(core: OAuthCtx, ticket: ConsentTicket): Outcome {
  const app = core.apps.find(ticket.appId);
  const name = app?.name ?? 'An app';
  const options = ticket.choices
    .map((id) => `<option value="${escapeHtml(id)}">${escapeHtml(choiceLabel(core, id))}</option>`)
    .join('');
  const first = ticket.choices[0] ?? '';
  const workspace =
    ticket.choices.length === 1
      ? `<p>Workspace: <b id="workspace">${escapeHtml(choiceLabel(core, first))}</b></p><input type="hidden" name="team" value="${escapeHtml(first)}">`
      : `<p><label for="team">Workspace</label> <select id="team" name="team">${options}</select></p>`;
  const body =
    `<h1><span id="app-name">${escapeHtml(name)}</span> is requesting permission to access your Slack workspace</h1>` +
    `<form method="POST" action="/oauth/v2/authorize"><input type="hidden" name="ticket" value="${escapeHtml(ticket.id)}">` +
    workspace +
    scopeList('What the app can view and do (bot)', ticket.botScopes, 'bot-scopes') +
    scopeList('What the app can do on your behalf (user)', ticket.userScopes, 'user-scopes') +
    channelPicker(core, ticket) +
    '<p><button type="submit" id="allow" name="decision" value="allow">Allow</button>' +
    '<button type="submit" id="cancel" name="decision" value="cancel">Cancel</button></p></form>';
  return page(200, `Install ${name}`, body);
}

async function postDecision(core: OAuthCtx, req: EmuRequest): Promise<Outcome> {
  const body = await readBody(req.body, 64 * 1024);
  if (body === 'drop') return { kind: 'drop' };
  if (body === 'too_large') return errorPage(413, 'request_too_large', 'The form was too large.');
  const form = new URLSearchParams(body.toString('utf8'));
  const ticket = core.oauth.takeTicket(form.get('ticket') ?? '', core.clock.now());
  if (ticket === undefined) {
    return errorPage(400, 'invalid_request', 'This authorization request has expired or was already used.');
  }
  const result = decide(core, ticket, {
    allow: form.get('decision') === 'allow',
    team: form.get('team') ?? undefined,
    channel: form.get('channel') ?? undefined,
  });
  return reply(302, '', { location: result.location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
}

export async function handleAuthorizePage(core: OAuthCtx, req: EmuRequest): Promise<Outcome> {
  try {
    if (req.method === 'GET' || req.method === 'HEAD') {
      return consentPage(core, openConsent(core, new URLSearchParams(req.query)));
    }
    if (req.method === 'POST') return await postDecision(core, req);
    return errorPage(405, 'method_not_allowed', 'Use GET or POST.');
  } catch (error) {
    if (error instanceof ConsentError) return errorPage(400, error.code, error.message);
    throw error;
  }
}
