// TF.js kernel LeakyRelu (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(leakyRelu, x < 0.f ? alpha * x : x)
