// The interactive view's state: types, the pure reducer, layout and view-model selectors.
export * from './types.js';
export * from './layout.js';
export * from './reducer.js';
export * from './selectors.js';
export * from './faults.js';
export * from './jump.js';
export * from './mouse.js';
export * from './log.js';
export * from './demo-hints.js';
