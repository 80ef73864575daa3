// The official Node SDK, unmodified, against the emulator over real HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

describe('conformance: @slack/web-api WebClient against the emulator', () => {
  let emu: Emulator;
  let client: WebClient;
  let general: string;
  before(async () => {
    emu = await startEmulator();
    client = new WebClient(emu.tokens.bot, { slackApiUrl: emu.apiUrl, logLevel: LogLevel.ERROR });
    const info = await client.conversations.list();
    general = info.channels?.find((c) => c.name === 'general')?.id ?? '';
  });
  after(async () => {
    await emu.close();
  });

  it('auth.test, with the scope headers the SDK reads', async () => {
    const res = await client.auth.test();
    assert.equal(res.ok, true);
    assert.equal(res.user_id, emu.workspace.botUserId);
    assert.equal(res.team_id, emu.workspace.teamId);
    assert.ok(res.response_metadata?.scopes?.includes('chat:write'));
  });

  it('chat.postMessage, update and delete, and a thread read back with conversations.replies', async () => {
    const posted = await client.chat.postMessage({ channel: general, text: 'from the SDK' });
    assert.equal(posted.ok, true);
    const ts = posted.ts ?? '';
    await client.chat.postMessage({ channel: general, text: 'reply', thread_ts: ts });
    const updated = await client.chat.update({ channel: general, ts, text: 'edited by the SDK' });
    assert.equal(updated.text, 'edited by the SDK');
    const replies = await client.conversations.replies({ channel: general, ts });
    assert.deepEqual(
      replies.messages?.map((m) => m.text),
      ['edited by the SDK', 'reply'],
    );
    const deleted = await client.chat.delete({ channel: general, ts });
    assert.equal(deleted.ok, true);
  });

  it('conversations.* and paginate() over 450 channels', async () => {
    emu.seed({ channels: 450 });
    const ids: string[] = [];
    for await (const page of client.paginate('conversations.list', { limit: 100 })) {
      for (const c of (page as unknown as { channels: { id: string }[] }).channels) ids.push(c.id);
    }
    assert.equal(ids.length, 453);
    assert.equal(new Set(ids).size, 453);
    const created = await client.conversations.create({ name: 'sdk-made' });
    const id = created.channel?.id ?? '';
    const info = await client.conversations.info({ channel: id });
    assert.equal(info.channel?.name, 'sdk-made');
    const members = await client.conversations.members({ channel: id });
    assert.deepEqual(members.members, [emu.workspace.botUserId]);
    const opened = await client.conversations.open({ users: emu.workspace.userId });
    assert.match(opened.channel?.id ?? '', /^D/);
    const history = await client.conversations.history({ channel: general, limit: 10 });
    assert.equal(history.ok, true);
  });

  it('users.list through paginate(), users.info and users.lookupByEmail', async () => {
    emu.seed({ users: 320 });
    let count = 0;
    for await (const page of client.paginate('users.list', { limit: 100 })) {
      count += (page as unknown as { members: unknown[] }).members.length;
    }
    assert.equal(count, emu.state.usersOf(emu.workspace.teamId).length);
    const info = await client.users.info({ user: emu.workspace.userId });
    assert.equal(info.user?.name, 'alice');
    const byEmail = await client.users.lookupByEmail({ email: 'alice@slackline-emulator.example.com' });
    assert.equal(byEmail.user?.id, emu.workspace.userId);
  });

  it('reactions.add and reactions.get', async () => {
    const posted = await client.chat.postMessage({ channel: general, text: 'react to me' });
    await client.reactions.add({ channel: general, timestamp: posted.ts ?? '', name: 'tada' });
    const got = await client.reactions.get({ channel: general, timestamp: posted.ts ?? '' });
    assert.deepEqual(
      (got.message as { reactions?: { name: string; count: number }[] }).reactions?.map((r) => [r.name, r.count]),
      [['tada', 1]],
    );
  });

  it('files.uploadV2, the SDK’s own three-step upload', async () => {
    const content = 'col1,col2\n1,2\n';
    const res = await client.filesUploadV2({
      channel_id: general,
      content,
      filename: 'report.csv',
      title: 'Report',
      initial_comment: 'the report',
    });
    assert.equal(res.ok, true);
    const shared = emu.messages(general).at(-1) as {
      text: string;
      files: { name: string; title: string; size: number }[];
    };
    assert.equal(shared.text, 'the report');
    assert.equal(shared.files[0]?.name, 'report.csv');
    assert.equal(shared.files[0]?.title, 'Report');
    assert.equal(shared.files[0]?.size, Buffer.byteLength(content));
  });

  it('views.publish', async () => {
    const res = await client.views.publish({
      user_id: emu.workspace.userId,
      view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Welcome home' } }] },
    });
    assert.equal(res.ok, true);
    assert.equal(res.view?.type, 'home');
  });

  it('missing_scope surfaces as the SDK’s platform error with needed and provided', async () => {
    const narrow = new WebClient(emu.issueToken({ type: 'bot', scopes: ['users:read'] }), {
      slackApiUrl: emu.apiUrl,
      logLevel: LogLevel.ERROR,
    });
    await assert.rejects(narrow.chat.postMessage({ channel: general, text: 'nope' }), (error: unknown) => {
      const e = error as { code: string; data: { error: string; needed: string; provided: string } };
      assert.equal(e.code, ErrorCode.PlatformError);
      assert.equal(e.data.error, 'missing_scope');
      assert.equal(e.data.needed, 'chat:write');
      assert.equal(e.data.provided, 'users:read');
      return true;
    });
  });
});
