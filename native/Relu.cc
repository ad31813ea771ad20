// TF.js kernel Relu (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(relu, std::isnan(x) ? x : (x > 0.f ? x : 0.f))
