// Batched sgemm over TF.js row-major buffers (dnnl_sgemm), shared by BatchMatMul.cc and _FusedMatMul.cc.
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

}  // namespace gf
