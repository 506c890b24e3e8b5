// Which filesystem holds a path: statfs(2) f_type against the magic numbers of include/uapi/linux/magic.h.
import { NativeError } from './errors.js';
import { c, lastErrno } from './libc.js';

const names: Record<number, string> = {
  0x01021994: 'tmpfs', 0x858458f6: 'ramfs', 0xef53: 'ext4', 0x58465342: 'xfs', 0x9123683e: 'btrfs',
  0x794c7630: 'overlayfs', 0x6969: 'nfs', 0x9fa0: 'proc', 0x62656572: 'sysfs', 0x2fc12fc1: 'zfs',
  0xf2f52010: 'f2fs', 0x65735546: 'fuse', 0x73717368: 'squashfs', 0x958458f6: 'hugetlbfs', 0x4d44: 'vfat',
  0x5346544e: 'ntfs', 0x01021997: 'v9fs', 0xff534d42: 'cifs',
  0x63677270: 'cgroup2', 0x27e0eb: 'cgroup', 0x64626720: 'debugfs', 0x74726163: 'tracefs', 0x73636673: 'securityfs',
  0xcafe4a11: 'bpf', 0x62656570: 'configfs', 0x6165676c: 'pstore', 0xde5e81e4: 'efivarfs', 0x42494e4d: 'binfmt_misc',
  0xf97cff8c: 'selinuxfs',
};

/** Filesystems whose pages are all in memory: eviction does nothing there. */
const memoryBacked = new Set(['tmpfs', 'ramfs', 'hugetlbfs']);
/** Filesystems whose files are made up when read (a process's stat, a cgroup's memory.stat): no page cache at all. */
const pseudo = new Set(['proc', 'sysfs', 'cgroup2', 'cgroup', 'debugfs', 'tracefs', 'securityfs', 'bpf', 'configfs', 'pstore', 'efivarfs', 'binfmt_misc', 'selinuxfs']);

export interface FilesystemInfo {
  magic: number;
  name: string;
  /** true on tmpfs and ramfs: every page "resident", fadvise and drop_caches evict nothing. */
  memoryBacked: boolean;
  /** true on proc, sysfs, cgroupfs and the like: regular files with no page cache (their text is made on read). */
  pseudo: boolean;
  /** Bytes an unprivileged user may still write (f_bavail blocks of f_frsize, or f_bsize where it is 0). */
  availableBytes: number;
}

/** statfs(2) of `path`. Throws NativeError (ENOENT, EACCES, …). */
export function filesystemOf(path: string): FilesystemInfo {
  // struct statfs is 120 bytes on x86_64 and aarch64, 8-byte fields: f_type at 0, f_bsize 8, f_blocks 16,
  // f_bfree 24, f_bavail 32, f_files 40, f_ffree 48, f_fsid 56, f_namelen 64, f_frsize 72 (statfs(2)).
  const buf = Buffer.alloc(256);
  if (c.statfs(path, buf) === -1) throw new NativeError('statfs', lastErrno(), path);
  const magic = Number(buf.readBigUInt64LE(0) & 0xffffffffn);
  const name = names[magic] ?? `0x${magic.toString(16)}`;
  const blockBytes = buf.readBigUInt64LE(72) || buf.readBigUInt64LE(8);
  const availableBytes = Number(buf.readBigUInt64LE(32) * blockBytes);
  return { magic, name, memoryBacked: memoryBacked.has(name), pseudo: pseudo.has(name), availableBytes };
}
