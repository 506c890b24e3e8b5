// Prints the README's key table from the key table (src/keys/table.ts): `npm run readme-keys`.
// test/unit/readme.test.ts checks that README.md holds exactly this, so the two never drift.
import { KEY_TABLE, keyLabel } from '../src/keys/index.js';

export function readmeKeyTable(): string {
  const rows = ['| keys | where | what |', '|---|---|---|'];
  for (const b of KEY_TABLE) {
    if (b.modes.every((m) => m === 'help' || m === 'log' || m === 'filter' || m === 'jump' || m === 'confirm')) continue;
    const where = b.modes.includes('table') && b.modes.includes('heatmap') ? 'anywhere' : b.modes.map((m) => ({ table: 'table', heatmap: 'heatmap', help: 'help', log: 'messages (!)', workloadMenu: 'workload menu (w)', adviseMenu: 'madvise menu (m)', filter: 'filter', jump: 'jump prompt (:)', confirm: 'confirm', overview: 'overview' })[m]).join(', ');
    const notes = [b.needs ? `needs ${b.needs}` : '', b.confirm ? 'asks first' : '', b.changesSystem ? 'off with --read-only' : ''].filter(Boolean);
    const keys = b.keys.map((k) => `\`${keyLabel(k)}\``).join(' ');
    rows.push(`| ${keys} | ${where} | ${b.description.replace(/\|/g, '\\|')}${notes.length ? ` (${notes.join('; ')})` : ''} |`);
  }
  return rows.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(readmeKeyTable());
