// `mmtop fincore` as text: util-linux fincore's columns with its cachestat ones (RES PAGES SIZE DIRTY_PAGES
// WRITEBACK_PAGES EVICTED_PAGES RECENTLY_EVICTED_PAGES FILE, util-linux 2.40 names), and vmtouch -v style bars with --cells.
import type { FileRecord } from '../model/index.js';
import { formatTableLines, residencyBar } from './table.js';
import { humanBytes, numberOrUnknown } from './units.js';

export function formatFincore(files: FileRecord[], pageSizeBytes: number, withBars: boolean): string {
  const rows = files.map((f) => [
    humanBytes(f.cachedPages === null ? null : f.cachedPages * pageSizeBytes), numberOrUnknown(f.cachedPages),
    humanBytes(f.sizeBytes), numberOrUnknown(f.dirtyPages), numberOrUnknown(f.writebackPages),
    numberOrUnknown(f.evictedPages), numberOrUnknown(f.recentlyEvictedPages), f.path,
  ]);
  const [header, ...lines] = formatTableLines(['RES', 'PAGES', 'SIZE', 'DIRTY_PAGES', 'WRITEBACK_PAGES', 'EVICTED_PAGES', 'RECENTLY_EVICTED_PAGES', 'FILE'], rows);
  // With --cells, each file's bar on the line below it (the bar holds no name: nothing to escape).
  const out = [header!];
  lines.forEach((line, i) => {
    out.push(line);
    const f = files[i]!;
    if (withBars && f.cells) out.push(`[${residencyBar(f.cells)}] ${numberOrUnknown(f.cachedPages)}/${numberOrUnknown(f.pageCount)}`);
  });
  return `${out.join('\n')}\n`;
}
