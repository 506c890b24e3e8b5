// Per-page detail the Sample carries for what is in focus only (bounded work a tick): page flags of the
// focused file's mapped pages (kpageflags), the page table of a focused anonymous mapping, and whole smaps
// entries of the selected VMAs. Plain data; unknown is null with the reason.
import type { Failure } from './sample.js';

/** Counts of one heatmap cell's pages by their kpageflags (include/uapi/linux/kernel-page-flags.h). */
export interface PageFlagsCell {
  firstPage: number;
  pageCount: number;
  /** Pages of the cell mapped in the process with a PFN read (the only ones whose flags are known here). */
  mappedPages: number;
  /** On an LRU list (KPF_LRU) and KPF_ACTIVE: the active list. */
  activePages: number;
  /** On an LRU list without KPF_ACTIVE: the inactive list, which reclaim scans first. */
  inactivePages: number;
  /** KPF_REFERENCED: used since the last scan (an inactive page so marked is promoted, not reclaimed). */
  referencedPages: number;
  /** KPF_MLOCKED (bit 33, fs/proc/page.c). */
  mlockedPages: number;
  /** KPF_UNEVICTABLE: on the unevictable list (mlocked, SHM_LOCK, ramfs…). */
  unevictablePages: number;
  /** KPF_COMPOUND_HEAD or KPF_COMPOUND_TAIL: part of a large folio. */
  largePages: number;
  /** KPF_THP: part of a transparent huge page. */
  thpPages: number;
}

export interface PageFlagsRecord {
  /** fileKey of the file, whose cells these align with (the same split as FileRecord.cells). */
  key: string;
  /** Per cell, or null for a cell whose pages were not read this tick (over the budget) or when not readable. */
  cells: Array<PageFlagsCell | null>;
  /** Why there are no flags (not root: PFNs zeroed and /proc/kpageflags root-only), or a read failed. */
  failure?: Failure;
  /** Set when the budget stopped the read: only this many mapped pages were looked up this tick. */
  budgetPages?: number;
}

/** One cell of an anonymous mapping's heatmap: pages of the VMA by their page table entry. */
export interface AnonCell {
  /** Pages from the VMA's start. */
  firstPage: number;
  pageCount: number;
  presentPages: number | null;
  swappedPages: number | null;
  /** Present or swapped pages whose soft-dirty bit is set (written since the VMA was made or its soft-dirty bits were last reset). */
  softDirtyPages: number | null;
}

export interface AnonMapRecord {
  /** The VMA (hex start, as MappingRecord.start). */
  start: string;
  end: string;
  /** Pages of every VMA read, end to end (the cells' page numbers count in these). */
  pageCount: number;
  /** How many VMAs, when a folded row's several were read end to end (absent: one). */
  vmaCount?: number;
  /** 'scan': PAGEMAP_SCAN; 'read': pagemap reads; null: not readable (see failure). */
  source: 'scan' | 'read' | null;
  cells: AnonCell[];
  /** false: the kernel keeps no soft-dirty bits (no CONFIG_MEM_SOFT_DIRTY): softDirtyPages are null. */
  softDirtyTracked?: boolean;
  failure?: Failure;
}

/** A whole smaps entry: the fields in the kernel's order, as it printed them. */
export interface SmapsField {
  name: string;
  /** The value as printed, trimmed: "1234 kB", "0", "rd mr mw me" (VmFlags). */
  text: string;
  /** For a "kB" field, its bytes; otherwise null. */
  bytes: number | null;
}

export interface SmapsDetail {
  /** The VMA (hex start, as MappingRecord.start). */
  start: string;
  end: string;
  fields: SmapsField[];
  /** Sample.timeMs of the smaps read these come from (smaps is read about once a second). */
  readAtMs: number;
}
