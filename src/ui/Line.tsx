// One pre-styled line drawn by Ink. Ink caches the measured size of every distinct text it sees, forever
// (ink 6 measure-text.js and wrap-text.js): lines that change every frame would leak. So Ink only ever
// measures a constant blank line of the same width, and a <Transform> swaps in the real line at output.
import React from 'react';
import { Text, Transform } from 'ink';

const blanks = new Map<number, string>();
function blank(width: number): string {
  let b = blanks.get(width);
  if (b === undefined) {
    b = ' '.repeat(Math.max(1, width));
    blanks.set(width, b);
  }
  return b;
}

export function Line({ text, width }: { text: string; width: number }): React.ReactElement {
  return (
    <Transform transform={() => text}>
      <Text wrap="truncate">{blank(width)}</Text>
    </Transform>
  );
}
