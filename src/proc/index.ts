// Pure parsers for /proc and cgroup text: text in, records and warnings out, never a throw.
export * from './parsed.js';
export * from './maps.js';
export * from './smaps.js';
export * from './stat.js';
export * from './keyvalue.js';
export * from './cgroup.js';
export * from './smaps-entry.js';
