// TF.js kernel Conv2DBackpropInput (also Conv2DTranspose): dx [N,H,W,C] from dy [N,OH,OW,O] and HWIO filter.
#include "conv.h"

// conv2dBackpropInput(dy, filter, dx, geom: Int32Array(17)); geom is the forward convolution's.
GF_ENTRY(conv2dBackpropInput) {
  gf::argCount(info, 4, "conv2dBackpropInput");
  gf::ConvGeom g = gf::argGeom(info, 3);
  auto dy = gf::argF32(info, 0, "dy", g.outSize());
  auto w = gf::argF32(info, 1, "filter", g.filterSize());
  auto dx = gf::argF32(info, 2, "dx", g.inSize());
  gf::convBackwardData(g, dy.data, w.data, dx.data);
  return info.Env().Undefined();
}
