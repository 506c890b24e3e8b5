#!/usr/bin/env node
// Entry point. NODE_ENV must be "production" before React loads (its development build made a heatmap
// frame 2.5 times slower and used three times the memory), and ESM imports are hoisted: so the app is
// imported dynamically, after this line runs. MMTOP_DEV=1 keeps React's development build.
if (!process.env.MMTOP_DEV) process.env.NODE_ENV = 'production';
// A small young generation: Ink builds each frame from short-lived objects, and V8's default 16 MiB
// semi-spaces let the heap (and RSS) grow by tens of MiB between scavenges (npm run bench measures it).
import v8 from 'node:v8';
v8.setFlagsFromString('--max-semi-space-size=2');

const { main, reportError } = await import('../cli/main.js');
try {
  process.exitCode = await main();
} catch (error) {
  process.exitCode = reportError(error);
}
