/*
 * due.c: the arithmetic of a feed's next due time, and what "failing"
 * means.
 *
 * Pure functions: no loop, no network, no database, no state.  The
 * scheduler owns the feeds and their timers and calls in here with
 * numbers; the one impure thing is the jitter, drawn through a function
 * the caller passes (due_random_fraction in the daemon, a constant in
 * tests), once for the wait and once more for each hold that pushes the
 * time later.
 *
 * The order of the rules (see due.h) is the contract: the wait first
 * (backoff or hints), then the feed's Retry-After, then the host's hold,
 * then skipHours/skipDays, so that a skipped hour always wins and a hold
 * is never shortened by jitter.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "due.h"
#include "base/util.h"

#define DUE_JITTER	0.10		/* up to 10% added to a wait */

static double
due_jitter(const struct due_input *in, double wait)
{
	if (in->fraction == NULL)
		return 0.;
	return wait * DUE_JITTER * in->fraction();
}

double
due_random_fraction(void)
{
	return (double)(random() % 1000000) / 1000000.0;
}

int64_t
due_base(int64_t configured, int is_auto, int64_t learned,
    int64_t min_interval, int64_t max_interval)
{
	int64_t base = configured;

	if (is_auto && learned > 0) {
		base = learned;
		if (base < min_interval)
			base = min_interval;
		if (base > max_interval)
			base = max_interval;
	}
	return base;
}

/* The wait before jitter and holds: backoff after a failure, the
 * publisher's hints after a success. */
static int64_t
due_wait(const struct due_input *in)
{
	int64_t base, wait;
	int i;

	base = wait = in->base;
	if (in->failures > 0) {
		for (i = 1; i < in->failures && wait < in->max_interval; i++)
			wait *= 2;
		if (wait > in->max_interval)
			wait = in->max_interval;
		return wait;
	}
	if (in->ttl > wait)
		wait = in->ttl;
	if (in->hint > wait)
		wait = in->hint;
	/* A hint never stretches past max_interval, but neither does it
	 * shorten a longer configured interval. */
	if (wait > in->max_interval)
		wait = base > in->max_interval ? base : in->max_interval;
	return wait;
}

double
due_next(const struct due_input *in, int64_t *saved)
{
	int64_t wait, t;
	double due, j;

	wait = due_wait(in);
	/* The jitter spreads polls out but never past max_interval (a
	 * longer configured interval gets none). */
	j = due_jitter(in, (double)wait);
	if ((double)wait + j > (double)in->max_interval)
		j = wait < in->max_interval ?
		    (double)(in->max_interval - wait) : 0.;
	due = in->now + (double)wait + j;
	if (in->failures > 0 && in->retry_after > due)
		due = (double)in->retry_after +
		    due_jitter(in, (double)in->retry_after - in->now);
	if (in->host_hold > due)
		due = (double)in->host_hold +
		    due_jitter(in, (double)in->host_hold - in->now);
	*saved = sat_add(sat_from_double(due), 1);
	t = due_skip(*saved, in->skip_hours, in->skip_days);
	if (t != *saved) {
		*saved = t;
		due = (double)t;
	}
	return due;
}

int64_t
due_after_hold(int64_t hold, int64_t now, uint32_t skip_hours,
    uint32_t skip_days, due_fraction_fn fraction)
{
	struct due_input in = { .fraction = fraction };

	return due_skip(sat_add(hold, (int64_t)due_jitter(&in,
	    (double)(hold - now))), skip_hours, skip_days);
}

int64_t
due_skip(int64_t t, uint32_t skip_hours, uint32_t skip_days)
{
	uint32_t hours = skip_hours & 0xffffffu;
	uint32_t days = skip_days & 0x7fu;
	struct tm tm;
	time_t tt;
	int i;

	if (hours == 0xffffffu)
		hours = 0;
	if (days == 0x7fu)
		days = 0;
	if (hours == 0 && days == 0)
		return t;
	/* At most a week of hours to look at. */
	for (i = 0; i < 24 * 8; i++) {
		tt = (time_t)t;
		if (gmtime_r(&tt, &tm) == NULL)
			return t;
		if (!(hours & (1u << tm.tm_hour)) &&
		    !(days & (1u << tm.tm_wday)))
			return t;
		/* The next hour's start. */
		t = sat_add(t - t % 3600, 3600);
	}
	return t;
}

int64_t
due_auto_interval(const int64_t *times, size_t n, int64_t max_interval)
{
	int64_t span;

	if (n < 2)
		return max_interval;
	/* Dates may lie anywhere in int64_t's range. */
	span = sat_sub(times[n - 1], times[0]);
	/* Undated entries all count as seen now: no evidence. */
	return span > 0 ? span / (int64_t)(n - 1) : 0;
}

int
due_failing(int gone, int failures, const char *last_error)
{
	return gone || failures > 0 ||
	    (last_error != NULL && *last_error != '\0');
}
