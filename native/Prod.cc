// TF.js kernel Prod over one contiguous block of axes: x [O, R, I] -> [O, I], double accumulators.
#include "elementwise.h"

GF_REDUCE(prod, kProd)
