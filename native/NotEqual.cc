// TF.js kernel NotEqual: bool out = a != b, broadcasting.
#include "elementwise.h"

GF_COMPARE(notEqual, x != y)
