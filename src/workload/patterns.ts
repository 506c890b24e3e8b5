// Pure: where the workload touches next. Offsets are 4-byte aligned and inside the file.

export type Pattern = 'random-read' | 'sequential-read' | 'random-write' | 'hot-cold';
export const PATTERNS: readonly Pattern[] = ['random-read', 'sequential-read', 'random-write', 'hot-cold'];

export type WorkloadAdvice = 'normal' | 'random' | 'sequential' | 'willneed' | 'hugepage' | 'nohugepage';
export const WORKLOAD_ADVICE: readonly WorkloadAdvice[] = ['normal', 'random', 'sequential', 'willneed', 'hugepage', 'nohugepage'];

/** The advice a pattern starts with: random reads need MADV_RANDOM to show major faults (docs/kernel-notes.md, "majflt undercounts IO"). */
export function defaultAdvice(pattern: Pattern): WorkloadAdvice {
  return pattern === 'sequential-read' ? 'sequential' : pattern === 'random-read' || pattern === 'hot-cold' ? 'random' : 'normal';
}

export interface OffsetSource {
  next(): number;
}

/** A small, seedable PRNG (mulberry32) so a test can replay a run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Offsets for a pattern over a file of `sizeBytes`. sequential-read steps a page at a time and wraps;
 * hot-cold sends 90% of touches to the first 10% of the file.
 */
export function offsetsFor(pattern: Pattern, sizeBytes: number, pageSizeBytes: number, random: () => number): OffsetSource {
  const lastWord = Math.max(0, Math.floor((sizeBytes - 4) / 4));
  const randomWord = (limitBytes: number): number => Math.floor(random() * (Math.max(4, limitBytes) / 4)) * 4;
  let cursor = 0;
  switch (pattern) {
    case 'sequential-read':
      return {
        next() {
          const offset = cursor;
          cursor += pageSizeBytes;
          if (cursor > lastWord * 4) cursor = 0;
          return offset;
        },
      };
    case 'hot-cold':
      return {
        next() {
          const hot = Math.max(4, Math.floor(sizeBytes / 10));
          const offset = random() < 0.9 ? randomWord(hot) : randomWord(sizeBytes - 4);
          return Math.min(offset, lastWord * 4);
        },
      };
    case 'random-read':
    case 'random-write':
    default:
      return { next: () => Math.min(randomWord(sizeBytes - 4), lastWord * 4) };
  }
}
