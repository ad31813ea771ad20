// TF.js kernel FusedConv2D: Conv2D with a per-channel bias and an activation fused as oneDNN post-ops.
#include "conv.h"

// fusedConv2d(x, filter, bias | null, y, geom: Int32Array(17), activation code, leakyrelu alpha)
GF_ENTRY(fusedConv2d) {
  gf::argCount(info, 7, "fusedConv2d");
  gf::ConvGeom g = gf::argGeom(info, 4);
  auto x = gf::argF32(info, 0, "x", g.inSize());
  auto w = gf::argF32(info, 1, "filter", g.filterSize());
  auto b = gf::argF32OrNull(info, 2, "bias", size_t(g.O));
  auto y = gf::argF32(info, 3, "y", g.outSize());
  int64_t act = gf::argInt(info, 5, "activation", gf::kLinear, gf::kElu);
  float alpha = float(gf::argNumber(info, 6, "leakyreluAlpha"));
  gf::convForward(g, x.data, w.data, b.data, y.data, act, alpha);
  return info.Env().Undefined();
}
