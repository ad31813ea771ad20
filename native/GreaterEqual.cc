// TF.js kernel GreaterEqual: bool out = a >= b, broadcasting.
#include "elementwise.h"

GF_COMPARE(greaterEqual, x >= y)
