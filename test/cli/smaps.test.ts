// `mmtop snapshot PID --smaps` against procps `pmap -XX` on the same process, held still (SIGSTOP).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cleanupAll, makeColdFile, startMapper, tempDir, whileStopped } from '../helpers/kernel.js';
import { runCli } from '../helpers/cli.js';

after(cleanupAll);

const words = (text: string): string[][] => text.split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s+/));

test('snapshot --smaps prints what pmap -XX prints, field for field', async () => {
  const file = makeColdFile(tempDir(), 'pmapxx.db', 32);
  const mapper = await startMapper(file, 'write', 'every:2:8');
  const { pmap, mmtop } = await whileStopped(mapper.pid, () => ({
    pmap: execFileSync('pmap', ['-XX', String(mapper.pid)], { encoding: 'utf8' }),
    mmtop: runCli(['snapshot', String(mapper.pid), '--smaps']),
  }));
  assert.equal(mmtop.status, 0, mmtop.stderr);
  // Pss and the Shared/Private split depend on the other processes that map a page (the libraries
  // python maps are mapped by other processes that come and go between the two reads): those figures
  // are compared for the mappings only this process has (its file, heap, stack, anonymous memory). Every
  // row's address, perms, offset, device, inode, size, flags and name, and the header, for all.
  const [pm, mm] = [words(pmap), words(mmtop.stdout)];
  assert.deepEqual(mm.slice(0, 2), pm.slice(0, 2), 'the pid line and the header');
  assert.equal(mm.length, pm.length, 'as many lines');
  const fieldCount = pm[1]!.length - 2; // the names between Address… and VmFlags, Mapping
  for (let i = 2; i < pm.length - 2; i++) {
    const own = pm[i]!.length === fieldCount || /pmapxx\.db|\[heap\]|\[stack\]/.test(pm[i]!.at(-1)!);
    assert.deepEqual(own ? mm[i] : [...mm[i]!.slice(0, 6), ...mm[i]!.slice(fieldCount)], own ? pm[i] : [...pm[i]!.slice(0, 6), ...pm[i]!.slice(fieldCount)], `line ${i}`);
  }
  assert.match(mmtop.stdout, /THPeligible +VmFlags +Mapping/);
  assert.match(mmtop.stdout, /pmapxx\.db/);
  const json = await whileStopped(mapper.pid, () => runCli(['snapshot', String(mapper.pid), '--smaps', '--json']));
  const sample = JSON.parse(json.stdout) as { smapsDetail?: Array<{ fields: Array<{ name: string }> }>; mappings: unknown[] };
  assert.equal(sample.smapsDetail?.length, sample.mappings.length, 'every mapping\'s entry in JSON');
  await mapper.stop();
});
