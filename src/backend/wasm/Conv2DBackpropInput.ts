/**
 * Conv2DBackpropInput for the TF.js wasm backend (the input gradient of a 2-D convolution, which is also the
 * forward pass of Conv2DTranspose), replacing the stock naive loop with stride-1 XNNPACK Conv2Ds.
 *
 * For a forward conv with stride s, kernel k and top padding pt (one axis shown, the other is alike),
 *   dx[i] = Σ_{y, p : i = y·s − pt + p} dy[y] · w[p].
 * Split the rows of dx by phase q = i mod s, i = s·v + q, and write q + pt = s·c + r. Only the taps
 * p = r + s·m (m = 0 … M−1, M = ⌈(k − r)/s⌉) reach phase q, from y = v + c − m:
 *   dx_q[v] = Σ_m dy[v + c − m] · w[r + s·m],
 * a stride-1 conv of the undilated dy with a flipped sub-filter (in/out channels swapped). That is s² times
 * less work than one conv of the zero-dilated dy, and s_h·s_w small convs run faster on XNNPACK than one
 * conv with s_h·s_w·Ci output channels. The phases are then interleaved with two rank-3 transposes (rank-5
 * and rank-6 transposes take a slow path in the wasm backend) and cropped to H × W.
 *
 * The phase filters (a few thousand to a few hundred thousand floats) are gathered from the filter with one
 * typed-array loop over the wasm heap, as the stock wasm Slice does: the stock Reverse + StridedSlice route
 * took ~20 ms per call at the DCGAN's [4, 4, 64, 128] filter.
 *
 * With few input channels (kh·kw·Ci ≤ 128, e.g. a generator's last layer to 1-channel images) the phase
 * convs have 1–3 output channels and run far below XNNPACK's rate; there dx is one matmul
 * cols = dy [B·Ho·Wo, Co] · w [Co, kh·kw·Ci] followed by a scatter-add of cols into dx (col2im) in one
 * typed-array loop over the wasm heap.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropInputAttrs, Conv2DBackpropInputInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { crop, runWasmKernel, transpose, view, zeros, type WasmKernelArgs } from './kernel_utils.js';

/** One phase q of one spatial axis. */
interface Phase {
  /** Taps that reach this phase (0 when k < s and the phase sees none). */
  taps: number;
  /** First tap of w that reaches this phase (r); then every s-th. */
  firstTap: number;
  /** Rows of dy the conv reads, and its zero padding before/after them. */
  dyBegin: number;
  dyKeep: number;
  padBefore: number;
  padAfter: number;
}

/**
 * inSize: rows of dx (the forward input); outSize: rows of dy; rows: ⌈inSize/s⌉ rows v computed per phase.
 */
function axisPhases(inSize: number, outSize: number, k: number, s: number, pt: number): { rows: number; phases: Phase[] } {
  const rows = Math.ceil(inSize / s);
  const phases: Phase[] = [];
  for (let q = 0; q < s; q++) {
    const c = Math.floor((q + pt) / s);
    const r = (q + pt) % s;
    const taps = Math.max(Math.ceil((k - r) / s), 0);
    // Conv output v reads dy[v + c − (taps − 1) + a], a = 0 … taps − 1, with filter tap a ↔ m = taps − 1 − a,
    // i.e. w[r + s(taps − 1 − a)].
    const before = taps - 1 - c;
    const after = rows + c - outSize;
    const dyBegin = Math.max(-before, 0);
    phases.push({
      taps,
      firstTap: r,
      dyBegin,
      dyKeep: outSize - dyBegin - Math.max(-after, 0),
      padBefore: Math.max(before, 0),
      padAfter: Math.max(after, 0),
    });
  }
  return { rows, phases };
}

/**
 * The filter of one phase pair, [Mh, Mw, Co, Ci]: G[a, b, o, c] = w[rh + sh(Mh−1−a), rw + sw(Mw−1−b), c, o]
 * (taps flipped, in/out channels swapped), gathered from w [kh, kw, Ci, Co] on the wasm heap.
 */
function phaseFilter(backend: BackendWasm, w: TensorInfo, ph: Phase, pw: Phase, sh: number, sw: number): TensorInfo {
  const [, kw, Ci, Co] = w.shape;
  const out = backend.makeOutput([ph.taps, pw.taps, Co, Ci], 'float32');
  const src = backend.typedArrayFromHeap(w);
  const dst = backend.typedArrayFromHeap(out);
  let i = 0;
  for (let a = 0; a < ph.taps; a++) {
    const p = ph.firstTap + sh * (ph.taps - 1 - a);
    for (let b = 0; b < pw.taps; b++) {
      const base = (p * kw + pw.firstTap + sw * (pw.taps - 1 - b)) * Ci * Co;
      for (let o = 0; o < Co; o++) {
        for (let c = 0; c < Ci; c++) dst[i++] = src[base + c * Co + o];
      }
    }
  }
  return out;
}

/** dx of one phase pair: [B, rowsH, rowsW, Ci]. */
function phaseConv(
  backend: BackendWasm,
  dy: TensorInfo,
  w: TensorInfo,
  ph: Phase,
  pw: Phase,
  sh: number,
  sw: number,
  outShape: [number, number, number, number],
): TensorInfo {
  const B = outShape[0];
  const Co = dy.shape[3];
  if (ph.taps === 0 || pw.taps === 0 || ph.dyKeep <= 0 || pw.dyKeep <= 0) return zeros(backend, outShape);
  const temps: TensorInfo[] = [];
  try {
    const filter = phaseFilter(backend, w, ph, pw, sh, sw);
    temps.push(filter);
    const x = crop(backend, dy, [0, ph.dyBegin, pw.dyBegin, 0], [B, ph.dyKeep, pw.dyKeep, Co]);
    if (x !== dy) temps.push(x);
    return runWasmKernel(
      'Conv2D',
      backend,
      { x, filter },
      {
        strides: [1, 1],
        pad: [[0, 0], [ph.padBefore, ph.padAfter], [pw.padBefore, pw.padAfter], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [1, 1],
      },
    );
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** Stack same-shaped tensors as [n, size] and transpose to [outer, n, inner] (outer·inner = size). */
function interleave(backend: BackendWasm, parts: TensorInfo[], outer: number, inner: number): TensorInfo {
  if (parts.length === 1) return parts[0];
  const stacked = runWasmKernel('Concat', backend, parts.map((p) => view(p, [1, outer * inner])), { axis: 0 });
  try {
    return transpose(backend, view(stacked, [parts.length, outer, inner]), [1, 0, 2]);
  } finally {
    backend.disposeData(stacked.dataId);
  }
}

/** Largest kh·kw·Ci for the col2im route. */
const COL2IM_MAX_COLS = 128;

/** dx by col2im: cols = dy · wᵀ, then each column added into the dx pixel its tap lands on. */
function col2imInputGrad(backend: BackendWasm, dy: TensorInfo, w: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const K = kh * kw * Ci;
  const n = B * Ho * Wo;
  // w [kh, kw, Ci, Co] = [K, Co] → [Co, K]
  const wT = transpose(backend, view(w, [K, Co]), [1, 0]);
  let cols: TensorInfo | null = null;
  try {
    cols = runWasmKernel('BatchMatMul', backend, { a: view(dy, [1, n, Co]), b: view(wT, [1, Co, K]) }, { transposeA: false, transposeB: false });
    const dx = backend.makeOutput([B, H, W, Ci], 'float32');
    const src = backend.typedArrayFromHeap(cols);
    const dst = backend.typedArrayFromHeap(dx);
    dst.fill(0);
    let r = 0; // row of cols: (b, y, x)
    for (let b = 0; b < B; b++) {
      for (let y = 0; y < Ho; y++) {
        for (let x = 0; x < Wo; x++, r++) {
          for (let p = 0; p < kh; p++) {
            const i = y * sh - pt + p;
            if (i < 0 || i >= H) continue;
            for (let q = 0; q < kw; q++) {
              const j = x * sw - pl + q;
              if (j < 0 || j >= W) continue;
              const from = r * K + (p * kw + q) * Ci;
              const to = ((b * H + i) * W + j) * Ci;
              for (let c = 0; c < Ci; c++) dst[to + c] += src[from + c];
            }
          }
        }
      }
    }
    return dx;
  } finally {
    backend.disposeData(wT.dataId);
    if (cols) backend.disposeData(cols.dataId);
  }
}

export function conv2DBackpropInput(args: WasmKernelArgs<Conv2DBackpropInputInputs, Conv2DBackpropInputAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const nchw = dataFormat === 'NCHW';
  if (dataFormat !== 'NHWC' && !nchw) {
    throw new Error(`wasm Conv2DBackpropInput: dataFormat must be 'NHWC' or 'NCHW', got '${String(dataFormat)}'`);
  }
  const temps: TensorInfo[] = [];
  const own = (t: TensorInfo, from: TensorInfo): TensorInfo => {
    if (t.dataId !== from.dataId) temps.push(t);
    return t;
  };
  try {
    // 1. dy → [B, Ho, Wo, Co]; dx has shape [B, H, W, Ci].
    const dy0 = inputs.dy as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const dy = nchw ? own(transpose(backend, dy0, [0, 2, 3, 1]), dy0) : dy0;
    const [B, H, W, Ci] = nchw ? [inputShape[0], inputShape[2], inputShape[3], inputShape[1]] : inputShape;
    const info = tf.backend_util.computeConv2DInfo(
      [B, H, W, Ci],
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { outHeight, outWidth, outChannels, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    if (dy.shape[0] !== B || dy.shape[1] !== outHeight || dy.shape[2] !== outWidth || dy.shape[3] !== outChannels) {
      throw new Error(
        `wasm Conv2DBackpropInput: dy has shape [${dy.shape}], expected [${B},${outHeight},${outWidth},${outChannels}] for input [${B},${H},${W},${Ci}] and filter [${filter.shape}]`,
      );
    }
    if (kh * kw * Ci <= COL2IM_MAX_COLS) {
      const dx = col2imInputGrad(backend, dy, filter, info);
      if (!nchw) return dx;
      own(dx, dy0);
      return transpose(backend, dx, [0, 3, 1, 2]);
    }
    const ah = axisPhases(H, outHeight, kh, sh, info.padInfo.top);
    const aw = axisPhases(W, outWidth, kw, sw, info.padInfo.left);

    // 2. One stride-1 conv per phase pair (qh, qw) → [B, rowsH, rowsW, Ci].
    const phaseShape: [number, number, number, number] = [B, ah.rows, aw.rows, Ci];
    const rowsOfPhases: TensorInfo[] = [];
    for (const ph of ah.phases) {
      const parts = aw.phases.map((pw) => own(phaseConv(backend, dy, filter, ph, pw, sh, sw, phaseShape), dy));
      // 3a. Interleave along W: [sw, B·rowsH·rowsW, Ci] → [B·rowsH·rowsW, sw, Ci] = [B, rowsH, rowsW·sw, Ci].
      rowsOfPhases.push(own(interleave(backend, parts, B * ah.rows * aw.rows, Ci), parts[0]));
    }
    // 3b. Interleave along H: [sh, B·rowsH, rowsW·sw·Ci] → [B·rowsH, sh, rowsW·sw·Ci] = [B, rowsH·sh, rowsW·sw, Ci].
    const full = own(interleave(backend, rowsOfPhases, B * ah.rows, aw.rows * sw * Ci), rowsOfPhases[0]);

    // 4. Crop to dx [B, H, W, Ci]. When there is nothing to crop, hand out `full` itself.
    const dx = crop(backend, view(full, [B, ah.rows * sh, aw.rows * sw, Ci]), [0, 0, 0, 0], [B, H, W, Ci]);
    if (dx.dataId === full.dataId) temps.splice(temps.indexOf(full), 1);
    if (!nchw) return { ...dx, shape: [B, H, W, Ci] };
    own(dx, dy0);
    return transpose(backend, dx, [0, 3, 1, 2]);
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
