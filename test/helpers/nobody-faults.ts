// Run as nobody by test/kernel/faults.test.ts (under prlimit --memlock): samples its own faults with rings
// sized for a high rate, and prints as JSON what ring it got and whether the locked-memory limit bound.
import { FaultSampler } from '../../native/index.js';

const rate = Number(process.argv[2] ?? '20000');
const sampler = FaultSampler.open(process.pid, { kinds: ['minor'], expectedRatePerSecond: rate, pollIntervalMs: 100 });
try {
  const buffers = Array.from({ length: 64 }, () => Buffer.alloc(4096 * 16));
  let samples = 0;
  sampler.poll(() => { samples++; });
  process.stdout.write(JSON.stringify({ dataPages: sampler.dataPages, ringLimit: sampler.ringLimit, threads: sampler.threadCount, samples, buffers: buffers.length }));
} finally {
  sampler.close();
}
