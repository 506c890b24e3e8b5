// Pure: the pre-styled lines of each panel, exactly `columns` wide. The same strings are drawn by Ink
// (through <Line>) or painted into the terminal (the heatmap grid and footer): views are functions of state.
// Widths are terminal columns (text/units.ts): a line wider than the terminal wraps and shifts every row
// painted below it. Text is fitted first and styled after, so a cut never lands inside an escape
// sequence; the fit functions are the edge every line crosses, and escape what no name may write raw.
import { bindingFor, KEY_TABLE, keyLabel, type Mode } from '../keys/index.js';
import { classifyCell, isFaultKind, isShaded, LEGEND, type CellKind, type HeatCell } from '../residency/classify.js';
import { glyphOf, LEVEL_WORDS, SHADES } from '../residency/glyph.js';
import {
  barWidth, carriedAgeText, headerModel, pageExactOn, heatmapModel, layoutOf, modeOf, selectedIndex, tableRows, type AppState, type HeatmapModel, type SortColumn,
  type TableRow,
} from '../state/index.js';
import { printable } from '../model/index.js';
import { JUMP_HELP } from '../replay/timeline.js';
import { ANON_LEGEND, FLAGS_LEGEND } from '../state/detail-views.js';
import { columnsOf, cutColumns, fitEnd, fitMiddle, humanBytes, padEndColumns, padStartColumns } from '../text/units.js';
import { RunBuilder, styled, type Theme } from './theme.js';

const pad = (text: string, width: number): string => fitEnd(text, width);

export function headerLines(state: AppState, theme: Theme): string[] {
  const { columns } = state.screen;
  const h = headerModel(state);
  return [
    styled(pad(h.title, columns), theme.style('title')),
    pad(h.faults, columns),
    pad(h.cache, columns),
    h.warning === '' ? pad('', columns) : styled(warningText(h.warning, columns), theme.style('warn')),
    ...h.activity.map((line) => styled(pad(line, columns), theme.style('label'))),
  ];
}

/** The warning line; one cut at the screen's edge says which key shows it whole (the messages, `!`). */
function warningText(warning: string, columns: number): string {
  const line = `! ${warning}`;
  const more = ' [! all]';
  if (columnsOf(line) <= columns || columns < 40) return pad(line, columns);
  return `${fitEnd(line, columns - columnsOf(more))}${more}`;
}

interface Column {
  /** The header, with its unit ("RSS KiB"): said once here, the cells are bare numbers. */
  title: string;
  width: number;
  align: 'left' | 'right';
  /** The sort column it shows (its header then carries the arrow). */
  sort?: SortColumn;
  value: (row: TableRow, state: AppState, theme: Theme) => string;
  /** A column of heatmap cells (the bar): drawn a cell at a time in the cell's own style. */
  cells?: (row: TableRow) => HeatCell[];
}

const kib = (bytes: number | null): string => (bytes === null ? '?' : String(Math.round(bytes / 1024)));
const count = (n: number | null | undefined): string => (n === null ? '?' : n === undefined ? '' : String(n));

/**
 * The table's bar: the focused file carries the heatmap's cells (thousands), folded here into `width`
 * buckets, each a heatmap cell of the cache layer (the same kinds, shades and colours: gridLines). Cells,
 * not text, so each is styled on its own (tableLines); padded with blank cells to `width`.
 */
function residencyBar(row: TableRow, width: number): HeatCell[] {
  const blank: HeatCell = { kind: 'none', fill: 0 };
  const cells = row.file?.cells;
  const bar: HeatCell[] = [];
  if (row.isFile && (!cells || cells.length === 0)) bar.push({ kind: 'unknown', fill: 0 });
  const buckets = row.isFile && cells ? Math.min(width, cells.length) : 0;
  const sum = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a + b);
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * cells!.length) / buckets);
    const to = Math.floor(((b + 1) * cells!.length) / buckets);
    const folded = { ...cells![from]! };
    for (let i = from + 1; i < to; i++) {
      const c = cells![i]!;
      folded.pageCount += c.pageCount;
      folded.cachedPages = sum(folded.cachedPages, c.cachedPages);
      folded.dirtyPages = sum(folded.dirtyPages, c.dirtyPages);
      folded.writebackPages = sum(folded.writebackPages, c.writebackPages);
      folded.recentlyEvictedPages = sum(folded.recentlyEvictedPages, c.recentlyEvictedPages);
      folded.mappedPages = sum(folded.mappedPages, c.mappedPages);
    }
    // The bar says how much of the file is cached: a cell no one can read is unknown, whatever is mapped.
    bar.push(folded.cachedPages === null ? { kind: 'unknown', fill: 0 } : classifyCell(folded, 'cache', true));
  }
  while (bar.length < width) bar.push(blank);
  return bar.slice(0, width);
}

/** Percent cached, the unit in the header ("Cache%"). */
function percent(row: TableRow): string {
  if (!row.isFile) return '';
  return row.cachedPercent === null ? '?' : String(Math.round(row.cachedPercent));
}

/** The address column: a VMA's start, or a folded row's span (start-end where it fits, else the start). */
function addressColumn(state: AppState): Column {
  const span = state.tableView === 'files' && state.screen.columns >= 160;
  return span
    ? { title: 'Address span', width: 25, align: 'left', sort: 'address', value: (r) => `${r.address.padStart(12, '0').slice(-12)}-${r.endAddress.padStart(12, '0').slice(-12)}` }
    : { title: 'Address', width: 12, align: 'left', sort: 'address', value: (r) => r.address.padStart(12, '0').slice(-12) };
}

const barColumn = (width: number): Column => ({
  title: 'Pages', width, align: 'left', value: (r) => residencyBar(r, width).map(glyphOf).join(''), cells: (r) => residencyBar(r, width),
});

function columnsFor(state: AppState): Column[] {
  const bar = barWidth(state.screen.columns);
  let cols: Column[];
  if (state.target.kind === 'files') {
    cols = [
      { title: 'Size', width: 7, align: 'right', sort: 'size', value: (r) => humanBytes(r.sizeBytes) },
      { title: 'Cache%', width: 6, align: 'right', sort: 'cached', value: percent },
      { title: 'Dirty pages', width: 7, align: 'right', sort: 'dirty', value: (r) => count(r.file?.dirtyPages) },
      { title: 'Evicted pages', width: 8, align: 'right', value: (r) => count(r.file?.recentlyEvictedPages) },
      barColumn(bar),
    ];
  } else {
    const wide = state.screen.columns >= 100;
    const folded = state.tableView === 'files';
    cols = [
      ...(folded ? [{ title: 'VMAs', width: 4, align: 'right' as const, value: (r: TableRow) => String(r.vmas.length) }] : []),
      // Files first at 80 columns: the name gets the room the address would take (V shows the VMAs).
      ...(!folded || wide ? [addressColumn(state)] : []),
      { title: 'Size KiB', width: wide ? 9 : 8, align: 'right', sort: 'size', value: (r) => kib(r.sizeBytes) },
      { title: 'RSS KiB', width: wide ? 9 : 8, align: 'right', sort: 'rss', value: (r) => kib(r.rssBytes) },
      { title: 'Dirty KiB', width: wide ? 8 : 6, align: 'right', sort: 'dirty', value: (r) => kib(r.dirtyBytes) },
      { title: 'Mode', width: 5, align: 'left', value: (r) => r.mode },
      { title: 'Cache%', width: 5, align: 'right', sort: 'cached', value: percent },
      ...(state.layer === 'faults' ? [
        { title: 'Maj/s', width: 6, align: 'right', sort: 'majflt', value: faultRate('major') },
        { title: 'Min/s', width: 6, align: 'right', sort: 'minflt', value: faultRate('minor') },
      ] satisfies Column[] : []),
      barColumn(bar),
    ];
  }
  // Room for the title and the sort arrow on every column that sorts ("Cache%▼" is not cut).
  return cols.map((c) => ({ ...c, width: Math.max(c.width, columnsOf(c.title) + (c.sort ? 1 : 0)) }));
}

function cellText(text: string, column: Column): string {
  const fitted = cutColumns(text, column.width);
  return column.align === 'right' ? padStartColumns(fitted, column.width) : padEndColumns(fitted, column.width);
}

const SORT_WORDS: Record<SortColumn, string> = { rss: 'RSS', size: 'size', cached: 'cached', dirty: 'dirty', name: 'name', address: 'address', majflt: 'majflt/s', minflt: 'minflt/s' };

/**
 * The name column's header: its title, then the table's own title at the right: the selected row's
 * position ("3/41"), the sort, and the filter while one is on ("/lib"). What does not fit goes, the
 * position last.
 */
function nameHeader(state: AppState, title: string, width: number, position: string): string {
  const arrow = state.sort.descending ? '▼' : '▲';
  const name = state.sort.column === 'name' ? `${title}${arrow}` : title;
  const parts = [position, `by ${SORT_WORDS[state.sort.column]}${arrow}`];
  if (state.filter !== '') parts.push(`/${printable(state.filter)}`);
  // The mappings carried from an earlier read of maps (a process with many): how old, before the rest goes.
  const mapsAge = state.target.kind === 'process' ? carriedAgeText(state.sample, 'maps') : '';
  if (mapsAge) parts.unshift(mapsAge);
  for (const tried of [parts, parts.filter((_, i) => i !== 1), [parts[0]!]]) {
    const info = tried.join(' ');
    const room = width - columnsOf(name) - 1;
    if (columnsOf(info) <= room) return `${name}${' '.repeat(room - columnsOf(info) + 1)}${info}`;
    // The filter may be long: keep its start and end, if the rest fits.
    if (tried.length === 3 && room > columnsOf(tried.slice(0, 2).join(' ')) + 6) {
      const head = `${tried.slice(0, 2).join(' ')} `;
      return `${name} ${head}${fitMiddle(tried[2]!, room - columnsOf(head))}`;
    }
  }
  return fitEnd(name, width);
}

/** Sampled faults a second per file, while the fault layer is on: "?" where not sampled, "" for anon. */
const faultRate = (which: 'major' | 'minor') => (r: TableRow): string => {
  if (!r.isFile) return '';
  const v = r.faultRates?.[which];
  return v === undefined ? '?' : v >= 10 ? v.toFixed(0) : v.toFixed(1);
};

/** The errno that kept the mappings from being read (EACCES for another user's process), if any. */
function mappingsDenied(state: AppState): string | undefined {
  const s = state.sample;
  if (!s || s.mappings.length > 0) return undefined;
  return s.failures.find((f) => f.source === 'maps' && f.errno)?.errno;
}

/**
 * One table row, `columns` wide: its text in the row's style, the bar's cells each in its heat colour (or
 * mono attribute), as the heatmap draws them; on the selected row too, so its colours stay readable (a cyan
 * cell on the cyan selection would vanish). Each piece is fitted before it is styled.
 */
function tableRowLine(row: TableRow, cols: readonly Column[], state: AppState, theme: Theme, style: string, nameWidth: number): string {
  const plain = cols.map((c) => cellText(c.value(row, state, theme), c)).join(' ') + ' ' + fitMiddle(row.label, nameWidth);
  // A screen too narrow for the columns: the whole row cut to it, in the row's style.
  if (columnsOf(plain) > state.screen.columns) return styled(pad(plain, state.screen.columns), style);
  const b = new RunBuilder();
  let used = 0;
  let text = '';
  const flush = (): void => {
    b.push(text, style);
    text = '';
  };
  for (const c of cols) {
    if (c.cells) {
      flush();
      for (const cell of c.cells(row)) b.push(glyphOf(cell), cell.kind === 'none' ? style : theme.cell(cell.kind));
    } else text += cellText(c.value(row, state, theme), c);
    text += ' ';
    used += c.width + 1;
  }
  text += fitMiddle(row.label, nameWidth);
  used += columnsOf(fitMiddle(row.label, nameWidth));
  b.push(text, style);
  b.push(''.padEnd(Math.max(0, state.screen.columns - used)), style);
  return b.toString();
}

/** The table's header line and its visible rows (padded with blank lines to the layout's height). */
export function tableLines(state: AppState, theme: Theme): string[] {
  const layout = layoutOf(state);
  const { columns } = state.screen;
  const cols = columnsFor(state);
  const fixed = cols.reduce((a, c) => a + c.width + 1, 0);
  const nameWidth = Math.max(4, columns - fixed);
  const arrow = state.sort.descending ? '▼' : '▲';
  const title = (c: Column): string => (c.sort === state.sort.column ? `${c.title}${arrow}` : c.title);
  const nameTitle = state.target.kind === 'files' || state.tableView === 'files' ? 'File' : 'Mapping';
  const rows = tableRows(state);
  const selected = selectedIndex(state, rows);
  const position = rows.length === 0 ? '0/0' : `${selected + 1}/${rows.length}`;
  const header = cols.map((c) => cellText(title(c), c)).join(' ') + ' ' + nameHeader(state, nameTitle, nameWidth, position);
  const lines = [styled(pad(header, columns), theme.style('tableHeader'))];
  const visible = rows.slice(state.tableScroll, state.tableScroll + layout.tableRows);
  visible.forEach((row, i) => {
    const isSelected = state.tableScroll + i === selected;
    const style = isSelected ? (state.focus === 'table' ? theme.style('selected') : theme.style('cursor')) : row.isFile ? '' : theme.style('dim');
    lines.push(tableRowLine(row, cols, state, theme, style, nameWidth));
  });
  if (rows.length === 0 && layout.tableRows > 0) {
    const denied = mappingsDenied(state);
    const why = state.sample === null ? 'waiting for the first sample…'
      : denied ? `no perm: cannot read /proc/${state.sample.process?.pid ?? '?'}/maps (${denied}): run mmtop as root or as the process's owner`
        : state.filter !== '' ? `no mapping matches "${printable(state.filter)}"` : state.showAnon ? 'no mappings' : 'no file mappings (press a to show anonymous ones)';
    lines.push(styled(pad(`  ${why}`, columns), theme.style('dim')));
  }
  while (lines.length < layout.tableRows + 1) lines.push(pad('', columns));
  return lines;
}

/**
 * A legend item's words for this view: with files alone (--file) there is no process, so no "mapped by
 * this process" (the cached glyph is just cached).
 */
function legendWords(state: AppState, words: string): string {
  if (state.target.kind === 'process') return words;
  return words.replace(/,? *(not )?mapped by this process/g, '').replace(/^cached only$/, 'cached').replace(/ \(\)/g, '');
}

/** The heatmap's title, its legend (always on screen), and the cursor's status line. */
export function heatmapInfoLines(state: AppState, model: HeatmapModel, theme: Theme): string[] {
  const { columns } = state.screen;
  // The title is "path<TAB>details": the path gives way first, keeping the file name.
  const [path = '', details = ''] = model.title.split('\t');
  const title = details === '' ? fitMiddle(path, columns) : `${fitMiddle(path, Math.max(4, columns - columnsOf(details) - 2))}  ${details}`;
  const legend = new RunBuilder();
  // The fault layer's legend: its own kinds, and the cells without a fault; the other layers leave those out.
  const faultLayer = state.layer === 'faults';
  const items = LEGEND.filter((l) => (l.kind !== 'unknown' || model.rows.some((r) => r.some((c) => c.kind === 'unknown')))
    && (state.target.kind === 'process' || (l.kind !== 'mapped' && l.kind !== 'outside'))
    && (faultLayer ? isFaultKind(l.kind) || l.kind === 'empty' || l.kind === 'outside' : !isFaultKind(l.kind)));
  // First the shades (how full), then a glyph a kind in its colour (or, in mono, its attribute).
  const entries = model.legend ? model.legend.map((l) => ({
    glyph: isShaded(l.kind) ? SHADES.join('') : legendGlyph(l.kind), sgr: theme.cell(l.kind), long: l.line, short: l.short,
  })) : [
    ...(faultLayer ? [] : pageExactOn(state) ? [{ glyph: '⠁⠃⣿', sgr: '', long: 'a dot a page (8 a character)', short: 'a dot a page' }]
      : [{ glyph: SHADES.join(''), sgr: '', long: 'how full', short: 'fill' }]),
    ...items.map((l) => ({
      glyph: legendGlyph(l.kind), sgr: theme.cell(l.kind) || (l.kind === 'outside' ? theme.style('dim') : ''),
      long: faultLayer && l.kind === 'empty' ? 'no fault sampled' : l.line, short: l.short,
    })),
  ];
  const long = entries.reduce((a, l) => a + columnsOf(l.glyph) + columnsOf(l.long) + 3, 0) <= columns;
  let used = 0;
  for (const item of entries) {
    const text = ` ${long ? legendWords(state, item.long) : item.short}  `;
    const width = columnsOf(item.glyph) + columnsOf(text);
    if (used + width > columns) break;
    legend.push(item.glyph, item.sgr);
    legend.push(text, theme.style('dim'));
    used += width;
  }
  legend.push(''.padEnd(Math.max(0, columns - used)), '');
  return [
    styled(fitEnd(title, columns), theme.style('title')),
    legend.toString(),
    styled(pad(model.status, columns), state.focus === 'heatmap' ? '' : theme.style('dim')),
  ];
}

/** How the legend and the help draw a kind: a full shade for the shaded kinds, ␣ for a blank. */
function legendGlyph(kind: CellKind): string {
  if (isShaded(kind)) return SHADES[SHADES.length - 1]!;
  const glyph = glyphOf({ kind, fill: 0 });
  return glyph === ' ' ? '␣' : glyph;
}

/** The grid rows: a shade a cell (its fill), colour by kind, the cursor reversed, changed cells standing out. */
/**
 * A grid row's line without a flash or the cursor on it, kept by the row's cells array: the classified
 * grid of an unchanged file is the same arrays from frame to frame (state/selectors.ts, classifiedGrid).
 */
const gridLineCache = new WeakMap<readonly HeatCell[], { theme: Theme; columns: number; line: string }>();

export function gridLines(state: AppState, model: HeatmapModel, theme: Theme): string[] {
  const layout = layoutOf(state);
  const lines: string[] = [];
  const markedRows = new Set<number>();
  for (const index of model.flashes.keys()) markedRows.add(Math.floor(index / layout.gridColumns));
  if (model.cursor) markedRows.add(model.cursor.row);
  for (let r = 0; r < layout.gridRows; r++) {
    const kinds = model.rows[r];
    if (!kinds) {
      lines.push(''.padEnd(layout.gridColumns));
      continue;
    }
    const plain = !markedRows.has(r);
    const cached = plain ? gridLineCache.get(kinds) : undefined;
    if (cached && cached.theme === theme && cached.columns === layout.gridColumns) {
      lines.push(cached.line);
      continue;
    }
    const b = new RunBuilder();
    for (let c = 0; c < kinds.length; c++) {
      const cell = kinds[c]!;
      const index = r * layout.gridColumns + c;
      let sgr = theme.cell(cell.kind);
      const flash = model.flashes.get(index);
      if (flash) sgr = theme.style(flash === 'cached' ? 'flashCached' : 'flashEvicted');
      if (model.cursor && model.cursor.row === r && model.cursor.column === c) sgr = theme.style('cursor');
      b.push(glyphOf(cell), sgr);
    }
    const line = b.toString();
    if (plain) gridLineCache.set(kinds, { theme, columns: layout.gridColumns, line });
    lines.push(line);
  }
  return lines;
}

/** The demo teaches e, m and ! (its messages): at 80 columns they come right after Quit and Help. */
const DEMO_FOOTER_FIRST = ['quit', 'help', 'evict', 'adviseMenu', 'log'];
function footerOrder(state: AppState): readonly (typeof KEY_TABLE)[number][] {
  if (!state.demo) return KEY_TABLE;
  const rank = (command: string): number => (DEMO_FOOTER_FIRST.includes(command) ? DEMO_FOOTER_FIRST.indexOf(command) : DEMO_FOOTER_FIRST.length);
  return [...KEY_TABLE].sort((a, b) => rank(a.command) - rank(b.command));
}

/** In a replay its own keys come right after Quit, Help and Space: a narrow footer keeps them. */
function replayFooterOrder(order: readonly (typeof KEY_TABLE)[number][]): (typeof KEY_TABLE)[number][] {
  const first = ['quit', 'help', 'pause'];
  return [...order.filter((b) => first.includes(b.command)), ...order.filter((b) => b.replayOnly), ...order.filter((b) => !b.replayOnly && !first.includes(b.command))];
}

/** htop's bottom line: the keys of the current mode with their labels. */
export function footerLine(state: AppState, theme: Theme): string {
  const { columns } = state.screen;
  const mode = modeOf(state);
  const b = new RunBuilder();
  let used = 0;
  if (state.overlay?.kind === 'filter') {
    const text = `Filter: ${printable(state.overlay.text)}_   Enter keep  Esc clear`;
    return styled(fitEnd(text, columns), theme.style('footerKey'));
  }
  if (state.overlay?.kind === 'jump') {
    const text = `Go to: ${printable(state.overlay.text)}_   p1234 page · 0x4000 or 1G offset · 50%   Enter go  Esc cancel`;
    return styled(fitEnd(text, columns), theme.style('footerKey'));
  }
  if (state.overlay?.kind === 'replayJump') {
    const text = `Jump to: ${printable(state.overlay.text)}_   Enter go  Esc stay   (${JUMP_HELP})`;
    return styled(fitEnd(text, columns), theme.style('footerKey'));
  }
  if (state.overlay?.kind === 'confirm') {
    // The answer keys first: a narrow screen cuts the question, never "[y/N]".
    return styled(fitEnd(`[y/N] ${printable(state.overlay.question)}`, columns), theme.style('warn'));
  }
  for (const binding of state.replay ? replayFooterOrder(footerOrder(state)) : footerOrder(state)) {
    if (!binding.footer || !binding.modes.includes(mode)) continue;
    if (binding.processOnly && state.target.kind !== 'process') continue;
    if (binding.replayOnly && !state.replay) continue;
    // A replay's footer has room for its own keys: what it cannot do is left out (the help lists it, greyed).
    if (state.replay && (binding.changesSystem || binding.liveOnly || binding.command === 'slower')) continue;
    const key = keyLabel(binding.keys.find((k) => /^f\d+$/.test(k)) ?? binding.keys[0]!);
    const label = binding.footer;
    const width = columnsOf(key) + columnsOf(label) + 1;
    if (used + width > columns) break;
    const greyed = (binding.changesSystem && state.readOnly) || (state.replay !== null && (binding.changesSystem || binding.liveOnly));
    b.push(key, greyed ? theme.style('greyed') : theme.style('footerKey'));
    b.push(`${label} `, greyed ? theme.style('greyed') : theme.style('footerLabel'));
    used += width;
  }
  b.push(''.padEnd(Math.max(0, columns - used)), '');
  return b.toString();
}

const HEATMAP_NOTES = [
  'The shade is how full a cell is, its colour what fills it; with no colour, bold is mapped, underline dirty.',
  'A cell that just became cached or evicted is highlighted for a moment (reversed in mono). Dirty and writeback count whole folios.',
  'Evicting (e, posix_fadvise DONTNEED) leaves no shadow entries: x marks come only from reclaim or PAGEOUT.',
];

const HELP_GROUPS = ['General', 'Actions', 'Mapping table', 'Heatmap', 'Keep and replay'] as const;

/** The help screen, generated from the key table and the legend; it scrolls when taller than the screen. */
export function helpLines(state: AppState, theme: Theme): string[] {
  const { columns, rows } = state.screen;
  const body: string[] = [];
  for (const group of HELP_GROUPS) {
    body.push(styled(pad(group, columns), theme.style('helpHeading')));
    for (const binding of KEY_TABLE) {
      if (binding.group !== group || binding.modes.every((m) => m === 'help' || m === 'log')) continue;
      const keys = binding.keys.map(keyLabel).join(' ');
      const offInReplay = state.replay !== null && (binding.changesSystem === true || binding.group === 'Actions' || binding.liveOnly === true);
      const greyed = (binding.changesSystem && state.readOnly) || offInReplay;
      const notes = [binding.needs ? `needs ${binding.needs}` : '', binding.confirm ? 'asks first' : '', offInReplay ? 'off: a replay' : greyed ? 'off: --read-only' : ''].filter(Boolean);
      // Notes first, so a narrow screen cuts the description rather than the "off" marker.
      const text = `  ${keys.padEnd(16)} ${notes.length > 0 ? `[${notes.join(', ')}] ` : ''}${binding.description}`;
      body.push(greyed ? styled(pad(text, columns), theme.style('greyed')) : pad(text, columns));
    }
  }
  body.push(styled(pad('Heatmap legend', columns), theme.style('helpHeading')));
  body.push(pad(`  ${LEVEL_WORDS} (ASCII: 1 2 3 #)`, columns));
  for (const item of LEGEND) {
    if (state.target.kind !== 'process' && (item.kind === 'mapped' || item.kind === 'outside')) continue;
    body.push(`  ${styled(legendGlyph(item.kind), theme.cell(item.kind))} ${pad(legendWords(state, item.words), columns - 4)}`);
  }
  for (const note of HEATMAP_NOTES) body.push(pad(`  ${note}`, columns));
  // The flags layer's and an anonymous mapping's own legends (state/detail-views.ts).
  for (const [heading, legend] of [['Flags layer (6, root)', FLAGS_LEGEND], ['Anonymous mapping (a shows them; layer 3: soft-dirty)', ANON_LEGEND]] as const) {
    body.push(styled(pad(heading, columns), theme.style('helpHeading')));
    for (const item of legend) body.push(`  ${styled(legendGlyph(item.kind), theme.cell(item.kind))} ${pad(item.words, columns - 4)}`);
  }
  const height = Math.max(2, rows - 1);
  const visible = height - 1;
  const maxScroll = Math.max(0, body.length - visible);
  const scroll = Math.min(state.overlay?.kind === 'help' ? state.overlay.scroll : 0, maxScroll);
  const more = maxScroll > 0 ? ` (${scroll + 1}–${Math.min(body.length, scroll + visible)} of ${body.length}: ↑↓ scroll)` : '';
  return [styled(pad(`mmtop help: keys from the key table, and the heatmap legend. Esc closes.${more}`, columns), theme.style('title')), ...body.slice(scroll, scroll + visible)];
}

/** A menu overlay (workload, advice): its items from the key table, with the current settings. */
export function menuLines(state: AppState, theme: Theme): string[] {
  const { columns } = state.screen;
  const kind = state.overlay?.kind;
  const mode: Mode = kind === 'workloadMenu' ? 'workloadMenu' : 'adviseMenu';
  const file = selectedFileName(state);
  const lines: string[] = [];
  if (mode === 'workloadMenu') {
    const s = state.workloadSettings;
    lines.push(styled(pad(`Workload on ${file}: rate ${s.rate}/s, advice ${s.advice === 'default' ? 'default (random for random reads)' : s.advice}`, columns), theme.style('title')));
    if (state.workload) lines.push(pad(`running: pid ${state.workload.pid} ${state.workload.pattern} (starting another replaces it)`, columns));
  } else {
    lines.push(styled(pad(`madvise: digits go to the workload's own mapping${state.workload ? ` (pid ${state.workload.pid})` : ' (none running)'}; letters to the viewed process's selected mapping`, columns), theme.style('title')));
  }
  for (const binding of KEY_TABLE) {
    if (!binding.modes.includes(mode)) continue;
    const needs = binding.needs ? ` (needs ${binding.needs})` : '';
    lines.push(pad(`  ${binding.keys.map(keyLabel).join(' ').padEnd(10)} ${binding.description}${needs}${binding.confirm ? ' (asks first)' : ''}`, columns));
  }
  return lines;
}

function selectedFileName(state: AppState): string {
  const rows = tableRows(state);
  const path = rows[selectedIndex(state, rows)]?.file?.path;
  return path === undefined ? 'the selected file' : printable(path);
}
