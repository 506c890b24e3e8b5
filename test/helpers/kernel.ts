// Helpers for tests against the real kernel: temp dirs under /var/tmp (a disk filesystem, never tmpfs),
// real child processes that are always ended, and cache control through native/.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fadvise, filesystemOf, pageSizeBytes } from '../../native/index.js';

export const PAGE = pageSizeBytes;
const children = new Set<ChildProcess>();
const dirs = new Set<string>();

/** A fresh directory under /var/tmp; removed by cleanupAll(). Fails loudly if /var/tmp is tmpfs. */
export function tempDir(prefix = 'mmtop-test-'): string {
  const dir = fs.mkdtempSync(path.join('/var/tmp', prefix));
  dirs.add(dir);
  const fsInfo = filesystemOf(dir);
  if (fsInfo.memoryBacked) throw new Error(`${dir} is on ${fsInfo.name}: kernel tests need a disk filesystem`);
  return dir;
}

/** A file of `pages` pages of non-zero data, written through and evicted from the cache. */
export function makeColdFile(dir: string, name: string, pages: number): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w+');
  try {
    const chunk = Buffer.alloc(PAGE * 256, 0x41);
    for (let written = 0; written < pages; written += 256) {
      fs.writeSync(fd, chunk, 0, Math.min(256, pages - written) * PAGE);
    }
    fs.fsyncSync(fd);
    fadvise(fd, 0, 0, 'DONTNEED');
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

/** makeColdFile for a name that is any bytes (not UTF-8, controls): the path as a Buffer. */
export function makeColdFileBytes(dir: string, name: Buffer, pages: number): Buffer {
  const file = Buffer.concat([Buffer.from(`${dir}/`), name]);
  const fd = fs.openSync(file, 'w+');
  try {
    fs.writeSync(fd, Buffer.alloc(PAGE * pages, 0x41));
    fs.fsyncSync(fd);
    fadvise(fd, 0, 0, 'DONTNEED');
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

/** Evicts a file's clean, unmapped pages (posix_fadvise DONTNEED). */
export function evict(file: string): void {
  evictPages(file, 0, 0);
}

/** Evicts pages [first, first + count) of a file, clean and unmapped ones (count 0: to the end). */
export function evictPages(file: string, first: number, count: number): void {
  const fd = fs.openSync(file, 'r');
  try {
    fadvise(fd, first * PAGE, count * PAGE, 'DONTNEED');
  } finally {
    fs.closeSync(fd);
  }
}

export interface Mapper {
  pid: number;
  stop(): Promise<void>;
}

/** Starts test/helpers/mapper.py and waits until it has touched its pages. */
export async function startMapper(file: string, mode: 'read' | 'write', pages: string, random = true): Promise<Mapper> {
  const script = new URL('./mapper.py', import.meta.url).pathname;
  const child = spawn('python3', [script, file, mode, pages, random ? 'random' : ''], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`mapper exited early (${code})`)));
    child.once('error', reject);
  });
  return { pid: child.pid!, stop: () => stopChild(child) };
}

/** Spawns any child and tracks it so cleanupAll() ends it. */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
  children.delete(child);
}

/** Ends every child and removes every temp dir: call from `after()`. */
export async function cleanupAll(): Promise<void> {
  await Promise.all([...children].map(stopChild));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

/** Runs a node script as user `nobody` (setpriv), from the repo root so tsx resolves. */
export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/** Starts a python3 helper script from test/helpers and waits for its first line of output. */
export async function startScript(script: string, args: string[], readyWord: string): Promise<{ pid: number; child: ChildProcess; firstLine: string }> {
  const child = spawn('python3', [new URL(`./${script}`, import.meta.url).pathname, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  const firstLine = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(readyWord) && out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited early (${code})`)));
    child.once('error', reject);
  });
  return { pid: child.pid!, child, firstLine };
}

/** Runs `fn` with `pid` stopped (SIGSTOP), so two tools can read it at the same moment. */
export async function whileStopped<T>(pid: number, fn: () => T | Promise<T>): Promise<T> {
  process.kill(pid, 'SIGSTOP');
  try {
    return await fn();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

/**
 * Polls `accept` until it returns a value (not undefined), or fails after `timeoutMs` saying `what`:
 * tests wait for the state they assert, never for a fixed time.
 */
export async function eventually<T>(accept: () => T | undefined, what: string, timeoutMs = 10_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = accept();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Pages of `file` present in `pid`'s page table, from smaps Rss of its VMAs of the file (KiB / page). */
export function residentPagesOf(pid: number, file: string): number {
  const smaps = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8');
  let inFile = false;
  let kib = 0;
  for (const line of smaps.split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inFile = line.endsWith(` ${file}`);
    else if (inFile && line.startsWith('Rss:')) kib += Number(/(\d+)/.exec(line)![1]);
  }
  return (kib * 1024) / PAGE;
}

/** Waits until `pid` maps `file` (the article's script prints its pid before it maps the file). */
export async function waitMapped(pid: number, file: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (fs.readFileSync(`/proc/${pid}/maps`, 'utf8').includes(file)) return;
    } catch {
      // Not there yet, or gone.
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`process ${pid} did not map ${file}`);
}

/** util-linux fincore's page count of `file` (it uses mincore): the reference the kernel tests compare with. */
export function fincorePages(file: string): number {
  return Number(execFileSync('fincore', ['--raw', '--noheadings', '--output', 'PAGES', file], { encoding: 'utf8' }).trim());
}

/** Spawns `argv` and waits for its "ready" line (mapper.py and the namespace helpers print it). */
export async function startReady(argv: string[]): Promise<{ pid: number; child: ChildProcess }> {
  const child = track(spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] }));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited early (${code})`)));
  });
  return { pid: child.pid!, child };
}
