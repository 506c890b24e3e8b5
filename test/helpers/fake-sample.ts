// Fake Samples for UI tests only (kernel-facing tests use real processes): a process mapping a few files
// with cells in every state the heatmap draws.
import type { Cell, FileRecord, MappingRecord, Sample } from '../../src/model/index.js';

export interface FakeFileSpec {
  path: string;
  inode: number;
  pageCount: number;
  /** Kinds of cells, one letter each: M mapped, O cached, D dirty, W writeback, x evicted, . none, ? unknown. */
  pattern: string;
  offsetPages?: number;
  mappedPages?: number;
}

function cellsFrom(spec: FakeFileSpec): Cell[] {
  const n = spec.pattern.length;
  return [...spec.pattern].map((ch, i) => {
    const firstPage = Math.floor((i * spec.pageCount) / n);
    const pageCount = Math.floor(((i + 1) * spec.pageCount) / n) - firstPage;
    const unknown = ch === '?';
    return {
      firstPage,
      pageCount,
      cachedPages: unknown ? null : 'MODW'.includes(ch) ? pageCount : 0,
      dirtyPages: unknown ? null : ch === 'D' ? pageCount : 0,
      writebackPages: unknown ? null : ch === 'W' ? pageCount : 0,
      recentlyEvictedPages: unknown ? null : ch === 'x' ? pageCount : 0,
      mappedPages: unknown ? null : ch === 'M' ? pageCount : 0,
    };
  });
}

export function fakeFile(spec: FakeFileSpec): FileRecord {
  const cells = cellsFrom(spec);
  const sum = (k: keyof Cell): number | null => (cells.some((c) => c[k] === null) ? null : cells.reduce((a, c) => a + (c[k] as number), 0));
  return {
    path: spec.path, device: 'fe:00', inode: spec.inode, sizeBytes: spec.pageCount * 4096, pageCount: spec.pageCount,
    cachedPages: sum('cachedPages'), dirtyPages: sum('dirtyPages'), writebackPages: sum('writebackPages'), evictedPages: 0,
    recentlyEvictedPages: sum('recentlyEvictedPages'), source: spec.pattern.includes('?') ? 'unknown' : 'cachestat',
    filesystem: 'ext4', mappedPages: sum('mappedPages'), cells,
  };
}

let nextAddress = 0x7f0000000000;

export function fakeMapping(file: FileRecord | null, sizeBytes: number, extra: Partial<MappingRecord> = {}): MappingRecord {
  const start = nextAddress;
  nextAddress += sizeBytes + 0x10000;
  return {
    start: `0x${start.toString(16)}`, end: `0x${(start + sizeBytes).toString(16)}`, perms: file ? 'r--s' : 'rw-p', offsetBytes: 0,
    device: file ? file.device : '00:00', inode: file ? file.inode : 0, path: file ? file.path : '', deleted: false, deletedSuffix: false, pathEscaped: false, kind: file ? 'file' : 'anon',
    sizeBytes, rssBytes: Math.floor(sizeBytes / 2), pssBytes: Math.floor(sizeBytes / 2), sharedCleanBytes: 0, sharedDirtyBytes: 0,
    privateCleanBytes: Math.floor(sizeBytes / 2), privateDirtyBytes: 0, referencedBytes: 0, anonymousBytes: file ? 0 : sizeBytes, swapBytes: 0,
    lockedBytes: 0, presentPages: Math.floor(sizeBytes / 8192), ...extra,
  };
}

export function fakeSample(options: { timeMs?: number; files?: FakeFileSpec[]; anonMappings?: number; majorFaults?: number } = {}): Sample {
  nextAddress = 0x7f0000000000;
  const files = (options.files ?? [
    { path: '/var/lib/db/data file.db', inode: 11, pageCount: 32768, pattern: 'MMMMOOOODDWWxx....????'.repeat(4) },
    { path: '/usr/lib/x86_64-linux-gnu/libc.so.6', inode: 12, pageCount: 500, pattern: 'MMMMMMMMOOOO' },
  ]).map(fakeFile);
  const mappings = [
    ...files.map((f) => fakeMapping(f, f.sizeBytes!)),
    ...Array.from({ length: options.anonMappings ?? 2 }, () => fakeMapping(null, 1 << 20)),
  ];
  return {
    version: 1, timeMs: options.timeMs ?? 1_000_000, pageSizeBytes: 4096, clockTicksPerSecond: 100,
    process: {
      pid: 4242, comm: 'postgres', cmdline: 'postgres -D /var/lib/db', state: 'S', startTimeTicks: 1000, minorFaults: 5000,
      majorFaults: options.majorFaults ?? 10, userTicks: 10, systemTicks: 5, numThreads: 4, rssBytes: 64 << 20, uid: 0, cpuPercent: 1.5,
    },
    capabilities: { cachestat: true, mincore: null, pagemapScan: true, pagemap: null, smaps: true, mapFiles: null },
    failures: [],
    mappings,
    files,
    system: { pgfault: 1000, pgmajfault: 10, pgpgin: 100, pgpgout: 10, cachedBytes: 1 << 30, dirtyBytes: 1 << 20, writebackBytes: 0, memTotalBytes: 8 << 30, memAvailableBytes: 4 << 30, uptimeSeconds: 3600 },
    cgroup: { path: '/sys/fs/cgroup/memory/x/memory.stat', pgfault: 100, pgmajfault: 1 },
  };
}
