// `mmtop` alone in a real terminal: the overview opens, a filter finds the test's process, Enter opens its
// view, Esc on the mapping table comes back to the overview, q gives the terminal back.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupAll, makeColdFile, REPO_ROOT, startMapper, tempDir } from '../helpers/kernel.js';
import { assertTerminalRestored, Tmux } from '../helpers/tmux.js';

const sessions: Tmux[] = [];
after(async () => {
  for (const t of sessions) t.kill();
  await cleanupAll();
});

test('tmux: mmtop opens the overview; Enter on the test process opens its view, Esc returns, q exits clean', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'overview.db', 64);
  const mapper = await startMapper(file, 'read', 'every:1:16');
  const t = new Tmux('overview');
  sessions.push(t);
  t.start(120, 30, REPO_ROOT);
  t.type('mmtop -d 0.5');
  await t.waitFor(/^mmtop {2}overview {2}\d+ process/m, 30_000);
  await t.waitFor(/pgpgin\/s pgpgout\/s +fault\/s +majflt\/s/);
  // The files pane names the mapper beside its file.
  t.keys('2', '/');
  t.literal('overview.db');
  t.keys('Enter');
  await t.waitFor(new RegExp(`overview\\.db +python3\\(${mapper.pid}\\)`), 15_000);
  t.keys('Escape', '1', '/');
  t.literal(String(mapper.pid));
  t.keys('Enter');
  await t.waitFor(new RegExp(`filter "${mapper.pid}"`));
  await t.waitFor(new RegExp(`^ +${mapper.pid} root .* python3 `, 'm'), 15_000);
  t.keys('Enter');
  await t.waitFor(new RegExp(`^mmtop {2}pid ${mapper.pid} python3`, 'm'), 15_000);
  await t.waitFor(/^VMAs +(Address +)?Size KiB +RSS KiB/m);
  t.keys('Escape');
  const back = await t.waitFor(/^mmtop {2}overview/m, 15_000);
  assert.match(back, new RegExp(`filter "${mapper.pid}"`), 'the overview as it was left');
  t.keys('q');
  await assertTerminalRestored(t);
  await mapper.stop();
});
