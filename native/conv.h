// Cached oneDNN convolution primitives in the three directions, used by Conv2D.cc, FusedConv2D.cc,
// Conv2DBackpropInput.cc and Conv2DBackpropFilter.cc. Activations stay NHWC in user memory, weights HWIO.
// Per shape, the primitive's activation layout (oneDNN's choice, or NHWC) is the faster of the two on the
// first call; weights are always reordered into the primitive's layout (the notes' pitfalls).
#pragma once
#include "common.h"

namespace gf {

// y = act(conv(x, w) + bias); bias may be null.
void convForward(const ConvGeom& g, const float* x, const float* w, const float* bias, float* y, int64_t act,
                 float alpha);
// dx = conv_backward_data(dy, w)
void convBackwardData(const ConvGeom& g, const float* dy, const float* w, float* dx);
// dw = conv_backward_weights(x, dy)
void convBackwardWeights(const ConvGeom& g, const float* x, const float* dy, float* dw);

}  // namespace gf
