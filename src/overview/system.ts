// Pure: the header's figures. The page cache from /proc/meminfo (man 5 proc_meminfo), and the columns of
// `sar -B` from two readings of /proc/vmstat, computed as sysstat does (sar(1), -B: pgpgin/s pgpgout/s
// fault/s majflt/s pgfree/s pgscank/s pgscand/s pgsteal/s %vmeff), so a sar user reads the same numbers.
import type { PageCacheInfo, SarRates } from './types.js';

export function pageCacheOf(meminfo: Record<string, number> | null): PageCacheInfo {
  const m = meminfo ?? {};
  const get = (name: string): number | null => m[name] ?? null;
  return {
    cachedBytes: get('Cached'), dirtyBytes: get('Dirty'), writebackBytes: get('Writeback'),
    activeFileBytes: get('Active(file)'), inactiveFileBytes: get('Inactive(file)'),
    memTotalBytes: get('MemTotal'), memAvailableBytes: get('MemAvailable'),
  };
}

/**
 * One counter of /proc/vmstat, or the sum of its per-zone spellings on kernels before 4.8 (pgscan_kswapd_dma,
 * pgscan_kswapd_normal …; mm/vmstat.c vmstat_text). `except` keeps pgscan_direct_throttle out of pgscan_direct.
 */
function counter(v: Record<string, number>, name: string, except: readonly string[] = []): number | null {
  if (v[name] !== undefined) return v[name]!;
  let sum: number | null = null;
  for (const [key, value] of Object.entries(v)) {
    if (key.startsWith(`${name}_`) && !except.includes(key)) sum = (sum ?? 0) + value;
  }
  return sum;
}

/** The counters sar -B reads, from one parsed /proc/vmstat. */
export interface PagingCounters {
  pgpgin: number | null;
  pgpgout: number | null;
  pgfault: number | null;
  pgmajfault: number | null;
  pgfree: number | null;
  pgscank: number | null;
  pgscand: number | null;
  /** pgsteal_kswapd + pgsteal_direct: the pages reclaimed by the scans above. */
  pgsteal: number | null;
  refaultFile: number | null;
}

export function pagingCounters(vmstat: Record<string, number>): PagingCounters {
  const stealK = counter(vmstat, 'pgsteal_kswapd');
  const stealD = counter(vmstat, 'pgsteal_direct');
  return {
    pgpgin: vmstat.pgpgin ?? null,
    pgpgout: vmstat.pgpgout ?? null,
    pgfault: vmstat.pgfault ?? null,
    pgmajfault: vmstat.pgmajfault ?? null,
    pgfree: vmstat.pgfree ?? null,
    pgscank: counter(vmstat, 'pgscan_kswapd'),
    pgscand: counter(vmstat, 'pgscan_direct', ['pgscan_direct_throttle']),
    pgsteal: stealK === null && stealD === null ? null : (stealK ?? 0) + (stealD ?? 0),
    // Before 5.9 the kernel had one workingset_refault for both (mm/workingset.c).
    refaultFile: vmstat.workingset_refault_file ?? vmstat.workingset_refault ?? null,
  };
}

export const NO_RATES: SarRates = {
  intervalMs: null, pgpginPerSec: null, pgpgoutPerSec: null, faultPerSec: null, majfltPerSec: null, pgfreePerSec: null,
  pgscankPerSec: null, pgscandPerSec: null, pgstealPerSec: null, vmeffPercent: null, refaultPerSec: null,
};

/** A counter's rate between two readings; null where either is missing or it went backwards. */
export function ratePerSec(before: number | null | undefined, after: number | null | undefined, intervalMs: number): number | null {
  if (before === null || before === undefined || after === null || after === undefined || intervalMs <= 0 || after < before) return null;
  return ((after - before) * 1000) / intervalMs;
}

export function sarRates(before: PagingCounters | null, after: PagingCounters, intervalMs: number): SarRates {
  if (before === null || intervalMs <= 0) return NO_RATES;
  const r = (k: keyof PagingCounters): number | null => ratePerSec(before[k], after[k], intervalMs);
  const scank = r('pgscank');
  const scand = r('pgscand');
  const steal = r('pgsteal');
  const scanned = scank === null && scand === null ? null : (scank ?? 0) + (scand ?? 0);
  return {
    intervalMs,
    pgpginPerSec: r('pgpgin'), pgpgoutPerSec: r('pgpgout'), faultPerSec: r('pgfault'), majfltPerSec: r('pgmajfault'),
    pgfreePerSec: r('pgfree'), pgscankPerSec: scank, pgscandPerSec: scand, pgstealPerSec: steal,
    // sysstat (pr_stats.c): %vmeff is 0 when nothing was scanned, not a division by zero.
    vmeffPercent: scanned === null || steal === null ? null : scanned > 0 ? (steal * 100) / scanned : 0,
    refaultPerSec: r('refaultFile'),
  };
}
