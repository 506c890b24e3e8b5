// Parsers on real captures (test/fixtures/proc, see its README) and on hand-made quirks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fc from 'fast-check';
import {
  formatMapsLine, formatStat, memoryStatPaths, parseCgroup, parseMaps, parseMapsLine, parseMeminfo,
  parseMemoryStat, parseSmaps, parseSmapsFigures, parseStat, parseStatus, parseVmstat, printedMapsPath,
} from '../../src/proc/index.js';
import { decodeName, encodeName } from '../../src/model/index.js';

const fixture = (name: string): string => fs.readFileSync(new URL(`../fixtures/proc/${name}`, import.meta.url), 'utf8');
/** A capture of bytes (names-*.bin): read as the sampler reads /proc, never as UTF-8. */
const bytesFixture = (name: string): Buffer => fs.readFileSync(new URL(`../fixtures/proc/${name}`, import.meta.url));

test('maps: real capture keeps paths with spaces, deleted files, memfd and pseudo paths', () => {
  const { value, warnings } = parseMaps(fixture('python-maps.txt'));
  assert.deepEqual(warnings, []);
  assert.equal(value.length, fixture('python-maps.txt').trim().split('\n').length);
  const spaced = value.find((e) => e.path.endsWith('data file with spaces.db'));
  assert.ok(spaced, 'the file with spaces is found');
  assert.equal(spaced.kind, 'file');
  assert.equal(spaced.perms, 'r--s');
  assert.equal(spaced.deletedSuffix, false);
  const gone = value.find((e) => e.path.endsWith('/gone.db'));
  assert.ok(gone && gone.deletedSuffix, 'gone.db has the " (deleted)" hint and its path has no suffix');
  assert.equal(value.find((e) => e.path.startsWith('/memfd:'))?.kind, 'memfd');
  for (const [path, kind] of [['[heap]', 'heap'], ['[stack]', 'stack'], ['[vdso]', 'vdso'], ['[vvar]', 'vvar'], ['[vsyscall]', 'vsyscall']]) {
    assert.equal(value.find((e) => e.path === path)?.kind, kind, path);
  }
  const vsyscall = value.find((e) => e.kind === 'vsyscall');
  assert.equal(vsyscall?.startHex, 'ffffffffff600000');
  assert.ok(value.some((e) => e.kind === 'anon' && e.path === ''), "value.some((e) => e.kind === 'anon' && e.path === '')");
});

test('maps: hand-made quirks', () => {
  const named = parseMapsLine('7f0000000000-7f0000010000 rw-p 00000000 00:00 0                          [anon:mmtop named]');
  assert.equal(named?.kind, 'anon-named');
  assert.equal(named?.path, '[anon:mmtop named]');
  const trailingSpaces = parseMapsLine('7f0000000000-7f0000001000 r--s 00001000 fd:01 42   /tmp/a  b  ');
  assert.equal(trailingSpaces?.path, '/tmp/a  b  ', 'path-with-trailing-spaces is kept whole');
  assert.equal(trailingSpaces?.offsetBytes, 4096);
  const deletedTwice = parseMapsLine('7f0000000000-7f0000001000 r--s 00000000 fd:01 42 /x (deleted) (deleted)');
  assert.equal(deletedTwice?.path, '/x (deleted)');
  assert.equal(deletedTwice?.deletedSuffix, true);
  assert.equal(parseMapsLine('garbage'), undefined);
  const { value, warnings } = parseMaps('garbage\n7f0000000000-7f0000001000 r--p 00000000 00:00 0 \n');
  assert.equal(value.length, 1);
  assert.equal(warnings.length, 1);
});

test('smaps: real capture keeps every field in bytes and VmFlags', () => {
  const { value, warnings } = parseSmaps(fixture('python-smaps.txt'));
  assert.deepEqual(warnings, []);
  assert.equal(value.length, parseMaps(fixture('python-maps.txt')).value.length);
  const spaced = value.find((e) => e.path.endsWith('data file with spaces.db'))!;
  assert.equal(spaced.bytes.Size, 1 << 20);
  assert.ok(spaced.bytes.Rss! > 0, 'the capture script touched every 4th page');
  for (const name of ['Pss', 'Shared_Clean', 'Private_Dirty', 'Referenced', 'Anonymous', 'Swap', 'Locked', 'FilePmdMapped']) {
    assert.ok(name in spaced.bytes, name);
  }
  assert.equal(spaced.other.THPeligible, '0');
  assert.deepEqual(spaced.vmFlags, ['rd', 'mr', 'me', 'ms'], 'a read-only MAP_SHARED file mapping is "ms", not "sh"');
});

test('smaps: the sampler\'s fast figures agree with the full parse', () => {
  const text = fixture('python-smaps.txt');
  const full = parseSmaps(text).value;
  const fast = parseSmapsFigures(text);
  assert.deepEqual(fast.warnings, []);
  assert.equal(fast.value.length, full.length);
  fast.value.forEach((entry, i) => {
    for (const [name, bytes] of Object.entries(entry.figures)) assert.equal(bytes, full[i]!.bytes[name] ?? null, `${entry.startHex} ${name}`);
    assert.equal(entry.path, full[i]!.path);
  });
  fc.assert(fc.property(fc.array(fc.constantFrom(
    '7f00-7f01 r--s 00000000 fd:01 42 /a b', 'Rss:   4 kB', 'Swap: 12 kB', 'Pss: x kB', 'Locked:', 'VmFlags: rd', 'Rss:4 kB', 'Rssx: 4 kB',
    'Private_Dirty:  8 kB', 'Private_Clean: 0 kB', 'Shared_Clean: 12 kB', 'Shared_Dirty:  3 kB', 'Pss_Dirty: 4 kB', 'Referenced:  99999999 kB',
    'Anonymous: 1 MB', 'SwapPss: 4 kB', 'Locked:  4 kB', 'Size: 8 kB', 'KSM: 0 kB', 'Rss: 1234567890123456 kB',
  ), { maxLength: 20 }), (lines) => {
    const t = lines.join('\n');
    const f = parseSmapsFigures(t).value;
    const p = parseSmaps(t).value;
    assert.equal(f.length, p.length);
    f.forEach((e, i) => { for (const [k, v] of Object.entries(e.figures)) assert.equal(v, p[i]!.bytes[k] ?? null); });
  }), { numRuns: 300 });
});

test('smaps: unknown fields are kept', () => {
  const text = '7f0000000000-7f0000001000 r--p 00000000 00:00 0 \nSize: 4 kB\nFutureField:  12 kB\nOddity: yes\n';
  const [entry] = parseSmaps(text).value;
  assert.equal(entry?.bytes.FutureField, 12 * 1024);
  assert.equal(entry?.other.Oddity, 'yes');
});

test('stat: comm with spaces and parentheses, faults and start time', () => {
  const { value } = parseStat(fixture('python-stat.txt'));
  assert.ok(value, 'stat parses');
  assert.equal(value.comm, 'a (b) c)');
  const fields = fixture('python-stat.txt').slice(fixture('python-stat.txt').lastIndexOf(')') + 2).split(' ');
  assert.equal(value.majorFaults, Number(fields[12 - 3]));
  assert.equal(value.minorFaults, Number(fields[10 - 3]));
  assert.equal(value.startTimeTicks, Number(fields[22 - 3]));
  assert.equal(parseStat(fixture('kthreadd-stat.txt')).value?.comm, 'kthreadd');
  assert.equal(parseStat('12 (truncated) S 1').value, null);
});

test('status, meminfo, vmstat, memory.stat and cgroup on real captures', () => {
  const status = parseStatus(fixture('python-status.txt')).value;
  assert.equal(status.fields.Name, 'a (b) c)');
  assert.ok(status.bytes.VmRSS! > 0, 'status.bytes.VmRSS! > 0');
  const meminfo = parseMeminfo(fixture('meminfo.txt'));
  assert.deepEqual(meminfo.warnings, []);
  assert.ok(meminfo.value.Cached! > 0 && 'Dirty' in meminfo.value && 'Writeback' in meminfo.value, "meminfo.value.Cached! > 0 && 'Dirty' in meminfo.value && 'Wr");
  const vmstat = parseVmstat(fixture('vmstat.txt'));
  assert.deepEqual(vmstat.warnings, []);
  assert.ok(vmstat.value.pgmajfault! >= 0 && vmstat.value.pgpgin! > 0, 'vmstat.value.pgmajfault! >= 0 && vmstat.value.pgpgin! > 0');
  const v1 = parseMemoryStat(fixture('cgroup-v1-memory.stat.txt')).value;
  assert.ok('pgfault' in v1 && 'pgmajfault' in v1 && 'cache' in v1, "'pgfault' in v1 && 'pgmajfault' in v1 && 'cache' in v1");
  const cg = parseCgroup(fixture('python-cgroup.txt')).value;
  assert.ok(cg.some((e) => e.controllers.includes('memory')), "cg.some((e) => e.controllers.includes('memory'))");
  assert.match(memoryStatPaths(cg)[0]!, /^\/sys\/fs\/cgroup\/memory\/.*memory\.stat$/);
});

test('cgroup v2 only (hand-made): memory.stat under the unified path', () => {
  const cg = parseCgroup('0::/user.slice/user-1000.slice/session-3.scope\n').value;
  assert.deepEqual(memoryStatPaths(cg), [
    '/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope/memory.stat',
    '/sys/fs/cgroup/unified/user.slice/user-1000.slice/session-3.scope/memory.stat',
  ]);
  const v2 = parseMemoryStat('anon 1\nfile 2\npgfault 53358\npgmajfault 13\n').value;
  assert.equal(v2.pgmajfault, 13);
});

test('property: no input makes a parser throw', () => {
  const parsers = [parseMaps, parseSmaps, parseSmapsFigures, parseStat, parseStatus, parseMeminfo, parseVmstat, parseMemoryStat, parseCgroup];
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
    for (const parse of parsers) parse(text);
  }), { numRuns: 500 });
  // Lines built from real fragments reach deeper than random text.
  const fragment = fc.constantFrom('7f00-7f01 ', 'r--s ', '00000000 ', 'fd:01 ', '42 ', '/a b', ' (deleted)', 'Rss: 4 kB', '\n', '(', ')', ':');
  fc.assert(fc.property(fc.array(fragment, { maxLength: 30 }), (parts) => {
    const text = parts.join('');
    for (const parse of parsers) parse(text);
  }), { numRuns: 500 });
});

test('property: a printed maps record parses back to itself', () => {
  const hex = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => n.toString(16));
  const path = fc.oneof(
    fc.constant(''),
    fc.constantFrom('[heap]', '[stack]', '[vdso]', '[anon:x y]', '/memfd:z'),
    // Any text but the literal backslash-0-1-2 (ambiguous in the kernel's own format: pathEscaped says so).
    fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\\012')).map((s) => `/${s}`),
  );
  const entry = fc.record({
    startHex: hex, endHex: hex, perms: fc.constantFrom('r--s', 'rw-p', 'r-xp', '---p'),
    offsetBytes: fc.nat({ max: 2 ** 40 }), device: fc.constantFrom('fd:01', '00:00', '103:02'),
    inode: fc.nat({ max: 2 ** 40 }), path, deletedSuffix: fc.boolean(),
  }).filter((e) => e.path !== '' || !e.deletedSuffix).map((e) => ({ ...e, pathEscaped: e.path.includes('\n') }));
  fc.assert(fc.property(entry, (e) => {
    const printed = formatMapsLine({ ...e, kind: 'file' });
    assert.equal(printed.split('\n').length, 1, 'a "\\n" in a name is printed as \\012, as the kernel does');
    const parsed = parseMapsLine(printed);
    assert.ok(parsed, 'printed line parses');
    // A path that itself ends in spaces loses them only where the kernel's own format is ambiguous.
    assert.deepEqual({ ...parsed, kind: undefined }, { ...e, path: e.path, kind: undefined });
  }), { numRuns: 300 });
});

test('property: a printed stat record parses back to itself', () => {
  const stat = fc.record({
    pid: fc.integer({ min: 1, max: 4194304 }), comm: fc.string({ maxLength: 16 }).filter((s) => !s.includes('\n')),
    state: fc.constantFrom('R', 'S', 'D', 'Z', 'T', 'I'), ppid: fc.nat(), minorFaults: fc.nat(), majorFaults: fc.nat(),
    userTicks: fc.nat(), systemTicks: fc.nat(), numThreads: fc.integer({ min: 1, max: 1000 }), startTimeTicks: fc.nat(),
    vsizeBytes: fc.nat(), rssPages: fc.nat(),
  });
  fc.assert(fc.property(stat, (s) => {
    assert.deepEqual(parseStat(formatStat(s)).value, { ...s });
  }), { numRuns: 300 });
});

// ---- names are bytes: a real capture of hostile names (test/fixtures/proc/names-*.bin, see its README) ----

/** The quirk files of the capture, in the order capture-names.sh made them: file N has N pages mapped. */
const QUIRKS: Array<[string, Buffer]> = [
  ['path-with-cr', Buffer.from('path-with-cr\r.db')],
  ['path-with-u2028', Buffer.from('path-with-u2028\u2028.db')],
  ['path-with-u2029', Buffer.from('path-with-u2029\u2029.db')],
  ['path-with-newline-escaped', Buffer.from('path-with-newline-escaped\n.db')],
  ['path-with-literal-backslash-012', Buffer.from('path-with-literal-backslash-012\\012.db')],
  ['path-not-utf8', Buffer.from([...Buffer.from('path-not-utf8'), 0xff, 0xfe, ...Buffer.from('.db')])],
  ['path-with-osc', Buffer.from('path-with-osc\x1b]2;PWNED\x07.db')],
  ['path-with-c1-csi', Buffer.from([...Buffer.from('path-with-c1-csi'), 0x9b, ...Buffer.from('31m.db')])],
  ['path-live-named-deleted', Buffer.from('path-live-named (deleted)')],
  ['path-deleted', Buffer.from('path-deleted.db')],
];
const baseName = (path: string): Buffer => { const b = encodeName(path); return b.subarray(b.lastIndexOf(0x2f) + 1); };

/** Which quirk file a parsed entry maps (by its name's bytes, as the kernel printed or meant it), or -1. */
function quirkOf(e: { path: string; deletedSuffix: boolean; pathEscaped: boolean }): number {
  if (!e.path.includes('/mmtop-fixture.')) return -1;
  const name = baseName(e.path);
  const printed = baseName(printedMapsPath(e.path));
  const asNamed = e.deletedSuffix ? Buffer.concat([name, Buffer.from(' (deleted)')]) : name;
  return QUIRKS.findIndex(([quirk, bytes]) => (quirk === 'path-with-literal-backslash-012' ? e.pathEscaped && printed.equals(bytes)
    : quirk === 'path-live-named-deleted' ? asNamed.equals(bytes) : name.equals(bytes)));
}

for (const [parser, parse] of [
  ['maps', (b: Buffer) => parseMaps(b)],
  ['smaps', (b: Buffer) => parseSmaps(b)],
  ['smaps figures', (b: Buffer) => parseSmapsFigures(b)],
] as const) {
  test(`${parser} (real capture): every quirk name is its own mapping, every byte kept`, () => {
    const { value, warnings } = parse(bytesFixture(parser === 'maps' ? 'names-maps.bin' : 'names-smaps.bin'));
    assert.deepEqual(warnings, []);
    assert.equal(value.length, bytesFixture('names-maps.bin').toString('latin1').trimEnd().split('\n').length, 'no line lost');
    QUIRKS.forEach(([quirk], i) => assert.equal(value.filter((e) => quirkOf(e) === i).length, 1, `${quirk}: one mapping`));
  });
}

test('smaps path-with-cr, path-with-u2028, path-with-u2029 (real capture): each RSS is its own, none lands on the row before', () => {
  const full = parseSmaps(bytesFixture('names-smaps.bin')).value;
  const fast = parseSmapsFigures(bytesFixture('names-smaps.bin')).value;
  QUIRKS.forEach(([quirk], i) => {
    assert.equal(fast.find((e) => quirkOf(e) === i)?.figures.Rss, (i + 1) * 4096, `${quirk}: ${i + 1} pages`);
    assert.equal(full.find((e) => quirkOf(e) === i)?.bytes.Rss, (i + 1) * 4096, `${quirk}: ${i + 1} pages (full parse)`);
  });
});

test('maps path-with-newline-escaped (real capture): "\\012" is the "\\n" of the name, and flagged', () => {
  const value = parseMaps(bytesFixture('names-maps.bin')).value;
  const escaped = value.find((e) => e.path.endsWith('/path-with-newline-escaped\n.db'));
  assert.ok(escaped, 'the kernel\'s \\012 became \\n');
  assert.equal(escaped.pathEscaped, true, 'flagged: the name might instead hold a literal \\012');
  assert.ok(printedMapsPath(escaped.path).endsWith('/path-with-newline-escaped\\012.db'), 'the column as printed');
  // The kernel does not escape a backslash: a literal "\012" is read as "\n" too. The flag says it may be
  // either; the sampler tries the "\n" name first and checks device and inode (h2's openMappedFile).
  const literal = value.find((e) => e.path.includes('path-with-literal-backslash-012'));
  assert.ok(literal?.path.endsWith('-012\n.db') && literal.pathEscaped);
  assert.equal(value.filter((e) => e.pathEscaped).length, 2, 'only those two');
});

test('maps path-not-utf8, path-with-osc, path-with-c1-csi (real capture): bytes kept (surrogateescape), controls kept raw in the data', () => {
  const value = parseMaps(bytesFixture('names-maps.bin')).value;
  assert.ok(value.some((e) => e.path.endsWith('/path-not-utf8\udcff\udcfe.db')), 'bytes that are not UTF-8 are \\udcXX, not U+FFFD');
  assert.ok(value.some((e) => e.path.endsWith('/path-with-osc\x1b]2;PWNED\x07.db')), 'the data is exact: escaping is the views\' job');
  assert.ok(value.some((e) => e.path.endsWith('/path-with-c1-csi\udc9b31m.db')), 'a lone 0x9b byte is kept as a byte');
  // Reading the same capture as UTF-8 (what the sampler did) loses the bytes for good.
  const lossy = parseMaps(fs.readFileSync(new URL('../fixtures/proc/names-maps.bin', import.meta.url), 'utf8')).value;
  assert.ok(!lossy.some((e) => e.path.endsWith('/path-not-utf8\udcff\udcfe.db')));
});

test('maps path-live-named-deleted and path-deleted (real capture): " (deleted)" is a hint, the name without it', () => {
  const value = parseMaps(bytesFixture('names-maps.bin')).value;
  const live = value.find((e) => e.path.endsWith('/path-live-named'));
  const gone = value.find((e) => e.path.endsWith('/path-deleted.db'));
  assert.equal(live?.deletedSuffix, true, 'maps cannot tell a live file named "x (deleted)" from a deleted one');
  assert.equal(gone?.deletedSuffix, true);
  assert.ok(!value.some((e) => e.path.endsWith('(deleted)')), 'the suffix is stripped; the sampler tells which by inode and nlink');
});

test('stat, status and cmdline (real capture): a comm of controls and an argv byte that is not UTF-8 are kept', () => {
  assert.equal(parseStat(bytesFixture('names-stat.bin')).value?.comm, '\x1b]2;X\x07');
  assert.equal(parseStatus(decodeName(bytesFixture('names-status.bin'))).value.fields.Name, '\x1b]2;X\x07');
  const argv = decodeName(bytesFixture('names-cmdline.bin')).replace(/\0+$/, '').split('\0');
  assert.equal(argv.at(-1), 'arg-not-utf8\udcff');
});

test('maps hand-made path-with-cr, path-with-u2028, path-with-u2029: only "\\n" ends a line', () => {
  for (const [quirk, ch] of [['path-with-cr', '\r'], ['path-with-u2028', '\u2028'], ['path-with-u2029', '\u2029']] as const) {
    const line = `7f0000000000-7f0000001000 r--s 00000000 fd:01 42 /data/${quirk}${ch}x.db`;
    assert.equal(parseMapsLine(line)?.path, `/data/${quirk}${ch}x.db`, quirk);
    const smaps = `${line}\nRss: 4 kB\n7f0000001000-7f0000002000 r--s 00000000 fd:01 43 /data/next.db\nRss: 8 kB\n`;
    assert.deepEqual(parseSmapsFigures(smaps).value.map((e) => [e.path, e.figures.Rss]), [[`/data/${quirk}${ch}x.db`, 4096], ['/data/next.db', 8192]], quirk);
    assert.deepEqual(parseSmaps(smaps).value.map((e) => [e.path, e.bytes.Rss]), [[`/data/${quirk}${ch}x.db`, 4096], ['/data/next.db', 8192]], quirk);
  }
});

test('smaps hand-made vma-line-unparsed: its figures are not added to the VMA before it', () => {
  const smaps = '7f0000000000-7f0000001000 r--s 00000000 fd:01 42 /a.db\nRss: 4 kB\n7f00zz garbage\nRss: 400 kB\n';
  const fast = parseSmapsFigures(smaps);
  assert.equal(fast.value[0]?.figures.Rss, 4096);
  assert.equal(fast.warnings.length, 1);
  const full = parseSmaps(smaps);
  assert.equal(full.value[0]?.bytes.Rss, 4096);
});
