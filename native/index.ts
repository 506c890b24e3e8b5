// native/: the only code that speaks to the kernel through koffi. Nothing it exports is a pointer.
export { NativeError, errnoName, errnoOf, describeErrno } from './errors.js';
export { syscallNumbers, syscallNumbersFor, type SyscallNumbers } from './arch.js';
export { pageSizeBytes } from './libc.js';
export { cachestat, cachestatInto, CACHESTAT_COUNTERS, cachestatCounters, type CacheCounts, type ByteRange } from './cachestat.js';
export { mincoreChunks, mincorePages, MINCORE_CHUNK_PAGES } from './mincore.js';
export { forcedFallbacks, type ForcedFallback } from './fallbacks.js';
export {
  openPagemap, pagemapScan, pagemapRegionsByRead, readPagemap, PAGEMAP_READ_CHUNK_PAGES, readKpageflags, type PageRegion,
  PM_PRESENT, PM_PFN_MASK, KPF_MMAP,
  pagemapScanAnon, pagemapAnonByRead, readPagemapInto, openKpageflags, readKpageflagsInto, type AnonRegion,
} from './pagemap.js';
export { fadvise, pidfdOpen, processMadvise, FADV, MADV, type FadviseAdvice, type MadviseAdvice, type AddressRange } from './advice.js';
export { FileMapping, type MappingOptions } from './mapping.js';
export { filesystemOf, type FilesystemInfo } from './statfs.js';
export {
  probeFaultSampling, FaultSampler, readRing, ringDataPages, readMlockKb, SAMPLE_RECORD_BYTES,
  type FaultKind, type FaultRecord, type FaultSink, type PollResult, type ThreadFailure,
} from './perf.js';
export { setParentDeathSignal } from './prctl.js';
export { clockTicksPerSecond, syncFilesystems } from './sysconf.js';
export { LockedRange, memlockLimit } from './mlock.js';
export { O, cPath, openRaw, reopenRaw, openFilesSoftLimit, statxFd, statxPath, closeBoth, closeRaw, type StatxInfo } from './statx.js';
export { openMapsForQuery, closeMaps, queryFileVma, lastVmaName, vmaBytes, hexAddress, PROCMAP_ENOENT, PROCMAP_ENOTTY, type FileVma } from './procmap.js';
