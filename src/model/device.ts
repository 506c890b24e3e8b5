// Device numbers as /proc/PID/maps prints them ("fe:00", major:minor in hex; fs/proc/task_mmu.c uses
// MAJOR/MINOR of inode->i_sb->s_dev) against stat(2)'s st_dev (glibc's gnu_dev_major/gnu_dev_minor encoding).

/** st_dev -> "fe:00" */
export function deviceString(dev: number | bigint): string {
  const d = BigInt(dev);
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}`;
}
