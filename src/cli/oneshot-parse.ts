// The one-shot commands without yargs: `mmtop fincore …` and `mmtop snapshot …` in their plain shapes,
// and `mmtop` alone (the overview: its first frame within a second of `npx mmtop`).
// yargs costs about 80 ms to load (two string-width modules build their emoji tables at import), more
// than fincore of a small file takes. So the bin reads these shapes itself and hands everything else
// (help, a misspelt flag, --no-json, `--`, a value yargs would read differently) to main's yargs parser,
// which then says what it always said: the flags, the defaults and every message stay yargs's.
// A test checks that both parse to the same run (test/cli/oneshot.test.ts).
// This module imports nothing: the bin's entry reads the line with it before it loads any command.

export type OneShot =
  | { command: 'fincore'; paths: string[]; json: boolean; recursive: boolean; cells: string | undefined }
  | { command: 'snapshot'; pid: string; json: boolean; files: boolean; smaps: boolean; cells: string | undefined }
  /** `mmtop` alone: the live overview with yargs's defaults (src/cli/overview.ts). */
  | { command: 'live-overview' }
  /** `snapshot` without a pid: the overview once (src/cli/snapshot-overview.ts). */
  | { command: 'overview'; json: boolean; interval: string | undefined; top: string | undefined };

/** Words yargs reads as commands or options wherever they stand. */
const RESERVED = new Set(['help', 'version', 'completion']);
/** What yargs-parser could read as a number (0x10, 1e3, .5, 007): left to yargs. */
const NUMBER_LIKE = /^(?:0x[0-9a-f]+|[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)$/i;

const isPlainWord = (token: string): boolean => token !== '' && !token.startsWith('-') && !RESERVED.has(token);

/**
 * The command `argv` (without node and the script) runs, when it is a plain `fincore` or `snapshot`
 * line: known flags once each, in their bare form, values that yargs would keep as written. Undefined
 * for anything else.
 */
export function parseOneShot(argv: readonly string[]): OneShot | undefined {
  if (argv.length === 0) return { command: 'live-overview' };
  const [command, ...rest] = argv;
  if (command !== 'fincore' && command !== 'snapshot') return undefined;
  const booleans = command === 'fincore' ? ['--json', '-R', '--recursive'] : ['--json', '--files', '--smaps'];
  const seen = new Set<string>();
  const words: string[] = [];
  let cells: string | undefined;
  const valued: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    if (booleans.includes(token)) {
      // A boolean flag followed by true or false takes it as its value in yargs.
      const next = rest[i + 1];
      if (next === 'true' || next === 'false') return undefined;
      const key = token === '--recursive' ? '-R' : token;
      if (seen.has(key)) return undefined;
      seen.add(key);
    } else if (token === '--cells' || token.startsWith('--cells=')) {
      if (cells !== undefined) return undefined;
      const value = token === '--cells' ? rest[++i] : token.slice('--cells='.length);
      if (value === undefined || value === '' || value.startsWith('-')) return undefined;
      cells = value;
    } else if (command === 'snapshot' && (token === '--interval' || token === '--top')) {
      // The overview's two valued options, with plain decimal values only (yargs keeps them as strings).
      const value = rest[++i];
      if (token in valued || value === undefined || !/^\d{1,7}(?:\.\d{1,3})?$/.test(value)) return undefined;
      valued[token] = value;
    } else if (isPlainWord(token) && !NUMBER_LIKE.test(token)) {
      words.push(token);
    } else if (command === 'snapshot' && /^[1-9]\d{0,9}$/.test(token)) {
      words.push(token);
    } else {
      return undefined;
    }
  }
  if (command === 'fincore') {
    if (words.length === 0) return undefined;
    return { command, paths: words, json: seen.has('--json'), recursive: seen.has('-R'), cells };
  }
  if (words.length === 0) {
    if (seen.has('--files') || seen.has('--smaps') || cells !== undefined) return undefined; // yargs says they need a pid
    return { command: 'overview', json: seen.has('--json'), interval: valued['--interval'], top: valued['--top'] };
  }
  if (Object.keys(valued).length > 0) return undefined; // yargs says these are for the overview
  if (words.length !== 1 || !/^[1-9]\d{0,9}$/.test(words[0]!)) return undefined;
  return { command, pid: words[0]!, json: seen.has('--json'), files: seen.has('--files'), smaps: seen.has('--smaps'), cells };
}

