// The cgroups pane: file cache per memory cgroup from memory.stat (Documentation/admin-guide/cgroup-v2.rst
// "memory.stat"; cgroup-v1/memory.rst 5.2). v2's counters are hierarchical; v1's own ones are not, so its
// total_* (the cgroup and its descendants) are read, to compare like with like.
import fs from 'node:fs';
import path from 'node:path';
import { parseMemoryStat } from '../proc/index.js';
import { readProcText } from '../sampler/proc-read.js';
import { ratePerSec } from './system.js';
import type { OverviewCgroup } from './types.js';

/** Most cgroups read (a Kubernetes node has a few thousand): a bound on the walk. */
export const MAX_CGROUPS = 20_000;
/** Deepest directory walked under the hierarchy's root. */
const MAX_DEPTH = 32;

export type CgroupFigures = Omit<OverviewCgroup, 'path' | 'version' | 'refaultPerSec' | 'processCount'>;

/** Pure: one memory.stat's file-cache figures. */
export function cgroupFiguresOf(stat: Record<string, number>, version: 1 | 2): CgroupFigures {
  const get = (name: string): number | null => stat[name] ?? null;
  if (version === 2) {
    return {
      fileBytes: get('file'), fileMappedBytes: get('file_mapped'), fileDirtyBytes: get('file_dirty'),
      fileWritebackBytes: get('file_writeback'), activeFileBytes: get('active_file'), inactiveFileBytes: get('inactive_file'),
      refaults: get('workingset_refault_file') ?? get('workingset_refault'),
    };
  }
  const total = (name: string): number | null => stat[`total_${name}`] ?? stat[name] ?? null;
  return {
    fileBytes: total('cache'), fileMappedBytes: total('mapped_file'), fileDirtyBytes: total('dirty'),
    fileWritebackBytes: total('writeback'), activeFileBytes: total('active_file'), inactiveFileBytes: total('inactive_file'),
    refaults: total('workingset_refault_file') ?? total('workingset_refault'),
  };
}

/** Where memory.stat lives: the v1 memory hierarchy if mounted, else the unified one with its memory controller. */
export function memoryHierarchy(root = '/sys/fs/cgroup'): { dir: string; version: 1 | 2 } | null {
  if (fs.existsSync(path.join(root, 'memory', 'memory.stat'))) return { dir: path.join(root, 'memory'), version: 1 };
  for (const dir of [root, path.join(root, 'unified')]) {
    try {
      if (fs.readFileSync(path.join(dir, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('memory')) return { dir, version: 2 };
    } catch {
      // Not a v2 root.
    }
  }
  return null;
}

/** A cgroup path as the pane and /proc/PID/cgroup give it ("/system.slice/x"), from a path the user typed. */
export function normaliseCgroupPath(input: string, hierarchyDir: string | null): string {
  let p = input;
  if (hierarchyDir && (p === hierarchyDir || p.startsWith(`${hierarchyDir}/`))) p = p.slice(hierarchyDir.length);
  p = `/${p.split('/').filter(Boolean).join('/')}`;
  return p;
}

/** Whether `cgroup` is `within` or under it. */
export function inCgroup(cgroup: string | null, within: string): boolean {
  if (cgroup === null) return false;
  return within === '/' || cgroup === within || cgroup.startsWith(`${within}/`);
}

/** Reads every memory cgroup's memory.stat, each tick it is asked, with refault rates since the last. */
export class CgroupReader {
  #previous = new Map<string, { refaults: number | null; atMs: number }>();
  readonly hierarchy: { dir: string; version: 1 | 2 } | null;

  constructor(root = '/sys/fs/cgroup') {
    this.hierarchy = memoryHierarchy(root);
  }

  read(nowMs: number, processCgroups: Array<string | null>): OverviewCgroup[] {
    const h = this.hierarchy;
    if (!h) return [];
    const counts = new Map<string, number>();
    for (const c of processCgroups) if (c !== null) counts.set(c, (counts.get(c) ?? 0) + 1);
    const out: OverviewCgroup[] = [];
    const seen = new Map<string, { refaults: number | null; atMs: number }>();
    const visit = (rel: string, depth: number): void => {
      if (out.length >= MAX_CGROUPS) return;
      const dir = rel === '/' ? h.dir : path.join(h.dir, rel);
      const text = readProcText(path.join(dir, 'memory.stat'), 'cgroup');
      if (text.ok) {
        const figures = cgroupFiguresOf(parseMemoryStat(text.text).value, h.version);
        const before = this.#previous.get(rel);
        out.push({
          path: rel, version: h.version, ...figures,
          refaultPerSec: before ? ratePerSec(before.refaults, figures.refaults, nowMs - before.atMs) : null,
          processCount: counts.get(rel) ?? 0,
        });
        seen.set(rel, { refaults: figures.refaults, atMs: nowMs });
      }
      if (depth >= MAX_DEPTH) return;
      let entries: fs.Dirent[] = [];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) if (e.isDirectory()) visit(rel === '/' ? `/${e.name}` : `${rel}/${e.name}`, depth + 1);
    };
    visit('/', 0);
    this.#previous = seen;
    return out;
  }
}
