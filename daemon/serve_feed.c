/*
 * serve_feed.c: the merged feed, /feed.{rss,atom,json}, and the named
 * views of the config, /view/NAME.{rss,atom,json}.  A request's query
 * parameters (read by serve_http.c) or a view's filters become one store
 * query; its entries are rendered (render.c) and cached (serve_cache.c)
 * under the canonical form of the parameters, so two spellings of one
 * query share a document and no two queries do.
 *
 * A view's filters are its own: a request may narrow it only by limit
 * and since.  Last-Modified of a feed is the newest time the store saw
 * one of the listed entries appear or change (not the entries' own
 * dates, which publishers set and may set in the past), so it moves
 * forward with every new or changed entry.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "conf.h"
#include "log.h"
#include "render.h"
#include "serve_int.h"
#include "parsers/util.h"
#include "storage/store.h"

#define FEED_TITLE		"feedd: all feeds"

/* What build_feed renders: the request's parameters, or a view. */
struct feed_job {
	const struct params	*p;
	const struct conf_view	*view;	/* or NULL */
};

static const char *const format_ext[] = { "rss", "atom", "json" };

/* The newest time the store saw one of the items appear or change. */
static int64_t
items_mtime(const struct store_item *items, size_t n, int64_t dflt)
{
	int64_t m = n == 0 ? dflt : 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (items[i].first_seen > m)
			m = items[i].first_seen;
		if (items[i].changed > m)
			m = items[i].changed;
	}
	return m;
}

static void
build_feed(struct server *srv, const struct request *req, const char *host,
    void *arg, struct built *b)
{
	const struct feed_job *job = arg;
	const struct params *p = job->p;
	const struct conf_view *view = job->view;
	struct store_query q;
	struct store_item *items = NULL;
	struct render_channel ch;
	char *self, *site, *title = NULL;
	size_t nitems = 0;
	int rc;

	memset(&q, 0, sizeof(q));
	q.limit = p->limit;
	q.since = p->since;
	if (view != NULL) {
		q.tags = (const char *const *)view->tags;
		q.ntags = view->ntags;
		q.feeds = (const char *const *)view->feeds;
		q.nfeeds = view->nfeeds;
		q.q = view->query;
	} else {
		q.tags = p->tags;
		q.ntags = p->ntags;
		q.feeds = p->feeds;
		q.nfeeds = p->nfeeds;
		q.q = p->q;
	}
	rc = store_items(srv->store, &q, &items, &nitems);
	if (rc == -2) {
		b->status = MHD_HTTP_BAD_REQUEST;
		b->reason = xasprintf("bad q: %s", store_errmsg(srv->store));
		return;
	}
	if (rc != 0) {
		log_warnx("serving: cannot read entries: %s",
		    store_errmsg(srv->store));
		b->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		b->reason = xstrdup("internal error: cannot read the feed");
		return;
	}
	if (view != NULL)
		self = xasprintf("http://%s/view/%s.%s%s%s", host, view->name,
		    format_ext[req->format], p->query.len ? "?" : "",
		    p->query.len ? p->query.data : "");
	else
		self = xasprintf("http://%s/feed.%s%s%s", host,
		    format_ext[req->format], p->query.len ? "?" : "",
		    p->query.len ? p->query.data : "");
	site = xasprintf("http://%s/", host);
	memset(&ch, 0, sizeof(ch));
	if (view != NULL && view->title != NULL)
		ch.title = view->title;
	else if (view != NULL)
		ch.title = title = xasprintf("feedd: %s", view->name);
	else if (p->ntags + p->nfeeds > 0 || p->q != NULL || p->since != 0)
		ch.title = "feedd: selected entries";
	else
		ch.title = FEED_TITLE;
	ch.self_url = self;
	ch.site_url = site;
	ch.now = srv->started;
	ch.outlet = srv->conf->outlet;
	if (render_feed(req->format, &ch, items, nitems, &b->out) == -1) {
		log_warnx("serving: cannot render %s", self);
		b->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		b->reason = xstrdup("internal error: cannot render the feed");
	}
	b->ctype = render_content_type(req->format);
	b->mtime = items_mtime(items, nitems, srv->started);
	free(self);
	free(site);
	free(title);
	store_items_free(items, nitems);
}

/* The format named by ".EXT" (ext without the dot), into req->format. */
static int
format_match(struct request *req, const char *ext)
{
	size_t i;

	for (i = 0; i < sizeof(format_ext) / sizeof(format_ext[0]); i++) {
		if (strcmp(ext, format_ext[i]) == 0) {
			req->format = (enum render_format)i;
			return 1;
		}
	}
	return 0;
}

/* /feed.EXT: rest is EXT. */
int
feed_match(struct request *req, const char *rest)
{
	return format_match(req, rest);
}

/* /view/NAME.EXT: rest is NAME.EXT, NAME without a slash. */
int
view_match(struct request *req, const char *rest)
{
	const char *dot;

	dot = strrchr(rest, '.');
	if (dot == NULL || dot == rest || memchr(rest, '/',
	    (size_t)(dot - rest)) != NULL)
		return 0;
	if (!format_match(req, dot + 1))
		return 0;
	req->view = xasprintf("%.*s", (int)(dot - rest), rest);
	return 1;
}

/* The handler of both routes. */
enum MHD_Result
serve_feed(struct server *srv, struct request *req,
    struct MHD_Connection *conn, const char *url)
{
	struct feed_job job;
	struct params p;
	enum MHD_Result ret;

	job.p = &p;
	job.view = NULL;
	if (http_params_read(conn, &p) == -1) {
		ret = http_reply_fmt(req, conn, MHD_HTTP_BAD_REQUEST, "%s",
		    p.err);
		http_params_reset(&p);
		return ret;
	}
	if (req->view != NULL) {
		job.view = conf_find_view(srv->conf, req->view);
		if (job.view == NULL) {
			http_params_reset(&p);
			return http_reply_fmt(req, conn, MHD_HTTP_NOT_FOUND,
			    "not found: no view named \"%.100s\"", req->view);
		}
		if (p.ntags + p.nfeeds > 0 || p.q != NULL) {
			http_params_reset(&p);
			return http_reply_fmt(req, conn, MHD_HTTP_BAD_REQUEST,
			    "view \"%.100s\" has its own filters: only limit "
			    "and since apply to it", req->view);
		}
	}
	ret = cache_serve(srv, req, conn, url,
	    p.key.len > 0 ? p.key.data : NULL, store_generation(srv->store),
	    0, build_feed, &job);
	http_params_reset(&p);
	return ret;
}
