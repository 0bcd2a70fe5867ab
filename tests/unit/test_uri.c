/*
 * test_uri.c: uri_resolve against every example of RFC 3986 section 5.4
 * (normal and abnormal), plus the cases feeds bring (spaces, missing or
 * relative bases, extra slashes), and uri_is_unsafe on the tricks used
 * to smuggle javascript: past filters.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/uri.h"
#include "base/util.h"

#define RFC_BASE "http://a/b/c/d;p?q"

struct rcase {
	const char	*base, *ref, *want;
};

static const struct rcase rcases[] = {
	/* RFC 3986 section 5.4.1, normal examples */
	{ RFC_BASE, "g:h", "g:h" },
	{ RFC_BASE, "g", "http://a/b/c/g" },
	{ RFC_BASE, "./g", "http://a/b/c/g" },
	{ RFC_BASE, "g/", "http://a/b/c/g/" },
	{ RFC_BASE, "/g", "http://a/g" },
	{ RFC_BASE, "//g", "http://g" },
	{ RFC_BASE, "?y", "http://a/b/c/d;p?y" },
	{ RFC_BASE, "g?y", "http://a/b/c/g?y" },
	{ RFC_BASE, "#s", "http://a/b/c/d;p?q#s" },
	{ RFC_BASE, "g#s", "http://a/b/c/g#s" },
	{ RFC_BASE, "g?y#s", "http://a/b/c/g?y#s" },
	{ RFC_BASE, ";x", "http://a/b/c/;x" },
	{ RFC_BASE, "g;x", "http://a/b/c/g;x" },
	{ RFC_BASE, "g;x?y#s", "http://a/b/c/g;x?y#s" },
	{ RFC_BASE, "", "http://a/b/c/d;p?q" },
	{ RFC_BASE, ".", "http://a/b/c/" },
	{ RFC_BASE, "./", "http://a/b/c/" },
	{ RFC_BASE, "..", "http://a/b/" },
	{ RFC_BASE, "../", "http://a/b/" },
	{ RFC_BASE, "../g", "http://a/b/g" },
	{ RFC_BASE, "../..", "http://a/" },
	{ RFC_BASE, "../../", "http://a/" },
	{ RFC_BASE, "../../g", "http://a/g" },
	/* section 5.4.2, abnormal examples */
	{ RFC_BASE, "../../../g", "http://a/g" },
	{ RFC_BASE, "../../../../g", "http://a/g" },
	{ RFC_BASE, "/./g", "http://a/g" },
	{ RFC_BASE, "/../g", "http://a/g" },
	{ RFC_BASE, "g.", "http://a/b/c/g." },
	{ RFC_BASE, ".g", "http://a/b/c/.g" },
	{ RFC_BASE, "g..", "http://a/b/c/g.." },
	{ RFC_BASE, "..g", "http://a/b/c/..g" },
	{ RFC_BASE, "./../g", "http://a/b/g" },
	{ RFC_BASE, "./g/.", "http://a/b/c/g/" },
	{ RFC_BASE, "g/./h", "http://a/b/c/g/h" },
	{ RFC_BASE, "g/../h", "http://a/b/c/h" },
	{ RFC_BASE, "g;x=1/./y", "http://a/b/c/g;x=1/y" },
	{ RFC_BASE, "g;x=1/../y", "http://a/b/c/y" },
	{ RFC_BASE, "g?y/./x", "http://a/b/c/g?y/./x" },
	{ RFC_BASE, "g?y/../x", "http://a/b/c/g?y/../x" },
	{ RFC_BASE, "g#s/./x", "http://a/b/c/g#s/./x" },
	{ RFC_BASE, "g#s/../x", "http://a/b/c/g#s/../x" },
	{ RFC_BASE, "http:g", "http:g" },
	/* what feeds bring */
	{ "http://example.com", "x.html", "http://example.com/x.html" },
	{ "http://example.com/a/", "  b c.html ",
	    "http://example.com/a/b c.html" },
	{ "http://example.com/a/", "http:///example.com/test/",
	    "http://example.com/test/" },
	{ "http://example.com/a/b", "//cdn.example.net/i.png",
	    "http://cdn.example.net/i.png" },
	{ "https://example.com/a/b", "javascript:alert(1)",
	    "javascript:alert(1)" },
	{ "http://[::1]:8080/x/", "y?z", "http://[::1]:8080/x/y?z" },
	{ "http://example.com/a/#frag", "", "http://example.com/a/" },
	{ NULL, "rel/x", "rel/x" },
	{ "relative/base/", "x", "x" },
	{ "", "x", "x" },
};

START_TEST(test_resolve)
{
	const struct rcase *c = &rcases[_i];
	char *got = uri_resolve(c->base, c->ref);

	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(got, c->want) == 0, "resolve(%s, %s) = %s, "
	    "want %s", c->base ? c->base : "NULL", c->ref, got, c->want);
	free(got);
}
END_TEST

START_TEST(test_resolve_null)
{
	ck_assert_ptr_null(uri_resolve("http://a/", NULL));
	ck_assert_ptr_null(uri_resolve(NULL, NULL));
}
END_TEST

static const char *const unsafe[] = {
	"javascript:alert(1)", "JavaScript:alert(1)", "JAVASCRIPT:x",
	" javascript:x", "\x01\x02javascript:x", "java\tscript:x",
	"java\nscript:x", "jav\rascript:x", "vbscript:msgbox", "VBScript:x",
	"livescript:x", "data:text/html,<script>alert(1)</script>",
	"data:image/png;base64,AAAA", "  DATA:text/html,x", "mocha:x",
	"about:blank", "weirdscheme:x", "averyveryverylongschemename:x",
};

static const char *const safe[] = {
	"http://example.com/", "HTTPS://example.com/", "mailto:a@b.c",
	"ftp://x/", "/relative/path", "relative", "?q=javascript:x",
	"#javascript:x", "./javascript:x", "", "//host/path", "magnet:?xt=1",
	"feed://example.com/", "svn+ssh://x/",
};

START_TEST(test_unsafe)
{
	ck_assert_msg(uri_is_unsafe(unsafe[_i]) == 1, "safe: %s",
	    unsafe[_i]);
}
END_TEST

START_TEST(test_safe)
{
	ck_assert_msg(uri_is_unsafe(safe[_i]) == 0, "unsafe: %s", safe[_i]);
}
END_TEST

START_TEST(test_web)
{
	/* Every unsafe URL is unfit as a republished link too. */
	ck_assert_int_eq(uri_is_web(unsafe[_i], 1), 0);
}
END_TEST

START_TEST(test_web_schemes)
{
	ck_assert_int_eq(uri_is_web("http://e/", 0), 1);
	ck_assert_int_eq(uri_is_web(" HTTPS://e/", 0), 1);
	ck_assert_int_eq(uri_is_web("//e/x", 0), 1);
	ck_assert_int_eq(uri_is_web("/x?a:b", 0), 1);
	ck_assert_int_eq(uri_is_web("x.html", 0), 1);
	ck_assert_int_eq(uri_is_web("mailto:a@b.c", 0), 0);
	ck_assert_int_eq(uri_is_web("mailto:a@b.c", 1), 1);
	ck_assert_int_eq(uri_is_web("ftp://e/", 0), 0);
	ck_assert_int_eq(uri_is_web("file:///etc/passwd", 0), 0);
	ck_assert_int_eq(uri_is_web("feed://e/", 0), 0);
	ck_assert_int_eq(uri_is_web("h\tttp://e/", 0), 1);
	ck_assert_int_eq(uri_is_web("ht\ntp://e/", 0), 1);
	ck_assert_int_eq(uri_is_web("data:image/png;base64,AA", 0), 0);
	ck_assert_int_eq(uri_is_web(NULL, 0), 0);
}
END_TEST

/* Query components: unreserved kept, everything else %XX, UTF-8
 * byte by byte. */
START_TEST(test_escape)
{
	struct buf b;

	buf_init(&b, 0);
	uri_escape(&b, "Az09-._~ &=?#/%+\xc3\xa9");
	ck_assert_str_eq(b.data, "Az09-._~%20%26%3D%3F%23%2F%25%2B%C3%A9");
	buf_reset(&b);
}
END_TEST

/* uri_origin: the origin, host and request target, as a robots.txt
 * fetch and its verdict need them; every other part left out. */
static const struct {
	const char	*url, *origin, *host, *target;
} ocases[] = {
	{ "http://e.org/a/b?c=d#f", "http://e.org", "e.org", "/a/b?c=d" },
	{ "https://u:p@E.org:8443/x", "https://u:p@E.org:8443", "E.org",
	    "/x" },
	{ "http://e.org", "http://e.org", "e.org", "" },
	{ "http://e.org?q", "http://e.org", "e.org", "?q" },
	{ "http://e.org#f", "http://e.org", "e.org", "" },
	{ "http://a@b@c:1/", "http://a@b@c:1", "c", "/" },
	{ "http://[::1]:8080/p", "http://[::1]:8080", "[::1]", "/p" },
	{ "http://[::1", "http://[::1", "[::1", "" },
	{ "http:///x", "http://", "", "/x" },
	{ "ftp://h:/", "ftp://h:", "h", "/" },
};

START_TEST(test_origin)
{
	struct uri_origin o;
	const char *u = ocases[_i].url;

	ck_assert_int_eq(uri_origin(u, &o), 0);
	ck_assert_int_eq((int)o.len, (int)strlen(ocases[_i].origin));
	ck_assert(strncmp(u, ocases[_i].origin, o.len) == 0);
	ck_assert_int_eq((int)o.hostlen, (int)strlen(ocases[_i].host));
	ck_assert(strncmp(u + o.host, ocases[_i].host, o.hostlen) == 0);
	ck_assert_int_eq((int)o.targetlen, (int)strlen(ocases[_i].target));
	ck_assert(strncmp(u + o.target, ocases[_i].target,
	    o.targetlen) == 0);
}
END_TEST

START_TEST(test_origin_relative)
{
	static const char *rel[] = { "/a/b", "//h/p", "a:b", "", "e.org/x" };
	struct uri_origin o;
	size_t i;

	for (i = 0; i < NELEM(rel); i++) {
		memset(&o, 0xff, sizeof(o));
		ck_assert_int_eq(uri_origin(rel[i], &o), -1);
		ck_assert_int_eq((int)(o.len + o.host + o.hostlen + o.target +
		    o.targetlen), 0);
	}
}
END_TEST

/* uri_host: lower case, extra slashes skipped, "" when there is none. */
START_TEST(test_host)
{
	static const char *cases[][2] = {
		{ "HTTP://Www.Example.ORG:80/x", "www.example.org" },
		{ "http:///extra.example/p", "extra.example" },
		{ "https://user@h.example?x", "h.example" },
		{ "http://[FE80::1]/", "[fe80::1]" },
		{ "mailto:a@b.example", "" },
		{ "relative/path", "" },
		{ "", "" },
	};
	char *h;
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		h = uri_host(cases[i][0]);
		ck_assert_str_eq(h, cases[i][1]);
		free(h);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("uri");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_loop_test(tc, test_resolve, 0,
	    (int)(sizeof(rcases) / sizeof(rcases[0])));
	tcase_add_test(tc, test_resolve_null);
	tcase_add_loop_test(tc, test_unsafe, 0,
	    (int)(sizeof(unsafe) / sizeof(unsafe[0])));
	tcase_add_loop_test(tc, test_web, 0,
	    (int)(sizeof(unsafe) / sizeof(unsafe[0])));
	tcase_add_test(tc, test_web_schemes);
	tcase_add_test(tc, test_escape);
	tcase_add_loop_test(tc, test_origin, 0, (int)NELEM(ocases));
	tcase_add_test(tc, test_origin_relative);
	tcase_add_test(tc, test_host);
	tcase_add_loop_test(tc, test_safe, 0,
	    (int)(sizeof(safe) / sizeof(safe[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
