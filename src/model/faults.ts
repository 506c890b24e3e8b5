// Sampled page faults of one tick, as the Sample carries them (Sample.faults): counts, not records.

export interface FileFaults {
  /** fileKey ("device:inode") of the file the faults landed in. */
  key: string;
  path: string;
  major: number;
  minor: number;
  /**
   * Per heatmap cell of the tick's Sample for this file: flat triples [cellIndex, major, minor], only cells
   * with faults. Absent when the file had no cells this tick.
   */
  cells?: number[];
  /** firstPage of cell 0 and the number of cells when `cells` was made: the layout the indexes refer to. */
  cellsFirstPage?: number;
  cellsCount?: number;
}

export interface AnonFaults {
  /** The anonymous mapping's start ("0x7f…"), as MappingRecord.start. */
  start: string;
  /** "" for plain anonymous memory, "[heap]", "[stack]", "[anon:name]". */
  path: string;
  major: number;
  minor: number;
}

export interface FaultSummary {
  /** The span these counts cover (since the previous tick's summary). */
  periodMs: number;
  major: number;
  minor: number;
  /** Samples the kernel dropped (its ring was full): the counts above miss these. */
  lost: number;
  /** Samples whose address was in no mapping of the tick's maps. */
  unattributed: number;
  files: FileFaults[];
  anon: AnonFaults[];
}

/** Fault sampling's state in a Sample: on with counts, off, or refused with the reason in words. */
export type FaultSampling =
  | { state: 'on'; summary: FaultSummary; threads: number; ringLimit: string | null; /** Samples lost since sampling started. */ totalLost: number }
  | { state: 'refused'; reason: string; allow: string }
  | { state: 'off' };
