// The interactive view's state: a pure function of samples, keys and the screen size.
import type { Layer } from '../residency/classify.js';
import type { PageWindow } from '../residency/cells.js';
import type { ProcessStatus, Sample, Target } from '../sampler/index.js';

export type Focus = 'table' | 'heatmap';
export type SortColumn = 'rss' | 'size' | 'cached' | 'dirty' | 'name' | 'address';
export const SORT_COLUMNS: readonly SortColumn[] = ['rss', 'size', 'cached', 'dirty', 'name', 'address'];

export type Overlay =
  | { kind: 'help' }
  | { kind: 'filter'; text: string }
  | { kind: 'confirm'; question: string; effect: Effect }
  | null;

export interface Screen {
  columns: number;
  rows: number;
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
  /** The selected table row's id (a mapping's start address, or a file's key). */
  selectedId: string | null;
  tableScroll: number;
  layer: Layer;
  /** The heatmap cursor, as a cell index of the focused file's cells. */
  cursorCell: number;
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
}

/** What the reducer asks the outside world to do. */
export type Effect =
  | { type: 'quit' }
  | { type: 'sampleNow' }
  | { type: 'redraw' };

export type Action =
  | { type: 'sample'; sample: Sample; processStatus: ProcessStatus; nowMs: number }
  | { type: 'keys'; keys: string[]; nowMs: number }
  | { type: 'resize'; screen: Screen }
  | { type: 'tick'; nowMs: number }
  | { type: 'message'; text: string; nowMs: number };

export interface Reduced {
  state: AppState;
  effects: Effect[];
}
