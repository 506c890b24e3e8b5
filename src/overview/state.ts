// Pure: the overview's view state and its reducer (keys and data in, state and effects out). No I/O.
import { bindingFor, parseMouseKey, type Command, type MouseEvent } from '../keys/index.js';
import { printable } from '../model/index.js';
import { inCgroup } from './cgroups.js';
import type { Overview, OverviewCgroup, OverviewFile, OverviewProcess } from './types.js';

export type Pane = 'processes' | 'files' | 'cgroups';
export const PANES: readonly Pane[] = ['processes', 'files', 'cgroups'];

export const SORTS = {
  processes: ['rssFile', 'majflt', 'minflt', 'pid', 'user', 'name'],
  files: ['cached', 'dirty', 'evicted', 'size', 'holders', 'name'],
  cgroups: ['file', 'dirty', 'refault', 'processes', 'name'],
} as const;
export type SortColumn<P extends Pane> = (typeof SORTS)[P][number];

export interface OverviewViewState {
  data: Overview | null;
  pane: Pane;
  sort: { [P in Pane]: { column: SortColumn<P>; descending: boolean } };
  filter: string;
  /** The filter prompt is open (keys go to it). */
  filtering: boolean;
  help: boolean;
  selected: Record<Pane, string | null>;
  scroll: Record<Pane, number>;
  /** Processes and files narrowed to this memory cgroup (and its children); null: the whole machine. */
  cgroup: string | null;
  /** Processes narrowed to the holders of one file (`p` on the files pane): the file's path and their pids. */
  holdersOf: { path: string; pids: number[] } | null;
  screen: { columns: number; rows: number };
  mono: boolean;
  intervalMs: number;
  paused: boolean;
  nowMs: number;
  message: { text: string; untilMs: number } | null;
}

export type OverviewEffect =
  | { type: 'quit' }
  | { type: 'redraw' }
  | { type: 'refreshNow' }
  | { type: 'openProcess'; pid: number; comm: string }
  | { type: 'openFile'; file: OverviewFile };

export type OverviewAction =
  | { type: 'data'; data: Overview; nowMs: number }
  | { type: 'keys'; keys: string[]; nowMs: number }
  | { type: 'resize'; screen: { columns: number; rows: number } }
  | { type: 'message'; text: string; nowMs: number };

export interface OverviewReduced {
  state: OverviewViewState;
  effects: OverviewEffect[];
}

/** Lines above the table (title, page cache, sar -B's two lines, the panes' tab line) and the table's header. */
export const HEADER_LINES = 5;
export const MIN_INTERVAL_MS = 100;
export const MAX_INTERVAL_MS = 60_000;

export function initialOverviewState(options: { screen: { columns: number; rows: number }; mono: boolean; intervalMs: number; cgroup?: string | null; pane?: Pane }): OverviewViewState {
  return {
    data: null, pane: options.pane ?? 'processes',
    sort: { processes: { column: 'rssFile', descending: true }, files: { column: 'cached', descending: true }, cgroups: { column: 'file', descending: true } },
    filter: '', filtering: false, help: false,
    selected: { processes: null, files: null, cgroups: null }, scroll: { processes: 0, files: 0, cgroups: 0 },
    cgroup: options.cgroup ?? null, holdersOf: null, screen: options.screen, mono: options.mono, intervalMs: options.intervalMs,
    paused: false, nowMs: 0, message: null,
  };
}

const PANE_TITLES: Record<Pane, string> = { processes: 'Processes', files: 'Files', cgroups: 'Cgroups' };

/** The tab line's tabs as drawn (rows.ts), each followed by one space: the mouse finds them by column. */
export function paneTabs(state: OverviewViewState): Array<{ pane: Pane; text: string }> {
  return PANES.map((p, i) => ({ pane: p, text: ` ${i + 1} ${PANE_TITLES[p]} ${paneRows(state, p).length} ` }));
}

/** The screen row of the table's first row: below the header lines and the table's column titles. */
export const FIRST_TABLE_ROW = HEADER_LINES + 1;

/** Table rows on screen: the screen less the header, the table's title line and the footer. */
export function tableHeight(state: OverviewViewState): number {
  return Math.max(1, state.screen.rows - HEADER_LINES - 2);
}

const fileId = (f: OverviewFile): string => `${f.device}:${f.inode}`;
export type PaneRow =
  | { pane: 'processes'; id: string; process: OverviewProcess }
  | { pane: 'files'; id: string; file: OverviewFile }
  | { pane: 'cgroups'; id: string; cgroup: OverviewCgroup };

const compareNullable = (a: number | null, b: number | null): number => (a ?? -1) - (b ?? -1);
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function matches(filter: string, ...texts: Array<string | null | undefined>): boolean {
  if (filter === '') return true;
  const f = filter.toLowerCase();
  return texts.some((t) => t !== null && t !== undefined && printable(t).toLowerCase().includes(f));
}

/** Processes after the cgroup and the filter, sorted. */
export function processRows(state: OverviewViewState): PaneRow[] {
  const list = (state.data?.processes ?? []).filter((p) => (state.cgroup === null || inCgroup(p.cgroup, state.cgroup))
    && (state.holdersOf === null || state.holdersOf.pids.includes(p.pid))
    && matches(state.filter, p.comm, String(p.pid), p.user, p.cgroup));
  const { column, descending } = state.sort.processes;
  const by: Record<SortColumn<'processes'>, (a: OverviewProcess, b: OverviewProcess) => number> = {
    rssFile: (a, b) => compareNullable(a.rssFileBytes, b.rssFileBytes), majflt: (a, b) => compareNullable(a.majfltPerSec, b.majfltPerSec),
    minflt: (a, b) => compareNullable(a.minfltPerSec, b.minfltPerSec), pid: (a, b) => a.pid - b.pid,
    user: (a, b) => compareText(a.user ?? '', b.user ?? ''), name: (a, b) => compareText(a.comm, b.comm),
  };
  const sign = descending ? -1 : 1;
  return list.sort((a, b) => sign * by[column](a, b) || a.pid - b.pid).map((p) => ({ pane: 'processes', id: String(p.pid), process: p }));
}

/** Files after the cgroup (held by a process in it) and the filter, sorted. */
export function fileRows(state: OverviewViewState): PaneRow[] {
  const inGroup = state.cgroup === null ? null
    : new Set((state.data?.processes ?? []).filter((p) => inCgroup(p.cgroup, state.cgroup!)).map((p) => p.pid));
  const list = (state.data?.files ?? []).filter((f) => (inGroup === null || f.holders.some((h) => inGroup.has(h.pid)))
    && matches(state.filter, f.path, ...f.holders.map((h) => h.comm)));
  const { column, descending } = state.sort.files;
  const by: Record<SortColumn<'files'>, (a: OverviewFile, b: OverviewFile) => number> = {
    cached: (a, b) => compareNullable(a.cachedPages, b.cachedPages), dirty: (a, b) => compareNullable(a.dirtyPages, b.dirtyPages),
    evicted: (a, b) => compareNullable(a.recentlyEvictedPages, b.recentlyEvictedPages), size: (a, b) => compareNullable(a.sizeBytes, b.sizeBytes),
    holders: (a, b) => a.holders.length - b.holders.length, name: (a, b) => compareText(a.path, b.path),
  };
  const sign = descending ? -1 : 1;
  return list.sort((a, b) => sign * by[column](a, b) || compareText(a.path, b.path)).map((f) => ({ pane: 'files', id: fileId(f), file: f }));
}

export function cgroupRows(state: OverviewViewState): PaneRow[] {
  const list = (state.data?.cgroups ?? []).filter((c) => (state.cgroup === null || inCgroup(c.path, state.cgroup)) && matches(state.filter, c.path));
  const { column, descending } = state.sort.cgroups;
  const by: Record<SortColumn<'cgroups'>, (a: OverviewCgroup, b: OverviewCgroup) => number> = {
    file: (a, b) => compareNullable(a.fileBytes, b.fileBytes), dirty: (a, b) => compareNullable(a.fileDirtyBytes, b.fileDirtyBytes),
    refault: (a, b) => compareNullable(a.refaultPerSec, b.refaultPerSec), processes: (a, b) => a.processCount - b.processCount,
    name: (a, b) => compareText(a.path, b.path),
  };
  const sign = descending ? -1 : 1;
  return list.sort((a, b) => sign * by[column](a, b) || compareText(a.path, b.path)).map((c) => ({ pane: 'cgroups', id: c.path, cgroup: c }));
}

/**
 * The rows of each pane, kept per source list while the filter, narrowing and sort stay: a frame asks for
 * all three (the tab line counts them) and each key for the current one. Keyed by the list the rows come
 * from, not by the Overview: a new Overview comes every tick, but the files list only when a scan ends,
 * and sorting 20,000 files each tick was most of the overview's CPU (10% of a core with 300 processes).
 */
const rowsMemo = new WeakMap<object, Map<string, PaneRow[]>>();

export function paneRows(state: OverviewViewState, pane: Pane = state.pane): PaneRow[] {
  const data = state.data;
  const compute = (): PaneRow[] => (pane === 'processes' ? processRows(state) : pane === 'files' ? fileRows(state) : cgroupRows(state));
  if (!data) return compute();
  // Files narrowed to a cgroup depend on the processes in it too: then they are kept per processes list.
  const source: object = pane === 'processes' ? data.processes : pane === 'cgroups' ? data.cgroups
    : state.cgroup === null ? data.files : data.processes;
  const key = JSON.stringify([pane, state.filter, state.cgroup, state.holdersOf?.pids ?? null, state.sort[pane]]);
  let byKey = rowsMemo.get(source);
  if (!byKey) {
    byKey = new Map();
    rowsMemo.set(source, byKey);
  }
  let rows = byKey.get(key);
  if (!rows) {
    rows = compute();
    if (byKey.size > 32) byKey.clear();
    byKey.set(key, rows);
  }
  return rows;
}

/** The selected row's index in the pane's rows (the first row when the selection is gone). */
export function selectedRowIndex(state: OverviewViewState, rows: PaneRow[]): number {
  const i = rows.findIndex((r) => r.id === state.selected[state.pane]);
  return i < 0 ? 0 : i;
}

function select(state: OverviewViewState, index: number, rows = paneRows(state)): OverviewViewState {
  if (rows.length === 0) return state;
  const i = Math.max(0, Math.min(rows.length - 1, index));
  const height = tableHeight(state);
  let scroll = state.scroll[state.pane];
  if (i < scroll) scroll = i;
  if (i >= scroll + height) scroll = i - height + 1;
  return { ...state, selected: { ...state.selected, [state.pane]: rows[i]!.id }, scroll: { ...state.scroll, [state.pane]: scroll } };
}

/** Keeps the selection on its row, or the first, and on screen. */
function settle(state: OverviewViewState): OverviewViewState {
  const rows = paneRows(state);
  return select(state, selectedRowIndex(state, rows), rows);
}

function say(state: OverviewViewState, text: string, ms = 3000): OverviewViewState {
  return { ...state, message: { text, untilMs: state.nowMs + ms } };
}

export function reduceOverview(state: OverviewViewState, action: OverviewAction): OverviewReduced {
  switch (action.type) {
    case 'data':
      return { state: settle({ ...state, data: action.data, nowMs: action.nowMs }), effects: [] };
    case 'resize':
      return { state: settle({ ...state, screen: action.screen }), effects: [{ type: 'redraw' }] };
    case 'message':
      return { state: say({ ...state, nowMs: action.nowMs }, action.text), effects: [] };
    case 'keys': {
      let current: OverviewReduced = { state: { ...state, nowMs: action.nowMs }, effects: [] };
      for (const key of action.keys) {
        const next = onKey(current.state, key);
        current = { state: next.state, effects: [...current.effects, ...next.effects] };
        if (next.effects.some((e) => e.type === 'quit' || e.type === 'openProcess' || e.type === 'openFile')) break;
      }
      return current;
    }
  }
}

function onKey(state: OverviewViewState, key: string): OverviewReduced {
  const mouse = key.startsWith('mouse:') ? parseMouseKey(key) : null;
  if (mouse) return { state: onMouse(state, mouse), effects: [] };
  if (state.filtering) {
    const binding = bindingFor(key, 'filter');
    if (binding?.command === 'filterAccept') return { state: { ...state, filtering: false }, effects: [] };
    if (binding?.command === 'filterCancel') return { state: settle({ ...state, filtering: false, filter: '' }), effects: [] };
    if (binding?.command === 'filterErase') return { state: settle({ ...state, filter: state.filter.slice(0, -1) }), effects: [] };
    if (key === 'space' || (key.length === 1 && key >= ' ' && key !== '\x7f')) {
      return { state: settle({ ...state, filter: state.filter + (key === 'space' ? ' ' : key) }), effects: [] };
    }
    return { state, effects: [] };
  }
  if (state.help) {
    const binding = bindingFor(key, 'help');
    if (binding?.command === 'quit') return { state, effects: [{ type: 'quit' }] };
    return binding?.command === 'close' ? { state: { ...state, help: false }, effects: [{ type: 'redraw' }] } : { state, effects: [] };
  }
  const binding = bindingFor(key, 'overview');
  if (!binding && key.startsWith('alt+') && key.length > 4) {
    // ESC and a key in one read (tmux, a fast typist) are two keys.
    const first = onKey(state, 'escape');
    const second = onKey(first.state, key.slice(4));
    return { state: second.state, effects: [...first.effects, ...second.effects] };
  }
  return binding ? run(state, binding.command) : { state, effects: [] };
}

/**
 * As in the process view: a click selects the table row under it (or the pane whose tab it is on), the
 * wheel moves the selection three rows. Nothing while the help or the filter prompt is up.
 */
function onMouse(state: OverviewViewState, event: MouseEvent): OverviewViewState {
  if (!event.pressed || event.motion || state.help || state.filtering) return state;
  const rows = paneRows(state);
  if (event.button === 'wheelUp' || event.button === 'wheelDown') {
    return select(state, selectedRowIndex(state, rows) + (event.button === 'wheelUp' ? -3 : 3), rows);
  }
  if (event.button !== 'left') return state;
  if (event.row === HEADER_LINES - 1) {
    let from = 0;
    for (const tab of paneTabs(state)) {
      const width = tab.text.length + 1;
      if (event.column >= from && event.column < from + width - 1) return settle({ ...state, pane: tab.pane });
      from += width;
    }
    return state;
  }
  const offset = event.row - FIRST_TABLE_ROW;
  if (offset < 0 || offset >= tableHeight(state)) return state;
  const index = Math.min(state.scroll[state.pane], Math.max(0, rows.length - 1)) + offset;
  return index < rows.length ? select(state, index, rows) : state;
}

function run(state: OverviewViewState, command: Command): OverviewReduced {
  const rows = paneRows(state);
  const index = selectedRowIndex(state, rows);
  const height = tableHeight(state);
  const none: OverviewEffect[] = [];
  const pane = (p: Pane): OverviewReduced => ({ state: settle({ ...state, pane: p }), effects: none });
  switch (command) {
    case 'quit': return { state, effects: [{ type: 'quit' }] };
    case 'help': return { state: { ...state, help: true }, effects: [{ type: 'redraw' }] };
    case 'redraw': return { state, effects: [{ type: 'redraw' }] };
    case 'pause': return { state: say({ ...state, paused: !state.paused }, state.paused ? 'resumed' : 'paused: press Space to resume'), effects: state.paused ? [{ type: 'refreshNow' }] : none };
    case 'slower':
    case 'faster': {
      const intervalMs = Math.max(MIN_INTERVAL_MS, Math.min(MAX_INTERVAL_MS, command === 'slower' ? state.intervalMs * 2 : Math.round(state.intervalMs / 2)));
      return { state: say({ ...state, intervalMs }, `every ${intervalMs / 1000} s`), effects: none };
    }
    case 'paneNext': return pane(PANES[(PANES.indexOf(state.pane) + 1) % PANES.length]!);
    case 'panePrevious': return pane(PANES[(PANES.indexOf(state.pane) + PANES.length - 1) % PANES.length]!);
    case 'paneProcesses': return pane('processes');
    case 'paneFiles': return pane('files');
    case 'paneCgroups': return pane('cgroups');
    case 'up': return { state: select(state, index - 1, rows), effects: none };
    case 'down': return { state: select(state, index + 1, rows), effects: none };
    case 'pageUp': return { state: select(state, index - height, rows), effects: none };
    case 'pageDown': return { state: select(state, index + height, rows), effects: none };
    case 'home': return { state: select(state, 0, rows), effects: none };
    case 'end': return { state: select(state, rows.length - 1, rows), effects: none };
    case 'filter': return { state: { ...state, filtering: true }, effects: none };
    case 'sort': {
      const columns = SORTS[state.pane] as readonly string[];
      const current = state.sort[state.pane];
      const column = columns[(columns.indexOf(current.column) + 1) % columns.length]!;
      const descending = column !== 'name' && column !== 'pid' && column !== 'user';
      const sort = { ...state.sort, [state.pane]: { column, descending } } as OverviewViewState['sort'];
      return { state: settle(say({ ...state, sort }, `sorted by ${column}`)), effects: none };
    }
    case 'reverseSort': {
      const current = state.sort[state.pane];
      const sort = { ...state.sort, [state.pane]: { ...current, descending: !current.descending } } as OverviewViewState['sort'];
      return { state: settle({ ...state, sort }), effects: none };
    }
    case 'open': {
      const row = rows[index];
      if (!row) return { state, effects: none };
      if (row.pane === 'processes') return { state, effects: [{ type: 'openProcess', pid: row.process.pid, comm: row.process.comm }] };
      if (row.pane === 'files') return { state, effects: [{ type: 'openFile', file: row.file }] };
      // A cgroup: narrow the processes and files to it, and show its processes.
      const next = settle({ ...state, cgroup: row.cgroup.path, pane: 'processes', filter: '' });
      return { state: say(next, `in cgroup ${printable(row.cgroup.path)} (Esc: the whole machine)`), effects: none };
    }
    case 'holders': {
      const row = rows[index];
      if (row?.pane !== 'files') return { state: say(state, 'p: on the files pane, the processes that map or hold the selected file'), effects: none };
      if (row.file.holders.length === 0) return { state: say(state, `${printable(row.file.path)}: no process maps or holds it`), effects: none };
      const holdersOf = { path: row.file.path, pids: row.file.holders.map((h) => h.pid) };
      const next = settle({ ...state, holdersOf, pane: 'processes', filter: '' });
      return { state: say(next, `the processes of ${printable(row.file.path)}: Enter opens one, Esc shows all`), effects: none };
    }
    case 'widen': {
      if (state.filter !== '') return { state: settle({ ...state, filter: '' }), effects: none };
      if (state.holdersOf !== null) return { state: settle({ ...state, holdersOf: null }), effects: none };
      if (state.cgroup !== null) return { state: settle(say({ ...state, cgroup: null }, 'the whole machine')), effects: none };
      return { state, effects: none };
    }
    default: return { state, effects: none };
  }
}
