// Runs the mmtop command line as a user would (the bundled bin of this tree: test/helpers/bin.ts),
// capturing output and exit code.
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './kernel.js';
import { mmtopArgv } from './bin.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { asNobody?: boolean; env?: NodeJS.ProcessEnv; input?: string } = {}): CliRun {
  const node = mmtopArgv(...args);
  const argv = options.asNobody ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...node] : node;
  const result = spawnSync(argv[0]!, argv.slice(1), {
    cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...options.env }, input: options.input ?? '', timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * main() in the test's own process, stderr captured: for refusals that end before any work starts (no
 * process start per case). Only for argument errors: a valid command would run here.
 */
export async function runMainInProcess(args: string[]): Promise<{ status: number; stderr: string }> {
  const { main } = await import('../../src/cli/main.js');
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    return { status: await main(args), stderr };
  } finally {
    process.stderr.write = write;
  }
}

export interface BytesRun {
  status: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/**
 * Runs any program with arguments that are bytes (a file name that is not UTF-8): Node's child_process
 * encodes every argument as UTF-8, so python3 execs it with the real bytes, passed to it as hex.
 * Output is kept as bytes, to assert on exactly what the program wrote.
 */
export function runBytes(argv: Array<string | Buffer>, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): BytesRun {
  const hex = argv.map((a) => (typeof a === 'string' ? Buffer.from(a) : a).toString('hex'));
  const exec = 'import os, sys; a = [bytes.fromhex(x) for x in sys.argv[1:]]; os.execvp(a[0], a)';
  const result = spawnSync('python3', ['-c', exec, ...hex], {
    cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env }, input: '', timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The mmtop command line with arguments that are bytes; output as bytes. */
export function runCliBytes(args: Array<string | Buffer>, options: { env?: NodeJS.ProcessEnv } = {}): BytesRun {
  return runBytes([...mmtopArgv(), ...args], options);
}
