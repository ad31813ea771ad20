/**
 * Conv2DBackpropFilter for the TF.js wasm backend, which has none: the filter gradient of a 2-D convolution,
 * computed as one XNNPACK Conv2D.
 *
 * For a forward conv y = conv(x, w) with stride s and top/left padding pt/pl,
 *   dw[p, q, c, o] = Σ_{b, i, j} x[b, i·s − pt + p, j·s − pl + q, c] · dy[b, i, j, o].
 * Read c as the batch, b as the input channel and dy as a filter dilated by s:
 *   dw = transpose(conv(x → [Ci, H, W, B], dy → [Ho, Wo, B, Co], stride 1, dilation s), [kh, kw, Ci, Co]),
 * with top padding pt and a bottom padding (possibly negative: a crop) chosen so that the output is exactly
 * kh × kw. NCHW inputs are transposed to NHWC first.
 *
 * With few input channels (kh·kw·Ci ≤ 128, e.g. a discriminator's first layer on 1-channel images) that conv
 * has only kh·kw·Ci output pixels and runs ~10× below XNNPACK's rate, so there the patches are gathered into
 * a [B·Ho·Wo, kh·kw·Ci] matrix with one typed-array loop over the wasm heap (im2col) and dw is one matmul
 * with dy [B·Ho·Wo, Co].
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropFilterInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { crop, runWasmKernel, transpose, view, type WasmKernelArgs } from './kernel_utils.js';

/** Per spatial axis: how much of the input to keep and how to pad it so the dilated conv yields k taps. */
function axisPlan(inSize: number, outSize: number, k: number, stride: number, padBefore: number) {
  // Rows of x read by the forward conv, in padded coordinates: 0 … (outSize−1)·stride + k − 1.
  const padAfter = (outSize - 1) * stride + k - padBefore - inSize;
  return { keep: inSize + Math.min(padAfter, 0), padBefore, padAfter: Math.max(padAfter, 0) };
}

/** Largest kh·kw·Ci for the im2col route. */
const IM2COL_MAX_ROWS = 128;

/**
 * dw = (dyᵀ · patches)ᵀ: patches [B·Ho·Wo, kh·kw·Ci] gathered on the wasm heap. XNNPACK packs the right-hand
 * operand of a matmul on every call (tensors are new each step), so the small patches matrix goes there and
 * the larger dy is transposed instead: ~1.6× faster than patchesᵀ · dy.
 */
function im2colFilterGrad(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const K = kh * kw * Ci;
  const n = B * Ho * Wo;
  const temps: TensorInfo[] = [];
  try {
    const dyT = transpose(backend, view(dy, [n, Co]), [1, 0]); // [Co, n]
    temps.push(dyT);
    const patches = backend.makeOutput([n, K], 'float32');
    temps.push(patches);
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(patches);
    let i = 0;
    for (let b = 0; b < B; b++) {
      for (let y = 0; y < Ho; y++) {
        for (let xo = 0; xo < Wo; xo++) {
          for (let p = 0; p < kh; p++) {
            const row = y * sh - pt + p;
            for (let q = 0; q < kw; q++) {
              const col = xo * sw - pl + q;
              if (row < 0 || row >= H || col < 0 || col >= W) {
                dst.fill(0, i, i + Ci); // a tap in the padding
                i += Ci;
                continue;
              }
              const base = ((b * H + row) * W + col) * Ci;
              for (let c = 0; c < Ci; c++) dst[i++] = src[base + c];
            }
          }
        }
      }
    }
    const dwT = runWasmKernel('BatchMatMul', backend, { a: view(dyT, [1, Co, n]), b: view(patches, [1, n, K]) }, { transposeA: false, transposeB: false });
    temps.push(dwT);
    return view(transpose(backend, view(dwT, [Co, K]), [1, 0]), [kh, kw, Ci, Co]);
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

export function conv2DBackpropFilter(args: WasmKernelArgs<Conv2DBackpropFilterInputs, Conv2DBackpropFilterAttrs>): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const nchw = dataFormat === 'NCHW';
  if (dataFormat !== 'NHWC' && !nchw) {
    throw new Error(`wasm Conv2DBackpropFilter: dataFormat must be 'NHWC' or 'NCHW', got '${String(dataFormat)}'`);
  }
  const temps: TensorInfo[] = [];
  const keep = (t: TensorInfo, from: TensorInfo): TensorInfo => {
    if (t.dataId !== from.dataId) temps.push(t);
    return t;
  };
  try {
    // 1. Bring x [B, H, W, Ci] and dy [B, Ho, Wo, Co] into NHWC.
    const x0 = inputs.x as TensorInfo;
    const dy0 = inputs.dy as TensorInfo;
    const x = nchw ? keep(transpose(backend, x0, [0, 2, 3, 1]), x0) : x0;
    const dy = nchw ? keep(transpose(backend, dy0, [0, 2, 3, 1]), dy0) : dy0;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { batchSize, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
    if (dy.shape[1] !== outHeight || dy.shape[2] !== outWidth || dy.shape[3] !== outChannels) {
      throw new Error(
        `wasm Conv2DBackpropFilter: dy has shape [${dy.shape}], expected [${batchSize},${outHeight},${outWidth},${outChannels}] for x [${x.shape}] and filter [${filterShape}]`,
      );
    }
    if (filterHeight * filterWidth * inChannels <= IM2COL_MAX_ROWS) {
      return im2colFilterGrad(backend, x, dy, info);
    }
    const h = axisPlan(inHeight, outHeight, filterHeight, info.strideHeight, info.padInfo.top);
    const w = axisPlan(inWidth, outWidth, filterWidth, info.strideWidth, info.padInfo.left);

    // 2. x → [Ci, H', W', B], cropped where the forward conv never reads it.
    const xCrop = keep(crop(backend, x, [0, 0, 0, 0], [batchSize, h.keep, w.keep, inChannels]), x);
    const xT = keep(transpose(backend, xCrop, [3, 1, 2, 0]), xCrop);
    // 3. dy → filter [Ho, Wo, B, Co].
    const dyT = keep(transpose(backend, dy, [1, 2, 0, 3]), dy);
    // 4. One stride-1 conv dilated by the forward stride → [Ci, kh, kw, Co].
    const paddings: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [h.padBefore, h.padAfter],
      [w.padBefore, w.padAfter],
      [0, 0],
    ];
    const out = keep(
      runWasmKernel(
        'Conv2D',
        backend,
        { x: xT, filter: dyT },
        { strides: [1, 1], pad: paddings, dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] },
      ),
      xT,
    );
    // 5. [Ci, kh, kw, Co] → [kh, kw, Ci, Co].
    return transpose(backend, out, [1, 2, 0, 3]);
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
