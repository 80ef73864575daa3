// Incoming webhooks made by incoming-webhook installs: POST /services/T…/B…/secret posts into the channel
// the installing user picked, as the app's bot. Answers are Slack's plain-text ones ("ok", "no_text"...).
import type { Ctx } from '../context.js';
import { type EmuRequest, type Outcome, readBody, textReply } from '../http/transport.js';
import { isObject, type Json, tryParseJson } from '../model/json.js';

const MAX_WEBHOOK_BODY = 1024 * 1024;

function payloadOf(req: EmuRequest, body: Buffer): Record<string, unknown> | undefined {
  const type = (req.header('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase();
  const text = body.toString('utf8');
  const raw = type === 'application/x-www-form-urlencoded' ? new URLSearchParams(text).get('payload') : text;
  const parsed = raw === null ? undefined : tryParseJson(raw);
  return isObject(parsed) ? parsed : undefined;
}

export async function handleWebhook(core: Ctx<'oauth' | 'state'>, path: string, req: EmuRequest): Promise<Outcome> {
  if (req.method !== 'POST') return textReply(405, 'invalid_method');
  const body = await readBody(req.body, MAX_WEBHOOK_BODY);
  if (body === 'drop') return { kind: 'drop' };
  if (body === 'too_large') return textReply(413, 'request_too_large');
  const hook = core.oauth.webhooks.get(path);
  if (hook === undefined) return textReply(404, 'no_service');
  if (hook.revoked) return textReply(403, 'invalid_token');
  const payload = payloadOf(req, body);
  if (payload === undefined) return textReply(400, 'invalid_payload');
  const text = typeof payload.text === 'string' ? payload.text : '';
  const blocks = Array.isArray(payload.blocks) ? (payload.blocks as Json) : undefined;
  const attachments = Array.isArray(payload.attachments) ? (payload.attachments as Json) : undefined;
  if (text === '' && blocks === undefined && attachments === undefined) return textReply(400, 'no_text');
  const channel = core.state.channels.get(hook.channelId);
  if (channel === undefined) return textReply(404, 'channel_not_found');
  if (channel.archived) return textReply(410, 'channel_is_archived');
  const bot = hook.botId === undefined ? undefined : core.state.bots.get(hook.botId);
  const threadTs = typeof payload.thread_ts === 'string' ? payload.thread_ts : undefined;
  core.state.addMessage(channel, {
    userId: bot?.userId,
    botId: hook.botId,
    appId: hook.appId,
    text,
    blocks,
    attachments,
    threadTs,
  });
  return textReply(200, 'ok');
}
