// Why pages stayed after evict, as the user who asks sees it: as root the mapper is named; as `nobody`,
// a root process's mapping is hidden (its maps are not readable) and evict says so instead of guessing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { cleanupAll, makeColdFile, startMapper, tempDir } from '../helpers/kernel.js';

after(cleanupAll);
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

test('evict as nobody on a file a root process maps: "mapped by a process you cannot see", not "in use by the kernel"', { skip: !isRoot && 'needs root to switch to nobody' }, async () => {
  const dir = tempDir();
  fs.chmodSync(dir, 0o755);
  const file = makeColdFile(dir, 'root-mapped.db', 512);
  // nobody owns the file, so cachestat answers for it (mm/filemap.c: it needs write access or ownership).
  fs.chownSync(file, NOBODY, NOBODY);
  const mapper = await startMapper(file, 'read', 'every:4:103'); // root's python3 maps 103 pages of it

  const asNobody = runCli(['evict', '--json', file], { asNobody: true });
  assert.equal(asNobody.status, 0, asNobody.stderr);
  const hidden = JSON.parse(asNobody.stdout).files[0];
  assert.equal(hidden.cachedPagesAfter, 103, 'the mapped pages stayed');
  assert.deepEqual(hidden.mappedBy, [], 'nobody cannot see who maps them');
  assert.ok(hidden.unreadableProcesses > 0, 'and says how many processes it could not look into');
  assert.match(hidden.reason, /^103 pages stayed: mapped by a process you cannot see \(run as root to name it; \d+ processes' maps are not readable to this user\)$/);
  assert.doesNotMatch(hidden.reason, /in use by the kernel/);
  const text = runCli(['evict', file], { asNobody: true });
  assert.match(text.stdout, /: 103 -> 103 cached pages; 103 pages stayed: mapped by a process you cannot see \(run as root to name it/);

  const asRoot = JSON.parse(runCli(['evict', '--json', file]).stdout).files[0];
  assert.match(asRoot.reason, new RegExp(`^103 pages stayed: mapped by python3 \\(pid ${mapper.pid}, 103 pages\\)`));
  assert.equal(typeof asRoot.unreadableProcesses, 'number', 'root too may be refused some (a sandbox\'s init)');
  await mapper.stop();
});
