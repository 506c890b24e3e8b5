// The TUI's side of a workload: starts `mmtop workload` as a child, reads its status lines, sends it
// advice, and always ends it (the child also dies with us through PR_SET_PDEATHSIG).
import { spawn, type ChildProcess } from 'node:child_process';
import { mmtopEntryArgs } from './self.js';
import type { Pattern, WorkloadAdvice } from './patterns.js';

export interface WorkloadSpec {
  file: string;
  pattern: Pattern;
  rate: number;
  advice: WorkloadAdvice;
  allowWrite?: boolean;
  createBytes?: number;
  removeOnExit?: boolean;
  /** Map every page first (workload --warm). */
  warm?: boolean;
}

export interface WorkloadStatus {
  reads: number;
  writes: number;
  elapsedMs: number;
  minorFaults: number | null;
  majorFaults: number | null;
}

export type WorkloadEvent =
  | { type: 'status'; status: WorkloadStatus }
  | { type: 'advised'; advice: string; ok: boolean; error?: string }
  | { type: 'exited'; code: number | null; signal: NodeJS.Signals | null; stderr: string };

export interface WorkloadHandle {
  pid: number;
  spec: WorkloadSpec;
  /** Sends madvise advice for its whole mapping (answered by an 'advised' event). */
  advise(advice: string): void;
  /** Ends it and waits for it to exit. */
  stop(): Promise<void>;
  readonly exited: boolean;
}

/** Starts a workload and resolves once it printed "pid: N". */
export function startWorkload(spec: WorkloadSpec, onEvent: (event: WorkloadEvent) => void): Promise<WorkloadHandle> {
  const args = [
    ...mmtopEntryArgs(), 'workload', spec.file, '--pattern', spec.pattern, '--rate', String(spec.rate), '--advice', spec.advice,
    '--control', '--status-ms', '1000',
    ...(spec.allowWrite ? ['--allow-write'] : []),
    ...(spec.createBytes !== undefined ? ['--create', String(spec.createBytes)] : []),
    ...(spec.removeOnExit ? ['--remove-on-exit'] : []),
    ...(spec.warm ? ['--warm'] : []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
  let exited = false;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve, reject) => {
    let buffered = '';
    let started = false;
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (!started && line.startsWith('pid: ')) {
          started = true;
          resolve(handle);
          continue;
        }
        try {
          const message = JSON.parse(line) as Record<string, unknown>;
          if (message.event === 'status') {
            onEvent({ type: 'status', status: message as unknown as WorkloadStatus });
          } else if (message.event === 'advised') {
            onEvent({ type: 'advised', advice: String(message.advice), ok: message.ok === true, ...(message.error ? { error: String(message.error) } : {}) });
          }
        } catch {
          // Not a status line: ignore.
        }
      }
    });
    const exitedPromise = new Promise<void>((done) => {
      child.once('exit', (code, signal) => {
        exited = true;
        onEvent({ type: 'exited', code, signal, stderr: stderr.trim() });
        if (!started) reject(new Error(stderr.trim().split('\n').pop() || `workload exited (${signal ?? code})`));
        done();
      });
    });
    child.once('error', reject);
    child.stdin!.on('error', () => undefined);
    const handle: WorkloadHandle = {
      pid: child.pid!,
      spec,
      advise(advice: string) {
        if (!exited) child.stdin!.write(`advise ${advice}\n`);
      },
      async stop() {
        if (exited) return;
        child.kill('SIGTERM');
        const timeout = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exitedPromise;
        clearTimeout(timeout);
      },
      get exited() {
        return exited;
      },
    };
  });
}

/** Words for how a workload ended: SIGBUS means its file shrank under its mapping. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  if (signal === 'SIGBUS') return 'the workload died of SIGBUS: its file was truncated under its mapping';
  if (signal === 'SIGTERM' || code === 0) return 'the workload ended';
  if (signal) return `the workload was killed by ${signal}`;
  return `the workload failed (exit ${code})${stderr ? `: ${stderr.split('\n').pop()}` : ''}`;
}
