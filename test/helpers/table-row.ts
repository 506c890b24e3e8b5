// What a row of the interactive view's mapping table looks like on screen, for the terminal tests: files
// first, a row starts with its VMA count, then (100 columns and wider) its lowest address or its span,
// then Size KiB and RSS KiB (src/ui/rows.ts columnsFor).

/** The start of a table row, as regex source (compose it with a name: `${TABLE_ROW_START}.*data\.db`). */
export const TABLE_ROW_START = String.raw`^ {0,3}\d{1,4} +(?:[0-9a-f]{12}(?:-[0-9a-f]{12})? +)?(?:\d+|\?) +(?:\d+|\?) `;

/** A table row anywhere on a screen. */
export const TABLE_ROW = new RegExp(TABLE_ROW_START, 'm');

/** One line that is a table row. */
export const TABLE_ROW_LINE = new RegExp(TABLE_ROW_START);
