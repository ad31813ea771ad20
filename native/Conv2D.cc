// TF.js kernel Conv2D: NHWC x [N,H,W,C] * HWIO filter [KH,KW,C,O] -> y [N,OH,OW,O] via oneDNN.
#include "conv.h"

// conv2d(x, filter, y, geom: Int32Array(17))
GF_ENTRY(conv2d) {
  gf::argCount(info, 4, "conv2d");
  gf::ConvGeom g = gf::argGeom(info, 3);
  auto x = gf::argF32(info, 0, "x", g.inSize());
  auto w = gf::argF32(info, 1, "filter", g.filterSize());
  auto y = gf::argF32(info, 2, "y", g.outSize());
  gf::convForward(g, x.data, w.data, nullptr, y.data, gf::kLinear, 0.f);
  return info.Env().Undefined();
}
