// Helpers for the benchmark and the soak: timing commands, reading a process's CPU, RSS and fds.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const REPO = new URL('../', import.meta.url).pathname;
/**
 * mmtop as users run it: the built bin as its #! line runs it (`#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS
 * node --max-semi-space-size=2`: the variables it unsets, the node flags it gives: src/bin/mmtop.ts), by
 * this node.
 */
export const MMTOP = [...shebangPrefix(`${REPO}dist/bin/mmtop.js`), `${REPO}dist/bin/mmtop.js`];

interface Shebang {
  /** Variables `env -u` removes before node starts. */
  unset: string[];
  /** node's flags. */
  flags: string[];
}

function readShebang(bin: string): Shebang {
  let first = '';
  try {
    first = fs.readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  } catch {
    return { unset: [], flags: [] }; // not built yet: the bench says "build first"
  }
  const words = first.replace(/^#!\S*env\s+(-S\s+)?/, '').split(/\s+/).filter((w) => w !== '');
  const unset: string[] = [];
  while (words[0] === '-u' && words[1] !== undefined) {
    unset.push(words[1]);
    words.splice(0, 2);
  }
  return { unset, flags: words[0] === 'node' ? words.slice(1).filter((w) => w.startsWith('--')) : [] };
}

/**
 * argv before the bin that starts it as its #! line does, with this node: `env -u NAME…` (env execs node,
 * so the pid is node's) when the line unsets variables, then node and its flags.
 */
export function shebangPrefix(bin: string): string[] {
  const { unset, flags } = readShebang(bin);
  const node = [process.execPath, ...flags];
  return unset.length === 0 ? node : ['/usr/bin/env', ...unset.flatMap((name) => ['-u', name]), ...node];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall time of a command, median of `runs`, in ms; null when the command is missing or fails. */
export function timeCommand(argv: string[], runs: number): number | null {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    if (r.error || r.status !== 0) return null;
    times.push(performance.now() - start);
  }
  return median(times);
}

export function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** utime + stime of a process (all its threads), in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[14 - 3]) + Number(f[15 - 3])) / 100;
}

export function rssBytes(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export function fdCount(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

export function pgrep(pattern: string): number[] {
  return spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function tmux(socket: string, args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

/** Fields of /proc/PID/stat after the command name, numbered as in proc(5) (state is field 3). */
function statFields(pid: number): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Page faults of a process so far: minflt (field 10) and majflt (field 12) of /proc/PID/stat, proc(5). */
export function faultCounts(pid: number): { minor: number; major: number } {
  const f = statFields(pid);
  return { minor: Number(f[10 - 3]), major: Number(f[12 - 3]) };
}

/**
 * When a process started, in clock ticks after boot (field 22): with the pid, it names one process, so a
 * pid reused by someone else's process is never signalled by mistake. null when the process is gone.
 */
export function startTicks(pid: number): number | null {
  try {
    return Number(statFields(pid)[22 - 3]);
  } catch {
    return null;
  }
}

/** The command name (/proc/PID/comm); null when the process is gone. */
export function commOf(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** A process's children (/proc/PID/task/TID/children of each thread, proc(5)); [] when it is gone. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let tids: string[] = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      for (const c of fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(' ')) if (c) out.push(Number(c));
    } catch { /* the thread ended */ }
  }
  return out;
}

/** MemAvailable of /proc/meminfo, in bytes. */
export function memAvailableBytes(): number {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
  n: number;
}

/** min/median/max of the values that are numbers; null when there are none. */
export function spread(values: ReadonlyArray<number | null | undefined>): Spread | null {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (known.length === 0) return null;
  return { min: Math.min(...known), median: median(known), max: Math.max(...known), n: known.length };
}


/** One word for sh -c: single quotes, with each ' written as '\''. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
