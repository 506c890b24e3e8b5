// /proc/PID/cgroup (man 7 cgroups): "hierarchy-ID:controller-list:cgroup-path" per line.
// v2 has the single line "0::/path"; v1 one line per hierarchy.
import { linesOf, type Parsed } from './parsed.js';

export interface CgroupEntry {
  hierarchyId: number;
  controllers: string[];
  path: string;
}

export function parseCgroup(text: string): Parsed<CgroupEntry[]> {
  const value: CgroupEntry[] = [];
  const warnings: string[] = [];
  linesOf(text).forEach((line, index) => {
    const first = line.indexOf(':');
    const second = first < 0 ? -1 : line.indexOf(':', first + 1);
    const id = Number(line.slice(0, first));
    if (first <= 0 || second < 0 || !Number.isInteger(id)) {
      warnings.push(`cgroup line ${index + 1}: not "id:controllers:path"`);
      return;
    }
    const list = line.slice(first + 1, second);
    value.push({ hierarchyId: id, controllers: list === '' ? [] : list.split(','), path: line.slice(second + 1) });
  });
  return { value, warnings };
}

/**
 * Where the process's memory.stat lives: cgroup v2 ("0::/path" under /sys/fs/cgroup) or the v1 memory
 * hierarchy (/sys/fs/cgroup/memory/path). Returns the candidates in the order to try.
 */
export function memoryStatPaths(entries: CgroupEntry[], root = '/sys/fs/cgroup'): string[] {
  const paths: string[] = [];
  const v1 = entries.find((e) => e.controllers.includes('memory'));
  if (v1) paths.push(`${root}/memory${v1.path === '/' ? '' : v1.path}/memory.stat`);
  const v2 = entries.find((e) => e.hierarchyId === 0 && e.controllers.length === 0);
  if (v2) {
    const rel = v2.path === '/' ? '' : v2.path;
    // Hybrid hosts (systemd's "unified" layout) mount v2 at /sys/fs/cgroup/unified.
    paths.push(`${root}${rel}/memory.stat`, `${root}/unified${rel}/memory.stat`);
  }
  return paths;
}
