#!/usr/bin/env node
// Entry point. NODE_ENV must be "production" before React loads (its development build made a heatmap
// frame 2.5 times slower and used three times the memory), and ESM imports are hoisted: so the app is
// imported dynamically, after this line runs. MMTOP_DEV=1 keeps React's development build.
if (!process.env.MMTOP_DEV) process.env.NODE_ENV = 'production';

const { main, reportError } = await import('../cli/main.js');
try {
  process.exitCode = await main();
} catch (error) {
  process.exitCode = reportError(error);
}
