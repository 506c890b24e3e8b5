// Where a sampled fault landed: address -> the VMA it falls in (the tick's maps) -> the file, the byte
// offset in it and the page; then the heatmap cell of that page. Pure: maps entries in, numbers out.
// A VMA with an inode maps a file (or shmem/memfd, which are files too): offset = address - start +
// the VMA's file offset (man 5 proc_pid_maps). Anonymous memory (inode 0) has no file: its faults count
// per mapping.
import type { MapsEntry } from '../proc/maps.js';

export interface FaultRegion {
  start: number;
  end: number;
  /** The VMA's offset in its file (maps' third column); 0 for anonymous memory. */
  offsetBytes: number;
  /** The file's name as maps gives it ("" for anonymous memory, "[heap]", "[stack]" for theirs). */
  path: string;
  device: string;
  inode: number;
  /** Key of the file (fileKey: "device:inode") or null for anonymous memory. */
  fileKey: string | null;
}

export interface Attribution {
  /** The VMA the address falls in, or null (unmapped since, or mapped after the maps were read). */
  region: FaultRegion | null;
  /** The file's name, or null for anonymous memory (and for no region). */
  path: string | null;
  offsetBytes: number | null;
  page: number | null;
}

/** Regions from maps entries, sorted by start. Addresses fit a double exactly (user space is 47 or 56 bits). */
export function regionsOf(entries: readonly Pick<MapsEntry, 'startHex' | 'endHex' | 'offsetBytes' | 'path' | 'device' | 'inode'>[]): FaultRegion[] {
  const regions = entries.map((e) => ({
    start: parseInt(e.startHex, 16),
    end: parseInt(e.endHex, 16),
    offsetBytes: e.inode === 0 ? 0 : e.offsetBytes,
    path: e.path,
    device: e.device,
    inode: e.inode,
    fileKey: e.inode === 0 ? null : `${e.device}:${e.inode}`,
  }));
  return regions.sort((a, b) => a.start - b.start);
}

/** Index of the region holding `address` (binary search over sorted, disjoint regions), or -1. */
export function regionIndex(regions: readonly FaultRegion[], address: number): number {
  let lo = 0;
  let hi = regions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = regions[mid]!;
    if (address < r.start) hi = mid - 1;
    else if (address >= r.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export function attribute(regions: readonly FaultRegion[], address: number, pageSizeBytes: number): Attribution {
  const i = regionIndex(regions, address);
  if (i < 0) return { region: null, path: null, offsetBytes: null, page: null };
  const region = regions[i]!;
  if (region.fileKey === null) return { region, path: null, offsetBytes: null, page: null };
  const offsetBytes = address - region.start + region.offsetBytes;
  return { region, path: region.path, offsetBytes, page: Math.floor(offsetBytes / pageSizeBytes) };
}

/** Index of the cell holding `page` (cells sorted by firstPage, as the sampler makes them), or -1. */
export function cellIndex(cells: readonly { firstPage: number; pageCount: number }[], page: number): number {
  let lo = 0;
  let hi = cells.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = cells[mid]!;
    if (page < c.firstPage) hi = mid - 1;
    else if (page >= c.firstPage + c.pageCount) lo = mid + 1;
    else return mid;
  }
  return -1;
}
