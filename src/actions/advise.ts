// Advice to another process's mapping through process_madvise(2): COLD, PAGEOUT, WILLNEED, on exactly
// the range asked for. When the kernel refuses, or does nothing that mmtop can see, the result says so in
// words, and says what mmtop could and could not check (mm/madvise.c).
import fs from 'node:fs';
import { NativeError, pageSizeBytes, processMadvise, type MadviseAdvice } from '../../native/index.js';
import { presentPagesIn } from '../sampler/present.js';
import { parseMaps, parseSmapsFigures, type MapsEntry } from '../proc/index.js';
import { humanBytes } from '../text/units.js';
import { findMappers } from './mappers.js';
import { fsPath } from '../model/index.js';

export const REMOTE_ADVICE = ['COLD', 'PAGEOUT', 'WILLNEED'] as const;
export type RemoteAdvice = (typeof REMOTE_ADVICE)[number];

/** One VMA and the part of it to advise: all of it (a path selector) or the range asked for, clipped to it. */
export interface AdviseTarget {
  mapping: MapsEntry;
  startAddress: bigint;
  endAddress: bigint;
}

export interface AdviseResult {
  pid: number;
  advice: string;
  /** The ranges advised, as "start-end path": the range asked for clipped to each mapping. */
  ranges: string[];
  /** The whole VMAs they lie in, as "start-end path". */
  mappings: string[];
  /** How the range asked for was changed to fit (clipped to the mappings, rounded to pages). */
  notes: string[];
  advisedBytes: number | null;
  /** Pages present in the target's page table over the ranges advised (not the whole mappings). */
  presentPagesBefore: number | null;
  presentPagesAfter: number | null;
  ok: boolean;
  /** In words: why it was refused, did nothing visible, or could not be measured; null otherwise. */
  reason: string | null;
}

export type Selection =
  | { ok: true; targets: AdviseTarget[]; notes: string[] }
  /** `usage`: the selector itself is wrong (empty, ambiguous, not a path or range): exit 2. */
  | { ok: false; usage: boolean; message: string };

const hex = (n: bigint): string => n.toString(16);
const vmaStart = (m: MapsEntry): bigint => BigInt(`0x${m.startHex}`);
const vmaEnd = (m: MapsEntry): bigint => BigInt(`0x${m.endHex}`);
const describeVma = (m: MapsEntry): string => `${m.startHex}-${m.endHex}${m.path ? ` ${m.path}` : ''}`;

const SELECTOR_HELP = 'give a mapped file\'s absolute path, a name such as [heap], or START-END in hex';

/**
 * The parts of `pid`'s VMAs that `spec` names: "START-END" in hex (clipped to the VMAs it overlaps, rounded
 * out to whole pages), or a path or [name] (every VMA of that one file or region). An empty selector, a
 * bare word, or a path that names two different files is a usage error, never "everything".
 */
export function selectRanges(pid: number, spec: string): Selection {
  const text = spec.trim();
  if (text === '') return { ok: false, usage: true, message: `the range is empty: ${SELECTOR_HELP}` };
  const range = /^(?:0x)?([0-9a-f]{1,16})-(?:0x)?([0-9a-f]{1,16})$/i.exec(text);
  const named = text.startsWith('/') || /^\[[^\]]+\]$/.test(text);
  if (!range && !named) return { ok: false, usage: true, message: `"${text}" is not a mapping: ${SELECTOR_HELP}` };
  let requested: { start: bigint; end: bigint } | undefined;
  const notes: string[] = [];
  if (range) {
    const page = BigInt(pageSizeBytes);
    const askedStart = BigInt(`0x${range[1]}`);
    const askedEnd = BigInt(`0x${range[2]}`);
    if (askedEnd <= askedStart) return { ok: false, usage: true, message: `the range ${text} is empty or backwards: START must be below END` };
    // process_madvise wants a page-aligned start (EINVAL otherwise); the pages touched by the range.
    requested = { start: (askedStart / page) * page, end: ((askedEnd + page - 1n) / page) * page };
    if (requested.start !== askedStart || requested.end !== askedEnd) notes.push(`rounded out to whole pages: ${hex(requested.start)}-${hex(requested.end)}`);
  }
  let maps: MapsEntry[];
  try {
    maps = parseMaps(fs.readFileSync(`/proc/${pid}/maps`)).value;
  } catch (error) {
    return { ok: false, usage: false, message: `cannot read the mappings of process ${pid} (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (requested) {
    const { start, end } = requested;
    const hit = maps.filter((m) => vmaStart(m) < end && start < vmaEnd(m));
    if (hit.length === 0) return { ok: false, usage: false, message: `process ${pid} maps nothing at ${text}` };
    const targets = hit.map((m) => ({ mapping: m, startAddress: start > vmaStart(m) ? start : vmaStart(m), endAddress: end < vmaEnd(m) ? end : vmaEnd(m) }));
    const covered = targets.reduce((n, t) => n + (t.endAddress - t.startAddress), 0n);
    if (covered < end - start) {
      notes.push(`clipped to what is mapped: ${targets.map((t) => `${hex(t.startAddress)}-${hex(t.endAddress)}`).join(', ')} (the rest of ${text} maps nothing)`);
    }
    return { ok: true, targets, notes };
  }
  const hit = maps.filter((m) => m.path === text);
  if (hit.length === 0) return { ok: false, usage: false, message: `process ${pid} maps nothing named ${text}` };
  const files = new Set(hit.map((m) => `${m.device}:${m.inode}`));
  if (files.size > 1) {
    return { ok: false, usage: true, message: `${text} names ${files.size} different mapped files in process ${pid} (${[...files].join(', ')}): give START-END` };
  }
  return { ok: true, targets: hit.map((m) => ({ mapping: m, startAddress: vmaStart(m), endAddress: vmaEnd(m) })), notes };
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

const asHexRange = (t: AdviseTarget): { startHex: string; endHex: string } => ({ startHex: hex(t.startAddress), endHex: hex(t.endAddress) });

export async function adviseProcess(pid: number, targets: AdviseTarget[], advice: MadviseAdvice, notes: string[] = []): Promise<AdviseResult> {
  const base = {
    pid, advice, notes,
    ranges: targets.map((t) => `${hex(t.startAddress)}-${hex(t.endAddress)}${t.mapping.path ? ` ${t.mapping.path}` : ''}`),
    mappings: [...new Set(targets.map((t) => describeVma(t.mapping)))],
  };
  if (targets.length === 0) {
    return { ...base, advisedBytes: null, presentPagesBefore: null, presentPagesAfter: null, ok: false, reason: 'no mapping of the process matches' };
  }
  const ranges = targets.map(asHexRange);
  const before = presentPagesIn(pid, ranges);
  let advisedBytes: number;
  try {
    advisedBytes = processMadvise(pid, targets.map((t) => ({ startAddress: t.startAddress, endAddress: t.endAddress })), advice);
  } catch (error) {
    return { ...base, advisedBytes: null, presentPagesBefore: before, presentPagesAfter: null, ok: false, reason: explainRefusal(error, advice) };
  }
  const after = presentPagesIn(pid, ranges);
  if (advice !== 'PAGEOUT') return { ...base, advisedBytes, presentPagesBefore: before, presentPagesAfter: after, ok: true, reason: null };
  if (before === null || after === null) {
    // The kernel took the advice; only the page table shows what it did, and it may not be read here.
    return {
      ...base, advisedBytes, presentPagesBefore: before, presentPagesAfter: after, ok: true,
      reason: `the kernel took PAGEOUT for ${humanBytes(advisedBytes)}, but what it paged out cannot be told: the page table of process ${pid} is not readable to this user`,
    };
  }
  if (before === 0) {
    return { ...base, advisedBytes, presentPagesBefore: before, presentPagesAfter: after, ok: true, reason: 'no page of the range was in the page table: nothing to page out' };
  }
  if (after < before) return { ...base, advisedBytes, presentPagesBefore: before, presentPagesAfter: after, ok: true, reason: null };
  return { ...base, advisedBytes, presentPagesBefore: before, presentPagesAfter: after, ok: false, reason: await whyPageoutKept(pid, targets, before) };
}

/**
 * PAGEOUT left every present page. The kernel does not say which it skipped, or why: these are the reasons
 * of mm/madvise.c (madvise_cold_or_pageout_pte_range) and mm/vmscan.c that mmtop can check from outside.
 * What it finds is stated as fact; when none applies, it says it cannot tell, and what it could not check.
 */
async function whyPageoutKept(pid: number, targets: AdviseTarget[], presentPages: number): Promise<string> {
  const facts: string[] = [];
  const unknowns: string[] = [];
  const vmas = [...new Map(targets.map((t) => [t.mapping.startHex, t.mapping])).values()];
  const files = [...new Map(vmas.filter((m) => m.inode !== 0 && m.path.startsWith('/')).map((m) => [`${m.device}:${m.inode}`, m])).values()];

  // can_do_file_pageout(): file pages only for the file's owner, a user who may write it, or CAP_FOWNER.
  if (process.geteuid?.() !== 0) {
    for (const m of files) {
      try {
        const st = fs.statSync(m.path);
        const owner = st.uid === process.geteuid?.();
        let writable = false;
        try {
          fs.accessSync(fsPath(m.path), fs.constants.W_OK);
          writable = true;
        } catch {
          // Not writable by this user.
        }
        if (!owner && !writable) facts.push(`this user neither owns nor may write ${m.path}, and PAGEOUT skips such a file's pages`);
      } catch {
        unknowns.push(`whether this user may write ${m.path}`);
      }
    }
  }

  // Pages another process maps too are left alone ("do not interfere with other mappings of this folio").
  let hidden = 0;
  for (const m of files) {
    const { mappers, unreadable } = await findMappers(m.device, m.inode);
    hidden = Math.max(hidden, unreadable);
    const others = mappers.filter((x) => x.pid !== pid && (x.mappedPages === null || x.mappedPages > 0));
    if (others.length > 0) {
      facts.push(`${m.path} is mapped by ${others.slice(0, 3).map((x) => `${x.comm} (pid ${x.pid})`).join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''} too, and PAGEOUT skips pages another process maps`);
    }
  }
  if (hidden > 0) unknowns.push(`whether any of ${hidden} processes whose maps this user may not read maps them too`);

  // Locked pages are unevictable; dirty file pages are written back by the flusher, not paged out here.
  try {
    const wanted = new Set(vmas.map((m) => m.startHex));
    const figures = parseSmapsFigures(fs.readFileSync(`/proc/${pid}/smaps`)).value.filter((e) => wanted.has(e.startHex));
    const locked = figures.reduce((n, e) => n + (e.figures.Locked ?? 0), 0);
    if (locked > 0) facts.push(`${humanBytes(locked)} of the mappings is locked (mlock), and locked pages are not paged out`);
    // In a private file mapping, dirty pages that are Anonymous are copies (COW), not the file's.
    const dirtyFile = figures.filter((e) => e.inode !== 0)
      .reduce((n, e) => n + Math.max(0, (e.figures.Private_Dirty ?? 0) + (e.figures.Shared_Dirty ?? 0) - (e.figures.Anonymous ?? 0)), 0);
    if (dirtyFile > 0) facts.push(`${humanBytes(dirtyFile)} of file pages is dirty, and PAGEOUT leaves dirty file pages for writeback`);
    const anon = figures.reduce((n, e) => n + (e.figures.Anonymous ?? 0), 0);
    if (anon > 0 && swapTotalBytes() === 0) facts.push(`${humanBytes(anon)} is anonymous memory and there is no swap to page it out to`);
  } catch {
    unknowns.push('whether the pages are locked, dirty or anonymous (smaps not readable)');
  }

  const head = `PAGEOUT left all ${presentPages} present pages (the kernel took the advice but does not say what it skipped)`;
  if (facts.length > 0) return `${head}: ${facts.join('; ')}${unknowns.length > 0 ? `; not known: ${unknowns.join('; ')}` : ''}`;
  return `${head}, and mmtop cannot tell why: no other process it can see maps them, none is locked or dirty${unknowns.length > 0 ? `; not known: ${unknowns.join('; ')}` : ''}; pages still on a per-CPU list are skipped too (try again)`;
}

function swapTotalBytes(): number | null {
  try {
    const match = /^SwapTotal:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
