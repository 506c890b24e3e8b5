// Names are data, never instructions, and every byte of a name counts: real files with hostile names,
// mapped by a real child (python3) that renamed itself with prctl(PR_SET_NAME). Each text mode's output
// is checked as the bytes it wrote; JSON keeps the exact names; page counts match util-linux fincore.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { decodeName, encodeName } from '../../src/model/index.js';
import { runBytes, runCliBytes, type BytesRun } from '../helpers/cli.js';
import { cleanupAll, makeColdFileBytes, PAGE, startScript, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

const HOSTILE_COMM = Buffer.from('\x1b]2;X\x07');
/** The quirks, each a file's name as bytes; file i of the list has i + 1 pages mapped by the child. */
const NAMES: Array<[string, Buffer]> = [
  ['e2', Buffer.from('e2\x1b[2J\x1b[31mRED.dat')],
  ['e1', Buffer.from('e1\x1b]2;PWNED\x07.dat')],
  ['c1', Buffer.from([...Buffer.from('c1'), 0x9b, ...Buffer.from('x.dat')])],
  ['bidi', Buffer.from('bidi\u202Etxt.dat')],
  ['not-utf8', Buffer.from([...Buffer.from('bad'), 0xff, 0xfe, ...Buffer.from('.dat')])],
  ['newline', Buffer.from('nl\nname.dat')],
  ['cr', Buffer.from('cr\rname.dat')],
  ['u2028', Buffer.from('ls\u2028sep.dat')],
];
/** How each name must look in text: util-linux's escapes (lib/mbsalign.c). */
const SHOWN: Record<string, string> = {
  e2: 'e2\\x1b[2J\\x1b[31mRED.dat', e1: 'e1\\x1b]2;PWNED\\x07.dat', c1: 'c1\\x9bx.dat', bidi: 'bidi\\xe2\\x80\\xaetxt.dat',
  'not-utf8': 'bad\\xff\\xfe.dat', newline: 'nl\\x0aname.dat', cr: 'cr\\x0dname.dat', u2028: 'ls\\xe2\\x80\\xa8sep.dat',
};
const FILE_PAGES = 16;

let dir: string;
let files: Buffer[];
let pid: number;

before(async () => {
  dir = tempDir();
  files = NAMES.map(([, name]) => makeColdFileBytes(dir, name, FILE_PAGES));
  const child = await startScript('names_mapper.py', ['--comm', HOSTILE_COMM.toString('hex'), ...files.map((f, i) => `${f.toString('hex')}:${i + 1}`)], 'ready');
  pid = child.pid;
});

/** No byte a name could have carried is in the output raw: ESC, BEL, CR, C1 (0x9b as a byte or U+009B), bidi, separators. */
function assertNoRawControl(run: BytesRun, what: string): string {
  const text = decodeName(run.stdout);
  // eslint-disable-next-line no-control-regex
  const bad = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\udc80-\udcff]/.exec(text);
  assert.equal(bad, null, `${what}: ${JSON.stringify(bad?.[0])} written raw near ${JSON.stringify(text.slice(Math.max(0, (bad?.index ?? 0) - 30), (bad?.index ?? 0) + 10))}`);
  const stderr = decodeName(run.stderr);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(stderr, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\udc80-\udcff]/, `${what}: stderr`);
  return text;
}

test('fincore: the names escaped, never raw; --json keeps every byte; PAGES equal util-linux fincore', () => {
  const text = runCliBytes(['fincore', ...files]);
  assert.equal(text.status, 0, text.stderr.toString());
  const out = assertNoRawControl(text, 'fincore');
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 1 + files.length, 'one line a file: a "\\n" in a name does not make two');
  for (const [quirk] of NAMES) assert.ok(out.includes(`${dir}/${SHOWN[quirk]}`), `${quirk} shown as ${SHOWN[quirk]}`);

  const json = runCliBytes(['fincore', '--json', ...files]);
  assert.equal(json.status, 0, json.stderr.toString());
  const records = JSON.parse(json.stdout.toString('utf8')).files as Array<{ path: string; cachedPages: number }>;
  assert.deepEqual(records.map((r) => encodeName(r.path).toString('hex')), files.map((f) => f.toString('hex')), 'JSON names are the exact bytes');
  assert.ok(json.stdout.toString('utf8').includes('bad\\udcff\\udcfe.dat'), 'a byte that is not UTF-8 is "\\udcXX" in JSON');
  files.forEach((file, i) => {
    const theirs = runBytes(['fincore', '--raw', '--noheadings', '--output', 'PAGES', file]);
    assert.equal(theirs.status, 0, theirs.stderr.toString());
    assert.equal(records[i]!.cachedPages, Number(theirs.stdout.toString().trim()), `${NAMES[i]![0]}: PAGES equal util-linux fincore`);
    assert.equal(records[i]!.cachedPages, i + 1, 'the pages the child touched');
  });
});

test('fincore -R and a directory with such names inside: every file found, opened by its bytes', () => {
  const subName = Buffer.concat([Buffer.from('sub\x1b[2J'), Buffer.from([0xff])]);
  fs.mkdirSync(Buffer.concat([Buffer.from(`${dir}/`), subName]));
  const inner = makeColdFileBytes(dir, Buffer.concat([subName, Buffer.from('/'), NAMES[4]![1]]), 3);
  const run = runCliBytes(['fincore', '--json', '-R', Buffer.from(dir)]);
  assert.equal(run.status, 0, run.stderr.toString());
  const found = (JSON.parse(run.stdout.toString('utf8')).files as Array<{ path: string }>).map((f) => encodeName(f.path).toString('hex')).sort();
  assert.deepEqual(found, [...files, inner].map((f) => f.toString('hex')).sort());
  const text = runCliBytes(['fincore', '-R', Buffer.from(dir)]);
  assert.equal(text.status, 0, text.stderr.toString());
  assert.ok(assertNoRawControl(text, 'fincore -R').includes('/sub\\x1b[2J\\xff/bad\\xff\\xfe.dat'));
});

test('snapshot: text and --files escaped; --json has each name as its own mapping with its own RSS', () => {
  const text = runCliBytes(['snapshot', String(pid)]);
  assert.equal(text.status, 0, text.stderr.toString());
  const out = assertNoRawControl(text, 'snapshot');
  for (const [quirk] of NAMES) assert.ok(out.includes(SHOWN[quirk]!), `${quirk} in the Mapping column as ${SHOWN[quirk]}`);
  const table = runCliBytes(['snapshot', '--files', String(pid)]);
  assert.equal(table.status, 0, table.stderr.toString());
  const tableOut = assertNoRawControl(table, 'snapshot --files');
  for (const [quirk] of NAMES) assert.ok(tableOut.includes(`${dir}/${SHOWN[quirk]}`), `${quirk} in the file table`);

  const json = runCliBytes(['snapshot', '--json', String(pid)]);
  assert.equal(json.status, 0, json.stderr.toString());
  // JSON on a terminal too: U+202E and U+2028 as \uXXXX escapes, never raw (JSON.stringify writes them raw).
  assertNoRawControl(json, 'snapshot --json');
  assertNoRawControl(runCliBytes(['fincore', '-J', ...files]), 'fincore -J');
  const sample = JSON.parse(json.stdout.toString('utf8'));
  assert.equal(sample.process.comm, HOSTILE_COMM.toString(), 'the comm exactly');
  files.forEach((file, i) => {
    const mine = (sample.mappings as Array<{ path: string; rssBytes: number; pathEscaped: boolean }>).filter((m) => encodeName(m.path).equals(file));
    assert.equal(mine.length, 1, `${NAMES[i]![0]}: its own mapping`);
    assert.equal(mine[0]!.rssBytes, (i + 1) * PAGE, `${NAMES[i]![0]}: its own RSS (${i + 1} pages), not the row before's`);
    assert.equal(mine[0]!.pathEscaped, NAMES[i]![0] === 'newline', 'maps wrote "\\012" only for the newline');
  });
  assert.equal(sample.failures.filter((f: { source: string }) => f.source === 'smaps' || f.source === 'maps').length, 0, 'every line parsed');
});

test('evict, touch and advise: the text names the file and the mapper escaped', () => {
  const evict = runCliBytes(['evict', files[1]!]);
  assert.equal(evict.status, 0, evict.stderr.toString());
  const out = assertNoRawControl(evict, 'evict');
  assert.ok(out.startsWith(`${dir}/${SHOWN.e1}: `), out);
  assert.match(out, /mapped by \\x1b\]2;X\\x07 \(pid \d+/, 'the child is named by its comm, escaped');
  const touch = runCliBytes(['touch', files[0]!]);
  assert.equal(touch.status, 0, touch.stderr.toString());
  assert.ok(assertNoRawControl(touch, 'touch').startsWith(`${dir}/${SHOWN.e2}: read `));
  const advise = runCliBytes(['advise', String(pid), Buffer.from('/nowhere\x1b]2;ADV\x07'), 'COLD']);
  assert.equal(advise.status, 1);
  assertNoRawControl(advise, 'advise');
  assert.equal(advise.stderr.toString(), `mmtop: process ${pid} maps nothing named /nowhere\\x1b]2;ADV\\x07\n`);
});

test('one-line errors and doctor quote names escaped', () => {
  const missing = runCliBytes(['fincore', Buffer.concat([Buffer.from(`${dir}/missing\x1b]2;ERR\x07`), Buffer.from([0x9b])])]);
  assert.equal(missing.status, 1);
  assertNoRawControl(missing, 'fincore missing');
  assert.equal(missing.stderr.toString(), `mmtop: ${dir}/missing\\x1b]2;ERR\\x07\\x9b: no such file or directory\n`);
  const unknownFlag = runCliBytes(['snapshot', '1', Buffer.from('--x\x1b[2J')]);
  assert.equal(unknownFlag.status, 2);
  assertNoRawControl(unknownFlag, 'an unknown flag');
  const tmp = `${dir}/tmp\x1b]2;DOC\x07`;
  fs.mkdirSync(tmp);
  const doctor = runCliBytes(['doctor'], { env: { TMPDIR: tmp } });
  assert.equal(doctor.status, 0, doctor.stderr.toString());
  assert.ok(assertNoRawControl(doctor, 'doctor').includes('tmp\\x1b]2;DOC\\x07'), 'the temp dir named, escaped');
});

test('faults: a thread\'s comm is a name (its bytes kept), not latin1: U+202E escaped as its three bytes, 0xff as \\xff', async () => {
  const { readComm } = await import('../../src/cli/faults.js');
  const { printable } = await import('../../src/model/index.js');
  const comm = Buffer.from([...Buffer.from('f\u202Ex'), 0xff]);
  const child = await startScript('names_mapper.py', ['--comm', comm.toString('hex')], 'ready');
  assert.equal(printable(readComm(child.pid, child.pid)), 'f\\xe2\\x80\\xaex\\xff');
});
