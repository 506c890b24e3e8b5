// The smaps pane and the flags layer in a real terminal, on a real child mapping a file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupAll, makeColdFile, REPO_ROOT, startMapper, tempDir } from '../helpers/kernel.js';
import { assertTerminalRestored, Tmux } from '../helpers/tmux.js';
import { TABLE_ROW } from '../helpers/table-row.js';

const sessions: Tmux[] = [];
after(async () => {
  for (const t of sessions) t.kill();
  await cleanupAll();
});

const isRoot = process.getuid?.() === 0;

test('tmux: S shows the mapping\'s whole smaps entry in place of the heatmap; 6 the page flags of its mapped pages', async () => {
  const file = makeColdFile(tempDir(), 'detail.db', 64);
  const mapper = await startMapper(file, 'read', 'every:1:16');
  const t = new Tmux('page-detail');
  sessions.push(t);
  t.start(100, 36, REPO_ROOT);
  t.type(`mmtop --delay 0.5 ${mapper.pid}`);
  await t.waitFor(TABLE_ROW, 30_000);
  t.filter('detail');
  await t.waitFor(/detail\.db\s+256K cachestat ext4/);
  t.keys('S');
  // The entry as the kernel printed it: 16 pages read are 64 kB of Rss; VmFlags of a shared read mapping.
  const pane = await t.waitFor(/ Rss: 64 kB/);
  assert.match(pane, /smaps of .*detail\.db \(1 VMA\)/);
  assert.match(pane, / THPeligible: \d/);
  assert.match(pane, / VmFlags: rd .*ms/); // a shared mapping: may share
  t.keys('S', '6');
  const flags = await t.waitFor(/flags of mapped pages only/);
  if (isRoot) {
    // One page a cell at 64 pages: the cursor's cell (page 0) is one mapped page on an LRU list.
    const status = await t.waitFor(/cell 1\/64 {2}pages 0–0 {2}mapped 1 {2}active \d {2}inactive \d/);
    assert.match(status, /^[AirUH-]{16}\.{48}$/m, 'the 16 mapped pages have flags, the rest are not mapped here');
  } else {
    assert.match(flags, /flags need root/);
  }
  t.keys('q');
  await assertTerminalRestored(t);
  await mapper.stop();
});
