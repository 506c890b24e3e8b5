// The Sample and its pure helpers: plain data shared by sampler/, residency/, state/, text/ and ui/.
// Nothing here loads native/ (koffi): importing the model must never map a shared library.
export * from './sample.js';
export { deviceString } from './device.js';
export { decodeName, encodeName, fsPath, hasEscapedBytes, printable, printableText } from './names.js';
export type { FaultSampling, FaultSummary, FileFaults, AnonFaults } from './faults.js';
export type { AnonCell, AnonMapRecord, PageFlagsCell, PageFlagsRecord, SmapsDetail, SmapsField } from './page-detail.js';
export { jsonText } from './json.js';
