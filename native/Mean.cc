// TF.js kernel Mean over one contiguous block of axes: x [O, R, I] -> [O, I], double accumulators.
#include "elementwise.h"

GF_REDUCE(mean, kMean)
