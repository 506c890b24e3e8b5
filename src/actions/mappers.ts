// Which processes map a file: every /proc/*/maps scanned for the file's device and inode, and for each,
// the pages of it in that process's page table (PAGEMAP_SCAN, where this user may read the table).
import fs from 'node:fs';
import { presentPagesIn } from '../sampler/present.js';
import { parseMaps, parseStat } from '../proc/index.js';

export interface Mapper {
  pid: number;
  comm: string;
  /** Pages of the file present in its page table; null when its page table may not be read. */
  mappedPages: number | null;
}

export interface MappersResult {
  mappers: Mapper[];
  /** Processes whose maps could not be read (another user's, as non-root). */
  unreadable: number;
}

/** Scans /proc for processes that map the file with this device ("fe:00") and inode. */
export async function findMappers(device: string, inode: number): Promise<MappersResult> {
  const mappers: Mapper[] = [];
  let unreadable = 0;
  const pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  for (const pid of pids) {
    let text: Buffer;
    try {
      text = await fs.promises.readFile(`/proc/${pid}/maps`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') unreadable++;
      continue;
    }
    const vmas = parseMaps(text).value.filter((e) => e.device === device && e.inode === inode);
    if (vmas.length === 0) continue;
    let comm = '?';
    try {
      comm = parseStat(fs.readFileSync(`/proc/${pid}/stat`)).value?.comm ?? '?';
    } catch {
      // It may have exited meanwhile.
    }
    mappers.push({ pid, comm, mappedPages: presentPagesIn(pid, vmas) });
  }
  return { mappers, unreadable };
}

