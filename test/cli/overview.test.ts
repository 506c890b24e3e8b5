// `mmtop demo` is the demo now (`mmtop` alone is the overview): the command exists, takes the demo's
// flags, and still refuses a pipe before it writes its 128 MiB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

test('mmtop demo without a terminal: one line, exit 1, no file written', () => {
  const run = runCli(['demo', '-d', '0.5']);
  assert.equal(run.status, 1, run.stderr);
  assert.equal(run.stderr, 'mmtop: the demo needs a terminal; for output to a pipe use: mmtop snapshot <pid>\n');
});

test('mmtop demo takes no pid and no unknown flag', () => {
  const extra = runCli(['demo', '123']);
  assert.equal(extra.status, 2, extra.stderr);
  const bogus = runCli(['demo', '--bogus']);
  assert.equal(bogus.status, 2);
  assert.match(bogus.stderr, /^mmtop: Unknown argument: bogus\n$/);
});
