/*
 * sched.h: the polling schedule and the path of one poll:
 * due -> fetch -> parse -> store -> next due.
 *
 * One struct sched owns one struct feed per configured subscription, each
 * with its own ev_timer.  A feed's next due time is set only through one
 * function, which applies the interval, the publisher's hints, back-off,
 * jitter and the clamps.
 *
 * The sched also applies the fetch-related settings of the config to the
 * fetcher (max_connections, per_host_connections, host_delay, max_size)
 * when it is created and on every reload, and sets each feed's tags and
 * retention in the store: main.c only hands it the config.
 */
#ifndef FEEDD_SCHED_H
#define FEEDD_SCHED_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct conf;
struct store;
struct fetcher;
struct sched;

/* conf, store and fetcher are borrowed and must outlive the sched (the
 * fetcher must be freed first: its aborted transfers call back into the
 * sched's feeds). */
struct sched	*sched_new(struct ev_loop *loop, const struct conf *conf,
		    struct store *store, struct fetcher *fetcher,
		    char **errstr);
void		 sched_free(struct sched *s);

/*
 * Switches to newconf (borrowed from now on; the caller frees the old
 * config after this call returns).  Feeds new in newconf are polled at
 * once (as the fetcher's limits allow); feeds no longer in it stop (a
 * fetch in flight is finished and dropped) and are retired in the store;
 * changed settings apply from each feed's next poll, and a changed URL
 * starts over with no validators, polled at once.  Returns 0, or -1 if
 * the database failed for some feed (logged with the feed's name; the
 * others are switched, and the sched uses newconf either way).
 */
int		 sched_reload(struct sched *s, const struct conf *newconf);

/* Polls the named feed now (NULL: every feed, each host's queue still
 * spacing them); a feed with a fetch in flight polls again once that
 * fetch is over (the request may be for news newer than it).  Returns
 * 0, or -1 if there is no feed of that name. */
int		 sched_refresh(struct sched *s, const char *name);

/* How many feeds, and how many of them are failing (due_failing: their
 * last poll failed, or they are gone). */
void		 sched_summary(const struct sched *s, size_t *nfeeds,
		    size_t *nfailing);

/* The named feed's next due time (unix seconds), 0 if it is not
 * scheduled (gone, or in flight), or -1 if there is no such feed.  For
 * status pages and tests. */
int64_t		 sched_next_due(const struct sched *s, const char *name);

#endif
