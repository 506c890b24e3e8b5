// Keys as data: the parser of raw input and the one binding table.
export * from './parse-keys.js';
export * from './table.js';
