// Advice to another process's mapping through process_madvise(2): COLD, PAGEOUT, WILLNEED. When the
// kernel refuses, or silently does nothing, the result says why in words (mm/madvise.c).
import fs from 'node:fs';
import { NativeError, processMadvise, type MadviseAdvice } from '../../native/index.js';
import { presentPagesIn } from '../sampler/present.js';
import { parseMaps, type MapsEntry } from '../proc/index.js';

export const REMOTE_ADVICE = ['COLD', 'PAGEOUT', 'WILLNEED'] as const;
export type RemoteAdvice = (typeof REMOTE_ADVICE)[number];

export interface AdviseResult {
  pid: number;
  advice: string;
  /** The VMAs advised, as "start-end path". */
  ranges: string[];
  advisedBytes: number | null;
  presentPagesBefore: number | null;
  presentPagesAfter: number | null;
  ok: boolean;
  /** In words: why it was refused or did nothing; null when it did what was asked. */
  reason: string | null;
}

/** The VMAs of `pid` that `spec` names: a path (every VMA of that file) or "start-end" in hex. */
export function selectRanges(pid: number, spec: string): MapsEntry[] {
  const maps = parseMaps(fs.readFileSync(`/proc/${pid}/maps`, 'utf8')).value;
  const range = /^(?:0x)?([0-9a-f]+)-(?:0x)?([0-9a-f]+)$/i.exec(spec);
  if (range) {
    const start = BigInt(`0x${range[1]}`);
    const end = BigInt(`0x${range[2]}`);
    return maps.filter((m) => BigInt(`0x${m.startHex}`) < end && start < BigInt(`0x${m.endHex}`));
  }
  return maps.filter((m) => m.path === spec);
}


/** Words for a refusal of process_madvise. */
export function explainRefusal(error: unknown, advice: string): string {
  if (!(error instanceof NativeError)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case 'EPERM': return `${advice} on another process needs CAP_SYS_NICE (run mmtop as root, or grant it CAP_SYS_NICE)`;
    case 'EINVAL': return `the kernel does not take ${advice} for another process's mapping (only COLD, PAGEOUT, WILLNEED and COLLAPSE)`;
    case 'ESRCH': return 'the process has exited';
    case 'ENOSYS': return 'process_madvise needs Linux 5.10 or newer';
    case 'ENOMEM': return 'the range is no longer mapped';
    case 'EACCES': return 'no permission to inspect that process (ptrace access mode)';
    default: return error.message;
  }
}

export function adviseProcess(pid: number, vmas: MapsEntry[], advice: MadviseAdvice): AdviseResult {
  const ranges = vmas.map((v) => `${v.startHex}-${v.endHex} ${v.path}`);
  const base = { pid, advice, ranges };
  if (vmas.length === 0) {
    return { ...base, advisedBytes: null, presentPagesBefore: null, presentPagesAfter: null, ok: false, reason: 'no mapping of the process matches' };
  }
  const before = presentPagesIn(pid, vmas);
  try {
    const advisedBytes = processMadvise(pid, vmas.map((v) => ({ startAddress: BigInt(`0x${v.startHex}`), endAddress: BigInt(`0x${v.endHex}`) })), advice);
    const after = presentPagesIn(pid, vmas);
    let reason: string | null = null;
    if (advice === 'PAGEOUT' && before !== null && after !== null && before > 0 && after >= before) {
      const writable = vmas.every((v) => {
        try {
          fs.accessSync(v.path, fs.constants.W_OK);
          return true;
        } catch {
          return false;
        }
      });
      reason = writable
        ? 'PAGEOUT left every page: it skips pages another process also maps'
        : 'PAGEOUT left every page: it skips file pages unless this user owns or may write the file, and pages another process maps';
    }
    return { ...base, advisedBytes, presentPagesBefore: before, presentPagesAfter: after, ok: reason === null, reason };
  } catch (error) {
    return { ...base, advisedBytes: null, presentPagesBefore: before, presentPagesAfter: null, ok: false, reason: explainRefusal(error, advice) };
  }
}
