// TF.js kernel Select: out = condition ? t : e, all of one shape (other shapes stay with the stock kernel).
#include "elementwise.h"

// select(condition: Uint8Array, t, e, out)
GF_ENTRY(select) {
  gf::argCount(info, 4, "select");
  auto t = gf::argF32(info, 1, "t");
  auto c = gf::argU8(info, 0, "condition", t.length);
  auto e = gf::argF32(info, 2, "e", t.length);
  auto out = gf::argF32(info, 3, "out", t.length);
  const uint8_t* cv = c.Data();
  const int64_t n = int64_t(t.length);
#pragma omp parallel for schedule(static) if (n > gf::kParallelMin)
  for (int64_t k = 0; k < n; ++k) out.data[k] = cv[k] ? t.data[k] : e.data[k];
  return info.Env().Undefined();
}
