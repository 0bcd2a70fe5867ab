/*
 * test_date.c: date_parse on the formats feeds use, refusals of
 * impossible dates, date_from_civil against known instants, and the two
 * formatters, including before 1970 and before year 0.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "parsers/date.h"
#include "test_seed.h"

struct good {
	const char	*in;
	const char	*want;	/* RFC 3339 UTC */
};

static const struct good goods[] = {
	/* RFC 822 / 1123 and variants */
	{ "Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z" },
	{ "Thu, 01 Jan 2004 19:48:21 +0000", "2004-01-01T19:48:21Z" },
	{ "Thu, 1 Jan 2004 19:48:21 UT", "2004-01-01T19:48:21Z" },
	{ "Thu, 01 Jan 2004 19:48:21 Z", "2004-01-01T19:48:21Z" },
	{ "01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z" },
	{ "Fri, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z" },
	{ "Fri,24 Jan 2004 10:00:00 GMT", "2004-01-24T10:00:00Z" },
	{ "Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z" },
	{ "Thu, 01 Jan 99 19:48:21 GMT", "1999-01-01T19:48:21Z" },
	{ "Thu, 01 Jan 89 19:48:21 GMT", "2089-01-01T19:48:21Z" },
	{ "Thu, 01 Jan 2004 19:48 GMT", "2004-01-01T19:48:00Z" },
	{ "Thu, 01 Jan 2004 19:48:21", "2004-01-01T19:48:21Z" },
	{ "Thu, 01 Jan 2004", "2004-01-01T00:00:00Z" },
	/* A space for the T, with an offset (Rutube). */
	{ "2022-09-03 09:37:11+03:00", "2022-09-03T06:37:11Z" },
	{ "2022-09-03 09:37:11 +0300", "2022-09-03T06:37:11Z" },
	{ "Sat, 07 Jan 2017 07:00:00 +0100", "2017-01-07T06:00:00Z" },
	{ "Wed, 8 Aug 2012 09:26:37 EST", "2012-08-08T14:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 EDT", "2012-08-08T13:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 CST", "2012-08-08T15:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 PDT", "2012-08-08T16:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 AST", "2012-08-08T13:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 CEST", "2012-08-08T07:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 GMT+3", "2012-08-08T06:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 GMT-05:00", "2012-08-08T14:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 UTC+0530", "2012-08-08T03:56:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 Etc/GMT", "2012-08-08T09:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 -05:00", "2012-08-08T14:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 +0530", "2012-08-08T03:56:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 -0500 (EST)", "2012-08-08T14:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 A", "2012-08-08T10:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 N", "2012-08-08T08:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 M", "2012-08-08T21:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 Y", "2012-08-07T21:26:37Z" },
	{ "Wed, 8 Aug 2012 09:26:37 XYZ", "2012-08-08T09:26:37Z" },
	{ "Wed, Aug 8 2012 09:26:37 GMT", "2012-08-08T09:26:37Z" },
	{ "Aug 8, 2012 9:26 PM", "2012-08-08T21:26:00Z" },
	{ "Aug 8, 2012 12:26 AM", "2012-08-08T00:26:00Z" },
	{ "Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37Z" },
	{ "Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37Z" },
	{ "Sun Jan  4 16:29:06 PST 2004", "2004-01-05T00:29:06Z" },
	{ "Fri, 2006/09/15 08:19:53 EDT", "2006-09-15T12:19:53Z" },
	{ "2020/1/10 14:16:00", "2020-01-10T14:16:00Z" },
	{ "Thu, 31 Dec 2015 23:59:60 GMT", "2015-12-31T23:59:59Z" },
	{ "Tue, 29 Feb 2000 12:00:00 GMT", "2000-02-29T12:00:00Z" },
	{ "  Thu, 01 Jan 2004 19:48:21 GMT \n", "2004-01-01T19:48:21Z" },
	/* RFC 3339, ISO 8601, W3C-DTF */
	{ "2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z" },
	{ "2003-12-31T10:14:55.123456Z", "2003-12-31T10:14:55Z" },
	{ "2003-12-31t10:14:55z", "2003-12-31T10:14:55Z" },
	{ "2003-12-31 10:14:55Z", "2003-12-31T10:14:55Z" },
	{ "2003-12-31T10:14:55-08:00", "2003-12-31T18:14:55Z" },
	{ "2003-12-31T10:14:55+0100", "2003-12-31T09:14:55Z" },
	{ "2003-12-31T10:14:55+01", "2003-12-31T09:14:55Z" },
	{ "2003-12-31T10:14-08:00", "2003-12-31T18:14:00Z" },
	{ "2003-12-31T10:14:55", "2003-12-31T10:14:55Z" },
	{ "2003-12-31 10:14:55 -0500", "2003-12-31T15:14:55Z" },
	{ "2003-12-31 10:14:55 GMT", "2003-12-31T10:14:55Z" },
	{ "19941106T084937Z", "1994-11-06T08:49:37Z" },
	{ "20040105", "2004-01-05T00:00:00Z" },
	{ "2003-12-31", "2003-12-31T00:00:00Z" },
	{ "2003-12", "2003-12-01T00:00:00Z" },
	{ "2003", "2003-01-01T00:00:00Z" },
	{ "2002-10-17T17:00+01:00", "2002-10-17T16:00:00Z" },
	/* Localized names */
	{ "jeu., 01 janv. 2004 19:48:21 +0100", "2004-01-01T18:48:21Z" },
	{ "Lundi 3 février 2020 10:00", "2020-02-03T10:00:00Z" },
	{ "1er août 2019", "2019-08-01T00:00:00Z" },
	{ "20 nov. 2019 à 14h30", "2019-11-20T14:30:00Z" },
	{ "Mi, 17 Mär 2021 18:14:23 +0100", "2021-03-17T17:14:23Z" },
	{ "Mittwoch, 17. März 2021 18:14", "2021-03-17T18:14:00Z" },
	{ "DONNERSTAG, 1. OKTOBER 2020", "2020-10-01T00:00:00Z" },
	{ "mar, 15 ene 2020 10:00:00 +0100", "2020-01-15T09:00:00Z" },
	{ "15 mar 2020", "2020-03-15T00:00:00Z" },
	{ "miércoles, 17 de marzo de 2021", "2021-03-17T00:00:00Z" },
	{ "Seg, 24 Set 2018 19:22:00 -0300", "2018-09-24T22:22:00Z" },
	{ "24 de setembro de 2018 às 19:22", "2018-09-24T19:22:00Z" },
	{ "Sáb, 01 Dez 2018 10:00:00 GMT", "2018-12-01T10:00:00Z" },
	{ "gio, 12 lug 2018 08:00:00 +0200", "2018-07-12T06:00:00Z" },
	{ "12 dicembre 2018", "2018-12-12T00:00:00Z" },
	{ "wo, 3 mrt 2021 10:00:00 +0100", "2021-03-03T09:00:00Z" },
	{ "3 mei 2021", "2021-05-03T00:00:00Z" },
	{ "17 марта 2021 18:14", "2021-03-17T18:14:00Z" },
	{ "Ср, 17 МАР 2021 18:14:00 +0300", "2021-03-17T15:14:00Z" },
	{ "1 января 2020 г.", "2020-01-01T00:00:00Z" },
	{ "5 мая 2020", "2020-05-05T00:00:00Z" },
	{ "Κυρ, 11 Ιούλ 2004 12:00:00 EST", "2004-07-11T17:00:00Z" },
	{ "2004-július-13T9:15-05:00", "2004-07-13T14:15:00Z" },
	{ "2004년 05월 28일  01:31:15", "2004-05-27T16:31:15Z" },
	{ "2004-05-25 오후 11:23:17", "2004-05-25T14:23:17Z" },
	/* The first and the last instant. */
	{ "0000-01-01T01:00:00+01:00", "0000-01-01T00:00:00Z" },
	{ "9999-12-31T22:59:59-01:00", "9999-12-31T23:59:59Z" },
};

static const char *const bads[] = {
	"", "   ", "garbage", "Thu, 31 Jun 2004 10:00:00 GMT",
	"Thu, 31 Jun 2004", "Thu, 01 Jan 2004 25:00:00 GMT",
	"Thu, 01 Jan 2004 10:60:00 GMT", "Thu, 01 Jan 2004 10:00:61 GMT",
	"29 Feb 2001", "29 Feb 1900", "30 Feb 2000", "2004-13-01",
	"2004-00-10", "2004-06-31T10:00:00Z", "2004-01-01T24:00:00Z",
	"2004-01-01T10:00:00+25:00", "Jan 2004", "01 Foo 2004",
	"Thu, 01 Jan 2004 10:00:00 +05:00 junk words", "13:00 PM 1 Jan 2004",
	"1 2 3", "2004-1-1x", "Thu 01 Jan 2004 10:00:00 GMT GMT+99",
	"1/2/2004", "99999-01-01",
	/* Within years 0-9999 as written, outside them in UTC. */
	"0000-01-01T00:00:00+01:00", "9999-12-31T23:59:59-00:01",
	"0000\xeb\x85\x84" "1\xeb\x85\x84" "1\xeb\x85\x84",
};

START_TEST(test_good)
{
	char out[DATE_RFC3339_LEN];
	int64_t t = 0;
	int rc;

	rc = date_parse(goods[_i].in, &t);
	ck_assert_msg(rc == 0, "refused \"%s\"", goods[_i].in);
	ck_assert_str_eq(date_format_rfc3339(t, out), goods[_i].want);
}
END_TEST

START_TEST(test_bad)
{
	int64_t t = 0;

	ck_assert_msg(date_parse(bads[_i], &t) == -1, "accepted \"%s\"",
	    bads[_i]);
}
END_TEST

START_TEST(test_null)
{
	int64_t t = 0;

	ck_assert_int_eq(date_parse(NULL, &t), -1);
}
END_TEST

START_TEST(test_civil)
{
	ck_assert_int_eq(date_from_civil(1970, 1, 1, 0, 0, 0), 0);
	ck_assert_int_eq(date_from_civil(2004, 1, 1, 19, 48, 21),
	    1072986501);
	ck_assert_int_eq(date_from_civil(1969, 12, 31, 23, 59, 59), -1);
	ck_assert_int_eq(date_from_civil(2000, 3, 1, 0, 0, 0), 951868800);
	ck_assert_int_eq(date_from_civil(1900, 3, 1, 0, 0, 0), -2203891200);
	ck_assert_int_eq(date_from_civil(0, 1, 1, 0, 0, 0), -62167219200);
	ck_assert_int_eq(date_from_civil(2038, 1, 19, 3, 14, 8), 2147483648);
}
END_TEST

START_TEST(test_format)
{
	char a[DATE_RFC3339_LEN], b[DATE_RFC822_LEN];

	ck_assert_str_eq(date_format_rfc3339(0, a), "1970-01-01T00:00:00Z");
	ck_assert_str_eq(date_format_rfc822(0, b),
	    "Thu, 01 Jan 1970 00:00:00 +0000");
	ck_assert_str_eq(date_format_rfc3339(-1, a), "1969-12-31T23:59:59Z");
	ck_assert_str_eq(date_format_rfc822(-1, b),
	    "Wed, 31 Dec 1969 23:59:59 +0000");
	ck_assert_str_eq(date_format_rfc822(1072986501, b),
	    "Thu, 01 Jan 2004 19:48:21 +0000");
	ck_assert_str_eq(date_format_rfc3339(-2203891200, a),
	    "1900-03-01T00:00:00Z");
	ck_assert_str_eq(date_format_rfc822(-2203891200, b),
	    "Thu, 01 Mar 1900 00:00:00 +0000");
	ck_assert_str_eq(date_format_rfc3339(-62167219200, a),
	    "0000-01-01T00:00:00Z");
	ck_assert_str_eq(date_format_rfc3339(-62167219201, a),
	    "-0001-12-31T23:59:59Z");
	ck_assert_str_eq(date_format_rfc822(-62167219201, b),
	    "Fri, 31 Dec -0001 23:59:59 +0000");
	ck_assert_str_eq(date_format_rfc3339(253402300799, a),
	    "9999-12-31T23:59:59Z");
	/* Extremes are clamped, never overflow the buffers. */
	date_format_rfc3339(INT64_MAX, a);
	date_format_rfc822(INT64_MIN, b);
	ck_assert_uint_lt(strlen(a), DATE_RFC3339_LEN);
	ck_assert_uint_lt(strlen(b), DATE_RFC822_LEN);
}
END_TEST

/* Every instant formatted as RFC 822 and RFC 3339 parses back to itself. */
START_TEST(test_round_trip)
{
	char a[DATE_RFC3339_LEN], b[DATE_RFC822_LEN];
	int64_t t, u;

	for (t = -2208988800LL; t < 4102444800LL; t += 7777777 + 13) {
		ck_assert_int_eq(date_parse(date_format_rfc3339(t, a), &u), 0);
		ck_assert_int_eq(u, t);
		ck_assert_int_eq(date_parse(date_format_rfc822(t, b), &u), 0);
		ck_assert_int_eq(u, t);
	}
}
END_TEST

/* Junk built from date-like pieces never crashes and never yields an
 * instant outside years 0-9999 (UTC). */
START_TEST(test_random)
{
	static const char *const bits[] = { "1", "31", "2004", "-", ":",
	    "+", "T", " ", ",", "Jan", "GMT", "/", ".", "\xd0", "\xff", "99",
	    "Z", "am", "(", ")", "\xd0\xbc\xd0\xb0\xd1\x8f", "Etc/",
	    "12:00", "+05:30", "Mon" };
	char in[200];
	unsigned int seed = test_seed("test_random", 42);
	int round;
	int64_t t;

	for (round = 0; round < 20000; round++) {
		size_t n = 0;

		while (n < 40) {
			const char *p;

			seed = seed * 1103515245 + 12345;
			p = bits[(seed >> 16) % NELEM(bits)];
			memcpy(in + n, p, strlen(p));
			n += strlen(p);
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 4 == 0)
				break;
		}
		in[n] = '\0';
		if (date_parse(in, &t) == 0)
			ck_assert(t >= -62167219200LL &&
			    t <= 253402300799LL);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("date");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_loop_test(tc, test_good, 0,
	    (int)NELEM(goods));
	tcase_add_loop_test(tc, test_bad, 0,
	    (int)NELEM(bads));
	tcase_add_test(tc, test_null);
	tcase_add_test(tc, test_civil);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_random);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
