/*
 * test_util.c: the base helpers every layer uses: capped buffers (a
 * refused append is sticky), saturating arithmetic on values from
 * outside, the UTF-8 decoder and encoder, str_escape for logs, the
 * string map, read_capped, and trimming.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

START_TEST(test_buf_cap_sticky)
{
	struct buf b;
	char *s;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_addstr(&b, "abcde"), 0);
	/* Refused: past the cap; b unchanged. */
	ck_assert_int_eq(buf_addstr(&b, "fghij"), -1);
	ck_assert_str_eq(b.data, "abcde");
	/* A small append after it must not leave a hole ("abcde" + "xy"
	 * would read as if "fghij" never was). */
	ck_assert_int_eq(buf_addstr(&b, "xy"), -1);
	ck_assert_int_eq(buf_addch(&b, 'z'), -1);
	ck_assert_int_eq(buf_printf(&b, "%d", 1), -1);
	ck_assert_str_eq(b.data, "abcde");
	ck_assert_uint_eq(b.len, 5);
	/* Cleared, it takes text again, up to the cap. */
	buf_clear(&b);
	ck_assert_int_eq(buf_addstr(&b, "12345678"), 0);
	ck_assert_int_eq(buf_addch(&b, '9'), -1);
	s = buf_steal(&b);
	ck_assert_str_eq(s, "12345678");
	free(s);
	/* After steal and reset, fresh. */
	ck_assert_int_eq(buf_addstr(&b, "ok"), 0);
	buf_reset(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_int_eq(buf_addstr(&b, "again"), 0);
	ck_assert_str_eq(b.data, "again");
	buf_reset(&b);
	/* Empty steal is "", never NULL. */
	s = buf_steal(&b);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_sat)
{
	const char *end;

	ck_assert_int_eq(sat_add(INT64_MAX, 1), INT64_MAX);
	ck_assert_int_eq(sat_add(INT64_MIN, -1), INT64_MIN);
	ck_assert_int_eq(sat_sub(INT64_MIN, 1), INT64_MIN);
	ck_assert_int_eq(sat_mul(INT64_MAX / 2, 3), INT64_MAX);
	ck_assert_int_eq(sat_mul(-(INT64_MAX / 2), 3), INT64_MIN);
	ck_assert_int_eq(sat_mul(7, 6), 42);
	ck_assert_int_eq(sat_clamp(5, 10, 20), 10);
	ck_assert_int_eq(sat_clamp(50, 10, 20), 20);
	ck_assert_int_eq(sat_from_double(1e300), INT64_MAX);
	ck_assert_int_eq(sat_from_double(-1e300), INT64_MIN);
	ck_assert_int_eq(sat_parse_digits("99999999999999999999999x", &end),
	    INT64_MAX);
	ck_assert_str_eq(end, "x");
	ck_assert_int_eq(sat_parse_digits("x1", &end), -1);
	ck_assert_str_eq(end, "x1");
}
END_TEST

START_TEST(test_utf8)
{
	static const struct {
		const char	*in;
		size_t		 len;
		uint32_t	 cp;
	} ok[] = {
		{ "A", 1, 0x41 }, { "\xc3\xa9", 2, 0xe9 },
		{ "\xe4\xb8\xad", 3, 0x4e2d }, { "\xf0\x9f\x98\x80", 4, 0x1f600 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
	};
	static const char *const bad[] = {
		"\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xc3",
	};
	char out[4];
	uint32_t cp;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_uint_eq(utf8_decode((const unsigned char *)ok[i].in,
		    strlen(ok[i].in), &cp), ok[i].len);
		ck_assert_uint_eq(cp, ok[i].cp);
		ck_assert_uint_eq(utf8_encode(cp, out), ok[i].len);
		ck_assert_mem_eq(out, ok[i].in, ok[i].len);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_uint_eq(utf8_decode((const unsigned char *)bad[i],
		    strlen(bad[i]), &cp), 0);
	/* The length bound holds even with bytes after it. */
	ck_assert_uint_eq(utf8_decode((const unsigned char *)"\xe4\xb8\xad",
	    2, &cp), 0);
	ck_assert_uint_eq(utf8_decode((const unsigned char *)"", 0, &cp), 0);
}
END_TEST

START_TEST(test_escape_and_map)
{
	struct strmap m;
	char *s;

	s = str_escape("a\nb\x1b[31m\xff\xe2\x80\xae\xc3\xa9");
	ck_assert_str_eq(s, "a\\x0ab\\x1b[31m\\xff\\u202e\xc3\xa9");
	free(s);

	memset(&m, 0, sizeof(m));
	ck_assert_uint_eq(strmap_get(&m, "x"), 0);
	strmap_put(&m, "x", 1);
	strmap_put(&m, "y", 2);
	strmap_put(&m, "x", 3);
	ck_assert_uint_eq(strmap_get(&m, "x"), 3);
	ck_assert_uint_eq(strmap_get(&m, "y"), 2);
	ck_assert_uint_eq(strmap_get(&m, "z"), 0);
	strmap_reset(&m);
}
END_TEST

START_TEST(test_read_capped)
{
	FILE *fp = tmpfile();
	char *s, *err = NULL;
	size_t len;

	ck_assert_ptr_nonnull(fp);
	fputs("0123456789", fp);
	rewind(fp);
	s = read_capped(fp, 10, "input", &len, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(len, 10);
	ck_assert_str_eq(s, "0123456789");
	free(s);
	rewind(fp);
	s = read_capped(fp, 9, "input", &len, &err);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(err, "input larger than 9 bytes");
	free(err);
	fclose(fp);
}
END_TEST

START_TEST(test_trim)
{
	const char *s = "\v x y\f\n";
	char *t;
	size_t i, n;

	/* WS_SPACE is isspace()'s set in the C locale. */
	n = str_trim_span(s, strlen(s), WS_SPACE, &i);
	ck_assert_uint_eq(i, 2);
	ck_assert_uint_eq(n, 3);
	/* WS_XML leaves \v and \f: they are not XML whitespace. */
	n = str_trim_span(s, strlen(s), WS_XML, &i);
	ck_assert_uint_eq(i, 0);
	ck_assert_uint_eq(n, 6);
	/* Only s[0..len) is read, and a NUL is never whitespace. */
	n = str_trim_span(" a\0 ", 4, WS_SPACE, &i);
	ck_assert_uint_eq(i, 1);
	ck_assert_uint_eq(n, 2);
	n = str_trim_span(" \t ", 3, WS_SPACE, &i);
	ck_assert_uint_eq(n, 0);

	t = str_trim(xstrdup("\r\n\t a b \t"), WS_XML);
	ck_assert_str_eq(t, "a b");
	free(t);
	t = str_trim(xstrdup("abc"), WS_XML);
	ck_assert_str_eq(t, "abc");
	free(t);
	/* Nothing left: freed, NULL (the leak checkers see the free). */
	ck_assert_ptr_null(str_trim(xstrdup(" \n "), WS_SPACE));
	ck_assert_ptr_null(str_trim(xstrdup(""), WS_SPACE));
	ck_assert_ptr_null(str_trim(NULL, WS_SPACE));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, test_buf_cap_sticky);
	tcase_add_test(tc, test_sat);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_escape_and_map);
	tcase_add_test(tc, test_read_capped);
	tcase_add_test(tc, test_trim);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
