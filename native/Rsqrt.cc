// TF.js kernel Rsqrt (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(rsqrt, 1.f / std::sqrt(x))
