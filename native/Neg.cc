// TF.js kernel Neg (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(neg, -x)
