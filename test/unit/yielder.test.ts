// The yielder keeps a host's event loop answering during a build: loops that run side by side
// (the prefetch's readers) must share one turn, or each would run its whole budget again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { yielder } from '../../src/core/io/yielder';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: stands for synchronous work
  }
}

test('no budget: never yields', () => {
  const pause = yielder(undefined);
  busy(5);
  assert.equal(pause(), undefined);
});

test('concurrent loops share one turn: callers waiting at the same time get the same promise', async () => {
  const pause = yielder(5);
  assert.equal(pause(), undefined, 'within the budget: no turn');
  busy(6);
  const first = pause();
  assert.ok(first instanceof Promise, 'over the budget: a turn');
  // Another loop arriving before the turn is taken waits for the same one. With a turn each,
  // every loop would run its whole budget again inside one check phase of the event loop.
  assert.equal(pause(), first);
  await first;
  assert.equal(pause(), undefined, 'the budget starts again after the turn');
  busy(6);
  const second = pause();
  assert.ok(second instanceof Promise && second !== first);
  await second;
});
