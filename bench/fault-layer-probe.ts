// Run by bench/faults.ts: what the fault layer costs mmtop, alone. The sampler thread's fault sampling
// (src/sampler/faults.ts: the rings read every 100 ms, the tally summarized once a tick) on PID for
// SECONDS, with nothing else of mmtop around it; prints {"lost", "samples"} as JSON when done.
import { FaultSession } from '../src/sampler/faults.js';
import type { Sample } from '../src/model/index.js';

const pid = Number(process.argv[2]);
const seconds = Number(process.argv[3]);
const session = new FaultSession();
let samples = 0;
let lost = 0;
// A Sample with no mappings: the source places faults in the maps it reads itself (as on a tick's miss).
const empty = { mappings: [], files: [] } as unknown as Sample;
// The bench ends the probe with SIGINT: it says what it counted, and releases the events, on the way out.
let stopped = false;
process.once('SIGINT', () => { stopped = true; });
try {
  session.update({ kind: 'process', pid }, { cellCount: 0, smaps: false, pageTable: false, system: false, faults: true });
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end && !stopped) {
    await new Promise((r) => setTimeout(r, 250));
    const f = session.summarize(empty);
    if (f?.state === 'on') {
      samples += f.summary.major + f.summary.minor;
      lost = f.totalLost;
    } else if (f?.state === 'refused') {
      throw new Error(f.reason);
    }
  }
  process.stdout.write(`${JSON.stringify({ samples, lost })}\n`);
} finally {
  session.close();
}
