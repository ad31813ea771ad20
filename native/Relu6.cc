// TF.js kernel Relu6 (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(relu6, std::isnan(x) ? x : (x < 0.f ? 0.f : (x > 6.f ? 6.f : x)))
