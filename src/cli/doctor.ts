// `mmtop doctor [--json]`: which kernel sources work here, for this user.
import { runDoctor } from '../doctor/probe.js';
import { formatDoctor } from '../doctor/format.js';
import { jsonText } from '../model/index.js';

export async function doctorCommand(options: { json: boolean }): Promise<number> {
  const report = await runDoctor();
  process.stdout.write(options.json ? `${jsonText(report, 2)}\n` : formatDoctor(report));
  return 0;
}
