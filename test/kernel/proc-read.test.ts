// readProcText (src/sampler/proc-read.ts): one buffer kept between reads, grown for a large file, the bytes
// as readFileSync reads them, names that are not UTF-8 kept, and failures as values.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readProcText } from '../../src/sampler/proc-read.js';
import { decodeName } from '../../src/model/index.js';
import { cleanupAll, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

test('small and large files read whole, one after the other, as readFileSync reads them', () => {
  const dir = tempDir();
  const large = path.join(dir, 'large.txt');
  // Larger than the first buffer (256 KiB) and not a multiple of it, with bytes that are not UTF-8.
  const bytes = Buffer.alloc(700_001);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
  fs.writeFileSync(large, bytes);
  for (const file of ['/proc/self/stat', large, '/proc/self/smaps', '/proc/self/status', large, '/proc/meminfo']) {
    const read = readProcText(file, 'test');
    assert.ok(read.ok, file);
    // A /proc file moves between two reads: compare the stable ones, and the shape of the others.
    if (file === large) assert.equal(read.text, decodeName(fs.readFileSync(file)));
    else assert.ok(read.text.length > 0 && read.text.endsWith('\n'), file);
  }
  const status = readProcText('/proc/self/status', 'test');
  assert.ok(status.ok && status.text.startsWith('Name:'));
});

test('a file that is not there is a failure with its errno, not a throw', () => {
  const read = readProcText('/proc/999999999/smaps', 'smaps');
  assert.equal(read.ok, false);
  assert.equal(read.ok ? '' : read.failure.errno, 'ENOENT');
  assert.match(read.ok ? '' : read.failure.message, /smaps: cannot read \/proc\/999999999\/smaps \(ENOENT\)/);
});
