// Compile-only: the dispatcher's listeners are typed from Slack's event reference.
import { Dispatcher } from '../../src/events/index.js';

const d = new Dispatcher();
d.on('app_mention', ({ body }) => {
  const text: string | undefined = body.event.text;
  const type: 'app_mention' = body.event.type;
  return [text, type];
});
d.on('reaction_added', ({ body }) => body.event.reaction);
d.on('*', ({ body }) => body.event.type);
// @ts-expect-error not an Events API event type
d.on('app_mentioned', () => {});
d.on('app_mention', ({ body }) => {
  // @ts-expect-error an app_mention has no `reaction`... as a typed field: the index signature gives unknown
  const reaction: string = body.event.reaction;
  return reaction;
});
d.onCommand('/deploy', ({ body, ack }) => ack({ text: body.text }));
