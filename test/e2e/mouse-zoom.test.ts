// In a real terminal: a click selects the row clicked, the terminal's mouse mode is off after q (and never
// on with --no-mouse); `:` jumps to a page and a burst of z keeps it in view.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupAll, makeColdFile, REPO_ROOT, startMapper, tempDir } from '../helpers/kernel.js';
import { assertTerminalRestored, Terminals, Tmux } from '../helpers/tmux.js';
import { TABLE_ROW } from '../helpers/table-row.js';

const terminals = new Terminals(REPO_ROOT);
after(async () => {
  terminals.killAll();
  await cleanupAll();
});
const terminal = (name: string, columns: number, rows: number): Tmux => terminals.open(name, columns, rows);

const mmtop = (args: string): string => `mmtop ${args}`;

test('tmux: a click (SGR 1006) selects the row clicked; mouse mode on while mmtop runs, off after q', async () => {
  const dir = tempDir();
  // Files alone, sorted by name: the first row is selected, and the click goes to the second.
  const first = makeColdFile(dir, 'click-a.db', 256);
  const second = makeColdFile(dir, 'click-b.db', 512);
  const t = terminal('click', 100, 30);
  t.type(mmtop(`--file ${first} ${second}`));
  const screen = await t.waitFor(/click-a\.db\s+1M cachestat/, 30_000);
  assert.deepEqual(t.mouseFlags(), { any: true, sgr: true }, 'mmtop asked for SGR mouse reports');
  const y = screen.split('\n').findIndex((l) => / \S*click-b\.db$/.test(l) && !/cachestat/.test(l));
  assert.ok(y > 0, 'the second file\'s row is on screen');
  t.bytes(`\x1b[<0;20;${y + 1}M\x1b[<0;20;${y + 1}m`);
  await t.waitFor(/click-b\.db\s+2M cachestat/);
  t.keys('q');
  await assertTerminalRestored(t);
});

test('tmux: --no-mouse leaves the terminal\'s mouse alone', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'nomouse.db', 64);
  const mapper = await startMapper(file, 'read', 'every:1:8');
  const t = terminal('nomouse', 100, 30);
  t.type(mmtop(`--no-mouse ${mapper.pid}`));
  await t.waitFor(TABLE_ROW, 30_000);
  assert.deepEqual(t.mouseFlags(), { any: false, sgr: false });
  t.keys('q');
  await assertTerminalRestored(t);
  await mapper.stop();
});

test('tmux: : jumps to page 11663, and a burst of four z keeps it under the cursor', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'burst.db', 65536);
  const mapper = await startMapper(file, 'read', 'every:64:1024');
  const t = terminal('burst', 100, 30);
  t.type(mmtop(`${mapper.pid}`));
  await t.waitFor(TABLE_ROW, 30_000);
  t.filter('burst.db');
  // The heatmap's own cells (65536 pages in the grid's 1400), not the table bar's the file had before.
  await t.waitFor(/burst\.db\s+256M cachestat .*46–47 pages\/cell, whole file/);
  const cursorCell = (screen: string): [number, number] | undefined => {
    const m = /^cell \d+\/\d+\s+pages (\d+)–(\d+)\s/m.exec(screen);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  };
  t.keys(':');
  t.literal('p11663');
  t.keys('Enter');
  const [first, last] = await t.waitUntil((s) => {
    const cell = cursorCell(s);
    return cell && cell[0] <= 11663 && 11663 <= cell[1] ? cell : undefined;
  }, 'the cursor on the cell that holds page 11663');
  assert.ok(last - first < 47, `a whole-file cell: ${first}–${last}`);
  t.keys('z', 'z', 'z', 'z');
  // Drift (each z read the cursor in the cells of the zoom before) never gets here: the window and the
  // cursor's cell at zoom 4 must both hold page 11663.
  const [from, to, a, b] = await t.waitUntil((s) => {
    const zoom = /zoom 4 \(pages (\d+)–(\d+)\)/.exec(s);
    const cell = cursorCell(s);
    return zoom && cell && Number(zoom[1]) <= 11663 && 11663 <= Number(zoom[2]) && cell[0] <= 11663 && 11663 <= cell[1]
      ? [Number(zoom[1]), Number(zoom[2]), cell[0], cell[1]] : undefined;
  }, 'zoom 4 with page 11663 in the window and under the cursor', 20_000);
  assert.ok(to - from < 4200 && b - a < 3, `zoom 4: a 4096-page window (${from}–${to}), a cell of 2 or 3 pages (${a}–${b})`);
  t.keys('q');
  await assertTerminalRestored(t);
  await mapper.stop();
});
