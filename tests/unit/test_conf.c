/*
 * test_conf.c: the config file reader: values, defaults, and that every
 * error is reported with its line, all of them, and no config returned.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/conf.h"

static char conf_path[] = "/tmp/feedd-test-conf-XXXXXX";

/* Writes text to a fresh temporary file and loads it. */
static struct conf *
load(const char *text, char **errstr)
{
	FILE *fp;
	int fd;

	strcpy(conf_path, "/tmp/feedd-test-conf-XXXXXX");
	fd = mkstemp(conf_path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	*errstr = NULL;
	return conf_load(conf_path, errstr);
}

static void
cleanup(void)
{
	unlink(conf_path);
}

/* Counts the lines of a multi-line error message. */
static int
count_lines(const char *s)
{
	int n = 1;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

START_TEST(test_full)
{
	struct conf *conf;
	char *err;

	conf = load(
	    "; comment\n"
	    "[feedd]\n"
	    "database = /tmp/x/feedd.db\n"
	    "listen = 127.0.0.1:8080\n"
	    "listen = [::1]:8081\n"
	    "listen = unix:./var/feedd.sock\n"
	    "interval = 2h\n"
	    "min_interval = 1s\n"
	    "user_agent = test-agent/1.0\n"
	    "max_connections = 4\n"
	    "log_level = debug\n"
	    "\n"
	    "[feed bbc-world]\n"
	    "url = https://feeds.bbci.co.uk/news/world/rss.xml\n"
	    "title = BBC World\n"
	    "tags = news, world ,,uk\n"
	    "interval = 45m\n"
	    "\n"
	    "# another\n"
	    "[feed ft.com_2]\n"
	    "url = http://example.org/feed?a=1&b=2\n", &err);
	ck_assert_msg(conf != NULL, "unexpected errors: %s", err);
	ck_assert_str_eq(conf->database, "/tmp/x/feedd.db");
	ck_assert_uint_eq(conf->nlisten, 3);
	ck_assert_int_eq(conf->listen[0].kind, CONF_LISTEN_TCP);
	ck_assert_str_eq(conf->listen[0].host, "127.0.0.1");
	ck_assert_str_eq(conf->listen[0].port, "8080");
	ck_assert_str_eq(conf->listen[1].host, "::1");
	ck_assert_str_eq(conf->listen[1].port, "8081");
	ck_assert_int_eq(conf->listen[2].kind, CONF_LISTEN_UNIX);
	ck_assert_str_eq(conf->listen[2].path, "./var/feedd.sock");
	ck_assert_int_eq(conf->interval, 7200);
	ck_assert_int_eq(conf->min_interval, 1);
	ck_assert_str_eq(conf->user_agent, "test-agent/1.0");
	ck_assert_int_eq(conf->max_connections, 4);
	ck_assert_int_eq(conf->log_level, LOG_LEVEL_DEBUG);
	ck_assert_uint_eq(conf->nfeeds, 2);
	ck_assert_str_eq(conf->feeds[0].name, "bbc-world");
	ck_assert_str_eq(conf->feeds[0].url,
	    "https://feeds.bbci.co.uk/news/world/rss.xml");
	ck_assert_str_eq(conf->feeds[0].title, "BBC World");
	ck_assert_uint_eq(conf->feeds[0].ntags, 3);
	ck_assert_str_eq(conf->feeds[0].tags[0], "news");
	ck_assert_str_eq(conf->feeds[0].tags[1], "world");
	ck_assert_str_eq(conf->feeds[0].tags[2], "uk");
	ck_assert_int_eq(conf->feeds[0].interval, 45 * 60);
	ck_assert_int_eq(conf->feeds[0].line, 13);
	ck_assert_str_eq(conf->feeds[1].name, "ft.com_2");
	ck_assert_str_eq(conf->feeds[1].url, "http://example.org/feed?a=1&b=2");
	ck_assert_ptr_null(conf->feeds[1].title);
	ck_assert_uint_eq(conf->feeds[1].ntags, 0);
	ck_assert_int_eq(conf_feed_interval(conf, &conf->feeds[0]), 45 * 60);
	ck_assert_int_eq(conf_feed_interval(conf, &conf->feeds[1]), 7200);
	conf_free(conf);
	cleanup();
}
END_TEST

START_TEST(test_defaults)
{
	struct conf *conf;
	char *err;

	unsetenv("STATE_DIRECTORY");
	conf = load("[feed a]\nurl = http://127.0.0.1/x\n", &err);
	ck_assert_msg(conf != NULL, "unexpected errors: %s", err);
	ck_assert_int_eq(conf->interval, 30 * 60);
	ck_assert_int_eq(conf->min_interval, 5 * 60);
	ck_assert_int_eq(conf->max_connections, 16);
	ck_assert_int_eq(conf->log_level, LOG_LEVEL_INFO);
	ck_assert_ptr_null(conf->user_agent);
	ck_assert_uint_eq(conf->nlisten, 1);
	ck_assert_str_eq(conf->listen[0].text, "127.0.0.1:8080");
	ck_assert_ptr_nonnull(strstr(conf->database, "feedd.db"));
	conf_free(conf);
	cleanup();

	setenv("STATE_DIRECTORY", "/var/lib/private/feedd", 1);
	conf = load("[feedd]\n", &err);
	ck_assert_msg(conf != NULL, "unexpected errors: %s", err);
	ck_assert_str_eq(conf->database, "/var/lib/private/feedd/feedd.db");
	ck_assert_uint_eq(conf->nfeeds, 0);
	conf_free(conf);
	unsetenv("STATE_DIRECTORY");
	cleanup();
}
END_TEST

START_TEST(test_min_interval_clamps)
{
	struct conf *conf;
	char *err;

	conf = load("[feedd]\nmin_interval = 10m\ninterval = 1h\n"
	    "[feed a]\nurl = http://127.0.0.1/x\ninterval = 1m\n", &err);
	ck_assert_msg(conf != NULL, "unexpected errors: %s", err);
	ck_assert_int_eq(conf_feed_interval(conf, &conf->feeds[0]), 600);
	conf_free(conf);
	cleanup();
}
END_TEST

START_TEST(test_all_errors_reported)
{
	struct conf *conf;
	char *err;
	char want[256];

	conf = load(
	    "[feedd]\n"				/* 1 */
	    "interval = soon\n"			/* 2 */
	    "listen = localhost:8080\n"		/* 3 */
	    "listen = 127.0.0.1:99999\n"	/* 4 */
	    "bogus = 1\n"			/* 5 */
	    "this line has no equals sign\n"	/* 6 */
	    "[feed one]\n"			/* 7 */
	    "url = ftp://example.org/feed\n"	/* 8 */
	    "[feed one]\n"			/* 9 */
	    "url = http://example.org/\n"	/* 10 */
	    "[feed two]\n"			/* 11 */
	    "title = no url here\n"		/* 12 */
	    "[mystery]\n"			/* 13 */
	    "log_level = loud\n"		/* 14 */
	    "[feedd]\n"				/* 15 */
	    "log_level = loud\n"		/* 16 */
	    "max_connections = 0\n",		/* 17 */
	    &err);
	ck_assert_ptr_null(conf);
	ck_assert_ptr_nonnull(err);
#define HAS_LINE(n) do {						\
	snprintf(want, sizeof(want), "%s:%d: ", conf_path, (n));	\
	ck_assert_msg(strstr(err, want) != NULL, "no error for line %d in:\n%s", \
	    (n), err);							\
} while (0)
	HAS_LINE(2);
	HAS_LINE(3);
	HAS_LINE(4);
	HAS_LINE(5);
	HAS_LINE(6);
	HAS_LINE(7);	/* feed one: url was invalid, so missing */
	HAS_LINE(8);
	HAS_LINE(9);
	HAS_LINE(11);
	HAS_LINE(13);
	HAS_LINE(16);
	HAS_LINE(17);
#undef HAS_LINE
	ck_assert_int_eq(count_lines(err), 12);
	ck_assert_ptr_nonnull(strstr(err, "already defined at line 7"));
	ck_assert_ptr_nonnull(strstr(err, "missing url"));
	free(err);
	cleanup();
}
END_TEST

START_TEST(test_missing_file)
{
	char *err = NULL;

	ck_assert_ptr_null(conf_load("/nonexistent/feedd.conf", &err));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/feedd.conf: "));
	free(err);
}
END_TEST

START_TEST(test_long_line)
{
	struct conf *conf;
	char *text, *err;
	size_t n = 400;

	text = malloc(n + 64);
	strcpy(text, "[feed a]\nurl = http://example.org/");
	memset(text + strlen(text), 'x', n);
	strcpy(text + 34 + n, "\n");
	conf = load(text, &err);
	ck_assert_ptr_null(conf);
	ck_assert_ptr_nonnull(strstr(err, ":2: line longer than"));
	free(err);
	free(text);
	cleanup();
}
END_TEST

START_TEST(test_duration)
{
	int s;

	ck_assert_int_eq(conf_parse_duration("90", &s), 0);
	ck_assert_int_eq(s, 90);
	ck_assert_int_eq(conf_parse_duration("30s", &s), 0);
	ck_assert_int_eq(s, 30);
	ck_assert_int_eq(conf_parse_duration("5m", &s), 0);
	ck_assert_int_eq(s, 300);
	ck_assert_int_eq(conf_parse_duration("2h", &s), 0);
	ck_assert_int_eq(s, 7200);
	ck_assert_int_eq(conf_parse_duration("1d", &s), 0);
	ck_assert_int_eq(s, 86400);
	ck_assert_int_eq(conf_parse_duration("", &s), -1);
	ck_assert_int_eq(conf_parse_duration("m", &s), -1);
	ck_assert_int_eq(conf_parse_duration("-5m", &s), -1);
	ck_assert_int_eq(conf_parse_duration("5 m", &s), -1);
	ck_assert_int_eq(conf_parse_duration("5mm", &s), -1);
	ck_assert_int_eq(conf_parse_duration("5w", &s), -1);
	ck_assert_int_eq(conf_parse_duration("99999999999d", &s), -1);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("conf");
	tc = tcase_create("conf");
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_min_interval_clamps);
	tcase_add_test(tc, test_all_errors_reported);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_duration);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(conf_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
