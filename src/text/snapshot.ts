// `mmtop snapshot` as text: pmap -x's table (Address, Kbytes, RSS, Dirty, Mode, Mapping) joined with the
// page cache (Cached %, dirty pages of the file). A pure function of the Sample. Names reach the text
// only through formatTable's cells and printable() (the head line, failures): never raw.
import path from 'node:path';
import { fileKey, printable, type FileRecord, type MappingRecord, type Sample } from '../model/index.js';
import { formatTable, residencyBar } from './table.js';
import { humanBytes, numberOrUnknown } from './units.js';

const kib = (bytes: number | null): string => (bytes === null ? '?' : String(Math.round(bytes / 1024)));

/** pmap's Mode: r, w, x, s for shared, then "-" (procps pmap.c). */
export function pmapMode(perms: string): string {
  return `${perms.slice(0, 3)}${perms[3] === 's' ? 's' : '-'}-`;
}

/** pmap's Mapping column: the file's base name, or "[ anon ]", "[ stack ]", … */
export function pmapName(m: MappingRecord): string {
  if (m.kind === 'anon') return '[ anon ]';
  if (m.path.startsWith('[') && m.path.endsWith(']')) return `[ ${m.path.slice(1, -1)} ]`;
  return `${path.basename(m.path)}${m.deleted ? ' (deleted)' : ''}`;
}

export function cachedPercent(file: FileRecord | undefined): string {
  if (!file) return '';
  if (file.cachedPages === null || file.pageCount === null) return '?';
  if (file.pageCount === 0) return '-';
  // The unit is in the header (Cached%): the cell is the number.
  return String(Math.round((100 * file.cachedPages) / file.pageCount));
}

export function formatSnapshot(sample: Sample): string {
  const p = sample.process;
  const head = p ? `${p.pid}:   ${printable(p.cmdline || `[${p.comm}]`)}\n` : '';
  const files = new Map(sample.files.map((f) => [fileKey(f), f]));
  const rows = sample.mappings.map((m) => {
    const file = m.kind === 'file' || m.kind === 'memfd' ? files.get(fileKey(m)) : undefined;
    const dirty = m.sharedDirtyBytes === null || m.privateDirtyBytes === null ? null : m.sharedDirtyBytes + m.privateDirtyBytes;
    return [
      m.start.slice(2).padStart(16, '0'), kib(m.sizeBytes), kib(m.rssBytes), kib(dirty), pmapMode(m.perms),
      cachedPercent(file), file ? numberOrUnknown(file.dirtyPages) : '', pmapName(m),
    ];
  });
  const sum = (pick: (m: MappingRecord) => number | null): number | null =>
    sample.mappings.some((m) => pick(m) === null) ? null : sample.mappings.reduce((a, m) => a + (pick(m) ?? 0), 0);
  // pmap -x's columns, each with its unit: Dirty (smaps, KiB) and CDirty (the file's dirty pages in the
  // page cache, counted per folio) are the same pages in two units, so the headers say which.
  const table = formatTable(['Address', 'Kbytes', 'RSS_KiB', 'Dirty_KiB', 'Mode', 'Cached%', 'CDirty_pages', 'Mapping'], rows);
  const total = `total KiB ${kib(sum((m) => m.sizeBytes))} ${kib(sum((m) => m.rssBytes))} ${kib(sum((m) => (m.sharedDirtyBytes === null || m.privateDirtyBytes === null ? null : m.sharedDirtyBytes + m.privateDirtyBytes)))}\n`;
  return head + table + total + formatFailures(sample);
}

/** `snapshot --files`: one line a mapped file, like fincore with the process's mapped pages. */
export function formatFileTable(sample: Sample, withBars: boolean): string {
  const rows = sample.files.map((f) => [
    humanBytes(f.cachedPages === null ? null : f.cachedPages * sample.pageSizeBytes), numberOrUnknown(f.cachedPages),
    numberOrUnknown(f.pageCount), humanBytes(f.sizeBytes), numberOrUnknown(f.mappedPages), numberOrUnknown(f.dirtyPages),
    numberOrUnknown(f.writebackPages), numberOrUnknown(f.evictedPages), numberOrUnknown(f.recentlyEvictedPages), f.source,
    withBars && f.cells ? `[${residencyBar(f.cells)}] ${f.path}` : f.path,
  ]);
  return formatTable(['RES', 'PAGES', 'TOTAL', 'SIZE', 'MAPPED', 'DIRTY', 'WRITEBACK', 'EVICTED', 'RECENTLY_EVICTED', 'SOURCE', 'FILE'], rows) + formatFailures(sample);
}

/** Failures as "mmtop: note: …" lines (deduplicated), so unknown values always come with a reason. */
export function formatFailures(sample: Sample): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const f of sample.failures) {
    if (seen.has(f.message)) continue;
    seen.add(f.message);
    lines.push(`# ${printable(f.message)}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
