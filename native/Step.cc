// TF.js kernel Step (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(step, std::isnan(x) ? NAN : (x > 0.f ? 1.f : alpha))
