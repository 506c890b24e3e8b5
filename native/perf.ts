// Page-fault events through perf_event_open(2) (PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ/MIN).
// `mmtop doctor` probes whether fault sampling can be set up for this user (one event opened and closed);
// FaultSampler samples every fault of a process: one event per thread and kind, each with its own ring
// buffer that mmtop maps and polls (no wakeups: see wakeup_events below).
import fs from 'node:fs';
import { NativeError } from './errors.js';
import { c, lastErrno, MAP_FAILED, pageSizeBytes, viewOf } from './libc.js';
import { syscallNumbers } from './arch.js';

/**
 * close(2) of a perf event fd. Not fs.closeSync: Node's fs did not open it, and in a worker thread (the
 * sampler's) Node tracks the fds its fs opened and warns on stderr, that is on the view's terminal, for
 * each other one closed ("File descriptor N closed but not opened in unmanaged mode", Worker's
 * trackUnmanagedFds, on by default).
 */
function closeFd(fd: number): void {
  c.close(fd);
}
import { readRing, SAMPLE_RECORD_BYTES, type FaultKind, type FaultSink } from './ring.js';

export { readRing, SAMPLE_RECORD_BYTES, type FaultKind, type FaultRecord, type FaultSink } from './ring.js';


const PERF_TYPE_SOFTWARE = 1;
const PERF_COUNT_SW_PAGE_FAULTS_MIN = 5;
const PERF_COUNT_SW_PAGE_FAULTS_MAJ = 6;
const PERF_SAMPLE_TID = 1n << 1n;
const PERF_SAMPLE_TIME = 1n << 2n;
const PERF_SAMPLE_ADDR = 1n << 3n;
const PERF_FLAG_FD_CLOEXEC = 8;
const CLOCK_MONOTONIC = 1;
// include/uapi/linux/perf_event.h: _IO('$', 0) and _IO('$', 1).
const PERF_EVENT_IOC_ENABLE = 0x2400;
const PERF_EVENT_IOC_DISABLE = 0x2401;
// struct perf_event_mmap_page: data_head, data_tail, data_offset, data_size.
const DATA_HEAD_OFFSET = 1024;
const DATA_TAIL_OFFSET = 1032;
const DATA_OFFSET_OFFSET = 1040;
const DATA_SIZE_OFFSET = 1048;
const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;

/**
 * struct perf_event_attr (PERF_ATTR_SIZE_VER7 = 128 bytes), set up for one sample per fault:
 * sample_period 1; TID|TIME|ADDR; disabled until the ring is mapped; exclude_kernel, which is what lets
 * an ordinary user sample its own processes at perf_event_paranoid 2 (kernel/events/core.c
 * perf_allow_kernel); use_clockid CLOCK_MONOTONIC so times compare with the workload's and Node's
 * monotonic clock; wakeup_events 0: the kernel never wakes anyone (one wakeup per sample slowed an
 * unpaced target sevenfold here): mmtop polls the ring instead.
 */
export function faultAttr(kind: FaultKind): Buffer {
  const attr = Buffer.alloc(128);
  attr.writeUInt32LE(PERF_TYPE_SOFTWARE, 0); // type
  attr.writeUInt32LE(128, 4); // size
  attr.writeBigUInt64LE(BigInt(kind === 'major' ? PERF_COUNT_SW_PAGE_FAULTS_MAJ : PERF_COUNT_SW_PAGE_FAULTS_MIN), 8);
  attr.writeBigUInt64LE(1n, 16); // sample_period
  attr.writeBigUInt64LE(PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR, 24); // sample_type
  // flags: disabled (bit 0), exclude_kernel (bit 5), exclude_hv (bit 6), use_clockid (bit 25).
  attr.writeBigUInt64LE((1n << 0n) | (1n << 5n) | (1n << 6n) | (1n << 25n), 40);
  attr.writeUInt32LE(0, 48); // wakeup_events
  attr.writeInt32LE(CLOCK_MONOTONIC, 92); // clockid
  return attr;
}

/** Opens a disabled fault event on `pid` (a thread id: the event follows that thread only; any CPU). */
export function openFaultEvent(pid: number, kind: FaultKind): number {
  const nr = syscallNumbers?.perfEventOpen;
  if (nr === undefined) throw new NativeError('perf_event_open', 38, undefined, 'no syscall number for this architecture');
  const fd = Number(c.syscallPerfEventOpen(nr, faultAttr(kind), pid, -1, -1, PERF_FLAG_FD_CLOEXEC));
  if (fd === -1) throw new NativeError('perf_event_open', lastErrno());
  return fd;
}

/** Whether fault sampling can be set up on `pid`: opens and closes one event. Throws NativeError. */
export function probeFaultSampling(pid: number): void {
  closeFd(openFaultEvent(pid, 'major'));
}

export interface FaultSamplerOptions {
  kinds: readonly FaultKind[];
  /** Faults a second one thread's ring must hold between two polls (default 20,000). */
  expectedRatePerSecond?: number;
  /** How often the caller polls (default 100 ms). The ring holds twice rate × interval. */
  pollIntervalMs?: number;
}

/** Data pages of a ring for `rate` records a second polled every `intervalMs`: a power of two (perf_mmap), with 2× headroom. */
export function ringDataPages(ratePerSecond: number, intervalMs: number, pageBytes = pageSizeBytes): number {
  const bytes = 2 * SAMPLE_RECORD_BYTES * Math.ceil((ratePerSecond * intervalMs) / 1000);
  let pages = 1;
  while (pages * pageBytes < bytes && pages < 1024) pages *= 2;
  return pages;
}

/** One thread's event of one kind, and its mapped ring. */
class Ring {
  readonly tid: number;
  readonly kind: FaultKind;
  readonly dataPages: number;
  #fd: number;
  #address: bigint;
  readonly #lengthBytes: number;
  #header: BigUint64Array | undefined;
  #data: DataView | undefined;
  readonly #dataSize: number;
  /** Samples and lost samples reported so far: the event's count less these is what the ring has not told yet. */
  #reported = 0;

  private constructor(tid: number, kind: FaultKind, fd: number, address: bigint, dataPages: number) {
    this.tid = tid;
    this.kind = kind;
    this.#fd = fd;
    this.#address = address;
    this.dataPages = dataPages;
    this.#lengthBytes = (1 + dataPages) * pageSizeBytes;
    const whole = viewOf(address, this.#lengthBytes);
    // One view per ring (a koffi.view costs about 1 µs): the header's u64 words and the data area.
    this.#header = new BigUint64Array(whole, 0, pageSizeBytes / 8);
    const dataOffset = Number(this.#header[DATA_OFFSET_OFFSET / 8]) || pageSizeBytes;
    this.#dataSize = Number(this.#header[DATA_SIZE_OFFSET / 8]) || dataPages * pageSizeBytes;
    this.#data = new DataView(whole, dataOffset, this.#dataSize);
  }

  /**
   * Opens the event and maps 1 + `dataPages` pages; where the locked-memory limit refuses that (EPERM from
   * mmap: perf_event_mlock_kb per CPU, then RLIMIT_MEMLOCK, kernel/events/core.c perf_mmap), halves the
   * ring down to one data page. `bound` says the limit bound.
   */
  static open(tid: number, kind: FaultKind, dataPages: number): { ring: Ring; bound: boolean } {
    const fd = openFaultEvent(tid, kind);
    let owner: Ring | undefined;
    try {
      let pages = dataPages;
      for (;;) {
        const length = (1 + pages) * pageSizeBytes;
        const address = c.mmap(null, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) as bigint;
        if (address !== MAP_FAILED) {
          const ring = new Ring(tid, kind, fd, address, pages);
          owner = ring;
          const r = c.ioctlPtr(fd, PERF_EVENT_IOC_ENABLE, null);
          if (r === -1) {
            const errno = lastErrno();
            ring.close();
            throw new NativeError('ioctl(PERF_EVENT_IOC_ENABLE)', errno);
          }
          return { ring, bound: pages < dataPages };
        }
        const errno = lastErrno();
        if (errno !== 1 /* EPERM */ || pages === 1) throw new NativeError('mmap(perf ring)', errno, undefined, errno === 1 ? 'locked memory limit (perf_event_mlock_kb, RLIMIT_MEMLOCK) reached' : undefined);
        pages /= 2;
      }
    } catch (error) {
      // The ring owns the fd once made (ring.close() closed it: closing the number again could close a file
      // another thread has opened since); before that it is closed here.
      if (!owner) closeFd(fd);
      throw error;
    }
  }

  /** Reads every record since the last read and gives the space back (data_tail). */
  read(sink: FaultSink): { samples: number; lost: number } {
    const header = this.#header;
    const data = this.#data;
    if (!header || !data) return { samples: 0, lost: 0 };
    // data_head is written by the kernel; Atomics.load is a sequentially consistent load, which gives the
    // smp_rmb() that include/uapi/linux/perf_event.h asks for between reading data_head and the records.
    const head = Number(Atomics.load(header, DATA_HEAD_OFFSET / 8));
    const tail = Number(header[DATA_TAIL_OFFSET / 8]);
    if (head === tail) return { samples: 0, lost: 0 };
    const { samples, lost } = readRing(data, this.#dataSize, tail, head, this.kind, sink);
    this.#reported += samples + lost;
    // Atomics.store is a full barrier: every record was read before the kernel may overwrite it (smp_mb()
    // before writing data_tail, as the header asks).
    Atomics.store(header, DATA_TAIL_OFFSET / 8, BigInt(head));
    return { samples, lost };
  }

  /**
   * Faults the event counted that no record reported: the kernel writes a LOST record only once the ring
   * has room again (kernel/events/ring_buffer.c perf_output_begin), so after the last read of a ring that
   * was full, the loss is known only from the count (read(2) of the event: one u64 with read_format 0).
   */
  unreported(): number {
    if (this.#fd === -1) return 0;
    try {
      const buffer = Buffer.alloc(8);
      if (fs.readSync(this.#fd, buffer, 0, 8, null) !== 8) return 0;
      return Math.max(0, Number(buffer.readBigUInt64LE(0)) - this.#reported);
    } catch {
      return 0;
    }
  }

  /** Disables, unmaps and closes. The views are dropped first: a read after munmap would be a SIGSEGV. */
  close(): void {
    this.#header = undefined;
    this.#data = undefined;
    if (this.#fd !== -1) c.ioctlPtr(this.#fd, PERF_EVENT_IOC_DISABLE, null);
    if (this.#address !== 0n) c.munmap(this.#address, this.#lengthBytes);
    this.#address = 0n;
    if (this.#fd !== -1) closeFd(this.#fd);
    this.#fd = -1;
  }
}

export interface PollResult {
  samples: number;
  /** Samples the kernel dropped since the last poll (its ring was full): LOST records. */
  lost: number;
  /** Threads whose events were opened in this poll (came since attach). */
  newThreads: number;
}

/** Why a thread could not be sampled (a thread that came and went before it was opened is not one). */
export interface ThreadFailure {
  tid: number;
  error: NativeError;
}

/**
 * Samples every page fault of the kinds asked, of every thread of `pid`. Threads that appear later are
 * opened at the next poll (each poll lists /proc/PID/task); their faults before that are not seen (an
 * inherited event cannot be mapped per thread with cpu -1). Close it in a `finally`.
 */
export class FaultSampler {
  readonly pid: number;
  readonly kinds: readonly FaultKind[];
  readonly dataPages: number;
  /** Set when the locked-memory limit made a ring smaller than asked (the reason, in words). */
  ringLimit: string | null = null;
  readonly threadFailures: ThreadFailure[] = [];
  #rings = new Map<number, Ring[]>();
  #polling = false;
  #closing = false;
  #closed = false;
  #totalLost = 0;

  private constructor(pid: number, kinds: readonly FaultKind[], dataPages: number) {
    this.pid = pid;
    this.kinds = kinds;
    this.dataPages = dataPages;
  }

  /**
   * Opens events on every thread of `pid`. Throws the NativeError of the first thread when none could be
   * opened (EACCES/EPERM: refused; ESRCH: gone), so the caller can say why.
   */
  static open(pid: number, options: FaultSamplerOptions): FaultSampler {
    const pages = ringDataPages(options.expectedRatePerSecond ?? 20_000, options.pollIntervalMs ?? 100);
    const sampler = new FaultSampler(pid, options.kinds, pages);
    try {
      sampler.#scan();
      if (sampler.#rings.size === 0) {
        const first = sampler.threadFailures[0]?.error ?? new NativeError('perf_event_open', 3 /* ESRCH */);
        throw first;
      }
      return sampler;
    } catch (error) {
      sampler.close();
      throw error;
    }
  }

  get threadCount(): number {
    return this.#rings.size;
  }

  get tids(): number[] {
    return [...this.#rings.keys()];
  }

  get totalLost(): number {
    return this.#totalLost;
  }

  get closed(): boolean {
    return this.#closed || this.#closing;
  }

  /** Lists /proc/PID/task: opens new threads, closes threads that ended (after their last read). */
  #scan(sink?: FaultSink): { newThreads: number; samples: number; lost: number } {
    let names: string[];
    try {
      names = fs.readdirSync(`/proc/${this.pid}/task`);
    } catch {
      names = []; // the process ended: every ring is read one last time and closed
    }
    const live = new Set(names.map(Number).filter((n) => Number.isInteger(n) && n > 0));
    let newThreads = 0;
    let samples = 0;
    let lost = 0;
    for (const [tid, rings] of this.#rings) {
      if (live.has(tid)) continue;
      for (const ring of rings) {
        if (sink) {
          const r = ring.read(sink);
          samples += r.samples;
          lost += r.lost + ring.unreported();
        }
        ring.close();
      }
      this.#rings.delete(tid);
    }
    for (const tid of live) {
      if (this.#rings.has(tid) || this.threadFailures.some((f) => f.tid === tid)) continue;
      const rings: Ring[] = [];
      try {
        for (const kind of this.kinds) {
          const { ring, bound } = Ring.open(tid, kind, this.dataPages);
          rings.push(ring);
          if (bound) {
            this.ringLimit = `the locked-memory limit for perf rings (perf_event_mlock_kb ${readMlockKb() ?? '?'} KiB per CPU, then RLIMIT_MEMLOCK) made a ring ${ring.dataPages * pageSizeBytes >> 10} KiB instead of ${this.dataPages * pageSizeBytes >> 10} KiB: samples may be lost at high rates`;
          }
        }
        this.#rings.set(tid, rings);
        newThreads += 1;
      } catch (error) {
        for (const ring of rings) ring.close();
        if (error instanceof NativeError && error.code === 'ESRCH') continue; // came and went
        if (!(error instanceof NativeError)) throw error;
        this.threadFailures.push({ tid, error });
      }
    }
    return { newThreads, samples, lost };
  }

  /**
   * Reads every ring, then picks up new threads. Safe to call from a timer; a close() during the sink's
   * calls is deferred until the poll ends (the rings stay mapped while they are read).
   */
  poll(sink: FaultSink): PollResult {
    if (this.#closed || this.#closing || this.#polling) return { samples: 0, lost: 0, newThreads: 0 };
    this.#polling = true;
    let samples = 0;
    let lost = 0;
    let newThreads = 0;
    try {
      for (const rings of this.#rings.values()) {
        for (const ring of rings) {
          if (this.#closing) break;
          const r = ring.read(sink);
          samples += r.samples;
          lost += r.lost;
        }
      }
      if (!this.#closing) {
        const s = this.#scan(sink);
        newThreads = s.newThreads;
        samples += s.samples;
        lost += s.lost;
      }
    } finally {
      this.#polling = false;
      this.#totalLost += lost;
      if (this.#closing) this.#release();
    }
    return { samples, lost, newThreads };
  }

  /**
   * The last poll: every ring read once more, and the faults counted but never reported (a ring full at
   * the end) added to the lost count. Then close().
   */
  drain(sink: FaultSink): PollResult {
    const r = this.poll(sink);
    let lost = 0;
    if (!this.#closed && !this.#closing) for (const rings of this.#rings.values()) for (const ring of rings) lost += ring.unreported();
    this.#totalLost += lost;
    this.close();
    return { ...r, lost: r.lost + lost };
  }

  /** Releases every event and ring; during a poll, when that poll returns. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closing = true;
    if (!this.#polling) this.#release();
  }

  #release(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const rings of this.#rings.values()) for (const ring of rings) ring.close();
    this.#rings.clear();
  }
}

/** /proc/sys/kernel/perf_event_mlock_kb, or null. */
export function readMlockKb(): number | null {
  try {
    const n = Number(fs.readFileSync('/proc/sys/kernel/perf_event_mlock_kb', 'utf8').trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}
