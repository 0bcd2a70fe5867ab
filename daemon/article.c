/*
 * article.c: the full-article fetch queue (article.h says what for).
 *
 * Driven by one timer.  Each look takes the due rows of the store's
 * queue and, for each one not already in flight: if its host's
 * robots.txt is unknown or stale, fetches that first (the article waits
 * for the next look); if robots.txt disallows the path, the article is
 * skipped; otherwise the page is fetched.  The timer then sleeps until
 * the next row is due, or a short while when articles wait for a free
 * slot, so a burst of 200 new entries is taken at the fetcher's pace and
 * never in one go.
 *
 * robots.txt (RFC 9309 2.3.1): a 2xx file is obeyed, a 4xx means no
 * rules, a 5xx or an unreachable host means no article from that host
 * until it is fetched again an hour later.  A file is kept a day.
 *
 * A job holds what its callback needs.  articles_free with jobs in
 * flight only marks the queue closed: the fetcher ends each job (with
 * FETCH_ABORTED when it is freed) and the last one frees the queue.
 */
#include "config.h"

#include <ev.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "article.h"
#include "fetch.h"
#include "log.h"
#include "parsers/extract.h"
#include "parsers/robots.h"
#include "parsers/uri.h"
#include "base/util.h"
#include "storage/store.h"

#define ROBOTS_KEEP_OK		(24 * 3600)	/* a file, or no file */
#define ROBOTS_KEEP_ERROR	3600		/* 5xx, unreachable */
#define RETRY_MAX		(24 * 3600.0)	/* back-off ceiling */

enum job_kind { JOB_ARTICLE, JOB_ROBOTS };

struct articles;

struct job {
	struct articles	*a;
	enum job_kind	 kind;
	int64_t		 entry_id;
	int		 tries;
	char		*url;
	char		*host;
	struct job	*next;
};

struct articles {
	struct ev_loop	*loop;
	struct store	*st;
	struct fetcher	*f;
	struct article_opts o;
	char		*agent;
	char		*user_agent;
	ev_timer	 timer;
	struct job	*jobs;		/* in flight */
	int		 njobs;
	int		 closing;
};

static void	look(struct articles *a);

static void
job_free(struct job *j)
{
	free(j->url);
	free(j->host);
	free(j);
}

/* Takes j off the in-flight list; frees the queue if it was closed and
 * this was its last job. */
static int
job_end(struct job *j)
{
	struct articles *a = j->a;
	struct job **pp;

	for (pp = &a->jobs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	a->njobs--;
	job_free(j);
	if (a->closing && a->njobs == 0) {
		free(a->agent);
		free(a->user_agent);
		free(a);
		return 1;
	}
	return 0;
}

static int
in_flight(const struct articles *a, enum job_kind kind, int64_t entry_id,
    const char *host)
{
	const struct job *j;

	for (j = a->jobs; j != NULL; j = j->next)
		if (j->kind == kind && (kind == JOB_ARTICLE ?
		    j->entry_id == entry_id : strcmp(j->host, host) == 0))
			return 1;
	return 0;
}

/* Arms the timer to look again in after seconds. */
static void
look_in(struct articles *a, double after)
{
	ev_timer_stop(a->loop, &a->timer);
	ev_timer_set(&a->timer, after < 0.05 ? 0.05 : after, 0.);
	ev_timer_start(a->loop, &a->timer);
}

/* Whether a Content-Type can hold an article. */
static int
is_html(const char *ct)
{
	return ct == NULL || strncasecmp(ct, "text/html", 9) == 0 ||
	    strncasecmp(ct, "application/xhtml+xml", 21) == 0;
}

/* A failure that may pass (a 5xx, 429, 408, the network): retried with
 * back-off until the tries are used up; any other fails at once. */
static void
article_failed(struct articles *a, struct job *j, const char *why,
    int transient)
{
	double now = ev_now(a->loop), wait;
	int i;

	if (transient && j->tries + 1 < a->o.max_tries) {
		wait = a->o.retry_base;
		for (i = 0; i < j->tries && wait < RETRY_MAX; i++)
			wait *= 4;
		if (wait > RETRY_MAX)
			wait = RETRY_MAX;
		store_article_done(a->st, j->entry_id, j->url,
		    STORE_ARTICLE_WANTED, NULL, why, (int64_t)(now + wait),
		    (int64_t)now);
		log_info("article %s: %s (try %d, again in %.0f s)", j->url,
		    why, j->tries + 1, wait);
	} else {
		store_article_done(a->st, j->entry_id, j->url,
		    STORE_ARTICLE_FAILED, NULL, why, 0, (int64_t)now);
		log_info("article %s: failed: %s", j->url, why);
	}
}

/* The page arrived: extract and store. */
static void
article_extract(struct articles *a, struct job *j,
    const struct fetch_result *res)
{
	struct extract_opts eo;
	struct extract_result r;
	char *err = NULL;
	int64_t now = (int64_t)ev_now(a->loop);

	if (!is_html(res->content_type)) {
		store_article_done(a->st, j->entry_id, j->url,
		    STORE_ARTICLE_SKIPPED, NULL, "not an HTML page", 0, now);
		return;
	}
	memset(&eo, 0, sizeof(eo));
	eo.url = res->effective_url != NULL ? res->effective_url : j->url;
	eo.charset = res->charset;
	memset(&r, 0, sizeof(r));
	if (extract_page(res->body, res->len, &eo, &r, &err) == -1) {
		store_article_done(a->st, j->entry_id, j->url,
		    STORE_ARTICLE_SKIPPED, NULL, err, 0, now);
		log_info("article %s: %s", j->url, err);
		free(err);
	} else if (r.content == NULL) {
		store_article_done(a->st, j->entry_id, j->url,
		    STORE_ARTICLE_SKIPPED, NULL, r.reason != NULL ? r.reason :
		    "no article on the page", 0, now);
	} else {
		if (store_article_done(a->st, j->entry_id, j->url,
		    STORE_ARTICLE_EXTRACTED, r.content, NULL, 0, now) == -1)
			log_warnx("article %s: %s", j->url,
			    store_errmsg(a->st));
	}
	extract_result_reset(&r);
}

static void
article_done(void *arg, const struct fetch_result *res)
{
	struct job *j = arg;
	struct articles *a = j->a;
	char *why;

	if (res->status == FETCH_ABORTED || a->closing) {
		job_end(j);
		return;
	}
	switch (res->status) {
	case FETCH_OK:
		article_extract(a, j, res);
		break;
	case FETCH_HTTP_ERROR:
		why = xasprintf("HTTP %ld", res->http_code);
		article_failed(a, j, why, res->http_code >= 500 ||
		    res->http_code == 429 || res->http_code == 408);
		free(why);
		break;
	default:
		article_failed(a, j, res->error != NULL ? res->error :
		    "network error", 1);
		break;
	}
	job_end(j);
	look_in(a, 0);
}

static void
robots_done(void *arg, const struct fetch_result *res)
{
	struct job *j = arg;
	struct articles *a = j->a;
	int status;
	size_t len;

	if (res->status == FETCH_ABORTED || a->closing) {
		job_end(j);
		return;
	}
	/* A 304 cannot come (no validators are sent): anything but a
	 * response is "unreachable". */
	status = res->status == FETCH_OK || res->status == FETCH_HTTP_ERROR ?
	    (int)res->http_code : 0;
	len = res->status == FETCH_OK ? res->len : 0;
	if (len > ROBOTS_MAX_SIZE)
		len = ROBOTS_MAX_SIZE;
	if (store_robots_put(a->st, j->host, (int64_t)ev_now(a->loop), status,
	    len > 0 ? res->body : NULL, len) == -1)
		log_warnx("robots.txt of %s: %s", j->host, store_errmsg(a->st));
	job_end(j);
	look_in(a, 0);
}

static struct job *
job_start(struct articles *a, enum job_kind kind, const char *url,
    const char *host, int64_t entry_id, int tries)
{
	struct fetch_request req;
	struct job *j = xcalloc(1, sizeof(*j));

	j->a = a;
	j->kind = kind;
	j->url = xstrdup(url);
	j->host = xstrdup(host);
	j->entry_id = entry_id;
	j->tries = tries;
	memset(&req, 0, sizeof(req));
	req.url = url;
	req.user_agent = a->user_agent;
	if (fetch_start(a->f, &req, kind == JOB_ARTICLE ? article_done :
	    robots_done, j) == -1) {
		job_free(j);
		return NULL;
	}
	j->next = a->jobs;
	a->jobs = j;
	a->njobs++;
	return j;
}

/*
 * What robots.txt says of url on host: 1 allowed, 0 disallowed, -1 not
 * known yet (a fetch of it was started or is in flight).
 */
static int
robots_verdict(struct articles *a, const char *url, const char *host)
{
	char *body = NULL, *robots_url, *path;
	struct uri_origin o;
	struct robots *r;
	int64_t fetched, now = (int64_t)ev_now(a->loop);
	size_t len;
	int status, found, ok;

	found = store_robots_get(a->st, host, &fetched, &status, &body, &len);
	if (found == 1 && now - fetched < (status == 0 || status >= 500 ?
	    ROBOTS_KEEP_ERROR : ROBOTS_KEEP_OK)) {
		if (status >= 200 && status < 300)
			r = robots_parse(body != NULL ? body : "", len,
			    a->agent);
		else
			r = robots_all(status >= 400 && status < 500);
		free(body);
		/* The queue holds http and https URLs only: o is found. */
		uri_origin(url, &o);
		path = xstrndup(url + o.target, o.targetlen);
		ok = robots_allowed(r, path);
		free(path);
		robots_free(r);
		return ok;
	}
	free(body);
	if (!in_flight(a, JOB_ROBOTS, 0, host)) {
		uri_origin(url, &o);
		robots_url = xasprintf("%.*s/robots.txt", (int)o.len, url);
		if (job_start(a, JOB_ROBOTS, robots_url, host, 0, 0) == NULL)
			log_warnx("robots.txt of %s: cannot start", host);
		free(robots_url);
	}
	return -1;
}

static void
look(struct articles *a)
{
	struct store_article *due;
	size_t n, i;
	int64_t now = (int64_t)ev_now(a->loop), next;
	int waiting = 0, v;
	char *host;

	if (a->njobs >= a->o.max_in_flight) {
		look_in(a, a->o.idle_check);
		return;
	}
	if (store_articles_due(a->st, now, (size_t)a->o.max_in_flight * 4,
	    &due, &n) == -1) {
		log_warnx("articles: %s", store_errmsg(a->st));
		look_in(a, a->o.idle_check);
		return;
	}
	for (i = 0; i < n; i++) {
		if (in_flight(a, JOB_ARTICLE, due[i].entry_id, NULL))
			continue;
		if (a->njobs >= a->o.max_in_flight) {
			waiting = 1;
			break;
		}
		host = uri_host(due[i].url);
		v = robots_verdict(a, due[i].url, host);
		if (v == 0)
			store_article_done(a->st, due[i].entry_id, due[i].url,
			    STORE_ARTICLE_SKIPPED, NULL,
			    "disallowed by robots.txt", 0, now);
		else if (v == 1 && job_start(a, JOB_ARTICLE, due[i].url, host,
		    due[i].entry_id, due[i].tries) == NULL)
			store_article_done(a->st, due[i].entry_id, due[i].url,
			    STORE_ARTICLE_FAILED, NULL, "cannot fetch this URL",
			    0, now);
		else if (v == -1)
			waiting = 1;
		free(host);
	}
	store_articles_free(due, n);
	if (waiting || n == (size_t)a->o.max_in_flight * 4) {
		/* A job's end looks again; this is the fallback. */
		look_in(a, a->o.idle_check);
		return;
	}
	next = store_articles_next(a->st);
	look_in(a, next == INT64_MAX || next - now > a->o.idle_check ?
	    a->o.idle_check : (double)(next - now));
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	look(w->data);
}

struct articles *
articles_new(struct ev_loop *loop, struct store *st, struct fetcher *f,
    const struct article_opts *o)
{
	struct articles *a = xcalloc(1, sizeof(*a));

	a->loop = loop;
	a->st = st;
	a->f = f;
	if (o != NULL)
		a->o = *o;
	if (a->o.max_in_flight <= 0)
		a->o.max_in_flight = 2;
	if (a->o.max_tries <= 0)
		a->o.max_tries = 4;
	if (a->o.retry_base <= 0)
		a->o.retry_base = 600;
	if (a->o.idle_check <= 0)
		a->o.idle_check = 15;
	a->agent = xstrdup(a->o.agent != NULL ? a->o.agent : "feedd");
	a->user_agent = a->o.user_agent != NULL ? xstrdup(a->o.user_agent) :
	    NULL;
	a->o.agent = a->agent;
	a->o.user_agent = a->user_agent;
	ev_timer_init(&a->timer, timer_cb, 0.05, 0.);
	a->timer.data = a;
	ev_timer_start(loop, &a->timer);
	return a;
}

void
articles_kick(struct articles *a)
{
	if (a != NULL && !a->closing)
		look_in(a, 0);
}

int
articles_in_flight(const struct articles *a)
{
	return a->njobs;
}

void
articles_free(struct articles *a)
{
	if (a == NULL)
		return;
	ev_timer_stop(a->loop, &a->timer);
	a->closing = 1;
	if (a->njobs == 0) {
		free(a->agent);
		free(a->user_agent);
		free(a);
	}
}
