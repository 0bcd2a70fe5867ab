/*
 * fuzz_parse.c: libFuzzer harness for the whole parse path, feed_parse()
 * from raw bytes to the model (format detection, encodings, the strict
 * then recovering XML parse, JSON Feed, field mapping, dates, URL
 * resolution and the sanitizer), as `feedd parse` and the daemon run it.
 *
 * The first byte picks options so both the HTTP charset and the base URL
 * paths get exercised; the sink checks the model's promises (valid UTF-8,
 * no empty strings) and aborts when one is broken, so a wrong result is
 * reported like a crash.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/feed.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i;

	if (s == NULL)
		return;
	if (*s == '\0') {
		fprintf(stderr, "empty string in the model\n");
		abort();
	}
	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 3;
		else {
			fprintf(stderr, "invalid UTF-8 lead byte\n");
			abort();
		}
		for (i = 1; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80) {
				fprintf(stderr, "truncated UTF-8\n");
				abort();
			}
		p += n + 1;
	}
}

static int
sink_entry(void *arg, const struct entry *e, char **errstr)
{
	size_t i;

	(void)errstr;
	(*(size_t *)arg)++;
	check_str(e->id);
	check_str(e->title);
	check_str(e->link);
	check_str(e->author);
	check_str(e->summary);
	check_str(e->content);
	for (i = 0; i < e->ncategories; i++)
		check_str(e->categories[i]);
	for (i = 0; i < e->nenclosures; i++) {
		check_str(e->enclosures[i].url);
		check_str(e->enclosures[i].type);
	}
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	feed_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *charsets[] = {
		NULL, "utf-8", "iso-8859-1", "windows-1252", "utf-16",
		"koi8-r", "shift_jis", "bogus-charset"
	};
	struct feed_parse_opts opts;
	struct feed_sink sink;
	struct feed_info info;
	char *err = NULL;
	size_t n = 0;
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = data[0];
	data++, size--;
	memset(&opts, 0, sizeof(opts));
	opts.url = (sel & 0x08) ? "http://example.org/dir/feed.xml" : NULL;
	opts.charset = charsets[sel & 0x07];
	/* A small cap now and then reaches the size-limit path. */
	opts.max_size = (sel & 0x10) ? 4096 : 0;
	sink.entry = sink_entry;
	sink.arg = &n;
	memset(&info, 0, sizeof(info));
	if (feed_parse((const char *)data, size, &opts, &sink, &info,
	    &err) == 0) {
		check_str(info.title);
		check_str(info.link);
		check_str(info.id);
		check_str(info.author);
		check_str(info.language);
		check_str(info.subtitle);
		feed_info_reset(&info);
	} else {
		if (err == NULL || strchr(err, '\n') != NULL) {
			fprintf(stderr, "error without a one-line reason\n");
			abort();
		}
		free(err);
	}
	return 0;
}
