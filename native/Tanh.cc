// TF.js kernel Tanh (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(tanh, gf::fastTanh(x))
