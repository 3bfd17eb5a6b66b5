import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipeline } from './pipeline.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('never more than `depth` tasks in flight, and all of them run', async () => {
  const p = pipeline(2);
  let now = 0;
  let most = 0;
  const done: number[] = [];
  for (let i = 0; i < 7; i++) {
    await p.push(async () => {
      most = Math.max(most, ++now);
      await tick(5);
      now--;
      done.push(i);
    });
  }
  await p.drain();
  assert.equal(most, 2);
  assert.deepEqual([...done].sort(), [0, 1, 2, 3, 4, 5, 6]);
});

test('a failure stops the pipeline: the next push or the drain throws it, later tasks never start', async () => {
  const p = pipeline(2);
  const started: number[] = [];
  const run = async () => {
    for (let i = 0; i < 10; i++) {
      await p.push(async () => {
        started.push(i);
        await tick(2);
        if (i === 1) throw new Error('boom');
      });
    }
    await p.drain();
  };
  await assert.rejects(run(), /boom/);
  assert.ok(started.length <= 4, `started ${started.length}`);
});
