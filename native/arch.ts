// Syscall numbers that Debian 12's 6.1 headers lack, per architecture.
// x86_64: arch/x86/entry/syscalls/syscall_64.tbl; aarch64: include/uapi/asm-generic/unistd.h.
// The global process, not `import process from 'node:process'`: an ES module import of a builtin builds its
// facade by reading every export, and process.report's getter loads internal/process/report (a one-shot's
// start, issue 10).

export interface SyscallNumbers {
  readonly perfEventOpen: number;
  readonly pidfdOpen: number;
  readonly processMadvise: number;
  readonly cachestat: number;
}

const table: Record<string, SyscallNumbers> = {
  x64: { perfEventOpen: 298, pidfdOpen: 434, processMadvise: 440, cachestat: 451 },
  arm64: { perfEventOpen: 241, pidfdOpen: 434, processMadvise: 440, cachestat: 451 },
};

/** Syscall numbers for `arch` (Node's `process.arch` names), or undefined where mmtop has none. */
export function syscallNumbersFor(arch: string): SyscallNumbers | undefined {
  return table[arch];
}

export const syscallNumbers: SyscallNumbers | undefined = syscallNumbersFor(process.arch);
