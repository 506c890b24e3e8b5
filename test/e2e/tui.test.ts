// The interactive view in a real terminal: tmux runs mmtop against a real child that touched known pages.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cleanupAll, makeColdFile, REPO_ROOT, startMapper, tempDir } from '../helpers/kernel.js';
import { assertTerminalRestored, Terminals, Tmux } from '../helpers/tmux.js';
import { TABLE_ROW, TABLE_ROW_LINE } from '../helpers/table-row.js';

const terminals = new Terminals(REPO_ROOT);
after(async () => {
  terminals.killAll();
  await cleanupAll();
});
const terminal = (name: string, columns: number, rows: number): Tmux => terminals.open(name, columns, rows);

const mmtop = (args: string): string => `mmtop ${args}`;

/** The grid rows on screen: the lines between the status line ("cell N/M") and the footer. */
function gridRows(screen: string): string[] {
  const lines = screen.split('\n');
  const status = lines.findIndex((l) => /^cell \d+\/\d+/.test(l));
  const footer = lines.findIndex((l) => l.startsWith('F10Quit'));
  return lines.slice(status + 1, footer);
}


for (const [columns, rows] of [[80, 24], [200, 50]] as const) {
  test(`tmux ${columns}x${rows}: the heatmap shows the pages a child touched; / filters, ? helps, resize redraws, q restores`, async () => {
    const dir = tempDir();
    // One page a cell: as many pages as the grid has cells at this size.
    const gridCells = columns * (rows - 10 - Math.min(20, Math.max(2, Math.floor((rows - 10) * 0.35))));
    const file = makeColdFile(dir, 'touched.db', gridCells);
    const touched = columns + 20; // the whole first row and 20 cells of the second
    const mapper = await startMapper(file, 'read', `every:1:${touched}`);
    const t = terminal(`tui-${columns}`, columns, rows);
    t.type(mmtop(`--delay 0.5 ${mapper.pid}`));
    await t.waitFor(TABLE_ROW);
    t.filter('touched');
    await t.waitFor(/touched\.db\s+[\d.]+[KMG] cachestat ext4/);
    // The state asserted, waited for: the first row every page cached and mapped, then 20 more, then
    // pages not cached (the first frames may come before the page table was read).
    const expected = [`${'█'.repeat(columns)}`, `${'█'.repeat(20)}${'.'.repeat(columns - 20)}`];
    const screen = await t.waitUntil((s) => {
      const grid = gridRows(s);
      return grid[0] === expected[0] && grid[1] === expected[1] ? s : undefined;
    }, `the grid rows ${expected.join(' / ')}`);
    const tableLines = screen.split('\n').filter((l) => TABLE_ROW_LINE.test(l));
    assert.equal(tableLines.length, 1, 'the filter leaves the one mapping');
    assert.match(screen, /█ mapped|█ cached, mapped/, 'the legend is on screen');

    t.keys('?');
    await t.waitFor(/mmtop help/);
    t.keys('Escape');
    await t.waitFor(/F10Quit/);

    t.resize(columns - 10, rows - 4);
    const resized = await t.waitFor(new RegExp(`^${'█'.repeat(columns - 10)}$`, 'm'));
    assert.ok(resized.split('\n').every((l) => l.length <= columns - 10), 'nothing wider than the new size');
    assert.ok(!/mmtop help/.test(resized), 'no garbage left from before');

    t.keys('q');
    await assertTerminalRestored(t);
    await mapper.stop();
  });
}

test('tmux: Enter and the arrow keys move the heatmap cursor; z zooms to one page a cell', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'zoom.db', 65536);
  const mapper = await startMapper(file, 'read', 'every:64:1024');
  const t = terminal('zoom', 100, 30);
  // With CI=true in the environment too: Ink would draw nothing live, so mmtop drops it on a terminal.
  t.type(`CI=true ${mmtop(`${mapper.pid}`)}`);
  await t.waitFor(TABLE_ROW);
  t.filter('zoom.db');
  await t.waitFor(/zoom\.db\s+256M cachestat/);
  t.keys('Enter', 'Right', 'Right');
  await t.waitFor(/^cell 3\//m);
  for (let i = 0; i < 8; i++) t.keys('z');
  const screen = await t.waitFor(/ 1 page\/cell, zoom \d+/);
  assert.match(screen, /^cell \d+\/\d+\s+pages (\d+)–\1\s/m, 'one page per cell when zoomed in all the way');
  const flat = gridRows(screen).join('');
  const hits = [...flat.matchAll(/█/g)].map((m) => m.index!);
  assert.ok(hits.length >= 10, `pages the child touched are on screen (${hits.length})`);
  assert.ok(hits.slice(1).every((at, i) => at - hits[i]! === 64), 'every 64th page, as the child touched them');
  t.keys('q');
  await assertTerminalRestored(t);
  await mapper.stop();
});

test('tmux: a tick does not render Ink; help and its closing do, once each; one terminal write a frame', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'ticks.db', 1024);
  const mapper = await startMapper(file, 'read', 'every:4:64');
  const statsFile = path.join(dir, 'stats.json');
  const t = terminals.open('ticks', 200, 50, { MMTOP_STATS_FILE: statsFile });
  t.type(mmtop(`-d 0.2 ${mapper.pid}`));
  const upSeconds = (screen: string): number | undefined => {
    const m = /^mmtop  pid \d+ .* up (\d+):(\d\d):(\d\d) /m.exec(screen);
    return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
  };
  const first = await t.waitUntil(upSeconds, 'the header with the target\'s uptime');
  // Three seconds of the target's uptime at 0.2 s a sample: more than ten ticks.
  await t.waitUntil((s) => ((upSeconds(s) ?? 0) >= first + 3 ? s : undefined), 'three more seconds of samples');
  t.keys('?');
  await t.waitFor(/mmtop help/);
  t.keys('Escape');
  await t.waitFor(/F10Quit/);
  t.keys('q');
  await assertTerminalRestored(t);
  await t.waitUntil(() => (fs.existsSync(statsFile) ? true : undefined), 'the stats file');
  const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8')) as { samples: number; inkRenders: number; inkBytes: number; painterWrites: number };
  assert.ok(stats.samples >= 10, `ticks happened (${stats.samples})`);
  // Mounting, help opening, help closing, unmounting: nothing for the ticks.
  assert.ok(stats.inkRenders <= 4, `Ink rendered ${stats.inkRenders} times in ${stats.samples} ticks`);
  assert.equal(stats.inkBytes, 0, 'Ink writes nothing to the terminal');
  assert.ok(stats.painterWrites <= stats.samples + 4, `at most one write a frame (${stats.painterWrites} writes, ${stats.samples} samples)`);
  await mapper.stop();
});
