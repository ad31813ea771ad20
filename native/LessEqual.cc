// TF.js kernel LessEqual: bool out = a <= b, broadcasting.
#include "elementwise.h"

GF_COMPARE(lessEqual, x <= y)
