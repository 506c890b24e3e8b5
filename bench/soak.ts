// npm run soak [-- SECONDS]: mmtop at a 0.1 s interval against a target that maps and unmaps files all the
// time. Passes when mmtop is alive at the end, its RSS grew by less than 10% after the warm-up (the first
// minute, or the first half of a short run), and its open file descriptors stayed flat. CI runs 90 s.
// The sampler thread keeps the target's mapped files open between ticks (src/sampler/session.ts), so
// those fds follow what the target maps: they are counted apart, and must stay within what it can map.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { median, MMTOP, pgrep, REPO, rssBytes, sleep, tmux } from './lib.js';

export interface SoakResult {
  seconds: number;
  rssAfterWarmupBytes: number;
  rssEndBytes: number;
  rssGrowthPercent: number;
  fdMin: number;
  fdMax: number;
  /** Most fds open on the target's files (the churn directory's) at once. */
  targetFileFdsMax: number;
  alive: boolean;
  samples: Array<{ atSeconds: number; rssBytes: number; fds: number; targetFileFds: number }>;
}

/**
 * churn.py keeps at most 31 mappings: the session holds one fd a file of the last tick's maps, and in a
 * tick, before its sweep, those of this one's too.
 */
export const TARGET_FILE_FDS_MAX = 62;

/** mmtop's fds: those on files in `dir` (the target's), and the others (which must stay flat). */
function fdsOf(pid: number, dir: string): { other: number; inDir: number } {
  let other = 0;
  let inDir = 0;
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let target = '';
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      // Closed since the listing.
      continue;
    }
    if (target.startsWith(`${dir}/`)) inDir++;
    else other++;
  }
  return { other, inDir };
}

export async function runSoak(seconds: number, log: (line: string) => void = () => {}): Promise<SoakResult> {
  const dir = fs.mkdtempSync('/var/tmp/mmtop-soak-');
  const socket = `mmtop-soak-${process.pid}`;
  const churn = spawn('python3', [path.join(REPO, 'test/helpers/churn.py'), dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      churn.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
      churn.once('exit', () => reject(new Error('churn target exited')));
    });
    tmux(socket, ['-f', '/dev/null', 'new-session', '-d', '-s', 'soak', '-x', '200', '-y', '50', `exec ${MMTOP.join(' ')} -d 0.1 ${churn.pid}`]);
    await sleep(3000);
    const mmtopPid = pgrep(`mmtop.js -d 0.1 ${churn.pid}`).find((p) => fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'node');
    if (mmtopPid === undefined) throw new Error('mmtop did not start');
    // Move about the UI as a user would, so more than one code path runs.
    tmux(socket, ['send-keys', '-t', 'soak', 'Enter', 'z', 'z', 'Right', 'Escape', 'a', 'L']);
    // Half of a short run is warm-up: in two of four 60 s runs with the machine busy, RSS still climbed from
    // 152 to 170 MiB between 20 s and 60 s, while 150 s and 180 s runs levelled off at 141-150 MiB.
    const warmupSeconds = seconds >= 180 ? 60 : Math.round(seconds / 2);
    const samples: SoakResult['samples'] = [];
    const started = Date.now();
    let alive = true;
    while ((Date.now() - started) / 1000 < seconds) {
      await sleep(Math.min(2000, seconds * 50));
      if (!fs.existsSync(`/proc/${mmtopPid}`)) {
        alive = false;
        break;
      }
      const at = (Date.now() - started) / 1000;
      const fds = fdsOf(mmtopPid, dir);
      samples.push({ atSeconds: at, rssBytes: rssBytes(mmtopPid), fds: fds.other, targetFileFds: fds.inDir });
      log(`${at.toFixed(0)} s: RSS ${(samples.at(-1)!.rssBytes / 2 ** 20).toFixed(1)} MiB, ${fds.other} fds and ${fds.inDir} on the target's files`);
    }
    const afterWarmup = samples.filter((s) => s.atSeconds >= warmupSeconds);
    // RSS swings by 10 to 20 MiB with V8's collections: compare medians, not two single points.
    const medianRss = (list: SoakResult['samples']): number => median(list.map((s) => s.rssBytes));
    // A sample every 2 s, and the medians of the first and the last third after the warm-up: three samples
    // a side swung by 10% under load in a 60 s run whose 180 s run stayed within 141-150 MiB.
    const third = Math.max(3, Math.floor(afterWarmup.length / 3));
    const base = { rssBytes: medianRss(afterWarmup.slice(0, third)) };
    const end = { rssBytes: medianRss(afterWarmup.slice(-third)) };
    const fds = afterWarmup.map((s) => s.fds);
    tmux(socket, ['send-keys', '-t', 'soak', 'q']);
    return {
      seconds, rssAfterWarmupBytes: base.rssBytes, rssEndBytes: end.rssBytes,
      rssGrowthPercent: (100 * (end.rssBytes - base.rssBytes)) / base.rssBytes,
      fdMin: Math.min(...fds), fdMax: Math.max(...fds), targetFileFdsMax: Math.max(...samples.map((s) => s.targetFileFds)), alive, samples,
    };
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    fs.rmSync(`/tmp/tmux-${process.getuid?.() ?? 0}/${socket}`, { force: true });
    churn.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.argv[2] ?? 600);
  const r = await runSoak(seconds, (line) => console.log(line));
  const ok = r.alive && r.rssGrowthPercent < 10 && r.fdMax - r.fdMin <= 2 && r.targetFileFdsMax <= TARGET_FILE_FDS_MAX;
  console.log(`soak ${seconds} s: alive ${r.alive}, RSS ${(r.rssAfterWarmupBytes / 2 ** 20).toFixed(1)} -> ${(r.rssEndBytes / 2 ** 20).toFixed(1)} MiB (${r.rssGrowthPercent.toFixed(1)}%), fds ${r.fdMin}..${r.fdMax}, at most ${r.targetFileFdsMax} on the target's files: ${ok ? 'PASS' : 'FAIL'}`);
  process.exitCode = ok ? 0 : 1;
}
