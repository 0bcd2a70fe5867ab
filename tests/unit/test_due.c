/*
 * test_due.c: daemon/due.c, the next-due arithmetic, from tables.
 *
 * Each row of a table is one case: the numbers the scheduler would hand
 * in and the time it must get back.  No loop, no network, no database:
 * the jitter comes from a fixed fraction set per row.  The end-to-end
 * side (a real fetch setting these numbers) is tests/unit/test_sched.c.
 *
 * NOW is Tuesday 14 November 2023, 22:13:20 UTC.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "daemon/due.h"

#define NOW		INT64_C(1700000000)
#define HOUR		INT64_C(3600)
#define DAY		INT64_C(86400)
#define MIDNIGHT	INT64_C(1700006400)	/* Wednesday 00:00 UTC */
#define NONE		(-1.)			/* no jitter source */

static double	 fixed;

static double
fixed_fraction(void)
{
	return fixed;
}

static const struct next_case {
	const char	*what;
	int64_t		 base, max_interval;
	int		 failures;
	int64_t		 ttl, hint, retry_after, host_hold;
	uint32_t	 skip_hours, skip_days;
	double		 fraction;
	double		 at;		/* seconds after NOW */
	int64_t		 saved;		/* absolute */
} next_cases[] = {
	{ "plain interval", HOUR, DAY, 0, 0, 0, 0, 0, 0, 0, NONE,
	    3600., NOW + HOUR + 1 },
	{ "first failure: the interval", HOUR, DAY, 1, 0, 0, 0, 0, 0, 0,
	    NONE, 3600., NOW + HOUR + 1 },
	{ "third failure: doubled twice", HOUR, DAY, 3, 0, 0, 0, 0, 0, 0,
	    NONE, 14400., NOW + 4 * HOUR + 1 },
	{ "many failures: max_interval", HOUR, DAY, 40, 0, 0, 0, 0, 0, 0,
	    NONE, 86400., NOW + DAY + 1 },
	{ "failures ignore hints", HOUR, DAY, 2, 5 * HOUR, 9 * HOUR, 0, 0,
	    0, 0, NONE, 7200., NOW + 2 * HOUR + 1 },
	{ "failure with Retry-After later", HOUR, DAY, 1, 0, 0,
	    NOW + 2 * HOUR, 0, 0, 0, NONE, 7200., NOW + 2 * HOUR + 1 },
	{ "failure with Retry-After sooner", 4 * HOUR, DAY, 1, 0, 0,
	    NOW + 60, 0, 0, 0, NONE, 14400., NOW + 4 * HOUR + 1 },
	{ "Retry-After counts only after a failure", HOUR, DAY, 0, 0, 0,
	    NOW + 2 * HOUR, 0, 0, 0, NONE, 3600., NOW + HOUR + 1 },
	{ "ttl widens", HOUR, DAY, 0, 2 * HOUR, 0, 0, 0, 0, 0, NONE,
	    7200., NOW + 2 * HOUR + 1 },
	{ "hint beats a shorter ttl", HOUR, DAY, 0, 2 * HOUR, 10000, 0, 0,
	    0, 0, NONE, 10000., NOW + 10000 + 1 },
	{ "a shorter hint does not narrow", 2 * HOUR, DAY, 0, 0, 60, 0, 0,
	    0, 0, NONE, 7200., NOW + 2 * HOUR + 1 },
	{ "hint stops at max_interval", HOUR, DAY, 0, 0, 3 * DAY, 0, 0,
	    0, 0, NONE, 86400., NOW + DAY + 1 },
	{ "ttl stops at max_interval", HOUR, DAY, 0, 3 * DAY, 0, 0, 0,
	    0, 0, NONE, 86400., NOW + DAY + 1 },
	{ "a longer base stays past max_interval", 2 * DAY, DAY, 0, 0,
	    3 * DAY, 0, 0, 0, 0, NONE, 172800., NOW + 2 * DAY + 1 },
	{ "host held", HOUR, DAY, 0, 0, 0, 0, NOW + 50000, 0, 0, NONE,
	    50000., NOW + 50000 + 1 },
	{ "host hold already over", HOUR, DAY, 0, 0, 0, 0, NOW + 10, 0, 0,
	    NONE, 3600., NOW + HOUR + 1 },
	{ "jitter: 10% at most", HOUR, DAY, 0, 0, 0, 0, 0, 0, 0, 0.5,
	    3780., NOW + 3780 + 1 },
	{ "jitter of a fraction of a second, saved rounded up", 7, DAY, 0,
	    0, 0, 0, 0, 0, 0, 0.5, 7.35, NOW + 8 },
	{ "jitter on the Retry-After", HOUR, DAY, 1, 0, 0, NOW + 10000, 0,
	    0, 0, 0.5, 10500., NOW + 10500 + 1 },
	{ "jitter on the host hold", HOUR, DAY, 0, 0, 0, 0, NOW + 20000,
	    0, 0, 0.5, 21000., NOW + 21000 + 1 },
	{ "skipped hour 23: to midnight", HOUR, DAY, 0, 0, 0, 0, 0,
	    1u << 23, 0, NONE, (double)(MIDNIGHT - NOW), MIDNIGHT },
	{ "skipped hour 23 and Wednesday: to Thursday", HOUR, DAY, 0, 0, 0,
	    0, 0, 1u << 23, 1u << 3, NONE, (double)(MIDNIGHT + DAY - NOW),
	    MIDNIGHT + DAY },
	{ "skipped hour not reached", HOUR, DAY, 0, 0, 0, 0, 0, 1u << 5,
	    0, NONE, 3600., NOW + HOUR + 1 },
	{ "every hour skipped: ignored", HOUR, DAY, 0, 0, 0, 0, 0,
	    0xffffffu, 0, NONE, 3600., NOW + HOUR + 1 },
	{ "every day skipped: ignored", HOUR, DAY, 0, 0, 0, 0, 0, 0, 0x7fu,
	    NONE, 3600., NOW + HOUR + 1 },
	{ "skip after a host hold", HOUR, DAY, 0, 0, 0, 0, NOW + 5000,
	    1u << 23 | 1u << 0, 0, NONE, (double)(MIDNIGHT + HOUR - NOW),
	    MIDNIGHT + HOUR },
	{ "extreme hint: max_interval, no jitter past it", HOUR, DAY, 0, 0,
	    INT64_MAX, 0, 0, 0, 0, 0.99, 86400., NOW + DAY + 1 },
	{ "jitter stops at max_interval", HOUR, HOUR + 100, 0, 0, 0, 0, 0,
	    0, 0, 0.5, 3700., NOW + HOUR + 100 + 1 },
	{ "many failures at max_interval: no jitter", HOUR, DAY, 40, 0, 0,
	    0, 0, 0, 0, 0.5, 86400., NOW + DAY + 1 },
	{ "extreme Retry-After saturates", HOUR, DAY, 1, 0, 0, INT64_MAX,
	    0, 0, 0, NONE, 0., INT64_MAX },
};

START_TEST(test_next)
{
	const struct next_case *c = &next_cases[_i];
	struct due_input in = {
		.now = (double)NOW,
		.base = c->base,
		.max_interval = c->max_interval,
		.failures = c->failures,
		.ttl = c->ttl,
		.hint = c->hint,
		.retry_after = c->retry_after,
		.host_hold = c->host_hold,
		.skip_hours = c->skip_hours,
		.skip_days = c->skip_days,
		.fraction = c->fraction == NONE ? NULL : fixed_fraction,
	};
	int64_t saved = 0;
	double at;

	fixed = c->fraction;
	at = due_next(&in, &saved);
	ck_assert_msg(saved == c->saved, "%s: saved %lld, want %lld",
	    c->what, (long long)saved, (long long)c->saved);
	if (c->saved != INT64_MAX)
		ck_assert_msg(at - (double)NOW > c->at - 1e-4 &&
		    at - (double)NOW < c->at + 1e-4,
		    "%s: at now + %f, want now + %f", c->what,
		    at - (double)NOW, c->at);
	/* The timer never fires after the saved time. */
	ck_assert_msg(at <= (double)saved, "%s: armed after the saved time",
	    c->what);
}
END_TEST

static const struct base_case {
	int64_t		 configured;
	int		 is_auto;
	int64_t		 learned, min, max, want;
} base_cases[] = {
	{ 3600, 0, 60, 60, 86400, 3600 },	/* fixed: learned ignored */
	{ 3600, 1, 0, 60, 86400, 3600 },	/* auto, nothing learned */
	{ 3600, 1, 600, 60, 86400, 600 },	/* auto: learned */
	{ 3600, 1, 5, 60, 86400, 60 },		/* ... clamped up */
	{ 3600, 1, 999999, 60, 86400, 86400 },	/* ... clamped down */
	{ 3600, 1, -5, 60, 86400, 3600 },	/* nonsense: configured */
};

START_TEST(test_base)
{
	const struct base_case *c = &base_cases[_i];

	ck_assert_int_eq(due_base(c->configured, c->is_auto, c->learned,
	    c->min, c->max), c->want);
}
END_TEST

static const struct skip_case {
	int64_t		 t;
	uint32_t	 hours, days;
	int64_t		 want;
} skip_cases[] = {
	{ NOW, 0, 0, NOW },
	{ NOW, 1u << 22, 0, MIDNIGHT - HOUR },		/* 22:13 skipped */
	{ NOW, 1u << 22 | 1u << 23, 0, MIDNIGHT },
	{ NOW, 1u << 22 | 1u << 23 | 1u << 0, 0, MIDNIGHT + HOUR },
	{ NOW, 0, 1u << 2, MIDNIGHT },			/* Tuesday */
	{ NOW, 0, 1u << 2 | 1u << 3, MIDNIGHT + DAY },
	{ NOW, 0xffffffu, 0, NOW },			/* all: ignored */
	{ NOW, 0xff000000u, 0, NOW },			/* not hours */
	{ NOW, 0, 0x7fu, NOW },
	{ NOW, 0, 0x80u, NOW },				/* not a day */
	{ MIDNIGHT, 1u << 0, 0, MIDNIGHT + HOUR },
	/* Only Sunday's first hour is left: four days ahead. */
	{ NOW, 0xfffffeu, 0x7eu, MIDNIGHT + 4 * DAY },
};

START_TEST(test_skip)
{
	const struct skip_case *c = &skip_cases[_i];

	ck_assert_int_eq(due_skip(c->t, c->hours, c->days), c->want);
}
END_TEST

START_TEST(test_after_hold)
{
	fixed = 0.5;
	/* 100 s left: up to 10 s of jitter, here half of it. */
	ck_assert_int_eq(due_after_hold(NOW + 100, NOW, 0, 0,
	    fixed_fraction), NOW + 105);
	ck_assert_int_eq(due_after_hold(NOW + 100, NOW, 0, 0, NULL),
	    NOW + 100);
	/* The hold ends in a skipped hour. */
	ck_assert_int_eq(due_after_hold(MIDNIGHT - 10, NOW, 1u << 23, 0,
	    NULL), MIDNIGHT);
	ck_assert_int_eq(due_after_hold(INT64_MAX, NOW, 0, 0,
	    fixed_fraction), INT64_MAX);
}
END_TEST

START_TEST(test_auto_interval)
{
	const int64_t none[] = { 0 };
	const int64_t one[] = { NOW };
	const int64_t even[] = { NOW, NOW + 600, NOW + 1200, NOW + 1800 };
	const int64_t same[] = { NOW, NOW, NOW };
	const int64_t wide[] = { INT64_MIN, INT64_MAX };

	ck_assert_int_eq(due_auto_interval(none, 0, DAY), DAY);
	ck_assert_int_eq(due_auto_interval(one, 1, DAY), DAY);
	ck_assert_int_eq(due_auto_interval(even, 4, DAY), 600);
	ck_assert_int_eq(due_auto_interval(same, 3, DAY), 0);
	ck_assert_int_eq(due_auto_interval(wide, 2, DAY), INT64_MAX);
}
END_TEST

static const struct failing_case {
	int		 gone, failures;
	const char	*last_error;
	int		 want;
} failing_cases[] = {
	{ 0, 0, NULL, 0 },
	{ 0, 0, "", 0 },
	{ 0, 1, NULL, 1 },
	{ 0, 0, "HTTP 500", 1 },
	{ 1, 0, NULL, 1 },
	{ 1, 3, "HTTP 410 Gone", 1 },
};

START_TEST(test_failing)
{
	const struct failing_case *c = &failing_cases[_i];

	ck_assert_int_eq(due_failing(c->gone, c->failures, c->last_error),
	    c->want);
}
END_TEST

START_TEST(test_random_fraction)
{
	double x;
	int i;

	for (i = 0; i < 1000; i++) {
		x = due_random_fraction();
		ck_assert(x >= 0. && x < 1.);
	}
}
END_TEST

#define NELEMS(a)	((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite *s;
	TCase *tc;
	SRunner *sr;
	int failed;

	s = suite_create("due");
	tc = tcase_create("due");
	tcase_add_loop_test(tc, test_next, 0, NELEMS(next_cases));
	tcase_add_loop_test(tc, test_base, 0, NELEMS(base_cases));
	tcase_add_loop_test(tc, test_skip, 0, NELEMS(skip_cases));
	tcase_add_test(tc, test_after_hold);
	tcase_add_test(tc, test_auto_interval);
	tcase_add_loop_test(tc, test_failing, 0, NELEMS(failing_cases));
	tcase_add_test(tc, test_random_fraction);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
