// TF.js kernel Log1p (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(log1p, std::log1p(x))
