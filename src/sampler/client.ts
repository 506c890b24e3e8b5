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

/** The most lines of the thread's output kept while nobody listens yet (a thread started early: startEarly). */
const OUTPUT_MAX_QUEUED_LINES = 64;

/**
 * A thread started before the view was loaded (startEarly), with the first request already in it: the
 * view's startSamplerThread takes it over. At most one.
 */
let early: { client: SamplerClient & Prefetching; listen: (onOutput: (line: string) => void) => void } | undefined;

interface Prefetching {
  /** Posts a request now; request() with an equal target and plan gets its answer instead of asking again. */
  prefetch(target: Target, plan: SamplePlan): void;
}

/**
 * Starts the sampler thread and its first sample while the rest of the view is still being loaded (the
 * bin, for `mmtop PID`): the thread's start (a second V8 isolate, its modules, koffi) and the first
 * sample then overlap the main thread's own module loading instead of following it. The view's
 * startSamplerThread takes this thread over; a first request equal to `plan` gets the answer already
 * on its way (or in hand). Nothing else changes: the thread is unref'd, so a command that ends before
 * the view starts does not wait for it.
 */
export function startEarly(target: Target, plan: SamplePlan): void {
  if (early) return;
  early = createClient(true);
  early.client.prefetch(target, plan);
}

/** Starts the sampler thread (or takes over the one startEarly started). Under tsx (src/*.ts) the worker is the .ts file, built it is the .js one. */
export function startSamplerThread(onOutput?: (line: string) => void): SamplerClient {
  const taken = early;
  early = undefined;
  const made = taken ?? createClient(onOutput !== undefined);
  if (onOutput) made.listen(onOutput);
  return made.client;
}

function createClient(captureOutput: boolean): { client: SamplerClient & Prefetching; listen: (onOutput: (line: string) => void) => void } {
  const here = import.meta.url;
  const workerUrl = new URL(here.endsWith('.ts') ? './worker.ts' : './worker.js', here);
  // Node 20 runs a worker's entry before `--import` hooks are in place, so under tsx a tiny bootstrap
  // registers tsx first and then imports the .ts worker.
  // The sampler's own heap stays small: samples are plain data handed over once a tick.
  const resourceLimits = { maxYoungGenerationSizeMb: 4 };
  const streams = captureOutput ? { stdout: true, stderr: true } : {};
  const worker = here.endsWith('.ts')
    // tsx is resolved from here, not from the working directory (an eval'd worker resolves from the cwd):
    // mmtop run under tsx from another directory (the record and replay tests write there) still finds it.
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); });`, { eval: true, resourceLimits, ...streams })
    : new Worker(workerUrl, { resourceLimits, ...streams });
  worker.unref();
  // What the thread writes (a Node warning, a stray log) would land raw on the view's terminal, under the
  // painter's frame: with `captureOutput` it comes here line by line instead, bounded, for the view to say
  // (`listen`); lines written before anyone listens wait, at most OUTPUT_MAX_QUEUED_LINES of them.
  let sink: ((line: string) => void) | undefined;
  const queued: string[] = [];
  for (const stream of captureOutput ? [worker.stdout, worker.stderr] : []) {
    let pendingText = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pendingText = (pendingText + chunk).slice(-OUTPUT_MAX_CHARS);
      const lines = pendingText.split('\n');
      pendingText = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        if (sink) sink(line);
        else if (queued.push(line) > OUTPUT_MAX_QUEUED_LINES) queued.shift();
      }
    });
  }
  const listen = (onOutput: (line: string) => void): void => {
    sink = onOutput;
    for (const line of queued.splice(0)) onOutput(line);
  };
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
  const post = (target: Target, plan: SamplePlan): Promise<SampleResult> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, target, plan, ...(needFull ? { full: true } : {}) });
      needFull = false;
    });
  };
  /** The request startEarly posted, until the view's first request takes it (or asks for something else). */
  let prefetched: { target: Target; plan: SamplePlan; answer: Promise<SampleResult> } | undefined;
  const client: SamplerClient & Prefetching = {
    prefetch(target, plan) {
      const answer = post(target, plan);
      // Not asked for after all (the view's first plan differed, or the view never started): no unhandled rejection.
      answer.catch(() => undefined);
      prefetched = { target, plan, answer };
    },
    request(target, plan) {
      const given = prefetched;
      prefetched = undefined;
      // The answer in flight is this request's only if it asked for exactly this; otherwise it still
      // arrives first and becomes the base of the next delta (the thread answers in order), unheard.
      if (given && sameData(given.target, target) && sameData(given.plan, plan)) return given.answer;
      return post(target, plan);
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
  return { client, listen };
}

/** Whether two requests' plain data (JSON-like: objects, arrays, strings, numbers, booleans) are equal. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
