// Run as user nobody by test/kernel/page-detail.test.ts: maps the file given in this very process, reads
// it, and prints one Sample of itself with the flags layer's plan as JSON.
import { FileMapping } from '../../native/index.js';
import { fileKey } from '../../src/model/index.js';
import { sampleOnce } from '../../src/sampler/index.js';

const mapping = FileMapping.open(process.argv[2]!);
try {
  mapping.readU32(0);
  const plan = { cellCount: 0, smaps: false, pageTable: true, system: false };
  const probe = sampleOnce({ kind: 'process', pid: process.pid }, plan).sample;
  const file = probe.files.find((f) => f.path === process.argv[2])!;
  const { sample } = sampleOnce({ kind: 'process', pid: process.pid }, { ...plan, focus: { key: fileKey(file), cellCount: 4 }, pageFlags: true });
  process.stdout.write(JSON.stringify(sample));
} finally {
  mapping.close();
}
