// TF.js kernel Log (float32), elementwise on all cores.
#include "elementwise.h"

GF_UNARY(log, std::log(x))
