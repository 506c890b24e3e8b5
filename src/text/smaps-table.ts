// `mmtop snapshot PID --smaps`: every VMA's whole smaps entry as procps `pmap -XX` prints it (pmap.c:
// Address Perm Offset Device Inode, then each field this kernel prints in its order, VmFlags, Mapping;
// a "====" rule and the kB totals). Pure: a function of the Sample; names only through printable().
import path from 'node:path';
import { printable, type MappingRecord, type Sample, type SmapsDetail } from '../model/index.js';

/** pmap's Mapping: a file's base name (pmap.c without -p), a [name] as is, nothing for plain anonymous memory. */
function mappingName(m: MappingRecord | undefined): string {
  if (!m || m.path === '') return '';
  if (!m.path.startsWith('/')) return m.path;
  return `${path.basename(m.path)}${m.deleted ? ' (deleted)' : ''}`;
}

/** The field names in the order the kernel printed them, over every entry (a field some VMAs lack, e.g. ProtectionKey, once). */
function fieldNames(details: readonly SmapsDetail[]): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const d of details) {
    for (const f of d.fields) {
      if (f.name === 'VmFlags' || seen.has(f.name)) continue;
      seen.add(f.name);
      names.push(f.name);
    }
  }
  return names;
}

/** A field's value as pmap -XX shows it: kB fields as the number, others as printed. */
function shown(detail: SmapsDetail, name: string): string {
  const f = detail.fields.find((x) => x.name === name);
  if (!f) return '';
  return f.bytes !== null ? String(f.bytes / 1024) : f.text;
}

export function formatSmapsTable(sample: Sample): string {
  const details = sample.smapsDetail ?? [];
  const byStart = new Map(sample.mappings.map((m) => [m.start, m]));
  const names = fieldNames(details);
  // pmap -XX totals every numeric field (THPeligible too), "kB" or not.
  const numeric = (n: string): boolean => details.every((d) => /^\d+( kB)?$/.test(d.fields.find((f) => f.name === n)?.text ?? '0'));
  const kbFields = new Set(names.filter(numeric));
  const valueOf = (d: SmapsDetail, n: string): number => {
    const f = d.fields.find((x) => x.name === n);
    return f ? (f.bytes !== null ? f.bytes / 1024 : Number(f.text)) : 0;
  };
  const header = ['Address', 'Perm', 'Offset', 'Device', 'Inode', ...names, 'VmFlags', 'Mapping'];
  const rows = details.map((d) => {
    const m = byStart.get(d.start);
    const name = mappingName(m);
    return [
      d.start.slice(2), m?.perms ?? '', (m?.offsetBytes ?? 0).toString(16).padStart(8, '0'), m?.device ?? '', String(m?.inode ?? ''),
      ...names.map((n) => shown(d, n)), d.fields.find((f) => f.name === 'VmFlags')?.text ?? '', printable(name),
    ];
  });
  const totals = names.map((n) => (kbFields.has(n) ? String(details.reduce((a, d) => a + valueOf(d, n), 0)) : ''));
  // Widths: each column as wide as its widest cell; numbers right-aligned as pmap does, the last two left.
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length), i >= 5 && i < 5 + names.length ? totals[i - 5]!.length : 0));
  const left = (i: number): boolean => i >= header.length - 2;
  const line = (cells: string[]): string => cells.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ').trimEnd();
  const p = sample.process;
  const out = [p ? `${p.pid}:   ${printable(p.cmdline || `[${p.comm}]`)}` : '', line(header), ...rows.map(line)];
  const pad = widths.slice(0, 5).reduce((a, w) => a + w + 1, 0);
  out.push(' '.repeat(pad) + names.map((n, i) => (kbFields.has(n) ? '='.repeat(widths[5 + i]!) : ' '.repeat(widths[5 + i]!))).join(' ').trimEnd());
  out.push(`${' '.repeat(pad)}${names.map((n, i) => totals[i]!.padStart(widths[5 + i]!)).join(' ')} KB`);
  const notes = sample.failures.filter((f) => f.source === 'smaps').map((f) => `# ${printable(f.message)}`);
  return `${out.filter((l, i) => i > 0 || l !== '').join('\n')}\n${notes.length ? `${notes.join('\n')}\n` : ''}`;
}
