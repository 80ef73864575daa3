// Events API envelopes (event_callback, url_verification) and sending them through the delivery queue.

import type { Ctx } from '../context.js';
import type { AppConfig } from '../model/apps.js';
import { randomHex } from '../model/ids.js';
import type { JsonObject } from '../model/json.js';
import type { Token } from '../model/model.js';
import type { DeliveryRecord } from './delivery.js';
import { newEventId } from './delivery.js';

export interface EventTarget {
  /** The workspace; for an org-wide install, the enterprise id stands in (as Slack does for org events). */
  teamId: string;
  enterpriseId: string | undefined;
  /** Added as `authorizations` when given (Slack omits it for app_uninstalled and tokens_revoked). */
  authorization?: { userId: string; isBot: boolean; isEnterpriseInstall: boolean };
}

function eventEnvelope(
  core: Ctx<'clock' | 'deliveries'>,
  app: AppConfig,
  target: EventTarget,
  event: JsonObject,
): JsonObject {
  const body: JsonObject = { token: app.verificationToken, team_id: target.teamId };
  if (target.enterpriseId !== undefined) body.enterprise_id = target.enterpriseId;
  Object.assign(body, {
    api_app_id: app.id,
    event,
    type: 'event_callback',
    event_id: newEventId(),
    event_time: core.clock.seconds(),
  });
  const auth = target.authorization;
  if (auth !== undefined) {
    body.authorizations = [
      {
        enterprise_id: target.enterpriseId ?? null,
        team_id: auth.isEnterpriseInstall ? null : target.teamId,
        user_id: auth.userId,
        is_bot: auth.isBot,
        is_enterprise_install: auth.isEnterpriseInstall,
      },
    ];
    body.is_ext_shared_channel = false;
  }
  return body;
}

export function sendEvent(
  core: Ctx<'clock' | 'deliveries'>,
  app: AppConfig,
  target: EventTarget,
  event: JsonObject,
): DeliveryRecord | undefined {
  const type = typeof event.type === 'string' ? event.type : 'event_callback';
  return core.deliveries.send(app, eventEnvelope(core, app, target, event), type, target.teamId);
}

/** The app's live bot token in the team, if the app is installed there. */
export function installedBot(core: Ctx<'state'>, app: AppConfig, teamId: string): Token | undefined {
  for (const token of core.state.tokens.values()) {
    if (token.kind === 'bot' && token.appId === app.id && token.teamId === teamId && !token.revoked) return token;
  }
  return undefined;
}

/** An app that hears bot events in a workspace: its bot there, and where its events are addressed. */
export interface BotAudience {
  app: AppConfig;
  bot: Token;
  target: EventTarget;
}

/**
 * Every app whose events can be delivered (an events URL or a Socket Mode connection) and whose bot is
 * installed in `teamId`; the caller checks the subscription and whether the bot sees the conversation.
 */
export function* botAudiences(core: Ctx<'apps' | 'state' | 'deliveries'>, teamId: string): Generator<BotAudience> {
  for (const app of core.apps.list()) {
    if (app.botEvents.length === 0 || !core.deliveries.reaches(app)) continue;
    const bot = installedBot(core, app, teamId);
    if (bot === undefined) continue;
    const authorization = { userId: bot.userId, isBot: true, isEnterpriseInstall: bot.isEnterpriseInstall === true };
    yield { app, bot, target: { teamId, enterpriseId: bot.enterpriseId, authorization } };
  }
}

/** Slack's certificate check for slash command and interactivity URLs: `ssl_check=1`, form-encoded. */
export function sendSslCheck(core: Ctx<'clock' | 'deliveries'>, app: AppConfig): DeliveryRecord | undefined {
  return core.deliveries.send(app, { ssl_check: '1', token: app.verificationToken }, 'ssl_check', null, 'form');
}

/** Slack's request URL check: the app must answer with the challenge. */
export function sendUrlVerification(core: Ctx<'clock' | 'deliveries'>, app: AppConfig): DeliveryRecord | undefined {
  const body: JsonObject = { token: app.verificationToken, challenge: randomHex(48), type: 'url_verification' };
  return core.deliveries.send(app, body, 'url_verification', null);
}
