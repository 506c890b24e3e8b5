// mountinfo as bytes: the kernel's octal escapes, overlay's own escapes inside lowerdir, and which mount
// holds a path. The first line was captured on this kernel (6.18) from
//   mount -t overlay overlay -o 'lowerdir=/var/tmp/h2/w/lo a\,b\:c\\d:/var/tmp/h2/w/lo2,upperdir=/var/tmp/h2/w/up x,workdir=/var/tmp/h2/w/wk' 'w/mer ged'
// with a lower directory really named `lo a,b:c\d`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeName } from '../../src/model/index.js';
import { mountHolding, overlayLayersOf, parseMountinfo, parseMountinfoLine, unescapeOctal } from '../../src/proc/mountinfo.js';

const CAPTURED = '45 27 0:39 / /var/tmp/h2/w/mer\\040ged rw,relatime - overlay overlay rw,lowerdir=/var/tmp/h2/w/lo\\040a\\134\\054b\\134:c\\134\\134d:/var/tmp/h2/w/lo2,upperdir=/var/tmp/h2/w/up\\040x,workdir=/var/tmp/h2/w/wk,uuid=on';

test('mountinfo: a captured overlay line, every escape undone', () => {
  const m = parseMountinfoLine(Buffer.from(CAPTURED, 'latin1'))!;
  assert.ok(m);
  assert.equal(m.mountId, 45);
  assert.equal(m.parentId, 27);
  assert.equal(m.device, '0:39');
  assert.equal(m.root, '/');
  assert.equal(m.mountPoint, '/var/tmp/h2/w/mer ged');
  assert.equal(m.fsType, 'overlay');
  assert.equal(m.source, 'overlay');
  const layers = overlayLayersOf(m.superOptions);
  assert.deepEqual(layers.lowers, ['/var/tmp/h2/w/lo a,b:c\\d', '/var/tmp/h2/w/lo2'], 'split at unescaped colons, backslashes removed');
  assert.equal(layers.upper, '/var/tmp/h2/w/up x');
  assert.equal(layers.dataElsewhere, false);
});

test('mountinfo: optional fields, names that are not UTF-8, a newline in a mount point', () => {
  const bytes = Buffer.concat([
    Buffer.from('22 27 0:21 / /proc rw,relatime shared:5 master:1 - proc proc rw\n'),
    Buffer.from('60 27 8:1 /sub /mnt/b\\377d\\012x rw - ext4 /dev/sda1 rw\n'),
    Buffer.from('not a mount\n'),
  ]);
  const { value, warnings } = parseMountinfo(bytes);
  assert.equal(value.length, 2);
  assert.equal(value[0]!.fsType, 'proc', 'optional fields before the dash are skipped');
  assert.equal(value[1]!.mountPoint, decodeName(Buffer.from('/mnt/b\xffd\nx', 'latin1')), 'a byte that is not UTF-8 kept losslessly, \\012 a newline');
  assert.equal(value[1]!.root, '/sub');
  assert.deepEqual(warnings, ['mountinfo line 3: not a mount']);
  assert.deepEqual([...unescapeOctal(Buffer.from('a\\134b\\9'))], [...Buffer.from('a\\b\\9')], 'only three octal digits make an escape');
});

test('overlay options: data-only layers, lowerdir+ and datadir+, metacopy, read-only overlays', () => {
  const opts = (s: string) => parseMountinfoLine(Buffer.from(`1 1 0:50 / /m rw - overlay overlay ${s}`))!.superOptions;
  assert.deepEqual(overlayLayersOf(opts('ro,lowerdir=/a:/b::/data')), { upper: null, lowers: ['/a', '/b'], dataElsewhere: true });
  assert.deepEqual(overlayLayersOf(opts('rw,lowerdir+=/a,lowerdir+=/b:c,upperdir=/u,workdir=/w')), { upper: '/u', lowers: ['/a', '/b:c'], dataElsewhere: false });
  assert.equal(overlayLayersOf(opts('rw,lowerdir+=/a,datadir+=/d,upperdir=/u,workdir=/w')).dataElsewhere, true);
  assert.equal(overlayLayersOf(opts('rw,lowerdir=/a,upperdir=/u,workdir=/w,metacopy=on')).dataElsewhere, true);
  assert.equal(overlayLayersOf(opts('rw,lowerdir=/a,upperdir=/u,workdir=/w,metacopy=off')).dataElsewhere, false);
  assert.equal(overlayLayersOf(opts('rw,lowerdir=/a,upperdir=/u\\134:v\\134\\134w,workdir=/w')).upper, '/u:v\\w', 'upperdir loses its escapes too');
  assert.deepEqual(overlayLayersOf(opts('rw,lowerdir+=/a\\134\\134b')).lowers, ['/a\\\\b'], 'lowerdir+ is taken as given');
});

test('the mount that holds a path: longest mount point of that device, a later one on top, a bind mount\'s root', () => {
  const { value } = parseMountinfo(Buffer.from([
    '1 0 0:39 / / rw - overlay overlay rw,lowerdir=/l',
    '2 1 8:1 / /data rw - ext4 /dev/sda1 rw',
    '3 2 0:39 /usr/share /data/share rw - overlay overlay rw,lowerdir=/l',
    '4 1 0:39 / /mnt rw - overlay overlay rw,lowerdir=/l',
    '5 1 0:40 / /mnt rw - overlay overlay rw,lowerdir=/other',
    '',
  ].join('\n')));
  assert.deepEqual(summary(mountHolding(value, '0:39', '/usr/lib/x.so')), [1, '/usr/lib/x.so']);
  assert.deepEqual(summary(mountHolding(value, '0:39', '/data/share/doc/a')), [3, '/usr/share/doc/a'], 'bind mount of a subdirectory');
  assert.deepEqual(summary(mountHolding(value, '0:39', '/mnt/x')), [4, '/x']);
  assert.deepEqual(summary(mountHolding(value, '0:40', '/mnt/x')), [5, '/x']);
  assert.deepEqual(summary(mountHolding(value, '0:39', '/mntx')), [1, '/mntx'], 'a mount point is a whole component');
  assert.equal(mountHolding(value, '0:41', '/x'), undefined);
});

function summary(h: ReturnType<typeof mountHolding>): [number, string] | undefined {
  return h ? [h.mount.mountId, h.pathInFs] : undefined;
}
