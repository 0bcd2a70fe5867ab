/*
 * sched.c: when each feed is polled: the feeds, their timers, the host
 * holds, reloads and refreshes.  What a poll does once its fetch ends is
 * poll.c's; the arithmetic of the due time is due.c's.
 *
 * Each configured feed gets a struct sched_feed (allocated on its own, so
 * that a fetch in flight can keep pointing at it across a reload)
 * holding its ev_timer (the callback recovers the feed from the
 * watcher), its store id and its saved state (validators, due time,
 * error, redirects, hints).  A feed has at most one fetch in flight: its
 * timer is re-armed only when the fetch is over, and only through
 * sched_reschedule(), the one place that turns interval, hints, failures
 * and jitter into a due time (the arithmetic is due.c's, pure and tested
 * from tables):
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
 * Retry-After on 429/503 holds the whole host: the fetcher keeps the one
 * per-host table (each feed points at its host's record), holds the
 * requests already queued for the host, and timers of other feeds on the
 * host that fire before the hold ends re-arm to after it.  Holds are
 * rebuilt from the feeds' saved retry_after at start-up.
 */
#include "config.h"

#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "conf.h"
#include "due.h"
#include "fetch.h"
#include "log.h"
#include "sched.h"
#include "sched_int.h"
#include "base/util.h"
#include "storage/store.h"

int64_t
sched_now(const struct sched *s)
{
	return (int64_t)ev_now(s->loop);
}

const char *
sched_feed_url(const struct sched_feed *f)
{
	return f->state.current_url != NULL ? f->state.current_url :
	    f->conf->url;
}

/* --- the due time */

/* The interval that the feed's configuration and publishing ask for,
 * within the clamps. */
static int64_t
feed_base(const struct sched_feed *f)
{
	const struct conf *c = f->sched->conf;

	return due_base(conf_feed_interval(c, f->conf),
	    conf_feed_auto(c, f->conf), f->state.interval, c->min_interval,
	    c->max_interval);
}

/* Arms the timer for due (unix seconds, as ev_now: the timer then fires
 * at due whatever time the loop's clock was last updated). */
static void
feed_arm_at(struct sched_feed *f, double due)
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
sched_feed_arm(struct sched_feed *f)
{
	feed_arm_at(f, (double)f->state.next_due);
}

/*
 * The one function that sets a feed's next due time (see the top of the
 * file).  hint: seconds the last response said it stays fresh, or 0.
 */
void
sched_reschedule(struct sched_feed *f, int64_t hint)
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
	in.host_hold = (int64_t)fetch_host_held_until(f->host);
	in.skip_hours = f->state.skip_hours;
	in.skip_days = f->state.skip_days;
	in.fraction = due_random_fraction;
	feed_arm_at(f, due_next(&in, &f->state.next_due));
}

void
sched_feed_free(struct sched_feed *f)
{
	ev_timer_stop(f->sched->loop, &f->timer);
	store_feed_state_reset(&f->state);
	free(f->name);
	free(f);
}

/* Reads the saved state again (after the URL changed in the store). */
void
sched_feed_restart(struct sched_feed *f)
{
	struct sched *s = f->sched;

	store_feed_state_reset(&f->state);
	if (store_feed_state_get(s->store, f->id, &f->state) == -1)
		log_warnx("feed %s: database: %s", f->name,
		    store_errmsg(s->store));
	f->state.next_due = sched_now(s);	/* a new URL: poll at once */
	f->host = fetch_host_get(s->fetcher, sched_feed_url(f));
	sched_feed_arm(f);
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sched_feed *f = (struct sched_feed *)w;	/* first member */
	int64_t now = (int64_t)ev_now(loop), hold;

	(void)revents;
	/* Another feed on this host was told to retry later. */
	hold = (int64_t)fetch_host_held_until(f->host);
	if (hold > now) {
		f->state.next_due = due_after_hold(hold, now,
		    f->state.skip_hours, f->state.skip_days,
		    due_random_fraction);
		sched_feed_arm(f);
		return;
	}
	poll_start(f);
}

/* --- set-up */

static void
feed_store_settings(struct sched *s, struct sched_feed *f)
{
	const struct conf_feed *cf = f->conf;

	if (store_feed_set_tags(s->store, f->id, cf->tags, cf->ntags) == -1 ||
	    store_feed_retention(s->store, f->id,
	    cf->keep_days == CONF_INHERIT ? -1 : cf->keep_days,
	    cf->keep_entries == CONF_INHERIT ? -1 : cf->keep_entries) == -1)
		log_warnx("feed %s: database: %s", f->name,
		    store_errmsg(s->store));
}

/* A new struct sched_feed for cf, its state read and its timer armed. */
static struct sched_feed *
feed_new(struct sched *s, const struct conf_feed *cf, int *nnew,
    char **errstr)
{
	struct sched_feed *f;
	int64_t now = sched_now(s);

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
		sched_feed_free(f);
		return NULL;
	}
	feed_store_settings(s, f);
	f->host = fetch_host_get(s->fetcher, sched_feed_url(f));
	if (f->state.retry_after > now)
		fetch_hold_host(s->fetcher, sched_feed_url(f),
		    (double)f->state.retry_after);
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
	sched_feed_arm(f);
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
	    sched_now(s)) == -1)
		log_warnx("retiring removed feeds: %s",
		    store_errmsg(s->store));
	free(names);
}

struct sched *
sched_new(struct ev_loop *loop, const struct conf *conf, struct store *store,
    struct fetcher *fetcher, char **errstr)
{
	struct sched *s;
	struct sched_feed *f;
	size_t i;
	int nnew = 0;

	s = xcalloc(1, sizeof(*s));
	s->loop = loop;
	s->conf = conf;
	s->store = store;
	s->fetcher = fetcher;
	TAILQ_INIT(&s->removed);
	srandom((unsigned int)time(NULL) ^ (unsigned int)getpid());
	apply_fetch_limits(s);
	s->feeds = xcalloc(conf->nfeeds + 1, sizeof(*s->feeds));
	/* One transaction for every feed's registration. */
	if (store_batch_begin(store) == -1) {
		*errstr = xasprintf("database: %s", store_errmsg(store));
		sched_free(s);
		return NULL;
	}
	for (i = 0; i < conf->nfeeds; i++) {
		f = feed_new(s, &conf->feeds[i], &nnew, errstr);
		if (f == NULL) {
			store_batch_commit(store);
			sched_free(s);
			return NULL;
		}
		s->feeds[s->nfeeds++] = f;
	}
	retire_absent(s);
	if (store_batch_commit(store) == -1) {
		*errstr = xasprintf("database: registering feeds: %s",
		    store_errmsg(store));
		sched_free(s);
		return NULL;
	}
	log_info("%zu feeds, %d new", s->nfeeds, nnew);
	return s;
}

void
sched_free(struct sched *s)
{
	struct sched_feed *f;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nfeeds; i++)
		sched_feed_free(s->feeds[i]);
	while ((f = TAILQ_FIRST(&s->removed)) != NULL) {
		TAILQ_REMOVE(&s->removed, f, removed);
		sched_feed_free(f);
	}
	free(s->feeds);
	free(s);
}

static struct sched_feed *
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
	const struct sched_feed *fa = *(struct sched_feed *const *)a;
	const struct sched_feed *fb = *(struct sched_feed *const *)b;

	return strcmp(fa->name, fb->name);
}

static int
feed_name_cmp(const void *key, const void *elem)
{
	const struct sched_feed *f = *(struct sched_feed *const *)elem;

	return strcmp(key, f->name);
}

/* After a batch of registrations was lost: each feed again, alone. */
static void
register_again(struct sched *s)
{
	struct sched_feed *f;
	const struct conf_feed *cf;
	int64_t id;
	size_t i;

	for (i = 0; i < s->nfeeds; i++) {
		f = s->feeds[i];
		cf = f->conf;
		id = store_feed_ensure(s->store, cf->name, cf->url, cf->title);
		if (id == -1) {
			log_warnx("feed %s: database: %s", f->name,
			    store_errmsg(s->store));
			continue;
		}
		f->id = id;
		feed_store_settings(s, f);
	}
	retire_absent(s);
}

int
sched_reload(struct sched *s, const struct conf *newconf)
{
	const struct conf_feed *cf;
	struct sched_feed **feeds, **old, **match, **p, *f;
	char *errstr = NULL, *oldurl;
	size_t i, n = 0;
	int nnew = 0, rc = 0, batch;
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
			sched_feed_free(f);
		s->feeds[i] = NULL;
	}
	s->conf = newconf;
	apply_fetch_limits(s);
	batch = store_batch_begin(s->store) == 0;
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
				sched_feed_restart(f);
		}
		free(oldurl);
	}
	/* s->feeds still holds the feeds kept, now also in feeds[]. */
	free(match);
	free(s->feeds);
	s->feeds = feeds;
	s->nfeeds = n;
	retire_absent(s);
	if (batch && store_batch_commit(s->store) == -1) {
		log_warnx("database: registering feeds: %s",
		    store_errmsg(s->store));
		rc = -1;
		register_again(s);
	}
	/* The one summary line of a reload. */
	log_info("reloaded: %zu feeds, %d new", n, nnew);
	return rc;
}

/* A refresh: poll now, or right after the request in flight. */
static void
feed_poll_now(struct sched_feed *f)
{
	if (f->in_flight) {
		f->refresh = 1;
		return;
	}
	ev_timer_stop(f->sched->loop, &f->timer);
	poll_start(f);
}

int
sched_refresh(struct sched *s, const char *name)
{
	struct sched_feed *f;
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
	struct sched_feed *f;

	f = find_feed(s, name);
	if (f == NULL)
		return -1;
	if (f->in_flight || f->state.gone || !ev_is_active(&f->timer))
		return 0;
	return f->state.next_due;
}
