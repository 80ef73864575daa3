// `npm run bench`: every benchmark, one after another. Not part of `npm test`.
import { benchInstallations } from './installations.js';
import { benchWebClient } from './web-client.js';

const only = process.argv[2];
const benches: Record<string, () => Promise<unknown>> = {
  'web-client': () => benchWebClient(),
  installations: () => benchInstallations(),
};
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  console.log(`\n== ${name}`);
  await run();
}
