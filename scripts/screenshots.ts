// Captures screens of real runs into screenshots/ (text, as tmux shows them): `node --import tsx scripts/screenshots.ts`.
// The demo at 80x24 and at 200x50, after the article's first step (evict: the mapped pages stay).
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Tmux } from '../test/helpers/tmux.js';

const root = new URL('../', import.meta.url).pathname;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

for (const [columns, rows] of [[80, 24], [200, 50]] as const) {
  const t = new Tmux(`shot-${columns}`);
  try {
    t.start(columns, rows, root);
    t.type('node --import tsx src/bin/mmtop.ts demo');
    await t.waitFor(/file1\.db\s+128M cachestat/, 30_000);
    await sleep(4000);
    t.keys('e');
    await t.waitFor(/\[y\/N\]/);
    t.keys('y');
    await t.waitFor(/Step 2\/4/);
    await sleep(1500);
    const screen = await t.waitFor(/Step 2\/4/);
    fs.writeFileSync(`${root}screenshots/demo-${columns}x${rows}.txt`, screen.replace(/\s+$/, '\n'));
    t.keys('q');
    await t.waitFor(/^\$ ?$/m, 15_000);
  } finally {
    t.kill();
  }
}
spawnSync('true');
console.log('screenshots written');
