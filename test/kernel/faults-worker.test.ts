// Fault sampling runs in the sampler's worker thread, whose stderr is the view's terminal: opening and
// closing its perf events there must not make Node warn ("File descriptor N closed but not opened in
// unmanaged mode", a Worker tracks the fds its fs opened and warns for others closed through fs).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cleanupAll, REPO_ROOT } from '../helpers/kernel.js';

after(cleanupAll);

test('a worker thread opens and closes fault events (every ring) without a word on stderr', () => {
  const source = new URL('../../src/faults/source.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const inWorker = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(source)}); }).then(({ FaultSource }) => {
    for (let i = 0; i < 3; i++) {
      const opened = FaultSource.open(process.pid, ['major', 'minor'], 100);
      if (!opened.ok) throw new Error(opened.refusal.reason);
      opened.source.poll(() => undefined);
      opened.source.close();
    }
    require('node:worker_threads').parentPort.postMessage('done');
  });`;
  const main = `const { Worker } = require('node:worker_threads');
    const w = new Worker(${JSON.stringify(inWorker)}, { eval: true });
    w.on('message', (m) => { console.log(m); w.terminate(); });
    w.on('error', (e) => { console.error('worker error: ' + e.message); process.exitCode = 1; });`;
  const run = spawnSync(process.execPath, ['-e', main], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'done');
  assert.equal(run.stderr, '', 'nothing on stderr');
});
