// In a real terminal: a click selects the row clicked, the terminal's mouse mode is off after q (and never
// on with --no-mouse); `:` jumps to a page and a burst of z keeps it in view.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupAll, makeColdFile, REPO_ROOT, startMapper, tempDir } from '../helpers/kernel.js';
import { assertTerminalRestored, Tmux } from '../helpers/tmux.js';

const sessions: Tmux[] = [];
after(async () => {
  for (const t of sessions) t.kill();
  await cleanupAll();
});

function terminal(name: string, columns: number, rows: number): Tmux {
  const t = new Tmux(name);
  sessions.push(t);
  t.start(columns, rows, REPO_ROOT);
  return t;
}

const mmtop = (args: string): string => `node --import tsx src/bin/mmtop.ts ${args}`;

test('tmux: a click (SGR 1006) selects the row clicked; mouse mode on while mmtop runs, off after q', async () => {
  const dir = tempDir();
  // Files alone, sorted by name: the first row is selected, and the click goes to the second.
  const first = makeColdFile(dir, 'click-a.db', 256);
  const second = makeColdFile(dir, 'click-b.db', 512);
  const t = terminal('click', 100, 30);
  t.type(mmtop(`--file ${first} ${second}`));
  const screen = await t.waitFor(/click-a\.db\s+1M cachestat/);
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
  await t.waitFor(/^[0-9a-f]{12} /m);
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
  await t.waitFor(/^[0-9a-f]{12} /m);
  t.filter('burst.db');
  await t.waitFor(/burst\.db\s+256M cachestat/);
  t.keys(':');
  t.literal('p11663');
  t.keys('Enter');
  const at = await t.waitFor(/^cell \d+\/\d+\s+pages (\d+)–(\d+)\s/m);
  const [, first, last] = /^cell \d+\/\d+\s+pages (\d+)–(\d+)\s/m.exec(at)!.map(Number) as [number, number, number];
  assert.ok(first <= 11663 && 11663 <= last, `the cursor's cell holds page 11663: ${first}–${last}`);
  t.keys('z', 'z', 'z', 'z');
  const zoomed = await t.waitFor(/zoom 4 \(pages \d+–\d+\)[\s\S]*^cell \d+\/\d+\s+pages \d+–\d+\s/m);
  const [, from, to] = /zoom 4 \(pages (\d+)–(\d+)\)/.exec(zoomed)!.map(Number) as [number, number, number];
  assert.ok(from <= 11663 && 11663 <= to, `page 11663 in the zoomed window ${from}–${to}`);
  const [, a, b] = /^cell \d+\/\d+\s+pages (\d+)–(\d+)\s/m.exec(zoomed)!.map(Number) as [number, number, number];
  assert.ok(a >= first - 1 && b <= last + 1, `the cursor stays on the pages it was on (${first}–${last}): ${a}–${b}`);
  t.keys('q');
  await assertTerminalRestored(t);
  await mapper.stop();
});
