// Record and replay in a real terminal: a session recorded from the live view (R) replays with the same
// screen at the same Sample; stepping lands on the right Sample; a damaged recording replays up to the
// damage and names its line; P saves the screen as SVG.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cleanupAll, makeColdFile, REPO_ROOT, startMapper, tempDir } from '../helpers/kernel.js';
import { assertTerminalRestored, Tmux } from '../helpers/tmux.js';
import { TABLE_ROW } from '../helpers/table-row.js';
import { runCli } from '../helpers/cli.js';
import { humanDuration } from '../../src/text/units.js';
import type { Sample } from '../../src/model/index.js';

const sessions: Tmux[] = [];
after(async () => {
  for (const t of sessions) t.kill();
  await cleanupAll();
});

// mmtop run from another directory (R and S write there).
const mmtop = (args: string): string => `mmtop ${args}`;

/** The screen without what says live or replay: the title's flags, the message line and the footer. */
function comparable(screen: string): string[] {
  const lines = screen.split('\n');
  // Live: "mmtop  pid …  PAUSED · ● REC"; replayed: "mmtop REPLAY 5/5 0:02/0:02 paused │  pid …".
  const title = lines[0]!.replace(/^mmtop REPLAY .*? │/, 'mmtop').replace(/  (PAUSED|every ).*$/, '');
  return [title, ...lines.slice(1, 3), ...lines.slice(4, -2)];
}

const upOf = (sample: Sample): string => humanDuration(sample.system!.uptimeSeconds! - sample.process!.startTimeTicks / sample.clockTicksPerSecond);

test('tmux: R records the Samples shown; replay shows the same screen at the same Sample; , and . step; a snapshot replays; P saves an SVG', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'same.db', 4096);
  const mapper = await startMapper(file, 'read', 'every:3:700');
  const t = new Tmux('replay');
  sessions.push(t);
  t.start(120, 30, dir);
  t.type(mmtop(`-d 0.5 ${mapper.pid}`));
  await t.waitFor(TABLE_ROW, 30_000);
  t.filter('same.db');
  await t.waitFor(/same\.db\s+16M cachestat ext4/);
  // The heatmap's first row shows the pages the child touched (shades: residency/glyph.ts), and smaps was read.
  const heatmapShown = (screen: string): boolean => {
    const lines = screen.split('\n');
    const status = lines.findIndex((l) => /^cell 1\//.test(l));
    return status > 0 && /[░▒▓█]/.test(lines[status + 1] ?? '') && !/ \? +\?/.test(screen);
  };
  await t.waitUntil((s) => (heatmapShown(s) ? s : undefined), 'the heatmap with the mapped pages');

  t.keys('P');
  const saved = await t.waitUntil((s) => /screen saved to (\S+\.svg)/.exec(s)?.[1], 'the SVG named on screen');
  assert.equal(path.dirname(saved), dir, 'in the current directory');
  const svg = fs.readFileSync(saved, 'utf8');
  assert.match(svg, /^<\?xml/);
  assert.match(svg, /same\.db/, 'the screen\'s text is in the SVG');

  t.keys('R');
  const recording = await t.waitUntil((s) => /recording to (\S+\.ndjson)/.exec(s)?.[1], 'the recording named on screen');
  assert.equal(path.dirname(recording), dir);
  assert.match(recording, /\/mmtop-\d+-\d{8}-\d{6}\.ndjson$/);
  await t.waitFor(/ · ● REC$/m);
  // A few Samples: the file grows by a line each.
  await t.waitUntil(() => (fs.readFileSync(recording, 'utf8').split('\n').length > 4 ? true : undefined), 'four Samples recorded', 20_000);
  t.keys('Space');
  await t.waitFor(/  PAUSED/);
  // The sample on screen and the last line of the recording stay put while paused.
  const lines = await t.waitUntil(() => {
    const n = fs.readFileSync(recording, 'utf8').split('\n').length;
    return n === fs.readFileSync(recording, 'utf8').split('\n').length ? n : undefined;
  }, 'the recording settled');
  const live = await t.waitFor(/  PAUSED/);
  t.keys('R');
  await t.waitFor(/recording stopped: \d+ Samples/);
  t.keys('q');
  await assertTerminalRestored(t);
  const snapshot = path.join(dir, 'snapshot.json');
  const snap = runCli(['snapshot', String(mapper.pid), '--json', '--cells', '64']);
  assert.equal(snap.status, 0, snap.stderr);
  fs.writeFileSync(snapshot, snap.stdout);
  await mapper.stop();

  const samples = fs.readFileSync(recording, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Sample);
  assert.equal(samples.length, lines - 1);
  const count = samples.length;

  t.type(mmtop(`replay ${recording}`));
  await t.waitFor(new RegExp(`REPLAY 1/${count} `), 30_000);
  t.filter('same.db');
  t.keys('J');
  t.literal(`#${count}`);
  t.keys('Enter');
  const replayed = await t.waitFor(new RegExp(`REPLAY ${count}/${count} .* paused`));
  assert.deepEqual(comparable(replayed), comparable(live), `the same screen as live at the same Sample:\n${replayed}\n${live}`);

  t.keys(',');
  const back = await t.waitFor(new RegExp(`REPLAY ${count - 1}/${count} `));
  assert.match(back.split('\n')[0]!, new RegExp(` up ${upOf(samples[count - 2]!)} `), 'one back: the Sample before the last');
  t.keys(',', ',');
  const three = await t.waitFor(new RegExp(`REPLAY ${count - 3}/${count} `));
  assert.match(three.split('\n')[0]!, new RegExp(` up ${upOf(samples[count - 4]!)} `), 'three back');
  t.keys('.', '.', '.');
  assert.deepEqual(comparable(await t.waitFor(new RegExp(`REPLAY ${count}/${count} `))), comparable(live), 'forward again: the last Sample');
  t.keys('e');
  await t.waitFor(/Evict: off in a replay/);
  // Played from the start at 16x, it runs to the end and stops there.
  t.keys('J');
  t.literal('#1');
  t.keys('Enter', '>', '>', 'Space');
  await t.waitFor(new RegExp(`REPLAY ${count}/${count} .* paused[\\s\\S]*the end of the recording`));
  t.keys('P');
  const replayShot = await t.waitUntil((s) => /screen saved to (\S+\.svg)/.exec(s)?.[1], 'the replay\'s SVG named on screen');
  assert.match(fs.readFileSync(replayShot, 'utf8'), new RegExp(`REPLAY ${count}/${count}`), 'P in a replay saves the replay\'s screen');
  t.keys('q');
  await assertTerminalRestored(t);

  // A snapshot --json file opens the same way: a recording of one Sample.
  t.type(mmtop(`replay ${snapshot}`));
  await t.waitFor(/REPLAY 1\/1 0:00\/0:00 paused/, 30_000);
  t.filter('same.db');
  await t.waitFor(/same\.db\s+16M cachestat ext4 .* 64 pages\/cell/);
  t.keys('q');
  await assertTerminalRestored(t);

  // Cut short in the middle of its last line (a recorder killed mid-write): replays the lines before it.
  const bytes = fs.readFileSync(recording);
  const cut = path.join(dir, 'cut.ndjson');
  const lastStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
  fs.writeFileSync(cut, bytes.subarray(0, lastStart + 100));
  t.type(mmtop(`replay ${cut}`));
  const damaged = await t.waitFor(new RegExp(`REPLAY 1/${count - 1} `), 30_000);
  assert.match(damaged, new RegExp(`${count - 1} Samples replayed: line ${count} cut short`), 'the line and why');
  t.keys('q');
  await assertTerminalRestored(t);
  t.kill();
});
