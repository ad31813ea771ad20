// TF.js kernel Sqrt (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(sqrt, std::sqrt(x))
