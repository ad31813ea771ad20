// TF.js kernel Multiply: out = a * b, broadcasting (float32).
#include "elementwise.h"

GF_BINARY(multiply, x * y)
