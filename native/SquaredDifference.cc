// TF.js kernel SquaredDifference: out = (a - b)^2, broadcasting (float32).
#include "elementwise.h"

GF_BINARY(squaredDifference, (x - y) * (x - y))
