/* engine.c - placeholder until the engine lands (same session). */
#include "tcpl/tcpl.h"
