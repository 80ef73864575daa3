// Every modelled method by name. Methods not listed here answer from the recorded samples.
import type { Handler, PublicHandler } from '../call.js';
import { appHandlers } from './apps.js';
import { apiTest, basicHandlers } from './basic.js';
import { bookmarkHandlers } from './bookmarks.js';
import { canvasHandlers } from './canvases.js';
import { chatHandlers } from './chat.js';
import { chatExtraHandlers } from './chat-extra.js';
import { conversationHandlers } from './conversations.js';
import { conversationManageHandlers } from './conversations-manage.js';
import { dndHandlers } from './dnd.js';
import { emojiHandlers } from './emoji.js';
import { fileHandlers } from './files.js';
import { fileManageHandlers } from './files-manage.js';
import { remoteFileHandlers } from './files-remote.js';
import { pinHandlers } from './pins.js';
import { reactionHandlers } from './reactions.js';
import { reminderHandlers } from './reminders.js';
import { searchHandlers } from './search.js';
import { teamHandlers } from './team.js';
import { usergroupHandlers } from './usergroups.js';
import { userHandlers } from './users.js';
import { userProfileHandlers } from './users-profile.js';
import { viewHandlers } from './views.js';

/** Scheduled messages whose post_at has come are posted before any method looks at the workspace. */
function afterDueMessages(handler: Handler): Handler {
  return (call) => {
    call.state.postDueMessages();
    return handler(call);
  };
}

export const handlers: ReadonlyMap<string, Handler> = new Map(
  Object.entries({
    ...basicHandlers,
    ...chatHandlers,
    ...conversationHandlers,
    ...userHandlers,
    ...reactionHandlers,
    ...fileHandlers,
    ...viewHandlers,
    ...chatExtraHandlers,
    ...teamHandlers,
    ...conversationManageHandlers,
    ...pinHandlers,
    ...bookmarkHandlers,
    ...reminderHandlers,
    ...fileManageHandlers,
    ...remoteFileHandlers,
    ...userProfileHandlers,
    ...dndHandlers,
    ...emojiHandlers,
    ...usergroupHandlers,
    ...searchHandlers,
    ...canvasHandlers,
    ...appHandlers,
  }).map(([name, handler]) => [name, afterDueMessages(handler)]),
);

export const publicHandlers: ReadonlyMap<string, PublicHandler> = new Map([['api.test', apiTest]]);
