// TF.js kernel Add: out = a + b, broadcasting (float32).
#include "elementwise.h"

GF_BINARY(add, x + y)
