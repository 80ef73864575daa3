// Entities as Slack's JSON. One place per shape so every method answers the same fields.
import type { JsonObject } from '../model/json.js';
import type { Bot, Channel, FileRecord, Message, Team, User, UserSettings, View } from '../model/model.js';
import type { EmulatorState } from '../model/state.js';

export function teamJson(team: Team): JsonObject {
  return {
    id: team.id,
    name: team.name,
    url: `https://${team.domain}.slack.com/`,
    domain: team.domain,
    email_domain: team.emailDomain,
    icon: { image_default: true, image_34: avatar(team.id, 34), image_68: avatar(team.id, 68) },
    avatar_base_url: 'https://ca.slack-edge.com/',
    is_verified: false,
  };
}

function avatar(id: string, size: number): string {
  return `https://avatars.slack-edge.com/emulator/${id}_${size}.png`;
}

export function userJson(user: User, withEmail: boolean, settings?: UserSettings): JsonObject {
  const profile: JsonObject = {
    title: user.title,
    phone: settings?.phone ?? '',
    skype: '',
    real_name: user.realName,
    real_name_normalized: user.realName,
    display_name: user.displayName,
    display_name_normalized: user.displayName,
    status_text: settings?.statusText ?? '',
    status_emoji: settings?.statusEmoji ?? '',
    status_expiration: settings?.statusExpiration ?? 0,
    first_name: settings?.firstName,
    last_name: settings?.lastName,
    pronouns: settings?.pronouns || undefined,
    avatar_hash: user.id.toLowerCase().slice(-12),
    email: withEmail ? user.email : undefined,
    image_24: avatar(user.id, 24),
    image_32: avatar(user.id, 32),
    image_48: avatar(user.id, 48),
    image_72: avatar(user.id, 72),
    image_192: avatar(user.id, 192),
    image_512: avatar(user.id, 512),
    team: user.teamId,
    bot_id: user.botId,
    api_app_id: user.appId,
    always_active: user.isBot ? true : undefined,
  };
  return {
    id: user.id,
    team_id: user.teamId,
    name: user.name,
    deleted: user.deleted,
    color: user.color,
    real_name: user.realName,
    tz: user.tz,
    tz_label: 'Pacific Standard Time',
    tz_offset: user.tzOffset,
    profile,
    is_admin: user.isAdmin,
    is_owner: user.isOwner,
    is_primary_owner: user.isPrimaryOwner,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: user.updated,
    is_email_confirmed: !user.isBot,
    who_can_share_contact_card: 'EVERYONE',
  };
}

export function botJson(bot: Bot): JsonObject {
  return {
    id: bot.id,
    deleted: bot.deleted,
    name: bot.name,
    updated: bot.updated,
    app_id: bot.appId,
    user_id: bot.userId,
    icons: { image_36: avatar(bot.id, 36), image_48: avatar(bot.id, 48), image_72: avatar(bot.id, 72) },
  };
}

/** A conversation as `viewer` sees it (is_member, the other side of a DM). */
export function channelJson(channel: Channel, viewer: string): JsonObject {
  if (channel.kind === 'im') {
    const other = [...channel.members].find((m) => m !== viewer) ?? viewer;
    return {
      id: channel.id,
      created: channel.created,
      is_archived: false,
      is_im: true,
      is_org_shared: false,
      context_team_id: channel.teamId,
      updated: channel.created * 1000,
      user: other,
      is_user_deleted: false,
      priority: 0,
    };
  }
  const isPrivate = channel.kind !== 'public';
  return {
    id: channel.id,
    name: channel.name,
    is_channel: channel.kind === 'public',
    is_group: channel.kind === 'private',
    is_im: false,
    is_mpim: channel.kind === 'mpim',
    is_private: isPrivate,
    created: channel.created,
    is_archived: channel.archived,
    is_general: channel.isGeneral,
    unlinked: 0,
    name_normalized: channel.name,
    is_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: channel.teamId,
    updated: channel.created * 1000,
    parent_conversation: null,
    creator: channel.creator,
    is_ext_shared: false,
    shared_team_ids: [channel.teamId],
    pending_connected_team_ids: [],
    is_member: channel.members.has(viewer),
    topic: { ...channel.topic },
    purpose: { ...channel.purpose },
    previous_names: [...(channel.previousNames ?? [])],
    num_members: channel.members.size,
  };
}

export function messageJson(state: EmulatorState, message: Message, baseUrl: string): JsonObject {
  const out: JsonObject = {
    user: message.userId,
    type: 'message',
    ts: message.ts,
    bot_id: message.botId,
    app_id: message.appId,
    text: message.text,
    team: message.teamId,
    subtype: message.subtype,
    username: message.username,
    blocks: message.blocks,
    attachments: message.attachments,
    metadata: message.metadata,
    edited: message.edited === undefined ? undefined : { ...message.edited },
  };
  if (message.botId !== undefined) {
    const bot = state.bots.get(message.botId);
    if (bot !== undefined) out.bot_profile = { ...botJson(bot), team_id: bot.teamId };
  }
  if (message.fileIds.length > 0) {
    out.files = message.fileIds.flatMap((id) => {
      const file = state.files.get(id);
      if (file === undefined) return [];
      return [file.deleted === true ? { id: file.id, mode: 'tombstone' } : fileJson(state, file, baseUrl)];
    });
    out.upload = true;
  }
  if (message.threadTs !== undefined) {
    out.thread_ts = message.threadTs;
    if (message.threadTs === message.ts) {
      const users = [...new Set(message.replies.map((r) => r.userId ?? ''))].filter((u) => u !== '');
      out.reply_count = message.replies.length;
      out.reply_users_count = users.length;
      out.latest_reply = message.replies.at(-1)?.ts ?? message.ts;
      out.reply_users = users;
      out.is_locked = false;
      out.subscribed = false;
    } else {
      const parent = state.channels.get(message.channelId)?.byTs.get(message.threadTs);
      out.parent_user_id = parent?.userId;
    }
  }
  if (message.reactions.size > 0) out.reactions = reactionsJson(message);
  return out;
}

export function reactionsJson(message: Message): JsonObject[] {
  return [...message.reactions].map(([name, users]) => ({ name, users: [...users], count: users.length }));
}

export function fileJson(state: EmulatorState, file: FileRecord, baseUrl: string): JsonObject {
  const team = state.teams.get(file.teamId);
  const ext = file.name.includes('.') ? (file.name.split('.').pop() ?? '') : '';
  const publicShares: JsonObject = {};
  const privateShares: JsonObject = {};
  for (const share of file.shares) {
    const channel = state.channels.get(share.channelId);
    const entry = { reply_users: [], reply_users_count: 0, reply_count: 0, ts: share.ts, channel_name: channel?.name };
    const target = channel?.kind === 'public' ? publicShares : privateShares;
    target[share.channelId] = [entry];
  }
  const permalinkBase = `https://${team?.domain ?? 'emulator'}.slack.com/files/${file.userId}/${file.id}`;
  return {
    id: file.id,
    created: file.created,
    timestamp: file.created,
    name: file.name,
    title: file.title,
    mimetype: file.mimetype,
    filetype: ext || 'binary',
    pretty_type: ext.toUpperCase() || 'Binary',
    user: file.userId,
    user_team: file.teamId,
    editable: false,
    size: file.receivedLength ?? file.declaredLength,
    mode: 'hosted',
    is_external: false,
    external_type: '',
    is_public: file.shares.some((s) => state.channels.get(s.channelId)?.kind === 'public'),
    public_url_shared: file.publicUrlShared === true,
    display_as_bot: false,
    username: '',
    url_private: `${baseUrl}_files/${file.id}/${encodeURIComponent(file.name)}`,
    url_private_download: `${baseUrl}_files/${file.id}/download/${encodeURIComponent(file.name)}`,
    permalink: `${permalinkBase}/${encodeURIComponent(file.name)}`,
    permalink_public: `https://slack-files.com/${file.teamId}-${file.id}-emulator`,
    channels: file.shares.filter((s) => state.channels.get(s.channelId)?.kind === 'public').map((s) => s.channelId),
    groups: file.shares.filter((s) => state.channels.get(s.channelId)?.kind === 'private').map((s) => s.channelId),
    ims: file.shares.filter((s) => state.channels.get(s.channelId)?.kind === 'im').map((s) => s.channelId),
    shares: { public: publicShares, private: privateShares },
    comments_count: 0,
    has_rich_preview: false,
    file_access: 'visible',
  };
}

export function viewJson(view: View): JsonObject {
  return {
    id: view.id,
    team_id: view.teamId,
    type: view.type,
    title: view.body.title,
    submit: view.body.submit,
    close: view.body.close,
    blocks: view.body.blocks ?? [],
    private_metadata: view.body.private_metadata ?? '',
    callback_id: view.body.callback_id ?? '',
    state: { values: {} },
    hash: view.hash,
    clear_on_close: view.body.clear_on_close === true,
    notify_on_close: view.body.notify_on_close === true,
    external_id: view.externalId ?? '',
    root_view_id: view.rootViewId,
    previous_view_id: view.previousViewId ?? null,
    app_id: view.appId,
    app_installed_team_id: view.teamId,
    bot_id: view.botId,
  };
}
