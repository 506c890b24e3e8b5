// /proc/PID/mountinfo (man 5 proc_pid_mountinfo; fs/proc_namespace.c show_mountinfo), parsed from bytes:
// mount points, roots and sources are escaped by the kernel (" \t\n\\" as \ooo, seq_path_root and
// mangle), and so are the overlay options' values (", \t\n\\", seq_show_option), so a raw newline only
// ever ends a line and a raw comma only ever ends an option. Names come back through decodeName, lossless.
import { decodeName } from '../model/names.js';
import type { Parsed } from './parsed.js';

export interface MountEntry {
  mountId: number;
  parentId: number;
  /** "0:39": st_dev's major and minor in decimal, as mountinfo prints them. */
  device: string;
  /** The directory of the filesystem that is mounted here ("/" unless a bind mount of a subdirectory). */
  root: string;
  /** Where it is mounted, relative to the reading process's root for /proc/self, the target's for /proc/PID. */
  mountPoint: string;
  fsType: string;
  source: string;
  /** The filesystem's own options, split at the kernel's commas, each value unescaped (`lowerdir` → path). */
  superOptions: Array<{ key: string; value: string | null }>;
}

/** Turns the kernel's `\ooo` escapes back into bytes (anything else stays as it is). */
export function unescapeOctal(raw: Uint8Array): Buffer {
  const out = Buffer.alloc(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x5c && i + 3 < raw.length && isOctal(raw[i + 1]) && isOctal(raw[i + 2]) && isOctal(raw[i + 3])) {
      out[n++] = ((raw[i + 1]! - 48) << 6) | ((raw[i + 2]! - 48) << 3) | (raw[i + 3]! - 48);
      i += 3;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}

function isOctal(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x37;
}

function splitBytes(bytes: Uint8Array, separator: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let from = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === separator) {
      parts.push(bytes.subarray(from, i));
      from = i + 1;
    }
  }
  return parts;
}

const SPACE = 0x20;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const text = (field: Uint8Array): string => decodeName(unescapeOctal(field));

/** Parses one mountinfo line (bytes, without its newline), or undefined when it is not one. */
export function parseMountinfoLine(line: Uint8Array): MountEntry | undefined {
  const fields = splitBytes(line, SPACE);
  // 36 35 98:0 /mnt1 /mnt/parent rw,noatime [optional fields…] - ext3 /dev/root rw,errors=continue
  let dash = -1;
  for (let i = 6; i < fields.length; i++) {
    if (fields[i]!.length === 1 && fields[i]![0] === 0x2d) {
      dash = i;
      break;
    }
  }
  if (dash < 0 || fields.length < dash + 4) return undefined;
  const mountId = Number(text(fields[0]!));
  const parentId = Number(text(fields[1]!));
  const device = text(fields[2]!);
  if (!Number.isInteger(mountId) || !Number.isInteger(parentId) || !/^\d+:\d+$/.test(device)) return undefined;
  const superOptions = splitBytes(fields[dash + 3]!, COMMA).filter((o) => o.length > 0).map((option) => {
    const eq = option.indexOf(EQUALS);
    return eq < 0
      ? { key: text(option), value: null }
      : { key: text(option.subarray(0, eq)), value: text(option.subarray(eq + 1)) };
  });
  return {
    mountId, parentId, device, root: text(fields[3]!), mountPoint: text(fields[4]!),
    fsType: text(fields[dash + 1]!), source: text(fields[dash + 2]!), superOptions,
  };
}

/** Parses a whole mountinfo file read as bytes. Lines that do not parse become warnings. */
export function parseMountinfo(bytes: Uint8Array): Parsed<MountEntry[]> {
  const value: MountEntry[] = [];
  const warnings: string[] = [];
  const lines = splitBytes(bytes, 0x0a);
  if (lines.length > 0 && lines[lines.length - 1]!.length === 0) lines.pop();
  lines.forEach((line, index) => {
    const entry = parseMountinfoLine(line);
    if (entry) value.push(entry);
    else warnings.push(`mountinfo line ${index + 1}: not a mount`);
  });
  return { value, warnings };
}

/** An overlay mount's layers, from its options (fs/overlayfs/params.c; Documentation/filesystems/overlayfs.rst). */
export interface OverlayLayers {
  /** upperdir, or null for a read-only overlay. */
  upper: string | null;
  /** The lower layers that make up the merged tree, topmost first. */
  lowers: string[];
  /**
   * Data-only lower layers ("lowerdir=a::b", "datadir+"), or metacopy=on: a file's data may live in
   * another layer than its metadata, so a path lookup in the layers cannot tell whose pages they are.
   */
  dataElsewhere: boolean;
}

/**
 * The layers of an overlay from its mount options. `lowerdir=` holds the list as the mounter gave it
 * (ovl_show_options prints config.lowerdirs[0]): layers split at ':' not escaped by '\', "::" starts the
 * data-only layers, and a '\' escapes the next character (ovl_parse_param_split_lowerdirs, ovl_unescape).
 * `upperdir=` loses its '\' escapes too (ovl_parse_layer: ovl_mount_dir); `lowerdir+=` and `datadir+=`
 * (the new mount API) name one layer each, as given (ovl_mount_dir_noesc).
 */
export function overlayLayersOf(options: MountEntry['superOptions']): OverlayLayers {
  const layers: OverlayLayers = { upper: null, lowers: [], dataElsewhere: false };
  for (const { key, value } of options) {
    if (key === 'upperdir' && value !== null) layers.upper = overlayUnescape(value); // ovl_mount_dir: ovl_unescape
    else if (key === 'lowerdir+' && value !== null) layers.lowers.push(value);
    else if (key === 'datadir+') layers.dataElsewhere = true;
    else if (key === 'metacopy' && value === 'on') layers.dataElsewhere = true;
    else if (key === 'lowerdir' && value !== null) {
      const { merged, dataOnly } = splitLowerdir(value);
      layers.lowers.push(...merged);
      if (dataOnly) layers.dataElsewhere = true;
    }
  }
  return layers;
}

function overlayUnescape(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) out += value[i] === '\\' && i + 1 < value.length ? value[++i] : value[i];
  return out;
}

function splitLowerdir(value: string): { merged: string[]; dataOnly: boolean } {
  const merged: string[] = [];
  let current = '';
  let dataOnly = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      current += value[++i];
    } else if (ch === ':') {
      if (!dataOnly) merged.push(current);
      current = '';
      if (value[i + 1] === ':') {
        dataOnly = true; // every layer after "::" holds data only: not part of the merged tree
        i++;
      }
    } else {
      current += ch;
    }
  }
  if (!dataOnly) merged.push(current);
  return { merged, dataOnly };
}

/**
 * The mount of `device` ("0:39") that holds `path`, and `path` inside that filesystem: the mount whose
 * mount point is the longest prefix of `path` (a later line wins a tie: it is mounted on top).
 */
export function mountHolding(mounts: readonly MountEntry[], device: string, path: string): { mount: MountEntry; pathInFs: string } | undefined {
  let best: MountEntry | undefined;
  for (const m of mounts) {
    if (m.device !== device || !isWithin(path, m.mountPoint)) continue;
    if (!best || m.mountPoint.length >= best.mountPoint.length) best = m;
  }
  if (!best) return undefined;
  const rest = best.mountPoint === '/' ? path : path.slice(best.mountPoint.length);
  const pathInFs = best.root === '/' ? rest : `${best.root}${rest}`;
  return { mount: best, pathInFs: pathInFs === '' ? '/' : pathInFs };
}

function isWithin(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}
