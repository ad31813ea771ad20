// TF.js kernel BatchMatMul: c[batch, M, N] = a x b with optional transposes and batch-1 broadcasting.
#include "matmul.h"

// batchMatMul(a, b, c, dims: Int32Array[batchA, batchB, M, N, K, transposeA, transposeB])
GF_ENTRY(batchMatMul) {
  gf::argCount(info, 4, "batchMatMul");
  gf::MatMulDims d = gf::argMatMulDims(info, 3);
  auto a = gf::argF32(info, 0, "a", size_t(d.batchA * d.M * d.K));
  auto b = gf::argF32(info, 1, "b", size_t(d.batchB * d.K * d.N));
  auto c = gf::argF32(info, 2, "c", size_t(d.batch() * d.M * d.N));
  gf::batchMatMul(d, a.data, b.data, c.data);
  return info.Env().Undefined();
}
