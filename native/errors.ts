// Typed failures of kernel calls: every error names the call and the errno (see errno(3)).
import os from 'node:os';

const errnoNames = new Map<number, string>();
for (const [name, value] of Object.entries(os.constants.errno)) {
  if (!errnoNames.has(value)) errnoNames.set(value, name);
}

/** The symbolic name of an errno value (`EPERM`), or `E<n>` when unknown. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}

/** A kernel call that failed: `call` is the libc function or syscall, `code` the errno name. */
export class NativeError extends Error {
  readonly call: string;
  readonly errno: number;
  readonly code: string;
  readonly path: string | undefined;

  constructor(call: string, errno: number, path?: string, detail?: string) {
    const code = errnoName(errno);
    const where = path ? ` on ${path}` : '';
    super(`${call}${where}: ${code} (${detail ?? describeErrno(errno)})`);
    this.name = 'NativeError';
    this.call = call;
    this.errno = errno;
    this.code = code;
    this.path = path;
  }
}

const descriptions: Record<string, string> = {
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  ENOENT: 'no such file or directory',
  ESRCH: 'no such process',
  ENOSYS: 'not supported by this kernel',
  EINVAL: 'invalid argument',
  ENOMEM: 'out of memory or range not mapped',
  EBADF: 'bad file descriptor',
  ENOTTY: 'ioctl not supported here',
  EOPNOTSUPP: 'operation not supported',
  ENODEV: 'no such device',
  EIO: 'I/O error',
};

/** A few words for an errno, for status lines: "operation not permitted". */
export function describeErrno(errno: number): string {
  return descriptions[errnoName(errno)] ?? 'error';
}

/** Errno of an error thrown by node:fs or by native/, or undefined. */
export function errnoOf(error: unknown): string | undefined {
  if (error instanceof NativeError) return error.code;
  if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    return (error as { code: string }).code;
  }
  return undefined;
}
