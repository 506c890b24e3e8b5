// The command line's real bytes: Node turns a byte that is not UTF-8 into U+FFFD in process.argv; mmtop
// takes the user's arguments from /proc/self/cmdline instead, matched by position from the end.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { realArgs } from '../../src/cli/argv.js';
import { cleanupAll, REPO_ROOT, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

const cmdline = (dir: string, parts: Buffer[]): string => {
  const file = path.join(dir, `cmdline-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, Buffer.concat(parts.flatMap((p) => [p, Buffer.of(0)])));
  return file;
};

test('realArgs: the bytes Node lost come back; what cannot be matched is left as Node gave it', () => {
  const dir = tempDir();
  const bad = Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe]);
  const node = ['/usr/bin/node', '/repo/src/bin/mmtop.ts'];
  const file = cmdline(dir, [Buffer.from('/usr/bin/node'), Buffer.from('--import'), Buffer.from('tsx'), Buffer.from('src/bin/mmtop.ts'), Buffer.from('fincore'), bad, Buffer.from('')]);
  assert.deepEqual(realArgs([...node, 'fincore', 'bad\ufffd\ufffd', ''], file), ['fincore', 'bad\udcff\udcfe', ''], 'by position from the end, an empty argument too');
  assert.deepEqual(realArgs([...node, 'fincore', 'ok'], '/nonexistent'), ['fincore', 'ok'], 'all UTF-8: cmdline is not read');
  assert.deepEqual(realArgs([...node, 'fincore', 'other\ufffd'], file), ['fincore', 'other\ufffd'], 'a rewritten cmdline (process.title): Node\'s strings');
  assert.deepEqual(realArgs([...node, 'a\ufffd', 'b', 'c', 'd', 'e', 'f', 'g'], file), ['a\ufffd', 'b', 'c', 'd', 'e', 'f', 'g'], 'more arguments than cmdline holds');
});

test('realArgs in a real process: /proc/self/cmdline gives the bytes of every argument', () => {
  // With -e there is no script: process.argv[1] is the first argument, so one stands in for the script.
  const probe = `import { realArgs } from './src/cli/argv.ts'; process.stdout.write(JSON.stringify(realArgs()));`;
  const hex = [process.execPath, '--import', 'tsx', '--input-type=module', '-e', probe, 'script', 'x', 'bad\xff\xfe'].map((a) => Buffer.from(a, a.startsWith('bad') ? 'latin1' : 'utf8').toString('hex'));
  const run = spawnSync('python3', ['-c', 'import os, sys; a = [bytes.fromhex(x) for x in sys.argv[1:]]; os.execvp(a[0], a)', ...hex], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), ['x', 'bad\udcff\udcfe']);
});
