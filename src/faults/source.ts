// Fault sampling of one process, attributed: the native sampler's records, each placed in the target's
// maps (read when an address falls outside the maps held, at most once a poll). Used by `mmtop faults`
// and by the sampler thread.
import fs from 'node:fs';
import { FaultSampler, NativeError, pageSizeBytes, type FaultKind } from '../../native/index.js';
import { decodeName } from '../model/names.js';
import { parseMaps } from '../proc/maps.js';
import { attribute, regionIndex, regionsOf, type Attribution, type FaultRegion } from './attribute.js';
import type { FaultEvent } from './format.js';
import { explainRefusal, gatherRefusalFacts, type Refusal } from './refusal.js';

export type FaultHandler = (event: FaultEvent, where: Attribution) => void;

export type OpenResult = { ok: true; source: FaultSource } | { ok: false; refusal: Refusal; errno: string | null };

export interface FaultPoll {
  samples: number;
  lost: number;
  newThreads: number;
  /** The target has no threads left (it exited): the last records were read. */
  ended: boolean;
}

export class FaultSource {
  readonly pid: number;
  readonly #sampler: FaultSampler;
  #regions: FaultRegion[] = [];

  private constructor(pid: number, sampler: FaultSampler) {
    this.pid = pid;
    this.#sampler = sampler;
    this.refreshMaps();
  }

  /** Starts sampling `kinds` on every thread of `pid`, or says why the kernel refused, in words. */
  static open(pid: number, kinds: readonly FaultKind[], pollIntervalMs = 100): OpenResult {
    try {
      return { ok: true, source: new FaultSource(pid, FaultSampler.open(pid, { kinds, pollIntervalMs })) };
    } catch (error) {
      if (!(error instanceof NativeError)) throw error;
      return { ok: false, refusal: explainRefusal(gatherRefusalFacts(pid, error.code)), errno: error.code };
    }
  }

  get threads(): number {
    return this.#sampler.threadCount;
  }

  get ringLimit(): string | null {
    return this.#sampler.ringLimit;
  }

  get totalLost(): number {
    return this.#sampler.totalLost;
  }

  /** Reads /proc/PID/maps; keeps the maps held when it cannot (the process ended: its last faults still place). */
  refreshMaps(): void {
    try {
      const parsed = parseMaps(decodeName(fs.readFileSync(`/proc/${this.pid}/maps`)));
      if (parsed.value.length > 0) this.#regions = regionsOf(parsed.value);
    } catch {
      // Gone or unreadable: keep the last.
    }
  }

  /** Regions from the caller's maps (the sampler thread's tick), instead of reading maps here. */
  setRegions(regions: FaultRegion[]): void {
    this.#regions = regions;
  }

  #handle(records: FaultEvent[], handler: FaultHandler): void {
    // A fault outside every region held is a mapping made since the maps were read: read them once more.
    if (records.some((r) => regionIndex(this.#regions, r.address) < 0)) this.refreshMaps();
    for (const r of records) handler(r, attribute(this.#regions, r.address, pageSizeBytes));
  }

  poll(handler: FaultHandler): FaultPoll {
    const records: FaultEvent[] = [];
    const r = this.#sampler.poll((rec) => records.push({ kind: rec.kind, tid: rec.tid, timeNs: rec.timeNs, address: rec.address }));
    // Records are handled after the poll, never inside it: a handler that ends the stream (EPIPE) closes
    // the sampler only once no ring is being read.
    this.#handle(records, handler);
    return { ...r, ended: this.#sampler.threadCount === 0 };
  }

  /** The last read (and the faults counted but never reported, as lost); then everything is released. */
  drain(handler: FaultHandler): FaultPoll {
    const records: FaultEvent[] = [];
    const r = this.#sampler.drain((rec) => records.push({ kind: rec.kind, tid: rec.tid, timeNs: rec.timeNs, address: rec.address }));
    this.#handle(records, handler);
    return { ...r, ended: true };
  }

  close(): void {
    this.#sampler.close();
  }
}
