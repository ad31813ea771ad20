// TF.js kernel Greater: bool out = a > b, broadcasting.
#include "elementwise.h"

GF_COMPARE(greater, x > y)
