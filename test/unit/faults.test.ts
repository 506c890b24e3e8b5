// Fault sampling's pure parts: the ring's records (wrapping its end, LOST), attribution of an address to a
// file page and a heatmap cell, the per-tick tally, the refusal in words, the lines `mmtop faults` prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readRing, SAMPLE_RECORD_BYTES, type FaultRecord } from '../../native/ring.js';
import { attribute, cellIndex, regionIndex, regionsOf } from '../../src/faults/attribute.js';
import { FaultTally } from '../../src/faults/tally.js';
import { explainRefusal, type RefusalFacts } from '../../src/faults/refusal.js';
import { faultJson, faultLine, lostLine } from '../../src/faults/format.js';

/** Writes records into a ring of `size` bytes from `start` (a position that may exceed size: it wraps). */
function ringWith(size: number, start: number, records: Buffer[]): { data: DataView; head: number } {
  const bytes = new Uint8Array(size);
  let pos = start;
  for (const r of records) for (const b of r) bytes[pos++ % size] = b;
  return { data: new DataView(bytes.buffer), head: pos };
}
function sampleRecord(pid: number, tid: number, timeNs: bigint, address: bigint): Buffer {
  const b = Buffer.alloc(SAMPLE_RECORD_BYTES);
  b.writeUInt32LE(9, 0);
  b.writeUInt16LE(SAMPLE_RECORD_BYTES, 6);
  b.writeUInt32LE(pid, 8);
  b.writeUInt32LE(tid, 12);
  b.writeBigUInt64LE(timeNs, 16);
  b.writeBigUInt64LE(address, 24);
  return b;
}
function lostRecord(n: number): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(2, 0);
  b.writeUInt16LE(24, 6);
  b.writeBigUInt64LE(7n, 8);
  b.writeBigUInt64LE(BigInt(n), 16);
  return b;
}

test('readRing: records that wrap past the ring\'s end are read whole; LOST records are counted', () => {
  // A 128-byte ring whose tail is 16 bytes before the end: the first sample straddles the end, the header
  // of the third falls across it too.
  const records = [sampleRecord(10, 11, 123_456_789n, 0x7f0012345678n), lostRecord(5), sampleRecord(10, 12, 2n, 0x7fffffff0000n), sampleRecord(10, 13, 3n, 0x1000n)];
  const size = 128;
  const start = 3 * size - 16;
  const { data, head } = ringWith(size, start, records);
  const seen: FaultRecord[] = [];
  const r = readRing(data, size, start, head, 'major', (x) => seen.push(x));
  assert.deepEqual(r, { samples: 3, lost: 5, other: 0 });
  assert.deepEqual(seen.map((s) => [s.tid, s.timeNs, s.address.toString(16)]), [[11, 123456789, '7f0012345678'], [12, 2, '7fffffff0000'], [13, 3, '1000']]);
  assert.ok(seen.every((s) => s.kind === 'major' && s.pid === 10));
});

test('readRing: a record the head has not fully passed is left for the next read', () => {
  const { data, head } = ringWith(256, 0, [sampleRecord(1, 1, 1n, 1n), sampleRecord(1, 1, 2n, 2n)]);
  const seen: FaultRecord[] = [];
  assert.equal(readRing(data, 256, 0, head - 8, 'minor', (x) => seen.push(x)).samples, 1);
});

const maps = [
  { startHex: '7f0000000000', endHex: '7f0000010000', offsetBytes: 0x2000, path: '/var/tmp/a.db', device: 'fe:00', inode: 42 },
  { startHex: '600000', endHex: '700000', offsetBytes: 0, path: '[heap]', device: '00:00', inode: 0 },
  { startHex: '7f0000020000', endHex: '7f0000030000', offsetBytes: 0, path: '', device: '00:00', inode: 0 },
];

test('attribute: address -> mapping -> file, byte offset (with the VMA\'s file offset), page; anon has no file', () => {
  const regions = regionsOf(maps);
  assert.deepEqual(regions.map((r) => r.start), [0x600000, 0x7f0000000000, 0x7f0000020000]);
  const a = attribute(regions, 0x7f0000003010, 4096);
  assert.equal(a.path, '/var/tmp/a.db');
  assert.equal(a.offsetBytes, 0x5010);
  assert.equal(a.page, 5);
  assert.equal(a.region?.fileKey, 'fe:00:42');
  const heap = attribute(regions, 0x600010, 4096);
  assert.deepEqual([heap.path, heap.offsetBytes, heap.page, heap.region?.path], [null, null, null, '[heap]']);
  assert.equal(attribute(regions, 0x7f0000010000, 4096).region, null, 'end is exclusive');
  assert.equal(regionIndex(regions, 0x10), -1);
});

test('cellIndex finds the cell of a page; outside the cells (a zoomed window) is -1', () => {
  const cells = [{ firstPage: 100, pageCount: 10 }, { firstPage: 110, pageCount: 10 }, { firstPage: 120, pageCount: 5 }];
  assert.deepEqual([99, 100, 109, 110, 124, 125].map((p) => cellIndex(cells, p)), [-1, 0, 0, 1, 2, -1]);
});

test('FaultTally: per file and per cell, major and minor apart; anon per mapping; unattributed and lost kept', () => {
  const regions = regionsOf(maps);
  const t = new FaultTally();
  t.add('major', attribute(regions, 0x7f0000000000, 4096)); // page 2
  t.add('major', attribute(regions, 0x7f0000000fff, 4096)); // page 2
  t.add('minor', attribute(regions, 0x7f000000a000, 4096)); // page 12
  t.add('minor', attribute(regions, 0x7f0000020000, 4096)); // anon
  t.add('major', attribute(regions, 0x10, 4096)); // nowhere
  t.addLost(3);
  const cells = [{ firstPage: 0, pageCount: 4 }, { firstPage: 4, pageCount: 4 }, { firstPage: 8, pageCount: 8 }];
  const s = t.summarize(1000, (key) => (key === 'fe:00:42' ? cells : undefined), cellIndex);
  assert.deepEqual([s.major, s.minor, s.lost, s.unattributed], [3, 2, 3, 1]);
  assert.deepEqual(s.files, [{ key: 'fe:00:42', path: '/var/tmp/a.db', major: 2, minor: 1, cells: [0, 2, 0, 2, 0, 1], cellsFirstPage: 0, cellsCount: 3 }]);
  assert.deepEqual(s.anon, [{ start: '0x7f0000020000', path: '', major: 0, minor: 1 }]);
  const empty = t.summarize(1000, () => undefined, cellIndex);
  assert.deepEqual([empty.major, empty.files.length, empty.lost], [0, 0, 0], 'cleared after a summary');
});

const user: RefusalFacts = { errno: 'EACCES', euid: 1000, capPerfmon: false, capSysAdmin: false, paranoid: 2, targetUid: 0, seccomp: 0, pid: 1 };

test('explainRefusal: each cause in words, and what would allow it', () => {
  const other = explainRefusal(user);
  assert.match(other.reason, /another user \(uid 0\).*uid 1000.*not root and without CAP_PERFMON/);
  assert.match(other.allow, /root|CAP_PERFMON/);
  const p3 = explainRefusal({ ...user, paranoid: 3, targetUid: 1000 });
  assert.match(p3.reason, /perf_event_paranoid is 3/);
  assert.match(p3.allow, /perf_event_paranoid=2/);
  const seccomp = explainRefusal({ ...user, errno: 'EPERM', seccomp: 2, targetUid: 1000 });
  assert.match(seccomp.reason, /seccomp/);
  const own = explainRefusal({ ...user, targetUid: 1000, paranoid: 2 });
  assert.match(own.reason, /not root and without CAP_PERFMON, perf_event_paranoid is 2/);
  assert.match(explainRefusal({ ...user, errno: 'ENOENT' }).reason, /no software perf events/);
  assert.match(explainRefusal({ ...user, errno: 'ESRCH' }).reason, /ended/);
  assert.match(explainRefusal({ ...user, euid: 0, targetUid: 1000 }).reason, /although mmtop is root/);
});

test('faultLine reads like perf trace and escapes names; faultJson keeps the exact name, nulls for anon', () => {
  const regions = regionsOf([{ ...maps[0]!, path: '/var/tmp/\x1b[31mevil\n.db' }, maps[2]!]);
  const e = { kind: 'major' as const, tid: 77, timeNs: 5_278_737_000, address: 0x7f0000003010 };
  const line = faultLine(e, attribute(regions, e.address, 4096), 'py\x1bthon3', 0);
  assert.equal(line, '  5278.737 py\\x1bthon3/77 majfault 0x7f0000003010 => /var/tmp/\\x1b[31mevil\\x0a.db@0x5010');
  assert.deepEqual(faultJson(e, attribute(regions, e.address, 4096)), { timeMs: 5278.737, tid: 77, kind: 'major', address: '0x7f0000003010', path: '/var/tmp/\x1b[31mevil\n.db', offsetBytes: 0x5010, page: 5 });
  const anon = { ...e, kind: 'minor' as const, address: 0x7f0000020010 };
  assert.deepEqual(faultJson(anon, attribute(regions, anon.address, 4096)), { timeMs: 5278.737, tid: 77, kind: 'minor', address: '0x7f0000020010', path: null, offsetBytes: null, page: null });
  assert.match(faultLine(anon, attribute(regions, anon.address, 4096), 'x', 0), /minfault 0x7f0000020010 => \[anon\]$/);
  assert.equal(lostLine(4, true), '{"lost":4}');
});

test('doctor: a refused fault probe says the rule that refused it and what would allow it', async () => {
  const { perfFaultsCheck, perfFaultsDetail } = await import('../../src/doctor/probe.js');
  const failed = { id: 'perfFaults' as const, name: 'perf_event_open fault sampling', available: false, limited: false, errno: 'EACCES', detail: 'perf_event_open: EACCES (permission denied)', loses: 'where faults land', fix: 'x' };
  const c = perfFaultsCheck(failed, (pid, errno) => ({ ...user, pid, errno, paranoid: 3, targetUid: 1000 }));
  assert.match(c.detail, /perf_event_paranoid is 3: users not root and without CAP_PERFMON may not use perf events at all/);
  assert.match(c.fix ?? '', /kernel\.perf_event_paranoid=2/);
  assert.equal(c.loses, 'where faults land');
  assert.deepEqual(perfFaultsDetail(false, 2), { detail: 'on your own processes (exclude_kernel; perf_event_paranoid 2); other users\' processes need root or CAP_PERFMON', limited: true });
});

test('mmtop faults: one of --major, --minor, --all (major by default); a bad --duration is a usage error', async () => {
  const { faultKinds } = await import('../../src/cli/faults.js');
  assert.deepEqual(faultKinds({ major: false, minor: false, all: false }), ['major']);
  assert.deepEqual(faultKinds({ major: false, minor: true, all: false }), ['minor']);
  assert.deepEqual(faultKinds({ major: false, minor: false, all: true }), ['major', 'minor']);
  assert.throws(() => faultKinds({ major: true, minor: false, all: true }), (e: Error & { exitCode?: number }) => e.exitCode === 2 && /one of --major, --minor and --all/.test(e.message));
  const { runMainInProcess } = await import('../helpers/cli.js');
  const bad = await runMainInProcess(['faults', '1', '--duration', '0']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^mmtop: --duration must be a positive number of seconds/);
  const missing = await runMainInProcess(['faults']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /faults needs a pid/);
});
