/*
 * test_seed.h: the seed of a randomised test.  dflt, or FEEDD_TEST_SEED
 * from the environment, printed on stderr with the test's name either
 * way, so that a failing run can be repeated exactly.
 */
#ifndef TEST_SEED_H
#define TEST_SEED_H

#include <stdio.h>
#include <stdlib.h>

static inline unsigned
test_seed(const char *name, unsigned dflt)
{
	const char *env = getenv("FEEDD_TEST_SEED");
	unsigned seed = dflt;

	if (env != NULL && *env != '\0')
		seed = (unsigned)strtoul(env, NULL, 0);
	fprintf(stderr, "# %s: seed %u (FEEDD_TEST_SEED=%u repeats it)\n",
	    name, seed, seed);
	return seed;
}

#endif
