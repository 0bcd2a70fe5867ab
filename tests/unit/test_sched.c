/*
 * test_sched.c: daemon/sched.c and poll.c with a real config, store and
 * fetcher, against a libmicrohttpd origin on 127.0.0.1 port 0 (the
 * arithmetic of due times alone is test_due.c's).
 *
 * Each case writes a config into a fresh mkdtemp directory (the database
 * goes there too), may seed a feed's saved state, creates the sched and
 * looks at the due times it sets (sched_next_due) and at the state it
 * saves.  Fetches are started with sched_refresh and waited for by
 * running the loop until the metrics counters move.  What these cases
 * check is that arithmetic end to end (skip hours and days,
 * hints, interval = auto, Retry-After dates) and the restart and reload
 * rules; the timing and politeness end to end are tests/regress/polite.sh.
 */
#include "config.h"

#include <netinet/in.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>
#include <microhttpd.h>

#include "daemon/conf.h"
#include "daemon/fetch.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/sched.h"
#include "parsers/date.h"
#include "parsers/feed.h"
#include "storage/store.h"
#include "test_origin.h"

static struct MHD_Daemon *origin;
static int port;
static char tmpdir[64], confpath[128], dbpath[128];
static struct ev_loop *loop;
static struct conf *conf;
static struct store *store;
static struct fetcher *fetcher;
static struct sched *sched;
static int64_t t_start;

/* --- the origin */

/* An RSS document of n items published gap seconds apart, the newest an
 * hour before the server started; tag makes links and guids distinct. */
static char *
rss_doc(const char *tag, int n, int64_t gap)
{
	char *doc, date[DATE_RFC822_LEN];
	size_t len = 0, cap = 4096 + (size_t)n * 256;
	int i;

	doc = malloc(cap);
	ck_assert_ptr_nonnull(doc);
	len += snprintf(doc + len, cap - len, "<?xml version=\"1.0\"?>"
	    "<rss version=\"2.0\"><channel><title>t</title>"
	    "<link>http://example.org/</link>");
	for (i = 0; i < n; i++) {
		date_format_rfc822(t_start - 3600 - (int64_t)i * gap, date);
		len += snprintf(doc + len, cap - len, "<item><title>%s %d"
		    "</title><link>http://example.org/%s/%d</link>"
		    "<guid>%s%d</guid><pubDate>%s</pubDate></item>", tag, i,
		    tag, i, tag, i, date);
	}
	snprintf(doc + len, cap - len, "</channel></rss>");
	return doc;
}

static int keep_hour;	/* the hour /hinted.rss does not skip */

/*
 * The extremes of every numeric hint a publisher sends: each must give
 * the longest wait (max_interval), never a wrapped number (signed
 * overflow, undefined in C: the sanitizer build stops on it).
 */
static const struct extreme {
	unsigned int	 code;
	const char	*header;
	const char	*value;
	const char	*channel;	/* extra channel elements */
} extremes[] = {
	{ 503, "Retry-After", "9223372036854775807", NULL },
	{ 429, "Retry-After", "9223372036854775808", NULL },
	{ 503, "Retry-After", "99999999999999999999999999999999", NULL },
	{ 503, "Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT", NULL },
	{ 200, NULL, NULL, "<ttl>2000000000</ttl>" },
	{ 200, NULL, NULL, "<ttl>2147483647</ttl>" },
	{ 200, NULL, NULL, "<ttl>9223372036854775807</ttl>" },
	{ 200, "Cache-Control", "max-age=9223372036854775807", NULL },
	{ 200, "Cache-Control", "max-age=999999999999999999999999999", NULL },
	{ 200, "Expires", "Fri, 31 Dec 9999 23:59:59 GMT", NULL },
	{ 200, NULL, NULL, "<sy:updatePeriod>yearly</sy:updatePeriod>"
	    "<sy:updateFrequency>1</sy:updateFrequency>" },
};

static enum MHD_Result	reply(struct MHD_Connection *, unsigned int,
			    const char *, const char *, const char *);

static enum MHD_Result
extreme(struct MHD_Connection *c, int i)
{
	const struct extreme *x = &extremes[i];
	char doc[1024];

	snprintf(doc, sizeof(doc), "<rss version=\"2.0\" xmlns:sy=\"http://"
	    "purl.org/rss/1.0/modules/syndication/\"><channel><title>x"
	    "</title>%s<item><title>a</title><guid>a</guid><pubDate>"
	    "Fri, 31 Dec 9999 23:59:59 GMT</pubDate></item><item><title>b"
	    "</title><guid>b</guid><pubDate>Mon, 01 Jan 0001 00:00:00 GMT"
	    "</pubDate></item></channel></rss>",
	    x->channel != NULL ? x->channel : "");
	return reply(c, x->code, x->code == 200 ? doc : "no", x->header,
	    x->value);
}

/* Every reply is RSS with the same ETag; h, if not NULL, is one more
 * header. */
static enum MHD_Result
reply(struct MHD_Connection *c, unsigned int code, const char *body,
    const char *h, const char *v)
{
	return test_origin_reply(c, code, body,
	    "Content-Type", "application/rss+xml", "ETag", "\"e1\"",
	    h, v, NULL);
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	const char *inm;
	char date[DATE_RFC822_LEN], *doc;
	enum MHD_Result ret;

	(void)cls;
	(void)con_cls;
	(void)method;
	(void)upload;
	(void)upload_size;
	(void)version;
	inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "If-None-Match");
	if (inm != NULL && strcmp(inm, "\"e1\"") == 0) {
		/* A 304 repeats the freshness headers of the 200 (RFC 9110
		 * 15.4.5), as real servers do. */
		if (strcmp(url, "/maxage.rss") == 0)
			return reply(c, 304, "", "Cache-Control",
			    "public, max-age=600");
		if (strcmp(url, "/expires.rss") == 0) {
			date_format_rfc822(time(NULL) + 900, date);
			return reply(c, 304, "", "Expires", date);
		}
		return reply(c, 304, "", NULL, NULL);
	}
	if (strcmp(url, "/hourly.rss") == 0) {
		doc = rss_doc("h", 10, 3600);
		ret = reply(c, 200, doc, NULL, NULL);
		free(doc);
		return ret;
	}
	if (strcmp(url, "/other.rss") == 0) {
		doc = rss_doc("o", 10, 3600);
		ret = reply(c, 200, doc, NULL, NULL);
		free(doc);
		return ret;
	}
	if (strcmp(url, "/hinted.rss") == 0) {
		/* The publisher's own hints: skip every hour but the one
		 * two hours from now, and publish hourly. */
		time_t t = time(NULL);
		struct tm tm;
		char hours[512];
		size_t hl = 0;
		int h, keep;

		gmtime_r(&t, &tm);
		keep = keep_hour = (tm.tm_hour + 2) % 24;
		for (h = 0; h < 24; h++)
			if (h != keep)
				hl += (size_t)snprintf(hours + hl,
				    sizeof(hours) - hl, "<hour>%d</hour>", h);
		doc = malloc(2048);
		ck_assert_ptr_nonnull(doc);
		snprintf(doc, 2048, "<rss version=\"2.0\" xmlns:sy=\"http://"
		    "purl.org/rss/1.0/modules/syndication/\"><channel>"
		    "<title>h</title><sy:updatePeriod>hourly"
		    "</sy:updatePeriod><skipHours>%s</skipHours><item>"
		    "<title>x</title><guid>hx</guid></item></channel></rss>",
		    hours);
		ret = reply(c, 200, doc, NULL, NULL);
		free(doc);
		return ret;
	}
	if (strcmp(url, "/plain.rss") == 0) {
		doc = rss_doc("p", 2, 60);
		ret = reply(c, 200, doc, NULL, NULL);
		free(doc);
		return ret;
	}
	if (strcmp(url, "/maxage.rss") == 0) {
		doc = rss_doc("m", 2, 60);
		ret = reply(c, 200, doc, "Cache-Control",
		    "public, max-age=600");
		free(doc);
		return ret;
	}
	if (strcmp(url, "/expires.rss") == 0) {
		doc = rss_doc("e", 2, 60);
		date_format_rfc822(time(NULL) + 900, date);
		ret = reply(c, 200, doc, "Expires", date);
		free(doc);
		return ret;
	}
	if (strcmp(url, "/busy") == 0) {
		date_format_rfc822(time(NULL) + 700, date);
		return reply(c, 503, "later", "Retry-After", date);
	}
	if (strcmp(url, "/gone") == 0)
		return reply(c, 410, "gone", NULL, NULL);
	if (strncmp(url, "/x/", 3) == 0)
		return extreme(c, atoi(url + 3));
	return reply(c, 404, "no", NULL, NULL);
}

/* --- fixture */

static void
setup(void)
{
	char *errstr = NULL;

	signal(SIGPIPE, SIG_IGN);
	setenv("no_proxy", "*", 1);
	setenv("NO_PROXY", "*", 1);
	t_start = time(NULL);
	origin = test_origin_start(INADDR_LOOPBACK, handler, NULL, &port);

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_sched.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(confpath, sizeof(confpath), "%s/feedd.conf", tmpdir);
	snprintf(dbpath, sizeof(dbpath), "%s/feedd.db", tmpdir);
	feed_init();
	loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(loop);
	store = store_open(dbpath, &errstr);
	ck_assert_msg(store != NULL, "store_open: %s", errstr);
	fetcher = fetch_new(loop, &(struct fetch_opts){ 0 }, &errstr);
	ck_assert_msg(fetcher != NULL, "fetch_new: %s", errstr);
	conf = NULL;
	sched = NULL;
	memset(&metrics, 0, sizeof(metrics));
}

static void
teardown(void)
{
	char path[192];

	fetch_free(fetcher);
	sched_free(sched);
	store_close(store);
	conf_free(conf);
	ev_loop_destroy(loop);
	feed_cleanup();
	MHD_stop_daemon(origin);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(path), 0);
}

/* Loads a config of the global lines and feed sections given. */
static struct conf *
load_conf(const char *global, const char *feeds)
{
	struct conf *c;
	char *errstr = NULL;
	FILE *fp;

	fp = fopen(confpath, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "[feedd]\ndatabase = %s\nlisten = unix:%s/s.sock\n"
	    "%s\n%s", dbpath, tmpdir, global, feeds);
	fclose(fp);
	c = conf_load(confpath, &errstr);
	ck_assert_msg(c != NULL, "conf_load: %s", errstr);
	return c;
}

static void
start_sched(void)
{
	char *errstr = NULL;

	sched = sched_new(loop, conf, store, fetcher, &errstr);
	ck_assert_msg(sched != NULL, "sched_new: %s", errstr);
}

/* Saves state for a feed before the sched exists (a previous run). */
static void
seed(const char *name, const char *path, struct store_feed_state *st)
{
	char url[128];
	int64_t id;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	id = store_feed_ensure(store, name, url, NULL);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(store_feed_state_put(store, id, st), 0);
}

static void
load_state(const char *name, struct store_feed_state *st)
{
	struct store_feed_row *rows;
	size_t n, i;
	int found = 0;

	ck_assert_int_eq(store_feeds(store, &rows, &n), 0);
	for (i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0) {
			ck_assert_int_eq(store_feed_state_get(store,
			    rows[i].id, st), 0);
			found = 1;
		}
	store_feeds_free(rows, n);
	ck_assert_msg(found, "no feed %s in the store", name);
}

static uint64_t
nfetches(void)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < METRICS_FETCH_NOUTCOMES; i++)
		n += metrics.fetches[i];
	return n;
}

static uint64_t want_fetches;

static const char *want_feed;

/* The feed's poll is over: it is scheduled again, or it is gone. */
static int
feed_settled(const char *name)
{
	struct store_feed_state st;
	int gone;

	if (sched_next_due(sched, name) != 0)
		return 1;
	load_state(name, &st);
	gone = st.gone;
	store_feed_state_reset(&st);
	return gone;
}

/* Other feeds' start-up polls also count as fetches (their spread may
 * put them at once), hence the look at the feed itself. */
static void
watch_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)revents;
	(void)w;
	if (nfetches() >= want_fetches && feed_settled(want_feed))
		ev_break(l, EVBREAK_ALL);
}

static void
guard_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)revents;
	(void)w;
	ev_break(l, EVBREAK_ALL);
}

/* Polls name now and runs the loop until that fetch is over. */
static void
refresh_and_wait(const char *name)
{
	ev_timer watch, guard;

	/* A refresh that comes during a fetch (not due: in flight) polls
	 * once more right after it. */
	want_fetches = nfetches() + (sched_next_due(sched, name) == 0 ? 2 : 1);
	want_feed = name;
	ck_assert_int_eq(sched_refresh(sched, name), 0);
	ev_timer_init(&watch, watch_cb, 0.02, 0.02);
	ev_timer_init(&guard, guard_cb, 30., 0.);	/* a loaded CI box */
	ev_timer_start(loop, &watch);
	ev_timer_start(loop, &guard);
	ev_run(loop, 0);
	ev_timer_stop(loop, &watch);
	ev_timer_stop(loop, &guard);
	ck_assert_msg(nfetches() >= want_fetches, "fetch of %s not over",
	    name);
	ev_now_update(loop);
}

/* The due time lies in [now + lo, now + hi]. */
static void
assert_due(const char *name, int64_t lo, int64_t hi)
{
	int64_t due, now = (int64_t)ev_now(loop);

	due = sched_next_due(sched, name);
	ck_assert_msg(due >= now + lo && due <= now + hi,
	    "%s: due in %lld s, want %lld..%lld", name,
	    (long long)(due - now), (long long)lo, (long long)hi);
}

static char feeds_buf[1024];

static const char *
feed_section(const char *name, const char *path, const char *extra)
{
	size_t n = strlen(feeds_buf);

	snprintf(feeds_buf + n, sizeof(feeds_buf) - n,
	    "[feed %s]\nurl = http://127.0.0.1:%d%s\n%s\n", name, port, path,
	    extra);
	return feeds_buf;
}

/* --- cases */

START_TEST(test_skip_hours)
{
	struct store_feed_state st;
	struct tm tm;
	time_t t;
	int64_t due;
	int h;

	/* Every hour skipped but the one two hours from now. */
	t = time(NULL);
	gmtime_r(&t, &tm);
	h = (tm.tm_hour + 2) % 24;
	memset(&st, 0, sizeof(st));
	st.skip_hours = 0xffffffu & ~(1u << h);
	seed("a", "/plain.rss", &st);
	feeds_buf[0] = '\0';
	conf = load_conf("interval = 1h", feed_section("a", "/plain.rss", ""));
	start_sched();
	due = sched_next_due(sched, "a");
	t = (time_t)due;
	gmtime_r(&t, &tm);
	ck_assert_int_eq(tm.tm_hour, h);
	ck_assert_int_eq(due % 3600, 0);
	ck_assert_int_gt(due, (int64_t)time(NULL) + 3600 - 1);
}
END_TEST

START_TEST(test_document_hints)
{
	struct store_feed_state st;
	struct tm tm;
	time_t t;
	int64_t due;

	/* skipHours and sy:updatePeriod read from the document itself. */
	feeds_buf[0] = '\0';
	conf = load_conf("interval = 1s\nmin_interval = 1s",
	    feed_section("h", "/hinted.rss", ""));
	start_sched();
	refresh_and_wait("h");
	load_state("h", &st);
	ck_assert_int_eq(st.ttl, 3600);
	ck_assert_uint_eq(__builtin_popcount(st.skip_hours), 23);
	store_feed_state_reset(&st);
	/* An hour and a bit (the hourly period plus jitter), moved on
	 * into the one hour not skipped, two hours after the fetch's. */
	due = sched_next_due(sched, "h");
	t = (time_t)due;
	gmtime_r(&t, &tm);
	ck_assert_int_eq(tm.tm_hour, keep_hour);
	ck_assert_int_gt(due, (int64_t)time(NULL) + 3600 - 1);
	ck_assert_int_lt(due, (int64_t)time(NULL) + 3 * 3600);
}
END_TEST

START_TEST(test_skip_days)
{
	struct store_feed_state st;
	struct tm tm;
	time_t t;
	int64_t due;
	int d;

	/* Every day skipped but the day after tomorrow. */
	t = time(NULL);
	gmtime_r(&t, &tm);
	d = (tm.tm_wday + 2) % 7;
	memset(&st, 0, sizeof(st));
	st.skip_days = 0x7fu & ~(1u << d);
	seed("a", "/plain.rss", &st);
	feeds_buf[0] = '\0';
	conf = load_conf("interval = 1h", feed_section("a", "/plain.rss", ""));
	start_sched();
	due = sched_next_due(sched, "a");
	t = (time_t)due;
	gmtime_r(&t, &tm);
	ck_assert_int_eq(tm.tm_wday, d);
	ck_assert_int_eq(tm.tm_hour, 0);
	ck_assert_int_eq(due % 3600, 0);
}
END_TEST

START_TEST(test_restart)
{
	struct store_feed_state st;
	int64_t now = time(NULL);
	size_t n, failing;

	/* A saved due time is kept; a gone feed is not scheduled; a new
	 * one is due at once, not spread over the first minute, so that
	 * the first start fills the river; unknown names are -1. */
	memset(&st, 0, sizeof(st));
	st.next_due = now + 5000;
	seed("saved", "/plain.rss", &st);
	st.next_due = now + 10;
	st.gone = 1;
	seed("gone", "/gone", &st);
	feeds_buf[0] = '\0';
	feed_section("saved", "/plain.rss", "");
	feed_section("gone", "/gone", "");
	conf = load_conf("interval = 1h",
	    feed_section("new", "/plain.rss", ""));
	start_sched();
	ck_assert_int_eq(sched_next_due(sched, "saved"), now + 5000);
	ck_assert_int_eq(sched_next_due(sched, "gone"), 0);
	assert_due("new", -1, 0);
	ck_assert_int_eq(sched_next_due(sched, "nosuch"), -1);
	ck_assert_int_eq(sched_refresh(sched, "nosuch"), -1);
	sched_summary(sched, &n, &failing);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(failing, 1);
}
END_TEST

START_TEST(test_auto_interval)
{
	struct store_feed_state st;

	/* Ten items an hour apart: polled about hourly (+ 10% jitter). */
	feeds_buf[0] = '\0';
	conf = load_conf("interval = 1m\nmin_interval = 1s",
	    feed_section("auto", "/hourly.rss", "interval = auto"));
	start_sched();
	refresh_and_wait("auto");
	ck_assert_uint_eq(metrics.fetches[METRICS_FETCH_OK], 1);
	ck_assert_uint_eq(metrics.entries_added, 10);
	assert_due("auto", 3600, 3960 + 2);
	load_state("auto", &st);
	ck_assert_int_eq(st.interval, 3600);
	store_feed_state_reset(&st);
}
END_TEST

START_TEST(test_refresh_in_flight)
{
	uint64_t before;

	/* A refresh that comes while the feed is being fetched polls once
	 * more after that fetch: the one in flight may predate whatever
	 * the user wants to see. */
	feeds_buf[0] = '\0';
	conf = load_conf("interval = 1h",
	    feed_section("f", "/hourly.rss", ""));
	start_sched();
	before = nfetches();
	ck_assert_int_eq(sched_refresh(sched, "f"), 0);
	ck_assert_int_eq(sched_next_due(sched, "f"), 0);	/* in flight */
	refresh_and_wait("f");
	ck_assert_uint_eq(nfetches(), before + 2);
	assert_due("f", 3600, 3960 + 2);
	ck_assert_int_eq(sched_refresh(sched, "nope"), -1);
}
END_TEST

START_TEST(test_fixed_interval)
{
	/* The control: the same feed without auto keeps its 1 minute. */
	feeds_buf[0] = '\0';
	conf = load_conf("interval = 1m\nmin_interval = 1s",
	    feed_section("fixed", "/hourly.rss", ""));
	start_sched();
	refresh_and_wait("fixed");
	assert_due("fixed", 60, 66 + 2);
}
END_TEST

START_TEST(test_hints)
{
	/* max-age and Expires widen 1 s; they never narrow 1 h. */
	feeds_buf[0] = '\0';
	feed_section("maxage", "/maxage.rss", "");
	feed_section("expires", "/expires.rss", "");
	conf = load_conf("interval = 1s\nmin_interval = 1s",
	    feed_section("long", "/maxage.rss", "interval = 1h"));
	start_sched();
	refresh_and_wait("maxage");
	assert_due("maxage", 600, 660 + 2);
	refresh_and_wait("expires");
	assert_due("expires", 900 - 2, 990 + 2);
	refresh_and_wait("long");
	assert_due("long", 3600, 3960 + 2);
}
END_TEST

START_TEST(test_not_modified)
{
	struct store_feed_state st;
	uint64_t gen, added;

	/* A 304: no entry writes, the success recorded. */
	feeds_buf[0] = '\0';
	conf = load_conf("interval = 1s\nmin_interval = 1s",
	    feed_section("a", "/plain.rss", ""));
	start_sched();
	refresh_and_wait("a");
	ck_assert_uint_eq(metrics.fetches[METRICS_FETCH_OK], 1);
	gen = store_generation(store);
	added = metrics.entries_added;
	ck_assert_uint_eq(added, 2);
	refresh_and_wait("a");
	ck_assert_uint_eq(metrics.fetches[METRICS_FETCH_NOT_MODIFIED], 1);
	ck_assert_uint_eq(store_generation(store), gen);
	ck_assert_uint_eq(metrics.entries_added, added);
	load_state("a", &st);
	ck_assert_int_eq(st.http_status, 304);
	ck_assert_int_eq(st.failures, 0);
	ck_assert_str_eq(st.etag, "\"e1\"");
	store_feed_state_reset(&st);
}
END_TEST

START_TEST(test_retry_after_date)
{
	struct store_feed_state st;
	int64_t now;

	feeds_buf[0] = '\0';
	conf = load_conf("interval = 1s\nmin_interval = 1s",
	    feed_section("busy", "/busy", ""));
	start_sched();
	refresh_and_wait("busy");
	now = (int64_t)ev_now(loop);
	/* 700 s from the date, up to 10% jitter and a second of rounding. */
	assert_due("busy", 700 - 2, 770 + 2);
	load_state("busy", &st);
	ck_assert_int_eq(st.http_status, 503);
	ck_assert_str_eq(st.error_class, "http");
	ck_assert_int_eq(st.failures, 1);
	ck_assert_int_ge(st.retry_after, now + 700 - 2);
	ck_assert_int_eq(st.last_success, 0);
	ck_assert_int_gt(st.last_attempt, 0);
	store_feed_state_reset(&st);
}
END_TEST

START_TEST(test_extremes)
{
	struct store_feed_state st;
	char path[32];
	int64_t now;

	/* The entries are dated year 1 and 9999, too. */
	snprintf(path, sizeof(path), "/x/%d", _i);
	feeds_buf[0] = '\0';
	conf = load_conf("interval = 1s\nmin_interval = 1s\n"
	    "max_interval = 1d", feed_section("x", path, ""));
	start_sched();
	refresh_and_wait("x");
	now = (int64_t)ev_now(loop);
	assert_due("x", 86400 - 2, 86400 + 8640 + 2);
	load_state("x", &st);
	if (extremes[_i].code != 200) {
		ck_assert_int_eq(st.failures, 1);
		ck_assert_int_ge(st.retry_after, now + 86400 - 2);
		ck_assert_int_le(st.retry_after, now + 86400 + 2);
	} else {
		ck_assert_int_eq(st.failures, 0);
		ck_assert_int_ge(st.ttl, 0);
	}
	store_feed_state_reset(&st);
}
END_TEST

START_TEST(test_gone)
{
	struct store_feed_state st;
	size_t n, failing;

	feeds_buf[0] = '\0';
	conf = load_conf("interval = 1s\nmin_interval = 1s",
	    feed_section("gone", "/gone", ""));
	start_sched();
	refresh_and_wait("gone");
	ck_assert_int_eq(sched_next_due(sched, "gone"), 0);
	load_state("gone", &st);
	ck_assert_int_eq(st.gone, 1);
	ck_assert_int_eq(st.http_status, 410);
	ck_assert_str_eq(st.error_class, "gone");
	store_feed_state_reset(&st);
	sched_summary(sched, &n, &failing);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(failing, 1);
}
END_TEST

START_TEST(test_reload)
{
	struct conf *newconf;
	struct store_feed_row *rows;
	struct store_feed_state st;
	size_t n, failing, i;
	int64_t due;

	/* a goes, b stays as it is, c comes, d changes its URL. */
	feeds_buf[0] = '\0';
	feed_section("a", "/plain.rss", "");
	feed_section("b", "/plain.rss", "");
	conf = load_conf("interval = 1h",
	    feed_section("d", "/plain.rss", ""));
	start_sched();
	refresh_and_wait("d");
	load_state("d", &st);
	ck_assert_str_eq(st.etag, "\"e1\"");
	store_feed_state_reset(&st);
	assert_due("d", 3600, 3960 + 2);
	due = sched_next_due(sched, "b");

	feeds_buf[0] = '\0';
	feed_section("d", "/hourly.rss", "");
	feed_section("c", "/other.rss", "");
	newconf = load_conf("interval = 1h",
	    feed_section("b", "/plain.rss", ""));
	ck_assert_int_eq(sched_reload(sched, newconf), 0);
	conf_free(conf);
	conf = newconf;
	ck_assert_int_eq(sched_next_due(sched, "a"), -1);
	ck_assert_int_eq(sched_next_due(sched, "b"), due);
	/* A feed added by a reload is due at once, and so is a new URL
	 * (it starts over, without the old validators). */
	assert_due("c", -1, 0);
	assert_due("d", -1, 0);
	load_state("d", &st);
	ck_assert_ptr_null(st.etag);
	store_feed_state_reset(&st);
	sched_summary(sched, &n, &failing);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(failing, 0);
	/* The removed feed is retired in the store, the others not. */
	ck_assert_int_eq(store_feeds(store, &rows, &n), 0);
	ck_assert_uint_eq(n, 4);
	for (i = 0; i < n; i++)
		ck_assert_msg((rows[i].retired != 0) ==
		    (strcmp(rows[i].name, "a") == 0), "%s retired %lld",
		    rows[i].name, (long long)rows[i].retired);
	store_feeds_free(rows, n);
	/* And the new ones poll their URLs. */
	refresh_and_wait("c");
	refresh_and_wait("d");
	/* (A start-up poll that coincides with a refresh adds a fetch.) */
	ck_assert_uint_ge(metrics.fetches[METRICS_FETCH_OK], 3);
	ck_assert_uint_ge(metrics.entries_added, 2 + 10 + 10);
	ck_assert_int_eq(store_feeds(store, &rows, &n), 0);
	for (i = 0; i < n; i++)
		if (strcmp(rows[i].name, "c") == 0)
			ck_assert_int_eq(rows[i].entries, 10);
		else if (strcmp(rows[i].name, "d") == 0)
			ck_assert_int_eq(rows[i].entries, 2 + 10);
	store_feeds_free(rows, n);
}
END_TEST

/* Counts the lines of the file holding prefix and then, later, sub. */
static int
count_lines(const char *path, const char *prefix, const char *sub)
{
	char line[512];
	FILE *fp;
	int n = 0;

	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, prefix, strlen(prefix)) == 0 &&
		    strstr(line, sub) != NULL)
			n++;
	fclose(fp);
	return n;
}

START_TEST(test_failure_logging)
{
	struct store_feed_state st;
	char logpath[192];
	int fd;

	/* Three 404s: a warning for the first, debug lines for the
	 * repeats; each line names the feed. */
	snprintf(logpath, sizeof(logpath), "%s/log", tmpdir);
	fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	ck_assert_int_eq(dup2(fd, 2), 2);
	close(fd);
	unsetenv("JOURNAL_STREAM");
	log_init(LOG_LEVEL_DEBUG);
	feeds_buf[0] = '\0';
	conf = load_conf("interval = 1s\nmin_interval = 1s",
	    feed_section("lost", "/missing", ""));
	start_sched();
	refresh_and_wait("lost");
	refresh_and_wait("lost");
	refresh_and_wait("lost");
	load_state("lost", &st);
	ck_assert_int_eq(st.failures, 3);
	ck_assert_int_eq(st.http_status, 404);
	ck_assert_str_eq(st.error_class, "http");
	ck_assert_str_eq(st.last_error, "HTTP 404 Not Found");
	ck_assert_int_gt(st.last_attempt, 0);
	ck_assert_int_eq(st.last_success, 0);
	store_feed_state_reset(&st);
	fflush(stderr);
	ck_assert_int_eq(count_lines(logpath, "feedd: warning: feed lost: ",
	    "404"), 1);
	ck_assert_int_eq(count_lines(logpath, "feedd: debug: feed lost: ",
	    "404 Not Found (again"), 2);
	ck_assert_int_eq(count_lines(logpath, "feedd: warning: ", "404"), 1);
}
END_TEST

int
main(void)
{
	Suite *s;
	TCase *tc;
	SRunner *sr;
	int failed;

	s = suite_create("sched");
	tc = tcase_create("sched");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_skip_hours);
	tcase_add_test(tc, test_document_hints);
	tcase_add_test(tc, test_refresh_in_flight);
	tcase_add_test(tc, test_skip_days);
	tcase_add_test(tc, test_restart);
	tcase_add_test(tc, test_auto_interval);
	tcase_add_test(tc, test_fixed_interval);
	tcase_add_test(tc, test_hints);
	tcase_add_test(tc, test_not_modified);
	tcase_add_test(tc, test_retry_after_date);
	tcase_add_test(tc, test_gone);
	tcase_add_loop_test(tc, test_extremes, 0,
	    (int)(sizeof(extremes) / sizeof(extremes[0])));
	tcase_add_test(tc, test_reload);
	tcase_add_test(tc, test_failure_logging);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
