// What the sampler thread sends the main thread each tick: the Sample, with every mapping and file that
// equals the one sent the tick before replaced by that one's index. A watched process that does nothing
// changes almost nothing between ticks, yet the whole Sample (10,000 mappings, a heatmap of 5,000 cells)
// was structured-cloned every tick, and deserialising it was the main thread's largest cost (41% in the
// profile of issue 10). With this, an idle tick carries a few hundred bytes, and the main thread keeps the
// previous tick's objects: equal records are the same object, so nothing downstream reallocates them.
//
// Both sides keep the last Sample: the thread the one it sent, the client the one it rebuilt. Messages on
// a worker port arrive in order and the client decodes every one (answered or not), so the two agree; a
// delta names the sequence number of its base, and the client refuses one whose base it does not hold.
import type { Cell, FileRecord, MappingRecord, Sample } from '../model/index.js';

/** A record sent again, or the index of the equal record in the base Sample's array. */
export type Carried<T> = T | number;

export interface SampleDelta {
  /** This Sample's sequence number (1, 2, …). */
  seq: number;
  /** The sequence number of the Sample the indexes refer to; 0: none (every record is sent). */
  baseSeq: number;
  sample: Omit<Sample, 'mappings' | 'files'>;
  mappings: Carried<MappingRecord>[];
  files: Carried<FileRecord>[];
}

/**
 * Equality of plain data (what a Sample holds: numbers, strings, booleans, null, arrays and objects of
 * them), bounded by depth: a Sample's records nest at most three levels (file → cells → cell).
 */
export function samePlain(a: unknown, b: unknown, depth = 4): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth === 0) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!samePlain(a[i], b[i], depth - 1)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!samePlain((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth - 1)) return false;
  }
  return true;
}

const mappingId = (m: MappingRecord): string => m.start;
const fileId = (f: FileRecord): string => `${f.device}:${f.inode}:${f.path}`;

function carry<T>(previous: readonly T[] | undefined, next: readonly T[], id: (t: T) => string): Carried<T>[] {
  if (!previous || previous.length === 0) return next.slice();
  const indexById = new Map<string, number>();
  previous.forEach((record, index) => indexById.set(id(record), index));
  return next.map((record) => {
    const index = indexById.get(id(record));
    return index !== undefined && samePlain(previous[index], record) ? index : record;
  });
}

// Every field of a Cell (model/sample.ts): the sampler builds them whole, no other key.
const sameCell = (a: Cell, b: Cell): boolean => a.firstPage === b.firstPage && a.pageCount === b.pageCount
  && a.cachedPages === b.cachedPages && a.dirtyPages === b.dirtyPages && a.writebackPages === b.writebackPages
  && a.recentlyEvictedPages === b.recentlyEvictedPages && a.mappedPages === b.mappedPages;

/**
 * `next` with each file's cells that equal the ones in `base` replaced by those (the same objects, and the
 * same array when every cell is equal), so that encodeDelta's comparison of an idle file's 5,000 cells is
 * one identity check, not 5,000 generic ones (samePlain was the sampler thread's second cost in the idle
 * profile). Records are copied, never changed: `next` stays as sampleOnce returned it.
 */
export function shareEqualCells(base: Sample | null, next: Sample): Sample {
  if (!base || base.files.length === 0) return next;
  const before = new Map<string, FileRecord>();
  for (const f of base.files) if (f.cells) before.set(fileId(f), f);
  let changed = false;
  const files = next.files.map((f) => {
    const old = f.cells ? before.get(fileId(f))?.cells : undefined;
    if (!f.cells || !old || old === f.cells || old.length !== f.cells.length) return f;
    let all = true;
    const cells = f.cells.map((c, i) => {
      if (sameCell(c, old[i]!)) return old[i]!;
      all = false;
      return c;
    });
    changed = true;
    return { ...f, cells: all ? old : cells };
  });
  return changed ? { ...next, files } : next;
}

/** The thread's side: what to post for `next`, given the Sample it posted last (`base`, numbered `baseSeq`). */
export function encodeDelta(base: Sample | null, baseSeq: number, next: Sample, seq: number): SampleDelta {
  const { mappings, files, ...rest } = next;
  return {
    seq,
    baseSeq: base ? baseSeq : 0,
    sample: rest,
    mappings: carry(base?.mappings, mappings, mappingId),
    files: carry(base?.files, files, fileId),
  };
}

export type Decoded = { ok: true; sample: Sample } | { ok: false; reason: string };

function resolve<T>(base: readonly T[] | undefined, carried: readonly Carried<T>[], what: string): T[] | string {
  const out: T[] = new Array(carried.length);
  for (let i = 0; i < carried.length; i++) {
    const c = carried[i] as Carried<T>;
    if (typeof c !== 'number') {
      out[i] = c;
      continue;
    }
    const record = base?.[c];
    if (record === undefined) return `${what} ${i} refers to index ${c}, which the base sample does not have`;
    out[i] = record;
  }
  return out;
}

/** The client's side: the Sample, from the delta and the Sample it rebuilt last (`base`, numbered `baseSeq`). */
export function decodeDelta(base: Sample | null, baseSeq: number, delta: SampleDelta): Decoded {
  if (delta.baseSeq !== 0 && (base === null || delta.baseSeq !== baseSeq)) {
    return { ok: false, reason: `delta ${delta.seq} is against sample ${delta.baseSeq}, the client holds ${base ? baseSeq : 'none'}` };
  }
  const from = delta.baseSeq === 0 ? null : base;
  const mappings = resolve(from?.mappings, delta.mappings, 'mapping');
  if (typeof mappings === 'string') return { ok: false, reason: mappings };
  const files = resolve(from?.files, delta.files, 'file');
  if (typeof files === 'string') return { ok: false, reason: files };
  return { ok: true, sample: { ...delta.sample, mappings, files } as Sample };
}
