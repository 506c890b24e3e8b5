// The sampler's thread: sampleOnce runs here so that a slow sample (smaps of 5,000 mappings) never blocks
// keys. It answers one request at a time; the main thread's loop is the only clock.
import { parentPort } from 'node:worker_threads';
import pidusage from 'pidusage';
import type { SamplePlan, Target } from '../model/index.js';
import { sampleOnce } from './sample-once.js';

export interface SampleRequest {
  id: number;
  target: Target;
  plan: SamplePlan;
}

parentPort?.on('message', (request: SampleRequest) => {
  void answer(request);
});

async function answer(request: SampleRequest): Promise<void> {
  try {
    const result = sampleOnce(request.target, request.plan);
    const p = result.sample.process;
    if (p) {
      try {
        // pidusage reads /proc/PID/stat and keeps the previous reading: CPU % since the last call.
        p.cpuPercent = (await pidusage(p.pid)).cpu;
      } catch {
        p.cpuPercent = null;
      }
    }
    parentPort?.postMessage({ id: request.id, result });
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
}
