// Compile-only: the ws package's WebSocket class fits the Socket Mode client's structural type.
import { WebSocket } from 'ws';
import type { WebSocketClass } from '../../src/socket-mode/index.js';

export const fits: WebSocketClass = WebSocket;
