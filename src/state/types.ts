// The interactive view's state: a pure function of samples, keys and the screen size.
import type { Layer } from '../residency/classify.js';
import type { PageWindow } from '../residency/cells.js';
import type { ProcessStatus, Sample, Target } from '../model/index.js';
import type { Pattern, WorkloadAdvice } from '../workload/patterns.js';
import type { WorkloadStatus } from '../workload/controller.js';
import type { ReplayState } from '../replay/timeline.js';
import type { FaultView } from './faults.js';
import type { SmapsSeen } from './detail-views.js';

export type Focus = 'table' | 'heatmap';
/** The table's rows: one a mapped file (its VMAs folded), or one a VMA (pmap -x). */
export type TableView = 'files' | 'vmas';
export type SortColumn = 'rss' | 'size' | 'cached' | 'dirty' | 'name' | 'address' | 'majflt' | 'minflt';
export const SORT_COLUMNS: readonly SortColumn[] = ['rss', 'size', 'cached', 'dirty', 'name', 'address', 'majflt', 'minflt'];
/** Sampled faults a second (majflt, minflt): sortable only while the fault layer samples. */
export const FAULT_SORT_COLUMNS: readonly SortColumn[] = ['majflt', 'minflt'];

export type Overlay =
  | { kind: 'help'; scroll: number }
  | { kind: 'filter'; text: string }
  | { kind: 'jump'; text: string }
  | { kind: 'log'; scroll: number }
  | { kind: 'confirm'; question: string; effect: Effect }
  | { kind: 'workloadMenu' }
  | { kind: 'adviseMenu' }
  | { kind: 'replayJump'; text: string }
  | null;

/** A workload mmtop started: its child process and what it reported last. */
export interface WorkloadState {
  pid: number;
  file: string;
  pattern: Pattern;
  rate: number;
  advice: WorkloadAdvice;
  status: WorkloadStatus | null;
  previousStatus: WorkloadStatus | null;
}

/** The demo walks the article's experiment: 0 evict, 1 DONTNEED, 2 evict again, 3 watch faults. */
export interface DemoState {
  file: string;
  step: 0 | 1 | 2 | 3;
}

export interface Screen {
  columns: number;
  rows: number;
}

/** A message or an action's result, as it was said, and when (the one clock). */
export interface LogEntry {
  atMs: number;
  text: string;
}

export interface Flash {
  kind: 'cached' | 'evicted';
  untilMs: number;
}

export interface AppState {
  target: Target;
  /** The newest sample, kept when the target exits (the last frame stays). */
  sample: Sample | null;
  /** The sample before it: rates are the difference. */
  previous: Sample | null;
  processStatus: ProcessStatus;
  /** Why the last sample has no process, in words ("process 42 has exited"). */
  statusText: string | null;
  intervalMs: number;
  paused: boolean;
  focus: Focus;
  overlay: Overlay;
  sort: { column: SortColumn; descending: boolean };
  filter: string;
  showAnon: boolean;
  tableView: TableView;
  /** The selected table row's id (a mapping's start address, or a file's key). */
  selectedId: string | null;
  /**
   * The selection is the table's top row until the user moves it (a key, a click): on attach the file with
   * the most resident pages (the default sort), and the top row again after a sort or a filter.
   */
  selectionFollowsTop: boolean;
  tableScroll: number;
  layer: Layer;
  /** The heatmap cursor, as a cell index of the focused file's cells. */
  cursorCell: number;
  /**
   * The page the cursor was put on (a jump, a zoom, the wheel), while it lies in the cursor's cell: zoom
   * centres on it, so each z keeps that page under the cursor (state/jump.ts). Elsewhere, the cell's first page.
   */
  cursorAnchorPage: number | null;
  /**
   * Page-exact (b): braille, 8 pages a character (2x4 dots, a dot a cached page), the window zoomed to one
   * page a cell. Off for another row, the fault and flags layers, and without UTF-8 (`ascii`).
   */
  pageExact: boolean;
  /** The terminal gets ASCII only (--ascii, LANG=C): no braille. */
  ascii: boolean;
  /** Zoom level: 0 is the whole file, each level halves the window, down to one page a cell. */
  zoomLevel: number;
  /** The page window the heatmap asked for (null: whole file). */
  zoomWindow: PageWindow | null;
  /** Cells that changed in the last samples, by index, until a time. */
  flashes: Record<number, Flash>;
  screen: Screen;
  mono: boolean;
  readOnly: boolean;
  /** A short message for the status line, until a time. */
  message: { text: string; untilMs: number } | null;
  /** Warnings that do not change per sample (a reclaimer is running). */
  staticWarnings: string[];
  /** The one clock's time of the last event. */
  nowMs: number;
  /** The workload mmtop runs, if any. */
  workload: WorkloadState | null;
  /** What the next workload starts with. */
  workloadSettings: { rate: number; advice: WorkloadAdvice | 'default' };
  /** The target before the view switched to the workload (v). */
  savedTarget: Target | null;
  /** Files mmtop made itself (the demo's): random writes are allowed there. */
  ownFiles: string[];
  demo: DemoState | null;
  /** The kernel's answer to the last action, in words, shown longer than a message. */
  lastResult: { text: string; ok: boolean; untilMs: number } | null;
  /** `mmtop replay`: where the replay is in its recording; null live. */
  replay: ReplayState | null;
  /** The file the Samples shown are being recorded to (R), or null. */
  recording: string | null;
  /** The last messages and results, whole (state/log.ts): `!` shows them. */
  log: LogEntry[];
  /** Sampled faults of the last seconds (the fault layer). */
  faults: FaultView;
  /** The smaps pane (S) is open in place of the heatmap. */
  smapsPane: boolean;
  /** The smaps entries the pane showed last and before: what changed (detail-views.ts). */
  smapsSeen: SmapsSeen;
}

/** What the reducer asks the outside world to do. */
export type Effect =
  | { type: 'quit' }
  /** Esc on the mapping table: back to the overview, when the view was opened from it. */
  | { type: 'back' }
  /** `whole`: after an action, the file in focus is read whole at once, not swept (the kernel's answer, now). */
  | { type: 'sampleNow'; whole?: true }
  | { type: 'redraw' }
  | { type: 'evict'; path: string }
  | { type: 'touch'; path: string }
  | { type: 'willneed'; path: string }
  | { type: 'dropCaches' }
  | { type: 'workloadStart'; file: string; pattern: Pattern; rate: number; advice: WorkloadAdvice; allowWrite: boolean }
  | { type: 'workloadStop' }
  | { type: 'workloadAdvise'; advice: string }
  | {
    type: 'processAdvise'; pid: number; start: string; end: string; path: string; advice: 'COLD' | 'PAGEOUT' | 'WILLNEED';
    /** mmtop advise's selector for a folded row (a file's path, "[heap]"): every VMA of it, not start-end. */
    selector?: string;
  }
  | { type: 'recordToggle' }
  | { type: 'screenshot' };

/** What an action did, as the effects runner reports it back. */
export type ActionKind = 'evict' | 'touch' | 'willneed' | 'dropCaches' | 'workloadAdvise' | 'processAdvise' | 'workload';

export type Action =
  | { type: 'sample'; sample: Sample; processStatus: ProcessStatus; nowMs: number; /** The Sample before it, when not the one shown (a replay that jumped). */ previous?: Sample | null }
  | { type: 'replayStep'; delta: number; nowMs: number }
  | { type: 'recording'; path: string | null; text: string; nowMs: number }
  | { type: 'keys'; keys: string[]; nowMs: number }
  | { type: 'resize'; screen: Screen }
  | { type: 'tick'; nowMs: number }
  | { type: 'message'; text: string; nowMs: number }
  /** Warnings found after the view started (a proactive reclaimer: src/doctor/reclaimer.ts), shown from now on. */
  | { type: 'staticWarnings'; add: string[] }
  | { type: 'actionResult'; kind: ActionKind; text: string; ok: boolean; nowMs: number; stayedPages?: number | null; advice?: string; path?: string }
  | { type: 'workloadStarted'; pid: number; file: string; pattern: Pattern; rate: number; advice: WorkloadAdvice; nowMs: number }
  | { type: 'workloadStatus'; status: WorkloadStatus; nowMs: number }
  | { type: 'workloadExited'; pid: number; text: string; nowMs: number };

export interface Reduced {
  state: AppState;
  effects: Effect[];
}
