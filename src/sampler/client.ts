// The main thread's side of the sampler thread: request(target, plan) -> Promise<SampleResult>.
import { Worker } from 'node:worker_threads';
import type { SamplePlan, SampleResult, Target } from '../model/index.js';

export interface SamplerClient {
  request(target: Target, plan: SamplePlan): Promise<SampleResult>;
  close(): Promise<void>;
}

/** Starts the sampler thread. Under tsx (src/*.ts) the worker is the .ts file, built it is the .js one. */
export function startSamplerThread(): SamplerClient {
  const here = import.meta.url;
  const workerUrl = new URL(here.endsWith('.ts') ? './worker.ts' : './worker.js', here);
  // Node 20 runs a worker's entry before `--import` hooks are in place, so under tsx a tiny bootstrap
  // registers tsx first and then imports the .ts worker.
  // The sampler's own heap stays small: samples are plain data handed over once a tick.
  const resourceLimits = { maxYoungGenerationSizeMb: 4 };
  const worker = here.endsWith('.ts')
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); });`, { eval: true, resourceLimits })
    : new Worker(workerUrl, { resourceLimits });
  worker.unref();
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: SampleResult) => void; reject: (e: Error) => void }>();
  worker.on('message', (message: { id: number; result?: SampleResult; error?: string }) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.result) waiter.resolve(message.result);
    else waiter.reject(new Error(message.error ?? 'sampler failed'));
  });
  const failAll = (error: Error): void => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', () => failAll(new Error('sampler thread ended')));
  return {
    request(target, plan) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, target, plan });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
