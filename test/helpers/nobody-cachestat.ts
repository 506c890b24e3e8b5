// Run as user nobody by test/kernel/native.test.ts: cachestat a root-owned, world-readable file and print
// what came back as JSON, so the parent can check the error is typed (EPERM, with the call named).
import fs from 'node:fs';
import { cachestat, NativeError } from '../../native/index.js';

const file = process.argv[2]!;
const fd = fs.openSync(file, 'r');
try {
  const counts = cachestat(fd, { offsetBytes: 0, lengthBytes: 0 }, file);
  console.log(JSON.stringify({ ok: true, counts }));
} catch (error) {
  if (!(error instanceof NativeError)) throw error;
  console.log(JSON.stringify({ ok: false, name: error.name, call: error.call, code: error.code, errno: error.errno }));
} finally {
  fs.closeSync(fd);
}
