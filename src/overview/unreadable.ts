// What the overview says of processes whose /proc/PID/maps or fd it may not read. As an ordinary user the
// answer is root; as root it is not: proc_pid_maps and proc_fd go through ptrace_may_access(PTRACE_MODE_READ)
// (kernel/ptrace.c __ptrace_may_access, security/commoncap.c cap_ptrace_access_check), which also refuses root
// for a task with capabilities root's bounding set lacks (a container's init here, seen as pid 1), or one
// guarded by an LSM. Telling root to "run as root" sent the user nowhere.

/** The hint after "N processes not readable", by whether the reader was root (euid 0). */
export function unreadableHint(readAsRoot: boolean): string {
  return readAsRoot ? 'refused even to root by the kernel\'s ptrace check' : 'run as root to see all';
}

/** "N process(es) not readable (hint)", or '' for none. */
export function unreadableNote(count: number, readAsRoot: boolean): string {
  if (count <= 0) return '';
  return `${count} process${count === 1 ? '' : 'es'} not readable (${unreadableHint(readAsRoot)})`;
}
