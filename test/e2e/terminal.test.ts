// The terminal's whole life, in real terminals (tmux): suspended with Ctrl-Z, SIGTSTP or SIGSTOP and
// resumed with fg; closed under mmtop (kill-window, kill-session: a dropped ssh link); and terminals that
// cannot do everything (TERM=dumb, TERM unset, LANG=C, a terminal without colour).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cleanupAll, eventually, makeColdFile, REPO_ROOT, startMapper, tempDir } from '../helpers/kernel.js';
import { assertTerminalRestored, removeSocket, Tmux } from '../helpers/tmux.js';
import { TABLE_ROW } from '../helpers/table-row.js';
import { mmtopPathDir, mmtopPattern, pidsMatching } from '../helpers/bin.js';

const sessions: Tmux[] = [];
after(async () => {
  for (const t of sessions) t.kill();
  await cleanupAll();
});

const MMTOP = 'mmtop';

function terminal(name: string, env: Record<string, string> = {}, columns = 100, rows = 30): Tmux {
  const t = new Tmux(name);
  sessions.push(t);
  t.start(columns, rows, REPO_ROOT, env);
  return t;
}

function tmux(t: Tmux, ...args: string[]): string {
  return execFileSync('tmux', ['-L', t.socket, ...args], { encoding: 'utf8' });
}


/** Entries mmtop made under `dir` (tsx keeps its cache there too). */
const mmtopFiles = (dir: string): string[] => fs.readdirSync(dir).filter((n) => !n.startsWith('tsx-'));

/** The one-letter state of a process (man 5 proc_pid_stat field 3), or null once it is gone. */
function stateOf(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

const until = (what: string, condition: () => boolean, timeoutMs = 10_000): Promise<true> =>
  eventually(() => (condition() ? true : undefined), what, timeoutMs, 50);

/** fg: mmtop takes the terminal again and redraws it all, and a key works without Enter. */
async function assertResumed(t: Tmux, pid: number): Promise<void> {
  t.type('fg');
  await until('mmtop holds the alternate screen again', () => t.paneFlags().alternate);
  await until('mmtop asks for mouse reports again', () => t.mouseFlags().sgr);
  const screen = await t.waitFor(/^mmtop {2}pid \d+ .*every/m, 20_000);
  assert.doesNotMatch(screen, /Stopped|^\$ /m, 'redrawn in full: nothing of the shell is left on the screen');
  assert.notEqual(stateOf(pid), 'T', 'mmtop runs again');
  t.keys('Space');
  await t.waitFor(/^mmtop {2}pid \d+ .*PAUSED/m);
}

test('Ctrl-Z gives the terminal back and stops the job, the workload with it; fg takes it again and redraws', async () => {
  const parent = tempDir('mmtop-suspend-');
  const t = terminal('suspend-z', { TMPDIR: parent });
  t.type(`${MMTOP} demo --delay 0.52`);
  await t.waitFor(/file1\.db\s+128M cachestat/, 30_000);
  const [pid] = pidsMatching(mmtopPattern('demo --delay 0.52$'));
  const [workload] = pidsMatching(`workload ${parent}`);
  assert.ok(pid && workload, 'mmtop and its workload run');
  t.keys('C-z');
  await t.waitFor(/Stopped\s+mmtop demo --delay 0\.52/);
  await until('mmtop and its workload are stopped', () => stateOf(pid) === 'T' && stateOf(workload) === 'T');
  await assertTerminalRestored(t);
  await assertResumed(t, pid);
  await until('the workload runs again', () => stateOf(workload) !== 'T');
  t.keys('q');
  await assertTerminalRestored(t);
  await until('no workload and no file are left', () => pidsMatching(`workload ${parent}`).length === 0 && mmtopFiles(parent).length === 0);
});

test('kill -TSTP from elsewhere suspends like Ctrl-Z; kill -STOP (not caught) is redrawn after fg', async () => {
  const dir = tempDir();
  const mapper = await startMapper(makeColdFile(dir, 'tstp.db', 64), 'read', 'every:1:8');
  const t = terminal('suspend-tstp');
  t.type(`${MMTOP} ${mapper.pid}`);
  await t.waitFor(TABLE_ROW, 30_000);
  const [pid] = pidsMatching(mmtopPattern(`${mapper.pid}$`));
  assert.ok(pid);
  process.kill(pid, 'SIGTSTP');
  await t.waitFor(/Stopped\s+mmtop/);
  await assertTerminalRestored(t);
  await assertResumed(t, pid);
  t.keys('Space'); // unpause
  await t.waitFor(/^mmtop {2}pid \d+ .*every/m);
  // SIGSTOP cannot be caught: mmtop stops holding the terminal, bash prints over its screen and makes
  // the tty cooked. On SIGCONT (fg) it must take the tty again and redraw everything.
  process.kill(pid, 'SIGSTOP');
  await t.waitFor(/Stopped/);
  await assertResumed(t, pid);
  t.keys('q');
  await assertTerminalRestored(t);
  await mapper.stop();
});

test('Ctrl-Z where no shell could resume mmtop (it leads its own session, as under ssh -t): it says so and keeps running', async () => {
  const dir = tempDir();
  const mapper = await startMapper(makeColdFile(dir, 'orphan.db', 64), 'read', 'every:1:8');
  const t = new Tmux('suspend-orphan');
  try {
    tmux(t, '-f', '/dev/null', 'new-session', '-d', '-s', t.session, '-x', '100', '-y', '30', '-c', REPO_ROOT,
      `exec env -i HOME=/root PATH=${JSON.stringify(`${mmtopPathDir()}:${process.env.PATH ?? '/usr/bin:/bin'}`)} TERM=xterm-256color LANG=C.UTF-8 ${MMTOP} ${mapper.pid}`);
    await t.waitFor(/^mmtop {2}pid \d+ .*every/m, 30_000);
    const [pid] = pidsMatching(mmtopPattern(`${mapper.pid}$`));
    assert.ok(pid);
    t.keys('C-z');
    // The warning line may cut the message's end at 100 columns (the reclaimer's warning shares it; `!` has
    // it whole): its head says why, and the state below that it keeps running.
    await t.waitFor(/Ctrl-Z: no shell can resume mmtop here \(its process group is orphaned\)/);
    assert.notEqual(stateOf(pid), 'T');
    assert.equal(t.paneFlags().alternate, true, 'it keeps the terminal');
    t.keys('Space');
    await t.waitFor(/^mmtop {2}pid \d+ .*PAUSED/m);
  } finally {
    spawnSync('tmux', ['-L', t.socket, 'kill-server']);
    removeSocket(t.socket);
    await mapper.stop();
  }
});

/**
 * Runs mmtop under a wrapper that outlives the terminal (it ignores SIGHUP) and records mmtop's exit
 * status and stderr, as a script in `dir`. The command line carries `tag` so pgrep finds it.
 */
function wrapper(dir: string, mmtopArgs: string, stderrToFile: boolean): { script: string; rcFile: string; errFile: string } {
  const rcFile = path.join(dir, 'rc');
  const errFile = path.join(dir, 'stderr');
  const script = path.join(dir, 'run.sh');
  fs.writeFileSync(script, `trap '' HUP\n${MMTOP} ${mmtopArgs}${stderrToFile ? ` 2>${errFile}` : ''}\necho $? >${rcFile}\n`);
  return { script, rcFile, errFile };
}

/** The stderr mmtop wrote, without the cursor-show escape a dependency writes at exit (restore-cursor). */
const stderrOf = (file: string): string => fs.readFileSync(file, 'utf8').replaceAll('\x1b[?25h', '');

test('a closed terminal (tmux kill-window: the shell sends SIGHUP): exit 129 quietly, workload ended, file removed', async () => {
  const parent = tempDir('mmtop-hangup-');
  const { script, rcFile, errFile } = wrapper(parent, 'demo --delay 0.53', true);
  const t = terminal('hangup-window', { TMPDIR: parent });
  t.type(`bash ${script}`);
  await t.waitFor(/file1\.db\s+128M cachestat/, 30_000);
  assert.equal(pidsMatching(`workload ${parent}`).length, 1);
  tmux(t, 'kill-window', '-t', t.session);
  await until('the wrapper wrote the exit status', () => fs.existsSync(rcFile) && fs.readFileSync(rcFile, 'utf8').endsWith('\n'), 15_000);
  assert.equal(fs.readFileSync(rcFile, 'utf8').trim(), '129', 'the status of a hang-up, not 134 (an abort)');
  assert.match(stderrOf(errFile), /^mmtop demo: writing 128 MiB to .*\n$/, 'nothing but the demo\'s first line: no "write EIO", no assertion');
  await until('no workload and no data file are left', () => pidsMatching(`workload ${parent}`).length === 0
    && mmtopFiles(parent).every((n) => !n.startsWith('mmtop-demo-')));
});

test('a closed terminal that sends no SIGHUP (tmux kill-session; mmtop hears only EOF and EIO): exit 129, nothing left', async () => {
  const dir = tempDir('mmtop-hangup-');
  const mapper = await startMapper(makeColdFile(dir, 'eio.db', 64), 'read', 'every:1:8');
  const { script, rcFile } = wrapper(dir, String(mapper.pid), false);
  // The wrapper is the session leader, not an interactive shell: nobody forwards SIGHUP to mmtop, and
  // its stderr is the dead terminal too.
  const t = new Tmux('hangup-session');
  let pid: number | undefined;
  try {
    tmux(t, '-f', '/dev/null', 'new-session', '-d', '-s', t.session, '-x', '100', '-y', '30', '-c', REPO_ROOT,
      `env -i HOME=/root PATH=${JSON.stringify(`${mmtopPathDir()}:${process.env.PATH ?? '/usr/bin:/bin'}`)} TERM=xterm-256color LANG=C.UTF-8 bash ${script}`);
    await t.waitFor(TABLE_ROW, 30_000);
    [pid] = pidsMatching(mmtopPattern(`${mapper.pid}$`));
    tmux(t, 'kill-session', '-t', t.session);
  } finally {
    spawnSync('tmux', ['-L', t.socket, 'kill-server']);
    removeSocket(t.socket);
  }
  assert.ok(pid, 'mmtop ran');
  await until('the wrapper wrote the exit status', () => fs.existsSync(rcFile) && fs.readFileSync(rcFile, 'utf8').endsWith('\n'), 15_000);
  assert.equal(fs.readFileSync(rcFile, 'utf8').trim(), '129');
  assert.equal(stateOf(pid), null, 'mmtop is gone');
  await mapper.stop();
});

test('a terminal closed while the demo writes its file: the partial file and its directory are removed', async () => {
  const parent = tempDir('mmtop-hangup-');
  const { script, rcFile } = wrapper(parent, 'demo --delay 0.54', true);
  const t = terminal('hangup-early', { TMPDIR: parent });
  t.type(`bash ${script}`);
  const partial = (): boolean => mmtopFiles(parent).some((d) => d.startsWith('mmtop-demo-')
    && fs.readdirSync(path.join(parent, d)).some((f) => { try { return fs.statSync(path.join(parent, d, f)).size > 0; } catch { return false; } }));
  await until('the workload started writing the file', partial, 30_000);
  tmux(t, 'kill-window', '-t', t.session);
  await until('the wrapper wrote the exit status', () => fs.existsSync(rcFile) && fs.readFileSync(rcFile, 'utf8').endsWith('\n'), 15_000);
  assert.equal(fs.readFileSync(rcFile, 'utf8').trim(), '129');
  await until('no workload and no demo directory are left', () => pidsMatching(`workload ${parent}`).length === 0
    && mmtopFiles(parent).every((n) => !n.startsWith('mmtop-demo-')));
});

/** Starts logging every byte the pane's program writes (tmux pipe-pane) to a file; returns its path. */
function recordPane(t: Tmux, dir: string): string {
  const log = path.join(dir, 'pane.log');
  tmux(t, 'pipe-pane', '-o', '-t', t.session, `cat >${log}`);
  return log;
}

for (const term of ['dumb', '']) {
  test(`TERM=${term === '' ? ' (unset)' : term}: one line, status 1, the alternate screen never written, no demo file`, async () => {
    const parent = tempDir('mmtop-term-');
    const t = terminal(`term-${term || 'unset'}`, { TMPDIR: parent }, 200);
    const log = recordPane(t, parent);
    t.type(`${term === '' ? 'env -u TERM' : `env TERM=${term}`} ${MMTOP} demo; echo "<rc=$?>"`);
    const screen = await t.waitFor(/<rc=\d+>/, 15_000);
    assert.match(screen, /^mmtop: (TERM=dumb cannot move the cursor|TERM is not set, so there is no telling how to move the cursor), which the demo needs; for plain output: mmtop snapshot <pid> \(or mmtop fincore <file>\)$/m);
    assert.match(screen, /<rc=1>/);
    assert.equal(fs.readFileSync(log, 'latin1').includes('\x1b[?1049h'), false, 'no alternate screen');
    assert.deepEqual(mmtopFiles(parent).filter((n) => n !== 'pane.log'), [], 'no demo file written');
  });
}

/** Every SGR parameter in `bytes` that sets a colour (30-38, 40-48, 90-97, 100-107; 39 and 49 are the default). */
function colourParameters(bytes: string): string[] {
  const found: string[] = [];
  for (const [, params] of bytes.matchAll(/\x1b\[([0-9;]*)m/g)) {
    for (const p of params!.split(';')) if (/^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(p)) found.push(p);
  }
  return found;
}

test('TERM=vt100 (no colours in its terminfo): no SGR colour, the glyphs and reverse video carry it all', async () => {
  const dir = tempDir();
  const mapper = await startMapper(makeColdFile(dir, 'mono.db', 64), 'read', 'every:1:8');
  const t = terminal('term-vt100');
  const log = recordPane(t, dir);
  t.type(`env TERM=vt100 ${MMTOP} ${mapper.pid}`);
  await t.waitFor(TABLE_ROW, 30_000);
  t.filter('mono.db');
  await t.waitFor(/mono\.db\s+256K cachestat/);
  t.keys('Enter'); // the heatmap: the cells' colours too
  await t.waitFor(/^cell \d+\/\d+/m);
  assert.deepEqual(colourParameters(fs.readFileSync(log, 'latin1')), [], 'no colour was ever written');
  assert.deepEqual(colourParameters(tmux(t, 'capture-pane', '-p', '-e', '-t', t.session)), [], 'none on the screen');
  t.keys('q');
  await assertTerminalRestored(t);
  await mapper.stop();
});

for (const how of [{ name: 'LANG=C', env: 'LANG=C', flag: '' }, { name: '--ascii', env: 'LANG=C.UTF-8', flag: '--ascii ' }]) {
  test(`${how.name}: not one byte of 0x80 or above is written, a non-ASCII name included; widths stay`, async () => {
    const dir = tempDir();
    const mapper = await startMapper(makeColdFile(dir, 'données-αβγ.db', 64), 'read', 'every:1:8');
    const t = terminal(`ascii-${how.flag ? 'flag' : 'lang'}`, {}, 80, 24);
    const log = recordPane(t, dir);
    t.type(`env ${how.env} ${MMTOP} ${how.flag}${mapper.pid}`);
    await t.waitFor(TABLE_ROW, 30_000);
    t.filter('donn');
    const table = await t.waitFor(/donn\?es-\?{3}\.db/);
    assert.match(table, /RSS KiBv/, 'the sort arrow');
    assert.match(table, / \| /, 'the header\'s separators');
    t.keys('Enter');
    await t.waitFor(/^cell \d+\/\d+/m);
    t.keys('?');
    await t.waitFor(/mmtop help/);
    t.keys('Escape');
    await t.waitFor(/^cell \d+\/\d+/m);
    const written = fs.readFileSync(log);
    const high = written.findIndex((b) => b >= 0x80);
    assert.equal(high, -1, `a byte >= 0x80 at ${high}: ${JSON.stringify(written.subarray(Math.max(0, high - 40), high + 10).toString('latin1'))}`);
    for (const line of tmux(t, 'capture-pane', '-p', '-t', t.session).split('\n')) assert.ok(line.length <= 80, `no line wider than 80: ${line}`);
    t.keys('q');
    await assertTerminalRestored(t);
    await mapper.stop();
  });
}
