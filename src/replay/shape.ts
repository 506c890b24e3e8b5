// The types of a recorded Sample's fields, checked before a replay shows it. A recording is a file anyone
// may have written or damaged: the views read `process.cpuPercent.toFixed()` and `cell.pageCount` as the
// live sampler made them, so a field of the wrong type (a null cell, a string size) ended the replay with
// "internal error". Each record kind is one table of its fields; the first field of a wrong type is named.
// Pure: no I/O.

/** 'n' a number, 'n?' a number or null, 's' a string, 's?' a string or null, 'b' a boolean, 'b?' a boolean or null; a trailing '-' when it may be absent. */
type Kind = 'n' | 'n?' | 's' | 's?' | 'b' | 'b?';
type Shape = Record<string, Kind | `${Kind}-`>;

const PROCESS: Shape = {
  pid: 'n', comm: 's', cmdline: 's', state: 's', startTimeTicks: 'n', minorFaults: 'n', majorFaults: 'n',
  userTicks: 'n', systemTicks: 'n', numThreads: 'n', rssBytes: 'n', uid: 'n?', cpuPercent: 'n?',
};
const MAPPING: Shape = {
  start: 's', end: 's', perms: 's', offsetBytes: 'n', device: 's', inode: 'n', path: 's', deleted: 'b-', deletedSuffix: 'b-',
  pathEscaped: 'b-', kind: 's', sizeBytes: 'n', rssBytes: 'n?', pssBytes: 'n?', sharedCleanBytes: 'n?', sharedDirtyBytes: 'n?',
  privateCleanBytes: 'n?', privateDirtyBytes: 'n?', referencedBytes: 'n?', anonymousBytes: 'n?', swapBytes: 'n?',
  lockedBytes: 'n?', presentPages: 'n?-', presentSweptSinceMs: 'n-',
};
const FILE: Shape = {
  path: 's', device: 's', inode: 'n', sizeBytes: 'n?', pageCount: 'n?', cachedPages: 'n?', dirtyPages: 'n?',
  writebackPages: 'n?', evictedPages: 'n?', recentlyEvictedPages: 'n?', source: 's', filesystem: 's?', mappedPages: 'n?',
  sampledAtMs: 'n-',
};
const SWEEP: Shape = { readCells: 'n', nextCell: 'n', passStartedAtMs: 'n', lastPassStartedAtMs: 'n' };
const CELL: Shape = {
  firstPage: 'n', pageCount: 'n', cachedPages: 'n?', dirtyPages: 'n?', writebackPages: 'n?', recentlyEvictedPages: 'n?', mappedPages: 'n?',
};
const WINDOW: Shape = { firstPage: 'n', pageCount: 'n' };
const SYSTEM: Shape = {
  pgfault: 'n?', pgmajfault: 'n?', pgpgin: 'n?', pgpgout: 'n?', cachedBytes: 'n?', dirtyBytes: 'n?', writebackBytes: 'n?',
  memTotalBytes: 'n?', memAvailableBytes: 'n?', uptimeSeconds: 'n?',
};
const CGROUP: Shape = { path: 's', pgfault: 'n?', pgmajfault: 'n?' };
const CAPABILITIES: Shape = { cachestat: 'b?-', mincore: 'b?-', pagemapScan: 'b?-', pagemap: 'b?-', smaps: 'b?-', mapFiles: 'b?-' };
const FAILURE: Shape = { source: 's', path: 's-', errno: 's-', message: 's' };
const FAULT_SUMMARY: Shape = { periodMs: 'n', major: 'n', minor: 'n', lost: 'n', unattributed: 'n' };
const FILE_FAULTS: Shape = { key: 's', path: 's', major: 'n', minor: 'n', cellsFirstPage: 'n-', cellsCount: 'n-' };
const ANON_FAULTS: Shape = { start: 's', path: 's', major: 'n', minor: 'n' };

function fits(value: unknown, kind: string): boolean {
  if (value === undefined) return kind.endsWith('-');
  const base = kind.replace('-', '');
  if (value === null) return base.endsWith('?');
  const type = base[0] === 'n' ? 'number' : base[0] === 's' ? 'string' : 'boolean';
  // NaN and Infinity do not come out of JSON.parse, so a number here is finite.
  return typeof value === type;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first field of `value` that does not fit `shape`, as "where.field", or null. */
function misfit(value: unknown, shape: Shape, where: string): string | null {
  if (!isObject(value)) return where;
  for (const [field, kind] of Object.entries(shape)) if (!fits(value[field], kind)) return `${where}.${field}`;
  return null;
}

function misfitList(values: unknown, shape: Shape, where: string): string | null {
  if (!Array.isArray(values)) return where;
  for (let i = 0; i < values.length; i++) {
    const bad = misfit(values[i], shape, `${where}[${i}]`);
    if (bad !== null) return bad;
  }
  return null;
}

function faultsMisfit(faults: unknown): string | null {
  if (!isObject(faults)) return 'faults';
  if (faults.state === 'off') return null;
  if (faults.state === 'refused') return misfit(faults, { reason: 's', allow: 's' }, 'faults');
  if (faults.state !== 'on') return 'faults.state';
  const top = misfit(faults, { threads: 'n', ringLimit: 's?', totalLost: 'n' }, 'faults');
  if (top !== null) return top;
  const summary = faults.summary as Record<string, unknown>;
  const bad = misfit(summary, FAULT_SUMMARY, 'faults.summary')
    ?? misfitList(summary.files, FILE_FAULTS, 'faults.summary.files')
    ?? misfitList(summary.anon, ANON_FAULTS, 'faults.summary.anon');
  if (bad !== null) return bad;
  for (const [i, file] of (summary.files as Array<Record<string, unknown>>).entries()) {
    if (file.cells !== undefined && !(Array.isArray(file.cells) && file.cells.every((c) => typeof c === 'number'))) return `faults.summary.files[${i}].cells`;
  }
  return null;
}

/**
 * The first field of a recorded Sample whose type is not the one mmtop writes (e.g. "files[3].cells[0]"),
 * or null when every field the views read has its type. `value` has passed sampleProblem's outline check.
 */
export function sampleFieldMisfit(value: Record<string, unknown>): string | null {
  if (typeof value.clockTicksPerSecond !== 'number') return 'clockTicksPerSecond';
  const top = (value.process === null ? null : misfit(value.process, PROCESS, 'process'))
    ?? misfit(value.capabilities, CAPABILITIES, 'capabilities')
    ?? misfitList(value.failures, FAILURE, 'failures')
    ?? misfitList(value.mappings, MAPPING, 'mappings')
    ?? misfitList(value.files, FILE, 'files')
    ?? (value.system === null || value.system === undefined ? null : misfit(value.system, SYSTEM, 'system'))
    ?? (value.cgroup === null || value.cgroup === undefined ? null : misfit(value.cgroup, CGROUP, 'cgroup'))
    ?? (value.faults === undefined ? null : faultsMisfit(value.faults));
  if (top !== null) return top;
  for (const [i, file] of (value.files as Array<Record<string, unknown>>).entries()) {
    if (file.cells !== undefined) {
      const bad = misfitList(file.cells, CELL, `files[${i}].cells`);
      if (bad !== null) return bad;
    }
    if (file.cellWindow !== undefined) {
      const bad = misfit(file.cellWindow, WINDOW, `files[${i}].cellWindow`);
      if (bad !== null) return bad;
    }
    if (file.sweep !== undefined) {
      const bad = misfit(file.sweep, SWEEP, `files[${i}].sweep`);
      if (bad !== null) return bad;
    }
  }
  if (value.pageFlags !== undefined && !(isObject(value.pageFlags) && typeof value.pageFlags.key === 'string' && Array.isArray(value.pageFlags.cells))) return 'pageFlags';
  if (value.anonMap !== undefined && !(isObject(value.anonMap) && typeof value.anonMap.start === 'string' && Array.isArray(value.anonMap.cells))) return 'anonMap';
  if (value.smapsDetail !== undefined && !(Array.isArray(value.smapsDetail) && value.smapsDetail.every((d) => isObject(d) && typeof d.start === 'string' && Array.isArray(d.fields)))) return 'smapsDetail';
  return null;
}
