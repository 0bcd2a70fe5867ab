/*
 * poll.c: what happens when a feed's fetch ends, between the timer that
 * started it (sched.c) and the next due time (due.c).
 *
 * A fetched document is written in one store transaction: either every
 * entry of it is stored or, if parsing fails, none is and what was stored
 * before stays.  A 304 costs no parse and no entry writes (only the
 * feed's state row).  A failing feed logs its first failure and each
 * change of error (class or HTTP status) at warning level, repeats at
 * debug level; a 410 Gone stops polling it, saying so in its state.
 *
 * Redirects: the URL polled is the configured one until a permanent
 * redirect (every hop 301/308) has led to the same target on
 * REDIRECT_ADOPT consecutive successful fetches; then the target becomes
 * the feed's current_url, logged.  Temporary redirects change nothing.
 *
 * Retry-After on 429/503 holds the whole host (fetch_hold_host), clamped
 * to max_interval.  With interval = auto, each successful fetch learns
 * the mean gap between the feed's publications over the last four weeks
 * (the feed's state keeps it; due_base clamps it).
 *
 * Every number a publisher sends (<ttl>, max-age, Expires, Retry-After,
 * entry dates) goes through the saturating helpers of base/util.h:
 * the extremes give the longest wait (max_interval), never a signed
 * overflow.  Error texts are saved escaped (str_escape).
 *
 * The feed's state is saved after every poll, so that a restart
 * continues where this one stopped; nothing here arms a timer other than
 * through sched_reschedule.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ev.h>

#include "conf.h"
#include "due.h"
#include "fetch.h"
#include "log.h"
#include "metrics.h"
#include "sched_int.h"
#include "parsers/date.h"
#include "parsers/feed.h"
#include "base/util.h"
#include "storage/store.h"

#define REDIRECT_ADOPT	3		/* consecutive fetches to adopt one */
#define AUTO_WINDOW	(28 * 24 * 60 * 60)	/* history for auto */

/* The classes of a feed's failure that are not the fetcher's (those are
 * fetch_error_name's): the names are what the feed's state keeps. */
enum poll_error {
	POLL_ERROR_PARSE,	/* the document could not be read */
	POLL_ERROR_STORE,	/* the database failed */
	POLL_ERROR_GONE		/* HTTP 410 */
};

static const char *const poll_error_names[] = {
	[POLL_ERROR_PARSE] = "parse",
	[POLL_ERROR_STORE] = "store",
	[POLL_ERROR_GONE] = "gone",
};

/* What one document's entries did to the store. */
struct doc_count {
	struct store	*store;
	int64_t		 now;
	int		 seen;
	int		 added;
	int		 store_failed;
};

/* --- outcomes */

static void
feed_save(struct sched_feed *f)
{
	struct sched *s = f->sched;

	if (store_feed_state_put(s->store, f->id, &f->state) == -1)
		log_warnx("feed %s: saving state: %s", f->name,
		    store_errmsg(s->store));
}

static void
set_string(char **dst, const char *value)
{
	char *v;

	v = value != NULL && *value != '\0' ? xstrdup(value) : NULL;
	free(*dst);
	*dst = v;
}

/* A failure of class cls (see store.h) with a one-line message. */
static void
feed_failed(struct sched_feed *f, const char *cls, int http_status,
    const char *error)
{
	char *esc;
	int same;

	same = f->state.failures > 0 && f->state.error_class != NULL &&
	    strcmp(f->state.error_class, cls) == 0 &&
	    f->state.http_status == http_status;
	f->state.failures++;
	f->state.http_status = http_status;
	set_string(&f->state.error_class, cls);
	/* Library messages quote what the server sent (a Location, a
	 * host name): kept escaped, as /status and the logs show them. */
	esc = str_escape(error);
	set_string(&f->state.last_error, esc);
	free(esc);
	if (same)
		log_debug("feed %s: %s (again, %d failures)", f->name, error,
		    f->state.failures);
	else
		log_warnx("feed %s: %s", f->name, error);
}

static void
feed_succeeded(struct sched_feed *f, int http_status)
{
	if (f->state.failures > 0)
		log_info("feed %s: fetched again after %d failures", f->name,
		    f->state.failures);
	free(f->state.last_error);
	f->state.last_error = NULL;
	free(f->state.error_class);
	f->state.error_class = NULL;
	f->state.failures = 0;
	f->state.retry_after = 0;
	f->state.gone = 0;	/* a refresh found it back */
	f->state.http_status = http_status;
	f->state.last_success = sched_now(f->sched);
}

/* Counts the permanent redirect of a successful fetch toward adopting
 * its target (see the top of the file). */
static void
feed_redirects(struct sched_feed *f, const struct fetch_result *res)
{
	const char *to = res->effective_url;

	if (!res->permanent_redirect || to == NULL ||
	    strcmp(to, sched_feed_url(f)) == 0) {
		free(f->state.redirect_target);
		f->state.redirect_target = NULL;
		f->state.redirect_seen = 0;
		if (res->redirects > 0)
			log_debug("feed %s: temporary redirect to %s",
			    f->name, to != NULL ? to : "?");
		return;
	}
	if (f->state.redirect_target != NULL &&
	    strcmp(f->state.redirect_target, to) == 0)
		f->state.redirect_seen++;
	else {
		set_string(&f->state.redirect_target, to);
		f->state.redirect_seen = 1;
	}
	if (f->state.redirect_seen < REDIRECT_ADOPT) {
		log_info("feed %s: permanently redirected to %s (%d of %d "
		    "fetches before it is adopted)", f->name, to,
		    f->state.redirect_seen, REDIRECT_ADOPT);
		return;
	}
	log_warnx("feed %s: moved permanently from %s to %s; polling the new "
	    "URL from now on (update the configuration)", f->name,
	    sched_feed_url(f), to);
	set_string(&f->state.current_url, to);
	free(f->state.redirect_target);
	f->state.redirect_target = NULL;
	f->state.redirect_seen = 0;
	f->host = fetch_host_get(f->sched->fetcher, sched_feed_url(f));
}

/* interval = auto: the mean gap between the feed's publications over the
 * last weeks; with fewer than two, the feed is quiet: max_interval. */
static void
feed_adapt(struct sched_feed *f)
{
	struct sched *s = f->sched;
	int64_t *times = NULL, now = sched_now(s), iv;
	size_t n = 0;

	if (!conf_feed_auto(s->conf, f->conf))
		return;
	if (store_feed_publish_times(s->store, f->id, now - AUTO_WINDOW,
	    &times, &n) == -1) {
		log_warnx("feed %s: reading its publishing history: %s",
		    f->name, store_errmsg(s->store));
		return;
	}
	iv = due_auto_interval(times, n, s->conf->max_interval);
	free(times);
	if (iv > 0 && iv != f->state.interval)
		log_debug("feed %s: publishes every %lld s on average",
		    f->name, (long long)iv);
	f->state.interval = iv;
}

static int
count_entry(void *arg, const struct entry *e, char **errstr)
{
	struct doc_count *dc = arg;
	int added = 0;

	if (store_doc_entry(dc->store, e, dc->now, &added) == -1) {
		*errstr = xasprintf("storing entry: %s",
		    store_errmsg(dc->store));
		dc->store_failed = 1;
		return -1;
	}
	dc->seen++;
	dc->added += added;
	return 0;
}

/*
 * Parses a fetched document into the store, in one transaction, and
 * keeps the document's scheduling hints.  Returns 0, or -1 with a reason
 * in *errstr and the class (POLL_ERROR_PARSE or _STORE) in *cls.
 */
static int
feed_store_document(struct sched_feed *f, const struct fetch_result *res,
    enum poll_error *cls, char **errstr)
{
	struct sched *s = f->sched;
	struct feed_parse_opts opts;
	struct feed_sink sink;
	struct feed_info info;
	struct doc_count dc;
	int rc;

	memset(&opts, 0, sizeof(opts));
	memset(&info, 0, sizeof(info));
	memset(&dc, 0, sizeof(dc));
	opts.url = res->effective_url != NULL ? res->effective_url :
	    sched_feed_url(f);
	opts.charset = res->charset;
	opts.max_size = s->conf->max_size;
	dc.store = s->store;
	dc.now = sched_now(s);
	sink.entry = count_entry;
	sink.arg = &dc;

	*cls = POLL_ERROR_STORE;
	if (store_doc_begin(s->store, f->id) == -1) {
		*errstr = xasprintf("database: %s", store_errmsg(s->store));
		return -1;
	}
	store_doc_articles(s->store, (enum store_articles)
	    conf_feed_full_content(s->conf, f->conf),
	    (size_t)conf_feed_min_words(s->conf, f->conf));
	rc = feed_parse(res->body, res->len, &opts, &sink, &info, errstr);
	if (rc == -1 && !dc.store_failed)
		*cls = POLL_ERROR_PARSE;
	/* Broken markup from which not one entry could be read is a
	 * failure, not an empty feed: "ok, 0 entries" would hide it. */
	if (rc == 0 && (info.flags & FEED_RECOVERED) && dc.seen == 0) {
		*cls = POLL_ERROR_PARSE;
		*errstr = xstrdup("not well-formed XML, and no entry could "
		    "be read from it");
		feed_info_reset(&info);
		rc = -1;
	}
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
		metrics.entries_added += (uint64_t)dc.added;
		metrics.entries_updated += store_doc_updated(s->store);
		/* The publisher's hints: the longer of <ttl> and the
		 * syndication module's period; skipped hours and days. */
		f->state.ttl = info.ttl > 0 ? (int)sat_clamp(sat_mul(info.ttl,
		    60), 0, INT_MAX) : 0;
		if (info.update_period > f->state.ttl)
			f->state.ttl = info.update_period;
		f->state.skip_hours = info.skip_hours;
		f->state.skip_days = info.skip_days;
		if (info.flags & FEED_RECOVERED)
			log_info("feed %s: document is not well-formed; "
			    "recovered what could be read", f->name);
		if (store_doc_skipped(s->store) > 0)
			log_info("feed %s: %lld entries of the document left "
			    "for later fetches (too many new at once)",
			    f->name, (long long)store_doc_skipped(s->store));
		if (dc.added > 0)
			log_info("feed %s: %d new entr%s (%d in document)",
			    f->name, dc.added, dc.added == 1 ? "y" : "ies",
			    dc.seen);
		else
			log_debug("feed %s: no new entries (%d in document)",
			    f->name, dc.seen);
	}
	feed_info_reset(&info);
	return rc;
}

/* A 410: polling stops until the configured URL changes or a refresh. */
static void
feed_gone(struct sched_feed *f, const struct fetch_result *res)
{
	feed_failed(f, poll_error_names[POLL_ERROR_GONE], (int)res->http_code,
	    "HTTP 410 Gone: the feed was removed; polling stopped");
	f->state.gone = 1;
	f->state.next_due = 0;
	ev_timer_stop(f->sched->loop, &f->timer);
}

static void
poll_done(void *arg, const struct fetch_result *res)
{
	struct sched_feed *f = arg;
	struct sched *s = f->sched;
	enum poll_error cls;
	const char *cls_name;
	char *error = NULL;
	int64_t now, hint = 0, until;

	f->in_flight = 0;
	if (f->conf == NULL) {
		/* Removed by a reload while in flight. */
		TAILQ_REMOVE(&s->removed, f, removed);
		sched_feed_free(f);
		return;
	}
	if (res->status == FETCH_ABORTED)
		return;		/* shutting down: keep the saved state */
	if (f->stale) {
		/* Fetched from the URL of before a reload: drop it. */
		f->stale = 0;
		sched_feed_restart(f);
		return;
	}

	now = sched_now(s);
	switch (res->status) {
	case FETCH_OK:
		metrics.fetch_bytes += res->len;
		if (feed_store_document(f, res, &cls, &error) == -1) {
			metrics.fetches[cls == POLL_ERROR_PARSE ?
			    METRICS_FETCH_PARSE_ERROR :
			    METRICS_FETCH_STORE_ERROR]++;
			feed_failed(f, poll_error_names[cls],
			    (int)res->http_code,
			    error != NULL ? error : "parse failed");
			free(error);
			break;
		}
		metrics.fetches[METRICS_FETCH_OK]++;
		set_string(&f->state.etag, res->etag);
		set_string(&f->state.last_modified, res->last_modified);
		feed_succeeded(f, (int)res->http_code);
		feed_redirects(f, res);
		feed_adapt(f);
		hint = res->fresh_for;
		break;
	case FETCH_NOT_MODIFIED:
		/* No parse, no entry writes: only the state below. */
		metrics.fetches[METRICS_FETCH_NOT_MODIFIED]++;
		log_debug("feed %s: not modified", f->name);
		feed_succeeded(f, (int)res->http_code);
		feed_redirects(f, res);
		hint = res->fresh_for;
		break;
	case FETCH_HTTP_ERROR:
		metrics.fetches[METRICS_FETCH_HTTP_ERROR]++;
		if (res->http_code == 410) {
			feed_gone(f, res);
			feed_save(f);
			return;
		}
		until = 0;
		if (res->http_code == 429 || res->http_code == 503) {
			/* Whole seconds, never shorter (fetch_http.c). */
			until = res->retry_at;
			if (until > sat_add(now, s->conf->max_interval))
				until = sat_add(now, s->conf->max_interval);
		}
		f->state.retry_after = until;
		feed_failed(f, fetch_error_name(FETCH_ERROR_HTTP),
		    (int)res->http_code,
		    res->error != NULL ? res->error : "HTTP error");
		if (until > 0) {
			log_debug("feed %s: Retry-After: no request to %s "
			    "for %lld s", f->name, fetch_host_name(f->host),
			    (long long)(until - now));
			fetch_hold_host(s->fetcher, sched_feed_url(f),
			    (double)until);
		}
		break;
	case FETCH_NET_ERROR:
	case FETCH_ABORTED:
		metrics.fetches[METRICS_FETCH_NET_ERROR]++;
		f->state.retry_after = 0;
		cls_name = fetch_error_name(res->error_class);
		feed_failed(f, cls_name != NULL ? cls_name :
		    fetch_error_name(FETCH_ERROR_NETWORK), (int)res->http_code,
		    res->error != NULL ? res->error : "fetch failed");
		break;
	}
	sched_reschedule(f, hint);
	feed_save(f);
	if (f->refresh) {
		/* The request in flight may predate what the user wants
		 * to see: poll once more, now. */
		f->refresh = 0;
		ev_timer_stop(s->loop, &f->timer);
		poll_start(f);
	}
}

void
poll_start(struct sched_feed *f)
{
	struct sched *s = f->sched;
	struct fetch_request req;

	if (f->in_flight)
		return;
	memset(&req, 0, sizeof(req));
	req.url = sched_feed_url(f);
	req.etag = f->state.etag;
	req.last_modified = f->state.last_modified;
	req.user_agent = conf_feed_user_agent(s->conf, f->conf);
	f->state.last_attempt = sched_now(s);
	log_debug("feed %s: fetching %s", f->name, req.url);
	if (fetch_start(s->fetcher, &req, poll_done, f) == -1) {
		feed_failed(f, fetch_error_name(FETCH_ERROR_NETWORK), 0,
		    "could not start the request");
		sched_reschedule(f, 0);
		feed_save(f);
		return;
	}
	f->in_flight = 1;
}

