// How to start mmtop itself as a child (the workload): the same entry and loader as this process.

/** argv (after the node binary) that runs mmtop's entry: the .ts entry under tsx, the built .js otherwise. */
export function mmtopEntryArgs(): string[] {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL('../bin/mmtop.ts', here).pathname;
    return ['--import', import.meta.resolve('tsx'), entry];
  }
  return [new URL('../bin/mmtop.js', here).pathname];
}
