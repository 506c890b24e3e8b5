// Prints the README's table of `mmtop exporter`'s metrics from its family table (src/exporter/families.ts):
// `node --import tsx scripts/readme-metrics.ts`. test/unit/exporter.test.ts checks that README.md holds
// exactly this, so the two never drift.
import {
  CGROUP_FAMILIES, FILE_FAMILIES, OWN_FAMILIES, PROCESS_FAMILIES, PROCESS_FILE_FAMILIES, SYSTEM_FAMILIES, type Family,
} from '../src/exporter/families.js';

export function readmeMetricTable(): string {
  const groups: Array<[string, readonly Family[]]> = [
    ['file', FILE_FAMILIES], ['process, file', PROCESS_FILE_FAMILIES], ['process', PROCESS_FAMILIES],
    ['cgroup', CGROUP_FAMILIES], ['system', SYSTEM_FAMILIES], ['mmtop', OWN_FAMILIES],
  ];
  const rows = ['| per | metric | type | labels | what |', '|---|---|---|---|---|'];
  for (const [per, families] of groups) {
    for (const f of families) {
      const name = f.type === 'counter' ? `${f.name}_total` : f.name;
      rows.push(`| ${per} | \`${name}\` | ${f.type} | ${f.labels.map((l) => `\`${l}\``).join(' ')} | ${f.help.replace(/\|/g, '\\|')} |`);
    }
  }
  return rows.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(readmeMetricTable());
