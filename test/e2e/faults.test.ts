// The fault layer in a real terminal: a child reads known pages of a cold file; with key 5 the heatmap
// lights exactly those cells (major faults), and no others.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupAll, makeColdFile, REPO_ROOT, startScript, tempDir } from '../helpers/kernel.js';
import { assertTerminalRestored, Tmux } from '../helpers/tmux.js';
import { TABLE_ROW } from '../helpers/table-row.js';

const sessions: Tmux[] = [];
after(async () => {
  for (const t of sessions) t.kill();
  await cleanupAll();
});

test('tmux: the fault layer lights the cells of the pages the process reads, and not the others', async () => {
  const dir = tempDir();
  // Fewer pages than the first grid row has cells: one page a cell, cell i is page i.
  const file = makeColdFile(dir, 'faulted.db', 64);
  const pages = [3, 10, 40, 63];
  const reader = await startScript('fault_target.py', ['pages', file, pages.join(',')], 'ready');
  const t = new Tmux('faults');
  sessions.push(t);
  t.start(100, 30, REPO_ROOT);
  t.type(`mmtop --delay 0.5 ${reader.pid}`);
  // Node with tsx takes about 10 s to start here at load 20 and more: the first waits allow a minute.
  await t.waitFor(TABLE_ROW, 60_000);
  t.filter('faulted');
  await t.waitFor(/faulted\.db\s+256K cachestat ext4/, 30_000);
  t.keys('5');
  // Sampling is on once the status line counts faults; only then does the child read.
  await t.waitFor(/^faults 5s: major 0 minor 0 {2}cell 1\/64/m, 30_000);
  reader.child.stdin!.write('go\n');
  const lit = (row: string): number[] => [...row].flatMap((ch, i) => (ch === '#' || ch === '*' ? [i] : []));
  const screen = await t.waitUntil((s) => {
    const row = s.split('\n').find((l) => /^[.#*+-]{64}$/.test(l));
    return row && lit(row).length === pages.length ? s : undefined;
  }, `cells ${pages.join(', ')} lit`, 30_000);
  const row = screen.split('\n').find((l) => /^[.#*+-]{64}$/.test(l))!;
  assert.deepEqual(lit(row), pages, `exactly the pages read: ${row}`);
  assert.ok(![...row].some((ch) => ch === '+' || ch === '-'), 'no minor fault on a cold file read once');
  assert.match(screen, /faulted\.db\s+256K cachestat ext4 · faults · 1 page\/cell/);
  assert.match(screen, /# major/);
  t.keys('q');
  await assertTerminalRestored(t);
  reader.child.stdin!.end();
});
