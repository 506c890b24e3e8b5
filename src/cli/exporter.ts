// `mmtop exporter`: argument checks, then the server in src/exporter/run.ts.
import fs from 'node:fs';
import { fsPath, printable } from '../model/index.js';
import { runExporter } from '../exporter/run.js';
import { cgroupTarget } from '../exporter/collect.js';
import {
  DEFAULT_INTERVAL_SECONDS, DEFAULT_LISTEN, DEFAULT_MAX_SERIES, parseCommPattern, parseIntervalSeconds, parseListen, parseMaxSeries,
} from '../exporter/options.js';
import { CliError } from './errors.js';
import { parsePid } from './args.js';

export interface ExporterArgs {
  listen: string | undefined;
  pid: string[] | undefined;
  comm: string[] | undefined;
  cgroup: string[] | undefined;
  file: string[] | undefined;
  interval: string | undefined;
  maxSeries: string | undefined;
}

/** A --file must name a regular file at the start; one that goes later is exported as unknown. */
function checkFile(path: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(fsPath(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot stat (${code ?? 'error'})`}`);
  }
  if (!st.isFile()) throw new CliError(`${path}: not a regular file`);
}

/**
 * A --cgroup must have a readable memory.stat at the start: a typo (`/sytem.slice`) would otherwise be served
 * as one unknown series a scrape, which a dashboard shows as "no data", not as a mistake. One that goes later
 * (the pod ends) is exported as unknown with the reason.
 */
function checkCgroup(arg: string): void {
  const target = cgroupTarget(arg);
  for (const statPath of target.statPaths) {
    try {
      fs.accessSync(statPath, fs.constants.R_OK);
      return;
    } catch {
      // Not this hierarchy (v1's memory controller, then v2): try the next.
    }
  }
  throw new CliError(`--cgroup ${printable(arg)}: no such memory cgroup (no readable ${target.statPaths.map(printable).join(' or ')})`);
}

export async function exporterCommand(args: ExporterArgs): Promise<number> {
  const listen = parseListen(args.listen ?? DEFAULT_LISTEN);
  const pids = [...new Set((args.pid ?? []).map(parsePid))];
  const comms = (args.comm ?? []).map(parseCommPattern);
  const files = (args.file ?? []).map(String);
  for (const file of files) checkFile(file);
  const cgroups = (args.cgroup ?? []).map(String);
  for (const cgroup of cgroups) checkCgroup(cgroup);
  const intervalSeconds = args.interval === undefined ? DEFAULT_INTERVAL_SECONDS : parseIntervalSeconds(args.interval);
  const maxSeries = args.maxSeries === undefined ? DEFAULT_MAX_SERIES : parseMaxSeries(args.maxSeries);
  return runExporter({ listen, intervalSeconds, choice: { pids, comms, cgroups, files, maxSeries } });
}
