/*
 * test_conf.c: the config file reader: values, defaults, and that every
 * error is reported with its line, all of them, and no config returned.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/conf.h"
#include "daemon/errlist.h"
#include "daemon/feedname.h"
#include "base/util.h"

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
	    "listen = example.org:8080\n"	/* 3 */
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

/* server_name: repeatable, comma lists, lower-cased; not a port, URL
 * or wildcard. */
START_TEST(test_server_name)
{
	struct conf *conf;
	char *err = NULL;

	conf = load(
	    "[feedd]\n"
	    "server_name = Feeds.Example.org, reader.example.\n"
	    "server_name = 192.0.2.7\n"
	    "[feed one]\n"
	    "url = http://example.org/\n", &err);
	ck_assert_msg(conf != NULL, "%s", err ? err : "?");
	ck_assert_uint_eq(conf->nserver_names, 3);
	ck_assert_str_eq(conf->server_names[0], "feeds.example.org");
	ck_assert_str_eq(conf->server_names[1], "reader.example");
	ck_assert_str_eq(conf->server_names[2], "192.0.2.7");
	conf_free(conf);
	cleanup();

	conf = load(
	    "[feedd]\n"
	    "server_name = feeds.example.org:8080\n"	/* 2 */
	    "server_name = *.example.org\n"		/* 3 */
	    "server_name = http://x.example/\n"		/* 4 */
	    "server_name = ,\n"				/* 5 */
	    "server_name = a..b\n"			/* 6 */
	    "[feed one]\n"
	    "url = http://example.org/\n", &err);
	ck_assert_ptr_null(conf);
	ck_assert_msg(count_lines(err) == 5, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, ":2: server_name: "));
	ck_assert_ptr_nonnull(strstr(err, ":5: server_name: empty"));
	free(err);
	cleanup();
}
END_TEST

/* outlet = author | title | none; author by default. */
START_TEST(test_outlet)
{
	struct conf *conf;
	char *err;

	conf = load("[feedd]\noutlet = title\n", &err);
	ck_assert_msg(conf != NULL, "unexpected errors: %s", err);
	ck_assert_int_eq(conf->outlet, RENDER_OUTLET_TITLE);
	conf_free(conf);
	cleanup();
	conf = load("[feedd]\noutlet = none\n", &err);
	ck_assert_msg(conf != NULL, "unexpected errors: %s", err);
	ck_assert_int_eq(conf->outlet, RENDER_OUTLET_NONE);
	conf_free(conf);
	cleanup();
	conf = load("[feedd]\n", &err);
	ck_assert_msg(conf != NULL, "unexpected errors: %s", err);
	ck_assert_int_eq(conf->outlet, RENDER_OUTLET_AUTHOR);
	conf_free(conf);
	cleanup();
	conf = load("[feedd]\noutlet = both\n", &err);
	ck_assert_ptr_null(conf);
	ck_assert_ptr_nonnull(strstr(err, ":2: outlet: expected author, "
	    "title or none, got 'both'"));
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

START_TEST(test_polling_and_retention)
{
	struct conf *conf;
	char *err;

	conf = load(
	    "[feedd]\n"
	    "interval = auto\n"
	    "max_interval = 6h\n"
	    "per_host_connections = 3\n"
	    "host_delay = 0\n"
	    "max_size = 512k\n"
	    "keep_days = 30\n"
	    "keep_entries = 0\n"
	    "socket_mode = 0600\n"
	    "http_max_clients = 8\n"
	    "http_timeout = 10s\n"
	    "user_agent = global/1\n"
	    "[feed a]\n"
	    "url = http://127.0.0.1/a\n"
	    "interval = 3d\n"
	    "user_agent = special/2\n"
	    "keep_days = 7\n"
	    "keep_entries = 50\n"
	    "[feed b]\n"
	    "url = http://127.0.0.1/b\n"
	    "interval = 1h\n", &err);
	ck_assert_msg(conf != NULL, "unexpected errors: %s", err);
	ck_assert_int_eq(conf->interval_auto, 1);
	ck_assert_int_eq(conf->interval, 30 * 60);	/* auto's base */
	ck_assert_int_eq(conf->max_interval, 6 * 3600);
	ck_assert_int_eq(conf->per_host_connections, 3);
	ck_assert_int_eq(conf->host_delay, 0);
	ck_assert_uint_eq(conf->max_size, 512 * 1024);
	ck_assert_int_eq(conf->keep_days, 30);
	ck_assert_int_eq(conf->keep_entries, 0);
	ck_assert_int_eq(conf->socket_mode, 0600);
	ck_assert_int_eq(conf->http_max_clients, 8);
	ck_assert_int_eq(conf->http_timeout, 10);
	/* 3d is clamped to max_interval; the feed's own interval turns
	 * auto off for it, b inherits auto. */
	ck_assert_int_eq(conf_feed_interval(conf, &conf->feeds[0]), 6 * 3600);
	ck_assert_int_eq(conf_feed_auto(conf, &conf->feeds[0]), 0);
	ck_assert_int_eq(conf_feed_auto(conf, &conf->feeds[1]), 0);
	ck_assert_str_eq(conf_feed_user_agent(conf, &conf->feeds[0]),
	    "special/2");
	ck_assert_str_eq(conf_feed_user_agent(conf, &conf->feeds[1]),
	    "global/1");
	ck_assert_int_eq(conf->feeds[0].keep_days, 7);
	ck_assert_int_eq(conf->feeds[0].keep_entries, 50);
	ck_assert_int_eq(conf->feeds[1].keep_days, CONF_INHERIT);
	ck_assert_ptr_eq(conf_find_feed(conf, "b"), &conf->feeds[1]);
	ck_assert_ptr_null(conf_find_feed(conf, "c"));
	conf_free(conf);
	cleanup();

	/* Defaults of the same options. */
	conf = load("[feed a]\nurl = http://127.0.0.1/a\ninterval = auto\n",
	    &err);
	ck_assert_msg(conf != NULL, "unexpected errors: %s", err);
	ck_assert_int_eq(conf->interval_auto, 0);
	ck_assert_int_eq(conf_feed_auto(conf, &conf->feeds[0]), 1);
	ck_assert_int_eq(conf->max_interval, 24 * 3600);
	ck_assert_int_eq(conf->per_host_connections, 2);
	ck_assert_int_eq(conf->host_delay, 1);
	ck_assert_uint_eq(conf->max_size, 16 << 20);
	ck_assert_int_eq(conf->keep_days, 90);
	ck_assert_int_eq(conf->keep_entries, 500);
	ck_assert_int_eq(conf->socket_mode, 0660);
	ck_assert_ptr_null(conf->opml);
	ck_assert_uint_eq(conf->nviews, 0);
	ck_assert_ptr_null(conf_feed_user_agent(conf, &conf->feeds[0]));
	conf_free(conf);
	cleanup();
}
END_TEST

START_TEST(test_views_and_opml)
{
	struct conf *conf;
	const struct conf_view *v;
	char *err, *text, want[300];
	char opml[] = "/tmp/feedd-test-subs-XXXXXX";
	FILE *fp;
	int fd;

	/* The OPML file must exist (it is read: see test_opml.c). */
	fd = mkstemp(opml);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("<opml version=\"2.0\"><body/></opml>\n", fp);
	fclose(fp);
	text = xasprintf(
	    "[feedd]\n"
	    "opml = %s\n"
	    "[feed a]\n"
	    "url = http://127.0.0.1/a\n"
	    "[feed b]\n"
	    "url = http://127.0.0.1/b\n"
	    "[view europe]\n"
	    "title = Europe desk\n"
	    "tags = eu, uk\n"
	    "feeds = a, b\n"
	    "query = sanctions\n"
	    "[view all-a]\n"
	    "feeds = a\n", opml + strlen("/tmp/"));
	conf = load(text, &err);
	free(text);
	unlink(opml);
	ck_assert_msg(conf != NULL, "unexpected errors: %s", err);
	/* relative to the config file's directory (/tmp) */
	ck_assert_str_eq(conf->opml, opml);
	ck_assert_uint_eq(conf->nviews, 2);
	v = conf_find_view(conf, "europe");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->title, "Europe desk");
	ck_assert_uint_eq(v->ntags, 2);
	ck_assert_str_eq(v->tags[1], "uk");
	ck_assert_uint_eq(v->nfeeds, 2);
	ck_assert_str_eq(v->feeds[0], "a");
	ck_assert_str_eq(v->query, "sanctions");
	v = conf_find_view(conf, "all-a");
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_null(v->query);
	ck_assert_ptr_null(conf_find_view(conf, "nope"));
	conf_free(conf);
	cleanup();

	conf = load(
	    "[feedd]\n"			/* 1 */
	    "socket_mode = 0999\n"		/* 2 */
	    "max_size = 16X\n"			/* 3 */
	    "keep_days = -1\n"			/* 4 */
	    "min_interval = 1h\n"		/* 5 */
	    "max_interval = 10m\n"		/* 6 */
	    "per_host_connections = 0\n"	/* 7 */
	    "[feed a]\n"			/* 8 */
	    "url = http://127.0.0.1/a\n"	/* 9 */
	    "interval = automatic\n"		/* 10 */
	    "[view v]\n"			/* 11 */
	    "feeds = a, ghost\n"		/* 12 */
	    "color = red\n"			/* 13 */
	    "[view v]\n", &err);		/* 14 */
	ck_assert_ptr_null(conf);
#define HAS_LINE(n) do {						\
	snprintf(want, sizeof(want), "%s:%d: ", conf_path, (n));	\
	ck_assert_msg(strstr(err, want) != NULL, "no error for line %d in:\n%s", \
	    (n), err);							\
} while (0)
	HAS_LINE(2);
	HAS_LINE(3);
	HAS_LINE(4);
	HAS_LINE(6);
	HAS_LINE(7);
	HAS_LINE(10);
	HAS_LINE(11);	/* no feed named 'ghost' */
	HAS_LINE(13);
	HAS_LINE(14);
#undef HAS_LINE
	ck_assert_int_eq(count_lines(err), 9);
	ck_assert_ptr_nonnull(strstr(err, "no feed named 'ghost'"));
	free(err);
	cleanup();
}
END_TEST

START_TEST(test_size)
{
	size_t n;

	ck_assert_int_eq(conf_parse_size("512", &n), 0);
	ck_assert_uint_eq(n, 512);
	ck_assert_int_eq(conf_parse_size("64k", &n), 0);
	ck_assert_uint_eq(n, 65536);
	ck_assert_int_eq(conf_parse_size("16M", &n), 0);
	ck_assert_uint_eq(n, 16 << 20);
	ck_assert_int_eq(conf_parse_size("1G", &n), 0);
	ck_assert_uint_eq(n, 1 << 30);
	ck_assert_int_eq(conf_parse_size("", &n), -1);
	ck_assert_int_eq(conf_parse_size("M", &n), -1);
	ck_assert_int_eq(conf_parse_size("1MB", &n), -1);
	ck_assert_int_eq(conf_parse_size("-1k", &n), -1);
	ck_assert_int_eq(conf_parse_size("99999999999999999999G", &n), -1);
}
END_TEST

/* The rules [feed NAME] sections and OPML import share. */
START_TEST(test_feedname)
{
	char *s;

	ck_assert_int_eq(feedname_valid("bbc-world_2.x"), 1);
	ck_assert_int_eq(feedname_valid(""), 0);
	ck_assert_int_eq(feedname_valid("a b"), 0);
	ck_assert_int_eq(feedname_valid("a/b"), 0);
	ck_assert_int_eq(feedname_url_ok("https://example.org/f"), 1);
	ck_assert_int_eq(feedname_url_ok("HTTP://example.org"), 1);
	ck_assert_int_eq(feedname_url_ok("ftp://example.org/f"), 0);
	ck_assert_int_eq(feedname_url_ok("http://"), 0);
	ck_assert_int_eq(feedname_url_ok("http:///f"), 0);
	ck_assert_int_eq(feedname_url_ok("http://a b/"), 0);
	s = feedname_slug("  \xc3\x9cn\xc3\xaf" "code -- Blog! ", 48);
	ck_assert_str_eq(s, "unicode-blog");
	free(s);
	s = feedname_slug("abcdef", 4);
	ck_assert_str_eq(s, "abcd");
	free(s);
	s = feedname_slug("!!!", 8);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

/* Errors one a line, a message's own final newline dropped. */
START_TEST(test_errlist)
{
	struct errlist el;
	char *text;

	errlist_init(&el);
	errlist_at(&el, "f.conf", 3, "bad %s", "thing");
	errlist_add(&el, "x.opml: %s\n", "gone");
	errlist_at(&el, "x.opml", 0, "last");
	ck_assert_uint_eq(el.n, 3);
	text = errlist_steal(&el);
	ck_assert_str_eq(text, "f.conf:3: bad thing\nx.opml: gone\n"
	    "x.opml:0: last");
	ck_assert_uint_eq(el.n, 0);
	free(text);
	errlist_reset(&el);
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
	tcase_add_test(tc, test_server_name);
	tcase_add_test(tc, test_outlet);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_duration);
	tcase_add_test(tc, test_polling_and_retention);
	tcase_add_test(tc, test_views_and_opml);
	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_feedname);
	tcase_add_test(tc, test_errlist);
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
