// Runs one sampleOnce in a process of its own, so a test can give it another environment (MMTOP_FORCE_FALLBACK
// is read once, when native/ loads) or another user (setpriv). Arguments: the target and the plan, as JSON.
// Prints {"result": SampleResult, "maxRssGrowthKiB": n}: how much the peak RSS grew during the sample.
import { sampleOnce } from '../../src/sampler/index.js';

const [targetJson, planJson] = process.argv.slice(2);
const target = JSON.parse(targetJson!) as Parameters<typeof sampleOnce>[0];
const plan = JSON.parse(planJson!) as Parameters<typeof sampleOnce>[1];
sampleOnce({ kind: 'files', paths: [] }, { cellCount: 0, smaps: false, pageTable: false, system: false }); // load and warm up
const before = process.resourceUsage().maxRSS;
const result = sampleOnce(target, plan);
const maxRssGrowthKiB = process.resourceUsage().maxRSS - before;
process.stdout.write(JSON.stringify({ result, maxRssGrowthKiB }));
