/*
 * metrics.c: the process-wide counters (see metrics.h).
 */
#include "metrics.h"

struct metrics metrics;
