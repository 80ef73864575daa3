// The small HTML page at / : each conversation and its messages. Everything shown is escaped; no token
// ever appears on it.
import type { Ctx } from '../context.js';
import type { Message } from '../model/model.js';

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

function messageItem(core: Ctx<'state' | 'workspace'>, message: Message): string {
  const author = core.state.users.get(message.userId ?? '')?.name ?? message.userId ?? 'unknown';
  const thread = message.threadTs !== undefined && message.threadTs !== message.ts ? ' class="reply"' : '';
  const files = message.fileIds.length > 0 ? ` [files: ${message.fileIds.join(', ')}]` : '';
  return `<li${thread}><b>${escapeHtml(author)}</b> <small>${escapeHtml(message.ts)}</small> ${escapeHtml(
    message.text,
  )}${escapeHtml(files)}</li>`;
}

export function renderPage(core: Ctx<'state' | 'workspace'>): string {
  const sections: string[] = [];
  for (const team of core.state.teams.values()) {
    sections.push(`<h1>${escapeHtml(team.name)} <small>${escapeHtml(team.id)}</small></h1>`);
    for (const channel of core.state.channels.values()) {
      if (channel.teamId !== team.id) continue;
      const label = channel.kind === 'im' ? `DM ${channel.id}` : `#${channel.name}`;
      const messages = [...channel.byTs.values()].sort((a, b) => (a.ts < b.ts ? -1 : 1));
      const items = messages.slice(-200).map((m) => messageItem(core, m));
      sections.push(
        `<h2>${escapeHtml(label)} <small>${escapeHtml(channel.id)} · ${channel.kind}</small></h2><ul>${items.join('')}</ul>`,
      );
    }
  }
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>slackline emulator</title><style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}li.reply{margin-left:2em}small{color:#666}
</style></head><body>${sections.join('\n')}</body></html>`;
}
