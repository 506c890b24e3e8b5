// Layers that hold: the views (ui/, state/, model/, text/) load no native code, and neither do `--help`
// and `--version`. Checked where it counts: in a fresh Node process, by whether koffi's shared object is
// mapped (/proc/self/maps), not by reading import lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const root = new URL('../../', import.meta.url).pathname;

/** Runs `code` as an ES module under tsx in a fresh node; it prints whether koffi.node was mapped at exit. */
function koffiMappedAfter(code: string): { mapped: boolean; output: string } {
  const probe = `
    import fs from 'node:fs';
    process.on('exit', () => {
      const mapped = fs.readFileSync('/proc/self/maps', 'utf8').includes('koffi');
      fs.writeSync(2, 'KOFFI=' + mapped + '\\n');
    });
    ${code}
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_ENV: 'production' },
  });
  const output = `${run.stdout}${run.stderr}`;
  const match = /KOFFI=(true|false)/.exec(run.stderr);
  assert.ok(match, `the probe did not report: ${output.slice(0, 2000)}`);
  return { mapped: match[1] === 'true', output };
}

test('the probe can fail: importing native/ maps koffi', () => {
  assert.equal(koffiMappedAfter(`await import('./native/index.ts');`).mapped, true);
});

test('importing ui/, state/, model/, text/ and keys/ does not load koffi', () => {
  const { mapped, output } = koffiMappedAfter(`
    await import('./src/ui/App.tsx');
    await import('./src/ui/rows.ts');
    await import('./src/state/index.ts');
    await import('./src/model/index.ts');
    await import('./src/text/snapshot.ts');
    await import('./src/text/fincore.ts');
    await import('./src/keys/index.ts');
  `);
  assert.equal(mapped, false, output);
});

test('mmtop --help and --version do not load koffi', () => {
  for (const flag of ['--help', '--version']) {
    const { mapped, output } = koffiMappedAfter(`
      const { main } = await import('./src/cli/main.ts');
      await main([${JSON.stringify(flag)}]);
    `);
    assert.equal(mapped, false, `${flag}: ${output}`);
  }
});
