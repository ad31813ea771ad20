// TF.js kernel Equal: bool out = a == b, broadcasting.
#include "elementwise.h"

GF_COMPARE(equal, x == y)
