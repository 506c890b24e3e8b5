// Reading a recording (`mmtop record`, the R key) or a `snapshot --json` file: one Sample a line (NDJSON).
// The file is read once to index its lines (offset, length, time) and to check each line; a Sample is
// parsed again from its bytes when it is shown, so a long recording costs its index in memory, not its
// Samples. Reading stops at the first damaged line (cut short, not JSON, not a Sample, back in time):
// what came before it is replayed, and the damage is named by its line number and reason.
import fs from 'node:fs';
import { fsPath, SAMPLE_VERSION, type Sample } from '../model/index.js';
import { sampleFieldMisfit } from './shape.js';

export interface RecordedLine {
  /** Byte offset of the line in the file, and its length without the newline. */
  offset: number;
  length: number;
  timeMs: number;
}

export interface Damage {
  /** 1-based line number in the file. */
  line: number;
  reason: string;
}

export interface RecordingIndex {
  path: string;
  lines: RecordedLine[];
  damage: Damage | null;
}

/** The longest line read: a Sample of 50,000 mappings is about 30 MB; V8's longest string is ~512 MiB. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;
/** Most Samples indexed: ten days at one a second (the index is 24 bytes a Sample). */
export const MAX_SAMPLES = 1_000_000;
const CHUNK_BYTES = 1024 * 1024;

/** Why `value` is not a Sample this mmtop can show, or null when it is one. Pure. */
export function sampleProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a Sample (not a JSON object)';
  const v = value as Record<string, unknown>;
  if (typeof v.version !== 'number' || !Number.isInteger(v.version)) return 'not a Sample (no "version")';
  if (v.version > SAMPLE_VERSION) return `a version ${v.version} Sample; this mmtop reads version ${SAMPLE_VERSION} (a newer mmtop wrote it)`;
  if (v.version < 1) return `not a Sample (version ${v.version})`;
  if (typeof v.timeMs !== 'number' || !Number.isFinite(v.timeMs)) return 'not a Sample (no "timeMs")';
  if (typeof v.pageSizeBytes !== 'number' || !(v.pageSizeBytes > 0)) return 'not a Sample (no "pageSizeBytes")';
  for (const key of ['mappings', 'files', 'failures'] as const) if (!Array.isArray(v[key])) return `not a Sample (no "${key}" list)`;
  if (typeof v.capabilities !== 'object' || v.capabilities === null) return 'not a Sample (no "capabilities")';
  if (v.process !== null && (typeof v.process !== 'object' || typeof (v.process as Record<string, unknown>).pid !== 'number')) return 'not a Sample (a "process" without a pid)';
  for (const f of v.files as unknown[]) {
    const file = f as Record<string, unknown> | null;
    if (typeof file !== 'object' || file === null || typeof file.path !== 'string' || typeof file.inode !== 'number' || typeof file.device !== 'string') return 'not a Sample (a file without path, device or inode)';
    if (file.cells !== undefined && !Array.isArray(file.cells)) return 'not a Sample (a file\'s "cells" is not a list)';
  }
  for (const m of v.mappings as unknown[]) {
    const mapping = m as Record<string, unknown> | null;
    if (typeof mapping !== 'object' || mapping === null || typeof mapping.start !== 'string' || typeof mapping.perms !== 'string') return 'not a Sample (a mapping without start or perms)';
  }
  const misfit = sampleFieldMisfit(v);
  return misfit === null ? null : `not a Sample (${misfit} is missing or of the wrong type)`;
}

/** A line's text checked: its Sample, or why it is not one. Pure. */
export function checkLine(text: string): { ok: true; sample: Sample } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const problem = sampleProblem(value);
  return problem === null ? { ok: true, sample: value as Sample } : { ok: false, reason: problem };
}

export type IndexResult = { ok: true; index: RecordingIndex } | { ok: false; reason: string };

/**
 * Indexes the recording at `file`. Fails (one line) when the file cannot be read, when its first Sample is
 * of a newer version (refused whole), or when it holds no Sample at all; damage later on is kept in the
 * index and what came before it replays.
 */
export function indexRecording(file: string): IndexResult {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading blocks until a writer comes (fifo(7)); the fstat below then
    // refuses it. Reads of a regular file ignore the flag.
    fd = fs.openSync(fsPath(file), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : `cannot open (${code})`}` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      const what = stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a FIFO or pipe' : stat.isCharacterDevice() ? 'a character device' : stat.isSocket() ? 'a socket' : 'not a regular file';
      return { ok: false, reason: `${file}: is ${what}, not a recording (replay reads a recording's Samples by their offset: save it to a file first)` };
    }
    const size = stat.size;
    const lines: RecordedLine[] = [];
    let damage: Damage | null = null;
    let lineNo = 0;
    let lastTimeMs = -Infinity;
    const take = (offset: number, bytes: Buffer, ended: boolean): boolean => {
      lineNo++;
      const text = bytes.toString('utf8');
      if (text.trim() === '') return true; // a blank line between Samples: nothing to show, nothing lost
      const checked = checkLine(text);
      if (!checked.ok) {
        damage = { line: lineNo, reason: !ended && checked.reason.startsWith('not JSON') ? `cut short (${bytes.length} bytes and no end of line: the recorder stopped mid-line)` : checked.reason };
        return false;
      }
      if (checked.sample.timeMs < lastTimeMs) {
        damage = { line: lineNo, reason: 'goes back in time (two recordings joined?)' };
        return false;
      }
      if (lines.length >= MAX_SAMPLES) {
        damage = { line: lineNo, reason: `more than ${MAX_SAMPLES} Samples: the rest is not read` };
        return false;
      }
      lastTimeMs = checked.sample.timeMs;
      lines.push({ offset, length: bytes.length, timeMs: checked.sample.timeMs });
      return true;
    };
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let lineStart = 0;
    let position = 0;
    const chunk = Buffer.alloc(CHUNK_BYTES);
    let going = true;
    // One pass over the file, a chunk at a time; bounded by its size.
    while (going && position < size) {
      const n = fs.readSync(fd, chunk, 0, CHUNK_BYTES, position);
      if (n <= 0) break;
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, from);
        if (nl < 0 || nl >= n) break;
        const piece = chunk.subarray(from, nl);
        const whole = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
        pending = [];
        pendingBytes = 0;
        if (!take(lineStart, whole, true)) { going = false; break; }
        lineStart = position + nl + 1;
        from = nl + 1;
      }
      if (!going) break;
      if (from < n) {
        pending.push(Buffer.from(chunk.subarray(from, n)));
        pendingBytes += n - from;
        if (pendingBytes > MAX_LINE_BYTES) {
          damage = { line: lineNo + 1, reason: `longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB` };
          going = false;
        }
      }
      position += n;
    }
    if (going && pendingBytes > 0) take(lineStart, Buffer.concat(pending), false);
    const found = damage as Damage | null;
    if (lines.length === 0) {
      // A Sample pretty-printed over many lines (jq . snapshot.json) is one JSON value: read it whole.
      if (found !== null && found.line === 1 && size <= 64 * 1024 * 1024 && !found.reason.startsWith('a version')) {
        const whole = checkLine(fs.readFileSync(fd, { encoding: 'utf8' }).toString());
        if (whole.ok) return { ok: true, index: { path: file, lines: [{ offset: 0, length: size, timeMs: whole.sample.timeMs }], damage: null } };
      }
      return { ok: false, reason: found ? `${file}: line ${found.line}: ${found.reason}` : `${file}: no Samples in it (empty)` };
    }
    return { ok: true, index: { path: file, lines, damage: found } };
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads Samples of an indexed recording by number, keeping the last few parsed. Holds the file open. */
export class RecordingReader {
  readonly index: RecordingIndex;
  #fd: number;
  #cache = new Map<number, Sample>();
  static readonly CACHE = 4;

  constructor(index: RecordingIndex) {
    this.index = index;
    this.#fd = fs.openSync(fsPath(index.path), fs.constants.O_RDONLY);
  }

  get count(): number {
    return this.index.lines.length;
  }

  /** Sample `i` (0-based), parsed from its bytes. The file changed under it: the line says so. */
  sample(i: number): Sample {
    const hit = this.#cache.get(i);
    if (hit) return hit;
    const line = this.index.lines[i];
    if (!line) throw new RangeError(`no Sample ${i + 1} in ${this.index.path}`);
    const bytes = Buffer.alloc(line.length);
    fs.readSync(this.#fd, bytes, 0, line.length, line.offset);
    const checked = checkLine(bytes.toString('utf8'));
    if (!checked.ok) throw new Error(`${this.index.path} changed while replayed: ${checked.reason}`);
    this.#cache.set(i, checked.sample);
    if (this.#cache.size > RecordingReader.CACHE) this.#cache.delete(this.#cache.keys().next().value!);
    return checked.sample;
  }

  close(): void {
    if (this.#fd < 0) return;
    fs.closeSync(this.#fd);
    this.#fd = -1;
    this.#cache.clear();
  }
}
