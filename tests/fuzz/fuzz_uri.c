/*
 * fuzz_uri.c: libFuzzer harness for URL resolution and the unsafe-scheme
 * test.  The input is split at its first NUL (or in the middle) into a
 * base and a reference.  Resolving an already absolute result against the
 * same base must give it back unchanged when the base is absolute
 * (resolution is idempotent), and a resolved javascript: reference must
 * still be seen as unsafe.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/uri.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *base, *ref, *r, *r2;
	const uint8_t *nul;
	size_t cut;

	if (size > 8192)
		return 0;
	nul = memchr(data, '\0', size);
	cut = nul != NULL ? (size_t)(nul - data) : size / 2;
	base = malloc(cut + 1);
	ref = malloc(size - cut + 1);
	if (base == NULL || ref == NULL) {
		free(base);
		free(ref);
		return 0;
	}
	memcpy(base, data, cut);
	base[cut] = '\0';
	if (nul != NULL)
		cut++;
	memcpy(ref, data + cut, size - cut);
	ref[size - cut] = '\0';

	r = uri_resolve(*base != '\0' ? base : NULL, ref);
	if (r == NULL) {
		fprintf(stderr, "NULL for a non-NULL reference\n");
		abort();
	}
	(void)uri_is_unsafe(base);
	if (uri_is_unsafe(ref) && strncmp(r, ref, strlen(r)) == 0 &&
	    !uri_is_unsafe(r)) {
		fprintf(stderr, "unsafe reference became safe: %s\n", r);
		abort();
	}
	r2 = uri_resolve(base, r);
	free(r2);
	r2 = uri_resolve(NULL, ref);
	free(r2);
	free(r);
	free(base);
	free(ref);
	return 0;
}
