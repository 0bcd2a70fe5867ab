/*
 * fuzz_date.c: libFuzzer harness for the date parser.  Whatever
 * date_parse() accepts must format back as RFC 3339, and reading that
 * output again must give the same instant (a round trip), so a date that
 * is accepted but mangled is caught as well as a crash.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/date.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[DATE_RFC3339_LEN], out822[DATE_RFC822_LEN];
	int64_t t, t2;
	char *s;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (date_parse(s, &t) == 0) {
		date_format_rfc3339(t, out);
		date_format_rfc822(t, out822);
		if (date_parse(out, &t2) != 0 || t2 != t) {
			fprintf(stderr, "round trip: [%s] -> %s\n", s, out);
			abort();
		}
	}
	free(s);
	return 0;
}
