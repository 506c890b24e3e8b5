// Run as user nobody by test/kernel/sampler.test.ts: maps the files given in this very process (its own
// process, so /proc access is allowed) and prints one Sample of itself as JSON.
import { FileMapping } from '../../native/index.js';
import { sampleOnce } from '../../src/sampler/index.js';

import fs from 'node:fs';

// Arguments: files to map; a file named after "--delete" is mapped and then deleted.
const args = process.argv.slice(2);
const toDelete = args.includes('--delete') ? args[args.indexOf('--delete') + 1] : undefined;
const mappings = args.filter((a) => a !== '--delete').map((file) => FileMapping.open(file));
try {
  for (const m of mappings) m.readU32(0);
  if (toDelete) fs.unlinkSync(toDelete);
  const { sample } = sampleOnce({ kind: 'process', pid: process.pid }, { cellCount: 4, smaps: true, pageTable: true, system: true });
  process.stdout.write(JSON.stringify(sample));
} finally {
  for (const m of mappings) m.close();
}
