// The sampling budget in a real terminal: a file whose cells and page table cost more than a tiny --budget
// allows is swept, and the view says so (the heatmap's title, the cursor's cell), through the sampler
// thread, its deltas and the painter. A real child maps 140,000 single-page folios of a real file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupAll, makeColdFile, REPO_ROOT, startMapper, tempDir } from '../helpers/kernel.js';
import { assertTerminalRestored, Terminals } from '../helpers/tmux.js';
import { TABLE_ROW } from '../helpers/table-row.js';

const terminals = new Terminals(REPO_ROOT);
after(async () => {
  terminals.killAll();
  await cleanupAll();
});

test('tmux: under a tiny --budget a large mapped file is swept, and the heatmap says how old its cells are', async () => {
  const dir = tempDir();
  const pages = 140_000; // more present pages than the 65,536 from which a mapping's page table is swept
  const file = makeColdFile(dir, 'swept.db', pages);
  const mapper = await startMapper(file, 'read', `every:1:${pages}`);
  const t = terminals.open('sweep', 200, 50);
  t.type(`mmtop --budget 0.01 ${mapper.pid}`);
  await t.waitFor(TABLE_ROW);
  t.filter('swept.db');
  const screen = await t.waitFor(/swept\.db .*swept under the budget, oldest cells \d+\.\d s · page table swept under the budget/);
  assert.match(screen, /^cell 1\/\d+ .* read in the last \d+\.\d s/m, 'the cursor\'s cell says how old it is at most');
  t.keys('q');
  await assertTerminalRestored(t);
  await mapper.stop();
});
