/*
 * fetch_host.c: the one per-host table of the daemon.
 *
 * Each host (the URL's host name, lower case, port ignored) has a record
 * with a FIFO of its requests.  A host whose queue is not empty and that
 * may start one now sits on the ready list; one that waits for
 * host_delay has its own ev_timer that puts it back.  Dispatch (fetch.c)
 * takes hosts from the ready list round robin, so one host with a
 * thousand feeds cannot starve the others.  Host records live as long as
 * the fetcher (one per distinct host, a few dozen bytes each), so the
 * scheduler may keep pointers to them (fetch_host_get).  The host is the
 * one of the requested URL; redirects to other hosts are not counted
 * against them.
 *
 * A host may also be held (fetch_hold_host: a Retry-After the scheduler
 * received): its queue then waits on the same timer as for host_delay,
 * and the scheduler reads the hold (fetch_host_held_until) to move the
 * due times of the host's other feeds past it.  A hold that is over is
 * cleared when the host's queue is next looked at.
 */
#include "config.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "fetch.h"
#include "fetch_int.h"
#include "base/util.h"
#include "parsers/uri.h"

static void
host_wait_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fetch_host *h = w->data;

	(void)loop;
	(void)revents;
	fetch_host_update(h);
	fetch_dispatch(h->f);
}

struct fetch_host *
fetch_host_get(struct fetcher *f, const char *url)
{
	struct fetch_host *h;
	char *name;
	unsigned int i;

	name = uri_host(url);
	i = str_hash(name) % FETCH_HOST_BUCKETS;
	LIST_FOREACH(h, &f->hosts[i], hash) {
		if (strcmp(h->name, name) == 0) {
			free(name);
			return h;
		}
	}
	h = xcalloc(1, sizeof(*h));
	h->f = f;
	h->name = name;
	TAILQ_INIT(&h->queue);
	ev_timer_init(&h->wait, host_wait_cb, 0., 0.);
	h->wait.data = h;
	LIST_INSERT_HEAD(&f->hosts[i], h, hash);
	return h;
}

const char *
fetch_host_name(const struct fetch_host *h)
{
	return h->name;
}

double
fetch_host_held_until(const struct fetch_host *h)
{
	return h->hold_until;
}

void
fetch_host_update(struct fetch_host *h)
{
	struct fetcher *f = h->f;
	ev_tstamp left = 0.;
	int ready;

	ready = !TAILQ_EMPTY(&h->queue) &&
	    (f->per_host <= 0 || h->nactive < f->per_host);
	if (ready && h->started && f->host_delay > 0.) {
		left = h->last_start + f->host_delay - ev_now(f->loop);
		if (left > 0.)
			ready = 0;
	}
	if (!TAILQ_EMPTY(&h->queue) && h->hold_until > 0.) {
		if (h->hold_until - ev_now(f->loop) > left)
			left = h->hold_until - ev_now(f->loop);
		if (left > 0.)
			ready = 0;
		else
			h->hold_until = 0.;
	}
	if (ready && !h->in_ready) {
		TAILQ_INSERT_TAIL(&f->ready, h, ready);
		h->in_ready = 1;
	} else if (!ready && h->in_ready) {
		TAILQ_REMOVE(&f->ready, h, ready);
		h->in_ready = 0;
	}
	if (left > 0. && !TAILQ_EMPTY(&h->queue) && !ev_is_active(&h->wait)) {
		ev_timer_set(&h->wait, left, 0.);
		ev_timer_start(f->loop, &h->wait);
	}
}

void
fetch_hold_host(struct fetcher *f, const char *url, double until)
{
	struct fetch_host *h;

	if (f->closing || until <= ev_now(f->loop))
		return;
	h = fetch_host_get(f, url);
	if (until <= h->hold_until)
		return;
	h->hold_until = until;
	/* The wait timer may be set for an earlier host_delay: re-arm. */
	ev_timer_stop(f->loop, &h->wait);
	fetch_host_update(h);
}
