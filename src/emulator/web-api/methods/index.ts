// Every modelled method by name. Methods not listed here answer from the recorded samples.
import type { Handler, PublicHandler } from '../call.js';
import { apiTest, basicHandlers } from './basic.js';
import { chatHandlers } from './chat.js';
import { conversationHandlers } from './conversations.js';
import { fileHandlers } from './files.js';
import { reactionHandlers } from './reactions.js';
import { userHandlers } from './users.js';
import { viewHandlers } from './views.js';

export const handlers: ReadonlyMap<string, Handler> = new Map(
  Object.entries({
    ...basicHandlers,
    ...chatHandlers,
    ...conversationHandlers,
    ...userHandlers,
    ...reactionHandlers,
    ...fileHandlers,
    ...viewHandlers,
  }),
);

export const publicHandlers: ReadonlyMap<string, PublicHandler> = new Map([['api.test', apiTest]]);
