// Pure: the overview's lines, each exactly `columns` wide, pre-styled like the process view's (ui/rows.ts):
// text fitted by terminal columns first (text/units.ts), styled after; every name through printable().
import { KEY_TABLE, keyLabel } from '../keys/index.js';
import { printable } from '../model/index.js';
import { columnsOf, cutColumns, fitEnd, fitMiddle, humanBytes, humanRate, padEndColumns, padStartColumns } from '../text/units.js';
import { RunBuilder, styled, type Theme } from '../ui/theme.js';
import { paneRows, paneTabs, selectedRowIndex, tableHeight, type Pane, type PaneRow, type OverviewViewState } from './state.js';
import type { Overview, OverviewFile, SarRates } from './types.js';
import { unreadableNote } from './unreadable.js';

/** Printable ASCII only: one column a character, nothing to escape (most cells: numbers, units, plain names). */
const PLAIN = /^[\x20-\x5b\x5d-\x7e]*$/;
/** fitEnd, without measuring text whose width is its length. */
const pad = (text: string, width: number): string => {
  if (!PLAIN.test(text)) return fitEnd(text, width);
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, Math.max(0, width - 1))}…`.slice(0, width);
};
const bytes = (b: number | null | undefined): string => humanBytes(b ?? null);
const pagesAsBytes = (pages: number | null, pageBytes: number): string => (pages === null ? '?' : humanBytes(pages * pageBytes));

/** sar -B's columns, in its order and with its names (sysstat pr_stats.c). */
const SAR_COLUMNS: Array<{ title: string; value: (r: SarRates) => number | null }> = [
  { title: 'pgpgin/s', value: (r) => r.pgpginPerSec }, { title: 'pgpgout/s', value: (r) => r.pgpgoutPerSec },
  { title: 'fault/s', value: (r) => r.faultPerSec }, { title: 'majflt/s', value: (r) => r.majfltPerSec },
  { title: 'pgfree/s', value: (r) => r.pgfreePerSec }, { title: 'pgscank/s', value: (r) => r.pgscankPerSec },
  { title: 'pgscand/s', value: (r) => r.pgscandPerSec }, { title: 'pgsteal/s', value: (r) => r.pgstealPerSec },
  { title: '%vmeff', value: (r) => r.vmeffPercent }, { title: 'refault/s', value: (r) => r.refaultPerSec },
];
/** Width of a sar column: "%9.2f" and a space, as sar prints them. */
const SAR_WIDTH = 10;

/** The two lines of sar -B: sar's own table where it fits, else "name value" pairs over two lines. */
export function sarLines(rates: SarRates, columns: number): [string, string] {
  if (SAR_COLUMNS.length * SAR_WIDTH <= columns) {
    const head = SAR_COLUMNS.map((c) => c.title.padStart(SAR_WIDTH)).join('');
    const values = SAR_COLUMNS.map((c) => {
      const v = c.value(rates);
      return (v === null ? '?' : v.toFixed(2)).padStart(SAR_WIDTH);
    }).join('');
    return [head, values];
  }
  const pair = (c: (typeof SAR_COLUMNS)[number]): string => `${c.title} ${c.title === '%vmeff' ? (c.value(rates)?.toFixed(1) ?? '?') : humanRate(c.value(rates))}`;
  return [SAR_COLUMNS.slice(0, 5).map(pair).join('  '), SAR_COLUMNS.slice(5).map(pair).join('  ')];
}

function ageText(data: Overview, nowWallMs: number): string {
  const s = data.filesScan;
  const progress = s.progress
    ? `scanning: ${s.progress.processesDone}/${s.progress.processesTotal} processes, ${s.progress.filesDone}/${s.progress.filesTotal} files`
    : '';
  if (s.completedAtMs === null) return progress || 'files: not scanned yet';
  const age = Math.max(0, Math.round((nowWallMs - s.completedAtMs) / 1000));
  const last = `files ${age} s old (a scan took ${Math.round(s.durationMs ?? 0)} ms)`;
  return progress ? `${last}, ${progress}` : last;
}

/** How old the processes or cgroups pane is, said only when older than a tick (read less often: slow). */
function paneAge(atMs: number | null, nowMs: number, intervalMs: number): string {
  if (atMs === null) return '';
  const age = nowMs - atMs;
  return age > 1.5 * intervalMs ? `read ${Math.round(age / 1000)} s ago` : '';
}


export function overviewHeaderLines(state: OverviewViewState, theme: Theme): string[] {
  const { columns } = state.screen;
  const d = state.data;
  const flags = `every ${state.intervalMs / 1000}s${state.paused ? '  PAUSED' : ''}`;
  if (!d) return [styled(pad(`mmtop  overview  reading /proc…  ${flags}`, columns), theme.style('title')), ...['', '', '', ''].map((l) => pad(l, columns))];
  const note = unreadableNote(d.unreadableProcesses, d.readAsRoot);
  const unread = note === '' ? '' : `  ${note}`;
  const title = `mmtop  overview  ${d.processes.length} processes${unread}  ${flags}`;
  const c = d.pageCache;
  const cache = `page cache  Cached ${bytes(c.cachedBytes)}  Dirty ${bytes(c.dirtyBytes)}  Writeback ${bytes(c.writebackBytes)}  Active(file) ${bytes(c.activeFileBytes)}  Inactive(file) ${bytes(c.inactiveFileBytes)}  of MemTotal ${bytes(c.memTotalBytes)}`;
  const [sarHead, sarValues] = sarLines(d.rates, columns);
  const b = new RunBuilder();
  let used = 0;
  paneTabs(state).forEach(({ pane: p, text }) => {
    b.push(text, p === state.pane ? theme.style('selected') : theme.style('label'));
    b.push(' ', '');
    used += columnsOf(text) + 1;
  });
  const notes = [
    state.message && state.message.untilMs > state.nowMs ? state.message.text : '',
    state.cgroup !== null ? `cgroup ${printable(state.cgroup)}` : '',
    state.holdersOf !== null && state.pane === 'processes' ? `of ${printable(state.holdersOf.path)}` : '',
    state.filter !== '' ? `filter "${printable(state.filter)}"` : '',
    state.pane === 'files' ? ageText(d, d.timeMs) : paneAge(state.pane === 'processes' ? d.processesAtMs : d.cgroupsAtMs, d.timeMs, state.intervalMs),
    state.pane !== 'files' && d.filesScan.progress ? ageText(d, d.timeMs) : '',
  ].filter(Boolean).join(' · ');
  b.push(fitEnd(notes, Math.max(0, columns - used)), '');
  return [
    styled(pad(title, columns), unread ? theme.style('warn') : theme.style('title')),
    pad(cache, columns),
    styled(pad(sarHead, columns), theme.style('label')),
    pad(sarValues, columns),
    b.toString(),
  ];
}

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
  value: (row: PaneRow) => string;
  /** The sort column it shows. */
  sort?: string;
}

const num = (v: number | null): string => humanRate(v);

function holdersText(f: OverviewFile): string {
  return f.holders.map((h) => `${printable(h.comm)}(${h.pid})${h.mappedBytes === 0 && h.open ? '[fd]' : ''}`).join(' ');
}

function columnsFor(pane: Pane, pageBytes: number): Column[] {
  if (pane === 'processes') {
    const p = (r: PaneRow): Extract<PaneRow, { pane: 'processes' }>['process'] => (r as Extract<PaneRow, { pane: 'processes' }>).process;
    return [
      { title: 'PID', width: 7, align: 'right', value: (r) => String(p(r).pid), sort: 'pid' },
      { title: 'USER', width: 8, align: 'left', value: (r) => printable(p(r).user ?? '?'), sort: 'user' },
      { title: 'RssFile', width: 8, align: 'right', value: (r) => bytes(p(r).rssFileBytes), sort: 'rssFile' },
      { title: 'RssAnon', width: 8, align: 'right', value: (r) => bytes(p(r).rssAnonBytes) },
      { title: 'minflt/s', width: 8, align: 'right', value: (r) => num(p(r).minfltPerSec), sort: 'minflt' },
      { title: 'majflt/s', width: 8, align: 'right', value: (r) => num(p(r).majfltPerSec), sort: 'majflt' },
      { title: 'Files', width: 5, align: 'right', value: (r) => { const x = p(r); return x.fileCount !== null ? String(x.fileCount) : x.filesReadable === false ? '?' : ''; } },
      { title: 'Command', width: 15, align: 'left', value: (r) => printable(p(r).comm), sort: 'name' },
    ];
  }
  if (pane === 'files') {
    const f = (r: PaneRow): OverviewFile => (r as Extract<PaneRow, { pane: 'files' }>).file;
    return [
      { title: 'Cached', width: 7, align: 'right', value: (r) => pagesAsBytes(f(r).cachedPages, pageBytes), sort: 'cached' },
      { title: '%', width: 4, align: 'right', value: (r) => { const x = f(r); return x.cachedPages === null || !x.pageCount ? (x.pageCount === 0 ? '' : '?') : `${Math.round((100 * x.cachedPages) / x.pageCount)}`; } },
      { title: 'Dirty', width: 6, align: 'right', value: (r) => pagesAsBytes(f(r).dirtyPages, pageBytes), sort: 'dirty' },
      { title: 'WB', width: 5, align: 'right', value: (r) => pagesAsBytes(f(r).writebackPages, pageBytes) },
      { title: 'Evicted', width: 7, align: 'right', value: (r) => pagesAsBytes(f(r).recentlyEvictedPages, pageBytes), sort: 'evicted' },
      { title: 'Size', width: 7, align: 'right', value: (r) => bytes(f(r).sizeBytes), sort: 'size' },
      { title: 'Procs', width: 5, align: 'right', value: (r) => String(f(r).holders.length), sort: 'holders' },
    ];
  }
  const c = (r: PaneRow): Extract<PaneRow, { pane: 'cgroups' }>['cgroup'] => (r as Extract<PaneRow, { pane: 'cgroups' }>).cgroup;
  return [
    { title: 'File', width: 7, align: 'right', value: (r) => bytes(c(r).fileBytes), sort: 'file' },
    { title: 'Mapped', width: 7, align: 'right', value: (r) => bytes(c(r).fileMappedBytes) },
    { title: 'Dirty', width: 7, align: 'right', value: (r) => bytes(c(r).fileDirtyBytes), sort: 'dirty' },
    { title: 'WB', width: 6, align: 'right', value: (r) => bytes(c(r).fileWritebackBytes) },
    { title: 'Active', width: 7, align: 'right', value: (r) => bytes(c(r).activeFileBytes) },
    { title: 'Inactive', width: 8, align: 'right', value: (r) => bytes(c(r).inactiveFileBytes) },
    { title: 'refault/s', width: 9, align: 'right', value: (r) => num(c(r).refaultPerSec), sort: 'refault' },
    { title: 'Procs', width: 5, align: 'right', value: (r) => String(c(r).processCount), sort: 'processes' },
  ];
}

/** The free-text columns after the fixed ones: their titles and values. */
function nameColumns(pane: Pane): { titles: string[]; values: (r: PaneRow) => string[]; sorts: string[] } {
  if (pane === 'processes') return { titles: ['Cgroup'], values: (r) => [printable((r as Extract<PaneRow, { pane: 'processes' }>).process.cgroup ?? '?')], sorts: [''] };
  if (pane === 'files') return { titles: ['File', 'Mapped or open by'], values: (r) => { const f = (r as Extract<PaneRow, { pane: 'files' }>).file; return [printable(f.path), f.holders.length === 0 ? (f.listed ? '(--file: no process)' : '') : holdersText(f)]; }, sorts: ['name', ''] };
  return { titles: ['Cgroup'], values: (r) => [printable((r as Extract<PaneRow, { pane: 'cgroups' }>).cgroup.path)], sorts: ['name'] };
}

function cellText(text: string, column: Column): string {
  if (PLAIN.test(text)) {
    const cut = text.slice(0, column.width);
    return column.align === 'right' ? cut.padStart(column.width) : cut.padEnd(column.width);
  }
  const fitted = cutColumns(text, column.width);
  return column.align === 'right' ? padStartColumns(fitted, column.width) : padEndColumns(fitted, column.width);
}

/**
 * The table's lines as last drawn, per theme and rows array: a tick with no new processes or files (most
 * ticks; the header's rates and ages change, not the rows) draws the same table, so it is not built again.
 */
const tableMemo = new WeakMap<Theme, WeakMap<PaneRow[], { key: string; lines: string[] }>>();

export function overviewTableLines(state: OverviewViewState, theme: Theme): string[] {
  const rows = paneRows(state);
  const pane = state.pane;
  const sort = state.sort[pane];
  // Everything else the lines are made of; the rows array stands for the data, filter, cgroup and sort.
  const key = [
    state.screen.columns, state.screen.rows, pane, sort.column, sort.descending, state.data?.pageSizeBytes, selectedRowIndex(state, rows),
    state.scroll[pane], state.data === null, state.data?.filesScan.completedAtMs === null, state.filter !== '' || state.cgroup !== null,
  ].join(' ');
  let byRows = tableMemo.get(theme);
  if (!byRows) {
    byRows = new WeakMap();
    tableMemo.set(theme, byRows);
  }
  const known = byRows.get(rows);
  if (known?.key === key) return known.lines;
  const lines = tableLines(state, theme, rows);
  byRows.set(rows, { key, lines });
  return lines;
}

function tableLines(state: OverviewViewState, theme: Theme, rows: PaneRow[]): string[] {
  const { columns } = state.screen;
  const pane = state.pane;
  const cols = columnsFor(pane, state.data?.pageSizeBytes ?? 4096);
  const names = nameColumns(pane);
  const fixed = cols.reduce((a, c) => a + c.width + 1, 0);
  const free = Math.max(4, columns - fixed);
  // Files: the path takes 60% of what is left, the holders the rest.
  const widths = names.titles.length === 2 ? [Math.max(4, Math.floor(free * 0.6)), Math.max(0, free - Math.max(4, Math.floor(free * 0.6)) - 1)] : [free];
  const sort = state.sort[pane];
  const arrow = sort.descending ? '▼' : '▲';
  const header = [
    ...cols.map((c) => cellText(c.sort === sort.column ? `${c.title}${arrow}` : c.title, c)),
    ...names.titles.map((t, i) => fitEnd(names.sorts[i] === sort.column ? `${t}${arrow}` : t, widths[i]!)),
  ].join(' ');
  const lines = [styled(pad(header, columns), theme.style('tableHeader'))];
  const selected = selectedRowIndex(state, rows);
  const height = tableHeight(state);
  const scroll = Math.min(state.scroll[pane], Math.max(0, rows.length - 1));
  rows.slice(scroll, scroll + height).forEach((row, i) => {
    const values = names.values(row);
    const text = [
      ...cols.map((c) => cellText(c.value(row), c)),
      ...values.map((v, j) => (j === 0 && pane === 'files' ? padEndColumns(fitMiddle(v, widths[j]!), widths[j]!) : fitEnd(v, widths[j]!))),
    ].join(' ');
    const line = pad(text, columns);
    lines.push(scroll + i === selected ? styled(line, theme.style('selected')) : line);
  });
  if (rows.length === 0) {
    const why = !state.data ? '' : pane === 'files' && state.data.filesScan.completedAtMs === null ? 'scanning the processes\' maps and open files…'
      : state.filter !== '' || state.cgroup !== null ? 'nothing matches (Esc widens)' : 'nothing to show';
    lines.push(pad(why, columns));
  }
  while (lines.length < height + 1) lines.push(pad('', columns));
  return lines;
}

/** The key line as last drawn, per theme and width: it changes only with them. */
const footerMemo = new WeakMap<Theme, { columns: number; line: string }>();

export function overviewFooterLine(state: OverviewViewState, theme: Theme): string {
  const { columns } = state.screen;
  if (state.filtering) return styled(fitEnd(`Filter: ${printable(state.filter)}_   Enter keep  Esc clear`, columns), theme.style('footerKey'));
  const known = footerMemo.get(theme);
  if (known?.columns === columns) return known.line;
  const b = new RunBuilder();
  let used = 0;
  for (const binding of KEY_TABLE) {
    if (!binding.footer || !binding.modes.includes('overview')) continue;
    const key = keyLabel(binding.keys.find((k) => /^f\d+$/.test(k)) ?? binding.keys[0]!);
    const width = columnsOf(key) + columnsOf(binding.footer) + 1;
    if (used + width > columns) break;
    b.push(key, theme.style('footerKey'));
    b.push(`${binding.footer} `, theme.style('footerLabel'));
    used += width;
  }
  b.push(''.padEnd(Math.max(0, columns - used)), '');
  const line = b.toString();
  footerMemo.set(theme, { columns, line });
  return line;
}

export function overviewHelpLines(state: OverviewViewState, theme: Theme): string[] {
  const { columns, rows } = state.screen;
  const lines = [styled(pad('mmtop overview: keys (from the key table). Esc closes.', columns), theme.style('title'))];
  for (const group of ['Overview', 'General'] as const) {
    lines.push(styled(pad(group, columns), theme.style('helpHeading')));
    for (const b of KEY_TABLE) {
      if (b.group !== group || !b.modes.includes('overview')) continue;
      lines.push(pad(`  ${b.keys.map(keyLabel).join(' ').padEnd(16)} ${b.description}`, columns));
    }
  }
  lines.push(pad('  In a process\'s view, Esc on the mapping table comes back here.', columns));
  while (lines.length < rows) lines.push(pad('', columns));
  return lines.slice(0, rows);
}

/** The whole screen, top to bottom. */
export function overviewLines(state: OverviewViewState, theme: Theme): string[] {
  const { columns, rows } = state.screen;
  if (columns < 60 || rows < 12) return [pad(`mmtop needs 60×12 at least (this is ${columns}×${rows})`, columns), ...Array.from({ length: Math.max(0, rows - 1) }, () => pad('', columns))];
  if (state.help) return overviewHelpLines(state, theme);
  return [...overviewHeaderLines(state, theme), ...overviewTableLines(state, theme), overviewFooterLine(state, theme)].slice(0, rows);
}

