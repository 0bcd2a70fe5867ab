/*
 * cmd_discover.c: `feedd discover URL|FILE|-` (see cmd_discover.h).
 *
 * A URL is fetched once with the daemon's own fetcher (fetch.c: the same
 * size cap, timeouts, redirect rules and protocols), on a loop of its
 * own that runs until that one transfer is over.  The document is then
 * looked at as the daemon would: a feed is printed as itself (the URL it
 * was fetched from, after redirects), a page as the feeds it links, each
 * resolved against the page's address.  Each line is "URL<TAB>KIND"
 * with "<TAB>TITLE" when the link or feed has a title; KIND is rss,
 * atom or json.  Publisher text is escaped (str_escape) so that it cannot
 * act on the terminal.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ev.h>

#include "cmd.h"
#include "fetch.h"
#include "parsers/discover.h"
#include "parsers/feed.h"
#include "base/util.h"

struct got {
	int		 done;
	int		 ok;
	struct buf	 body;
	char		*url;		/* effective URL */
	char		*charset;
};

static void
put(const char *s)
{
	char *e;

	e = str_escape(s);
	fputs(e, stdout);
	free(e);
}

static void
put_err(const char *s)
{
	char *e;

	e = str_escape(s);
	fprintf(stderr, "%s\n", e);
	free(e);
}

static void
fetched(void *arg, const struct fetch_result *res)
{
	struct got *g = arg;

	g->done = 1;
	if (res->status != FETCH_OK) {
		if (res->status == FETCH_HTTP_ERROR)
			fprintf(stderr, "feedd discover: HTTP %ld\n",
			    res->http_code);
		else {
			fputs("feedd discover: ", stderr);
			put_err(res->error != NULL ? res->error :
			    "the request failed");
		}
		return;
	}
	if (buf_add(&g->body, res->body, res->len) == -1) {
		fputs("feedd discover: out of memory\n", stderr);
		return;
	}
	g->url = xstrdup(res->effective_url);
	g->charset = fetch_http_charset(res->content_type);
	g->ok = 1;
}

static int
fetch_url(const char *url, struct got *g)
{
	struct ev_loop *loop;
	struct fetcher *f;
	struct fetch_opts fo;
	struct fetch_request req;
	char *err = NULL;

	loop = ev_loop_new(EVFLAG_AUTO);
	if (loop == NULL) {
		fputs("feedd discover: cannot create an event loop\n", stderr);
		return -1;
	}
	memset(&fo, 0, sizeof(fo));
	fo.max_size = FEED_MAX_SIZE;
	fo.max_connections = 1;
	if ((f = fetch_new(loop, &fo, &err)) == NULL) {
		fputs("feedd discover: ", stderr);
		put_err(err != NULL ? err : "cannot start the fetcher");
		free(err);
		ev_loop_destroy(loop);
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.url = url;
	if (fetch_start(f, &req, fetched, g) == -1) {
		fputs("feedd discover: cannot fetch ", stderr);
		put_err(url);
		g->done = 1;
	}
	while (!g->done)
		ev_run(loop, EVRUN_ONCE);
	fetch_free(f);
	ev_loop_destroy(loop);
	if (g->ok && g->url == NULL)
		g->url = xstrdup(url);
	return g->ok ? 0 : -1;
}

static int
read_file(const char *path, struct buf *b)
{
	FILE *fp;
	char chunk[65536];
	size_t n;
	int rc = 0;

	fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (fp == NULL) {
		fprintf(stderr, "feedd discover: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(b, chunk, n) == -1) {
			fprintf(stderr, "feedd discover: %s: larger than %u "
			    "bytes\n", path, FEED_MAX_SIZE);
			rc = -1;
			break;
		}
	if (rc == 0 && ferror(fp)) {
		fprintf(stderr, "feedd discover: %s: %s\n", path,
		    strerror(errno));
		rc = -1;
	}
	if (fp != stdin)
		fclose(fp);
	return rc;
}

static int
no_entry(void *arg, const struct entry *e, char **errstr)
{
	(void)arg;
	(void)e;
	(void)errstr;
	return 0;
}

static const char *
kind_of(enum feed_format f)
{
	switch (f) {
	case FEED_FORMAT_ATOM03:
	case FEED_FORMAT_ATOM10:
	case FEED_FORMAT_ATOM:
		return "atom";
	case FEED_FORMAT_JSON10:
	case FEED_FORMAT_JSON11:
		return "json";
	default:
		return "rss";
	}
}

static void
put_line(const char *url, const char *kind, const char *title)
{
	put(url);
	printf("\t%s", kind);
	if (title != NULL) {
		putchar('\t');
		put(title);
	}
	putchar('\n');
}

int
cmd_discover(const struct cmd_opts *o)
{
	struct discover_link *links;
	struct feed_parse_opts po;
	struct feed_sink sink = { no_entry, NULL };
	struct feed_info info;
	struct got g;
	const char *src, *base;
	char *err = NULL;
	size_t i, n;
	int rc = 1;

	src = o->argv[0];
	memset(&g, 0, sizeof(g));
	buf_init(&g.body, FEED_MAX_SIZE);
	if (strncasecmp(src, "http://", 7) == 0 ||
	    strncasecmp(src, "https://", 8) == 0) {
		if (fetch_url(src, &g) == -1)
			goto out;
		base = g.url;
	} else {
		if (read_file(src, &g.body) == -1)
			goto out;
		base = NULL;
	}
	feed_init();
	if (discover_is_html(g.body.data != NULL ? g.body.data : "",
	    g.body.len)) {
		n = discover_links(g.body.data, g.body.len, base, &links);
		for (i = 0; i < n; i++)
			put_line(links[i].url, links[i].kind, links[i].title);
		discover_free(links, n);
		if (n == 0) {
			fputs("feedd discover: an HTML page that links no "
			    "feed: ", stderr);
			put_err(base != NULL ? base : src);
		} else
			rc = 0;
	} else {
		memset(&po, 0, sizeof(po));
		po.url = base;
		po.charset = g.charset;
		if (feed_parse(g.body.data != NULL ? g.body.data : "",
		    g.body.len, &po, &sink, &info, &err) == 0) {
			put_line(base != NULL ? base : src,
			    kind_of(info.format), info.title);
			feed_info_reset(&info);
			rc = 0;
		} else {
			fputs("feedd discover: neither a feed nor a page: ",
			    stderr);
			put_err(err != NULL ? err : "unreadable");
			free(err);
		}
	}
	feed_cleanup();
out:
	if (fflush(stdout) == EOF)
		rc = 1;
	buf_reset(&g.body);
	free(g.url);
	free(g.charset);
	return rc;
}
