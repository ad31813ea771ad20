// TF.js kernel _FusedMatMul: BatchMatMul, then + bias (length N, or 1) and an activation, in one pass.
#include <cmath>

#include "matmul.h"

// fusedMatMul(a, b, bias | null, c, dims: Int32Array(7), activation code, leakyrelu alpha)
GF_ENTRY(fusedMatMul) {
  gf::argCount(info, 7, "fusedMatMul");
  gf::MatMulDims d = gf::argMatMulDims(info, 4);
  auto a = gf::argF32(info, 0, "a", size_t(d.batchA * d.M * d.K));
  auto b = gf::argF32(info, 1, "b", size_t(d.batchB * d.K * d.N));
  auto bias = gf::argF32OrNull(info, 2, "bias", SIZE_MAX);
  if (bias.data && bias.length != size_t(d.N) && bias.length != 1) {
    gf::fail(info.Env(), "fusedMatMul: bias must have N=" + std::to_string(d.N) + " or 1 elements, has " +
                             std::to_string(bias.length));
  }
  auto c = gf::argF32(info, 3, "c", size_t(d.batch() * d.M * d.N));
  int64_t act = gf::argInt(info, 5, "activation", gf::kLinear, gf::kElu);
  float alpha = float(gf::argNumber(info, 6, "leakyreluAlpha"));
  gf::batchMatMul(d, a.data, b.data, c.data);
  if (!bias.data && act == gf::kLinear) return info.Env().Undefined();
  const int64_t rows = d.batch() * d.M, N = d.N;
  const float* bv = bias.data;
  const bool scalarBias = bias.length == 1;
#pragma omp parallel for if (rows * N > gf::kParallelMin)
  for (int64_t r = 0; r < rows; ++r) {
    float* row = c.data + r * N;
    for (int64_t j = 0; j < N; ++j) {
      float v = row[j] + (bv ? bv[scalarBias ? 0 : j] : 0.f);
      switch (act) {
        case gf::kRelu: v = v > 0.f ? v : 0.f; break;
        case gf::kRelu6: v = v < 0.f ? 0.f : (v > 6.f ? 6.f : v); break;
        case gf::kLeakyRelu: v = v > 0.f ? v : alpha * v; break;
        case gf::kSigmoid: v = 1.f / (1.f + std::exp(-v)); break;
        case gf::kElu: v = v > 0.f ? v : std::expm1(v); break;
        default: break;
      }
      row[j] = v;
    }
  }
  return info.Env().Undefined();
}
