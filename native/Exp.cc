// TF.js kernel Exp (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(exp, gf::fastExp(x))
