// What the request path keeps per request must die young, even after a full collection has run
// (as V8's memory reducer runs one after a few idle seconds). A Set or Map added to and deleted from
// on every request breaks that: V8 links each table it outgrows to the next, so once one table is
// old, every later one and everything its entries held survives scavenges and is promoted. Measured
// in `serve` before the fix: scavenges of 0.3 ms became 5 ms, p99 at 16 in flight 2.5 ms became 6.
// Each structure (test/http/churn-cases.ts) is driven as 32,000 requests would drive it, each holding
// 1 KiB (about 32 MiB allocated), and must promote under 2 MiB: measured, each promoted 0.2 MiB or less
// as it is, and 5 MiB or more with the Set, or the Map moved on every hit, that it replaced.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { promotedInChild } from '../helpers/promoted.js';
import { REQUESTS } from './churn-cases.js';

const LIMIT = 2 * 1024 * 1024;
const CASES = new URL('./churn-cases.js', import.meta.url).pathname;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

for (const [name, title] of [
  ['deadlines', 'DeadlineQueue: a deadline armed and cancelled per request does not outlive it'],
  ['running', 'Running: work tracked per request does not outlive it once settled'],
  ['memory dedupe store', 'the in-process de-dup store: holding every claimed id costs the collector nothing per id'],
  ['authorize', 'authorize(): answering every request from the cache promotes nothing per request'],
  ['socket-mode server', "the emulator's Socket Mode side: an envelope delivered and acked does not outlive its ack"],
] as const) {
  test(title, () => {
    const promoted = promotedInChild(CASES, name);
    assert.ok(promoted < LIMIT, `promoted ${mib(promoted)} over ${REQUESTS.toLocaleString('en-US')} requests`);
  });
}
