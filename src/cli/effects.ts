// The effects runner: carries out what the reducer asks (evict, touch, advise, workloads) and reports the
// kernel's answer back as actions. It owns the workload child and ends it on shutdown.
// The actions (and native/ with them: koffi and its shared library) are imported when one first runs, not
// with the view: the main thread of a view that never evicts or touches loads no native code at all (it
// was 35-50 ms of the time to the first frame; the sampler thread has its own copy).
import { evictSummary } from '../text/evict.js';
import type { Action, Effect } from '../state/index.js';
import { humanBytes } from '../text/units.js';
import { describeExit, startWorkload, type WorkloadEvent, type WorkloadHandle } from '../workload/controller.js';
import path from 'node:path';

export interface EffectsRunner {
  run(effect: Effect): void;
  /** Takes over a workload started elsewhere (the demo's); `events` is where its events now go. */
  adopt(handle: WorkloadHandle, relay: WorkloadRelay): void;
  /** Ends the workload (if any) and waits for it. */
  shutdown(): Promise<void>;
}

export function createEffectsRunner(dispatch: (action: Action) => void, clock: () => number): EffectsRunner {
  let workload: WorkloadHandle | undefined;
  const report = (kind: Extract<Action, { type: 'actionResult' }>['kind'], text: string, ok: boolean, extra: { stayedPages?: number | null; advice?: string; path?: string } = {}): void => {
    dispatch({ type: 'actionResult', kind, text, ok, nowMs: clock(), ...extra });
  };
  const n = (v: number | null | undefined): string => (v === null || v === undefined ? '?' : String(v));

  const stopWorkload = async (): Promise<void> => {
    const w = workload;
    workload = undefined;
    await w?.stop();
  };

  const onWorkloadEvent = (handle: WorkloadHandle, event: WorkloadEvent): void => {
    if (event.type === 'status') dispatch({ type: 'workloadStatus', status: event.status, nowMs: clock() });
    else if (event.type === 'advised') report('workloadAdvise', event.ok ? `the workload madvise(${event.advice})d its mapping` : `the workload's madvise(${event.advice}) failed: ${event.error}`, event.ok, { advice: event.advice });
    else if (event.type === 'exited') {
      if (workload?.pid === handle.pid) workload = undefined;
      dispatch({ type: 'workloadExited', pid: handle.pid, text: describeExit(event.code, event.signal, event.stderr), nowMs: clock() });
    }
  };

  const run = async (effect: Effect): Promise<void> => {
    switch (effect.type) {
      case 'evict': {
        const { evictFile } = await import('../actions/evict.js');
        const r = await evictFile(effect.path);
        if (r.error) return report('evict', `evict ${path.basename(r.path)}: ${r.error}`, false);
        report('evict', evictSummary(r, path.basename(r.path)), true, { stayedPages: r.cachedPagesAfter, path: r.path });
        return;
      }
      case 'touch': {
        const { touchFile } = await import('../actions/touch.js');
        const r = await touchFile(effect.path, (done, total) => dispatch({ type: 'message', text: `reading ${path.basename(effect.path)}: ${humanBytes(done)} of ${humanBytes(total)}`, nowMs: clock() }));
        report('touch', r.error ? `touch ${path.basename(r.path)}: ${r.error}` : `touch ${path.basename(r.path)}: read ${humanBytes(r.bytesRead)}, ${n(r.cachedPagesAfter)} pages cached`, !r.error);
        return;
      }
      case 'willneed': {
        const { willneedFile } = await import('../actions/touch.js');
        const r = willneedFile(effect.path);
        report('willneed', r.error ? `WILLNEED ${path.basename(r.path)}: ${r.error}` : `WILLNEED ${path.basename(r.path)}: the kernel reads ahead; ${n(r.cachedPagesAfter)} pages cached so far`, !r.error);
        return;
      }
      case 'dropCaches': {
        const { dropCaches } = await import('../actions/drop-caches.js');
        const r = dropCaches();
        report('dropCaches', r.ok ? `drop caches: Cached ${humanBytes(r.cachedBytesBefore)} → ${humanBytes(r.cachedBytesAfter)}` : `drop caches: ${r.reason}`, r.ok);
        return;
      }
      case 'processAdvise': {
        const { adviseProcess, selectRanges } = await import('../actions/advise.js');
        // The selected mapping, exactly: its own start and end; a folded file row: each of its VMAs.
        const selection = selectRanges(effect.pid, effect.selector ?? `${effect.start}-${effect.end}`);
        if (!selection.ok) return report('processAdvise', `${effect.advice}: ${selection.message}`, false);
        const r = await adviseProcess(effect.pid, selection.targets, effect.advice, selection.notes);
        report('processAdvise', r.ok
          ? `process_madvise ${effect.advice} on ${path.basename(effect.path) || effect.start}: present pages ${n(r.presentPagesBefore)} → ${n(r.presentPagesAfter)}${r.reason ? `; ${r.reason}` : ''}`
          : `process_madvise ${effect.advice}: ${r.reason}`, r.ok, { advice: effect.advice });
        return;
      }
      case 'workloadStart': {
        await stopWorkload();
        try {
          const relay = new WorkloadRelay();
          const handle = await startWorkload({ file: effect.file, pattern: effect.pattern, rate: effect.rate, advice: effect.advice, allowWrite: effect.allowWrite }, relay.send);
          relay.listen((event) => onWorkloadEvent(handle, event));
          workload = handle;
          dispatch({ type: 'workloadStarted', pid: handle.pid, file: effect.file, pattern: effect.pattern, rate: effect.rate, advice: effect.advice, nowMs: clock() });
        } catch (error) {
          report('workload', `workload: ${error instanceof Error ? error.message : String(error)}`, false);
        }
        return;
      }
      case 'workloadStop':
        await stopWorkload();
        return;
      case 'workloadAdvise':
        workload?.advise(effect.advice);
        return;
      default:
        return;
    }
  };

  return {
    adopt(handle, relay) {
      workload = handle;
      relay.listen((event) => onWorkloadEvent(handle, event));
      dispatch({ type: 'workloadStarted', pid: handle.pid, file: handle.spec.file, pattern: handle.spec.pattern, rate: handle.spec.rate, advice: handle.spec.advice, nowMs: clock() });
    },
    run(effect) {
      run(effect).catch((error: unknown) => report('workload', `${effect.type}: ${error instanceof Error ? error.message : String(error)}`, false));
    },
    shutdown: stopWorkload,
  };
}

/** Holds a workload's events until someone listens (a workload starts before its listener exists). */
export class WorkloadRelay {
  #queue: WorkloadEvent[] = [];
  #listener: ((event: WorkloadEvent) => void) | undefined;
  send = (event: WorkloadEvent): void => {
    if (this.#listener) this.#listener(event);
    else this.#queue.push(event);
  };
  listen(listener: (event: WorkloadEvent) => void): void {
    this.#listener = listener;
    for (const event of this.#queue.splice(0)) listener(event);
  }
}
