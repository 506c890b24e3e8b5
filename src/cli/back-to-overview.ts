// One constant in a module of its own: the overview needs it at start-up, and importing it from
// interactive.tsx would load ink, react and the process view (about 150 ms) before the overview's first frame.

/** What runInteractive returns when Esc took the user back to the overview that opened the view. */
export const BACK_TO_OVERVIEW = -1;
