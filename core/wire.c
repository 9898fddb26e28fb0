/* wire.c - placeholder until the decoder lands (same session). */
#include "tcpl/wire.h"
