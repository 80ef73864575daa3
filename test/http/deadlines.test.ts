// One timer serves every deadline of a DeadlineQueue (the events handler's and the dispatcher's ack
// deadlines): each must still expire on its own time, never before it, and a cancelled one never.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineQueue } from '../../src/http/deadlines.js';

const MS = 400;

test('each deadline expires its own length after it was armed; cancelled ones never', async () => {
  const queue = new DeadlineQueue(MS);
  const expired: { name: string; after: number }[] = [];
  const arm = (name: string) => {
    const armed = performance.now();
    return queue.arm(() => expired.push({ name, after: performance.now() - armed }));
  };
  const first = arm('first'); // the timer is armed for this one...
  await sleep(MS / 2);
  arm('second');
  const third = arm('third');
  queue.cancel(first); // ...which is cancelled: the timer must move on to 'second', not expire it early
  queue.cancel(third);
  assert.equal(queue.size, 1);
  await sleep(MS * 2);
  assert.deepEqual(
    expired.map((e) => e.name),
    ['second'],
  );
  assert.ok((expired[0]?.after ?? 0) >= MS - 1, `'second' expired ${expired[0]?.after} ms after it was armed`);
  assert.equal(queue.size, 0);

  // Idle, then busy again: a new deadline still expires, on time.
  expired.length = 0;
  arm('later');
  await sleep(MS * 2);
  assert.deepEqual(
    expired.map((e) => e.name),
    ['later'],
  );
  assert.ok((expired[0]?.after ?? 0) >= MS - 1);
});

test('deadlines armed while others are pending expire in order, each on its own time', async () => {
  const queue = new DeadlineQueue(MS);
  const expired: { name: string; after: number }[] = [];
  for (const name of ['a', 'b', 'c']) {
    const armed = performance.now();
    queue.arm(() => expired.push({ name, after: performance.now() - armed }));
    await sleep(MS / 4);
  }
  await sleep(MS * 2);
  assert.deepEqual(
    expired.map((e) => e.name),
    ['a', 'b', 'c'],
  );
  for (const e of expired) assert.ok(e.after >= MS - 1, `${e.name} expired ${e.after} ms after it was armed`);
});

test('a deadline armed late, with the time its wait began, expires its length after that time', async () => {
  const queue = new DeadlineQueue(MS);
  const began = performance.now();
  // The caller could arm it only now: something held the thread for a whole length (a synchronous
  // listener, say). Due at once, not a length from now.
  while (performance.now() - began < MS) {}
  let after = Number.NaN;
  queue.arm(() => {
    after = performance.now() - began;
  }, began);
  await sleep(MS * 3);
  assert.ok(after >= MS - 1 && after < MS * 1.5, `expired ${after} ms after its wait began (due at ${MS})`);
});

test("cancelling one queue's deadline through another queue changes neither", async () => {
  const a = new DeadlineQueue(50);
  const b = new DeadlineQueue(50);
  const expired: string[] = [];
  const fromA = a.arm(() => expired.push('a'));
  b.arm(() => expired.push('b'));
  b.cancel(fromA);
  assert.equal(a.size, 1);
  assert.equal(b.size, 1);
  await sleep(200);
  assert.deepEqual(expired.sort(), ['a', 'b']);
  a.cancel(fromA); // expired already: harmless
  assert.equal(a.size, 0);
});
