/*
 * fuzz_extract.c: libFuzzer harness for the article extractor, the whole
 * path from bytes to result (charset decoding and sniffing, the capped
 * tree, metadata and JSON-LD, scoring, clean-up, the sanitizer).  The
 * first input byte picks the HTTP charset and whether there is a base URL.
 * Checks beyond "no crash, no leak, no UB": a failure has a one-line
 * reason and no result; a result has either content and text or a reason,
 * never both; every string is valid UTF-8 and non-empty; no <script
 * survives in the content.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/extract.h"
#include "parsers/feed.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k, len;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			len = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			len = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			len = 4;
		else
			return 0;
		for (k = 1; k < len; k++)
			if ((p[k] & 0xc0) != 0x80)
				return 0;
		p += len;
	}
	return 1;
}

static void
check(const char *what, const char *s)
{
	if (s == NULL)
		return;
	if (*s == '\0' || !valid_utf8(s)) {
		fprintf(stderr, "%s: empty or not UTF-8: [%s]\n", what, s);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const charsets[] = { NULL, "utf-8",
	    "windows-1252", "koi8-r", "shift_jis", "utf-16", "bogus-label",
	    "iso-8859-2" };
	static int init;
	struct extract_opts o;
	struct extract_result r;
	char *err = NULL, *low, *p;

	if (!init) {
		feed_init();
		init = 1;
	}
	if (size < 1 || size > 1 << 20)
		return 0;
	memset(&o, 0, sizeof(o));
	o.charset = charsets[data[0] & 7];
	o.url = data[0] & 8 ? "https://example.com/a/b.html?c#d" : NULL;
	if (extract_page((const char *)data + 1, size - 1, &o, &r,
	    &err) == -1) {
		if (err == NULL || *err == '\0' || strchr(err, '\n') != NULL)
			abort();
		free(err);
		return 0;
	}
	if (err != NULL)
		abort();
	if ((r.content == NULL) != (r.text == NULL) ||
	    (r.content == NULL) == (r.reason == NULL)) {
		fprintf(stderr, "content %p text %p reason %p\n",
		    (void *)r.content, (void *)r.text, (void *)r.reason);
		abort();
	}
	check("title", r.title);
	check("byline", r.byline);
	check("lang", r.lang);
	check("image", r.image);
	check("site_name", r.site_name);
	check("content", r.content);
	check("text", r.text);
	check("reason", r.reason);
	if (r.content != NULL) {
		low = strdup(r.content);
		if (low != NULL) {
			for (p = low; *p != '\0'; p++)
				*p = (char)tolower((unsigned char)*p);
			if (strstr(low, "<script") != NULL) {
				fprintf(stderr, "script: [%s]\n", r.content);
				abort();
			}
			free(low);
		}
	}
	extract_result_reset(&r);
	return 0;
}
