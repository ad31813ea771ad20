// TF.js kernel Sigmoid (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(sigmoid, 1.f / (1.f + gf::fastExp(-x)))
