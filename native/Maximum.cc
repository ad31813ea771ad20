// TF.js kernel Maximum: out = max(a, b), NaN-propagating, broadcasting (float32).
#include "elementwise.h"

GF_BINARY(maximum, (std::isnan(x) || std::isnan(y)) ? NAN : (x > y ? x : y))
