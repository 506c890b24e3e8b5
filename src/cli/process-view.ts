// `mmtop PID`: the checks main's yargs handler makes, then the view. Between the two the sampler thread is
// started with its first request (sampler/client.ts startEarly), before interactive.tsx and what it
// imports (the reducer, the line builders, string-width) are loaded: the thread's start and the first
// Sample then overlap that loading instead of following it (README "Performance", first frame).
import { parsePid, requireLiveProcess } from './args.js';
import { CliError } from './errors.js';
import { startEarly } from '../sampler/client.js';
import { firstPlan } from '../state/first-plan.js';
import type { InteractiveOptions } from './interactive.js';

/** Runs the view of the process `pidText` names; throws what main's handler throws for it. */
export async function runProcessView(pidText: string, common: Omit<InteractiveOptions, 'target'>): Promise<number> {
  const pid = parsePid(pidText);
  const { comm, kernelThread } = requireLiveProcess(pid);
  if (kernelThread) throw new CliError(`pid ${pid} (${comm}) is a kernel thread: it has no mappings`);
  const target = { kind: 'process' as const, pid };
  // Only where the view will run (it refuses anything but a terminal): no thread for a refusal.
  if (process.stdout.isTTY && process.stdin.isTTY) startEarly(target, firstPlan(process.stdout.columns || 80));
  const { runInteractive } = await import('./interactive.js');
  return runInteractive({ target, ...common });
}
