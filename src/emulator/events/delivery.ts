// Delivers Events API payloads to an app's events URL the way Slack does: a signed JSON POST
// (X-Slack-Signature v0 over `v0:{ts}:{body}`), an answer expected within 3 s, and up to 3 retries
// (immediately, after 1 minute, after 5 minutes) marked with X-Slack-Retry-Num and X-Slack-Retry-Reason.
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AppConfig } from '../model/apps.js';
import type { Clock } from '../model/clock.js';
import { outboundAllowed } from '../model/hosts.js';
import { randomAlnum } from '../model/ids.js';
import { isObject, type JsonObject, tryParseJson } from '../model/json.js';

export interface DeliveryOptions {
  /** How long an attempt may take before it counts as http_timeout; default 3000 ms. */
  timeoutMs?: number;
  /** Delay before each retry; default [0, 60000, 300000] (Slack's schedule), [] disables retries. */
  retryDelaysMs?: readonly number[];
}

export interface DeliveryAttempt {
  retry_num: number;
  at: number;
  status: number | null;
  /**
   * Why the attempt failed: http_timeout, http_error, connection_failed, forbidden_host, or challenge_failed
   * (a url_verification answered without the challenge); over Socket Mode, timeout (not acked in 3 s)
   * or no_connection; null when it succeeded.
   */
  reason: string | null;
}

export interface DeliveryRecord {
  event_id: string;
  type: string;
  app_id: string;
  team_id: string | null;
  url: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  body: JsonObject;
  /** 'form' for ssl_check, interactions and slash commands, which Slack sends form-encoded; 'json' otherwise. */
  encoding: 'json' | 'form';
  /** The app's last answer body (at most 64 KiB): an interaction's or command's ack payload. */
  answer: string | null;
}

/**
 * Where a delivery goes when it is not an event (interactions and slash commands): the interactivity
 * or command URL, or, for an app in Socket Mode, an envelope of that kind over its socket. Never retried.
 */
export type DeliveryTarget = { url: string } | { socket: 'interactive' | 'slash_commands' };

/** Envelope kinds the Socket Mode server sends. */
export type SocketKind = 'events_api' | 'interactive' | 'slash_commands';

/** Events for apps in Socket Mode go over their WebSocket instead (socket-mode/hub.ts answers this). */
export interface SocketRoute {
  uses(appId: string): boolean;
  /** Sends an envelope; resolves once acked (with the ack's payload) or given up (retries included). */
  deliver(
    appId: string,
    type: SocketKind,
    payload: JsonObject,
  ): Promise<{ acked: boolean; attempts: number; payload?: Record<string, unknown> | undefined }>;
}

/** What a delivery record shows as its URL when it went over Socket Mode. */
export const SOCKET_MODE_URL = 'socket-mode';

const MAX_RECORDS = 10_000;

function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function newEventId(): string {
  return `Ev0${randomAlnum(9).toUpperCase()}`;
}

interface AttemptResult {
  status: number | null;
  noRetry: boolean;
  reason: string | null;
  answer?: string;
}

/** How much of an app's answer is read: enough for a challenge echo. */
const MAX_ANSWER = 64 * 1024;

/** The answer carries the challenge as Slack accepts it: plain text, JSON `{challenge}`, or a form field. */
function echoes(answer: string, challenge: string): boolean {
  const text = answer.trim();
  if (text === challenge) return true;
  const parsed = tryParseJson(text);
  if (isObject(parsed) && parsed.challenge === challenge) return true;
  return new URLSearchParams(text).get('challenge') === challenge;
}

function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
  challenge: string | undefined,
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let done = false;
    const finish = (result: AttemptResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = send(target, { method: 'POST', headers, agent: false, signal }, (res) => {
      const status = res.statusCode ?? 0;
      const noRetry = res.headers['x-slack-no-retry'] === '1';
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_ANSWER) chunks.push(chunk);
      });
      res.on('error', () => finish({ status: null, noRetry: false, reason: 'connection_failed' }));
      res.on('end', () => {
        const ok = status >= 200 && status < 300;
        const answer = Buffer.concat(chunks).toString('utf8');
        if (ok && challenge !== undefined && !echoes(answer, challenge)) {
          // Slack refuses a request URL that does not answer with the challenge, and does not retry.
          finish({ status, noRetry: true, reason: 'challenge_failed' });
          return;
        }
        finish({ status, noRetry, reason: ok ? null : 'http_error', answer });
      });
    });
    const timer = setTimeout(() => finish({ status: null, noRetry: false, reason: 'http_timeout' }), timeoutMs);
    req.on('error', () => finish({ status: null, noRetry: false, reason: 'connection_failed' }));
    req.end(body);
  });
}

function challengeOf(record: DeliveryRecord): string | undefined {
  const challenge = record.body.challenge;
  return record.type === 'url_verification' && typeof challenge === 'string' ? challenge : undefined;
}

export class EventDelivery {
  private readonly records: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<() => void>();
  /** Resolvers of settled(record), per record; a record nobody waits on has none. */
  private readonly settledWaiters = new Map<DeliveryRecord, (() => void)[]>();
  /** Records sent to a DeliveryTarget: one attempt, no retries (Slack retries only events). */
  private readonly once = new WeakSet<DeliveryRecord>();
  private pending = 0;
  private generation = 0;
  private abort = new AbortController();
  private readonly timeoutMs: number;
  private readonly retryDelays: readonly number[];

  constructor(
    private readonly clock: Clock,
    options: DeliveryOptions = {},
    /** Hosts besides loopback that may be called (see model/hosts.ts). */
    private readonly outbound: ReadonlySet<string> = new Set(),
    private readonly socket?: SocketRoute,
  ) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.retryDelays = options.retryDelaysMs ?? [0, 60_000, 300_000];
  }

  /** True when events for the app go somewhere: its Socket Mode connection or its events URL. */
  reaches(app: AppConfig): boolean {
    return this.usesSocket(app) || app.eventsUrl !== undefined;
  }

  /** True when what Slack sends the app (events, interactions, commands) goes over Socket Mode. */
  usesSocket(app: AppConfig): boolean {
    return this.socket?.uses(app.id) === true;
  }

  /**
   * Queues a payload for the app: an event_callback over Socket Mode when the app uses it, anything
   * else to the events URL (URL checks are HTTP only). Undefined when it goes nowhere.
   */
  send(
    app: AppConfig,
    body: JsonObject,
    type: string,
    teamId: string | null,
    encoding: 'json' | 'form' = 'json',
    target?: DeliveryTarget,
  ): DeliveryRecord | undefined {
    const kind: SocketKind | undefined =
      target === undefined
        ? body.type === 'event_callback' && this.usesSocket(app)
          ? 'events_api'
          : undefined
        : 'socket' in target
          ? target.socket
          : undefined;
    const url =
      kind !== undefined ? SOCKET_MODE_URL : target !== undefined && 'url' in target ? target.url : app.eventsUrl;
    if (url === undefined) return undefined;
    const eventId = typeof body.event_id === 'string' ? body.event_id : '';
    const record: DeliveryRecord = {
      event_id: eventId,
      type,
      app_id: app.id,
      team_id: teamId,
      url,
      state: 'pending',
      attempts: [],
      body,
      encoding,
      answer: null,
    };
    if (target !== undefined) this.once.add(record);
    if (this.records.length >= MAX_RECORDS) this.records.shift();
    this.records.push(record);
    this.pending += 1;
    if (kind !== undefined) void this.overSocket(app, record, kind, this.generation);
    else void this.attempt(app, record, 0, null, this.generation);
    return record;
  }

  private async overSocket(app: AppConfig, record: DeliveryRecord, kind: SocketKind, gen: number): Promise<void> {
    const at = this.clock.now();
    const result = await this.socket!.deliver(app.id, kind, record.body);
    if (gen !== this.generation) return;
    // The ack's payload is the app's answer, as an HTTP answer's body would be.
    record.answer = result.payload === undefined ? null : JSON.stringify(result.payload);
    // The server reports how many times it sent the envelope; each unacked send was a timeout.
    for (let i = 0; i < Math.max(1, result.attempts); i++) {
      const last = i === Math.max(1, result.attempts) - 1;
      const reason = last && result.acked ? null : result.attempts === 0 ? 'no_connection' : 'timeout';
      record.attempts.push({ retry_num: i, at, status: null, reason });
    }
    record.state = result.acked ? 'delivered' : 'failed';
    this.wake(record);
    this.settle();
  }

  /** Resolves the settled(record) waiters of a record that is delivered or failed. */
  private wake(record: DeliveryRecord): void {
    for (const wake of this.settledWaiters.get(record) ?? []) wake();
    this.settledWaiters.delete(record);
  }

  private async attempt(app: AppConfig, record: DeliveryRecord, retryNum: number, reason: string | null, gen: number) {
    const text =
      record.encoding === 'form'
        ? new URLSearchParams(Object.entries(record.body).map(([k, v]): [string, string] => [k, String(v)])).toString()
        : JSON.stringify(record.body);
    const ts = this.clock.seconds();
    const headers: Record<string, string> = {
      'content-type': record.encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature(app.signingSecret, ts, text),
    };
    if (retryNum > 0) {
      headers['x-slack-retry-num'] = String(retryNum);
      headers['x-slack-retry-reason'] = reason ?? 'http_error';
    }
    const at = this.clock.now();
    // Checked when the URL was set too; checked again here so that no path can reach another machine.
    const result = outboundAllowed(new URL(record.url), this.outbound)
      ? await post(record.url, headers, text, this.timeoutMs, this.abort.signal, challengeOf(record))
      : { status: null, noRetry: true, reason: 'forbidden_host' };
    if (gen !== this.generation) return;
    record.attempts.push({ retry_num: retryNum, at, status: result.status, reason: result.reason });
    record.answer = result.answer ?? null;
    const delay = this.once.has(record) ? undefined : this.retryDelays[retryNum];
    if (result.reason === null || result.noRetry || delay === undefined) {
      record.state = result.reason === null ? 'delivered' : 'failed';
      this.wake(record);
      this.settle();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(app, record, retryNum + 1, result.reason, gen);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private settle(): void {
    this.pending -= 1;
    if (this.pending > 0) return;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  list(): DeliveryRecord[] {
    return [...this.records];
  }

  /** Resolves once this record is delivered or failed (at once if it already is). */
  settled(record: DeliveryRecord): Promise<void> {
    if (record.state !== 'pending') return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.settledWaiters.get(record) ?? [];
      list.push(resolve);
      this.settledWaiters.set(record, list);
    });
  }

  /** Resolves once no delivery is pending (retries included). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** Forgets the log and cancels pending retries (reset and close). */
  clear(): void {
    this.generation += 1;
    this.abort.abort();
    this.abort = new AbortController();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.records.length = 0;
    this.pending = 0;
    for (const wakes of this.settledWaiters.values()) for (const wake of wakes) wake();
    this.settledWaiters.clear();
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}
