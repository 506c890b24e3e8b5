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

/**
 * A file record as the one at `patchOf` in the base Sample's files with some fields changed: every file
 * measured this tick has a new `sampledAtMs`, so a whole-record comparison sent every file again, cells and
 * all (about 800 KB a tick for an idle 200×50 heatmap, structured-cloned on both threads). `set` holds the
 * top-level fields that differ (`cells` among them when most cells changed or the count did), `unset` the
 * ones the new record no longer has, and `cellAt`/`cellIs` the cells that differ, by index, when the cell
 * count is the base's.
 */
export interface FilePatch {
  patchOf: number;
  set: Partial<FileRecord>;
  unset?: Array<keyof FileRecord>;
  cellAt?: number[];
  cellIs?: Cell[];
}

export type CarriedFile = FileRecord | FilePatch | number;

export interface SampleDelta {
  /** This Sample's sequence number (1, 2, …). */
  seq: number;
  /** The sequence number of the Sample the indexes refer to; 0: none (every record is sent). */
  baseSeq: number;
  sample: Omit<Sample, 'mappings' | 'files'>;
  mappings: Carried<MappingRecord>[];
  /**
   * Every mapping is the base's, at its index (an idle process's mappings, carried between reads of maps):
   * `mappings` is empty and the client keeps the base's array, so 50,000 indexes are neither sent nor
   * resolved, and the view sees the same array.
   */
  mappingsAsBase?: true;
  files: CarriedFile[];
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

/**
 * Each record of `next` as the index of an equal one in `previous`, or itself. The same object at the same
 * index first (the sampler thread carries an idle process's 50,000 mappings as the objects it sent), so
 * that only the records that are not are looked up by id and compared field by field.
 */
function carry<T>(previous: readonly T[] | undefined, next: readonly T[], id: (t: T) => string): Carried<T>[] {
  if (!previous || previous.length === 0) return next.slice();
  let indexById: Map<string, number> | undefined;
  return next.map((record, i) => {
    if (previous[i] === record) return i;
    if (!indexById) {
      indexById = new Map<string, number>();
      previous.forEach((r, index) => indexById!.set(id(r), index));
    }
    const index = indexById.get(id(record));
    return index !== undefined && samePlain(previous[index], record) ? index : record;
  });
}

// Every field of a Cell (model/sample.ts): the sampler builds them whole, no other key.
export const sameCell = (a: Cell, b: Cell): boolean => a.firstPage === b.firstPage && a.pageCount === b.pageCount
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
  const asBase = base !== null && (base.mappings === mappings || (base.mappings.length === mappings.length && base.mappings.every((m, i) => m === mappings[i])));
  return {
    seq,
    baseSeq: base ? baseSeq : 0,
    sample: rest,
    mappings: asBase ? [] : carry(base?.mappings, mappings, mappingId),
    ...(asBase ? { mappingsAsBase: true as const } : {}),
    files: carryFiles(base?.files, files),
  };
}

/**
 * Each file of `next` as an index (equal to the base's), a patch of the base's record with the same id, or
 * the record itself (no such record in the base, or a patch would not be smaller).
 */
function carryFiles(previous: readonly FileRecord[] | undefined, next: readonly FileRecord[]): CarriedFile[] {
  if (!previous || previous.length === 0) return next.slice();
  const indexById = new Map<string, number>();
  previous.forEach((record, index) => indexById.set(fileId(record), index));
  return next.map((record) => {
    const index = indexById.get(fileId(record));
    return index === undefined ? record : patchFile(previous[index]!, index, record);
  });
}

function patchFile(old: FileRecord, index: number, next: FileRecord): CarriedFile {
  if (old === next) return index;
  const set: Record<string, unknown> = {};
  let changed = 0;
  const o = old as unknown as Record<string, unknown>;
  const n = next as unknown as Record<string, unknown>;
  for (const key of Object.keys(n)) {
    if (key === 'cells' || samePlain(o[key], n[key])) continue;
    set[key] = n[key];
    changed++;
  }
  const unset = Object.keys(o).filter((key) => !Object.prototype.hasOwnProperty.call(n, key)) as Array<keyof FileRecord>;
  changed += unset.length;
  let cellAt: number[] | undefined;
  let cellIs: Cell[] | undefined;
  if (next.cells && next.cells !== old.cells) {
    if (old.cells && old.cells.length === next.cells.length) {
      const at: number[] = [];
      for (let i = 0; i < next.cells.length; i++) if (!sameCell(old.cells[i]!, next.cells[i]!)) at.push(i);
      // Half the cells or more changed: the whole array is no larger and decodes without a copy.
      if (at.length * 2 >= next.cells.length) set.cells = next.cells;
      else if (at.length > 0) {
        cellAt = at;
        cellIs = at.map((i) => next.cells![i]!);
      }
    } else set.cells = next.cells;
    if (set.cells || cellAt) changed++;
  }
  if (changed === 0) return index;
  return {
    patchOf: index, set: set as Partial<FileRecord>,
    ...(unset.length > 0 ? { unset } : {}), ...(cellAt ? { cellAt, cellIs } : {}),
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
  if (delta.mappingsAsBase && !from) return { ok: false, reason: `delta ${delta.seq} keeps the base's mappings and has no base` };
  const mappings = delta.mappingsAsBase ? from!.mappings : resolve(from?.mappings, delta.mappings, 'mapping');
  if (typeof mappings === 'string') return { ok: false, reason: mappings };
  const files = resolveFiles(from?.files, delta.files);
  if (typeof files === 'string') return { ok: false, reason: files };
  return { ok: true, sample: { ...delta.sample, mappings, files } as Sample };
}

/**
 * The files from their carried forms. A patched record is a new object (its sampledAtMs, at least, is
 * new); its cells are the base's array when none changed, so what the main thread keeps by the cells
 * array (the classified grid, selectors.ts) is kept on an idle tick.
 */
function resolveFiles(base: readonly FileRecord[] | undefined, carried: readonly CarriedFile[]): FileRecord[] | string {
  const out: FileRecord[] = new Array(carried.length);
  for (let i = 0; i < carried.length; i++) {
    const c = carried[i]!;
    if (typeof c !== 'number' && !('patchOf' in c)) {
      out[i] = c;
      continue;
    }
    const at = typeof c === 'number' ? c : c.patchOf;
    const record = base?.[at];
    if (record === undefined) return `file ${i} refers to index ${at}, which the base sample does not have`;
    if (typeof c === 'number') {
      out[i] = record;
      continue;
    }
    const patched: FileRecord = { ...record, ...c.set };
    for (const key of c.unset ?? []) delete patched[key];
    if (c.cellAt && c.cellIs) {
      if (!record.cells || c.cellAt.length !== c.cellIs.length) return `file ${i} patches cells that the base record does not have`;
      const cells = record.cells.slice();
      for (let k = 0; k < c.cellAt.length; k++) {
        const j = c.cellAt[k]!;
        if (!(j >= 0 && j < cells.length)) return `file ${i} patches cell ${j} of ${cells.length}`;
        cells[j] = c.cellIs[k]!;
      }
      patched.cells = cells;
    }
    out[i] = patched;
  }
  return out;
}
