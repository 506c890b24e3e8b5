// Runs the mmtop command line as a user would (through src/bin/mmtop.ts), capturing output and exit code.
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './kernel.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { asNobody?: boolean; env?: NodeJS.ProcessEnv; input?: string } = {}): CliRun {
  const node = [process.execPath, '--import', 'tsx', 'src/bin/mmtop.ts', ...args];
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
