// Batched sgemm (see matmul.h).
#include "matmul.h"

#include <cblas.h>

namespace gf {

MatMulDims argMatMulDims(const Napi::CallbackInfo& info, size_t i) {
  auto v = argInts(info, i, "matmul dims", MatMulDims::kCount, 0);
  MatMulDims d{v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
  if (d.batchA < 1 || d.batchB < 1 || (d.batchA != d.batchB && d.batchA != 1 && d.batchB != 1)) {
    fail(info.Env(), "matmul: batch sizes " + std::to_string(d.batchA) + " and " + std::to_string(d.batchB) +
                         " do not broadcast");
  }
  if (d.transA > 1 || d.transB > 1) fail(info.Env(), "matmul: transpose flags must be 0 or 1");
  return d;
}

void batchMatMul(const MatMulDims& d, const float* a, const float* b, float* c) {
  const int64_t M = d.M, N = d.N, K = d.K;
  if (K == 0) {
    for (int64_t i = 0; i < d.batch() * M * N; ++i) c[i] = 0.f;
    return;
  }
  if (M == 0 || N == 0) return;
  const int64_t lda = d.transA ? M : K, ldb = d.transB ? K : N;
  for (int64_t i = 0; i < d.batch(); ++i) {
    const float* ai = a + (d.batchA == 1 ? 0 : i * M * K);
    const float* bi = b + (d.batchB == 1 ? 0 : i * K * N);
    sgemm(d.transA != 0, d.transB != 0, M, N, K, ai, lda, bi, ldb, c + i * M * N, N);
  }
}

// OpenBLAS, not dnnl_sgemm: oneDNN 2.6.3's dnnl_sgemm corrupts the heap at some shapes on this machine
// (reproduced: row-major 64x100 * 100x6272, glibc aborts "corrupted size vs. prev_size" a few hundred calls
// later), although its results are right and nothing is written outside C.
void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
           int64_t ldb, float* C, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, int(M), int(N),
              int(K), 1.f, A, int(lda), B, int(ldb), 0.f, C, int(ldc));
}

}  // namespace gf

// Reference sgemm figures for bench/dcgan-step.ts.

// openblasSgemm(a, b, c, M, N, K): c[M, N] = a[M, K] * b[K, N], row-major.
GF_ENTRY(openblasSgemm) {
  gf::argCount(info, 6, "openblasSgemm");
  const int64_t M = gf::argInt(info, 3, "M", 1, 1 << 20), N = gf::argInt(info, 4, "N", 1, 1 << 20),
                K = gf::argInt(info, 5, "K", 1, 1 << 20);
  auto a = gf::argF32(info, 0, "a", size_t(M * K));
  auto b = gf::argF32(info, 1, "b", size_t(K * N));
  auto c = gf::argF32(info, 2, "c", size_t(M * N));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(M), int(N), int(K), 1.f, a.data, int(K), b.data, int(N),
              0.f, c.data, int(N));
  return info.Env().Undefined();
}

// dnnlSgemm(a, b, c, M, N, K): the same with dnnl_sgemm, for the bench's figure only (see sgemm above).
GF_ENTRY(dnnlSgemm) {
  gf::argCount(info, 6, "dnnlSgemm");
  const int64_t M = gf::argInt(info, 3, "M", 1, 1 << 20), N = gf::argInt(info, 4, "N", 1, 1 << 20),
                K = gf::argInt(info, 5, "K", 1, 1 << 20);
  auto a = gf::argF32(info, 0, "a", size_t(M * K));
  auto b = gf::argF32(info, 1, "b", size_t(K * N));
  auto c = gf::argF32(info, 2, "c", size_t(M * N));
  dnnl_sgemm('N', 'N', M, N, K, 1.f, a.data, K, b.data, N, 0.f, c.data, N);
  return info.Env().Undefined();
}
