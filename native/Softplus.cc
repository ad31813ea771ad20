// TF.js kernel Softplus (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(softplus, x > 13.942385f ? x : (x < -13.942385f ? std::exp(x) : std::log1p(std::exp(x))))
