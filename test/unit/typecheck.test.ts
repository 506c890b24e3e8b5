// The sources type-check (tsc --noEmit over src, test, bench and scripts, as tsconfig.json says). `npm ci`
// builds with esbuild alone (the prepare script): `npx mmtop`'s first run in a directory installs the
// directory and runs prepare, and tsc made that 10-15 s. The type check runs here instead, in the suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { REPO_ROOT } from '../helpers/kernel.js';

test('tsc --noEmit finds no type error', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, `tsc: ${run.stdout}${run.stderr}`.slice(0, 4000));
});
