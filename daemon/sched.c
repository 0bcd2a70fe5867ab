/*
 * sched.c: when each feed is polled, and the path of one poll:
 * timer -> fetch -> parse -> store -> next due time.
 *
 * Each configured feed gets a struct feed holding its ev_timer (the
 * callback recovers the feed from the watcher), its store id and its saved
 * state (validators, due time, error).  A feed has at most one fetch in
 * flight: its timer is re-armed only when the fetch is over, and only
 * through feed_reschedule(), the one place that turns interval, failures
 * and jitter into a due time.
 *
 * The saved due time survives restarts, so a restart does not refetch
 * everything; feeds never polled before are spread over the first minute
 * rather than fetched in one burst.
 *
 * A fetched document is written in one store transaction: either every
 * entry of it is stored or, if parsing fails, none is and what was stored
 * before stays.  Errors are logged once per distinct message at warning
 * level; repeats of the same error go to debug.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "conf.h"
#include "fetch.h"
#include "log.h"
#include "sched.h"
#include "parsers/feed.h"
#include "parsers/util.h"
#include "storage/store.h"

#define STARTUP_SPREAD	60		/* seconds over which new feeds start */
#define MAX_BACKOFF	(24 * 60 * 60)	/* longest wait after failures */
#define JITTER		0.10		/* up to 10% added to each interval */

struct feed {
	ev_timer		 timer;	/* first: see timer_cb */
	struct sched		*sched;
	const struct conf_feed	*conf;
	int64_t			 id;
	struct store_feed_state	 state;
	int			 in_flight;
};

struct sched {
	struct ev_loop		*loop;
	const struct conf	*conf;
	struct store		*store;
	struct fetcher		*fetcher;
	struct feed		*feeds;
	size_t			 nfeeds;
};

/* What one document's entries did to the store. */
struct doc_count {
	struct store	*store;
	int64_t		 now;
	int		 seen;
	int		 added;
};

static void	feed_poll(struct feed *);

static int64_t
wall_now(struct sched *s)
{
	return (int64_t)ev_now(s->loop);
}

/* A uniformly random fraction in [0, 1). */
static double
random_fraction(void)
{
	return (double)(random() % 1000000) / 1000000.0;
}

static void
feed_arm(struct feed *f)
{
	struct sched *s = f->sched;
	double delay;

	delay = (double)f->state.next_due - ev_now(s->loop);
	if (delay < 0)
		delay = 0;
	ev_timer_stop(s->loop, &f->timer);
	ev_timer_set(&f->timer, delay, 0.);
	ev_timer_start(s->loop, &f->timer);
}

/*
 * The one function that sets a feed's next due time: its interval, widened
 * by exponential backoff after consecutive failures (capped), plus jitter
 * so feeds drift apart instead of polling in lockstep.
 */
static void
feed_reschedule(struct feed *f)
{
	struct sched *s = f->sched;
	int64_t wait;
	int i;

	wait = conf_feed_interval(s->conf, f->conf);
	for (i = 1; i < f->state.failures && wait < MAX_BACKOFF; i++)
		wait *= 2;
	if (wait > MAX_BACKOFF)
		wait = MAX_BACKOFF;
	wait += (int64_t)((double)wait * JITTER * random_fraction());
	f->state.next_due = wall_now(s) + wait;
	feed_arm(f);
}

static void
feed_save(struct feed *f)
{
	struct sched *s = f->sched;

	if (store_feed_state_put(s->store, f->id, &f->state) == -1)
		log_warnx("feed %s: saving state: %s", f->conf->name,
		    store_errmsg(s->store));
}

static void
feed_failed(struct feed *f, const char *error)
{
	f->state.failures++;
	if (f->state.last_error != NULL &&
	    strcmp(f->state.last_error, error) == 0) {
		log_debug("feed %s: %s (again, %d failures)", f->conf->name,
		    error, f->state.failures);
		return;
	}
	log_warnx("feed %s: %s", f->conf->name, error);
	free(f->state.last_error);
	f->state.last_error = xstrdup(error);
}

static void
feed_succeeded(struct feed *f)
{
	if (f->state.last_error != NULL)
		log_info("feed %s: fetched again after %d failures",
		    f->conf->name, f->state.failures);
	free(f->state.last_error);
	f->state.last_error = NULL;
	f->state.failures = 0;
	f->state.last_success = wall_now(f->sched);
}

static void
set_validator(char **dst, const char *value)
{
	free(*dst);
	*dst = value != NULL && *value != '\0' ? xstrdup(value) : NULL;
}

static int
count_entry(void *arg, const struct entry *e, char **errstr)
{
	struct doc_count *dc = arg;
	int added = 0;

	if (store_doc_entry(dc->store, e, dc->now, &added) == -1) {
		*errstr = xasprintf("storing entry: %s",
		    store_errmsg(dc->store));
		return -1;
	}
	dc->seen++;
	dc->added += added;
	return 0;
}

/* The charset parameter of a Content-Type value, copied, or NULL. */
static char *
content_type_charset(const char *ct)
{
	const char *p;
	size_t n;

	if (ct == NULL)
		return NULL;
	for (p = ct; (p = strchr(p, ';')) != NULL; ) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "charset=", 8) != 0)
			continue;
		p += 8;
		if (*p == '"')
			p++;
		n = strcspn(p, "\";, \t");
		return n > 0 ? xstrndup(p, n) : NULL;
	}
	return NULL;
}

/* Parses a fetched document into the store, in one transaction. */
static int
feed_store_document(struct feed *f, const struct fetch_result *res,
    char **errstr)
{
	struct sched *s = f->sched;
	struct feed_parse_opts opts;
	struct feed_sink sink;
	struct feed_info info;
	struct doc_count dc;
	char *charset;
	int rc;

	memset(&opts, 0, sizeof(opts));
	memset(&info, 0, sizeof(info));
	charset = content_type_charset(res->content_type);
	opts.url = res->effective_url != NULL ? res->effective_url :
	    f->conf->url;
	opts.charset = charset;
	dc.store = s->store;
	dc.now = wall_now(s);
	dc.seen = dc.added = 0;
	sink.entry = count_entry;
	sink.arg = &dc;

	if (store_doc_begin(s->store, f->id) == -1) {
		*errstr = xasprintf("database: %s", store_errmsg(s->store));
		free(charset);
		return -1;
	}
	rc = feed_parse(res->body, res->len, &opts, &sink, &info, errstr);
	if (rc == 0 && store_doc_info(s->store, &info) == -1) {
		*errstr = xasprintf("database: %s", store_errmsg(s->store));
		rc = -1;
	}
	if (rc == 0 && store_doc_commit(s->store) == -1) {
		*errstr = xasprintf("database: %s", store_errmsg(s->store));
		rc = -1;
	}
	if (rc == -1)
		store_doc_rollback(s->store);
	else {
		if (info.flags & FEED_RECOVERED)
			log_info("feed %s: document is not well-formed; "
			    "recovered what could be read", f->conf->name);
		if (dc.added > 0)
			log_info("feed %s: %d new entries (%d in document)",
			    f->conf->name, dc.added, dc.seen);
		else
			log_debug("feed %s: no new entries (%d in document)",
			    f->conf->name, dc.seen);
	}
	feed_info_reset(&info);
	free(charset);
	return rc;
}

static void
fetch_done(void *arg, const struct fetch_result *res)
{
	struct feed *f = arg;
	char *error = NULL;

	f->in_flight = 0;
	if (res->status == FETCH_ABORTED)
		return;		/* shutting down: keep the saved state */

	switch (res->status) {
	case FETCH_OK:
		if (feed_store_document(f, res, &error) == -1) {
			feed_failed(f, error != NULL ? error : "parse failed");
			free(error);
			break;
		}
		set_validator(&f->state.etag, res->etag);
		set_validator(&f->state.last_modified, res->last_modified);
		feed_succeeded(f);
		break;
	case FETCH_NOT_MODIFIED:
		log_debug("feed %s: not modified", f->conf->name);
		feed_succeeded(f);
		break;
	case FETCH_HTTP_ERROR:
	case FETCH_NET_ERROR:
	case FETCH_ABORTED:
		feed_failed(f, res->error != NULL ? res->error :
		    "fetch failed");
		break;
	}
	feed_reschedule(f);
	feed_save(f);
}

static void
feed_poll(struct feed *f)
{
	struct sched *s = f->sched;
	struct fetch_request req;

	if (f->in_flight)
		return;
	memset(&req, 0, sizeof(req));
	req.url = f->conf->url;
	req.etag = f->state.etag;
	req.last_modified = f->state.last_modified;
	f->state.last_attempt = wall_now(s);
	log_debug("feed %s: fetching %s", f->conf->name, req.url);
	if (fetch_start(s->fetcher, &req, fetch_done, f) == -1) {
		feed_failed(f, "could not start the request");
		feed_reschedule(f);
		feed_save(f);
		return;
	}
	f->in_flight = 1;
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct feed *f = (struct feed *)w;	/* timer is the first member */

	(void)loop;
	(void)revents;
	feed_poll(f);
}

static int
feed_setup(struct sched *s, struct feed *f, const struct conf_feed *cf,
    int *nnew, char **errstr)
{
	int spread;

	f->sched = s;
	f->conf = cf;
	ev_timer_init(&f->timer, timer_cb, 0., 0.);
	f->id = store_feed_ensure(s->store, cf->name, cf->url, cf->title);
	if (f->id == -1 ||
	    store_feed_state_get(s->store, f->id, &f->state) == -1) {
		*errstr = xasprintf("feed %s: database: %s", cf->name,
		    store_errmsg(s->store));
		return -1;
	}
	if (f->state.next_due == 0) {
		/* Never polled: start within the first minute (or the
		 * interval, if shorter), spread at random. */
		spread = conf_feed_interval(s->conf, cf);
		if (spread > STARTUP_SPREAD)
			spread = STARTUP_SPREAD;
		f->state.next_due = wall_now(s) +
		    (int64_t)(spread * random_fraction());
		(*nnew)++;
	}
	feed_arm(f);
	return 0;
}

struct sched *
sched_new(struct ev_loop *loop, const struct conf *conf, struct store *store,
    struct fetcher *fetcher, char **errstr)
{
	struct sched *s;
	size_t i;
	int nnew = 0;

	s = xcalloc(1, sizeof(*s));
	s->loop = loop;
	s->conf = conf;
	s->store = store;
	s->fetcher = fetcher;
	srandom((unsigned int)time(NULL) ^ (unsigned int)getpid());
	s->feeds = xcalloc(conf->nfeeds, sizeof(*s->feeds));
	for (i = 0; i < conf->nfeeds; i++) {
		if (feed_setup(s, &s->feeds[i], &conf->feeds[i], &nnew,
		    errstr) == -1) {
			s->nfeeds = i;
			sched_free(s);
			return NULL;
		}
		s->nfeeds = i + 1;
	}
	log_info("%zu feeds, %d new", s->nfeeds, nnew);
	return s;
}

void
sched_free(struct sched *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nfeeds; i++) {
		ev_timer_stop(s->loop, &s->feeds[i].timer);
		store_feed_state_reset(&s->feeds[i].state);
	}
	free(s->feeds);
	free(s);
}
