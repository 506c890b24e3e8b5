// The files mmtop writes for the user: new ones only, never through a link; a taken name moves on.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createExclusive, createNamed, timestamp, writeNewFile } from '../../src/record/out-file.js';
import { cleanupAll, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

test('createNamed: stem-time.ext; a name taken by a file or a planted link moves on to -2; a directory that will not do, the next one', () => {
  const dir = tempDir();
  const other = tempDir();
  const nowMs = Date.UTC(2026, 11, 1, 12, 0, 0);
  const stamp = timestamp(nowMs);
  assert.match(stamp, /^\d{8}-\d{6}$/);
  fs.writeFileSync(path.join(dir, `mmtop-1-${stamp}.svg`), 'taken');
  fs.symlinkSync('/etc/passwd-not-this', path.join(dir, `mmtop-1-${stamp}-2.svg`));
  const opened = createNamed('mmtop-1', '.svg', nowMs, [dir]);
  assert.ok(opened.ok);
  fs.closeSync(opened.fd);
  assert.equal(opened.path, path.join(dir, `mmtop-1-${stamp}-3.svg`));
  assert.equal(fs.readFileSync(path.join(dir, `mmtop-1-${stamp}.svg`), 'utf8'), 'taken', 'the file there is left alone');
  const fallback = createNamed('mmtop-1', '.ndjson', nowMs, [path.join(dir, 'no-such-dir'), other]);
  assert.ok(fallback.ok);
  fs.closeSync(fallback.fd);
  assert.equal(path.dirname(fallback.path), other);
  const none = createNamed('mmtop-1', '.ndjson', nowMs, [path.join(dir, 'no-such-dir')]);
  assert.ok(!none.ok && /no such directory/.test(none.reason));
});

test('createExclusive and writeNewFile: an existing file and a link (even dangling) are refused, in words', () => {
  const dir = tempDir();
  const file = path.join(dir, 'a.svg');
  assert.deepEqual(writeNewFile(file, '<svg/>'), { ok: true, path: file });
  const again = writeNewFile(file, 'other');
  assert.ok(!again.ok && again.reason === 'already exists (mmtop writes only new files)');
  assert.equal(fs.readFileSync(file, 'utf8'), '<svg/>');
  fs.symlinkSync(path.join(dir, 'target'), path.join(dir, 'link.svg'));
  const link = createExclusive(path.join(dir, 'link.svg'));
  assert.ok(!link.ok);
  assert.equal(fs.existsSync(path.join(dir, 'target')), false, 'nothing created through the link');
});
