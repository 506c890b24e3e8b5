// Prints the files one process maps, as the overview's scan finds them (filesOfProcess), as JSON: run in a
// process of its own so a test can set MMTOP_FORCE_FALLBACK=procmap-query (read once, when native/ loads)
// or run it as another user. Argument: the pid. Only the mappings' side (no fds), sorted by key.
import { filesOfProcess } from '../../src/overview/files.js';

const pid = Number(process.argv[2]);
const got = filesOfProcess(pid, 'target');
if (!got.ok) {
  process.stdout.write(JSON.stringify({ errno: got.errno ?? null }));
} else {
  const files = got.files
    .filter((f) => f.openers.some((o) => o.kind === 'map'))
    .map((f) => {
      const map = f.openers.find((o) => o.kind === 'map');
      return {
        key: f.key, path: f.path, mappedBytes: f.holders.get(pid)?.mappedBytes ?? null,
        deletedSuffix: map?.kind === 'map' ? map.name.deletedSuffix : null,
        kind: map?.kind === 'map' ? map.first.kind : null,
        start: map?.kind === 'map' ? BigInt(map.first.start) : null,
      };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  process.stdout.write(JSON.stringify({ files }, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v)));
}
