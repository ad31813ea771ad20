// TF.js kernel Minimum: out = min(a, b), NaN-propagating, broadcasting (float32).
#include "elementwise.h"

GF_BINARY(minimum, (std::isnan(x) || std::isnan(y)) ? NAN : (x < y ? x : y))
