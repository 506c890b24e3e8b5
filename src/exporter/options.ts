// `mmtop exporter`'s options, checked: each bad value is one usage line (exit 2), never clamped in silence.
import net from 'node:net';
import { usageError } from '../cli/errors.js';
import { parseNumberOption } from '../cli/args.js';

/** mmtop's default: loopback only, so serving other hosts is always asked for. */
export const DEFAULT_LISTEN = '127.0.0.1:9417';
export const DEFAULT_INTERVAL_SECONDS = 5;
export const DEFAULT_MAX_SERIES = 5000;
export const MAX_MAX_SERIES = 1_000_000;

export interface ListenAddress {
  host: string;
  /** 0: any free port (the start line says which). */
  port: number;
}

/** "HOST:PORT", "[IPv6]:PORT": a host is required, so serving other hosts is always said ("0.0.0.0:9417"). */
export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (!match) throw usageError(`--listen must be HOST:PORT or [IPv6]:PORT (default ${DEFAULT_LISTEN}), not "${text}"`);
  const host = match[1] ?? match[2]!;
  if (match[1] !== undefined && net.isIPv6(host) === false) throw usageError(`--listen: "${host}" is not an IPv6 address`);
  const port = Number(match[3]);
  if (port > 65535) throw usageError(`--listen: port ${port} is above 65535`);
  return { host, port };
}

/** Only this machine can connect: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return /^::ffff:127\./i.test(host);
}

/** --interval: seconds between samples, from 0.1 to a day. */
export function parseIntervalSeconds(raw: unknown): number {
  return parseNumberOption('--interval', raw, { min: 0.1, max: 86_400, positive: true, what: 'a number of seconds from 0.1 to 86400', above: 'a day' });
}

export function parseMaxSeries(raw: unknown): number {
  return parseNumberOption('--max-series', raw, { min: 1, max: MAX_MAX_SERIES, integer: true, what: `a whole number from 1 to ${MAX_MAX_SERIES}` });
}

/** --comm REGEX: a JavaScript regular expression matched against the comm (unanchored, as pgrep does). */
export function parseCommPattern(text: string): RegExp {
  if (text === '') throw usageError('--comm needs a regular expression (e.g. ^postgres$)');
  try {
    return new RegExp(text, 'u');
  } catch (error) {
    throw usageError(`--comm "${text}" is not a regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
}
