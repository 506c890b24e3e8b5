// After tsc: make the bin executable (tsc keeps the shebang but not the mode).
import fs from 'node:fs';
const bin = new URL('../dist/src/bin/mmtop.js', import.meta.url);
fs.chmodSync(bin, 0o755);
