// TF.js kernel Expm1 (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(expm1, std::expm1(x))
