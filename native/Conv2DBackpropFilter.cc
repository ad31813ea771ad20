// TF.js kernel Conv2DBackpropFilter: dW [KH,KW,C,O] from x [N,H,W,C] and dy [N,OH,OW,O].
#include "conv.h"

// conv2dBackpropFilter(x, dy, dw, geom: Int32Array(17)); geom is the forward convolution's.
GF_ENTRY(conv2dBackpropFilter) {
  gf::argCount(info, 4, "conv2dBackpropFilter");
  gf::ConvGeom g = gf::argGeom(info, 3);
  auto x = gf::argF32(info, 0, "x", g.inSize());
  auto dy = gf::argF32(info, 1, "dy", g.outSize());
  auto dw = gf::argF32(info, 2, "dw", g.filterSize());
  gf::convBackwardWeights(g, x.data, dy.data, dw.data);
  return info.Env().Undefined();
}
