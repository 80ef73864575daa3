// Compile-only checks of the generated method types (not run: the name does not end in .test.ts).
// `tsc -p tsconfig.json` fails when a `@ts-expect-error` line stops being an error, or when a
// positive case stops compiling.
import type {
  ChatPostMessageArguments,
  ConversationsHistoryResponse,
  Message,
  MethodInfo,
  Methods,
} from '../../src/web/methods.generated.js';
import { METHODS } from '../../src/web/methods.generated.js';
import type { WebAPICallResult } from '../../src/web/types.js';

declare const m: Methods;

/** `true` only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

export async function messageContentIsRequired(): Promise<void> {
  // @ts-expect-error no text, blocks, attachments or markdown_text
  await m.chat.postMessage({ channel: 'C1' });
  // @ts-expect-error text and markdown_text together
  await m.chat.postMessage({ channel: 'C1', text: 'x', markdown_text: '*x*' });
  // @ts-expect-error channel is missing
  await m.chat.postMessage({ text: 'x' });
  // @ts-expect-error text must be a string
  await m.chat.postMessage({ channel: 'C1', text: 42 });
  // @ts-expect-error unknown argument name
  await m.chat.postMessage({ channel: 'C1', text: 'x', txet: 'typo' });
  // @ts-expect-error postMessage takes arguments
  await m.chat.postMessage();
  // @ts-expect-error the same rules hold for chat.update
  await m.chat.update({ channel: 'C1', ts: '1.2' });
  // @ts-expect-error and for chat.postEphemeral (which also needs `user`)
  await m.chat.postEphemeral({ channel: 'C1', text: 'x' });

  await m.chat.postMessage({ channel: 'C1', text: 'x' });
  await m.chat.postMessage({ channel: 'C1', markdown_text: '**x**' });
  await m.chat.postMessage({ channel: 'C1', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }] });
  await m.chat.postMessage({ channel: 'C1', blocks: '[]', text: 'fallback', thread_ts: '1.2' });
  await m.chat.postMessage({ channel: 'C1', attachments: [{ fallback: 'x' }], token: 'xoxb-override' });
  await m.chat.postMessage({ channel: 'C1', text: 'x', metadata: { event_type: 'e', event_payload: {} } });
  const args: ChatPostMessageArguments = { channel: 'C1', text: 'x', unfurl_links: false };
  await m.chat.postMessage(args);
}

export async function viewsNeedTheirIdentifiers(): Promise<void> {
  const view = { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [] };
  // @ts-expect-error views.open needs trigger_id or interactivity_pointer
  await m.views.open({ view });
  // @ts-expect-error not both
  await m.views.open({ view, trigger_id: 't', interactivity_pointer: 'p' });
  // @ts-expect-error views.update needs view_id or external_id
  await m.views.update({ view });
  // @ts-expect-error a view needs a type
  await m.views.open({ trigger_id: 't', view: { blocks: [] } });
  await m.views.open({ trigger_id: 't', view });
  await m.views.push({ interactivity_pointer: 'p', view: JSON.stringify(view) });
  await m.views.update({ view_id: 'V1', view, hash: 'h' });
  await m.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [] } });
}

export async function otherArguments(): Promise<void> {
  // @ts-expect-error channel must be a string
  await m.conversations.history({ channel: 1 });
  // @ts-expect-error limit must be a number
  await m.conversations.list({ limit: '100' });
  // @ts-expect-error an enum argument takes only its values
  await m.users.setPresence({ presence: 'busy' });
  // @ts-expect-error retired methods are not in the typed tree (only apiCall reaches them)
  await m.channels.history({ channel: 'C1' });
  // Methods whose arguments are all optional take none.
  await m.auth.test();
  await m.api.test();
  await m.conversations.list({ types: 'public_channel,private_channel', limit: 100 });
  await m.users.setPresence({ presence: 'away' });
  await m.admin.users.session.setSettings({ user_ids: ['U1', 'U2'] });
  await m.files.completeUploadExternal({ files: [{ id: 'F1', title: 't' }], channel_id: 'C1' });
}

export async function responsesAreTyped(): Promise<void> {
  const posted = await m.chat.postMessage({ channel: 'C', text: 'x' });
  assertType<Equal<typeof posted.ts, string | undefined>>(true);
  assertType<Equal<typeof posted.channel, string | undefined>>(true);
  assertType<Equal<typeof posted.ok, boolean>>(true);
  const message: Message | undefined = posted.message;
  assertType<Equal<typeof message, Message | undefined>>(true);

  const history: ConversationsHistoryResponse = await m.conversations.history({ channel: 'C1' });
  assertType<Equal<typeof history.has_more, boolean | undefined>>(true);
  const first = history.messages?.[0];
  assertType<Equal<typeof first, Message | undefined>>(true);
  const text: string | undefined = first?.text;
  const cursor: string | undefined = history.response_metadata?.next_cursor;

  const who = await m.auth.test();
  assertType<Equal<typeof who.user_id, string | undefined>>(true);
  const user = await m.users.info({ user: 'U1' });
  const realName: string | undefined = user.user?.real_name;
  const isBot: boolean | undefined = user.user?.is_bot;
  const token = await m.oauth.v2.access({ code: 'c', client_id: 'id', client_secret: 's' });
  const refresh: string | undefined = token.refresh_token;
  const expires: number | undefined = token.expires_in;
  const socket = await m.apps.connections.open();
  const url: string | undefined = socket.url;

  // A method without a typed response answers the base shape.
  const other = await m.admin.apps.approve();
  assertType<Equal<typeof other, WebAPICallResult>>(true);
  void [text, cursor, realName, isBot, refresh, expires, url];
}

export function methodsTable(): void {
  const info: MethodInfo | undefined = METHODS['chat.postMessage'];
  const read: boolean | undefined = info?.read;
  // @ts-expect-error tier is one of the known tiers
  const tier: 'Tier9' = METHODS['chat.postMessage']!.tier;
  void [read, tier];
}
