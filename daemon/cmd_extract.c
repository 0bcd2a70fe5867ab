/*
 * cmd_extract.c: `feedd extract [--url URL] [--charset CS] FILE|-`.
 *
 * Reads one page (capped at EXTRACT_MAX_SIZE, as the daemon caps what it
 * fetches), runs the extractor the daemon uses and prints one JSON object:
 * title, byline, published (RFC 3339), lang, image, site_name, content
 * (sanitized HTML), text (a paragraph a line) and reason (why content is
 * null, or null).  Every key is always present, null when unknown, so
 * scripts need not test for keys.  A page with no article still exits 0;
 * input that is not HTML prints its reason on stderr and exits 1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "parsers/date.h"
#include "parsers/extract.h"
#include "parsers/feed.h"
#include "parsers/util.h"

static void
usage(void)
{
	fputs("usage: feedd extract [--url URL] [--charset CHARSET] FILE|-\n",
	    stderr);
}

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

int
cmd_extract(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "charset", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct extract_opts opts;
	struct extract_result r;
	char *doc, *errstr = NULL, *safe, *s, date[DATE_RFC3339_LEN];
	const char *path;
	size_t len = 0;
	json_t *o;
	FILE *fp;
	int ch, rc;

	memset(&opts, 0, sizeof(opts));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			opts.url = optarg;
			break;
		case 'c':
			opts.charset = optarg;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (argc - optind != 1) {
		usage();
		return 2;
	}
	path = argv[optind];
	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "feedd extract: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	doc = read_capped(fp, EXTRACT_MAX_SIZE, "page", &len, &errstr);
	if (fp != stdin)
		fclose(fp);
	if (doc == NULL) {
		fprintf(stderr, "feedd extract: %s: %s\n", path, errstr);
		free(errstr);
		return 1;
	}
	feed_init();
	rc = extract_page(doc, len, &opts, &r, &errstr);
	free(doc);
	if (rc == -1) {
		/* The reason may quote the page. */
		safe = str_escape(errstr);
		fprintf(stderr, "feedd extract: %s: %s\n", path, safe);
		free(safe);
		free(errstr);
		return 1;
	}
	o = json_object();
	json_object_set_new(o, "title", str_or_null(r.title));
	json_object_set_new(o, "byline", str_or_null(r.byline));
	json_object_set_new(o, "published", r.published == EXTRACT_NO_DATE ?
	    json_null() : json_string(date_format_rfc3339(r.published, date)));
	json_object_set_new(o, "lang", str_or_null(r.lang));
	json_object_set_new(o, "image", str_or_null(r.image));
	json_object_set_new(o, "site_name", str_or_null(r.site_name));
	json_object_set_new(o, "content", str_or_null(r.content));
	json_object_set_new(o, "text", str_or_null(r.text));
	json_object_set_new(o, "reason", str_or_null(r.reason));
	s = json_dumps(o, JSON_PRESERVE_ORDER);
	json_decref(o);
	extract_result_reset(&r);
	feed_cleanup();
	if (s == NULL) {
		fputs("feedd extract: out of memory\n", stderr);
		return 1;
	}
	puts(s);
	free(s);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "feedd extract: write error: %s\n",
		    strerror(errno));
		return 1;
	}
	return 0;
}
