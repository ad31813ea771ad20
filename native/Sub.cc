// TF.js kernel Sub: out = a - b, broadcasting (float32).
#include "elementwise.h"

GF_BINARY(sub, x - y)
