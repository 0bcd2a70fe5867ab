/*
 * sched.c: when each feed is polled, and the path of one poll:
 * timer -> fetch -> parse -> store -> next due time.
 *
 * Each configured feed gets a struct feed (allocated on its own, so that
 * a fetch in flight can keep pointing at it across a reload) holding its
 * ev_timer (the callback recovers the feed from the watcher), its store
 * id and its saved state (validators, due time, error, redirects, hints).
 * A feed has at most one fetch in flight: its timer is re-armed only when
 * the fetch is over, and only through feed_reschedule(), the one place
 * that turns interval, hints, failures and jitter into a due time (the
 * arithmetic is due.c's, pure and tested from tables):
 *
 *	base	the configured interval (conf_feed_interval clamps it), or
 *		with interval = auto the mean gap between the feed's
 *		publications over the last four weeks, clamped alike;
 *	hints	after a success, RSS <ttl> and the response's
 *		Cache-Control max-age / Expires may widen it (never narrow
 *		it, never past max_interval);
 *	failure	base doubled per consecutive failure, up to max_interval;
 *		429/503 with Retry-After: no earlier than that;
 *	jitter	up to 10% more, so feeds drift apart;
 *	host	no earlier than a Retry-After hold on the feed's host;
 *	skip	moved out of the feed's skipHours/skipDays (UTC).
 *
 * The due time is saved with the rest of the state after every poll, so
 * a restart fetches nothing before it is due.  A feed never polled
 * before (at first start, added by a reload, or given a new URL) is due
 * at once: the river fills as fast as the fetcher's max_connections,
 * per_host_connections and host_delay allow, which are the politeness
 * that matters to publishers; spreading the first polls over a minute
 * only left the first reader an empty feed.
 *
 * Retry-After on 429/503 holds the whole host: the sched keeps one record
 * per host name (as the fetcher counts hosts) with the hold's end, timers
 * of other feeds on the host that fire before it re-arm to after it, and
 * the fetcher holds requests already queued for the host.  Holds are
 * rebuilt from the feeds' saved retry_after at start-up.
 *
 * Redirects: the URL polled is the configured one until a permanent
 * redirect (every hop 301/308) has led to the same target on
 * REDIRECT_ADOPT consecutive successful fetches; then the target becomes
 * the feed's current_url, logged.  Temporary redirects change nothing.
 *
 * A fetched document is written in one store transaction: either every
 * entry of it is stored or, if parsing fails, none is and what was stored
 * before stays.  A 304 costs no parse and no entry writes (only the
 * feed's state row).  A failing feed logs its first failure and each
 * change of error (class or HTTP status) at warning level, repeats at
 * debug level; a 410 Gone stops polling it, saying so in its state.
 *
 * Every number a publisher sends (<ttl>, max-age, Expires, Retry-After,
 * entry dates) goes through the saturating helpers of parsers/util.h:
 * the extremes give the longest wait (max_interval), never a signed
 * overflow.  Error texts are saved escaped (str_escape).
 */
#include "config.h"

#include <sys/queue.h>

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "conf.h"
#include "due.h"
#include "fetch.h"
#include "log.h"
#include "metrics.h"
#include "sched.h"
#include "parsers/date.h"
#include "parsers/feed.h"
#include "parsers/util.h"
#include "storage/store.h"

#define REDIRECT_ADOPT	3		/* consecutive fetches to adopt one */
#define AUTO_WINDOW	(28 * 24 * 60 * 60)	/* history for auto */
#define HOST_BUCKETS	1024

struct sched_host {
	LIST_ENTRY(sched_host)	 hash;
	char			*name;
	int64_t			 hold_until;	/* Retry-After, or 0 */
};

struct feed {
	ev_timer		 timer;	/* first: see timer_cb */
	struct sched		*sched;
	const struct conf_feed	*conf;	/* NULL once removed by a reload */
	char			*name;	/* own copy: outlives a reload */
	struct sched_host	*host;
	int64_t			 id;
	struct store_feed_state	 state;
	int			 in_flight;
	int			 refresh;	/* asked to poll while in flight */
	int			 stale;	/* URL changed while in flight */
	int			 kept;	/* sched_reload: still configured */
	TAILQ_ENTRY(feed)	 removed;
};

TAILQ_HEAD(feed_list, feed);

struct sched {
	struct ev_loop		*loop;
	const struct conf	*conf;
	struct store		*store;
	struct fetcher		*fetcher;
	struct feed		**feeds;
	size_t			 nfeeds;
	struct feed_list	 removed;	/* dropped while in flight */
	LIST_HEAD(, sched_host)	 hosts[HOST_BUCKETS];
};

/* What one document's entries did to the store. */
struct doc_count {
	struct store	*store;
	int64_t		 now;
	int		 seen;
	int		 added;
	int		 store_failed;
};

static void	feed_poll(struct feed *);

static int64_t
wall_now(struct sched *s)
{
	return (int64_t)ev_now(s->loop);
}

static const char *
feed_url(const struct feed *f)
{
	return f->state.current_url != NULL ? f->state.current_url :
	    f->conf->url;
}

/* --- hosts */

static struct sched_host *
host_get(struct sched *s, const char *url)
{
	struct sched_host *h;
	char *name;
	unsigned int i;

	name = fetch_url_host(url);
	i = str_hash(name) % HOST_BUCKETS;
	LIST_FOREACH(h, &s->hosts[i], hash)
		if (strcmp(h->name, name) == 0) {
			free(name);
			return h;
		}
	h = xcalloc(1, sizeof(*h));
	h->name = name;
	LIST_INSERT_HEAD(&s->hosts[i], h, hash);
	return h;
}

static void
host_hold(struct sched *s, struct feed *f, int64_t until)
{
	if (until <= f->host->hold_until)
		return;
	f->host->hold_until = until;
	fetch_hold_host(s->fetcher, feed_url(f), (double)until);
}

/* --- the due time */

/* The interval that the feed's configuration and publishing ask for,
 * within the clamps. */
static int64_t
feed_base(const struct feed *f)
{
	const struct conf *c = f->sched->conf;

	return due_base(conf_feed_interval(c, f->conf),
	    conf_feed_auto(c, f->conf), f->state.interval, c->min_interval,
	    c->max_interval);
}

/* Arms the timer for due (unix seconds, as ev_now: the timer then fires
 * at due whatever time the loop's clock was last updated). */
static void
feed_arm_at(struct feed *f, double due)
{
	struct sched *s = f->sched;
	double delay;

	ev_timer_stop(s->loop, &f->timer);
	if (f->state.gone)
		return;
	delay = due - ev_now(s->loop);
	if (delay < 0)
		delay = 0;
	ev_timer_set(&f->timer, delay, 0.);
	ev_timer_start(s->loop, &f->timer);
}

static void
feed_arm(struct feed *f)
{
	feed_arm_at(f, (double)f->state.next_due);
}

/*
 * The one function that sets a feed's next due time (see the top of the
 * file).  hint: seconds the last response said it stays fresh, or 0.
 */
static void
feed_reschedule(struct feed *f, int64_t hint)
{
	struct due_input in;

	memset(&in, 0, sizeof(in));
	in.now = ev_now(f->sched->loop);
	in.base = feed_base(f);
	in.max_interval = f->sched->conf->max_interval;
	in.failures = f->state.failures;
	in.ttl = f->state.ttl;
	in.hint = hint;
	in.retry_after = f->state.retry_after;
	in.host_hold = f->host->hold_until;
	in.skip_hours = f->state.skip_hours;
	in.skip_days = f->state.skip_days;
	in.fraction = due_random_fraction;
	feed_arm_at(f, due_next(&in, &f->state.next_due));
}

/* --- HTTP hints */

/* Seconds from Cache-Control max-age, else from Expires; 0 if none. */
static int64_t
http_freshness(const struct fetch_result *res, int64_t now)
{
	const char *p, *end;
	int64_t t, v;

	if (res->cache_control != NULL) {
		for (p = res->cache_control; *p != '\0'; p++) {
			if ((p == res->cache_control || p[-1] == ',' ||
			    p[-1] == ' ' || p[-1] == '\t') &&
			    strncasecmp(p, "max-age", 7) == 0) {
				p += 7;
				while (*p == ' ')
					p++;
				if (*p != '=')
					break;
				p++;
				if (*p == '"')
					p++;
				/* Saturates: max-age=99999999999999999999
				 * is a long time, not an error. */
				v = sat_parse_digits(p, &end);
				if (v < 0)
					break;
				return v;
			}
		}
		/* max-age wins over Expires (RFC 9111 5.3), even when it
		 * could not be read: then there is no hint. */
		if (strcasestr(res->cache_control, "max-age") != NULL)
			return 0;
	}
	if (res->expires != NULL && date_parse(res->expires, &t) == 0 &&
	    t > now)
		return sat_sub(t, now);
	return 0;
}

/* Retry-After as unix seconds (delay-seconds or an HTTP date), 0 if
 * absent, unreadable or past. */
static int64_t
retry_after(const char *v, int64_t now)
{
	const char *end;
	int64_t n, t;

	if (v == NULL)
		return 0;
	while (*v == ' ')
		v++;
	if (isdigit((unsigned char)*v)) {
		/* Any number of digits: the caller clamps the result. */
		n = sat_parse_digits(v, &end);
		while (*end == ' ')
			end++;
		if (*end == '\0' && n > 0)
			return sat_add(now, n);
		return 0;
	}
	if (date_parse(v, &t) == 0 && t > now)
		return t;
	return 0;
}

/* --- outcomes */

static void
feed_save(struct feed *f)
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
feed_failed(struct feed *f, const char *cls, int http_status,
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
feed_succeeded(struct feed *f, int http_status)
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
	f->state.last_success = wall_now(f->sched);
}

/* Counts the permanent redirect of a successful fetch toward adopting
 * its target (see the top of the file). */
static void
feed_redirects(struct feed *f, const struct fetch_result *res)
{
	const char *to = res->effective_url;

	if (!res->permanent_redirect || to == NULL ||
	    strcmp(to, feed_url(f)) == 0) {
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
	    feed_url(f), to);
	set_string(&f->state.current_url, to);
	free(f->state.redirect_target);
	f->state.redirect_target = NULL;
	f->state.redirect_seen = 0;
	f->host = host_get(f->sched, feed_url(f));
}

/* interval = auto: the mean gap between the feed's publications over the
 * last weeks; with fewer than two, the feed is quiet: max_interval. */
static void
feed_adapt(struct feed *f)
{
	struct sched *s = f->sched;
	int64_t *times = NULL, now = wall_now(s), iv;
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

/*
 * Parses a fetched document into the store, in one transaction, and
 * keeps the document's scheduling hints.  Returns 0, or -1 with a reason
 * in *errstr and the class ("parse" or "store") in *cls.
 */
static int
feed_store_document(struct feed *f, const struct fetch_result *res,
    const char **cls, char **errstr)
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
	memset(&dc, 0, sizeof(dc));
	charset = content_type_charset(res->content_type);
	opts.url = res->effective_url != NULL ? res->effective_url :
	    feed_url(f);
	opts.charset = charset;
	opts.max_size = s->conf->max_size;
	dc.store = s->store;
	dc.now = wall_now(s);
	sink.entry = count_entry;
	sink.arg = &dc;

	*cls = "store";
	if (store_doc_begin(s->store, f->id) == -1) {
		*errstr = xasprintf("database: %s", store_errmsg(s->store));
		free(charset);
		return -1;
	}
	store_doc_articles(s->store, (enum store_articles)
	    conf_feed_full_content(s->conf, f->conf),
	    (size_t)conf_feed_min_words(s->conf, f->conf));
	rc = feed_parse(res->body, res->len, &opts, &sink, &info, errstr);
	if (rc == -1 && !dc.store_failed)
		*cls = "parse";
	/* Broken markup from which not one entry could be read is a
	 * failure, not an empty feed: "ok, 0 entries" would hide it. */
	if (rc == 0 && (info.flags & FEED_RECOVERED) && dc.seen == 0) {
		*cls = "parse";
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
	free(charset);
	return rc;
}

/* A 410: polling stops until the configured URL changes or a refresh. */
static void
feed_gone(struct feed *f, const struct fetch_result *res)
{
	feed_failed(f, "gone", (int)res->http_code,
	    "HTTP 410 Gone: the feed was removed; polling stopped");
	f->state.gone = 1;
	f->state.next_due = 0;
	ev_timer_stop(f->sched->loop, &f->timer);
}

static void
feed_free(struct feed *f)
{
	ev_timer_stop(f->sched->loop, &f->timer);
	store_feed_state_reset(&f->state);
	free(f->name);
	free(f);
}

/* Reads the saved state again (after the URL changed in the store). */
static void
feed_reload_state(struct feed *f)
{
	struct sched *s = f->sched;

	store_feed_state_reset(&f->state);
	if (store_feed_state_get(s->store, f->id, &f->state) == -1)
		log_warnx("feed %s: database: %s", f->name,
		    store_errmsg(s->store));
	f->state.next_due = wall_now(s);	/* a new URL: poll at once */
	f->host = host_get(s, feed_url(f));
	feed_arm(f);
}

static void
fetch_done(void *arg, const struct fetch_result *res)
{
	struct feed *f = arg;
	struct sched *s = f->sched;
	const char *cls;
	char *error = NULL;
	int64_t now, hint = 0, until;

	f->in_flight = 0;
	if (f->conf == NULL) {
		/* Removed by a reload while in flight. */
		TAILQ_REMOVE(&s->removed, f, removed);
		feed_free(f);
		return;
	}
	if (res->status == FETCH_ABORTED)
		return;		/* shutting down: keep the saved state */
	if (f->stale) {
		/* Fetched from the URL of before a reload: drop it. */
		f->stale = 0;
		feed_reload_state(f);
		return;
	}

	now = wall_now(s);
	switch (res->status) {
	case FETCH_OK:
		metrics.fetch_bytes += res->len;
		if (feed_store_document(f, res, &cls, &error) == -1) {
			metrics.fetches[strcmp(cls, "parse") == 0 ?
			    METRICS_FETCH_PARSE_ERROR :
			    METRICS_FETCH_STORE_ERROR]++;
			feed_failed(f, cls, (int)res->http_code,
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
		hint = http_freshness(res, now);
		break;
	case FETCH_NOT_MODIFIED:
		/* No parse, no entry writes: only the state below. */
		metrics.fetches[METRICS_FETCH_NOT_MODIFIED]++;
		log_debug("feed %s: not modified", f->name);
		feed_succeeded(f, (int)res->http_code);
		feed_redirects(f, res);
		hint = http_freshness(res, now);
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
			/* now + 1: whole seconds, never shorter. */
			until = retry_after(res->retry_after, now + 1);
			if (until > sat_add(now, s->conf->max_interval))
				until = sat_add(now, s->conf->max_interval);
		}
		f->state.retry_after = until;
		feed_failed(f, "http", (int)res->http_code,
		    res->error != NULL ? res->error : "HTTP error");
		if (until > 0) {
			log_debug("feed %s: Retry-After: no request to %s "
			    "for %lld s", f->name, f->host->name,
			    (long long)(until - now));
			host_hold(s, f, until);
		}
		break;
	case FETCH_NET_ERROR:
	case FETCH_ABORTED:
		metrics.fetches[METRICS_FETCH_NET_ERROR]++;
		f->state.retry_after = 0;
		feed_failed(f, res->error_class != NULL ? res->error_class :
		    "network", (int)res->http_code, res->error != NULL ?
		    res->error : "fetch failed");
		break;
	}
	feed_reschedule(f, hint);
	feed_save(f);
	if (f->refresh) {
		/* The request in flight may predate what the user wants
		 * to see: poll once more, now. */
		f->refresh = 0;
		ev_timer_stop(s->loop, &f->timer);
		feed_poll(f);
	}
}

static void
feed_poll(struct feed *f)
{
	struct sched *s = f->sched;
	struct fetch_request req;

	if (f->in_flight)
		return;
	memset(&req, 0, sizeof(req));
	req.url = feed_url(f);
	req.etag = f->state.etag;
	req.last_modified = f->state.last_modified;
	req.user_agent = conf_feed_user_agent(s->conf, f->conf);
	f->state.last_attempt = wall_now(s);
	log_debug("feed %s: fetching %s", f->name, req.url);
	if (fetch_start(s->fetcher, &req, fetch_done, f) == -1) {
		feed_failed(f, "network", 0, "could not start the request");
		feed_reschedule(f, 0);
		feed_save(f);
		return;
	}
	f->in_flight = 1;
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct feed *f = (struct feed *)w;	/* timer is the first member */
	int64_t now = (int64_t)ev_now(loop);

	(void)revents;
	/* Another feed on this host was told to retry later. */
	if (f->host->hold_until > now) {
		f->state.next_due = due_after_hold(f->host->hold_until, now,
		    f->state.skip_hours, f->state.skip_days,
		    due_random_fraction);
		feed_arm(f);
		return;
	}
	feed_poll(f);
}

/* --- set-up */

static void
feed_store_settings(struct sched *s, struct feed *f)
{
	const struct conf_feed *cf = f->conf;

	if (store_feed_set_tags(s->store, f->id, cf->tags, cf->ntags) == -1 ||
	    store_feed_retention(s->store, f->id,
	    cf->keep_days == CONF_INHERIT ? -1 : cf->keep_days,
	    cf->keep_entries == CONF_INHERIT ? -1 : cf->keep_entries) == -1)
		log_warnx("feed %s: database: %s", f->name,
		    store_errmsg(s->store));
}

/* A new struct feed for cf, its state read and its timer armed. */
static struct feed *
feed_new(struct sched *s, const struct conf_feed *cf, int *nnew,
    char **errstr)
{
	struct feed *f;
	int64_t now = wall_now(s);

	f = xcalloc(1, sizeof(*f));
	f->sched = s;
	f->conf = cf;
	f->name = xstrdup(cf->name);
	ev_timer_init(&f->timer, timer_cb, 0., 0.);
	f->id = store_feed_ensure(s->store, cf->name, cf->url, cf->title);
	if (f->id == -1 ||
	    store_feed_state_get(s->store, f->id, &f->state) == -1) {
		*errstr = xasprintf("feed %s: database: %s", cf->name,
		    store_errmsg(s->store));
		feed_free(f);
		return NULL;
	}
	feed_store_settings(s, f);
	f->host = host_get(s, feed_url(f));
	if (f->state.retry_after > now)
		host_hold(s, f, f->state.retry_after);
	if (f->state.gone) {
		log_info("feed %s: gone (HTTP 410); not polled", f->name);
		return f;
	}
	if (f->state.next_due == 0) {
		/* Never polled: at once (the fetcher paces the burst). */
		f->state.next_due = due_skip(now, f->state.skip_hours,
		    f->state.skip_days);
		(*nnew)++;
	}
	feed_arm(f);
	return f;
}

static void
apply_fetch_limits(struct sched *s)
{
	const struct conf *c = s->conf;

	fetch_set_limits(s->fetcher, c->max_connections,
	    c->per_host_connections, (double)c->host_delay, c->max_size);
	store_set_retention(s->store, c->keep_days, c->keep_entries);
}

/* Retires the store's feeds that the config no longer has. */
static void
retire_absent(struct sched *s)
{
	const char **names;
	size_t i;

	names = xcalloc(s->conf->nfeeds + 1, sizeof(*names));
	for (i = 0; i < s->conf->nfeeds; i++)
		names[i] = s->conf->feeds[i].name;
	if (store_feed_retire_absent(s->store, names, s->conf->nfeeds,
	    wall_now(s)) == -1)
		log_warnx("retiring removed feeds: %s",
		    store_errmsg(s->store));
	free(names);
}

struct sched *
sched_new(struct ev_loop *loop, const struct conf *conf, struct store *store,
    struct fetcher *fetcher, char **errstr)
{
	struct sched *s;
	struct feed *f;
	size_t i;
	int nnew = 0;

	s = xcalloc(1, sizeof(*s));
	s->loop = loop;
	s->conf = conf;
	s->store = store;
	s->fetcher = fetcher;
	TAILQ_INIT(&s->removed);
	for (i = 0; i < HOST_BUCKETS; i++)
		LIST_INIT(&s->hosts[i]);
	srandom((unsigned int)time(NULL) ^ (unsigned int)getpid());
	apply_fetch_limits(s);
	s->feeds = xcalloc(conf->nfeeds + 1, sizeof(*s->feeds));
	for (i = 0; i < conf->nfeeds; i++) {
		f = feed_new(s, &conf->feeds[i], &nnew, errstr);
		if (f == NULL) {
			sched_free(s);
			return NULL;
		}
		s->feeds[s->nfeeds++] = f;
	}
	retire_absent(s);
	log_info("%zu feeds, %d new", s->nfeeds, nnew);
	return s;
}

void
sched_free(struct sched *s)
{
	struct sched_host *h;
	struct feed *f;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nfeeds; i++)
		feed_free(s->feeds[i]);
	while ((f = TAILQ_FIRST(&s->removed)) != NULL) {
		TAILQ_REMOVE(&s->removed, f, removed);
		feed_free(f);
	}
	for (i = 0; i < HOST_BUCKETS; i++)
		while ((h = LIST_FIRST(&s->hosts[i])) != NULL) {
			LIST_REMOVE(h, hash);
			free(h->name);
			free(h);
		}
	free(s->feeds);
	free(s);
}

static struct feed *
find_feed(const struct sched *s, const char *name)
{
	size_t i;

	/* During a reload, removed feeds leave NULL slots. */
	for (i = 0; i < s->nfeeds; i++)
		if (s->feeds[i] != NULL &&
		    strcmp(s->feeds[i]->name, name) == 0)
			return s->feeds[i];
	return NULL;
}

static int
feed_cmp(const void *a, const void *b)
{
	const struct feed *fa = *(struct feed *const *)a;
	const struct feed *fb = *(struct feed *const *)b;

	return strcmp(fa->name, fb->name);
}

static int
feed_name_cmp(const void *key, const void *elem)
{
	const struct feed *f = *(struct feed *const *)elem;

	return strcmp(key, f->name);
}

int
sched_reload(struct sched *s, const struct conf *newconf)
{
	const struct conf_feed *cf;
	struct feed **feeds, **old, **match, **p, *f;
	char *errstr = NULL, *oldurl;
	size_t i, n = 0;
	int nnew = 0, rc = 0;
	int64_t id;

	/* Matched by name through a sorted copy: thousands of feeds must
	 * not cost a quadratic pause of the loop. */
	old = xcalloc(s->nfeeds + 1, sizeof(*old));
	if (s->nfeeds > 0)
		memcpy(old, s->feeds, s->nfeeds * sizeof(*old));
	qsort(old, s->nfeeds, sizeof(*old), feed_cmp);
	match = xcalloc(newconf->nfeeds + 1, sizeof(*match));
	for (i = 0; i < newconf->nfeeds; i++) {
		p = bsearch(newconf->feeds[i].name, old, s->nfeeds,
		    sizeof(*old), feed_name_cmp);
		if (p != NULL) {
			match[i] = *p;
			(*p)->kept = 1;
		}
	}
	free(old);

	feeds = xcalloc(newconf->nfeeds + 1, sizeof(*feeds));
	/* Removed feeds first, while their old conf is still valid. */
	for (i = 0; i < s->nfeeds; i++) {
		f = s->feeds[i];
		if (f->kept) {
			f->kept = 0;
			continue;
		}
		log_info("feed %s: removed from the configuration", f->name);
		ev_timer_stop(s->loop, &f->timer);
		if (f->in_flight) {
			f->conf = NULL;
			TAILQ_INSERT_TAIL(&s->removed, f, removed);
		} else
			feed_free(f);
		s->feeds[i] = NULL;
	}
	s->conf = newconf;
	apply_fetch_limits(s);
	for (i = 0; i < newconf->nfeeds; i++) {
		cf = &newconf->feeds[i];
		f = match[i];
		if (f == NULL) {
			f = feed_new(s, cf, &nnew, &errstr);
			if (f == NULL) {
				log_warnx("%s", errstr);
				free(errstr);
				errstr = NULL;
				rc = -1;
				continue;
			}
			log_info("feed %s: added", f->name);
			feeds[n++] = f;
			continue;
		}
		oldurl = xstrdup(f->conf->url);
		f->conf = cf;
		feeds[n++] = f;
		id = store_feed_ensure(s->store, cf->name, cf->url, cf->title);
		if (id == -1) {
			log_warnx("feed %s: database: %s", f->name,
			    store_errmsg(s->store));
			rc = -1;
		} else
			feed_store_settings(s, f);
		if (strcmp(oldurl, cf->url) != 0) {
			/* The store dropped the old URL's validators,
			 * redirects and gone flag: start over, now. */
			log_info("feed %s: URL changed to %s", f->name,
			    cf->url);
			if (f->in_flight)
				f->stale = 1;
			else
				feed_reload_state(f);
		}
		free(oldurl);
	}
	/* s->feeds still holds the feeds kept, now also in feeds[]. */
	free(match);
	free(s->feeds);
	s->feeds = feeds;
	s->nfeeds = n;
	retire_absent(s);
	log_info("configuration reloaded: %zu feeds, %d new", n, nnew);
	return rc;
}

/* A refresh: poll now, or right after the request in flight. */
static void
feed_poll_now(struct feed *f)
{
	if (f->in_flight) {
		f->refresh = 1;
		return;
	}
	ev_timer_stop(f->sched->loop, &f->timer);
	feed_poll(f);
}

int
sched_refresh(struct sched *s, const char *name)
{
	struct feed *f;
	size_t i;

	if (name != NULL) {
		f = find_feed(s, name);
		if (f == NULL)
			return -1;
		feed_poll_now(f);
		return 0;
	}
	for (i = 0; i < s->nfeeds; i++)
		feed_poll_now(s->feeds[i]);
	return 0;
}

void
sched_summary(const struct sched *s, size_t *nfeeds, size_t *nfailing)
{
	size_t i, n = 0;

	for (i = 0; i < s->nfeeds; i++)
		n += (size_t)due_failing(s->feeds[i]->state.gone,
		    s->feeds[i]->state.failures, s->feeds[i]->state.last_error);
	*nfeeds = s->nfeeds;
	*nfailing = n;
}

int64_t
sched_next_due(const struct sched *s, const char *name)
{
	struct feed *f;

	f = find_feed(s, name);
	if (f == NULL)
		return -1;
	if (f->in_flight || f->state.gone || !ev_is_active(&f->timer))
		return 0;
	return f->state.next_due;
}
