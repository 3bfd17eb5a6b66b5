import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCloak } from '../test/cli.ts';

/**
 * createApp builds and starts nothing: a one-off command does its work and leaves, with no
 * live detection, no detection timer and no investigations resumed; only `cloak serve` starts
 * them (app.start()). Seen from outside, as an operator would: the info-level log line live
 * detection writes when it starts.
 */
const STARTED = /detect: live detection started/;

describe('background work starts only with cloak serve', () => {
  test('staff, import, audit, keys and policy commands start no live detection; serve does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloak-bg-'));
    try {
      const env = { CLOAK_DATA_DIR: join(dir, 'data'), CLOAK_LOG_LEVEL: 'info', CLOAK_CRYPTO_WORKERS: '0' };
      const csv = join(dir, 'one.csv');
      writeFileSync(csv, 'external_id,name,phone\nbg-1,Tran Thi B,+84912345678\n');
      const commands = [
        ['staff', 'add', 'u-bg', '--role', 'analyst'],
        ['staff', 'list'],
        ['import', csv],
        ['audit', 'checkpoint'],
        ['audit', 'verify'],
        ['policies', 'check'],
        ['--help'],
      ];
      for (const args of commands) {
        const r = await runCloak(args, env);
        assert.equal(r.code, 0, `cloak ${args.join(' ')} ran: ${r.stderr.slice(0, 300)}`);
        assert.doesNotMatch(r.stdout + r.stderr, STARTED, `cloak ${args.join(' ')} started live detection`);
      }
      // The same data, served: detection starts with it.
      let out = '';
      const served = runCloak(['serve', '--port', '0'], env, (child) => {
        child.stdout!.on('data', (d) => {
          out += d;
          if (STARTED.test(out) && /cloak: listening/.test(out)) child.kill('SIGTERM');
        });
        setTimeout(() => child.kill('SIGKILL'), 60_000).unref();
      });
      const r = await served;
      assert.match(out, STARTED, 'serve starts live detection');
      assert.notEqual(r.signal, 'SIGKILL', 'serve started within a minute');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
