// The first frame with data, in a real terminal against a real reader: a python child maps a large data
// file and touches a quarter of it; the data file must be on top of the table, selected (the heatmap is
// its), with its RSS known, on the very first frame that has data, at 80x24 and 200x50.
// The first frame is found by recording every byte mmtop wrote (tmux pipe-pane) and replaying them, frame
// by frame (the painter ends each frame with DEC 2026's END_SYNC), into a second tmux of the same size.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cleanupAll, makeColdFile, REPO_ROOT, startMapper, tempDir } from '../helpers/kernel.js';
import { Terminals, Tmux } from '../helpers/tmux.js';
import { END_SYNC } from '../../src/terminal/diff.js';

const terminals = new Terminals(REPO_ROOT);
after(async () => {
  terminals.killAll();
  await cleanupAll();
});
const terminal = (name: string, columns: number, rows: number): Tmux => terminals.open(name, columns, rows);

/**
 * Replays `bytes` frame by frame into a fresh tmux of the same size (through a FIFO that `cat` reads) and
 * returns the first screen `accept` takes. After each frame an OSC 2 sets the pane's title to the frame's
 * number: once tmux shows that title it has drawn every byte before it (it reads the pane in order).
 */
async function firstFrameWhere(name: string, columns: number, rows: number, bytes: Buffer, dir: string, accept: (screen: string) => boolean): Promise<string | undefined> {
  const fifo = path.join(dir, `${name}.fifo`);
  execFileSync('mkfifo', [fifo]);
  const t = terminal(name, columns, rows);
  t.type(`clear; cat ${JSON.stringify(fifo)}`);
  // O_RDWR: a FIFO opened so does not wait for its reader (fifo(7)).
  const fd = fs.openSync(fifo, fs.constants.O_RDWR);
  try {
    const marker = Buffer.from(END_SYNC);
    let from = 0;
    for (let end = bytes.indexOf(marker), frame = 0; end >= 0 && frame < 20; end = bytes.indexOf(marker, end + 1), frame++) {
      fs.writeSync(fd, bytes.subarray(from, end + marker.length));
      fs.writeSync(fd, `\x1b]2;frame-${frame}\x07`);
      from = end + marker.length;
      const deadline = Date.now() + 10_000;
      while (t.paneTitle() !== `frame-${frame}`) {
        if (Date.now() > deadline) throw new Error(`frame ${frame} was not replayed`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const screen = t.capture();
      if (accept(screen)) return screen;
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
    t.kill();
  }
}

for (const [columns, rows] of [[80, 24], [200, 50]] as const) {
  test(`tmux ${columns}x${rows}: the data file is on top, selected and known on the first frame with data`, async () => {
    const dir = tempDir();
    // 32 MiB, every other page touched: 16 MiB in the reader's page table, more than python's own files.
    const file = makeColdFile(dir, 'data.db', 8192);
    const reader = await startMapper(file, 'read', 'every:2:4096');
    const recording = path.join(dir, 'pane.raw');
    const t = terminal(`first-${columns}`, columns, rows);
    t.recordOutput(recording);
    t.type(`mmtop -d 5 ${reader.pid}`);
    await t.waitFor(/data\.db\s+32M cachestat/, 30_000);
    t.keys('q');
    await t.waitFor(/^\$ ?$/m, 15_000);
    // Frame by frame until one has data (the frames before it say "waiting for the first sample").
    const screen = await firstFrameWhere(`replay-${columns}`, columns, rows, fs.readFileSync(recording), dir,
      (shown) => !/waiting for the first sample/.test(shown) && /^F10Quit/m.test(shown));
    assert.ok(screen, 'a frame with data within the first twenty');
    const lines = screen.split('\n');
    const header = lines.findIndex((l) => /^(VMAs|Address) /.test(l));
    assert.ok(header >= 0, `the table's header:\n${screen}`);
    const top = lines[header + 1]!;
    assert.match(top, /data\.db\s*$/, `the data file is the table's first row:\n${screen}`);
    // VMAs, the span (from 100 columns), Size KiB, RSS KiB: 4096 pages touched, 16384 KiB.
    const [, rss] = /^ +1 +(?:[0-9a-f]{12}-[0-9a-f]{12} +)?32768 +(\S+) /.exec(top) ?? [];
    assert.ok(rss !== undefined && Number(rss) >= 16384, `its RSS is known (the page table was read), not ?: ${rss}\n${screen}`);
    assert.match(screen, /^\S*data\.db\s+32M cachestat/m, `the heatmap is the data file's: it is selected:\n${screen}`);
    assert.match(lines[header]!, / 1\/\d+ /, `the title says the first row is selected:\n${screen}`);
  });
}
