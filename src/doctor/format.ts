// Text form of a DoctorReport: one line a source, what is lost and how to get it back. Lines quote what
// the system named (a reclaimer's comm, TMPDIR, an error's words): each line goes through printable().
import { printable } from '../model/index.js';
import type { DoctorReport } from './probe.js';

export function formatDoctor(report: DoctorReport): string {
  const lines: string[] = [];
  lines.push(`mmtop doctor: uid ${report.user.uid}${report.user.root ? ' (root)' : ''}, ${report.arch}, Linux ${report.kernelRelease}`);
  const width = Math.max(...Object.values(report.sources).map((s) => s.name.length));
  for (const s of Object.values(report.sources)) {
    const mark = s.available ? (s.limited ? 'limited' : 'ok') : 'missing';
    lines.push(`  ${mark.padEnd(7)} ${s.name.padEnd(width)}  ${s.available ? s.detail : `${s.errno ?? 'error'}: ${s.detail}`}`);
    if (!s.available) lines.push(`  ${''.padEnd(7)} ${''.padEnd(width)}  without it: ${s.loses}; to get it: ${s.fix}`);
  }
  if (report.reclaimer.running) {
    lines.push('  warning proactive reclaim is running: idle page cache will decay with nobody evicting it');
    for (const s of report.reclaimer.seen) lines.push(`          ${s}`);
  } else if (report.reclaimer.running === false) {
    lines.push('  ok      no proactive reclaimer seen');
  } else {
    lines.push('  unknown proactive reclaimers: could not look');
  }
  const t = report.tempDir;
  if (t.memoryBacked) {
    lines.push(`  warning temp dir ${t.path} is on ${t.filesystem}: its pages cannot be evicted; set TMPDIR to a disk filesystem`);
  } else {
    lines.push(`  ok      temp dir ${t.path} is on ${t.filesystem ?? 'an unknown filesystem'}`);
  }
  return `${lines.map(printable).join('\n')}\n`;
}
