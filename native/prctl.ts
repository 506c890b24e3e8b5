// prctl(2) PR_SET_PDEATHSIG: a child that mmtop starts (the workload) gets a signal when mmtop dies, even
// by SIGKILL, so it never outlives the session.
import { NativeError } from './errors.js';
import { c, lastErrno } from './libc.js';

const PR_SET_PDEATHSIG = 1;

/** Asks the kernel to send `signal` (a number, e.g. 15 for SIGTERM) to this process when its parent dies. */
export function setParentDeathSignal(signal: number): void {
  if (c.prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0) === -1) throw new NativeError('prctl(PR_SET_PDEATHSIG)', lastErrno());
}
