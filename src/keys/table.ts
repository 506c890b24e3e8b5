// Every key binding of the interactive view, as data. The help screen, the footer and the README's key
// table are generated from it; a test checks that no key is bound twice in one mode.

/** Where a key is read: the focused panel, or the overlay on top. */
export type Mode = 'table' | 'heatmap' | 'help' | 'log' | 'filter' | 'jump' | 'confirm' | 'workloadMenu' | 'adviseMenu' | 'overview' | 'replayJump';

export type Command =
  | 'quit' | 'help' | 'close' | 'pause' | 'redraw' | 'slower' | 'faster'
  | 'up' | 'down' | 'left' | 'right' | 'pageUp' | 'pageDown' | 'home' | 'end'
  | 'focusHeatmap' | 'focusTable' | 'filter' | 'sort' | 'reverseSort' | 'toggleAnon' | 'toggleTableView'
  | 'layer' | 'layerCache' | 'layerMapped' | 'layerDirty' | 'layerEvicted' | 'layerFaults' | 'layerFlags' | 'smapsPane' | 'pageExact' | 'zoomIn' | 'zoomOut' | 'zoomReset'
  | 'filterAccept' | 'filterCancel' | 'filterErase' | 'confirmYes' | 'confirmNo'
  | 'evict' | 'touch' | 'willneed' | 'dropCaches' | 'workloadMenu' | 'workloadStop' | 'switchView' | 'adviseMenu' | 'menuClose'
  | 'startRandomRead' | 'startSequentialRead' | 'startHotCold' | 'startRandomWrite' | 'rateUp' | 'rateDown' | 'nextAdvice'
  | 'wlDontneed' | 'wlRandom' | 'wlSequential' | 'wlWillneed' | 'wlCold' | 'wlPageout'
  | 'pmCold' | 'pmPageout' | 'pmWillneed' | 'helpScrollUp' | 'helpScrollDown'
  | 'jump' | 'jumpAccept' | 'jumpCancel' | 'jumpErase' | 'log' | 'logScrollUp' | 'logScrollDown'
  | 'back' | 'paneNext' | 'panePrevious' | 'paneProcesses' | 'paneFiles' | 'paneCgroups' | 'open' | 'widen' | 'holders'
  | 'record' | 'screenshot' | 'stepForward' | 'stepBack' | 'replayFaster' | 'replaySlower' | 'replayJump' | 'replayJumpAccept' | 'replayJumpCancel' | 'replayJumpErase';

export type Group = 'General' | 'Overview' | 'Mapping table' | 'Heatmap' | 'Actions' | 'Workload menu' | 'Advice menu' | 'Filter' | 'Jump' | 'Confirm' | 'Keep and replay';

export interface KeyBinding {
  /** Key names as parseKeys gives them ("q", "f10", "up", "ctrl+c"). */
  keys: readonly string[];
  command: Command;
  description: string;
  group: Group;
  modes: readonly Mode[];
  /** Changes the system (evicts, loads, advises, starts a workload): turned off by --read-only. */
  changesSystem?: boolean;
  /** Asks "are you sure" first (evict, PAGEOUT, drop caches, writes). */
  confirm?: boolean;
  /** What the kernel requires, said in the help when mmtop lacks it. */
  needs?: 'root' | 'CAP_SYS_NICE';
  /** Only with a process (not with --file). */
  processOnly?: boolean;
  /** Shown in the footer, with this label. */
  footer?: string;
  /** Only in a replay (`mmtop replay`): it moves through the recording. */
  replayOnly?: boolean;
  /** Only live: a replay has nothing new to record. */
  liveOnly?: boolean;
}

const panels: readonly Mode[] = ['table', 'heatmap'];
/** The general keys also work in the overview (`mmtop` alone). */
const everywhere: readonly Mode[] = [...panels, 'overview'];

export const KEY_TABLE: readonly KeyBinding[] = [
  { keys: ['q', 'f10', 'ctrl+c'], command: 'quit', description: 'quit', group: 'General', modes: [...everywhere, 'help'], footer: 'Quit' },
  { keys: ['?', 'f1'], command: 'help', description: 'this help', group: 'General', modes: everywhere, footer: 'Help' },
  { keys: ['space'], command: 'pause', description: 'pause or resume sampling (the screen keeps the last sample); in a replay, play or pause', group: 'General', modes: everywhere, footer: 'Pause' },
  { keys: ['['], command: 'slower', description: 'sample less often (double the delay)', group: 'General', modes: everywhere, footer: 'Delay' },
  { keys: [']'], command: 'faster', description: 'sample more often (halve the delay, down to 0.1 s)', group: 'General', modes: everywhere },
  { keys: ['!'], command: 'log', description: 'the last messages and results, whole (the warning line cuts a long one)', group: 'General', modes: panels, footer: 'Log' },
  { keys: ['ctrl+l'], command: 'redraw', description: 'redraw the screen', group: 'General', modes: everywhere },
  { keys: ['L'], command: 'layer', description: 'next heatmap layer: cache, mapped, dirty, evicted, faults, flags', group: 'General', modes: panels, footer: 'Layer' },
  { keys: ['1'], command: 'layerCache', description: 'layer: page cache (cached, mapped, dirty, evicted)', group: 'General', modes: panels },
  { keys: ['2'], command: 'layerMapped', description: 'layer: pages in this process\'s page table', group: 'General', modes: panels },
  { keys: ['3'], command: 'layerDirty', description: 'layer: dirty and writeback pages', group: 'General', modes: panels },
  { keys: ['4'], command: 'layerEvicted', description: 'layer: recently evicted pages', group: 'General', modes: panels },
  { keys: ['5'], command: 'layerFaults', description: 'layer: where the process faults (sampled with perf events; major # and minor +, fading)', group: 'General', modes: panels, processOnly: true },
  { keys: ['6'], command: 'layerFlags', description: 'layer: page flags of the mapped pages (kpageflags: active, inactive, referenced, mlocked, large folio)', group: 'General', modes: panels, needs: 'root', processOnly: true },
  { keys: ['S'], command: 'smapsPane', description: 'the selected mapping\'s whole smaps entry, live, changed fields marked (in place of the heatmap)', group: 'General', modes: panels, processOnly: true, footer: 'Smaps' },

  { keys: ['tab'], command: 'paneNext', description: 'next pane: processes, files, cgroups', group: 'Overview', modes: ['overview'], footer: 'Pane' },
  { keys: ['shift+tab'], command: 'panePrevious', description: 'previous pane', group: 'Overview', modes: ['overview'] },
  { keys: ['1'], command: 'paneProcesses', description: 'processes, by file pages resident (RssFile)', group: 'Overview', modes: ['overview'] },
  { keys: ['2'], command: 'paneFiles', description: 'files any process maps or holds open, by pages cached', group: 'Overview', modes: ['overview'] },
  { keys: ['3'], command: 'paneCgroups', description: 'memory cgroups, by file cache', group: 'Overview', modes: ['overview'] },
  { keys: ['up', 'k'], command: 'up', description: 'previous row', group: 'Overview', modes: ['overview'] },
  { keys: ['down', 'j'], command: 'down', description: 'next row', group: 'Overview', modes: ['overview'] },
  { keys: ['pageup'], command: 'pageUp', description: 'a page of rows up', group: 'Overview', modes: ['overview'] },
  { keys: ['pagedown'], command: 'pageDown', description: 'a page of rows down', group: 'Overview', modes: ['overview'] },
  { keys: ['home', 'g'], command: 'home', description: 'first row', group: 'Overview', modes: ['overview'] },
  { keys: ['end', 'G'], command: 'end', description: 'last row', group: 'Overview', modes: ['overview'] },
  { keys: ['enter'], command: 'open', description: 'open the row: a process\'s view (Esc comes back), a file\'s heatmap, or narrow processes and files to a cgroup', group: 'Overview', modes: ['overview'], footer: 'Open' },
  { keys: ['/', 'f4'], command: 'filter', description: 'filter the rows by text (name, pid, user, cgroup, path)', group: 'Overview', modes: ['overview'], footer: 'Filter' },
  { keys: ['s', 'f6'], command: 'sort', description: 'sort by the next column', group: 'Overview', modes: ['overview'], footer: 'Sort' },
  { keys: ['I'], command: 'reverseSort', description: 'reverse the sort order', group: 'Overview', modes: ['overview'] },
  { keys: ['p'], command: 'holders', description: 'on the files pane: the processes that map or hold the selected file, to open one', group: 'Overview', modes: ['overview'] },
  { keys: ['escape'], command: 'widen', description: 'clear the filter, then the file\'s processes, then the cgroup: back to the whole machine', group: 'Overview', modes: ['overview'] },

  { keys: ['up', 'k'], command: 'up', description: 'previous mapping', group: 'Mapping table', modes: ['table'] },
  { keys: ['down', 'j'], command: 'down', description: 'next mapping', group: 'Mapping table', modes: ['table'] },
  { keys: ['pageup'], command: 'pageUp', description: 'a page of mappings up', group: 'Mapping table', modes: ['table'] },
  { keys: ['pagedown'], command: 'pageDown', description: 'a page of mappings down', group: 'Mapping table', modes: ['table'] },
  { keys: ['home', 'g'], command: 'home', description: 'first mapping', group: 'Mapping table', modes: ['table'] },
  { keys: ['end', 'G'], command: 'end', description: 'last mapping', group: 'Mapping table', modes: ['table'] },
  { keys: ['enter', 'tab', 'right'], command: 'focusHeatmap', description: 'into the heatmap of the selected file', group: 'Mapping table', modes: ['table'], footer: 'Heatmap' },
  { keys: ['/', 'f4'], command: 'filter', description: 'filter mappings by text', group: 'Mapping table', modes: ['table'], footer: 'Filter' },
  { keys: ['s', 'f6'], command: 'sort', description: 'sort by the next column: RSS, size, cached, dirty, name, address', group: 'Mapping table', modes: ['table'], footer: 'Sort' },
  { keys: ['I'], command: 'reverseSort', description: 'reverse the sort order', group: 'Mapping table', modes: ['table'] },
  { keys: ['escape'], command: 'back', description: 'clear the filter; without one, back to the overview (when the view was opened from it)', group: 'Mapping table', modes: ['table'] },
  { keys: ['V', 'f5'], command: 'toggleTableView', description: 'a row a file, its VMAs folded (the default), or a row a VMA (pmap -x)', group: 'Mapping table', modes: ['table'], processOnly: true },
  { keys: ['a'], command: 'toggleAnon', description: 'show or hide anonymous mappings', group: 'Mapping table', modes: ['table'], footer: 'Anon', processOnly: true },

  { keys: ['left', 'h'], command: 'left', description: 'cursor left one cell', group: 'Heatmap', modes: ['heatmap'] },
  { keys: ['right', 'l'], command: 'right', description: 'cursor right one cell', group: 'Heatmap', modes: ['heatmap'] },
  { keys: ['up', 'k'], command: 'up', description: 'cursor up one row', group: 'Heatmap', modes: ['heatmap'] },
  { keys: ['down', 'j'], command: 'down', description: 'cursor down one row', group: 'Heatmap', modes: ['heatmap'] },
  { keys: ['pageup'], command: 'pageUp', description: 'cursor up a screen', group: 'Heatmap', modes: ['heatmap'] },
  { keys: ['pagedown'], command: 'pageDown', description: 'cursor down a screen', group: 'Heatmap', modes: ['heatmap'] },
  { keys: ['home', 'g'], command: 'home', description: 'first cell', group: 'Heatmap', modes: ['heatmap'] },
  { keys: ['end', 'G'], command: 'end', description: 'last cell', group: 'Heatmap', modes: ['heatmap'] },
  { keys: ['z', '+', '='], command: 'zoomIn', description: 'zoom in around the cursor (down to one page a cell)', group: 'Heatmap', modes: ['heatmap'], footer: 'Zoom' },
  { keys: ['Z', '-'], command: 'zoomOut', description: 'zoom out', group: 'Heatmap', modes: ['heatmap'] },
  { keys: ['0'], command: 'zoomReset', description: 'whole file', group: 'Heatmap', modes: ['heatmap'] },
  { keys: ['b'], command: 'pageExact', description: 'page-exact: braille, 8 pages a character (a dot a page), zoomed around the cursor; again for the shades (UTF-8 only)', group: 'Heatmap', modes: panels },
  { keys: [':'], command: 'jump', description: 'go to a page or offset of the selected file: p1234, 0x4000, 1G, 50%', group: 'Heatmap', modes: panels },
  { keys: ['escape', 'tab', 'shift+tab'], command: 'focusTable', description: 'back to the mapping table', group: 'Heatmap', modes: ['heatmap'], footer: 'Back' },

  { keys: ['e'], command: 'evict', description: 'evict the selected file from the page cache (posix_fadvise DONTNEED, like vmtouch -e), then say why pages stayed', group: 'Actions', modes: panels, changesSystem: true, confirm: true, footer: 'Evict' },
  { keys: ['t'], command: 'touch', description: 'read the selected file into the page cache (like vmtouch -t)', group: 'Actions', modes: panels, changesSystem: true, footer: 'Touch' },
  { keys: ['T'], command: 'willneed', description: 'ask the kernel to read the selected file ahead (POSIX_FADV_WILLNEED)', group: 'Actions', modes: panels, changesSystem: true },
  { keys: ['m'], command: 'adviseMenu', description: 'madvise: to the workload\'s own mapping, or process_madvise to the viewed process', group: 'Actions', modes: panels, changesSystem: true, footer: 'Madvise' },
  { keys: ['w'], command: 'workloadMenu', description: 'start a workload on the selected file: pattern, rate, advice', group: 'Actions', modes: panels, changesSystem: true, footer: 'Workload' },
  { keys: ['x'], command: 'workloadStop', description: 'stop the workload', group: 'Actions', modes: panels },
  { keys: ['v'], command: 'switchView', description: 'view the workload\'s process, and back', group: 'Actions', modes: panels },
  { keys: ['D'], command: 'dropCaches', description: 'drop the whole system\'s clean page cache (sync; echo 1 > /proc/sys/vm/drop_caches)', group: 'Actions', modes: panels, changesSystem: true, confirm: true, needs: 'root' },

  { keys: ['R'], command: 'record', description: 'start or stop recording the Samples shown to a new file, named on screen (replay it with mmtop replay FILE)', group: 'Keep and replay', modes: panels, liveOnly: true },
  { keys: ['P'], command: 'screenshot', description: 'save the screen as an SVG picture in a new file, named on screen', group: 'Keep and replay', modes: panels },
  { keys: ['.'], command: 'stepForward', description: 'replay: the next Sample', group: 'Keep and replay', modes: panels, replayOnly: true, footer: 'Step' },
  { keys: [','], command: 'stepBack', description: 'replay: the Sample before', group: 'Keep and replay', modes: panels, replayOnly: true },
  { keys: ['>'], command: 'replayFaster', description: 'replay: play faster (1x, 4x, 16x)', group: 'Keep and replay', modes: panels, replayOnly: true, footer: 'Speed' },
  { keys: ['<'], command: 'replaySlower', description: 'replay: play slower', group: 'Keep and replay', modes: panels, replayOnly: true },
  { keys: ['J'], command: 'replayJump', description: 'replay: jump to a time (1:30 from the start, +10 or -10 seconds, #N the Nth Sample, @HH:MM:SS)', group: 'Keep and replay', modes: panels, replayOnly: true, footer: 'Jump' },

  { keys: ['1'], command: 'startRandomRead', description: 'random reads (the article\'s script)', group: 'Workload menu', modes: ['workloadMenu'] },
  { keys: ['2'], command: 'startSequentialRead', description: 'sequential reads, a page at a time', group: 'Workload menu', modes: ['workloadMenu'] },
  { keys: ['3'], command: 'startHotCold', description: '90% of reads in the first tenth of the file', group: 'Workload menu', modes: ['workloadMenu'] },
  { keys: ['4'], command: 'startRandomWrite', description: 'random writes (only to a file mmtop made)', group: 'Workload menu', modes: ['workloadMenu'], confirm: true },
  { keys: ['+', '='], command: 'rateUp', description: 'ten times the rate', group: 'Workload menu', modes: ['workloadMenu'] },
  { keys: ['-'], command: 'rateDown', description: 'a tenth of the rate', group: 'Workload menu', modes: ['workloadMenu'] },
  { keys: ['a'], command: 'nextAdvice', description: 'next madvise advice to start with', group: 'Workload menu', modes: ['workloadMenu'] },
  { keys: ['x'], command: 'workloadStop', description: 'stop the workload', group: 'Workload menu', modes: ['workloadMenu'] },
  { keys: ['escape', 'q', 'w'], command: 'menuClose', description: 'close the menu', group: 'Workload menu', modes: ['workloadMenu', 'adviseMenu'] },

  { keys: ['1'], command: 'wlDontneed', description: 'workload: madvise(MADV_DONTNEED) its mapping (what lets evicted pages go)', group: 'Advice menu', modes: ['adviseMenu'] },
  { keys: ['2'], command: 'wlRandom', description: 'workload: MADV_RANDOM (no readahead: one page a fault)', group: 'Advice menu', modes: ['adviseMenu'] },
  { keys: ['3'], command: 'wlSequential', description: 'workload: MADV_SEQUENTIAL', group: 'Advice menu', modes: ['adviseMenu'] },
  { keys: ['4'], command: 'wlWillneed', description: 'workload: MADV_WILLNEED', group: 'Advice menu', modes: ['adviseMenu'] },
  { keys: ['5'], command: 'wlCold', description: 'workload: MADV_COLD', group: 'Advice menu', modes: ['adviseMenu'] },
  { keys: ['6'], command: 'wlPageout', description: 'workload: MADV_PAGEOUT', group: 'Advice menu', modes: ['adviseMenu'] },
  { keys: ['c'], command: 'pmCold', description: 'viewed process: process_madvise COLD on the selected mapping', group: 'Advice menu', modes: ['adviseMenu'], needs: 'CAP_SYS_NICE' },
  { keys: ['p'], command: 'pmPageout', description: 'viewed process: process_madvise PAGEOUT on the selected mapping', group: 'Advice menu', modes: ['adviseMenu'], needs: 'CAP_SYS_NICE', confirm: true },
  { keys: ['n'], command: 'pmWillneed', description: 'viewed process: process_madvise WILLNEED on the selected mapping', group: 'Advice menu', modes: ['adviseMenu'], needs: 'CAP_SYS_NICE' },

  { keys: ['up', 'k', 'pageup'], command: 'helpScrollUp', description: 'scroll the help up', group: 'General', modes: ['help'] },
  { keys: ['down', 'j', 'pagedown', 'space'], command: 'helpScrollDown', description: 'scroll the help down', group: 'General', modes: ['help'] },
  { keys: ['escape', '?', 'f1', 'enter'], command: 'close', description: 'close the help', group: 'General', modes: ['help'] },
  { keys: ['enter'], command: 'filterAccept', description: 'keep the filter', group: 'Filter', modes: ['filter'] },
  { keys: ['escape'], command: 'filterCancel', description: 'clear the filter', group: 'Filter', modes: ['filter'] },
  { keys: ['backspace'], command: 'filterErase', description: 'erase a character', group: 'Filter', modes: ['filter'] },
  { keys: ['up', 'k', 'pageup'], command: 'logScrollUp', description: 'scroll the messages up', group: 'General', modes: ['log'] },
  { keys: ['down', 'j', 'pagedown', 'space'], command: 'logScrollDown', description: 'scroll the messages down', group: 'General', modes: ['log'] },
  { keys: ['escape', '!', 'q', 'enter'], command: 'close', description: 'close the messages', group: 'General', modes: ['log'] },
  { keys: ['enter'], command: 'replayJumpAccept', description: 'jump there', group: 'Keep and replay', modes: ['replayJump'] },
  { keys: ['escape'], command: 'replayJumpCancel', description: 'stay where the replay is', group: 'Keep and replay', modes: ['replayJump'] },
  { keys: ['backspace'], command: 'replayJumpErase', description: 'erase a character', group: 'Keep and replay', modes: ['replayJump'] },
  { keys: ['enter'], command: 'jumpAccept', description: 'go there', group: 'Jump', modes: ['jump'] },
  { keys: ['escape'], command: 'jumpCancel', description: 'cancel', group: 'Jump', modes: ['jump'] },
  { keys: ['backspace'], command: 'jumpErase', description: 'erase a character', group: 'Jump', modes: ['jump'] },
  { keys: ['y', 'Y'], command: 'confirmYes', description: 'yes, do it', group: 'Confirm', modes: ['confirm'] },
  { keys: ['n', 'N', 'escape', 'q'], command: 'confirmNo', description: 'no, cancel', group: 'Confirm', modes: ['confirm'] },
];

/** The binding of `key` in `mode`, if any. */
export function bindingFor(key: string, mode: Mode, table: readonly KeyBinding[] = KEY_TABLE): KeyBinding | undefined {
  return table.find((b) => b.modes.includes(mode) && b.keys.includes(key));
}

/** Keys bound to more than one command in the same mode: must be empty. */
export function duplicateBindings(table: readonly KeyBinding[] = KEY_TABLE): string[] {
  const seen = new Map<string, Command>();
  const duplicates: string[] = [];
  for (const b of table) {
    for (const mode of b.modes) {
      for (const key of b.keys) {
        const id = `${mode}:${key}`;
        const other = seen.get(id);
        if (other !== undefined && other !== b.command) duplicates.push(`${id} (${other}, ${b.command})`);
        seen.set(id, b.command);
      }
    }
  }
  return duplicates;
}

/** How a key name is shown to people: "F10", "Ctrl-C", "PgUp", "Space". */
export function keyLabel(key: string): string {
  const names: Record<string, string> = {
    up: '↑', down: '↓', left: '←', right: '→', pageup: 'PgUp', pagedown: 'PgDn', home: 'Home', end: 'End',
    enter: 'Enter', tab: 'Tab', 'shift+tab': 'Shift-Tab', escape: 'Esc', space: 'Space', backspace: 'Bksp',
  };
  if (names[key]) return names[key]!;
  if (/^f\d+$/.test(key)) return key.toUpperCase();
  if (key.startsWith('ctrl+')) return `Ctrl-${key.slice(5).toUpperCase()}`;
  return key;
}
