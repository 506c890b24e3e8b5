// The sampler: sampleOnce(target, plan) -> Sample. The Sample's types live in model/.
export { sampleOnce } from './sample-once.js';
