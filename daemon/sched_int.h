/*
 * sched_int.h: what sched.c and poll.c share, and nobody else sees.
 *
 * sched.c owns the feeds (struct sched_feed), their timers, the config
 * and reloads; poll.c owns what happens between a timer firing and the
 * next due time: the request, and the outcome of the fetch (storing the
 * document, success, failure, redirects, the adaptive interval).  Both
 * work on the same structs; everything else goes through sched.h.
 */
#ifndef FEEDD_SCHED_INT_H
#define FEEDD_SCHED_INT_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "storage/store.h"

struct conf;
struct conf_feed;
struct fetcher;
struct fetch_host;

struct sched_feed {
	ev_timer		 timer;	/* first: see timer_cb */
	struct sched		*sched;
	const struct conf_feed	*conf;	/* NULL once removed by a reload */
	char			*name;	/* own copy: outlives a reload */
	struct fetch_host	*host;	/* the fetcher's record */
	int64_t			 id;
	struct store_feed_state	 state;
	int			 in_flight;
	int			 refresh;	/* poll again once in flight */
	int			 stale;	/* URL changed while in flight */
	int			 kept;	/* sched_reload: still configured */
	TAILQ_ENTRY(sched_feed)	 removed;
};

TAILQ_HEAD(sched_feed_list, sched_feed);

struct sched {
	struct ev_loop		*loop;
	const struct conf	*conf;
	struct store		*store;
	struct fetcher		*fetcher;
	struct sched_feed	**feeds;
	size_t			 nfeeds;
	struct sched_feed_list	 removed;	/* dropped while in flight */
};

/* --- sched.c */

/* The loop's time in whole seconds (unix time, as ev_now). */
int64_t		 sched_now(const struct sched *s);
/* The URL polled: the configured one, or the adopted redirect target. */
const char	*sched_feed_url(const struct sched_feed *f);
/* Sets f's next due time from its state (due.c) and arms its timer;
 * hint: seconds the last response said it stays fresh, or 0. */
void		 sched_reschedule(struct sched_feed *f, int64_t hint);
/* Stops f's timer and frees it. */
void		 sched_feed_free(struct sched_feed *f);
/* Reads f's saved state again after its URL changed, and polls it at
 * once. */
void		 sched_feed_restart(struct sched_feed *f);

/* --- poll.c */

/* Starts f's fetch, unless one is in flight; a request that cannot even
 * start counts as a failure and is rescheduled. */
void		 poll_start(struct sched_feed *f);

#endif
