// The soak's 90-second form (npm run soak runs 10 minutes): mmtop at 0.1 s against a churning target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { runSoak, TARGET_FILE_FDS_MAX } from '../../bench/soak.js';

test('soak, 90 s at a 0.1 s interval against a target that maps and unmaps files: alive, RSS flat, fds flat', { timeout: 180_000 }, async () => {
  // The soak runs the built bin, as users do: build it from the source under test.
  execFileSync('npm', ['run', 'build'], { cwd: new URL('../../', import.meta.url).pathname, stdio: 'ignore' });
  const r = await runSoak(90);
  assert.equal(r.alive, true, 'mmtop is still running');
  assert.ok(r.rssGrowthPercent < 10, `RSS grew ${r.rssGrowthPercent.toFixed(1)}% after the warm-up (${r.rssAfterWarmupBytes} -> ${r.rssEndBytes})`);
  assert.ok(r.fdMax - r.fdMin <= 2, `open fds stayed flat (${r.fdMin}..${r.fdMax}), those on the target's files apart`);
  assert.ok(r.targetFileFdsMax <= TARGET_FILE_FDS_MAX, `fds on the target's files within what it maps (${r.targetFileFdsMax})`);
});
