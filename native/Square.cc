// TF.js kernel Square (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(square, x * x)
