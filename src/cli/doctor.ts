// `mmtop doctor [--json]`: which kernel sources work here, for this user.
import { runDoctor } from '../doctor/probe.js';
import { formatDoctor } from '../doctor/format.js';

export async function doctorCommand(options: { json: boolean }): Promise<number> {
  const report = await runDoctor();
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report));
  return 0;
}
