// TF.js kernel Reciprocal (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(reciprocal, 1.f / x)
