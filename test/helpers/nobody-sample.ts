// Run as user nobody by test/kernel/sampler.test.ts: maps the files given in this very process (its own
// process, so /proc access is allowed) and prints one Sample of itself as JSON.
import { FileMapping } from '../../native/index.js';
import { sampleOnce } from '../../src/sampler/index.js';

const mappings = process.argv.slice(2).map((file) => FileMapping.open(file));
try {
  for (const m of mappings) m.readU32(0);
  const { sample } = sampleOnce({ kind: 'process', pid: process.pid }, { cellCount: 4, smaps: true, pageTable: true, system: true });
  process.stdout.write(JSON.stringify(sample));
} finally {
  for (const m of mappings) m.close();
}
