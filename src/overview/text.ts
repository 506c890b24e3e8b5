// Pure: `mmtop snapshot` without a pid, as text: the overview's header, then its three panes' top rows.
// Names through printable(); columns padded by terminal width (text/units.ts).
import { printable } from '../model/index.js';
import { humanBytes, humanRate, padEndColumns, padStartColumns } from '../text/units.js';
import { sarLines } from './rows.js';
import type { Overview } from './types.js';
import { unreadableNote } from './unreadable.js';

const b = (v: number | null): string => humanBytes(v);
const row = (cells: Array<[string, number, 'l' | 'r']>): string =>
  cells.map(([text, width, align]) => (align === 'r' ? padStartColumns(text, width) : padEndColumns(text, width))).join(' ').trimEnd();

export function formatOverview(o: Overview, top: number): string {
  const out: string[] = [];
  const c = o.pageCache;
  out.push(`page cache: Cached ${b(c.cachedBytes)}  Dirty ${b(c.dirtyBytes)}  Writeback ${b(c.writebackBytes)}  Active(file) ${b(c.activeFileBytes)}  Inactive(file) ${b(c.inactiveFileBytes)}  MemTotal ${b(c.memTotalBytes)}`);
  const [head, values] = sarLines(o.rates, Infinity);
  out.push(`sar -B over ${o.rates.intervalMs === null ? '?' : (o.rates.intervalMs / 1000).toFixed(1)} s:`, head, values);
  if (o.unreadableProcesses > 0) out.push(`${unreadableNote(o.unreadableProcesses, o.readAsRoot)}: their files are not listed`);
  out.push('', `Processes (${o.processes.length}, by RssFile; top ${Math.min(top, o.processes.length)})`);
  out.push(row([['PID', 7, 'r'], ['USER', 8, 'l'], ['RssFile', 8, 'r'], ['RssAnon', 8, 'r'], ['minflt', 10, 'r'], ['majflt', 8, 'r'], ['Files', 5, 'r'], ['Command', 15, 'l'], ['Cgroup', 0, 'l']]));
  const processes = [...o.processes].sort((x, y) => (y.rssFileBytes ?? -1) - (x.rssFileBytes ?? -1) || x.pid - y.pid);
  for (const p of processes.slice(0, top)) {
    out.push(row([[String(p.pid), 7, 'r'], [printable(p.user ?? '?'), 8, 'l'], [b(p.rssFileBytes), 8, 'r'], [b(p.rssAnonBytes), 8, 'r'],
      [p.minorFaults === null ? '?' : String(p.minorFaults), 10, 'r'], [p.majorFaults === null ? '?' : String(p.majorFaults), 8, 'r'],
      [p.fileCount !== null ? String(p.fileCount) : '?', 5, 'r'], [printable(p.comm), 15, 'l'], [printable(p.cgroup ?? '?'), 0, 'l']]));
  }
  out.push('', `Files (${o.files.length} mapped or open, by pages cached; top ${Math.min(top, o.files.length)}; ${o.filesScan.filesUnmeasured} could not be measured)`);
  out.push(row([['RES', 7, 'r'], ['PAGES', 8, 'r'], ['SIZE', 7, 'r'], ['DIRTY', 6, 'r'], ['WB', 6, 'r'], ['EVICTED', 7, 'r'], ['FILE', 0, 'l']]) + '  MAPPED OR OPEN BY');
  for (const f of o.files.slice(0, top)) {
    const pages = (n: number | null): string => (n === null ? '?' : String(n));
    const holders = f.holders.map((h) => `${printable(h.comm)}(${h.pid})${h.mappedBytes === 0 && h.open ? '[fd]' : ''}`).join(' ');
    out.push(`${row([[f.cachedPages === null ? '?' : humanBytes(f.cachedPages * o.pageSizeBytes), 7, 'r'], [pages(f.cachedPages), 8, 'r'], [b(f.sizeBytes), 7, 'r'],
      [pages(f.dirtyPages), 6, 'r'], [pages(f.writebackPages), 6, 'r'], [pages(f.recentlyEvictedPages), 7, 'r'], [printable(f.path), 0, 'l']])}  ${holders || (f.listed ? '(--file)' : '')}`.trimEnd());
  }
  out.push('', `Cgroups (${o.cgroups.length}, memory.stat v${o.cgroups[0]?.version ?? '?'}, by file cache; top ${Math.min(top, o.cgroups.length)})`);
  out.push(row([['File', 7, 'r'], ['Mapped', 7, 'r'], ['Dirty', 7, 'r'], ['WB', 6, 'r'], ['Active', 7, 'r'], ['Inactive', 8, 'r'], ['refaults', 9, 'r'], ['Procs', 5, 'r'], ['Cgroup', 0, 'l']]));
  const cgroups = [...o.cgroups].sort((x, y) => (y.fileBytes ?? -1) - (x.fileBytes ?? -1));
  for (const g of cgroups.slice(0, top)) {
    out.push(row([[b(g.fileBytes), 7, 'r'], [b(g.fileMappedBytes), 7, 'r'], [b(g.fileDirtyBytes), 7, 'r'], [b(g.fileWritebackBytes), 6, 'r'],
      [b(g.activeFileBytes), 7, 'r'], [b(g.inactiveFileBytes), 8, 'r'], [g.refaults === null ? '?' : humanRate(g.refaults), 9, 'r'], [String(g.processCount), 5, 'r'], [printable(g.path), 0, 'l']]));
  }
  return `${out.join('\n')}\n`;
}
