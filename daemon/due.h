/*
 * due.h: when a feed is next due, as pure functions of its numbers.
 *
 * The scheduler (sched.c, poll.c) gathers a feed's numbers into a struct
 * due_input and asks due_next for the time to arm its timer at; nothing
 * here knows the loop, the network or the database, so every rule can be
 * tested with a table of numbers.  Times are unix seconds as ev_now
 * gives them; every addition saturates (base/util.h), so a publisher's
 * extreme number gives the longest wait, never an overflow.
 *
 * due.c also holds the one definition of a "failing" feed, which the
 * systemd status line, /status, the page and `feedd status` all use.
 */
#ifndef FEEDD_DUE_H
#define FEEDD_DUE_H

#include <stddef.h>
#include <stdint.h>

/* A source of uniformly random fractions in [0, 1), for the jitter. */
typedef double	(*due_fraction_fn)(void);

struct due_input {
	double		 now;		/* unix seconds, fractions kept */
	int64_t		 base;		/* the interval (due_base) */
	int64_t		 max_interval;	/* the longest wait, config's */
	int		 failures;	/* consecutive, 0 after a success */
	int64_t		 ttl;		/* publisher's <ttl> or update
					 * period, seconds, or 0 */
	int64_t		 hint;		/* HTTP freshness of the last
					 * response, seconds, or 0 */
	int64_t		 retry_after;	/* the feed's Retry-After, or 0 */
	int64_t		 host_hold;	/* its host's Retry-After, or 0 */
	uint32_t	 skip_hours;	/* bit h: skip hour h (UTC) */
	uint32_t	 skip_days;	/* bit d: skip day d (0 = Sunday) */
	due_fraction_fn	 fraction;	/* jitter source; NULL: no jitter */
};

/*
 * The interval a feed's configuration and publishing ask for: the
 * configured one (already clamped by the config), or with interval =
 * auto and a learned interval > 0, the learned one clamped to
 * [min_interval, max_interval].
 */
int64_t	 due_base(int64_t configured, int is_auto, int64_t learned,
	    int64_t min_interval, int64_t max_interval);

/*
 * The next due time of a poll that just ended:
 *	failure	base doubled per consecutive failure after the first, up
 *		to max_interval; no earlier than retry_after;
 *	success	widened (never narrowed) by ttl and hint, but a hint never
 *		stretches past max_interval (a longer base stays);
 *	jitter	up to 10% of the wait added;
 *	host	no earlier than host_hold;
 *	skip	moved out of skipped hours and days.
 * Returns when to arm the timer (fractions kept) and sets *saved to the
 * whole second to save, rounded up so that a restart is never early.
 */
double	 due_next(const struct due_input *in, int64_t *saved);

/*
 * A timer that fired while its host is held until hold (> now): the new
 * due time, hold plus up to 10% of the time left as jitter, moved out of
 * the skipped hours and days.
 */
int64_t	 due_after_hold(int64_t hold, int64_t now, uint32_t skip_hours,
	    uint32_t skip_days, due_fraction_fn fraction);

/*
 * t moved forward out of the skipped hours and days (UTC, the RSS
 * skipHours/skipDays masks); a mask that skips every hour (or every
 * day) would stop the feed for good and is ignored.
 */
int64_t	 due_skip(int64_t t, uint32_t skip_hours, uint32_t skip_days);

/*
 * interval = auto: the mean gap between n publication times (ascending,
 * from the last weeks); with fewer than two, the feed is quiet:
 * max_interval.  0 if every time is the same (no evidence).
 */
int64_t	 due_auto_interval(const int64_t *times, size_t n,
	    int64_t max_interval);

/* The jitter source of the daemon: random(), seeded by the sched. */
double	 due_random_fraction(void);

/*
 * The one definition of a failing feed: gone (HTTP 410), or its last
 * poll failed (failures > 0, or an error text is kept).  Retired feeds
 * are the caller's to leave out.  Returns 1 or 0.
 */
int	 due_failing(int gone, int failures, const char *last_error);

#endif
