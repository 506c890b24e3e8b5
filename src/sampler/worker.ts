// The sampler's thread: sampleOnce runs here so that a slow sample (smaps of 5,000 mappings) never blocks
// keys. It answers one request at a time; the main thread's loop is the only clock.
import { parentPort } from 'node:worker_threads';
import type { Sample, SamplePlan, Target } from '../model/index.js';
import { carrySmaps } from './carry.js';
import { CpuMeter } from './cpu.js';
import { encodeDelta, shareEqualCells } from './delta.js';
import { sampleOnce } from './sample-once.js';
import { SamplerSession } from './session.js';
import { FaultSession } from './faults.js';

export interface SampleRequest {
  id: number;
  target: Target;
  plan: SamplePlan;
  /** Send every record: the client lost track of the last Sample (delta.ts). */
  full?: boolean;
}

// CPU % from the ticks this thread reads anyway: no second read of /proc/PID/stat, and no child process
// (pidusage ran `/bin/sh -c "getconf CLK_TCK"` here; mmtop never runs a shell).
const cpu = new CpuMeter();

// Files stay open between ticks (and each file's last measurement is kept): released on `close`, the
// client's last message, and when the thread's port closes. Threads share the process's fds, so a
// terminated worker would leave them open.
const session = new SamplerSession();
// Fault sampling's events and rings: released with the session (close, and the port's end).
const faults = new FaultSession();

// The Sample posted last and its number: the next one is sent as a delta against it (delta.ts). sampleOnce
// builds new records every tick and never changes one it has returned, so this stays what was sent.
let lastSent: Sample | null = null;
let lastSeq = 0;

parentPort?.on('message', (request: SampleRequest | { close: true; id: number }) => {
  if ('close' in request) {
    session.close();
    faults.close();
    parentPort?.postMessage({ id: request.id, closed: true });
    return;
  }
  answer(request);
});
parentPort?.on('close', () => {
  session.close();
  faults.close();
});

function answer(request: SampleRequest): void {
  try {
    // The stat line is read at the start of the sample: the time taken before it is the same every tick.
    const atMs = performance.now();
    faults.update(request.target, request.plan);
    const result = sampleOnce(request.target, request.plan, Date.now, session);
    const faultSampling = faults.summarize(result.sample);
    if (faultSampling) result.sample.faults = faultSampling;
    const p = result.sample.process;
    if (p) {
      p.cpuPercent = cpu.measure({ pid: p.pid, startTimeTicks: p.startTimeTicks, cpuTicks: p.userTicks + p.systemTicks, atMs }, result.sample.clockTicksPerSecond);
    }
    // A tick without smaps keeps the last smaps figures here, before the delta, so that the mappings of an
    // idle process compare equal and are not sent again (the client's carrySmaps then has nothing to do).
    const base = request.full ? null : lastSent;
    const sameProcess = base?.process && p && base.process.pid === p.pid && base.process.startTimeTicks === p.startTimeTicks;
    const carried = sameProcess ? carrySmaps(base, result.sample) : result.sample;
    const sample = shareEqualCells(base, carried);
    const delta = encodeDelta(base, lastSeq, sample, lastSeq + 1);
    lastSent = sample;
    lastSeq += 1;
    const { sample: _sent, ...rest } = result;
    parentPort?.postMessage({ id: request.id, result: rest, delta });
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
}
