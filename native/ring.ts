// The records of a perf ring buffer (include/uapi/linux/perf_event.h): pure over the ring's data area, so
// that wrapping and LOST records are tested without a kernel. No koffi here.

export type FaultKind = 'major' | 'minor';

// enum perf_event_type
const PERF_RECORD_LOST = 2;
const PERF_RECORD_SAMPLE = 9;
/** A sample with TID|TIME|ADDR: header (8), pid + tid (8), time (8), addr (8). */
export const SAMPLE_RECORD_BYTES = 32;

/** One fault, as the kernel sampled it. Times are CLOCK_MONOTONIC nanoseconds; addresses fit a double (47 bits). */
export interface FaultRecord {
  kind: FaultKind;
  pid: number;
  tid: number;
  timeNs: number;
  address: number;
}

export type FaultSink = (record: FaultRecord) => void;

/** A ring's records read out, one record at a time; pure over the data area (tested on wrapped rings). */
export function readRing(
  data: DataView, dataSize: number, tail: number, head: number, kind: FaultKind, sink: FaultSink,
): { samples: number; lost: number; other: number } {
  let samples = 0;
  let lost = 0;
  let other = 0;
  const scratch = new DataView(new ArrayBuffer(64));
  // A record may wrap past the ring's end: its bytes are copied into `scratch` (records here are 32 bytes;
  // a longer one of another type is skipped by its size without being copied).
  const byteAt = (pos: number): number => data.getUint8(pos % dataSize);
  const view = (pos: number, length: number): { v: DataView; at: number } => {
    const at = pos % dataSize;
    if (at + length <= dataSize) return { v: data, at };
    for (let i = 0; i < length; i++) scratch.setUint8(i, byteAt(pos + i));
    return { v: scratch, at: 0 };
  };
  let pos = tail;
  while (pos < head) {
    const h = view(pos, 8);
    const type = h.v.getUint32(h.at, true);
    const size = h.v.getUint16(h.at + 6, true);
    if (size < 8 || pos + size > head) break; // torn or corrupt: stop here, the tail moves to head
    if (type === PERF_RECORD_SAMPLE && size >= SAMPLE_RECORD_BYTES) {
      const r = view(pos, SAMPLE_RECORD_BYTES);
      const pid = r.v.getUint32(r.at + 8, true);
      const tid = r.v.getUint32(r.at + 12, true);
      const timeNs = Number(r.v.getBigUint64(r.at + 16, true));
      const address = r.v.getUint32(r.at + 24, true) + r.v.getUint32(r.at + 28, true) * 2 ** 32;
      sink({ kind, pid, tid, timeNs, address });
      samples += 1;
    } else if (type === PERF_RECORD_LOST && size >= 24) {
      const r = view(pos, 24);
      lost += Number(r.v.getBigUint64(r.at + 16, true));
    } else {
      other += 1; // THROTTLE and the like: nothing mmtop shows
    }
    pos += size;
  }
  return { samples, lost, other };
}

