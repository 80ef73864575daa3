// The pages the install flow shows. Every page is fixed text plus escaped values that came from
// Slack or the configuration, never from the request; each is overridable through InstallerOptions.pages.

/** Why an install failed: the page shown and the `code` of the log line (exported as constants). */
export const FailureReason = {
  BadRequest: 'bad_request',
  StateInvalid: 'state_invalid',
  StateCookieMismatch: 'state_cookie_mismatch',
  StateUnknown: 'state_unknown',
  StateStoreUnavailable: 'state_store_unavailable',
  SlackError: 'slack_error',
  ExchangeFailed: 'exchange_failed',
  ExchangeInvalid: 'exchange_invalid',
  StoreFailed: 'store_failed',
  InternalError: 'internal_error',
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];

export interface InstallPageContext {
  /** The authorize URL (with state) the button points at. */
  url: string;
  /** Set when the workspace is installed but lacks configured scopes: offer "Update permissions". */
  missingScopes: string[] | undefined;
  /** The app's name (InstallerOptions.appName), when configured. */
  appName?: string | undefined;
  /** The bot scopes the install asks for. */
  scopes?: readonly string[];
  /** The user scopes the install asks for. */
  userScopes?: readonly string[];
  /** Set when `?team=` names a workspace that already has the app with every configured scope. */
  alreadyInstalled?: { teamId: string; teamName: string | undefined } | undefined;
}

export interface FailurePageContext {
  /** Where "start again from the install page" links to. */
  installUrl?: string | undefined;
}

export interface Pages {
  install(context: InstallPageContext): string;
  success(context: { teamName: string | undefined }): string;
  cancelled(): string;
  failure(reason: FailureReason, context?: FailurePageContext): string;
  notConfigured(): string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const FAILURES: Record<FailureReason, string> = {
  bad_request: 'This installation link is not valid.',
  state_invalid: 'This installation link is not valid. Start again from the install page.',
  state_cookie_mismatch:
    'This installation was started in another browser (or its cookie was lost). Start again from the install page.',
  state_unknown: 'This installation link has expired or was already used. Start again from the install page.',
  state_store_unavailable: 'Installations cannot be started right now. Try again later.',
  slack_error: 'Slack did not complete the installation. Start again from the install page.',
  exchange_failed: 'Slack could not be reached to finish the installation. Try again in a moment.',
  exchange_invalid: "Slack's answer could not be read, so nothing was installed. Try again in a moment.",
  store_failed: 'The installation could not be saved. Try again in a moment.',
  internal_error: 'Something went wrong on our side, so nothing was installed. Try again later.',
};

/** A page in the style of the install flow's pages (title escaped; `body` is HTML, escaped by the caller). */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1d1c1d}
a.button{display:inline-block;padding:.7rem 1.2rem;border-radius:6px;background:#4a154b;color:#fff;text-decoration:none;font-weight:600}
a.quiet{background:#fff;color:#4a154b;border:1px solid #4a154b}
code{background:#f4f4f4;padding:0 .2rem}ul.scopes{padding-left:1.2rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function scopeList(id: string, label: string, scopes: readonly string[] | undefined): string {
  if (scopes === undefined || scopes.length === 0) return '';
  const items = scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('');
  return `<p>${label}</p><ul class="scopes" id="${id}">${items}</ul>`;
}

/** "Start again from the install page." with the install page as a link, when its URL is known. */
function failureText(reason: FailureReason, installUrl: string | undefined): string {
  const text = escapeHtml(FAILURES[reason]);
  if (installUrl === undefined) return text;
  return text.replace('the install page', `<a id="install-page" href="${escapeHtml(installUrl)}">the install page</a>`);
}

export const defaultPages: Pages = {
  install({ url, missingScopes, appName, scopes, userScopes, alreadyInstalled }) {
    const name = appName === undefined || appName === '' ? 'this app' : appName;
    const shownName = `<strong id="app-name">${escapeHtml(name)}</strong>`;
    const asks =
      scopeList('bot-scopes', 'It asks to:', scopes) +
      scopeList('user-scopes', 'And, on behalf of the person installing it:', userScopes);
    if (missingScopes !== undefined) {
      return page(
        'Update permissions',
        `<p>${shownName} needs new permissions: ${missingScopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}.</p>
<p><a class="button" id="add-to-slack" href="${escapeHtml(url)}">Update permissions</a></p>`,
      );
    }
    if (alreadyInstalled !== undefined) {
      const where = escapeHtml(alreadyInstalled.teamName ?? alreadyInstalled.teamId);
      return page(
        'Already installed',
        `<p id="already-installed">${shownName} is already installed in <strong>${where}</strong>, with every permission it needs. There is nothing to do.</p>
<p><a class="button quiet" id="add-to-slack" href="${escapeHtml(url)}">Install again</a></p>`,
      );
    }
    return page(
      appName === undefined || appName === '' ? 'Install this app' : `Install ${appName}`,
      `<p>Add ${shownName} to your Slack workspace.</p>${asks}
<p><a class="button" id="add-to-slack" href="${escapeHtml(url)}">Add to Slack</a></p>`,
    );
  },
  success({ teamName }) {
    const where = teamName === undefined ? '' : ` to <strong>${escapeHtml(teamName)}</strong>`;
    return page('Installation completed', `<p id="result">The app was installed${where}. You can close this page.</p>`);
  },
  cancelled() {
    return page('Installation cancelled', '<p id="result">Nothing was installed. You can close this page.</p>');
  },
  failure(reason, context = {}) {
    return page('Installation failed', `<p id="result">${failureText(reason, context.installUrl)}</p>`);
  },
  notConfigured() {
    return page(
      'OAuth is not configured',
      '<p id="result">This app runs with one workspace token (SLACK_BOT_TOKEN) and has no SLACK_CLIENT_ID, so it cannot be installed from here.</p>',
    );
  },
};

/** Headers every page of the flow carries. */
export function pageResponse(status: number, html: string, extra: Record<string, string> = {}): Response {
  return new Response(html, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'",
      ...extra,
    },
  });
}
