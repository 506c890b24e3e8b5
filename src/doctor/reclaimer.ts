// Proactive reclaimers that make idle page cache decay on its own: DAMON kdamonds with a pageout scheme
// (Documentation/admin-guide/mm/damon/usage.rst, sysfs interface) and known user-space reclaim daemons
// that write memory.reclaim (senpai, oomd/TMO-style agents).
import fs from 'node:fs';
import { decodeName } from '../model/index.js';

export interface ReclaimerReport {
  /** true when one was seen, false when none was, null when it could not be told. */
  running: boolean | null;
  /** What was seen, in words: "kdamond.0 (DAMON, pageout scheme on paddr)". */
  seen: string[];
}

const DAMON_ADMIN = '/sys/kernel/mm/damon/admin/kdamonds';
const RECLAIM_DAEMONS = /^(senpai|oomd|tmo|memory-reclaim|prezram)/;

/** A sysfs or /proc value, its bytes kept (a comm is any 15 bytes: decodeName, not UTF-8). */
function readTrim(path: string): string | undefined {
  try {
    return decodeName(fs.readFileSync(path)).trim();
  } catch {
    return undefined;
  }
}

function listDir(path: string): string[] {
  try {
    return fs.readdirSync(path);
  } catch {
    return [];
  }
}

export function detectReclaimers(): ReclaimerReport {
  const seen: string[] = [];
  let readable = false;
  for (const id of listDir(DAMON_ADMIN).filter((n) => /^\d+$/.test(n))) {
    readable = true;
    const dir = `${DAMON_ADMIN}/${id}`;
    if (readTrim(`${dir}/state`) !== 'on') continue;
    const actions: string[] = [];
    for (const ctx of listDir(`${dir}/contexts`).filter((n) => /^\d+$/.test(n))) {
      const ops = readTrim(`${dir}/contexts/${ctx}/operations`) ?? '?';
      for (const scheme of listDir(`${dir}/contexts/${ctx}/schemes`).filter((n) => /^\d+$/.test(n))) {
        const action = readTrim(`${dir}/contexts/${ctx}/schemes/${scheme}/action`);
        if (action) actions.push(`${action} on ${ops}`);
      }
    }
    const pid = readTrim(`${dir}/pid`);
    if (actions.some((a) => a.startsWith('pageout') || a.startsWith('lru_deprio'))) {
      seen.push(`kdamond.${id}${pid ? ` (pid ${pid})` : ''}: DAMON ${actions.join(', ')}: idle page cache is paged out by itself`);
    }
  }
  const reclaimModule = readTrim('/sys/module/damon_reclaim/parameters/enabled');
  if (reclaimModule !== undefined) readable = true;
  if (reclaimModule === 'Y') seen.push('DAMON_RECLAIM is enabled: cold pages are reclaimed proactively');
  for (const pid of listDir('/proc').filter((n) => /^\d+$/.test(n))) {
    const comm = readTrim(`/proc/${pid}/comm`);
    if (!comm) continue;
    readable = true;
    if (comm.startsWith('kdamond') && !seen.some((s) => s.startsWith(comm))) {
      seen.push(`${comm} (pid ${pid}): a DAMON worker is running`);
    } else if (RECLAIM_DAEMONS.test(comm)) {
      seen.push(`${comm} (pid ${pid}): a user-space reclaimer (writes memory.reclaim)`);
    }
  }
  return { running: seen.length > 0 ? true : readable ? false : null, seen };
}
