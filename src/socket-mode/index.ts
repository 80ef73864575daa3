// slackline/socket-mode: receive events, interactions and slash commands over Slack's Socket Mode.
// Needs the `ws` package (an optional peer dependency: npm install ws@8).
export {
  SocketModeClient,
  SocketModeError,
  SocketModeErrorCode,
  type SocketModeOptions,
  type SocketModeStats,
} from './client.js';
export type { WebSocketClass } from './connection.js';
export type {
  DisconnectReason,
  Envelope,
  EnvelopeContext,
  EnvelopeListener,
  EnvelopeType,
  Hello,
} from './types.js';
