// The child of promotedInChild: node promoted-child.js <compiled module exporting `cases`> <case>
// Prints the bytes the case promoted.
import { type PromotionCase, promotedBy } from './promoted.js';

const [module, name] = process.argv.slice(2) as [string, string];
const { cases } = (await import(module)) as { cases: Record<string, PromotionCase> };
const c = cases[name];
if (c === undefined) throw new Error(`no promotion case ${name} in ${module}`);
console.log(await promotedBy(c));
process.exit(0);
