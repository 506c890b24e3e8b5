// The pure reducer: (state, action) -> state and the effects it asks for. No I/O, no timers.
import { bindingFor, parseMouseKey, type Command, type Mode, type MouseEvent } from '../keys/index.js';
import { changedCells, LAYERS, type Layer } from '../residency/classify.js';
import { fileKey, type Sample, type ProcessStatus, type Target } from '../model/index.js';
import {
  alignedWindow, cellForPage, cellsPerGlyph, focusedCellCount, focusedFile, focusedPageCount, gridCellCount, layoutOf, maxZoomLevel, selectedIndex, selectedRow, tableRows, zoomWindowFor,
} from './selectors.js';
import { foldedIdOf, vmaRssBytes } from './table-rows.js';
import { cursorPage, parseJump, withCursorOnPage } from './jump.js';
import { mouseTarget, wheelPages } from './mouse.js';
import { LOG_ENTRIES_MAX, logged } from './log.js';
import { NO_FAULTS, withFaultSample } from './faults.js';
import { isAnonRow, nextSmapsSeen } from './detail-views.js';
import { FAULT_SORT_COLUMNS, SORT_COLUMNS, type Action, type AppState, type Effect, type Reduced, type Screen } from './types.js';
import { defaultAdvice, WORKLOAD_ADVICE, type Pattern, type WorkloadAdvice } from '../workload/patterns.js';
import { clampIndex, JUMP_HELP, parseJump as parseReplayJump, SPEEDS, type ReplayState } from '../replay/timeline.js';

export const MIN_INTERVAL_MS = 100;
export const MAX_INTERVAL_MS = 60_000;
/** How long a changed cell stands out. */
export const FLASH_MS = 1500;

export interface InitialOptions {
  target: Target;
  intervalMs: number;
  screen: Screen;
  mono: boolean;
  readOnly: boolean;
  staticWarnings?: string[];
  /** The demo's data file: the hint line walks the article's experiment on it. */
  demoFile?: string;
  /** `mmtop replay`: the recording's place (its first Sample, paused). */
  replay?: ReplayState;
  /** ASCII only (--ascii, LANG=C): page-exact braille is off. */
  ascii?: boolean;
}

export function initialState(options: InitialOptions): AppState {
  return {
    target: options.target,
    sample: null,
    previous: null,
    processStatus: options.target.kind === 'files' ? 'none' : 'alive',
    statusText: null,
    intervalMs: options.intervalMs,
    paused: false,
    focus: 'table',
    overlay: null,
    sort: options.target.kind === 'files' ? { column: 'name', descending: false } : { column: 'rss', descending: true },
    filter: '',
    showAnon: false,
    tableView: 'files',
    selectedId: null,
    selectionFollowsTop: true,
    tableScroll: 0,
    layer: 'cache',
    cursorCell: 0,
    cursorAnchorPage: null,
    pageExact: false,
    ascii: options.ascii === true,
    zoomLevel: 0,
    zoomWindow: null,
    flashes: {},
    screen: options.screen,
    mono: options.mono,
    readOnly: options.readOnly,
    message: null,
    staticWarnings: options.staticWarnings ?? [],
    nowMs: 0,
    workload: null,
    workloadSettings: { rate: 20, advice: 'default' },
    savedTarget: null,
    ownFiles: options.demoFile ? [options.demoFile] : [],
    demo: options.demoFile ? { file: options.demoFile, step: 0 } : null,
    lastResult: null,
    replay: options.replay ?? null,
    recording: null,
    log: [],
    faults: NO_FAULTS,
    smapsPane: false,
    smapsSeen: { current: {}, before: {} },
  };
}

export function modeOf(state: AppState): Mode {
  return state.overlay ? state.overlay.kind : state.focus;
}

export function reduce(state: AppState, action: Action): Reduced {
  switch (action.type) {
    case 'sample':
      return { state: withSample(state, action.sample, action.processStatus, action.nowMs, action.previous), effects: [] };
    case 'replayStep':
      return replayMove({ ...state, nowMs: action.nowMs }, (state.replay?.index ?? 0) + action.delta);
    case 'recording':
      return { state: say({ ...state, recording: action.path, nowMs: action.nowMs }, action.text, 15_000), effects: [] };
    case 'resize':
      return resize(state, action.screen);
    case 'tick':
      return { state: { ...state, nowMs: action.nowMs }, effects: [] };
    case 'message':
      return { state: say({ ...state, nowMs: action.nowMs }, action.text), effects: [] };
    case 'staticWarnings':
      return { state: action.add.length === 0 ? state : { ...state, staticWarnings: [...state.staticWarnings, ...action.add] }, effects: [] };
    case 'actionResult':
      return actionResult(state, action);
    case 'workloadStarted': {
      const workload = { pid: action.pid, file: action.file, pattern: action.pattern, rate: action.rate, advice: action.advice, status: null, previousStatus: null };
      return { state: say({ ...state, workload, nowMs: action.nowMs }, `workload started: pid ${action.pid}, ${action.pattern} at ${action.rate}/s, advice ${action.advice}`), effects: [] };
    }
    case 'workloadStatus':
      if (!state.workload) return { state, effects: [] };
      return { state: { ...state, nowMs: action.nowMs, workload: { ...state.workload, previousStatus: state.workload.status, status: action.status } }, effects: [] };
    case 'workloadExited': {
      if (state.workload?.pid !== action.pid) return { state, effects: [] };
      let next: AppState = logged({ ...state, workload: null, nowMs: action.nowMs, lastResult: { text: action.text, ok: false, untilMs: action.nowMs + 15_000 } }, action.text);
      if (state.savedTarget) next = switchTarget(next, state.savedTarget, null);
      return { state: next, effects: [{ type: 'sampleNow' }] };
    }
    case 'keys': {
      let current: Reduced = { state: { ...state, nowMs: action.nowMs }, effects: [] };
      for (const key of action.keys) {
        const next = onKey(current.state, key);
        current = { state: next.state, effects: [...current.effects, ...next.effects] };
        if (next.effects.some((e) => e.type === 'quit')) break;
      }
      return current;
    }
  }
}

/** The kernel's answer to an action: shown for a while, and it moves the demo's hint along. */
function actionResult(state: AppState, action: Extract<Action, { type: 'actionResult' }>): Reduced {
  let next: AppState = logged({ ...state, nowMs: action.nowMs, lastResult: { text: action.text, ok: action.ok, untilMs: action.nowMs + 12_000 } }, action.text);
  const demo = state.demo;
  const onDemoFile = action.path === undefined || action.path === demo?.file;
  if (demo && action.ok && onDemoFile) {
    if (action.kind === 'evict' && demo.step === 0 && (action.stayedPages ?? 0) > 0) next = { ...next, demo: { ...demo, step: 1 } };
    else if (action.kind === 'workloadAdvise' && action.advice === 'DONTNEED' && demo.step <= 1) next = { ...next, demo: { ...demo, step: 2 } };
    // Step 4 is about faults: the fault layer goes on, to show where the workload reads the pages back.
    else if (action.kind === 'evict' && demo.step === 2) next = { ...next, demo: { ...demo, step: 3 }, layer: 'faults' };
  }
  return { state: next, effects: [{ type: 'sampleNow', whole: true }] };
}

function switchTarget(state: AppState, target: Target, saved: Target | null): AppState {
  return {
    ...state, target, savedTarget: saved, sample: null, previous: null, selectedId: null, selectionFollowsTop: true, tableScroll: 0, ...FRESH_HEATMAP,
    focus: 'table', processStatus: 'alive', statusText: null,
  };
}

function say(state: AppState, text: string, ms = 3000): AppState {
  return logged({ ...state, message: { text, untilMs: state.nowMs + ms } }, text);
}

/**
 * The heatmap of a newly selected row: whole, cursor on its first cell, and no page carried from the
 * row before (an anchor left there would centre the first zoom on the old file's page, issue 11).
 */
const FRESH_HEATMAP = { cursorCell: 0, cursorAnchorPage: null, zoomLevel: 0, zoomWindow: null, flashes: {}, pageExact: false } as const;

function withSample(state: AppState, sample: Sample, processStatus: ProcessStatus, nowMs: number, previousGiven?: Sample | null): AppState {
  const gone = processStatus === 'exited' || processStatus === 'reused' || processStatus === 'denied' || processStatus === 'unreadable';
  if (gone) {
    const text = sample.failures.find((f) => f.source === 'process')?.message ?? `process ${processStatus}`;
    return { ...state, processStatus, statusText: text, nowMs, paused: state.paused };
  }
  const previous = previousGiven !== undefined ? previousGiven : state.sample;
  let next: AppState = { ...state, sample, previous, processStatus, statusText: null, nowMs, faults: withFaultSample(state.faults, sample, nowMs), smapsSeen: nextSmapsSeen(state.smapsSeen, sample.smapsDetail) };
  const rows = tableRows(next);
  // The demo opens on its data file, and stays there; otherwise the selection follows the top row
  // (keepSelectionVisible): on attach the file with the most resident pages, the table sorted by RSS.
  const demoRow = state.demo && next.selectionFollowsTop ? rows.find((r) => r.file?.path === state.demo!.file) : undefined;
  if (demoRow) next = { ...next, selectedId: demoRow.id, selectionFollowsTop: false, ...FRESH_HEATMAP };
  else if (!rows.some((r) => r.id === next.selectedId)) {
    next = { ...next, selectedId: rows[0]?.id ?? null, ...FRESH_HEATMAP };
  }
  next = keepSelectionVisible(next);
  // Cells that changed since the last sample of the same file and layout stand out for a moment.
  const file = focusedFile(next);
  const before = previous?.files.find((f) => file && fileKey(f) === fileKey(file));
  const flashes: AppState['flashes'] = {};
  for (const [index, flash] of Object.entries(state.flashes)) if (flash.untilMs > nowMs) flashes[Number(index)] = flash;
  const until = nowMs + Math.max(FLASH_MS, state.intervalMs * 1.5);
  for (const [index, kind] of changedCells(before?.cells, file?.cells)) flashes[index] = { kind, untilMs: until };
  next.flashes = before?.cells && file?.cells && before.cells.length === file.cells.length ? flashes : {};
  // The cursor is not clamped here: a sample planned before a key (another file in focus, another zoom)
  // may carry fewer cells for a moment. The view clamps what it shows; keys clamp when they move it.
  return next;
}

function resize(state: AppState, screen: Screen): Reduced {
  let next: AppState = { ...state, screen };
  const pageCount = focusedPageCount(next);
  if (pageCount && next.pageExact) next = reframe(next, maxZoomLevel(pageCount, gridCellCount(next)), cursorPage(next) ?? 0);
  else if (pageCount && next.zoomLevel > 0) {
    const cells = gridCellCount(next);
    next.zoomLevel = Math.min(next.zoomLevel, maxZoomLevel(pageCount, cells));
    const center = next.zoomWindow ? next.zoomWindow.firstPage + next.zoomWindow.pageCount / 2 : pageCount / 2;
    next.zoomWindow = zoomWindowFor(pageCount, cells, next.zoomLevel, center);
  }
  next = keepSelectionVisible(next);
  return { state: next, effects: [{ type: 'sampleNow' }, { type: 'redraw' }] };
}

function keepSelectionVisible(state: AppState): AppState {
  const rows = tableRows(state);
  const top = rows[0];
  // Not while the heatmap has the focus (a click or a jump into it): its file stays under the cursor.
  if (state.selectionFollowsTop && state.focus === 'table' && top && top.id !== state.selectedId) {
    state = { ...state, selectedId: top.id, ...FRESH_HEATMAP };
  }
  const visible = Math.max(1, layoutOf(state).tableRows);
  const index = selectedIndex(state, rows);
  let scroll = Math.min(state.tableScroll, Math.max(0, rows.length - visible));
  if (index < scroll) scroll = index;
  if (index >= scroll + visible) scroll = index - visible + 1;
  // A filter or a sort may hide the selected row: the row shown as selected becomes the selection, so
  // the next sample does not "find" it missing and reset the heatmap under the user.
  const shownId = rows[index]?.id ?? state.selectedId;
  if (shownId !== state.selectedId) {
    return { ...state, selectedId: shownId, tableScroll: Math.max(0, scroll), ...FRESH_HEATMAP };
  }
  return scroll === state.tableScroll ? state : { ...state, tableScroll: Math.max(0, scroll) };
}

function onKey(state: AppState, key: string): Reduced {
  const mouse = parseMouseKey(key);
  if (mouse) return onMouse(state, mouse);
  const mode = modeOf(state);
  if (mode === 'filter' && state.overlay?.kind === 'filter' && isPrintable(key)) {
    const text = state.overlay.text + (key === 'space' ? ' ' : key);
    return { state: keepSelectionVisible({ ...state, overlay: { kind: 'filter', text }, filter: text }), effects: [] };
  }
  if (mode === 'jump' && state.overlay?.kind === 'jump' && isPrintable(key)) {
    return { state: { ...state, overlay: { kind: 'jump', text: (state.overlay.text + (key === 'space' ? ' ' : key)).slice(0, 40) } }, effects: [] };
  }
  if (mode === 'replayJump' && state.overlay?.kind === 'replayJump' && isPrintable(key)) {
    return { state: { ...state, overlay: { kind: 'replayJump', text: (state.overlay.text + (key === 'space' ? ' ' : key)).slice(0, 40) } }, effects: [] };
  }
  const binding = bindingFor(key, mode);
  if (!binding && key.startsWith('alt+') && key.length > 4) {
    // No Alt bindings: ESC and a key that arrived in one read (tmux, a fast typist) are two keys.
    const first = onKey(state, 'escape');
    const second = onKey(first.state, key.slice(4));
    return { state: second.state, effects: [...first.effects, ...second.effects] };
  }
  if (!binding) return { state, effects: [] };
  if (binding.processOnly && state.target.kind !== 'process') return { state: say(state, `${binding.description}: only with a process`), effects: [] };
  if (state.replay && (binding.changesSystem || binding.group === 'Actions' || binding.liveOnly)) {
    return { state: say(state, `${binding.footer ?? binding.keys[0]}: off in a replay (it shows a recording: there is no live system to act on)`), effects: [] };
  }
  if (state.replay && (binding.command === 'slower' || binding.command === 'faster')) return { state: say(state, 'a replay keeps the recorded delay: > and < change its speed'), effects: [] };
  if (binding.replayOnly && !state.replay) return { state: say(state, `${binding.keys[0]}: only in a replay (mmtop replay FILE)`), effects: [] };
  if (binding.changesSystem && state.readOnly) return { state: say(state, `${binding.footer ?? binding.command}: off in --read-only mode`), effects: [] };
  return runCommand(state, binding.command);
}

/** A click selects the row or puts the heatmap cursor on the cell; the wheel scrolls the table or the heatmap. */
function onMouse(state: AppState, event: MouseEvent): Reduced {
  const none: Reduced = { state, effects: [] };
  if (!event.pressed || event.motion) return none;
  const wheel = event.button === 'wheelUp' ? -1 : event.button === 'wheelDown' ? 1 : 0;
  if (state.overlay?.kind === 'help') return wheel === 0 ? none : runCommand(state, wheel < 0 ? 'helpScrollUp' : 'helpScrollDown');
  if (state.overlay?.kind === 'log') return wheel === 0 ? none : runCommand(state, wheel < 0 ? 'logScrollUp' : 'logScrollDown');
  if (state.overlay) return none;
  const target = mouseTarget(state, event.column, event.row);
  if (target.area === 'table' && (event.button === 'left' || wheel !== 0)) {
    const index = wheel === 0 ? target.rowIndex : selectedIndex(state) + 3 * wheel;
    const focused = { ...state, focus: 'table' as const };
    const r = selectRow(focused, index);
    return r.state === focused ? { state: focused, effects: [] } : r;
  }
  if (target.area === 'grid' && event.button === 'left') return { state: { ...state, focus: 'heatmap', cursorCell: target.cell }, effects: [] };
  if (target.area === 'grid' && wheel !== 0) {
    const page = cursorPage(state);
    if (page === null) return none;
    const { state: next, moved } = withCursorOnPage({ ...state, focus: 'heatmap' }, page + wheel * wheelPages(state));
    return { state: next, effects: moved ? [{ type: 'sampleNow' }] : [] };
  }
  return none;
}

function isPrintable(key: string): boolean {
  return key === 'space' || (key.length === 1 && key >= ' ' && key !== '\x7f');
}

function selectRow(state: AppState, index: number): Reduced {
  const rows = tableRows(state);
  if (rows.length === 0) return { state, effects: [] };
  const clamped = Math.max(0, Math.min(rows.length - 1, index));
  const id = rows[clamped]!.id;
  // The user chose a row: it stays selected whatever the sort puts on top.
  if (id === state.selectedId) return { state: { ...state, selectionFollowsTop: false }, effects: [] };
  const next = keepSelectionVisible({ ...state, selectedId: id, selectionFollowsTop: false, ...FRESH_HEATMAP });
  return { state: next, effects: [{ type: 'sampleNow' }] };
}

function moveCursor(state: AppState, delta: number | 'home' | 'end'): Reduced {
  const cells = focusedCellCount(state);
  if (cells === 0) return { state, effects: [] };
  // Page-exact: a step is a character, 8 pages.
  const target = delta === 'home' ? 0 : delta === 'end' ? cells - 1 : state.cursorCell + delta * cellsPerGlyph(state);
  return { state: { ...state, cursorCell: Math.max(0, Math.min(cells - 1, target)) }, effects: [] };
}

/** The heatmap at zoom `level` around page `center`, in the state's grid (page-exact or not). */
function reframe(state: AppState, level: number, center: number): AppState {
  const pageCount = focusedPageCount(state) ?? 0;
  const cells = gridCellCount(state);
  const clamped = Math.max(0, Math.min(maxZoomLevel(pageCount, cells), level));
  const window = alignedWindow(state, zoomWindowFor(pageCount, cells, clamped, center));
  const cursorCell = cellForPage(window ?? { firstPage: 0, pageCount }, cells, center);
  return { ...state, zoomLevel: clamped, zoomWindow: window, cursorCell, cursorAnchorPage: center, flashes: {} };
}

/**
 * b: page-exact braille and back. On, the window zooms to one page a cell around the cursor's page (8 a
 * character); off, the shades at one page a cell around the same page.
 */
function togglePageExact(state: AppState): Reduced {
  if (state.ascii) return { state: say(state, 'page-exact needs braille: not with --ascii or a locale that is not UTF-8'), effects: [] };
  if (!state.pageExact && (!focusedFile(state)?.pageCount || !['cache', 'mapped', 'dirty', 'evicted'].includes(state.layer))) {
    return { state: say(state, 'page-exact: a file\'s heatmap on layer 1-4 (the page cache)'), effects: [] };
  }
  return { state: leavePageExact(state, !state.pageExact), effects: [{ type: 'sampleNow' }] };
}

/** The state with page-exact `on`, zoomed to one page a cell around the cursor's page. */
function leavePageExact(state: AppState, on: boolean): AppState {
  const center = cursorPage(state) ?? 0;
  const next = { ...state, pageExact: on };
  const pageCount = focusedPageCount(next) ?? 0;
  return reframe(next, maxZoomLevel(pageCount, gridCellCount(next)), center);
}

/** Zoom the focused file, or the selected anonymous memory (its VMAs' pages end to end). */
function zoom(state: AppState, level: number): Reduced {
  // Out of page-exact: Z or 0 go back to the shades (at one page a cell first, then on out).
  if (state.pageExact && level < state.zoomLevel) {
    const shades = leavePageExact(state, false);
    return { state: level === 0 ? reframe(shades, 0, cursorPage(shades) ?? 0) : shades, effects: [{ type: 'sampleNow' }] };
  }
  const pageCount = focusedPageCount(state);
  const cells = gridCellCount(state);
  if (!pageCount || focusedCellCount(state) === 0 || cells === 0) return { state, effects: [] };
  const clamped = Math.max(0, Math.min(maxZoomLevel(pageCount, cells), level));
  if (clamped === state.zoomLevel) {
    return { state: say(state, clamped === 0 ? 'whole file' : 'one page a cell: the deepest zoom'), effects: [] };
  }
  // The cursor's page in the layout asked for, not in the sample's cells: those lag a key behind.
  const center = cursorPage(state) ?? Math.floor(pageCount / 2);
  const window = zoomWindowFor(pageCount, cells, clamped, center);
  const cursorCell = cellForPage(window ?? { firstPage: 0, pageCount }, cells, center);
  return { state: { ...state, zoomLevel: clamped, zoomWindow: window, cursorCell, cursorAnchorPage: center, flashes: {} }, effects: [{ type: 'sampleNow' }] };
}

/** The jump prompt's answer: the cursor on that page (the window moves to it if needed), or why not. */
function jumpTo(state: AppState): Reduced {
  const pageCount = focusedPageCount(state);
  if (state.overlay?.kind !== 'jump' || !pageCount || !state.sample) return { state: { ...state, overlay: null }, effects: [] };
  const pageSize = state.sample.pageSizeBytes;
  const parsed = parseJump(state.overlay.text, pageSize, pageCount);
  if ('error' in parsed) return { state: say({ ...state, overlay: null }, parsed.error, 5000), effects: [] };
  const { state: next, moved } = withCursorOnPage({ ...state, overlay: null, focus: 'heatmap' }, parsed.page);
  return { state: say(next, `page ${parsed.page} (offset 0x${(parsed.page * pageSize).toString(16)})`), effects: moved ? [{ type: 'sampleNow' }] : [] };
}

function setLayer(state: AppState, layer: Layer): Reduced {
  // The fault and flags layers have no page-exact view: back to their cells at one page a cell.
  if (state.pageExact && (layer === 'faults' || layer === 'flags')) state = leavePageExact(state, false);
  // The flags layer reads what the other layers do not (kpageflags): at once, not at the next tick.
  return { state: { ...state, layer }, effects: layer === 'flags' && state.layer !== 'flags' ? [{ type: 'sampleNow' }] : [] };
}

function runCommand(state: AppState, command: Command): Reduced {
  const layout = layoutOf(state);
  const inTable = state.focus === 'table';
  const rows = inTable ? tableRows(state) : [];
  const index = inTable ? selectedIndex(state, rows) : 0;
  const none: Effect[] = [];
  switch (command) {
    case 'quit': return { state, effects: [{ type: 'quit' }] };
    // Esc on the mapping table: the session goes back to the overview when it was opened from one.
    // Esc in the table: a filter that is on goes first (the title shows it), then back to the overview.
    case 'back': return state.filter !== '' ? clearFilter(state) : { state, effects: [{ type: 'back' }] };
    case 'help': return { state: { ...state, overlay: { kind: 'help', scroll: 0 } }, effects: [{ type: 'redraw' }] };
    case 'helpScrollUp':
    case 'helpScrollDown': {
      if (state.overlay?.kind !== 'help') return { state, effects: none };
      const step = Math.max(1, state.screen.rows - 4);
      const scroll = Math.max(0, state.overlay.scroll + (command === 'helpScrollUp' ? -step : step));
      return { state: { ...state, overlay: { kind: 'help', scroll } }, effects: none };
    }
    case 'log': return { state: { ...state, overlay: { kind: 'log', scroll: 0 } }, effects: [{ type: 'redraw' }] };
    case 'logScrollUp':
    case 'logScrollDown': {
      if (state.overlay?.kind !== 'log') return { state, effects: none };
      const step = Math.max(1, state.screen.rows - 4);
      // The screen clamps what it shows (ui/log.ts, by wrapped lines); here only a bound: a wrapped entry
      // takes a few lines, and the list holds LOG_ENTRIES_MAX.
      const scroll = Math.max(0, Math.min(LOG_ENTRIES_MAX * 8, state.overlay.scroll + (command === 'logScrollUp' ? -step : step)));
      return { state: { ...state, overlay: { kind: 'log', scroll } }, effects: none };
    }
    case 'close': return { state: { ...state, overlay: null }, effects: [{ type: 'redraw' }] };
    case 'pause':
      if (state.replay) return replayPlay(state);
      return { state: say({ ...state, paused: !state.paused }, state.paused ? 'sampling resumed' : 'paused: press Space to resume'), effects: state.paused ? [{ type: 'sampleNow' }] : none };
    case 'redraw': return { state, effects: [{ type: 'redraw' }] };
    case 'slower':
    case 'faster': {
      const intervalMs = Math.max(MIN_INTERVAL_MS, Math.min(MAX_INTERVAL_MS, command === 'slower' ? state.intervalMs * 2 : state.intervalMs / 2));
      return { state: say({ ...state, intervalMs }, `sampling every ${intervalMs / 1000}s`), effects: none };
    }
    case 'layer': return setLayer(state, LAYERS[(LAYERS.indexOf(state.layer) + 1) % LAYERS.length]!);
    case 'layerCache': return setLayer(state, 'cache');
    case 'layerMapped': return setLayer(state, 'mapped');
    case 'layerDirty': return setLayer(state, 'dirty');
    case 'layerEvicted': return setLayer(state, 'evicted');
    case 'layerFaults': return setLayer(state, 'faults');
    case 'layerFlags': return setLayer(state, 'flags');
    case 'smapsPane': return { state: say({ ...state, smapsPane: !state.smapsPane }, state.smapsPane ? 'heatmap' : 'smaps pane: the selected mapping\'s whole smaps entry'), effects: [{ type: 'sampleNow' }] };
    case 'up': return inTable ? selectRow(state, index - 1) : moveCursor(state, -layout.gridColumns);
    case 'down': return inTable ? selectRow(state, index + 1) : moveCursor(state, layout.gridColumns);
    case 'left': return moveCursor(state, -1);
    case 'right': return moveCursor(state, 1);
    case 'pageUp': return inTable ? selectRow(state, index - Math.max(1, layout.tableRows)) : moveCursor(state, -layout.gridColumns * Math.max(1, layout.gridRows));
    case 'pageDown': return inTable ? selectRow(state, index + Math.max(1, layout.tableRows)) : moveCursor(state, layout.gridColumns * Math.max(1, layout.gridRows));
    case 'home': return inTable ? selectRow(state, 0) : moveCursor(state, 'home');
    case 'end': return inTable ? selectRow(state, rows.length - 1) : moveCursor(state, 'end');
    case 'focusHeatmap': {
      const file = focusedFile(state);
      if (!file && !isAnonRow(selectedRow(state))) return { state: say(state, 'no heatmap: the selected mapping is not a file'), effects: none };
      return { state: { ...state, focus: 'heatmap', selectionFollowsTop: false }, effects: none };
    }
    case 'focusTable': return { state: { ...state, focus: 'table' }, effects: none };
    case 'filter': return { state: { ...state, overlay: { kind: 'filter', text: state.filter } }, effects: none };
    case 'filterAccept': return { state: { ...state, overlay: null }, effects: [{ type: 'sampleNow' }] };
    case 'filterCancel': return { state: keepSelectionVisible({ ...state, overlay: null, filter: '' }), effects: none };
    case 'toggleTableView': return toggleTableView(state);
    case 'filterErase': {
      if (state.overlay?.kind !== 'filter') return { state, effects: none };
      const text = state.overlay.text.slice(0, -1);
      return { state: keepSelectionVisible({ ...state, overlay: { kind: 'filter', text }, filter: text }), effects: none };
    }
    case 'sort': {
      const columns = state.layer === 'faults' && state.target.kind === 'process' ? SORT_COLUMNS : SORT_COLUMNS.filter((c) => !FAULT_SORT_COLUMNS.includes(c));
      const column = columns[(columns.indexOf(state.sort.column) + 1) % columns.length]!;
      const descending = column !== 'name' && column !== 'address';
      return { state: keepSelectionVisible(say({ ...state, sort: { column, descending } }, `sorted by ${column}`)), effects: none };
    }
    case 'reverseSort': return { state: keepSelectionVisible({ ...state, sort: { ...state.sort, descending: !state.sort.descending } }), effects: none };
    case 'toggleAnon': {
      const next = { ...state, showAnon: !state.showAnon };
      return { state: keepSelectionVisible(say(next, next.showAnon ? 'showing anonymous mappings' : 'hiding anonymous mappings')), effects: none };
    }
    case 'pageExact': return togglePageExact(state);
    case 'zoomIn': return zoom(state, state.zoomLevel + 1);
    case 'zoomOut': return zoom(state, state.zoomLevel - 1);
    case 'zoomReset': return zoom(state, 0);
    case 'record': return { state, effects: [{ type: 'recordToggle' }] };
    case 'screenshot': return { state, effects: [{ type: 'screenshot' }] };
    case 'stepForward': return replayMove(state, (state.replay?.index ?? 0) + 1, true);
    case 'stepBack': return replayMove(state, (state.replay?.index ?? 0) - 1, true);
    case 'replayFaster':
    case 'replaySlower': {
      if (!state.replay) return { state, effects: none };
      const at = SPEEDS.indexOf(state.replay.speed) + (command === 'replayFaster' ? 1 : -1);
      const speed = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, at))]!;
      return { state: say({ ...state, replay: { ...state.replay, speed } }, `replay at ${speed}x`), effects: none };
    }
    case 'replayJump': return { state: { ...state, overlay: { kind: 'replayJump', text: '' } }, effects: none };
    case 'replayJumpCancel': return { state: { ...state, overlay: null }, effects: none };
    case 'replayJumpErase': return state.overlay?.kind === 'replayJump' ? { state: { ...state, overlay: { kind: 'replayJump', text: state.overlay.text.slice(0, -1) } }, effects: none } : { state, effects: none };
    case 'replayJumpAccept': {
      if (state.overlay?.kind !== 'replayJump' || !state.replay) return { state: { ...state, overlay: null }, effects: none };
      const closed = { ...state, overlay: null };
      if (state.overlay.text.trim() === '') return { state: say(closed, `jump: give ${JUMP_HELP}`), effects: none };
      const where = parseReplayJump(state.overlay.text, state.replay, -new Date(state.replay.timesMs[0] ?? 0).getTimezoneOffset());
      if ('error' in where) return { state: say(closed, where.error, 6000), effects: none };
      return replayMove(closed, where.index, true);
    }
    case 'jump': {
      if (!focusedPageCount(state)) return { state: say(state, 'no heatmap: the selected mapping is not a file'), effects: none };
      return { state: { ...state, overlay: { kind: 'jump', text: '' } }, effects: none };
    }
    case 'jumpCancel': return { state: { ...state, overlay: null }, effects: none };
    case 'jumpErase': {
      if (state.overlay?.kind !== 'jump') return { state, effects: none };
      return { state: { ...state, overlay: { kind: 'jump', text: state.overlay.text.slice(0, -1) } }, effects: none };
    }
    case 'jumpAccept': return jumpTo(state);
    case 'confirmYes': {
      if (state.overlay?.kind !== 'confirm') return { state, effects: none };
      return { state: { ...state, overlay: null }, effects: [state.overlay.effect, { type: 'redraw' }] };
    }
    case 'confirmNo': return { state: say({ ...state, overlay: null }, 'cancelled'), effects: [{ type: 'redraw' }] };
    default: return actionCommand(state, command);
  }
}

function clearFilter(state: AppState): Reduced {
  return { state: keepSelectionVisible(say({ ...state, filter: '' }, 'filter cleared')), effects: [{ type: 'sampleNow' }] };
}

/**
 * Files first <-> one row a VMA. The selection stays on the same memory: a file's row becomes its largest
 * VMA (by RSS), a VMA's row the file's.
 */
function toggleTableView(state: AppState): Reduced {
  const row = selectedRow(state);
  const tableView = state.tableView === 'files' ? 'vmas' : 'files';
  let selectedId = state.selectedId;
  if (row && row.vmas.length > 0) {
    if (tableView === 'files') selectedId = foldedIdOf(row.vmas[0]!);
    else {
      const pageSize = state.sample?.pageSizeBytes ?? 4096;
      const largest = row.vmas.reduce((a, m) => ((vmaRssBytes(m, pageSize) ?? -1) > (vmaRssBytes(a, pageSize) ?? -1) ? m : a));
      selectedId = largest.start;
    }
  }
  const next = keepSelectionVisible(say({ ...state, tableView, selectedId }, tableView === 'files' ? 'a row a file (VMAs folded)' : 'a row a VMA (pmap -x)'));
  return { state: next, effects: [{ type: 'sampleNow' }] };
}

/** Shows Sample `index` of the replay (clamped); a step by hand pauses the playing. */
function replayMove(state: AppState, index: number, byHand = false): Reduced {
  const replay = state.replay;
  if (!replay) return { state, effects: [] };
  const to = clampIndex(replay, index);
  const atEnd = to === replay.timesMs.length - 1;
  const playing = byHand ? false : replay.playing && !atEnd;
  let next: AppState = { ...state, replay: { ...replay, index: to, playing } };
  if (to === replay.index && byHand) next = say(next, to === 0 ? 'the first Sample of the recording' : 'the last Sample of the recording');
  else if (replay.playing && !playing && !byHand) next = say(next, 'the end of the recording: , steps back, J jumps');
  return { state: next, effects: [] };
}

/** Space in a replay: play from here (from the start when at the end), or pause. */
function replayPlay(state: AppState): Reduced {
  const replay = state.replay!;
  if (replay.playing) return { state: say({ ...state, replay: { ...replay, playing: false } }, 'replay paused'), effects: [] };
  const index = replay.index >= replay.timesMs.length - 1 ? 0 : replay.index;
  return { state: say({ ...state, replay: { ...replay, index, playing: true } }, `playing at ${replay.speed}x (> faster, < slower)`), effects: [] };
}

function confirm(state: AppState, question: string, effect: Effect): Reduced {
  return { state: { ...state, overlay: { kind: 'confirm', question, effect } }, effects: [] };
}

/** The keys that act on pages: each becomes an effect request (confirmed first where it destroys). */
function actionCommand(state: AppState, command: Command): Reduced {
  const none: Effect[] = [];
  const file = focusedFile(state);
  // Before the first Sample there is no row at all: "select a file" would send the user looking for one.
  const needFile = (): Reduced => ({
    state: say(state, state.sample ? 'select a file mapping first (anonymous memory has no file)' : 'the first sample is not in yet: press it again in a moment'),
    effects: none,
  });
  const row = tableRows(state)[selectedIndex(state)];
  const closeMenu = { ...state, overlay: null };
  const startWorkload = (pattern: Pattern): Reduced => {
    if (!file) return needFile();
    const advice: WorkloadAdvice = state.workloadSettings.advice === 'default' ? defaultAdvice(pattern) : state.workloadSettings.advice;
    const effect: Effect = { type: 'workloadStart', file: file.path, pattern, rate: state.workloadSettings.rate, advice, allowWrite: state.ownFiles.includes(file.path) };
    if (pattern === 'random-write') {
      if (!state.ownFiles.includes(file.path)) return { state: say(closeMenu, 'random writes only to a file mmtop made (the demo\'s): this one is yours'), effects: none };
      return confirm(closeMenu, `Start random WRITES to ${file.path}? They dirty its pages`, effect);
    }
    return { state: closeMenu, effects: [effect, { type: 'redraw' }] };
  };
  const toWorkload = (advice: string): Reduced => {
    if (!state.workload) return { state: say(closeMenu, 'no workload running: press w to start one'), effects: [{ type: 'redraw' }] };
    return { state: closeMenu, effects: [{ type: 'workloadAdvise', advice }, { type: 'redraw' }] };
  };
  const toProcess = (advice: 'COLD' | 'PAGEOUT' | 'WILLNEED'): Reduced => {
    const mapping = row?.mapping ?? row?.vmas[0];
    if (state.target.kind !== 'process' || !row || !mapping) return { state: say(closeMenu, 'select a mapping of a process first'), effects: [{ type: 'redraw' }] };
    // A file's folded row: every VMA of that file, by its name (selectRanges: one file, all its VMAs).
    const folded = row.mapping === undefined;
    if (folded && !(row.kind === 'file' && mapping.path.startsWith('/')) && row.kind !== 'heap' && row.kind !== 'stack') {
      return { state: say(closeMenu, `${row.label} folds ${row.vmas.length} VMAs: press V for a row a VMA, then choose one`), effects: [{ type: 'redraw' }] };
    }
    const selector = folded ? (row.kind === 'file' ? mapping.path : `[${row.kind}]`) : undefined;
    const effect: Effect = { type: 'processAdvise', pid: state.target.pid, start: mapping.start, end: row.vmas[row.vmas.length - 1]!.end, path: mapping.path, advice, ...(selector ? { selector } : {}) };
    if (advice === 'PAGEOUT') return confirm(closeMenu, `process_madvise PAGEOUT on ${mapping.path || mapping.start} of pid ${state.target.pid}?`, effect);
    return { state: closeMenu, effects: [effect, { type: 'redraw' }] };
  };
  switch (command) {
    case 'evict':
      if (!file) return needFile();
      return confirm(state, `Evict ${file.path} from the page cache (posix_fadvise DONTNEED)?`, { type: 'evict', path: file.path });
    case 'touch':
      if (!file) return needFile();
      return { state: say(state, `reading ${file.path} into the page cache…`), effects: [{ type: 'touch', path: file.path }] };
    case 'willneed':
      if (!file) return needFile();
      return { state, effects: [{ type: 'willneed', path: file.path }] };
    case 'dropCaches':
      return confirm(state, 'Drop the clean page cache of the WHOLE system (sync; echo 1 > /proc/sys/vm/drop_caches)?', { type: 'dropCaches' });
    case 'workloadMenu':
      if (!file) return needFile();
      return { state: { ...state, overlay: { kind: 'workloadMenu' } }, effects: [{ type: 'redraw' }] };
    case 'adviseMenu':
      return { state: { ...state, overlay: { kind: 'adviseMenu' } }, effects: [{ type: 'redraw' }] };
    case 'menuClose':
      return { state: closeMenu, effects: [{ type: 'redraw' }] };
    case 'workloadStop':
      if (!state.workload) return { state: say(closeMenu, 'no workload running'), effects: [{ type: 'redraw' }] };
      return { state: closeMenu, effects: [{ type: 'workloadStop' }, { type: 'redraw' }] };
    case 'switchView': {
      if (state.savedTarget) return { state: say(switchTarget(state, state.savedTarget, null), 'back to the process you chose'), effects: [{ type: 'sampleNow' }] };
      if (!state.workload) return { state: say(state, 'no workload to switch to: press w to start one'), effects: none };
      if (state.target.kind === 'process' && state.target.pid === state.workload.pid) return { state: say(state, 'this is the workload\'s process'), effects: none };
      return { state: say(switchTarget(state, { kind: 'process', pid: state.workload.pid }, state.target), `viewing the workload, pid ${state.workload.pid} (v: back)`), effects: [{ type: 'sampleNow' }] };
    }
    case 'startRandomRead': return startWorkload('random-read');
    case 'startSequentialRead': return startWorkload('sequential-read');
    case 'startHotCold': return startWorkload('hot-cold');
    case 'startRandomWrite': return startWorkload('random-write');
    case 'rateUp':
    case 'rateDown': {
      const rate = Math.max(1, Math.min(100_000, command === 'rateUp' ? state.workloadSettings.rate * 10 : Math.round(state.workloadSettings.rate / 10)));
      return { state: { ...state, workloadSettings: { ...state.workloadSettings, rate } }, effects: none };
    }
    case 'nextAdvice': {
      const order: Array<WorkloadAdvice | 'default'> = ['default', ...WORKLOAD_ADVICE];
      const advice = order[(order.indexOf(state.workloadSettings.advice) + 1) % order.length]!;
      return { state: { ...state, workloadSettings: { ...state.workloadSettings, advice } }, effects: none };
    }
    case 'wlDontneed': return toWorkload('DONTNEED');
    case 'wlRandom': return toWorkload('RANDOM');
    case 'wlSequential': return toWorkload('SEQUENTIAL');
    case 'wlWillneed': return toWorkload('WILLNEED');
    case 'wlCold': return toWorkload('COLD');
    case 'wlPageout': return toWorkload('PAGEOUT');
    case 'pmCold': return toProcess('COLD');
    case 'pmPageout': return toProcess('PAGEOUT');
    case 'pmWillneed': return toProcess('WILLNEED');
    default: return { state, effects: none };
  }
}
