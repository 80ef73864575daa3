#!/usr/bin/env node
// Dev-only: copies the Slack reference data slackline needs from ../shared/slack-api into data/.
// Nothing at build or run time reads ../shared; run this again only when the shared data changes.
// Usage: node scripts/import-data.mjs [path-to-shared-slack-api]
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const src = process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'slack-api');
const out = join(import.meta.dirname, '..', 'data');
mkdirSync(out, { recursive: true });
const readJson = (p) => JSON.parse(readFileSync(join(src, p), 'utf8'));
const write = (name, value) => writeFileSync(join(out, name), `${JSON.stringify(value, null, 1)}\n`);

// 1. The method catalog and the rate-limit tiers, as they are.
write('methods.json', readJson('methods.json'));
write('method-tiers.json', readJson('method-tiers.json'));
write('oauth-samples.json', readJson('oauth-samples.json'));
write('socket-mode-samples.json', readJson('socket-mode-samples.json'));
write('common-errors.json', readJson('slack-api-ref/methods/_errors/common.json'));

// 2. One success example per method from Slack's docs (realistic values).
const docsDir = 'slack-api-ref/docs.slack.dev/methods';
const docsExamples = {};
for (const file of readdirSync(join(src, docsDir)).sort()) {
  if (!file.endsWith('.json') || file === 'methods.json') continue;
  const doc = readJson(join(docsDir, file));
  const example = doc.examples?.success?.example;
  if (example && typeof example === 'object') docsExamples[file.slice(0, -5)] = example;
}
write('docs-examples.json', docsExamples);

// 3. The java-slack-sdk recorded samples: the union of every field Slack was seen to send, with masked
// values. Arrays are folded into one element that merges all elements, so shapes survive at a fraction
// of the size. The union's error keys (ok:false, error, needed, provided, warning) are dropped: a
// success answer has none of them.
function merge(a, b) {
  if (Array.isArray(a) && Array.isArray(b)) return fold([...a, ...b]);
  if (isObject(a) && isObject(b)) {
    const r = { ...a };
    for (const [k, v] of Object.entries(b)) r[k] = k in r ? merge(r[k], v) : prune(v);
    return r;
  }
  return a === undefined ? prune(b) : a;
}
function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function fold(arr) {
  if (arr.length === 0) return [];
  let acc;
  for (const el of arr) acc = acc === undefined ? prune(el) : merge(acc, el);
  return [acc];
}
function prune(v) {
  if (Array.isArray(v)) return fold(v);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, prune(x)]));
  return v;
}
const javaDir = 'java-slack-sdk/json-logs/samples/api';
const shapes = {};
for (const file of readdirSync(join(src, javaDir)).sort()) {
  if (!file.endsWith('.json')) continue;
  const body = prune(readJson(join(javaDir, file)));
  for (const k of ['ok', 'error', 'needed', 'provided', 'warning']) delete body[k];
  shapes[file.slice(0, -5)] = body;
}
write('response-shapes.json', shapes);

// 4. Events API event types (name, description, scopes) from Slack's docs JSON, and the shape of each
// event from the java-slack-sdk recorded event_callback payloads (samples of one type merged).
write('events.json', readJson('slack-api-ref/docs.slack.dev/events/events.json'));
const eventsDir = 'java-slack-sdk/json-logs/samples/events';
const eventShapes = {};
for (const file of readdirSync(join(src, eventsDir)).sort()) {
  if (!file.endsWith('.json')) continue;
  const event = readJson(join(eventsDir, file)).event;
  if (!isObject(event) || typeof event.type !== 'string' || event.type === '') continue;
  eventShapes[event.type] =
    eventShapes[event.type] === undefined ? prune(event) : merge(eventShapes[event.type], event);
}
write('event-shapes.json', eventShapes);

// 5. Interaction and slash command payloads (java-slack-sdk app-backend samples), by payload type.
const backendDir = 'java-slack-sdk/json-logs/samples/app-backend';
const interactionShapes = {};
for (const [file, type] of [
  ['interactive-components/BlockActionPayload.json', 'block_actions'],
  ['interactive-components/MessageShortcutPayload.json', 'message_action'],
  ['views/ViewSubmissionPayload.json', 'view_submission'],
  ['views/ViewClosedPayload.json', 'view_closed'],
  ['slash-commands/SlashCommandPayload.json', 'slash_command'],
]) {
  interactionShapes[type] = prune(readJson(join(backendDir, file)));
}
write('interaction-shapes.json', interactionShapes);
// 6. SCIM v1/v2 answers as java-slack-sdk recorded them (masked values): the emulator's SCIM resources
// are checked against these shapes (test/emulator/scim-shapes.test.ts). Keyed `v2/Users` (a list),
// `v2/Users/<id>` (one resource), and so on, plus `v1|v2/ServiceProviderConfigs` and `v2/ResourceTypes`.
const scimDir = 'java-slack-sdk/json-logs/samples/scim';
const scimSamples = {};
for (const version of ['v1', 'v2']) {
  for (const resource of ['Users', 'Groups']) {
    scimSamples[`${version}/${resource}`] = readJson(join(scimDir, version, `${resource}.json`));
    scimSamples[`${version}/${resource}/<id>`] = readJson(join(scimDir, version, resource, '00000000000.json'));
  }
  scimSamples[`${version}/ServiceProviderConfigs`] = readJson(join(scimDir, version, 'ServiceProviderConfigs.json'));
}
scimSamples['v2/ResourceTypes'] = readJson(join(scimDir, 'v2', 'ResourceTypes.json'));
write('scim-samples.json', scimSamples);

// 6. Audit Logs API: the real action and schema lists (recorded /audit/v1/actions and /schemas answers)
// and the recorded /logs entry shape (masked values), for the emulator's audit-logs surface.
const auditDir = 'java-slack-sdk/json-logs';
write('audit-logs.json', {
  _about: 'java-slack-sdk json-logs/raw/audit/v1/{actions,schemas}.json and samples/audit/v1/logs.json (entry shape)',
  actions: readJson(join(auditDir, 'raw/audit/v1/actions.json')).actions,
  schemas: readJson(join(auditDir, 'raw/audit/v1/schemas.json')).schemas,
  entryShape: prune(readJson(join(auditDir, 'samples/audit/v1/logs.json')).entries)[0],
});
console.log(
  `data/: ${Object.keys(docsExamples).length} docs examples, ${Object.keys(shapes).length} response shapes, ` +
    `${Object.keys(eventShapes).length} event shapes, ${Object.keys(interactionShapes).length} interaction shapes`,
);
