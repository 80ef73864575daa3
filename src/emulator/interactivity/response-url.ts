// The response_url an interaction or command hands the app: POST /actions/T…/… or /commands/T…/…
// with a message. `response_type: in_channel` posts it in the channel as the app's bot, otherwise the
// user alone sees it; `replace_original` / `delete_original` act on the message an action came from.
// Up to 5 posts within 30 minutes, as Slack's; answers `{ ok }` JSON.
import type { Ctx } from '../context.js';
import { type EmuRequest, jsonReply, type Outcome, readBody } from '../http/transport.js';
import { isObject, type Json, tryParseJson } from '../model/json.js';
import { interactivityOf } from './registry.js';

const MAX_BODY = 1024 * 1024;

export function isResponseUrlPath(path: string): boolean {
  return path.startsWith('/actions/') || path.startsWith('/commands/');
}

export async function handleResponseUrl(
  core: Ctx<'apps' | 'state' | 'deliveries' | 'clock'>,
  path: string,
  req: EmuRequest,
): Promise<Outcome> {
  if (req.method !== 'POST') return jsonReply(405, { ok: false, error: 'invalid_method' });
  const raw = await readBody(req.body, MAX_BODY);
  if (raw === 'drop') return { kind: 'drop' };
  if (raw === 'too_large') return jsonReply(413, { ok: false, error: 'request_too_large' });
  const target = interactivityOf(core.state).useResponseUrl(path.slice(1));
  if (target === undefined) return jsonReply(404, { ok: false, error: 'no_service' });
  if (target === 'expired') return jsonReply(404, { ok: false, error: 'expired_url' });
  const type = (req.header('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase();
  const text = raw.toString('utf8');
  const parsed = tryParseJson(
    type === 'application/x-www-form-urlencoded' ? (new URLSearchParams(text).get('payload') ?? '') : text,
  );
  if (!isObject(parsed)) return jsonReply(400, { ok: false, error: 'invalid_payload' });
  const channel = core.state.channels.get(target.channelId);
  if (channel === undefined) return jsonReply(404, { ok: false, error: 'channel_not_found' });
  const original = target.messageTs === undefined ? undefined : channel.byTs.get(target.messageTs);
  if (parsed.delete_original === true) {
    if (original === undefined) return jsonReply(404, { ok: false, error: 'message_not_found' });
    core.state.removeMessage(channel, original);
    return jsonReply(200, { ok: true });
  }
  const body = typeof parsed.text === 'string' ? parsed.text : '';
  const blocks = Array.isArray(parsed.blocks) ? (parsed.blocks as Json) : undefined;
  if (body === '' && blocks === undefined) return jsonReply(400, { ok: false, error: 'no_text' });
  if (parsed.replace_original === true) {
    if (original === undefined) return jsonReply(404, { ok: false, error: 'message_not_found' });
    original.text = body;
    original.blocks = blocks;
    original.edited = { user: original.userId ?? target.userId, ts: core.state.nextTs() };
    return jsonReply(200, { ok: true });
  }
  if (parsed.response_type === 'in_channel') {
    const bot = [...core.state.bots.values()].find(
      (b) => b.appId === target.appId && b.teamId === channel.teamId && !b.deleted,
    );
    core.state.addMessage(channel, {
      userId: bot?.userId,
      botId: bot?.id,
      appId: target.appId,
      text: body,
      blocks,
      threadTs: typeof parsed.thread_ts === 'string' ? parsed.thread_ts : undefined,
    });
    return jsonReply(200, { ok: true });
  }
  interactivityOf(core.state).addEphemeral({
    channel_id: channel.id,
    user_id: target.userId,
    app_id: target.appId,
    text: body,
    blocks,
  });
  return jsonReply(200, { ok: true });
}
