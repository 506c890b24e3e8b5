// `mmtop exporter`'s loop and server: one sample per interval (a timer, the one clock), served to any
// number of scrapers from memory, so a second Prometheus costs a render, not a sample. node:http on the
// address given (loopback unless told), GET /metrics only. SIGTERM, SIGINT and SIGHUP (its terminal
// closed) close the server and end with status 0.
import http from 'node:http';
import { printable } from '../model/index.js';
import { CliError } from '../cli/errors.js';
import { collect, readBootTimeSeconds, type Choice } from './collect.js';
import { CONTENT_TYPE, createExposition, type Exposition } from './registry.js';
import { allSeries, countErrors, type ExporterTotals } from './series.js';
import { isLoopback, type ListenAddress } from './options.js';

export interface ExporterRun {
  listen: ListenAddress;
  choice: Choice;
  intervalSeconds: number;
  /** Where the start line and notes go (stderr). */
  log?: (line: string) => void;
}

/** One sample into the exposition; says on the log when what the cap leaves out changes. */
function sampleInto(exposition: Exposition, run: ExporterRun, totals: ExporterTotals, bootTimeSeconds: number | null, lastLeftOut: { count: number }, log: (line: string) => void): void {
  const collected = collect(run.choice, bootTimeSeconds);
  totals.samples++;
  countErrors(totals, collected.failures);
  const { series } = allSeries(collected, totals);
  exposition.replace(series);
  const left = series.find((s) => s.family === 'mmtop_series_left_out')?.value ?? 0;
  if (left !== lastLeftOut.count) {
    const byMetric = series.filter((s) => s.family === 'mmtop_series_left_out_by_metric').map((s) => `${s.labels.metric} ${s.value}`);
    log(left > 0
      ? `exporter: --max-series ${totals.maxSeries}: left out ${left} series (${byMetric.join(', ')}${collected.processesLeftOut > 0 ? `; ${collected.processesLeftOut} process${collected.processesLeftOut === 1 ? '' : 'es'} not sampled` : ''}); choose fewer processes or files, or raise --max-series`
      : `exporter: --max-series ${totals.maxSeries}: nothing left out now`);
    lastLeftOut.count = left;
  }
}

function startLine(address: ListenAddress, run: ExporterRun): string {
  const where = address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
  const reach = isLoopback(address.host)
    ? 'loopback only (--listen HOST:PORT to serve other hosts)'
    : 'reachable from other hosts, without authentication';
  const { pids, comms, cgroups, files } = run.choice;
  const chosen = [
    pids.length > 0 ? `${pids.length} pid${pids.length === 1 ? '' : 's'}` : '',
    comms.length > 0 ? `comm ${comms.map((r) => `/${r.source}/`).join(' ')}` : '',
    cgroups.length > 0 ? `${cgroups.length} cgroup${cgroups.length === 1 ? '' : 's'}` : '',
    files.length > 0 ? `${files.length} file${files.length === 1 ? '' : 's'}` : '',
  ].filter(Boolean).join(', ') || 'nothing chosen: the system\'s figures only';
  return `exporter: serving http://${where}/metrics, ${reach}; sampling every ${run.intervalSeconds} s (${chosen}); read-only`;
}

const EXIT_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** Serves until SIGTERM, SIGINT or SIGHUP; 0 then. A listen that fails is a CliError (one line, status 1). */
export async function runExporter(run: ExporterRun): Promise<number> {
  const log = run.log ?? ((line: string) => process.stderr.write(`mmtop: ${printable(line)}\n`));
  const totals: ExporterTotals = {
    samples: 0, scrapes: 0, lastScrapeDurationMs: null, errorsBySource: new Map(), intervalSeconds: run.intervalSeconds, maxSeries: run.choice.maxSeries,
  };
  const exposition = createExposition();
  const bootTimeSeconds = readBootTimeSeconds();
  const lastLeftOut = { count: 0 };
  const tick = (): void => {
    try {
      sampleInto(exposition, run, totals, bootTimeSeconds, lastLeftOut, log);
    } catch (error) {
      // A bug, not a kernel refusal (those are values): said once per interval, the last figures stay.
      totals.errorsBySource.set('exporter', (totals.errorsBySource.get('exporter') ?? 0) + 1);
      log(`exporter: the sample failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  // Handlers first: a SIGTERM during the first sample (which may take a while) still ends it cleanly.
  let stop: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => { stop = resolve; });
  const onSignal = (): void => stop!();
  // SIGHUP too: run in a terminal that closes, the default action killed it with status 129.
  for (const signal of EXIT_SIGNALS) process.on(signal, onSignal);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('GET /metrics\n');
      return;
    }
    if (path === '/metrics') {
      const started = performance.now();
      totals.scrapes++;
      exposition.set([{ family: 'mmtop_scrapes', labels: {}, value: totals.scrapes }]);
      exposition.render().then((text) => {
        res.writeHead(200, { 'Content-Type': CONTENT_TYPE });
        res.end(req.method === 'HEAD' ? undefined : text);
        totals.lastScrapeDurationMs = performance.now() - started;
        exposition.set([{ family: 'mmtop_scrape_duration_seconds', labels: {}, value: totals.lastScrapeDurationMs / 1000 }]);
      }, (error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${error instanceof Error ? error.message : String(error)}\n`);
      });
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('mmtop exporter: the metrics are at /metrics\n');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found: the metrics are at /metrics\n');
  });

  let timer: NodeJS.Timeout | undefined;
  try {
    tick(); // before listening: the first scrape has figures
    const address = await new Promise<ListenAddress>((resolve, reject) => {
      server.once('error', reject);
      server.listen(run.listen.port, run.listen.host, () => {
        server.off('error', reject);
        const bound = server.address();
        resolve(typeof bound === 'object' && bound ? { host: run.listen.host, port: bound.port } : run.listen);
      });
    }).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`exporter: cannot listen on ${run.listen.host}:${run.listen.port} (${error.code ?? error.message})`);
    });
    log(startLine(address, run));
    // Spaced from the end of each sample: a slow sample delays the next, never piles them up.
    const schedule = (): void => {
      timer = setTimeout(() => { tick(); schedule(); }, run.intervalSeconds * 1000);
    };
    schedule();
    await stopped;
    return 0;
  } finally {
    if (timer) clearTimeout(timer);
    for (const signal of EXIT_SIGNALS) process.off(signal, onSignal);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
