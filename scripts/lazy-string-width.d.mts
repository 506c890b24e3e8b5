// Types for scripts/lazy-string-width.mjs (the build script's transform, tested in test/unit/width.test.ts).
export const LAZY_STRING_WIDTH_VERSION: string;
export function lazyStringWidth(source: string): string;
