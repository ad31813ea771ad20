// Argument checks and the reduction loop behind elementwise.h.
#include "elementwise.h"

#include <limits>
#include <vector>

namespace gf {

BinaryLayout argBinaryLayout(const Napi::CallbackInfo& info, size_t i, size_t aLen, size_t bLen) {
  auto v = argInts(info, i, "layout", 3 * kRank, 0);
  BinaryLayout L;
  int64_t maxA = 0, maxB = 0;
  for (int d = 0; d < kRank; ++d) {
    L.shape[d] = v[d];
    L.sa[d] = v[kRank + d];
    L.sb[d] = v[2 * kRank + d];
    if (L.shape[d] > 0) {
      maxA += (L.shape[d] - 1) * L.sa[d];
      maxB += (L.shape[d] - 1) * L.sb[d];
    }
  }
  if (L.size() > 0 && (size_t(maxA) >= aLen || size_t(maxB) >= bLen)) {
    fail(info.Env(), "layout reads past an input (a has " + std::to_string(aLen) + ", b has " + std::to_string(bLen) +
                         " elements)");
  }
  return L;
}

Napi::Uint8Array argU8(const Napi::CallbackInfo& info, size_t i, const char* name, size_t expected) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    fail(info.Env(), std::string(name) + " must be a Uint8Array");
  }
  auto a = v.As<Napi::Uint8Array>();
  if (a.ElementLength() != expected) {
    fail(info.Env(), std::string(name) + " must have " + std::to_string(expected) + " elements, has " +
                         std::to_string(a.ElementLength()));
  }
  return a;
}

Napi::Value binaryEntry(const Napi::CallbackInfo& info, const char* name,
                        void (*run)(const BinaryLayout&, const float*, const float*, float*)) {
  argCount(info, 4, name);
  auto a = argF32(info, 0, "a");
  auto b = argF32(info, 1, "b");
  BinaryLayout L = argBinaryLayout(info, 3, a.length, b.length);
  auto out = argF32(info, 2, "out", size_t(L.size()));
  run(L, a.data, b.data, out.data);
  return info.Env().Undefined();
}

Napi::Value compareEntry(const Napi::CallbackInfo& info, const char* name,
                         void (*run)(const BinaryLayout&, const float*, const float*, uint8_t*)) {
  argCount(info, 4, name);
  auto a = argF32(info, 0, "a");
  auto b = argF32(info, 1, "b");
  BinaryLayout L = argBinaryLayout(info, 3, a.length, b.length);
  auto out = argU8(info, 2, "out", size_t(L.size()));
  run(L, a.data, b.data, out.Data());
  return info.Env().Undefined();
}

Napi::Value unaryEntry(const Napi::CallbackInfo& info, const char* name,
                       void (*run)(const float*, float*, int64_t, float)) {
  argCount(info, 3, name);
  auto x = argF32(info, 0, "x");
  auto out = argF32(info, 1, "out", x.length);
  float alpha = float(argNumber(info, 2, "alpha"));
  run(x.data, out.data, int64_t(x.length), alpha);
  return info.Env().Undefined();
}

namespace {

// The accumulation rule as a compile-time parameter, so the inner loops have no branch and vectorize.
template <Reduce K>
struct Acc {
  static double init() {
    if constexpr (K == Reduce::kMax) return -std::numeric_limits<double>::infinity();
    if constexpr (K == Reduce::kMin) return std::numeric_limits<double>::infinity();
    if constexpr (K == Reduce::kProd) return 1.0;
    return 0.0;
  }
  static double add(double acc, double v) {
    if constexpr (K == Reduce::kMax) return (v > acc || v != v) ? v : acc;
    if constexpr (K == Reduce::kMin) return (v < acc || v != v) ? v : acc;
    if constexpr (K == Reduce::kProd) return acc * v;
    return acc + v;
  }
  static float finish(double acc, int64_t R) { return float(K == Reduce::kMean ? acc / double(R) : acc); }
};

template <Reduce K>
inline void accumulateRow(double* __restrict buf, const float* __restrict p, int64_t I) {
  for (int64_t i = 0; i < I; ++i) buf[i] = Acc<K>::add(buf[i], p[i]);
}

template <Reduce K>
void reduceImpl(const float* x, float* out, int64_t O, int64_t R, int64_t I) {
  using A = Acc<K>;
  const int threads = omp_get_max_threads();
  const bool par = O * R * I > kParallelMin;
  if (I == 1 && (O >= threads || !par)) {
#pragma omp parallel for schedule(static) if (par)
    for (int64_t o = 0; o < O; ++o) {
      const float* p = x + o * R;
      double s = A::init();
      for (int64_t r = 0; r < R; ++r) s = A::add(s, p[r]);
      out[o] = A::finish(s, R);
    }
    return;
  }
  if (O >= threads || !par) {
    // Each thread owns whole rows o: accumulate the R slices of I values into a double buffer.
#pragma omp parallel if (par)
    {
      std::vector<double> buf(static_cast<size_t>(I));
#pragma omp for schedule(static)
      for (int64_t o = 0; o < O; ++o) {
        std::fill(buf.begin(), buf.end(), A::init());
        for (int64_t r = 0; r < R; ++r) accumulateRow<K>(buf.data(), x + (o * R + r) * I, I);
        for (int64_t i = 0; i < I; ++i) out[o * I + i] = A::finish(buf[i], R);
      }
    }
    return;
  }
  // Few rows: split R across threads, one partial buffer per thread, combined in thread order.
  std::vector<std::vector<double>> partial(static_cast<size_t>(threads), std::vector<double>(static_cast<size_t>(I)));
  for (int64_t o = 0; o < O; ++o) {
    for (auto& p : partial) std::fill(p.begin(), p.end(), A::init());
#pragma omp parallel num_threads(threads)
    {
      const int t = omp_get_thread_num(), nt = omp_get_num_threads();
      double* buf = partial[size_t(t)].data();
      const int64_t r0 = R * t / nt, r1 = R * (t + 1) / nt;
      if (I == 1) {
        double s = buf[0];
        for (int64_t r = r0; r < r1; ++r) s = A::add(s, x[o * R + r]);
        buf[0] = s;
      } else {
        for (int64_t r = r0; r < r1; ++r) accumulateRow<K>(buf, x + (o * R + r) * I, I);
      }
    }
    for (int64_t i = 0; i < I; ++i) {
      double s = partial[0][i];
      // Sums (and means) of partials add; max/min/prod fold with the same rule as elements.
      for (int t = 1; t < threads; ++t) s = A::add(s, partial[t][i]);
      out[o * I + i] = A::finish(s, R);
    }
  }
}

}  // namespace

void reduceLoop(Reduce kind, const float* x, float* out, int64_t O, int64_t R, int64_t I) {
  switch (kind) {
    case Reduce::kSum: return reduceImpl<Reduce::kSum>(x, out, O, R, I);
    case Reduce::kMean: return reduceImpl<Reduce::kMean>(x, out, O, R, I);
    case Reduce::kMax: return reduceImpl<Reduce::kMax>(x, out, O, R, I);
    case Reduce::kMin: return reduceImpl<Reduce::kMin>(x, out, O, R, I);
    case Reduce::kProd: return reduceImpl<Reduce::kProd>(x, out, O, R, I);
  }
}

Napi::Value reduceEntry(const Napi::CallbackInfo& info, const char* name, Reduce kind) {
  argCount(info, 3, name);
  auto dims = argInts(info, 2, "dims", 3, 1);
  auto x = argF32(info, 0, "x", size_t(dims[0] * dims[1] * dims[2]));
  auto out = argF32(info, 1, "out", size_t(dims[0] * dims[2]));
  reduceLoop(kind, x.data, out.data, dims[0], dims[1], dims[2]);
  return info.Env().Undefined();
}

}  // namespace gf
