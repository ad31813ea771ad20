/**
 * Recycled output buffers. On this kind of VM a fresh multi-MB Float32Array costs more in first-touch page
 * faults (≈3 µs per 4 KiB page) than the kernel that fills it, and a DCGAN step makes ~150 of them. So large
 * kernel outputs come from a pool, and a buffer goes back to it when the last tensor that stores it (or a
 * view of it) is disposed. The native backend keeps that safe by counting, per ArrayBuffer, the tensors that
 * store it (write/move/disposeData) and by handing out copies, never pooled memory, from readSync (so a
 * `dataSync()` result can be kept after dispose). Contents of a fresh buffer are undefined: kernels write
 * every element.
 */

/** Outputs of at least this many elements are pooled. */
const POOL_MIN = 1 << 14;
/** Bytes kept for reuse at most. */
const POOL_MAX_BYTES = 1 << 30;

let enabled = false;
const free = new Map<number, Float32Array[]>();
let freeBytes = 0;
/** Pooled buffers, to their base array, and how many stored tensors reference each. */
const base = new WeakMap<ArrayBufferLike, Float32Array>();
const shares = new WeakMap<ArrayBufferLike, number>();

export const poolStats = { fresh: 0, reused: 0, returned: 0 };

export function enablePool(on: boolean): void {
  enabled = on;
  if (!on) {
    free.clear();
    freeBytes = 0;
  }
}

/** A Float32Array for a kernel output (pooled when large). */
export function newF32(n: number): Float32Array {
  if (!enabled || n < POOL_MIN) return new Float32Array(n);
  const list = free.get(n);
  const a = list?.pop();
  if (a) {
    freeBytes -= a.byteLength;
    poolStats.reused++;
    return a;
  }
  poolStats.fresh++;
  const fresh = new Float32Array(n);
  base.set(fresh.buffer, fresh);
  return fresh;
}

export function isPooled(values: unknown): values is Float32Array {
  return values instanceof Float32Array && base.has(values.buffer);
}

/** A tensor now stores `values`. */
export function retain(values: unknown): void {
  if (!isPooled(values)) return;
  shares.set(values.buffer, (shares.get(values.buffer) ?? 0) + 1);
}

/** A tensor that stored `values` is gone; the last one returns the buffer to the pool. */
export function release(values: unknown): void {
  if (!isPooled(values)) return;
  const n = (shares.get(values.buffer) ?? 1) - 1;
  if (n > 0) {
    shares.set(values.buffer, n);
    return;
  }
  shares.delete(values.buffer);
  const a = base.get(values.buffer)!;
  if (!enabled || freeBytes + a.byteLength > POOL_MAX_BYTES) return;
  let list = free.get(a.length);
  if (!list) free.set(a.length, (list = []));
  list.push(a);
  freeBytes += a.byteLength;
  poolStats.returned++;
}
