// TF.js kernel Elu (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(elu, x >= 0.f ? x : std::expm1(x))
