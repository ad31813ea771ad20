// TF.js kernel Abs (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(abs, std::fabs(x))
