// MMTOP_FORCE_FALLBACK: act as an older kernel would, on this one, so the fallbacks can be tried and tested
// where the kernel has the newer calls. Read once, when native/ is loaded. A comma-separated list of:
//   cachestat     cachestat(2) fails with ENOSYS, as before Linux 6.5: residency comes from mincore(2)
//   pagemap-scan  the PAGEMAP_SCAN ioctl fails with ENOTTY, as before Linux 6.7 (pagemap had no ioctl):
//                 the page table is read from /proc/PID/pagemap in bounded chunks
//   procmap-query the PROCMAP_QUERY ioctl fails with ENOTTY, as before Linux 6.11: the overview reads
//                 /proc/PID/maps as text
// Unknown words are ignored. Nothing else reads the environment in native/.

export type ForcedFallback = 'cachestat' | 'pagemap-scan' | 'procmap-query';

const KNOWN: readonly ForcedFallback[] = ['cachestat', 'pagemap-scan', 'procmap-query'];

/** The fallbacks forced by MMTOP_FORCE_FALLBACK, parsed once. */
export const forcedFallbacks: ReadonlySet<ForcedFallback> = new Set(
  (process.env.MMTOP_FORCE_FALLBACK ?? '').split(',').map((w) => w.trim()).filter((w): w is ForcedFallback => (KNOWN as readonly string[]).includes(w)),
);

/** Why a call failed on purpose, for the NativeError's detail. */
export function forcedDetail(name: ForcedFallback): string {
  return `not used: MMTOP_FORCE_FALLBACK=${name}`;
}
