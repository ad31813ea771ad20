// Elementwise, broadcasting and reduction loops shared by the per-kernel files (Add.cc, Tanh.cc, Sum.cc, ...).
// Shapes come from TypeScript already broadcast and coalesced to at most 6 dims (padded with 1s in front);
// broadcasting is a stride of 0. Large loops run on all cores (OpenMP).
#pragma once
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common.h"

namespace gf {

constexpr int kRank = 6;

// [shape x6, stridesA x6, stridesB x6] as sent by src/backend/native/elementwise.ts.
struct BinaryLayout {
  int64_t shape[kRank], sa[kRank], sb[kRank];
  int64_t size() const {
    int64_t n = 1;
    for (int d = 0; d < kRank; ++d) n *= shape[d];
    return n;
  }
};

BinaryLayout argBinaryLayout(const Napi::CallbackInfo& info, size_t i, size_t aLen, size_t bLen);
Napi::Uint8Array argU8(const Napi::CallbackInfo& info, size_t i, const char* name, size_t expected);

// Runs f(outIndex, aOffset, bOffset, count, aStep, bStep) over contiguous runs of the innermost dim, split
// across threads (rows, and chunks of long rows).
template <class F>
void forRuns(const BinaryLayout& L, F f) {
  const int64_t inner = L.shape[kRank - 1];
  int64_t rows = 1;
  for (int d = 0; d < kRank - 1; ++d) rows *= L.shape[d];
  const int64_t total = rows * inner;
  if (total == 0) return;
  const int threads = omp_get_max_threads();
  int64_t chunk = inner;
  if (total > kParallelMin && rows < 4 * threads) chunk = std::max<int64_t>(4096, (inner + 4 * threads - 1) / (4 * threads));
  const int64_t chunksPerRow = (inner + chunk - 1) / chunk;
  const int64_t items = rows * chunksPerRow;
#pragma omp parallel for schedule(static) if (total > kParallelMin)
  for (int64_t it = 0; it < items; ++it) {
    int64_t r = it / chunksPerRow, c0 = (it % chunksPerRow) * chunk;
    int64_t offA = 0, offB = 0, rem = r;
    for (int d = kRank - 2; d >= 0; --d) {
      int64_t idx = rem % L.shape[d];
      rem /= L.shape[d];
      offA += idx * L.sa[d];
      offB += idx * L.sb[d];
    }
    const int64_t n = std::min(chunk, inner - c0);
    f(r * inner + c0, offA + c0 * L.sa[kRank - 1], offB + c0 * L.sb[kRank - 1], n, L.sa[kRank - 1], L.sb[kRank - 1]);
  }
}

// Inner runs as plain functions over restrict pointers, so that GCC vectorizes them (inside the OpenMP
// outlined body it does not).
template <class T, class Op>
inline void runVV(const float* __restrict a, const float* __restrict b, T* __restrict o, int64_t n, Op op) {
  for (int64_t k = 0; k < n; ++k) o[k] = op(a[k], b[k]);
}
template <class T, class Op>
inline void runVS(const float* __restrict a, float b, T* __restrict o, int64_t n, Op op) {
  for (int64_t k = 0; k < n; ++k) o[k] = op(a[k], b);
}
template <class T, class Op>
inline void runSV(float a, const float* __restrict b, T* __restrict o, int64_t n, Op op) {
  for (int64_t k = 0; k < n; ++k) o[k] = op(a, b[k]);
}

template <class T, class Op>
void binaryLoop(const BinaryLayout& L, const float* a, const float* b, T* out, Op op) {
  forRuns(L, [&](int64_t o, int64_t ia, int64_t ib, int64_t n, int64_t sa, int64_t sb) {
    const float* pa = a + ia;
    const float* pb = b + ib;
    T* po = out + o;
    if (sa == 1 && sb == 1) runVV(pa, pb, po, n, op);
    else if (sa == 1 && sb == 0) runVS(pa, pb[0], po, n, op);
    else if (sa == 0 && sb == 1) runSV(pa[0], pb, po, n, op);
    else for (int64_t k = 0; k < n; ++k) po[k] = op(pa[k * sa], pb[k * sb]);
  });
}

template <class Op>
inline void runUnary(const float* __restrict x, float* __restrict out, int64_t n, Op op) {
  for (int64_t k = 0; k < n; ++k) out[k] = op(x[k]);
}

template <class Op>
void unaryLoop(const float* x, float* out, int64_t n, Op op) {
  if (n <= kParallelMin) {
    runUnary(x, out, n, op);
    return;
  }
#pragma omp parallel
  {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t lo = n * t / nt, hi = n * (t + 1) / nt;
    runUnary(x + lo, out + lo, hi - lo, op);
  }
}

// exp(x) in float, branch-free so loops over it vectorize (libm's expf/tanhf do not): x = n·ln2 + r with
// |r| <= ln2/2 (ln2 split in two for the reduction), e^r by its Taylor series to r^7 (error < 1e-8), 2^n
// from the exponent bits. Relative error ~2 ulp; overflow gives inf, NaN stays NaN.
inline float fastExp(float x) {
  // Written with ternaries and int conversions only (fmin/floor/copysign keep GCC from vectorizing).
  const float xc = x < -87.33654f ? -87.33654f : (x > 88.72283f ? 88.72283f : x);
  const float t = xc * 1.44269504f;
  const int32_t ni = int32_t(t < 0.f ? t - 0.5f : t + 0.5f);  // round half away from zero
  const float n = float(ni);
  const float r = (xc - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.f / 5040.f;
  p = p * r + 1.f / 720.f;
  p = p * r + 1.f / 120.f;
  p = p * r + 1.f / 24.f;
  p = p * r + 1.f / 6.f;
  p = p * r + 0.5f;
  p = p * r + 1.f;
  p = p * r + 1.f;
  const int32_t bits = (ni + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  const float y = p * scale;
  return x != x ? x : (x > 88.72283f ? INFINITY : y);
}

// tanh(x) = sign(x)·(1 − 2/(e^{2|x|} + 1)); absolute error ~1e-7.
inline float fastTanh(float x) {
  const float a = x < 0.f ? -x : x;
  const float t = 1.f - 2.f / (fastExp(2.f * a) + 1.f);
  return x != x ? x : (x < 0.f ? -t : t);
}

enum class Reduce { kSum, kMean, kMax, kMin, kProd };

// out[o, i] = reduce_r x[o, r, i]
void reduceLoop(Reduce kind, const float* x, float* out, int64_t O, int64_t R, int64_t I);

Napi::Value binaryEntry(const Napi::CallbackInfo& info, const char* name,
                        void (*run)(const BinaryLayout&, const float*, const float*, float*));
Napi::Value compareEntry(const Napi::CallbackInfo& info, const char* name,
                         void (*run)(const BinaryLayout&, const float*, const float*, uint8_t*));
Napi::Value unaryEntry(const Napi::CallbackInfo& info, const char* name,
                       void (*run)(const float*, float*, int64_t, float));
Napi::Value reduceEntry(const Napi::CallbackInfo& info, const char* name, Reduce kind);

}  // namespace gf

// name(a, b, out, layout: Int32Array(18)): out = EXPR over broadcast a, b.
#define GF_BINARY(name, EXPR)                                                                        \
  static void name##_run(const gf::BinaryLayout& L, const float* a, const float* b, float* out) {   \
    gf::binaryLoop<float>(L, a, b, out, [](float x, float y) -> float { return EXPR; });             \
  }                                                                                                 \
  GF_ENTRY(name) { return gf::binaryEntry(info, #name, name##_run); }

// name(a, b, out: Uint8Array, layout): out = EXPR ? 1 : 0.
#define GF_COMPARE(name, EXPR)                                                                        \
  static void name##_run(const gf::BinaryLayout& L, const float* a, const float* b, uint8_t* out) {  \
    gf::binaryLoop<uint8_t>(L, a, b, out, [](float x, float y) -> uint8_t { return (EXPR) ? 1 : 0; }); \
  }                                                                                                  \
  GF_ENTRY(name) { return gf::compareEntry(info, #name, name##_run); }

// name(x, out, alpha): out = EXPR of x (alpha: the kernel's scalar attribute, when it has one).
#define GF_UNARY(name, EXPR)                                                           \
  static void name##_run(const float* in, float* out, int64_t n, float alpha) {         \
    (void)alpha;                                                                        \
    gf::unaryLoop(in, out, n, [alpha](float x) -> float { (void)alpha; return EXPR; }); \
  }                                                                                     \
  GF_ENTRY(name) { return gf::unaryEntry(info, #name, name##_run); }

// name(x, out, dims: Int32Array[O, R, I]).
#define GF_REDUCE(name, KIND) \
  GF_ENTRY(name) { return gf::reduceEntry(info, #name, gf::Reduce::KIND); }
