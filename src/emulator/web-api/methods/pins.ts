// pins.add, pins.list, pins.remove (messages; pinning files is not modelled and answers file_not_found).

import type { Channel, Message } from '../../model/model.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { messageJson } from '../render.js';
import { requireMember, visibleChannel } from './access.js';
import { permalink } from './chat.js';

const MAX_PINS = 100;

function pinTarget(call: Call): { channel: Channel; message: Message } {
  const channel = visibleChannel(call, call.args.str('channel'));
  if (call.args.has('file')) throw fail('file_not_found');
  const ts = call.args.str('timestamp') ?? '';
  if (ts === '') throw fail('no_item_specified');
  if (!/^\d+(\.\d+)?$/.test(ts)) throw fail('bad_timestamp');
  const message = channel.byTs.get(ts);
  if (message === undefined) throw fail('message_not_found');
  return { channel, message };
}

export const pinHandlers: Record<string, Handler> = {
  'pins.add': (call) => {
    const { channel, message } = pinTarget(call);
    requireMember(call, channel);
    const pins = call.state.pins;
    if (pins.some((p) => p.channelId === channel.id && p.ts === message.ts)) throw fail('already_pinned');
    if (pins.filter((p) => p.channelId === channel.id).length >= MAX_PINS) throw fail('too_many_pins');
    pins.push({
      channelId: channel.id,
      ts: message.ts,
      createdBy: call.token.userId,
      created: call.state.clock.seconds(),
    });
    return { ok: true };
  },

  'pins.remove': (call) => {
    const { channel, message } = pinTarget(call);
    const pins = call.state.pins;
    const at = pins.findIndex((p) => p.channelId === channel.id && p.ts === message.ts);
    if (at < 0) throw fail('not_pinned');
    pins.splice(at, 1);
    return { ok: true };
  },

  'pins.list': (call) => {
    const { state } = call;
    const channel = visibleChannel(call, call.args.str('channel'));
    const items = state.pins
      .filter((p) => p.channelId === channel.id)
      .flatMap((pin) => {
        const message = channel.byTs.get(pin.ts);
        if (message === undefined) return [];
        const json = {
          ...messageJson(state, message, call.baseUrl),
          permalink: permalink(state, channel, message),
          pinned_to: [channel.id],
        };
        return [
          { type: 'message', created: pin.created, created_by: pin.createdBy, channel: channel.id, message: json },
        ];
      })
      .reverse();
    return { ok: true, items };
  },
};
