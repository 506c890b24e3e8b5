// npm run bench: mmtop against the tools users trust, in the same run, on this machine. Prints a Markdown
// table of medians and ratios (README.md quotes it) and writes bench/results/latest.json.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuSeconds, has, median, MMTOP, pgrep, REPO, rssBytes, sleep, timeCommand, tmux } from './lib.js';

/** The one process matching `pattern` whose command name is `comm` (tmux's server carries the client's argv). */
function pidOf(pattern: string, comm: string): number {
  const pid = pgrep(pattern).find((p) => fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === comm);
  if (pid === undefined) throw new Error(`bench: no ${comm} process matching ${pattern}`);
  return pid;
}

const quick = process.argv.includes('--quick');
const RUNS = quick ? 2 : 5;
const SLOW_RUNS = quick ? 1 : 3;
const WATCH_SECONDS = quick ? 8 : 20;

interface Row { what: string; mmtop: string; peer: string; ratio: string }
const rows: Row[] = [];
const results: Record<string, unknown> = { machine: `${os.cpus().length} cores, ${os.release()}, node ${process.version}`, date: new Date().toISOString() };
const ms = (v: number | null): string => (v === null ? 'n/a' : v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
/** "N× faster/slower": mmtop's time `a` against the peer's `b` (lower is better). */
const ratio = (a: number | null, b: number | null): string => (a === null || b === null || a === 0 || b === 0 ? 'n/a' : b >= a ? `mmtop ${(b / a).toFixed(1)}× faster` : `mmtop ${(a / b).toFixed(1)}× slower`);
/** For costs (CPU, memory, bytes): "N× more/less" of mmtop's `a` against the peer's `b`. */
const costRatio = (a: number | null | undefined, b: number | null | undefined): string => (a == null || b == null || a === 0 || b === 0 ? 'n/a' : a >= b ? `mmtop ${(a / b).toFixed(1)}× more` : `mmtop ${(b / a).toFixed(1)}× less`);

const dir = fs.mkdtempSync('/var/tmp/mmtop-bench-');
const children: Array<ReturnType<typeof spawn>> = [];
const socket = `mmtop-bench-${process.pid}`;

async function main(): Promise<void> {
  // 1. A 1 TiB sparse file with 64 MiB written in four places: residency without walking it page by page.
  const sparse = path.join(dir, 'sparse.db');
  const fd = fs.openSync(sparse, 'w');
  fs.ftruncateSync(fd, 2 ** 40);
  const chunk = Buffer.alloc(16 << 20, 1);
  for (const at of [0, 2 ** 38, 2 ** 39, 2 ** 40 - (16 << 20)]) fs.writeSync(fd, chunk, 0, chunk.length, at);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  const mmtopFincore = timeCommand([...MMTOP, 'fincore', '--cells', '2000', '--json', sparse], RUNS);
  const utilFincore = has('fincore') ? timeCommand(['fincore', sparse], SLOW_RUNS) : null;
  const vmtouch = has('vmtouch') ? timeCommand(['vmtouch', sparse], SLOW_RUNS) : null;
  rows.push({ what: '1 TiB sparse file, residency (mmtop fincore --cells 2000 vs util-linux fincore)', mmtop: ms(mmtopFincore), peer: ms(utilFincore), ratio: ratio(mmtopFincore, utilFincore) });
  rows.push({ what: '1 TiB sparse file, residency (mmtop fincore --cells 2000 vs vmtouch)', mmtop: ms(mmtopFincore), peer: ms(vmtouch), ratio: ratio(mmtopFincore, vmtouch) });
  results.sparse = { mmtopFincoreMs: mmtopFincore, utilFincoreMs: utilFincore, vmtouchMs: vmtouch };

  // 2. A process with 5,000 mappings: one snapshot with 2,000 cells a file, against pmap -x.
  const mapped = path.join(dir, 'many.db');
  fs.writeFileSync(mapped, Buffer.alloc(10_000 * 4096, 2));
  const many = spawn('python3', [path.join(REPO, 'test/helpers/many_mappings.py'), mapped, '5000'], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(many);
  await new Promise<void>((resolve) => many.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); }));
  const pid = many.pid!;
  const snapshot = timeCommand([...MMTOP, 'snapshot', '--cells', '2000', '--json', String(pid)], RUNS);
  const snapshotText = timeCommand([...MMTOP, 'snapshot', String(pid)], RUNS);
  const pmap = timeCommand(['pmap', '-x', String(pid)], RUNS);
  rows.push({ what: '5,000 mappings: mmtop snapshot --cells 2000 --json vs pmap -x', mmtop: ms(snapshot), peer: ms(pmap), ratio: ratio(snapshot, pmap) });
  rows.push({ what: '5,000 mappings: mmtop snapshot (text) vs pmap -x', mmtop: ms(snapshotText), peer: ms(pmap), ratio: ratio(snapshotText, pmap) });
  results.manyMappings = { snapshotJsonMs: snapshot, snapshotTextMs: snapshotText, pmapMs: pmap };

  // 3. The interactive view in a 200x50 tmux: against the article's random reader (a typical target) and
  // against the 5,000-mapping process (a stress target).
  const readerFile = path.join(dir, 'file1.db');
  fs.writeFileSync(readerFile, Buffer.alloc(128 << 20, 3));
  const reader = spawn('python3', [path.join(REPO, 'test/helpers/mmap_random_read.py'), readerFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(reader);
  await new Promise<void>((resolve) => reader.stdout!.once('data', () => resolve()));
  const typical = await watchInteractive(reader.pid!, '1', false, 'file1.db', '128M');
  const typicalFast = await watchInteractive(reader.pid!, '0.1', false, 'file1.db', '128M');
  const tui = await watchInteractive(pid, '1', true);
  const fast = await watchInteractive(pid, '0.1', false);
  const htop = has('htop') ? await watchPeer(['htop', '-d', '10', '-p', String(pid)]) : null;
  const top = await watchPeer(['top', '-d', '1', '-p', String(pid)]);
  const htopReader = has('htop') ? await watchPeer(['htop', '-d', '10', '-p', String(reader.pid)]) : null;
  results.interactive = { typical, typicalFast, default: tui, fast, htop, htopReader, top };
  const pct = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : `${v.toFixed(1)}%`);
  const mib = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : `${(v / 2 ** 20).toFixed(0)} MiB`);
  rows.push({ what: 'key to screen (tmux send-keys to a changed capture-pane), 5,000 mappings, median', mmtop: ms(tui.keyLatencyMs), peer: 'aim ≤ 100 ms', ratio: '' });
  rows.push({ what: 'start to first frame with data', mmtop: ms(tui.firstFrameMs), peer: 'aim ≤ 500 ms', ratio: '' });
  rows.push({ what: 'CPU, article\'s reader, 1 s interval, 200×50 (htop -d 10 on the same process)', mmtop: pct(typical.cpuPercent), peer: pct(htopReader?.cpuPercent), ratio: costRatio(typical.cpuPercent, htopReader?.cpuPercent) });
  rows.push({ what: 'CPU, article\'s reader, 0.1 s interval', mmtop: pct(typicalFast.cpuPercent), peer: '', ratio: '' });
  rows.push({ what: 'CPU, 5,000 mappings, 1 s interval (htop -d 10 / top -d 1)', mmtop: pct(tui.cpuPercent), peer: `${pct(htop?.cpuPercent)} / ${pct(top.cpuPercent)}`, ratio: costRatio(tui.cpuPercent, htop?.cpuPercent) });
  rows.push({ what: 'CPU, 5,000 mappings, 0.1 s interval', mmtop: pct(fast.cpuPercent), peer: '', ratio: '' });
  rows.push({ what: 'RSS, article\'s reader: 1 s / 0.1 s (peak)', mmtop: `${mib(typical.rssBytes)} / ${mib(typicalFast.rssBytes)} (${mib(typicalFast.peakRssBytes)})`, peer: `htop ${mib(htopReader?.rssBytes)}`, ratio: '' });
  rows.push({ what: 'RSS, 5,000 mappings: 1 s / 0.1 s (peak)', mmtop: `${mib(tui.rssBytes)} / ${mib(fast.rssBytes)} (${mib(fast.peakRssBytes)})`, peer: `htop ${mib(htop?.rssBytes)}`, ratio: '' });
  rows.push({ what: 'bytes to the terminal per sample, idle 5,000-mapping target (Ink + painter)', mmtop: `${Math.round(tui.bytesPerSample ?? 0)} B`, peer: htop ? `htop ${Math.round(htop.bytesPerFrame ?? 0)} B` : '', ratio: costRatio(tui.bytesPerSample, htop?.bytesPerFrame) });
  rows.push({ what: 'bytes to the terminal per sample, the reader (pages change every second)', mmtop: `${Math.round(typical.bytesPerSample ?? 0)} B`, peer: htopReader ? `htop ${Math.round(htopReader.bytesPerFrame ?? 0)} B` : '', ratio: costRatio(typical.bytesPerSample, htopReader?.bytesPerFrame) });
}

interface Watched {
  firstFrameMs: number | null;
  keyLatencyMs: number | null;
  cpuPercent: number;
  rssBytes: number;
  peakRssBytes: number;
  bytesPerSample: number | null;
}

async function waitScreen(session: string, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const screen = tmux(socket, ['capture-pane', '-p', '-t', session]);
    if (pattern.test(screen)) return screen;
    await sleep(5);
  }
  throw new Error(`bench: timed out waiting for ${pattern}:\n${tmux(socket, ['capture-pane', '-p', '-t', session])}`);
}

async function watchInteractive(targetPid: number, delay: string, measureKeys: boolean, file = 'many.db', size = '39.1M'): Promise<Watched> {
  const session = `mmtop-${targetPid}-${delay.replace('.', '')}`;
  const statsFile = path.join(dir, `stats-${session}.json`);
  tmux(socket, ['-f', '/dev/null', 'new-session', '-d', '-s', session, '-x', '200', '-y', '50', `exec env MMTOP_STATS_FILE=${statsFile} TERM=xterm-256color ${MMTOP.join(' ')} -d ${delay} ${targetPid}`]);
  const started = performance.now();
  await waitScreen(session, /^[0-9a-f]{12} /m);
  const firstFrameMs = performance.now() - started;
  tmux(socket, ['send-keys', '-t', session, '/']);
  tmux(socket, ['send-keys', '-t', session, '-l', file]);
  tmux(socket, ['send-keys', '-t', session, 'Enter']);
  await waitScreen(session, new RegExp(`${file.replace('.', '\\.')}\\s+${size.replace('.', '\\.')} cachestat`));
  const mmtopPid = pidOf(`mmtop.js -d ${delay} ${targetPid}`, 'node');
  let keyLatencyMs: number | null = null;
  if (measureKeys) {
    tmux(socket, ['send-keys', '-t', session, 'Enter']);
    await waitScreen(session, /EscBack/);
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const sent = performance.now();
      tmux(socket, ['send-keys', '-t', session, 'Right']);
      await waitScreen(session, new RegExp(`^cell ${i + 2}/`, 'm'));
      latencies.push(performance.now() - sent);
      await sleep(137); // keys land at different points of the sampling cycle
    }
    keyLatencyMs = median(latencies);
    tmux(socket, ['send-keys', '-t', session, 'Escape']);
  }
  await sleep(5000); // past start-up: the steady state is what a user lives with
  const cpuBefore = cpuSeconds(mmtopPid);
  const t0 = performance.now();
  await sleep(WATCH_SECONDS * 1000);
  const cpuPercent = (100 * (cpuSeconds(mmtopPid) - cpuBefore)) / ((performance.now() - t0) / 1000);
  const rss = rssBytes(mmtopPid);
  const peak = rssBytes(mmtopPid, 'VmHWM');
  tmux(socket, ['send-keys', '-t', session, 'q']);
  for (let i = 0; i < 100 && !fs.existsSync(statsFile); i++) await sleep(50);
  const stats = fs.existsSync(statsFile) ? JSON.parse(fs.readFileSync(statsFile, 'utf8')) : null;
  spawnSync('tmux', ['-L', socket, 'kill-session', '-t', session]);
  return {
    firstFrameMs, keyLatencyMs, cpuPercent, rssBytes: rss, peakRssBytes: peak,
    bytesPerSample: stats && stats.samples > 0 ? (stats.inkBytes + stats.painterBytes) / stats.samples : null,
  };
}

async function watchPeer(argv: string[]): Promise<{ cpuPercent: number; rssBytes: number; bytesPerFrame: number | null }> {
  const session = `peer-${path.basename(argv[0]!)}-${argv[argv.length - 1]}`;
  const typescript = path.join(dir, `${session}.typescript`);
  // script(1) records what the peer writes to its terminal, to compare bytes per frame.
  tmux(socket, ['-f', '/dev/null', 'new-session', '-d', '-s', session, '-x', '200', '-y', '50', `TERM=xterm-256color exec script -qfc 'exec ${argv.join(' ')}' ${typescript}`]);
  await sleep(2500);
  const peerPid = pidOf(`^${argv.join(' ')}$`, path.basename(argv[0]!));
  const size0 = fs.statSync(typescript).size;
  const cpu0 = cpuSeconds(peerPid);
  const t0 = performance.now();
  await sleep(WATCH_SECONDS * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const result = {
    cpuPercent: (100 * (cpuSeconds(peerPid) - cpu0)) / seconds,
    rssBytes: rssBytes(peerPid),
    bytesPerFrame: (fs.statSync(typescript).size - size0) / seconds,
  };
  spawnSync('tmux', ['-L', socket, 'kill-session', '-t', session]);
  // script(1) and the peer do not always end with the session: end them by name.
  spawnSync('pkill', ['-KILL', '-f', typescript]);
  try { process.kill(peerPid, 'SIGKILL'); } catch { /* gone already */ }
  return result;
}

try {
  if (!fs.existsSync(MMTOP[1]!)) throw new Error('build first: npm run build (npm run bench does)');
  await main();
  console.log(`\nmmtop benchmark: ${results.machine}, ${results.date}${quick ? ' (quick)' : ''}\n`);
  console.log('| measure | mmtop | peer | ratio |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.what} | ${r.mmtop} | ${r.peer} | ${r.ratio} |`);
  fs.mkdirSync(path.join(REPO, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(REPO, 'bench/results/latest.json'), JSON.stringify({ ...results, rows }, null, 2));
} finally {
  for (const c of children) c.kill('SIGKILL');
  spawnSync('tmux', ['-L', socket, 'kill-server']);
    fs.rmSync(`/tmp/tmux-${process.getuid?.() ?? 0}/${socket}`, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
}
