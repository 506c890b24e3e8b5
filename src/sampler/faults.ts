// Fault sampling beside the sampler, in its thread: while the plan asks for it (the fault layer is on), the
// target's page faults are sampled (src/faults/source.ts), read from the kernel's rings every
// POLL_INTERVAL_MS between ticks, placed in the tick's maps, and each tick's Sample carries their counts per
// file and per heatmap cell (FaultSummary), never the records themselves.
import type { FaultSampling, Sample, SamplePlan, Target } from '../model/index.js';
import { cellIndex, regionsOf } from '../faults/attribute.js';
import { FaultSource } from '../faults/source.js';
import { FaultTally } from '../faults/tally.js';
import type { Refusal } from '../faults/refusal.js';

/** Between ticks the rings are read this often: each holds twice this long at 20,000 faults a second. */
export const FAULT_POLL_INTERVAL_MS = 100;

export class FaultSession {
  #source: FaultSource | null = null;
  #pid: number | null = null;
  #refusal: Refusal | null = null;
  #tally = new FaultTally();
  #timer: NodeJS.Timeout | undefined;
  #sinceMs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts or stops sampling for this tick's target and plan. */
  update(target: Target, plan: SamplePlan): void {
    const pid = target.kind === 'process' && plan.faults ? target.pid : null;
    if (pid === this.#pid) return;
    this.close();
    this.#pid = pid;
    if (pid === null) return;
    const opened = FaultSource.open(pid, ['major', 'minor'], FAULT_POLL_INTERVAL_MS);
    this.#sinceMs = this.now();
    if (!opened.ok) {
      this.#refusal = opened.refusal;
      return;
    }
    this.#source = opened.source;
    // The rings fill between ticks; this timer empties them. It lives only while sampling is on, and does
    // not keep the thread alive (unref).
    this.#timer = setInterval(() => this.#poll(), FAULT_POLL_INTERVAL_MS);
    this.#timer.unref();
  }

  #poll(): void {
    const source = this.#source;
    if (!source) return;
    const r = source.poll((event, where) => this.#tally.add(event.kind, where));
    if (r.lost > 0) this.#tally.addLost(r.lost);
  }

  /** What the tick's Sample says about faults: counts since the last tick binned into its cells, or why not. */
  summarize(sample: Sample): FaultSampling | undefined {
    if (this.#pid === null) return undefined;
    if (this.#refusal) return { state: 'refused', reason: this.#refusal.reason, allow: this.#refusal.allow };
    const source = this.#source;
    if (!source) return undefined;
    if (sample.mappings.length > 0) {
      source.setRegions(regionsOf(sample.mappings.map((m) => ({ startHex: m.start.slice(2), endHex: m.end.slice(2), offsetBytes: m.offsetBytes, path: m.path, device: m.device, inode: m.inode }))));
    }
    this.#poll();
    const cellsByKey = new Map(sample.files.map((f) => [`${f.device}:${f.inode}`, f.cells]));
    const nowMs = this.now();
    const summary = this.#tally.summarize(nowMs - this.#sinceMs, (key) => cellsByKey.get(key), cellIndex);
    this.#sinceMs = nowMs;
    return { state: 'on', summary, threads: source.threads, ringLimit: source.ringLimit, totalLost: source.totalLost };
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#source?.close();
    this.#source = null;
    this.#refusal = null;
    this.#pid = null;
    this.#tally = new FaultTally();
  }
}
