// The `faults` row of npm run bench: what fault sampling costs the watched process and mmtop. A target
// takes one minor fault an iteration (bench/targets.py faulter), paced at 10,000 a second and unpaced;
// each window runs it alone, under the fault layer's sampling (bench/fault-layer-probe.ts: the sampler
// thread's code, alone), under `mmtop faults --all`, and under `perf trace -F all --no-syscalls` (the same
// events; `-F maj` would see none of these minor faults), interleaved over rounds.
// Paced, the slowdown is the target's CPU per fault against alone; unpaced, its fault rate against alone.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuSeconds, faultCounts, has, MMTOP, REPO, sleep, spread, type Spread } from './lib.js';

export const FAULT_RATE = 10_000;
export type FaultCondition = 'alone' | 'fault layer' | 'mmtop faults' | 'perf trace';
const CONDITIONS: FaultCondition[] = ['alone', 'fault layer', 'mmtop faults', 'perf trace'];

export interface FaultWindow {
  rate: 'paced' | 'unpaced';
  condition: FaultCondition;
  round: number;
  faultsPerSecond: number | null;
  targetCpuPercent: number | null;
  observerCpuPercent: number | null;
  lost: number | null;
  error: string | null;
}

export interface FaultsResult {
  id: 'faults';
  kind: 'faults';
  windows: FaultWindow[];
  loadBefore: number[];
  loadAfter: number[];
  windowSeconds: number;
  perf: string | null;
  seconds: number;
}

export interface FaultsDeps {
  spawnTarget(args: string[], readyTimeoutMs: number): Promise<{ child: ChildProcess }>;
  addChild(child: ChildProcess): void;
  endChild(child: ChildProcess): Promise<void>;
  log(line: string): void;
}

function perfFds(pid: number): number {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).filter((fd) => {
      try { return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:[perf_event]'; } catch { return false; }
    }).length;
  } catch {
    return 0;
  }
}

async function waitAttached(child: ChildProcess, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`the observer exited (${child.exitCode})`);
    if (perfFds(child.pid!) > 0) return;
    await sleep(50);
  }
  throw new Error('the observer opened no perf event in time');
}

function observerArgv(condition: FaultCondition, pid: number, seconds: number): string[] | null {
  switch (condition) {
    case 'alone': return null;
    case 'fault layer': return [process.execPath, '--import', 'tsx', path.join(REPO, 'bench/fault-layer-probe.ts'), String(pid), String(seconds + 30)];
    case 'mmtop faults': return [...MMTOP, 'faults', String(pid), '--all', '--json'];
    case 'perf trace': return ['perf', 'trace', '-F', 'all', '--no-syscalls', '-p', String(pid), '-o', '/dev/null'];
  }
}

export async function faultsRow(o: { rounds: number; quick: boolean }, deps: FaultsDeps): Promise<FaultsResult> {
  const started = performance.now();
  const windowSeconds = o.quick ? 3 : 5;
  const perfVersion = has('perf') ? 'perf' : null;
  const result: FaultsResult = { id: 'faults', kind: 'faults', windows: [], loadBefore: os.loadavg(), loadAfter: [], windowSeconds, perf: perfVersion, seconds: 0 };
  for (let round = 0; round < o.rounds; round++) {
    for (const [rate, perSecond] of [['paced', FAULT_RATE], ['unpaced', 0]] as const) {
      const target = await deps.spawnTarget(['faulter', String(perSecond)], 30_000);
      const pid = target.child.pid!;
      try {
        // Rotated each round, so no condition always runs first.
        const order = CONDITIONS.map((_, i) => CONDITIONS[(i + round) % CONDITIONS.length]!);
        for (const condition of order) {
          deps.log(`  faults round ${round + 1}/${o.rounds} ${rate}: ${condition}`);
          const w: FaultWindow = { rate, condition, round, faultsPerSecond: null, targetCpuPercent: null, observerCpuPercent: null, lost: null, error: null };
          let observer: ChildProcess | undefined;
          let out = '';
          try {
            const argv = observerArgv(condition, pid, windowSeconds);
            if (condition === 'perf trace' && !perfVersion) throw new Error('perf is not installed (apt-get install linux-perf)');
            if (argv) {
              observer = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
              deps.addChild(observer);
              observer.stdout!.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-4096); });
              observer.stderr!.resume();
              await waitAttached(observer, 60_000);
              await sleep(1000); // past the attach: threads opened, first polls done
            }
            const f0 = faultCounts(pid);
            const c0 = cpuSeconds(pid);
            const o0 = observer ? cpuSeconds(observer.pid!) : 0;
            const t0 = performance.now();
            await sleep(windowSeconds * 1000);
            const f1 = faultCounts(pid);
            const c1 = cpuSeconds(pid);
            const o1 = observer ? cpuSeconds(observer.pid!) : 0;
            const s = (performance.now() - t0) / 1000;
            w.faultsPerSecond = (f1.minor + f1.major - f0.minor - f0.major) / s;
            w.targetCpuPercent = (100 * (c1 - c0)) / s;
            w.observerCpuPercent = observer ? (100 * (o1 - o0)) / s : null;
          } catch (error) {
            w.error = error instanceof Error ? error.message : String(error);
            deps.log(`    ${w.error}`);
          } finally {
            if (observer) {
              const exited = new Promise<void>((resolve) => observer!.once('exit', () => resolve()));
              if (observer.exitCode === null) observer.kill('SIGINT');
              await Promise.race([exited, sleep(10_000)]);
              await deps.endChild(observer);
              if (condition === 'fault layer') {
                try { w.lost = Number((JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { lost?: number }).lost ?? NaN); } catch { /* no summary */ }
              } else if (condition === 'mmtop faults') {
                w.lost = out.split('\n').filter((l) => l.startsWith('{"lost"')).reduce((a, l) => a + Number((JSON.parse(l) as { lost: number }).lost), 0);
              }
            }
          }
          result.windows.push(w);
        }
      } finally {
        await deps.endChild(target.child);
      }
    }
  }
  result.loadAfter = os.loadavg();
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

const pct = (v: number): string => `${v >= 10 ? v.toFixed(0) : v.toFixed(1)}%`;
const cellOf = (s: Spread | null, f: (v: number) => string): string => (!s ? 'n/a' : s.n === 1 ? f(s.median) : `${f(s.min)}/${f(s.median)}/${f(s.max)}`);

/** The row's table: per rate and condition, min/median/max over rounds. */
export function faultsMarkdown(r: FaultsResult): string {
  const lines = [
    `### Fault sampling (\`--only faults\`): a target taking minor faults, ${r.windowSeconds} s windows, load ${r.loadBefore[0]?.toFixed(1)} → ${r.loadAfter[0]?.toFixed(1)}`,
    '',
    '| rate | condition | target faults/s | target slowdown | target CPU | observer CPU | lost |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const rate of ['paced', 'unpaced'] as const) {
    const alone = r.windows.filter((w) => w.rate === rate && w.condition === 'alone');
    const aloneRate = spread(alone.map((w) => w.faultsPerSecond));
    const aloneCost = spread(alone.map((w) => (w.targetCpuPercent !== null && w.faultsPerSecond ? w.targetCpuPercent / w.faultsPerSecond : null)));
    for (const condition of CONDITIONS) {
      const ws = r.windows.filter((w) => w.rate === rate && w.condition === condition);
      if (ws.length === 0) continue;
      const errors = ws.filter((w) => w.error).map((w) => w.error);
      const slowdown = condition === 'alone' ? null : spread(ws.map((w) => {
        if (w.faultsPerSecond === null || w.targetCpuPercent === null) return null;
        // Paced: CPU per fault against alone's median; unpaced: the rate against alone's median.
        if (rate === 'paced') return aloneCost ? (100 * (w.targetCpuPercent / w.faultsPerSecond - aloneCost.median)) / aloneCost.median : null;
        return aloneRate ? (100 * (aloneRate.median - w.faultsPerSecond)) / aloneRate.median : null;
      }));
      lines.push(`| ${rate === 'paced' ? `${FAULT_RATE.toLocaleString('en')}/s` : 'unpaced'} | ${condition} | ${cellOf(spread(ws.map((w) => w.faultsPerSecond)), (v) => Math.round(v).toLocaleString('en'))} | ${condition === 'alone' ? '' : cellOf(slowdown, pct)} | ${cellOf(spread(ws.map((w) => w.targetCpuPercent)), pct)} | ${cellOf(spread(ws.map((w) => w.observerCpuPercent)), pct)} | ${cellOf(spread(ws.map((w) => w.lost)), (v) => String(Math.round(v)))}${errors.length ? ` (${errors[0]})` : ''} |`);
    }
  }
  return lines.join('\n');
}
