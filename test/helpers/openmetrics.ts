// A real OpenMetrics parser for the exporter's tests: python3's prometheus_client (Debian's
// python3-prometheus-client, which .ci/run installs), its openmetrics.parser, strict about the format
// (# EOF, escapes, one family's samples together, counters' _total). Text in, families out as JSON.
import { spawnSync } from 'node:child_process';

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  type: string;
  samples: ParsedSample[];
}

const PROGRAM = `
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
text = sys.stdin.buffer.read().decode('utf-8')  # strict: a byte that is not UTF-8 fails here
out = [{'name': f.name, 'type': f.type, 'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]}
       for f in text_string_to_metric_families(text)]
json.dump(out, sys.stdout)
`;

/** The first python3 that has prometheus_client: the one on PATH, else Debian's (pyenv may shadow it). */
function findPython(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import prometheus_client.openmetrics.parser'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return undefined;
}

let python: string | undefined | null = null;

/** Why the parser cannot run here, or undefined when it can. */
export function parserMissing(): string | undefined {
  if (python === null) python = findPython();
  return python ? undefined : 'no python3 with prometheus_client (apt-get install python3-prometheus-client; .ci/run does)';
}

/** Parses OpenMetrics text (bytes, as served); throws the parser's own error when it is not valid. */
export function parseOpenMetrics(text: string | Buffer): ParsedFamily[] {
  const missing = parserMissing();
  if (missing) throw new Error(missing);
  const result = spawnSync(python!, ['-c', PROGRAM], { input: text, maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`not valid OpenMetrics: ${result.stderr.toString().trim().split('\n').pop()}`);
  return JSON.parse(result.stdout.toString()) as ParsedFamily[];
}

/** Every sample of the families, flat. */
export function samplesOf(families: ParsedFamily[]): ParsedSample[] {
  return families.flatMap((f) => f.samples);
}
