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

type Pooled = Float32Array | Uint8Array;

let enabled = false;
/** Free arrays by kind and length ("f:1024", "u:1024"). */
const free = new Map<string, Pooled[]>();
let freeBytes = 0;
/** Pooled buffers, to their base array, and how many stored tensors reference each. */
const base = new WeakMap<ArrayBufferLike, Pooled>();
const shares = new WeakMap<ArrayBufferLike, number>();

const keyOf = (a: Pooled) => `${a instanceof Float32Array ? 'f' : 'u'}:${a.length}`;

function take<T extends Pooled>(kind: 'f' | 'u', n: number, make: (n: number) => T): T {
  if (!enabled || n < POOL_MIN) return make(n);
  const a = free.get(`${kind}:${n}`)?.pop();
  if (a) {
    freeBytes -= a.byteLength;
    poolStats.reused++;
    return a as T;
  }
  poolStats.fresh++;
  const fresh = make(n);
  base.set(fresh.buffer, fresh);
  return fresh;
}

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
  return take('f', n, (k) => new Float32Array(k));
}

/** A Uint8Array for a bool kernel output (pooled when large). */
export function newU8(n: number): Uint8Array {
  return take('u', n, (k) => new Uint8Array(k));
}

export function isPooled(values: unknown): values is Pooled {
  return (values instanceof Float32Array || values instanceof Uint8Array) && base.has(values.buffer);
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
  let list = free.get(keyOf(a));
  if (!list) free.set(keyOf(a), (list = []));
  list.push(a);
  freeBytes += a.byteLength;
  poolStats.returned++;
}
