/*
 * serve_feed.c: the merged feed, /feed.{rss,atom,json}, and the named
 * views of the config, /view/NAME.{rss,atom,json}.  A request's query
 * parameters (read by serve_http.c) or a view's filters become one store
 * query; its entries are rendered (render.c) and cached (serve_cache.c)
 * under the decoded parameters, each length-prefixed, so that no two
 * queries can share a document.
 *
 * A request's filters are checked against the config: a parameter no
 * feed takes (serve_http.c), a feed or a tag the config does not have
 * is answered 400 with the reason, never with the whole river or an
 * empty feed as if the filter had applied.  Tags match in any case,
 * here rather than in the store: each wanted tag is asked for as every
 * configured feed spells it.  A filtered feed's title says what it
 * holds.  A view's filters are its own: a request may narrow it only by
 * limit and since.  All of this runs only when a document is rendered,
 * never for an answer from the cache.
 *
 * Last-Modified of a feed is the newest time the store saw one of the
 * listed entries appear or change (not the entries' own dates, which
 * publishers set and may set in the past), so it moves forward with
 * every new or changed entry.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "conf.h"
#include "log.h"
#include "render.h"
#include "serve_int.h"
#include "base/util.h"
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

/* --- tags in any case */

/*
 * c with its case folded, for the scripts whose letters have case and
 * that tags are written in: ASCII, Latin-1, Latin Extended-A, Greek
 * (final sigma as sigma) and Cyrillic.  Others stay as they are.
 */
static uint32_t
fold_cp(uint32_t c)
{
	static const uint16_t greek_tonos[][2] = { { 0x386, 0x3ac },
	    { 0x388, 0x3ad }, { 0x389, 0x3ae }, { 0x38a, 0x3af },
	    { 0x38c, 0x3cc }, { 0x38e, 0x3cd }, { 0x38f, 0x3ce } };
	size_t i;

	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if ((c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3ab && c != 0x3a2) ||
	    (c >= 0x410 && c <= 0x42f))
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	if (c == 0x178)
		return 0xff;
	if (c == 0x3c2)
		return 0x3c3;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return (c & 1) ? c + 1 : c;
	if (c >= 0x100 && c <= 0x177 && c != 0x130 && c != 0x131 &&
	    c != 0x138 && c != 0x149)
		return (c & 1) ? c : c + 1;
	for (i = 0; i < NELEM(greek_tonos); i++)
		if (c == greek_tonos[i][0])
			return greek_tonos[i][1];
	return c;
}

/* Whether the UTF-8 strings a and b are equal ignoring case.  Invalid
 * bytes compare as themselves (never equal to a character). */
static int
tag_equal(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	size_t la = strlen(a), lb = strlen(b), na, nb;
	uint32_t ca, cb;

	while (la > 0 && lb > 0) {
		na = utf8_decode(p, la, &ca);
		if (na == 0) {
			ca = 0x110000 + *p;
			na = 1;
		}
		nb = utf8_decode(q, lb, &cb);
		if (nb == 0) {
			cb = 0x110000 + *q;
			nb = 1;
		}
		if (fold_cp(ca) != fold_cp(cb))
			return 0;
		p += na;
		la -= na;
		q += nb;
		lb -= nb;
	}
	return la == 0 && lb == 0;
}

/* Appends s to the n strings of *v (room for *cap) unless listed. */
static void
spelling_add(const char ***v, size_t *n, size_t *cap, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return;
	if (*n == *cap) {
		*cap = *cap * 2 + 4;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[(*n)++] = s;
}

/*
 * The store matches tags exactly; a reader types them in any case.  So
 * each wanted tag becomes itself plus every spelling of it the
 * configured feeds carry ("europe" also asks for an imported folder's
 * "Europe"), each once, in *out (caller frees the array, not the
 * strings: they are conf's and want's).  *missing: the first wanted tag
 * no feed carries, or NULL.  Returns how many spellings.
 */
static size_t
tags_resolve(const struct conf *conf, const char *const *want,
    size_t nwant, const char ***out, const char **missing)
{
	const char *t;
	size_t i, j, k, n = 0, cap = 0;
	int found;

	*out = NULL;
	*missing = NULL;
	for (i = 0; i < nwant; i++) {
		spelling_add(out, &n, &cap, want[i]);
		found = 0;
		for (j = 0; j < conf->nfeeds; j++) {
			for (k = 0; k < conf->feeds[j].ntags; k++) {
				t = conf->feeds[j].tags[k];
				if (tag_equal(want[i], t)) {
					found = 1;
					spelling_add(out, &n, &cap, t);
				}
			}
		}
		if (!found && *missing == NULL)
			*missing = want[i];
	}
	return n;
}

/* How the title names tag: as the first feed carrying it spells it. */
static const char *
tag_label(const struct conf *conf, const char *tag)
{
	size_t j, k;

	for (j = 0; j < conf->nfeeds; j++)
		for (k = 0; k < conf->feeds[j].ntags; k++)
			if (tag_equal(tag, conf->feeds[j].tags[k]))
				return conf->feeds[j].tags[k];
	return tag;
}

/* --- the document */

/* How the title names feed name: its title (the configured one, else
 * its own, as the items carry it), else its name. */
static const char *
feed_label(const struct conf *conf, const char *name,
    const struct store_item *items, size_t nitems)
{
	const struct conf_feed *cf;
	size_t i;

	for (i = 0; i < nitems; i++)
		if (items[i].feed_title != NULL &&
		    items[i].feed_name != NULL &&
		    strcmp(items[i].feed_name, name) == 0)
			return items[i].feed_title;
	cf = conf_find_feed(conf, name);
	if (cf != NULL && cf->title != NULL)
		return cf->title;
	return name;
}

/*
 * The title of a filtered feed says what it holds, so that several
 * subscribed in one reader can be told apart: "feedd: BBC News, Al
 * Jazeera; tag europe; search "kyiv"; since 2026-08-13".  Caller frees.
 */
static char *
feed_title(const struct conf *conf, const struct params *p,
    const struct store_item *items, size_t nitems)
{
	struct buf t;
	const char *sep = "";
	size_t i;

	/* Configured names and the request's parameters. */
	buf_init(&t, BUF_UNCAPPED);
	buf_addstr(&t, "feedd: ");
	for (i = 0; i < p->nfeeds; i++) {
		buf_printf(&t, "%s%s", i > 0 ? ", " : "",
		    feed_label(conf, p->feeds[i], items, nitems));
		sep = "; ";
	}
	for (i = 0; i < p->ntags; i++) {
		if (i == 0)
			buf_printf(&t, "%s%s ", sep, p->ntags > 1 ? "tags" :
			    "tag");
		buf_printf(&t, "%s%s", i > 0 ? ", " : "",
		    tag_label(conf, p->tags[i]));
		sep = "; ";
	}
	if (p->q != NULL) {
		buf_printf(&t, "%ssearch \"%.100s\"", sep, p->q);
		sep = "; ";
	}
	if (p->since != 0)
		buf_printf(&t, "%ssince %s", sep, p->since_text);
	return buf_steal(&t);
}

/*
 * The store query for a request's parameters or a view, tags resolved
 * in *tags (caller frees).  Unknown feeds and tags in a request are an
 * error (400, the reason in b); a view's are the config's business and
 * simply match nothing.
 */
static int
feed_query(struct server *srv, const struct feed_job *job,
    struct store_query *q, const char ***tags, struct built *b)
{
	const struct params *p = job->p;
	const struct conf_view *view = job->view;
	const char *missing;
	size_t i;

	memset(q, 0, sizeof(*q));
	q->limit = p->limit;
	q->since = p->since;
	if (view != NULL) {
		q->ntags = tags_resolve(srv->conf,
		    (const char *const *)view->tags, view->ntags, tags,
		    &missing);
		q->feeds = (const char *const *)view->feeds;
		q->nfeeds = view->nfeeds;
		q->q = view->query;
		q->tags = *tags;
		return 0;
	}
	q->ntags = tags_resolve(srv->conf, p->tags, p->ntags, tags, &missing);
	q->tags = *tags;
	q->feeds = p->feeds;
	q->nfeeds = p->nfeeds;
	q->q = p->q;
	for (i = 0; i < p->nfeeds; i++) {
		if (conf_find_feed(srv->conf, p->feeds[i]) == NULL) {
			b->status = MHD_HTTP_BAD_REQUEST;
			b->reason = xasprintf("unknown feed \"%.100s\": the "
			    "configuration has no [feed %.100s]", p->feeds[i],
			    p->feeds[i]);
			return -1;
		}
	}
	if (missing != NULL) {
		b->status = MHD_HTTP_BAD_REQUEST;
		b->reason = xasprintf("unknown tag \"%.100s\": no feed of the "
		    "configuration has it", missing);
		return -1;
	}
	return 0;
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
	const char **tags = NULL;
	char *self, *site, *title = NULL;
	size_t nitems = 0;
	int rc;

	if (feed_query(srv, job, &q, &tags, b) == -1) {
		free(tags);
		return;
	}
	rc = store_items(srv->store, &q, &items, &nitems);
	free(tags);
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
		ch.title = title = feed_title(srv->conf, p, items, nitems);
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

	for (i = 0; i < NELEM(format_ext); i++) {
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
	    p.key.len > 0 ? p.key.data : NULL, CACHE_GENS_ENTRIES,
	    build_feed, &job);
	http_params_reset(&p);
	return ret;
}
