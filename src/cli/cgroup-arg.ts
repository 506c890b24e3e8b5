// --cgroup PATH checked before the overview starts: a cgroup that does not exist matched no process, so
// `snapshot --cgroup /sytem.slice` (a typo) printed empty panes and exit 0, as if the cgroup were idle.
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './errors.js';
import { memoryHierarchy, normaliseCgroupPath } from '../overview/cgroups.js';
import { printable } from '../model/index.js';

/** Throws a one-line CliError when `input` names no memory cgroup; without a memory hierarchy the overview says why itself. */
export function requireCgroup(input: string, root = '/sys/fs/cgroup'): void {
  const hierarchy = memoryHierarchy(root);
  if (hierarchy === null) return;
  const dir = path.join(hierarchy.dir, normaliseCgroupPath(input, hierarchy.dir));
  let isDir = false;
  try {
    isDir = fs.statSync(dir).isDirectory();
  } catch {
    // Missing or unreadable: no such cgroup to narrow to.
  }
  if (!isDir) throw new CliError(`--cgroup ${printable(input)}: no such memory cgroup (no directory ${printable(dir)})`);
}
