/*
 * cmd_extract.c: `feedd extract [--url URL] [--charset CS] FILE|- ...` and
 * `feedd extract --list LIST`.
 *
 * Reads each page as a stream (at most EXTRACT_MAX_SIZE, as the daemon
 * caps what it fetches; the page is never held whole, so memory stays
 * bounded whatever its size), runs the extractor the daemon uses and
 * prints one JSON object a page: title, byline, published (RFC 3339),
 * lang, image, site_name, content (sanitized HTML), text (a paragraph a
 * line) and reason (why content is null, or null).  Every key is always
 * present, null when unknown, so scripts need not test for keys.  A page
 * with no article still exits 0; input that is not HTML prints its reason
 * on stderr and exits 1.
 *
 * Several pages (more than one FILE, or --list, whose lines are
 * "FILE<TAB>URL" or just "FILE") run in one process, one JSON line each
 * with "file" first; a page that fails gets {"file", "error"} and the exit
 * status is 1.  That is how benchmarks measure extraction rather than
 * process start-up.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "parsers/date.h"
#include "parsers/extract.h"
#include "parsers/feed.h"
#include "base/util.h"

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static long
read_file(void *arg, char *buf, size_t len)
{
	FILE *fp = arg;
	size_t n = fread(buf, 1, len, fp);

	if (n == 0 && ferror(fp))
		return -1;
	return (long)n;
}

/* Prints o as one line and frees it; -1 on a write error. */
static int
put_json(json_t *o)
{
	char *s = json_dumps(o, JSON_PRESERVE_ORDER);

	json_decref(o);
	if (s == NULL) {
		fputs("feedd extract: out of memory\n", stderr);
		return -1;
	}
	puts(s);
	free(s);
	return 0;
}

static json_t *
result_json(const char *file, const struct extract_result *r)
{
	char date[DATE_RFC3339_LEN];
	json_t *o = json_object();

	if (file != NULL)
		json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "title", str_or_null(r->title));
	json_object_set_new(o, "byline", str_or_null(r->byline));
	json_object_set_new(o, "published", r->published == EXTRACT_NO_DATE ?
	    json_null() : json_string(date_format_rfc3339(r->published,
	    date)));
	json_object_set_new(o, "lang", str_or_null(r->lang));
	json_object_set_new(o, "image", str_or_null(r->image));
	json_object_set_new(o, "site_name", str_or_null(r->site_name));
	json_object_set_new(o, "content", str_or_null(r->content));
	json_object_set_new(o, "text", str_or_null(r->text));
	json_object_set_new(o, "reason", str_or_null(r->reason));
	return o;
}

/*
 * Extracts one page and prints its line; with_file names the file in the
 * line (several pages) and prints an error line too.  Returns 0, 1 when
 * the page failed, -1 when output failed.
 */
static int
one(const char *path, const char *url, const char *charset, int with_file)
{
	struct extract_opts opts;
	struct extract_result r;
	char *errstr = NULL, *safe;
	json_t *o;
	FILE *fp;
	int rc;

	memset(&opts, 0, sizeof(opts));
	opts.url = url;
	opts.charset = charset;
	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		errstr = xstrdup(strerror(errno));
		goto fail;
	}
	rc = extract_page_read(read_file, fp, &opts, &r, &errstr);
	if (fp != stdin)
		fclose(fp);
	if (rc == -1)
		goto fail;
	o = result_json(with_file ? path : NULL, &r);
	extract_result_reset(&r);
	return put_json(o);
fail:
	/* The reason may quote the page. */
	safe = str_escape(errstr);
	fprintf(stderr, "feedd extract: %s: %s\n", path, safe);
	free(safe);
	rc = 1;
	if (with_file) {
		o = json_object();
		json_object_set_new(o, "file", json_string(path));
		json_object_set_new(o, "error", json_string(errstr));
		if (put_json(o) == -1)
			rc = -1;
	}
	free(errstr);
	return rc;
}

/* Runs one() on each line of the list file: FILE, or FILE<TAB>URL. */
static int
list(const char *path, const char *charset)
{
	FILE *fp;
	char *line = NULL, *tab;
	size_t cap = 0;
	ssize_t n;
	int rc, status = 0;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "feedd extract: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		if ((tab = strchr(line, '\t')) != NULL)
			*tab++ = '\0';
		rc = one(line, tab, charset, 1);
		if (rc == -1) {
			status = 1;
			break;
		}
		status |= rc;
	}
	free(line);
	if (fp != stdin)
		fclose(fp);
	return status;
}

int
cmd_extract(const struct cmd_opts *o)
{
	int i, rc, status = 0;

	feed_init();
	if (o->list != NULL)
		status = list(o->list, o->charset);
	else
		for (i = 0; i < o->argc; i++) {
			rc = one(o->argv[i], o->url, o->charset, o->argc > 1);
			if (rc == -1) {
				status = 1;
				break;
			}
			status |= rc;
		}
	feed_cleanup();
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "feedd extract: write error: %s\n",
		    strerror(errno));
		return 1;
	}
	return status;
}
