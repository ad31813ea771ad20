// Batched sgemm over TF.js row-major buffers (OpenBLAS), shared by BatchMatMul.cc, _FusedMatMul.cc and the
// im2col variant of conv.cc.
#pragma once
#include "common.h"

namespace gf {

struct MatMulDims {
  int64_t batchA, batchB, M, N, K, transA, transB;
  static constexpr size_t kCount = 7;
  int64_t batch() const { return batchA > batchB ? batchA : batchB; }
};
MatMulDims argMatMulDims(const Napi::CallbackInfo& info, size_t i);
// c[batch, M, N] = op(a)[M, K] * op(b)[K, N] per batch; a batch of 1 broadcasts.
void batchMatMul(const MatMulDims& d, const float* a, const float* b, float* c);
// C[M, N] = op(A) * op(B), row-major.
void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
           int64_t ldb, float* C, int64_t ldc);

}  // namespace gf
