// TF.js kernel Tile: out[i] = x[i mod x.shape] per dim, rank <= 6 (padded with leading 1s).
#include <cstring>

#include "elementwise.h"

// tile(x, out, layout: Int32Array[outShape x6, inShape x6])
GF_ENTRY(tile) {
  gf::argCount(info, 3, "tile");
  auto v = gf::argInts(info, 2, "layout", 2 * gf::kRank, 1);
  int64_t outShape[gf::kRank], inShape[gf::kRank], inStride[gf::kRank];
  int64_t outSize = 1, inSize = 1;
  for (int d = 0; d < gf::kRank; ++d) {
    outShape[d] = v[d];
    inShape[d] = v[gf::kRank + d];
    if (outShape[d] % inShape[d] != 0) gf::fail(info.Env(), "tile: output dims must be multiples of input dims");
    outSize *= outShape[d];
    inSize *= inShape[d];
  }
  for (int d = gf::kRank - 1, s = 1; d >= 0; --d) {
    inStride[d] = s;
    s *= int(inShape[d]);
  }
  auto x = gf::argF32(info, 0, "x", size_t(inSize));
  auto out = gf::argF32(info, 1, "out", size_t(outSize));
  const int64_t inner = outShape[gf::kRank - 1], inInner = inShape[gf::kRank - 1];
  const int64_t rows = outSize / inner;
#pragma omp parallel for schedule(static) if (outSize > gf::kParallelMin)
  for (int64_t r = 0; r < rows; ++r) {
    int64_t rem = r, off = 0;
    for (int d = gf::kRank - 2; d >= 0; --d) {
      off += ((rem % outShape[d]) % inShape[d]) * inStride[d];
      rem /= outShape[d];
    }
    const float* src = x.data + off;
    float* dst = out.data + r * inner;
    for (int64_t k = 0; k < inner; k += inInner) std::memcpy(dst + k, src, size_t(inInner) * sizeof(float));
  }
  return info.Env().Undefined();
}
