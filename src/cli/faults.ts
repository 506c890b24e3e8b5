// `mmtop faults <pid> [--major|--minor|--all] [--json] [--duration S]`: every sampled page fault of a
// process, one line each, like `perf trace -F maj --no-syscalls`, or one JSON object a line. Ends on
// Ctrl-C, SIGTERM, SIGHUP, a closed pipe (`| head`), --duration, and the target's exit; the events and
// rings are released in a `finally` on each.
import fs from 'node:fs';
import type { FaultKind } from '../../native/index.js';
import { FaultSource } from '../faults/source.js';
import { faultJson, faultLine, lostLine } from '../faults/format.js';
import { CliError, usageError } from './errors.js';
import { parseNumberOption, requireLiveProcess } from './args.js';
import { MAX_DURATION_SECONDS } from './workload.js';
import { treatClosedPipeAsEnd } from '../terminal/stdio.js';
import { decodeName } from '../model/index.js';
import { jsonText } from '../model/index.js';

export interface FaultsArgs {
  pid: number;
  major: boolean;
  minor: boolean;
  all: boolean;
  json: boolean;
  duration: string | undefined;
}

/** How often the rings are read: each holds twice this long at 20,000 faults a second (native/perf.ts). */
export const POLL_INTERVAL_MS = 100;
/** Bytes waiting for stdout past which the rings are left unread (the kernel counts what it drops as lost). */
const OUTPUT_BACKLOG_BYTES = 1 << 22;

export function faultKinds(args: Pick<FaultsArgs, 'major' | 'minor' | 'all'>): FaultKind[] {
  const chosen = [args.major, args.minor, args.all].filter(Boolean).length;
  if (chosen > 1) throw usageError('give one of --major, --minor and --all');
  if (args.all) return ['major', 'minor'];
  if (args.minor) return ['minor'];
  return ['major'];
}

/**
 * A thread's comm as a name (model/names.ts: its bytes kept), or '?' when it cannot be read. Read as latin1
 * it turned a comm holding U+202E (e2 80 ae) into "â\xc2\x80®", and a byte 0xff into "ÿ", not "\xff".
 */
export function readComm(pid: number, tid: number): string {
  try {
    const bytes = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`);
    return decodeName(bytes.subarray(0, bytes.at(-1) === 0x0a ? -1 : bytes.length));
  } catch {
    return '?';
  }
}

function commOf(pid: number, tid: number, cache: Map<number, string>): string {
  let comm = cache.get(tid);
  if (comm === undefined) {
    comm = readComm(pid, tid);
    cache.set(tid, comm);
  }
  return comm;
}

export async function faultsCommand(args: FaultsArgs): Promise<number> {
  const kinds = faultKinds(args);
  const durationS = args.duration === undefined ? undefined
    : parseNumberOption('--duration', args.duration, { min: 0, positive: true, max: MAX_DURATION_SECONDS, what: 'a positive number of seconds', above: 'seconds, a year' });
  requireLiveProcess(args.pid);
  // Times are shown from here: the events start counting as they are opened.
  const originNs = Number(process.hrtime.bigint());
  const opened = FaultSource.open(args.pid, kinds, POLL_INTERVAL_MS);
  if (!opened.ok) throw new CliError(`fault sampling refused: ${opened.refusal.reason}; to allow it: ${opened.refusal.allow}`);
  const source = opened.source;
  treatClosedPipeAsEnd();
  const out = process.stdout;
  const comms = new Map<number, string>();
  let ended = false;
  let pipeClosed = false;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => { finish = resolve; });
  const stop = (): void => {
    ended = true;
    finish();
  };
  const write = (line: string): void => {
    if (pipeClosed) return;
    out.write(`${line}\n`);
  };
  const onFault = (event: Parameters<Parameters<FaultSource['poll']>[0]>[0], where: Parameters<Parameters<FaultSource['poll']>[0]>[1]): void => {
    if (pipeClosed) return;
    write(args.json ? jsonText(faultJson(event, where)) : faultLine(event, where, commOf(args.pid, event.tid, comms), originNs));
  };
  const onError = (error: NodeJS.ErrnoException): void => {
    // The reader went away (`| head -3`): done, not a failure.
    if (error.code === 'EPIPE') {
      pipeClosed = true;
      stop();
    }
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  out.on('error', onError);
  for (const s of signals) process.on(s, stop);
  if (source.ringLimit) process.stderr.write(`mmtop: ${source.ringLimit}\n`);
  let timer: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  try {
    timer = setInterval(() => {
      if (ended) return;
      if (out.writableLength > OUTPUT_BACKLOG_BYTES) return; // let the reader catch up; the kernel counts drops
      const r = source.poll(onFault);
      if (r.lost > 0) write(lostLine(r.lost, args.json));
      if (r.ended) stop();
    }, POLL_INTERVAL_MS);
    if (durationS !== undefined) deadline = setTimeout(stop, durationS * 1000);
    await done;
    if (!pipeClosed) {
      const r = source.drain(onFault);
      if (r.lost > 0) write(lostLine(r.lost, args.json));
    }
  } finally {
    clearInterval(timer);
    clearTimeout(deadline);
    source.close();
    for (const s of signals) process.off(s, stop);
  }
  // Let what was written reach the pipe before the caller exits (an ended pipe drops it, which is fine).
  if (!pipeClosed && out.writableLength > 0) await new Promise<void>((resolve) => out.write('', () => resolve()));
  out.off('error', onError);
  return 0;
}
