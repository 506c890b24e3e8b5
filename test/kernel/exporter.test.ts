// `mmtop exporter` for real: a child exporter on loopback, real processes and files under /var/tmp, its
// exposition parsed by a real OpenMetrics parser, and (where Debian's `prometheus` is installed; .ci/run
// installs it) a real Prometheus of the test's own scraping it, asked through its HTTP API.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { cleanupAll, fincorePages, makeColdFile, makeColdFileBytes, PAGE, REPO_ROOT, startMapper, tempDir, track, waitMapped } from '../helpers/kernel.js';
import { parseOpenMetrics, parserMissing, samplesOf, type ParsedSample } from '../helpers/openmetrics.js';
import { printable, decodeName } from '../../src/model/index.js';
import { mmtopBin } from '../helpers/bin.js';

after(cleanupAll);

interface Exporter {
  child: ChildProcess;
  url: string;
  startLine: string;
  stderr: () => string;
  /** SIGTERM, and the exit status. */
  stop(): Promise<number | null>;
}

/**
 * Starts `mmtop exporter --listen 127.0.0.1:0 ARGS` and waits for its start line (which names the port).
 * Arguments may be bytes (a file name that is not UTF-8): passed through python3's exec, as runBytes does.
 */
async function startExporter(args: Array<string | Buffer>, listen = '127.0.0.1:0'): Promise<Exporter> {
  const argv = [process.execPath, mmtopBin(), 'exporter', '--listen', listen, ...args];
  const hex = argv.map((a) => (typeof a === 'string' ? Buffer.from(a) : a).toString('hex'));
  const exec = 'import os, sys; a = [bytes.fromhex(x) for x in sys.argv[1:]]; os.execvp(a[0], a)';
  const child = track(spawn('python3', ['-c', exec, ...hex], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const startLine = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const line = err.split('\n').find((l) => l.includes('serving http://'));
      if (line) resolve(line);
    });
    void exited.then((code) => reject(new Error(`the exporter exited (${code}): ${err}`)));
  });
  const port = /127\.0\.0\.1:(\d+)\/metrics/.exec(startLine)![1];
  return {
    child, url: `http://127.0.0.1:${port}/metrics`, startLine, stderr: () => err,
    stop: async () => { child.kill('SIGTERM'); return exited; },
  };
}

async function scrape(url: string): Promise<{ contentType: string; body: Buffer }> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return { contentType: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

function find(samples: ParsedSample[], name: string, labels: Record<string, string> = {}): ParsedSample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** Polls an async check until it gives a value, or fails saying what it waited for: no fixed sleeps. */
async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('one sample per interval whatever the scrapes; hostile names give a valid exposition; SIGTERM ends it with 0', { skip: parserMissing() }, async () => {
  const dir = tempDir('mmtop-exporter-');
  const hostile = Buffer.concat([Buffer.from('ev"il\\\n# EOF\n'), Buffer.from([0xff, 0xfe]), Buffer.from('.db')]);
  const hostilePath = makeColdFileBytes(dir, hostile, 4);
  const plain = makeColdFile(dir, 'mapped.db', 64);
  const mapper = await startMapper(plain, 'read', 'every:2:32');
  const exporter = await startExporter(['--pid', String(mapper.pid), '--file', hostilePath, '--interval', '600']);
  try {
    assert.match(exporter.startLine, /^mmtop: exporter: serving http:\/\/127\.0\.0\.1:\d+\/metrics, loopback only/);
    assert.equal(exporter.stderr().trim().split('\n').length, 1, 'one line at start');
    const first = await scrape(exporter.url);
    const second = await scrape(exporter.url);
    assert.match(first.contentType, /^application\/openmetrics-text; version=1\.0\.0/);
    const a = samplesOf(parseOpenMetrics(first.body));
    const b = samplesOf(parseOpenMetrics(second.body));
    // Two scrapes, one sample: the scrapes read nothing.
    assert.deepEqual(find(a, 'mmtop_samples_total').map((s) => s.value), [1]);
    assert.deepEqual(find(b, 'mmtop_samples_total').map((s) => s.value), [1]);
    assert.deepEqual(find(b, 'mmtop_scrapes_total').map((s) => s.value), [2]);
    // The hostile file, by its printable name (every byte kept as \xHH), with device and inode.
    const st = fs.statSync(hostilePath);
    const label = printable(decodeName(hostilePath));
    const hostileSeries = find(b, 'mmtop_file_size_bytes', { path: label, inode: String(st.ino) });
    assert.deepEqual(hostileSeries.map((s) => s.value), [4 * PAGE]);
    // The mapper's file: what it maps and has present.
    const proc = { pid: String(mapper.pid), path: plain };
    assert.deepEqual(find(b, 'mmtop_process_file_mapped_pages', proc).map((s) => s.value), [64]);
    assert.ok(find(b, 'mmtop_process_file_present_pages', proc)[0]!.value >= 32);
  } finally {
    assert.equal(await exporter.stop(), 0, 'SIGTERM: closed and status 0');
    await mapper.stop();
  }
});

/** A free TCP port on loopback for Prometheus (bound and let go; Prometheus says so if it was taken meanwhile). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * `mmtop workload FILE --rate 100`, the article's random reader with MADV_RANDOM (its default for random
 * reads): each read of an evicted page is one major fault. Its pid once it maps the file; ended by cleanupAll.
 */
async function startWorkload(file: string): Promise<number> {
  const workload = track(spawn(process.execPath, [mmtopBin(), 'workload', file, '--rate', '100'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] }));
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    workload.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /pid: (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    workload.once('exit', (code) => reject(new Error(`workload exited (${code})`)));
  });
  await waitMapped(pid, file);
  return pid;
}

const prometheusMissing = spawnSync('prometheus', ['--version']).status === 0 ? undefined : 'no prometheus here (apt-get install prometheus; .ci/run does)';

test('a real Prometheus scraping the exporter: cached pages equal fincore\'s, major faults have a rate under a workload', { skip: prometheusMissing }, async () => {
  const dir = tempDir('mmtop-prometheus-');
  // The mapped file's pages stay mapped (the DAMON reclaimer leaves them), so its cached count holds still.
  const held = makeColdFile(dir, 'held.db', 256);
  const cold = makeColdFile(dir, 'cold.db', 8192);
  // Started side by side (each takes a Node or Python start under load); the exporter's port chosen first,
  // so Prometheus starts with it.
  const [mapper, workloadPid, exporterPort, port] = await Promise.all([
    startMapper(held, 'read', 'every:2:100'),
    startWorkload(cold),
    freePort(),
    freePort(),
  ]);
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(config, [
    'global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', '  evaluation_interval: 1s',
    'scrape_configs:', '  - job_name: mmtop', '    static_configs:', `      - targets: ['127.0.0.1:${exporterPort}']`, '',
  ].join('\n'), { flag: 'wx' });
  const storage = path.join(dir, 'tsdb');
  const prometheus = track(spawn('prometheus', [
    `--config.file=${config}`, `--storage.tsdb.path=${storage}`, `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let promLog = '';
  prometheus.stderr!.on('data', (d: Buffer) => { promLog = (promLog + d.toString()).slice(-4000); });
  const promExited = new Promise<void>((resolve) => prometheus.once('exit', () => resolve()));
  const exporter = await startExporter(['--pid', String(mapper.pid), '--pid', String(workloadPid), '--interval', '1'], `127.0.0.1:${exporterPort}`);
  const api = `http://127.0.0.1:${port}/api/v1/query`;
  const query = async (q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> => {
    const res = await fetch(`${api}?query=${encodeURIComponent(q)}`);
    const body = await res.json() as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    assert.equal(body.status, 'success');
    return body.data.result;
  };
  try {
    // Two scrapes in: the samples counter seen twice.
    await until(async () => (Number((await query('count_over_time(mmtop_samples_total{job="mmtop"}[1m])'))[0]?.value[1] ?? 0) >= 2 ? true : undefined),
      `two scrapes by Prometheus (its log: ${promLog.slice(-500)})`);
    assert.deepEqual((await query('up{job="mmtop"}')).map((r) => r.value[1]), ['1']);
    // The held file's cached pages, as Prometheus has them, equal fincore's now (they hold still).
    const fromPrometheus = await until(async () => {
      const r = await query(`mmtop_file_cached_pages{path="${held}"}`);
      return r.length === 1 ? Number(r[0]!.value[1]) : undefined;
    }, 'the held file in Prometheus');
    assert.equal(fromPrometheus, fincorePages(held));
    assert.ok(fromPrometheus >= 100);
    // The README's bytes query: the page size joined in.
    const bytes = await query(`mmtop_file_cached_pages{path="${held}"} * on (instance) group_left mmtop_page_size_bytes`);
    assert.deepEqual(bytes.map((r) => Number(r.value[1])), [fromPrometheus * PAGE]);
    const ofMapper = await query(`(mmtop_file_cached_pages * on (instance) group_left mmtop_page_size_bytes) and on (instance, device, inode) mmtop_process_file_mapped_pages{pid="${mapper.pid}"}`);
    assert.ok(ofMapper.some((r) => r.metric.path === held), 'the README\'s join: the files a process maps');
    const fraction = await query(`mmtop_file_cached_pages{path="${held}"} * on (instance) group_left mmtop_page_size_bytes / mmtop_file_size_bytes`);
    assert.deepEqual(fraction.map((r) => Number(r.value[1])), [fromPrometheus / 256]);
    // Major faults: a rate above 0 while the workload reads the cold file.
    const rate = await until(async () => {
      const r = await query(`rate(mmtop_process_major_faults_total{pid="${workloadPid}"}[30s])`);
      return r.length === 1 && Number(r[0]!.value[1]) > 0 ? Number(r[0]!.value[1]) : undefined;
    }, 'a major fault rate above 0');
    assert.ok(rate > 0);
  } finally {
    prometheus.kill('SIGTERM');
    await promExited;
    assert.equal(await exporter.stop(), 0);
    await mapper.stop();
  }
});

test('--comm finds processes each interval, --cgroup reads memory.stat, and a process\'s cgroup comes with it', async () => {
  const { collect } = await import('../../src/exporter/collect.js');
  const dir = tempDir('mmtop-exporter-');
  const file = makeColdFile(dir, 'comm.db', 16);
  const mapper = await startMapper(file, 'read', '0,1,2');
  try {
    const line = fs.readFileSync(`/proc/${mapper.pid}/cgroup`, 'utf8').split('\n').find((l) => /:memory:/.test(l)) ?? fs.readFileSync(`/proc/${mapper.pid}/cgroup`, 'utf8').split('\n')[0]!;
    const cgroupName = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
    const c = collect({ pids: [], comms: [/^python3$/u], cgroups: [cgroupName], files: [], maxSeries: 5000 }, null);
    const found = c.processes.find((p) => p.pid === mapper.pid);
    assert.ok(found?.sample, 'the mapper is found by its comm');
    assert.ok(!c.processes.some((p) => p.pid === process.pid), 'never mmtop itself');
    assert.ok(found.sample.files.some((f) => f.path === file && f.cachedPages === 3));
    assert.equal(c.cgroups.filter((g) => g.name === cgroupName).length, 1, 'the cgroup once, given and the process\'s');
    const counters = c.cgroups.find((g) => g.name === cgroupName)!.counters;
    assert.ok(counters && (counters.file ?? counters.cache) !== undefined, 'memory.stat read');
  } finally {
    await mapper.stop();
  }
});

test('in process: the cap is said on the log, a port in use is one error, another host is said at start', async () => {
  const { runExporter } = await import('../../src/exporter/run.js');
  const lines: string[] = [];
  const choice = { pids: [process.pid], comms: [], cgroups: [], files: [], maxSeries: 3 };
  const running = runExporter({ listen: { host: '127.0.0.1', port: 0 }, choice, intervalSeconds: 600, log: (l) => lines.push(l) });
  try {
    const start = await until(async () => lines.find((l) => l.includes('serving http://')), 'the start line', 10_000);
    const url = /(http:\/\/\S+\/metrics)/.exec(start)![1]!;
    // No room for the process's own four series: it is not even sampled.
    assert.ok(lines.some((l) => /^exporter: --max-series 3: left out 4 series \(.*mmtop_process_major_faults 1.*; 1 process not sampled\)/.test(l)), lines.join('\n'));
    const samples = samplesOf(parseOpenMetrics((await scrape(url)).body));
    assert.ok(find(samples, 'mmtop_series_left_out')[0]!.value > 0);
    // The same port again: one error, no server.
    const port = Number(new URL(url).port);
    await assert.rejects(runExporter({ listen: { host: '127.0.0.1', port }, choice, intervalSeconds: 600, log: () => undefined }), /cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
  } finally {
    process.emit('SIGTERM');
    assert.equal(await running, 0);
  }
  const wide: string[] = [];
  const open = runExporter({ listen: { host: '0.0.0.0', port: 0 }, choice: { ...choice, pids: [] }, intervalSeconds: 600, log: (l) => wide.push(l) });
  try {
    const start = await until(async () => wide.find((l) => l.includes('serving http://')), 'the start line', 10_000);
    assert.match(start, /serving http:\/\/0\.0\.0\.0:\d+\/metrics, reachable from other hosts, without authentication/);
  } finally {
    // SIGHUP (its terminal closed) ends it as SIGTERM does; without a handler it would wait forever here.
    process.emit('SIGHUP');
    const ended = await Promise.race([open, new Promise<'still serving'>((resolve) => setTimeout(() => resolve('still serving'), 10_000).unref())]);
    assert.equal(ended, 0);
  }
});

test('bad exporter arguments: one line, status 2', async () => {
  const { runMainInProcess } = await import('../helpers/cli.js');
  for (const [args, message] of [
    [['exporter', '--interval', '0'], /--interval must be a number of seconds from 0\.1/],
    [['exporter', '--comm', '('], /--comm "\(" is not a regular expression/],
    [['exporter', '--listen', '9417'], /--listen must be HOST:PORT/],
    [['exporter', '--max-series', '1.5'], /--max-series must be a whole number/],
    [['exporter', '--pid', 'x'], /pid must be a number/],
  ] as const) {
    const run = await runMainInProcess([...args]);
    assert.equal(run.status, 2, args.join(' '));
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  }
});
