// TF.js kernel FusedBatchNorm: out = (x - mean) * scale / sqrt(variance + eps) + offset, each parameter
// indexed modulo its length over the flat x (the stock kernel's rule; per-channel when its length is C).
#include "elementwise.h"

#include <vector>

// fusedBatchNorm(x, mean, variance, offset | null, scale | null, out, epsilon)
GF_ENTRY(fusedBatchNorm) {
  gf::argCount(info, 7, "fusedBatchNorm");
  auto x = gf::argF32(info, 0, "x");
  auto mean = gf::argF32(info, 1, "mean");
  auto var = gf::argF32(info, 2, "variance");
  auto offset = gf::argF32OrNull(info, 3, "offset", SIZE_MAX);
  auto scale = gf::argF32OrNull(info, 4, "scale", SIZE_MAX);
  auto out = gf::argF32(info, 5, "out", x.length);
  const float eps = float(gf::argNumber(info, 6, "epsilon"));
  if (mean.length == 0 || var.length == 0 || (offset.data && offset.length == 0) || (scale.data && scale.length == 0)) {
    gf::fail(info.Env(), "fusedBatchNorm: parameters must not be empty");
  }
  const int64_t n = int64_t(x.length);
  const size_t lm = mean.length, lv = var.length, lo = offset.data ? offset.length : 1, ls = scale.data ? scale.length : 1;
  if (lm == lv && (lo == lm || !offset.data) && (ls == lm || !scale.data) && n % int64_t(lm) == 0) {
    // Per channel: k = scale / sqrt(var + eps) once per channel, then one multiply-add per element.
    const int64_t C = int64_t(lm);
    std::vector<float> k(static_cast<size_t>(C)), b(static_cast<size_t>(C));
    for (int64_t c = 0; c < C; ++c) {
      k[c] = (scale.data ? scale.data[c] : 1.f) / std::sqrt(var.data[c] + eps);
      b[c] = offset.data ? offset.data[c] : 0.f;
    }
    const int64_t rows = n / C;
#pragma omp parallel for schedule(static) if (n > gf::kParallelMin)
    for (int64_t r = 0; r < rows; ++r) {
      const float* xi = x.data + r * C;
      float* oi = out.data + r * C;
      for (int64_t c = 0; c < C; ++c) oi[c] = (xi[c] - mean.data[c]) * k[c] + b[c];
    }
    return info.Env().Undefined();
  }
  for (int64_t i = 0; i < n; ++i) {
    const float s = scale.data ? scale.data[i % ls] : 1.f, o = offset.data ? offset.data[i % lo] : 0.f;
    out.data[i] = (x.data[i] - mean.data[i % lm]) * s / std::sqrt(var.data[i % lv] + eps) + o;
  }
  return info.Env().Undefined();
}
