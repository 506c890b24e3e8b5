// The main thread's side of the sampler thread: request(target, plan) -> Promise<SampleResult>.
import { Worker } from 'node:worker_threads';
import type { Sample, SamplePlan, SampleResult, Target } from '../model/index.js';
import { decodeDelta, type SampleDelta } from './delta.js';

export interface SamplerClient {
  request(target: Target, plan: SamplePlan): Promise<SampleResult>;
  close(): Promise<void>;
}

/** The most of the thread's output kept while a line is not ended (a runaway line is cut, not grown). */
const OUTPUT_MAX_CHARS = 4096;

/** How long close() waits for the thread to release its files before ending it. */
const CLOSE_WAIT_MS = 1000;

/** Starts the sampler thread. Under tsx (src/*.ts) the worker is the .ts file, built it is the .js one. */
export function startSamplerThread(onOutput?: (line: string) => void): SamplerClient {
  const here = import.meta.url;
  const workerUrl = new URL(here.endsWith('.ts') ? './worker.ts' : './worker.js', here);
  // Node 20 runs a worker's entry before `--import` hooks are in place, so under tsx a tiny bootstrap
  // registers tsx first and then imports the .ts worker.
  // The sampler's own heap stays small: samples are plain data handed over once a tick.
  const resourceLimits = { maxYoungGenerationSizeMb: 4 };
  const streams = onOutput ? { stdout: true, stderr: true } : {};
  const worker = here.endsWith('.ts')
    // tsx is resolved from here, not from the working directory (an eval'd worker resolves from the cwd):
    // mmtop run under tsx from another directory (the record and replay tests write there) still finds it.
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); });`, { eval: true, resourceLimits, ...streams })
    : new Worker(workerUrl, { resourceLimits, ...streams });
  worker.unref();
  // What the thread writes (a Node warning, a stray log) would land raw on the view's terminal, under the
  // painter's frame: with `onOutput` it comes here line by line instead, bounded, for the view to say.
  if (onOutput) {
    for (const stream of [worker.stdout, worker.stderr]) {
      let pendingText = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        pendingText = (pendingText + chunk).slice(-OUTPUT_MAX_CHARS);
        const lines = pendingText.split('\n');
        pendingText = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') onOutput(line);
      });
    }
  }
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: SampleResult) => void; reject: (e: Error) => void }>();
  // The last Sample rebuilt from the thread's deltas (delta.ts): every message is decoded, answered or
  // not, so this stays the thread's `lastSent`. After a delta that cannot be decoded, the next request
  // asks for every record.
  let base: Sample | null = null;
  let baseSeq = 0;
  let needFull = false;
  worker.on('message', (message: { id: number; result?: Omit<SampleResult, 'sample'>; delta?: SampleDelta; error?: string; closed?: true }) => {
    let decodeError: string | null = null;
    let result: SampleResult | undefined;
    if (message.result && message.delta) {
      const decoded = decodeDelta(base, baseSeq, message.delta);
      if (decoded.ok) {
        base = decoded.sample;
        baseSeq = message.delta.seq;
        result = { ...message.result, sample: decoded.sample };
      } else {
        base = null;
        baseSeq = 0;
        needFull = true;
        decodeError = decoded.reason;
      }
    }
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (result || message.closed) waiter.resolve(result as SampleResult);
    else waiter.reject(new Error(decodeError ?? message.error ?? 'sampler failed'));
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
        worker.postMessage({ id, target, plan, ...(needFull ? { full: true } : {}) });
        needFull = false;
      });
    },
    async close() {
      // The thread closes the files it keeps open first (they are the process's fds, not the thread's),
      // then ends; a thread that does not answer within CLOSE_WAIT_MS is ended all the same.
      const id = nextId++;
      const closed = new Promise<void>((resolve) => {
        pending.set(id, { resolve: () => resolve(), reject: () => resolve() });
        worker.postMessage({ id, close: true });
      });
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_WAIT_MS); });
      try {
        await Promise.race([closed, waited]);
      } finally {
        clearTimeout(timer);
        pending.delete(id);
        await worker.terminate();
      }
    },
  };
}
