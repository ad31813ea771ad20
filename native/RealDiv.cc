// TF.js kernel RealDiv: out = a / b, broadcasting (float32).
#include "elementwise.h"

GF_BINARY(realDiv, x / y)
