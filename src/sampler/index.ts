// The sampler: sampleOnce(target, plan) -> Sample, and the types every view shares.
export * from './sample.js';
export { sampleOnce, DEFAULT_PLAN, type Target, type SamplePlan, type SampleResult, type ProcessStatus } from './sample-once.js';
export { deviceString } from './device.js';
