/*
 * test_robots.c: robots.txt rules (RFC 9309) as feedd's article fetcher
 * reads them: group selection, longest match, allow on ties, wildcards
 * and '$', percent-encoding, Crawl-delay, and hostile files.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/robots.h"

static struct robots *
parse(const char *txt)
{
	return robots_parse(txt, strlen(txt), "feedd");
}

/* The group naming feedd wins over "*", whatever the order and case;
 * several groups naming it are one. */
START_TEST(test_groups)
{
	struct robots *r = parse(
	    "# comment\n"
	    "User-agent: *\n"
	    "Disallow: /\n"
	    "\n"
	    "user-agent: FeedD/2.0\n"
	    "disallow: /private\n"
	    "User-agent: otherbot\n"
	    "Disallow: /news\n"
	    "\n"
	    "User-Agent: feedd\n"
	    "Disallow: /tmp/ # trailing comment\n");

	ck_assert_int_eq(robots_allowed(r, "/news/a.html"), 1);
	ck_assert_int_eq(robots_allowed(r, "/private/x"), 0);
	ck_assert_int_eq(robots_allowed(r, "/tmp/y"), 0);
	ck_assert_int_eq(robots_allowed(r, "/tmpfile"), 1);
	robots_free(r);

	/* No group names feedd: the "*" groups, merged. */
	r = parse("User-agent: googlebot\nDisallow: /\n\n"
	    "User-agent: *\nDisallow: /a\n\nUser-agent: *\nDisallow: /b\n");
	ck_assert_int_eq(robots_allowed(r, "/a1"), 0);
	ck_assert_int_eq(robots_allowed(r, "/b/c"), 0);
	ck_assert_int_eq(robots_allowed(r, "/c"), 1);
	robots_free(r);

	/* Two user-agent lines open one group; rules before any are
	 * ignored; "feedd-extra" is another crawler. */
	r = parse("Disallow: /x\nUser-agent: a\nUser-agent: feedd\n"
	    "Disallow: /y\nUser-agent: feedd-extra\nDisallow: /z\n");
	ck_assert_int_eq(robots_allowed(r, "/x"), 1);
	ck_assert_int_eq(robots_allowed(r, "/y"), 0);
	ck_assert_int_eq(robots_allowed(r, "/z"), 1);
	robots_free(r);

	/* No group for anybody: everything allowed. */
	r = parse("Sitemap: https://e/s.xml\n");
	ck_assert_int_eq(robots_allowed(r, "/anything"), 1);
	robots_free(r);
}
END_TEST

/* The longest match decides; allow wins a tie; "Disallow:" empty is no
 * rule; /robots.txt is always allowed. */
START_TEST(test_longest_match)
{
	struct robots *r = parse("User-agent: *\n"
	    "Disallow: /news/\n"
	    "Allow: /news/world/\n"
	    "Disallow: /news/world/secret\n"
	    "Allow: /page\nDisallow: /page\n"
	    "Disallow:\n"
	    "Disallow: /robots.txt\n");

	ck_assert_int_eq(robots_allowed(r, "/news/a"), 0);
	ck_assert_int_eq(robots_allowed(r, "/news/world/a"), 1);
	ck_assert_int_eq(robots_allowed(r, "/news/world/secret-1"), 0);
	ck_assert_int_eq(robots_allowed(r, "/page"), 1);
	ck_assert_int_eq(robots_allowed(r, "/"), 1);
	ck_assert_int_eq(robots_allowed(r, ""), 1);
	ck_assert_int_eq(robots_allowed(r, "/robots.txt"), 1);
	robots_free(r);
}
END_TEST

/* '*' matches any run, a final '$' the end; CRLF and CR line ends. */
START_TEST(test_wildcards)
{
	struct robots *r = parse("User-agent: *\r\n"
	    "Disallow: /*.pdf$\r\n"
	    "Disallow: /*?print=\r"
	    "Disallow: /a*b*c\r\n"
	    "Allow: /exact$\r\nDisallow: /exact\r\n");

	ck_assert_int_eq(robots_allowed(r, "/files/x.pdf"), 0);
	ck_assert_int_eq(robots_allowed(r, "/files/x.pdf?v=2"), 1);
	ck_assert_int_eq(robots_allowed(r, "/story?id=1&print=1"), 1);
	ck_assert_int_eq(robots_allowed(r, "/story?print=1"), 0);
	ck_assert_int_eq(robots_allowed(r, "/a-x-b-y-c-z"), 0);
	ck_assert_int_eq(robots_allowed(r, "/a-x-c-y-b"), 1);
	ck_assert_int_eq(robots_allowed(r, "/exact"), 1);
	ck_assert_int_eq(robots_allowed(r, "/exactly"), 0);
	robots_free(r);
}
END_TEST

/* Escapes of unreserved characters and raw UTF-8 compare equal to
 * their other forms (RFC 9309 2.2.2). */
START_TEST(test_percent)
{
	struct robots *r = parse("User-agent: *\n"
	    "Disallow: /%7Ejoe/\n"
	    "Disallow: /caf\xc3\xa9\n"
	    "Disallow: /a%2fb\n");

	ck_assert_int_eq(robots_allowed(r, "/~joe/index"), 0);
	ck_assert_int_eq(robots_allowed(r, "/%7ejoe/index"), 0);
	ck_assert_int_eq(robots_allowed(r, "/caf%C3%A9/x"), 0);
	ck_assert_int_eq(robots_allowed(r, "/caf%c3%a9"), 0);
	ck_assert_int_eq(robots_allowed(r, "/cafe"), 1);
	/* An escaped slash is not a slash. */
	ck_assert_int_eq(robots_allowed(r, "/a%2Fb"), 0);
	ck_assert_int_eq(robots_allowed(r, "/a/b"), 1);
	robots_free(r);
}
END_TEST

START_TEST(test_crawl_delay_and_all)
{
	struct robots *r = parse("User-agent: feedd\nCrawl-delay: 7\n"
	    "User-agent: *\nCrawl-delay: 99\n");

	ck_assert_uint_eq(robots_crawl_delay(r), 7);
	ck_assert_int_eq(robots_allowed(r, "/x"), 1);
	robots_free(r);
	r = parse("User-agent: *\nCrawl-delay: 99999999\n");
	ck_assert_uint_eq(robots_crawl_delay(r), 86400);
	robots_free(r);

	r = robots_all(0);
	ck_assert_int_eq(robots_allowed(r, "/x"), 0);
	ck_assert_int_eq(robots_allowed(r, "/robots.txt"), 1);
	robots_free(r);
	r = robots_all(1);
	ck_assert_int_eq(robots_allowed(r, "/x"), 1);
	robots_free(r);
}
END_TEST

/*
 * Hostile files: NUL bytes, a line of 100 KiB, 200,000 rules of
 * wildcards against a long path.  Bounded: the kept rules are capped and
 * a match is linear, so this takes a fraction of a second (its test
 * case's timeout catches a quadratic regression, not a slow machine).
 */
START_TEST(test_hostile)
{
	static const char nul[] = "User-agent: *\0\nDisallow: /a\n";
	size_t n = 200000, i, len;
	char *big, *path, *p;
	struct robots *r;

	r = robots_parse(nul, sizeof(nul) - 1, "feedd");
	ck_assert_int_eq(robots_allowed(r, "/a"), 0);
	robots_free(r);

	len = 32 + 100 * 1024 + n * 20;
	big = malloc(len);
	ck_assert_ptr_nonnull(big);
	p = big;
	p += sprintf(p, "User-agent: *\n");
	memset(p, 'x', 100 * 1024);
	p += 100 * 1024;
	*p++ = '\n';
	for (i = 0; i < n; i++)
		p += sprintf(p, "Disallow: /*a*b$\n");
	path = malloc(4001);
	ck_assert_ptr_nonnull(path);
	memset(path, 'a', 4000);
	path[0] = '/';
	path[4000] = '\0';
	r = robots_parse(big, (size_t)(p - big), "feedd");
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(robots_allowed(r, path), 1);
	ck_assert_int_eq(robots_allowed(r, "/ab"), 0);
	robots_free(r);
	free(path);
	free(big);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("robots");
	TCase *tc = tcase_create("robots");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_longest_match);
	tcase_add_test(tc, test_wildcards);
	tcase_add_test(tc, test_percent);
	tcase_add_test(tc, test_crawl_delay_and_all);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
