// The generated event types: the committed file is fresh and covers Slack's whole event reference.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generate, OUTPUT_PATH } from '../../scripts/generate-events.js';

const root = join(import.meta.dirname, '..', '..', '..');
const dataDir = join(root, 'data');

test('events.generated.ts is fresh', () => {
  const committed = readFileSync(join(root, OUTPUT_PATH), 'utf8');
  assert.ok(committed === generate(dataDir), `${OUTPUT_PATH} is stale: run \`npm run build && npm run generate\``);
});

test('every event type of the reference is in SlackEventMap, with a payload type where a shape was recorded', () => {
  const text = readFileSync(join(root, OUTPUT_PATH), 'utf8');
  const events = JSON.parse(readFileSync(join(dataDir, 'events.json'), 'utf8')) as { name: string }[];
  const shapes = JSON.parse(readFileSync(join(dataDir, 'event-shapes.json'), 'utf8')) as Record<string, unknown>;
  assert.ok(events.length >= 100);
  // `message.channels` and the like are subscription names for the `message` event, not event types.
  for (const { name } of events.filter((e) => !e.name.includes('.'))) {
    assert.match(text, new RegExp(`^  ${name}: `, 'm'), name);
  }
  for (const name of ['app_mention', 'message', 'reaction_added', 'member_joined_channel', 'tokens_revoked']) {
    assert.ok(shapes[name] !== undefined, `${name} has a recorded shape`);
    assert.match(text, new RegExp(`^  ${name}: \\w+Event & `, 'm'), `${name} is typed from its shape`);
  }
});
