/**
 * Conv2DBackpropInput for the TF.js wasm backend (the input gradient of a 2-D convolution, which is also the
 * forward pass of Conv2DTranspose), replacing the stock naive loop with one XNNPACK Conv2D.
 *
 * For a forward conv with stride s, kernel k and top padding pt (one axis shown, the other is alike),
 *   dx[i] = Σ_{y, p : i = y·s − pt + p} dy[y] · w[p].
 * Split the output rows by phase r = (i + pt) mod s, i = s·u + r − pt. In phase r only the taps p = r + s·m
 * (m = 0 … M−1, M = ⌈k/s⌉) contribute, and y = u − m, so
 *   dx_r[u] = Σ_m dy[u − m] · w[r + s·m],
 * a stride-1 conv of the undilated dy with a flipped sub-filter. All s_h·s_w phases share one conv whose
 * output channels are (r_h, r_w, c) (taps past k are zero), which is s² times less work than a conv of the
 * zero-dilated dy. The phases are then interleaved (depth-to-space) and the first (pt mod s) rows cropped.
 * The in/out channels of the filter are swapped: the conv maps Co channels of dy to s_h·s_w·Ci.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropInputAttrs, Conv2DBackpropInputInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { padOrSame, runWasmKernel, sliceOrSame, transpose, view, zeros, type WasmKernelArgs } from './kernel_utils.js';

interface AxisPlan {
  /** Taps per phase: ⌈k/s⌉. */
  taps: number;
  /** Rows u computed per phase. */
  rows: number;
  /** First row of the interleaved result that is row 0 of dx: pt mod s. */
  offset: number;
  /** Part of dy the phase conv reads, and the zero padding around it. */
  dyBegin: number;
  dyKeep: number;
  padBefore: number;
  padAfter: number;
}

/** Work out one spatial axis. inSize: rows of dx (the forward input); outSize: rows of dy. */
function axisPlan(inSize: number, outSize: number, k: number, s: number, pt: number): AxisPlan {
  const taps = Math.ceil(k / s);
  const uMin = Math.floor(pt / s);
  const rows = Math.floor((inSize - 1 + pt) / s) - uMin + 1;
  // Output row t of a phase reads dy[t + uMin − (taps − 1) + a], a = 0 … taps − 1.
  const before = taps - 1 - uMin;
  const after = rows + uMin - outSize;
  const dyBegin = Math.max(-before, 0);
  const dyKeep = outSize - dyBegin - Math.max(-after, 0);
  return { taps, rows, offset: pt - s * uMin, dyBegin, dyKeep, padBefore: Math.max(before, 0), padAfter: Math.max(after, 0) };
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
    // 1. dy → [B, Ho, Wo, Co]; dx shape [B, H, W, Ci].
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
    const ph = axisPlan(H, outHeight, kh, sh, info.padInfo.top);
    const pw = axisPlan(W, outWidth, kw, sw, info.padInfo.left);
    // The result is never in `temps`; in NCHW its NHWC form is.
    const finish = (dx: TensorInfo): TensorInfo => (nchw ? transpose(backend, own(dx, dy0), [0, 3, 1, 2]) : dx);
    if (ph.dyKeep <= 0 || pw.dyKeep <= 0) {
      // The padding is so large that no tap ever meets dx: the gradient is zero.
      return finish(zeros(backend, [B, H, W, Ci]));
    }

    // 2. Phase filter [Mh, Mw, Co, sh·sw·Ci]: G[a, b, o, (rh, rw, c)] = w[rh + sh(Mh−1−a), rw + sw(Mw−1−b), c, o].
    const wPad = own(padOrSame(backend, filter, [[0, sh * ph.taps - kh], [0, sw * pw.taps - kw], [0, 0], [0, 0]]), filter);
    const wRev = own(
      runWasmKernel('Reverse', backend, { x: view(wPad, [ph.taps, sh, pw.taps, sw * Ci * outChannels]) }, { dims: [0, 2] }),
      wPad,
    );
    const g = own(transpose(backend, view(wRev, [ph.taps, sh, pw.taps, sw, Ci, outChannels]), [0, 2, 5, 1, 3, 4]), wRev);
    const phaseFilter = view(g, [ph.taps, pw.taps, outChannels, sh * sw * Ci]);

    // 3. One stride-1 conv of dy → [B, Nh, Nw, sh·sw·Ci].
    const dyCrop = own(sliceOrSame(backend, dy, [0, ph.dyBegin, pw.dyBegin, 0], [B, ph.dyKeep, pw.dyKeep, outChannels]), dy);
    const phases = own(
      runWasmKernel(
        'Conv2D',
        backend,
        { x: dyCrop, filter: phaseFilter },
        {
          strides: [1, 1],
          pad: [[0, 0], [ph.padBefore, ph.padAfter], [pw.padBefore, pw.padAfter], [0, 0]],
          dataFormat: 'NHWC',
          dilations: [1, 1],
        },
      ),
      dyCrop,
    );

    // 4. Interleave the phases: [B, Nh, Nw, sh, sw, Ci] → [B, Nh, sh, Nw, sw, Ci] = [B, Nh·sh, Nw·sw, Ci].
    const interleaved =
      sh === 1 && sw === 1
        ? phases
        : own(transpose(backend, view(phases, [B, ph.rows, pw.rows, sh, sw, Ci]), [0, 1, 3, 2, 4, 5]), phases);
    const full = view(interleaved, [B, ph.rows * sh, pw.rows * sw, Ci]);

    // 5. Crop to dx [B, H, W, Ci]. When there is nothing to crop, hand out the interleaved data itself.
    const dx = sliceOrSame(backend, full, [0, ph.offset, pw.offset, 0], [B, H, W, Ci]);
    if (dx.dataId === interleaved.dataId) temps.splice(temps.indexOf(interleaved), 1);
    return finish(dx);
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
