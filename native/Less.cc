// TF.js kernel Less: bool out = a < b, broadcasting.
#include "elementwise.h"

GF_COMPARE(less, x < y)
