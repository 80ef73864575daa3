// `npm run bench`: every benchmark, one after another. Not part of `npm test`.
import { benchAuditExport } from './audit-export.js';
import { benchDedupe } from './dedupe.js';
import { benchEvents } from './events.js';
import { benchInstallations } from './installations.js';
import { benchRateLimits } from './rate-limits.js';
import { benchRedaction } from './redaction.js';
import { benchRotation } from './rotation.js';
import { benchSocketMode } from './socket-mode.js';
import { benchWebClient } from './web-client.js';

const only = process.argv[2];
const benches: Record<string, () => Promise<unknown>> = {
  'web-client': () => benchWebClient(),
  installations: () => benchInstallations(),
  'rate-limits': () => benchRateLimits(),
  'socket-mode': () => benchSocketMode(),
  events: () => benchEvents(),
  dedupe: () => benchDedupe(),
  redaction: () => benchRedaction(),
  rotation: () => benchRotation(),
  'audit-export': () => benchAuditExport(),
};
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  console.log(`\n== ${name}`);
  await run();
}
// A peer that timed out may still hold retries for minutes: the results are written, so stop here.
process.exit(0);
