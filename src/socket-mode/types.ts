// What Slack sends over a Socket Mode connection, and what the app sends back.
// Shapes from Slack's Socket Mode docs (data/socket-mode-samples.json).

export type EnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

/** Why Slack closes a connection: `warning` (about 10 s ahead), `refresh_requested` (routine), `link_disabled`
 * (Socket Mode turned off for the app), `too_many_websockets` (over the 10 allowed). */
export type DisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled' | 'too_many_websockets';

export interface Hello {
  type: 'hello';
  num_connections?: number;
  connection_info?: { app_id?: string };
  debug_info?: { host?: string; approximate_connection_time?: number; [key: string]: unknown };
}

export interface Envelope<P = Record<string, unknown>> {
  type: EnvelopeType;
  envelope_id: string;
  payload: P;
  accepts_response_payload?: boolean;
  /** events_api redeliveries: how many times Slack tried before, and why. */
  retry_attempt?: number;
  retry_reason?: string;
}

/** What a listener gets for each envelope. */
export interface EnvelopeContext<P = Record<string, unknown>> {
  envelope: Envelope<P>;
  /** The envelope's payload (the event callback, the interaction, the slash command). */
  body: P;
  /**
   * Acknowledges the envelope, with an optional response payload (a slash command's message, a
   * `block_suggestion`'s options, a `view_submission`'s `response_action`). Only the first call counts;
   * an envelope no listener acks is acked empty when the listeners finish or at the ack deadline.
   */
  ack(payload?: Record<string, unknown>): void;
}

export type EnvelopeListener<P = Record<string, unknown>> = (context: EnvelopeContext<P>) => unknown;
