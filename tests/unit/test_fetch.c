/*
 * test_fetch.c: daemon/fetch.c against a real HTTP origin in the same
 * process.
 *
 * The origin is libmicrohttpd with a thread per connection on 127.0.0.1
 * port 0, so that slow responses overlap and the number of requests in
 * flight at once can be measured at the server.  The fetcher runs on its
 * own libev loop in the test's thread.  Every case starts a fresh server,
 * loop and fetcher (Check forks each test).
 */
#include "config.h"

#include <netinet/in.h>

#include <ctype.h>
#include <stdatomic.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <ev.h>
#include <microhttpd.h>
#include <zlib.h>

#include "daemon/fetch.h"
#include "parsers/uri.h"
#include "base/util.h"
#include "test_origin.h"

#define CAP		(64 * 1024)
#define ETAG		"W/\"v-1 x\""
/* RFC 850 form on purpose: it must come back byte for byte. */
#define LASTMOD		"Saturday, 28-Nov-26 08:00:00 GMT"
#define DEFAULT_UA	"feedd/" PACKAGE_VERSION " (+" PACKAGE_URL ")"

/* --- the origin server */

static struct MHD_Daemon *origin;
static int port;
static char base[64];
/* A second origin on 127.0.0.2, started by the cases that need one. */
static struct MHD_Daemon *origin2;
static char base2[64];
static int nrequests2;
/* Bytes the huge bodies' reader handed to libmicrohttpd. */
static atomic_long served;

/*
 * A spin lock, not a pthread mutex: -I daemon makes <pthread.h> find
 * daemon/sched.h instead of the system's <sched.h>.
 */
static atomic_flag mtx = ATOMIC_FLAG_INIT;

static void
lock(void)
{
	while (atomic_flag_test_and_set(&mtx))
		;
}

static void
unlock(void)
{
	atomic_flag_clear(&mtx);
}

static char seen_ua[256];
static char seen_inm[256];
static char seen_ims[256];
static int in_flight, max_in_flight, nrequests;
static double stamps[8];	/* arrival times of /stamp */
static int nstamps;

static unsigned char *gz_text, *gz_bomb;
static size_t gz_text_len, gz_bomb_len;
static char *plain_text;

static void
copy_header(struct MHD_Connection *c, const char *name, char *dst,
    size_t len)
{
	const char *v;

	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
	snprintf(dst, len, "%s", v != NULL ? v : "(none)");
}

/* Chunked body of 1 MiB of 'a'. */
static ssize_t
big_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	size_t n = max < 4096 ? max : 4096;

	(void)cls;
	if (pos >= 1024 * 1024)
		return MHD_CONTENT_READER_END_OF_STREAM;
	memset(buf, 'a', n);
	return (ssize_t)n;
}

/* 64 MiB of filler, counted in served. */
static ssize_t
huge_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	size_t n = max < 65536 ? max : 65536;

	(void)cls;
	if (pos >= 64 * 1024 * 1024)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n > 64 * 1024 * 1024 - pos)
		n = 64 * 1024 * 1024 - pos;
	memset(buf, 'e', n);
	served += (long)n;
	return (ssize_t)n;
}

/* One byte every 200 ms, 50 bytes at most. */
static ssize_t
trickle_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)max;
	if (pos >= 50)
		return MHD_CONTENT_READER_END_OF_STREAM;
	usleep(200 * 1000);
	buf[0] = 'x';
	return 1;
}

static enum MHD_Result
queue_gzip(struct MHD_Connection *c, const unsigned char *p, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)p,
	    MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Encoding", "gzip");
	MHD_add_response_header(r, "Content-Type", "application/rss+xml");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	int match;

	(void)con_cls;
	(void)method;
	(void)upload;
	(void)upload_size;
	(void)version;
	char loc[128];

	lock();
	if (cls != NULL)
		(*(int *)cls)++;
	else
		nrequests++;
	copy_header(c, "User-Agent", seen_ua, sizeof(seen_ua));
	unlock();

	if (strcmp(url, "/to-local") == 0) {
		snprintf(loc, sizeof(loc), "%s/ok", base2);
		return test_origin_reply(c, 302, "", "Location", loc, NULL);
	}
	if (strcmp(url, "/to-self") == 0) {
		snprintf(loc, sizeof(loc), "%s/ok", base);
		return test_origin_reply(c, 301, "", "Location", loc, NULL);
	}
	if (strcmp(url, "/to-localhost") == 0) {
		snprintf(loc, sizeof(loc), "http://localhost:%d/ok", port);
		return test_origin_reply(c, 302, "", "Location", loc, NULL);
	}
	if (strcmp(url, "/huge500") == 0 || strcmp(url, "/huge302") == 0) {
		/* An error page, or a redirect, with 64 MiB of body. */
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 65536,
		    huge_reader, NULL, NULL);
		if (url[5] == '3')
			MHD_add_response_header(r, "Location", "/ok");
		ret = MHD_queue_response(c, url[5] == '5' ? 500 : 302, r);
		MHD_destroy_response(r);
		return ret;
	}

	if (strcmp(url, "/ok") == 0) {
		r = MHD_create_response_from_buffer(10, (char *)"hello feed",
		    MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "ETag", ETAG);
		MHD_add_response_header(r, "Last-Modified", LASTMOD);
		MHD_add_response_header(r, "Content-Type",
		    "application/rss+xml; charset=utf-8");
		MHD_add_response_header(r, "Cache-Control", "max-age=3600");
		ret = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return ret;
	}
	if (strcmp(url, "/cond") == 0) {
		lock();
		copy_header(c, "If-None-Match", seen_inm, sizeof(seen_inm));
		copy_header(c, "If-Modified-Since", seen_ims,
		    sizeof(seen_ims));
		match = strcmp(seen_inm, ETAG) == 0 &&
		    strcmp(seen_ims, LASTMOD) == 0;
		unlock();
		if (match)
			return test_origin_reply(c, 304, "",
			    "ETag", ETAG, NULL);
		return test_origin_reply(c, 200, "full body",
		    "ETag", ETAG, NULL);
	}
	if (strcmp(url, "/missing") == 0)
		return test_origin_reply(c, 404, "not here", NULL);
	if (strcmp(url, "/busy") == 0)
		return test_origin_reply(c, 503, "later",
		    "Retry-After", "120", NULL);
	if (strcmp(url, "/chunked") == 0) {
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
		    big_reader, NULL, NULL);
		ret = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return ret;
	}
	if (strcmp(url, "/trickle") == 0) {
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16,
		    trickle_reader, NULL, NULL);
		ret = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return ret;
	}
	if (strcmp(url, "/gzip") == 0)
		return queue_gzip(c, gz_text, gz_text_len);
	if (strcmp(url, "/bomb") == 0)
		return queue_gzip(c, gz_bomb, gz_bomb_len);
	if (strcmp(url, "/redirect") == 0)
		return test_origin_reply(c, 302, "", "Location", "/ok", NULL);
	if (strcmp(url, "/moved") == 0)
		return test_origin_reply(c, 301, "",
		    "Location", "/moved2", NULL);
	if (strcmp(url, "/moved2") == 0)
		return test_origin_reply(c, 308, "", "Location", "/ok", NULL);
	if (strcmp(url, "/mixed") == 0)
		return test_origin_reply(c, 301, "",
		    "Location", "/redirect", NULL);
	if (strcmp(url, "/loop") == 0)
		return test_origin_reply(c, 302, "", "Location", "/loop",
		    NULL);
	if (strcmp(url, "/file") == 0)
		return test_origin_reply(c, 302, "",
		    "Location", "file:///etc/passwd", NULL);
	if (strcmp(url, "/ftp") == 0)
		return test_origin_reply(c, 302, "",
		    "Location", "ftp://127.0.0.1/x", NULL);
	if (strcmp(url, "/stamp") == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		lock();
		if (nstamps < 8)
			stamps[nstamps++] = ts.tv_sec + ts.tv_nsec / 1e9;
		unlock();
		return test_origin_reply(c, 200, "stamp", NULL);
	}
	if (strcmp(url, "/slow") == 0) {
		lock();
		if (++in_flight > max_in_flight)
			max_in_flight = in_flight;
		unlock();
		usleep(400 * 1000);
		lock();
		in_flight--;
		unlock();
		return test_origin_reply(c, 200, "slow", NULL);
	}
	return test_origin_reply(c, 500, "no such path", NULL);
}

static unsigned char *
gzip(const void *p, size_t len, size_t *outlen)
{
	z_stream z;
	unsigned char *out;
	size_t size;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY), Z_OK);
	size = deflateBound(&z, len);
	out = malloc(size);
	ck_assert_ptr_nonnull(out);
	z.next_in = (unsigned char *)p;
	z.avail_in = len;
	z.next_out = out;
	z.avail_out = size;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

static void
origin_start(void)
{
	char *zeros;
	size_t i, n;

	origin = test_origin_start(INADDR_LOOPBACK, handler, NULL, &port);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);

	n = 20000;
	plain_text = malloc(n + 1);
	ck_assert_ptr_nonnull(plain_text);
	for (i = 0; i < n; i++)
		plain_text[i] = "<item>feed</item>\n"[i % 18];
	plain_text[n] = '\0';
	gz_text = gzip(plain_text, n, &gz_text_len);

	n = 8 * 1024 * 1024;
	zeros = calloc(1, n);
	ck_assert_ptr_nonnull(zeros);
	gz_bomb = gzip(zeros, n, &gz_bomb_len);
	free(zeros);
	ck_assert_uint_lt(gz_bomb_len, CAP);

	in_flight = max_in_flight = nrequests = nstamps = nrequests2 = 0;
	served = 0;
	snprintf(base2, sizeof(base2), "http://127.0.0.2:1");
	seen_ua[0] = seen_inm[0] = seen_ims[0] = '\0';
}

/* The second origin, on 127.0.0.2 (all of 127/8 is loopback). */
static void
origin2_start(void)
{
	int port2;

	origin2 = test_origin_start(0x7f000002, handler, &nrequests2, &port2);
	snprintf(base2, sizeof(base2), "http://127.0.0.2:%d", port2);
}

static void
origin_stop(void)
{
	if (origin2 != NULL)
		MHD_stop_daemon(origin2);
	origin2 = NULL;
	MHD_stop_daemon(origin);
	origin = NULL;
	free(gz_text);
	free(gz_bomb);
	free(plain_text);
}

/* --- the client side */

struct got {
	int			 done;
	enum fetch_status	 status;
	long			 http_code;
	char			*error;
	char			*error_class;
	char			*body;
	size_t			 len;
	char			*etag;
	char			*last_modified;
	char			*content_type;
	char			*effective_url;
	char			*cache_control;
	char			*retry_after;
	int64_t			 fresh_for;
	int64_t			 retry_at;
	char			*charset;
	int64_t			 now;		/* ev_now in the callback */
	int			 redirects;
	int			 permanent;
};

static struct ev_loop *loop;
static struct fetcher *fetcher;
static int ndone, nwant;
static struct got got[8];

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
done_cb(void *arg, const struct fetch_result *res)
{
	struct got *g = arg;

	ck_assert_int_eq(g->done, 0);	/* exactly once */
	g->done = 1;
	g->status = res->status;
	g->http_code = res->http_code;
	g->error = dup_or_null(res->error);
	g->error_class = dup_or_null(fetch_error_name(res->error_class));
	if (res->body != NULL) {
		g->body = malloc(res->len + 1);
		memcpy(g->body, res->body, res->len);
		g->body[res->len] = '\0';
	}
	g->len = res->len;
	g->etag = dup_or_null(res->etag);
	g->last_modified = dup_or_null(res->last_modified);
	g->content_type = dup_or_null(res->content_type);
	g->effective_url = dup_or_null(res->effective_url);
	g->cache_control = dup_or_null(res->cache_control);
	g->retry_after = dup_or_null(res->retry_after);
	g->fresh_for = res->fresh_for;
	g->retry_at = res->retry_at;
	g->charset = dup_or_null(res->charset);
	g->now = (int64_t)ev_now(loop);
	g->redirects = res->redirects;
	g->permanent = res->permanent_redirect;
	if (++ndone == nwant)
		ev_break(loop, EVBREAK_ALL);
}

static void
guard_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)revents;
	(void)w;
	ev_break(l, EVBREAK_ALL);
}

/* Runs the loop until nwant callbacks ran or secs passed. */
static void
run_for(double secs)
{
	ev_timer guard;

	ev_timer_init(&guard, guard_cb, secs, 0.);
	ev_timer_start(loop, &guard);
	ev_run(loop, 0);
	ev_timer_stop(loop, &guard);
}

static void
make_fetcher(const struct fetch_opts *opts)
{
	struct fetch_opts def;
	char *errstr = NULL;

	if (opts == NULL) {
		memset(&def, 0, sizeof(def));
		def.max_connections = 4;
		def.max_size = CAP;
		opts = &def;
	}
	fetcher = fetch_new(loop, opts, &errstr);
	ck_assert_msg(fetcher != NULL, "fetch_new: %s", errstr);
}

static void
start_url(const char *url, const char *etag, const char *lm, struct got *g)
{
	struct fetch_request req;

	memset(&req, 0, sizeof(req));
	req.url = url;
	req.etag = etag;
	req.last_modified = lm;
	ck_assert_int_eq(fetch_start(fetcher, &req, done_cb, g), 0);
	nwant++;
}

static void
start(const char *path, const char *etag, const char *lm, struct got *g)
{
	char url[256];

	snprintf(url, sizeof(url), "%s%s", base, path);
	start_url(url, etag, lm, g);
}

/* Fetches one path and waits for its callback. */
static struct got *
fetch_one(const char *path, const char *etag, const char *lm)
{
	struct got *g = &got[nwant];

	start(path, etag, lm, g);
	run_for(10.);
	ck_assert_int_eq(g->done, 1);
	return g;
}

static void
setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	/* Loopback only, whatever the environment says. */
	setenv("no_proxy", "*", 1);
	setenv("NO_PROXY", "*", 1);
	origin_start();
	loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(loop);
	fetcher = NULL;
	ndone = nwant = 0;
	memset(got, 0, sizeof(got));
}

static void
teardown(void)
{
	size_t i;

	fetch_free(fetcher);
	fetcher = NULL;
	ev_loop_destroy(loop);
	origin_stop();
	for (i = 0; i < sizeof(got) / sizeof(got[0]); i++) {
		free(got[i].error);
		free(got[i].error_class);
		free(got[i].body);
		free(got[i].etag);
		free(got[i].last_modified);
		free(got[i].content_type);
		free(got[i].effective_url);
		free(got[i].cache_control);
		free(got[i].retry_after);
		free(got[i].charset);
	}
}

START_TEST(test_ok)
{
	struct got *g;
	char url[128];

	make_fetcher(NULL);
	g = fetch_one("/ok", NULL, NULL);
	ck_assert_int_eq(g->status, FETCH_OK);
	ck_assert_int_eq(g->http_code, 200);
	ck_assert_ptr_null(g->error);
	ck_assert_uint_eq(g->len, 10);
	ck_assert_str_eq(g->body, "hello feed");
	ck_assert_str_eq(g->etag, ETAG);
	ck_assert_str_eq(g->last_modified, LASTMOD);
	ck_assert_str_eq(g->content_type,
	    "application/rss+xml; charset=utf-8");
	ck_assert_str_eq(g->cache_control, "max-age=3600");
	ck_assert_ptr_null(g->retry_after);
	/* The headers interpreted. */
	ck_assert_int_eq(g->fresh_for, 3600);
	ck_assert_int_eq(g->retry_at, 0);
	ck_assert_str_eq(g->charset, "utf-8");
	snprintf(url, sizeof(url), "%s/ok", base);
	ck_assert_str_eq(g->effective_url, url);
	ck_assert_int_eq(g->redirects, 0);
	ck_assert_int_eq(g->permanent, 0);
	/* No validators were given, so none were sent. */
	ck_assert_str_eq(seen_inm, "");
}
END_TEST

START_TEST(test_conditional)
{
	struct got *g;

	make_fetcher(NULL);
	g = fetch_one("/cond", ETAG, LASTMOD);
	ck_assert_str_eq(seen_inm, ETAG);
	ck_assert_str_eq(seen_ims, LASTMOD);
	ck_assert_int_eq(g->status, FETCH_NOT_MODIFIED);
	ck_assert_int_eq(g->http_code, 304);
	ck_assert_ptr_null(g->error);
	ck_assert_str_eq(g->etag, ETAG);
}
END_TEST

START_TEST(test_conditional_changed)
{
	struct got *g;

	/* A different validator is sent as is, and gets the body. */
	make_fetcher(NULL);
	g = fetch_one("/cond", "\"other\"", NULL);
	ck_assert_str_eq(seen_inm, "\"other\"");
	ck_assert_str_eq(seen_ims, "(none)");
	ck_assert_int_eq(g->status, FETCH_OK);
	ck_assert_str_eq(g->body, "full body");
}
END_TEST

START_TEST(test_header_injection)
{
	struct fetch_request req;
	char url[128];

	make_fetcher(NULL);
	snprintf(url, sizeof(url), "%s/ok", base);
	memset(&req, 0, sizeof(req));
	req.url = url;
	req.etag = "\"a\"\r\nX-Evil: 1";
	ck_assert_int_eq(fetch_start(fetcher, &req, done_cb, &got[0]), -1);
	req.etag = NULL;
	req.last_modified = "x\ny";
	ck_assert_int_eq(fetch_start(fetcher, &req, done_cb, &got[0]), -1);
}
END_TEST

START_TEST(test_404)
{
	struct got *g;

	make_fetcher(NULL);
	g = fetch_one("/missing", NULL, NULL);
	ck_assert_int_eq(g->status, FETCH_HTTP_ERROR);
	ck_assert_int_eq(g->http_code, 404);
	ck_assert_str_eq(g->error, "HTTP 404 Not Found");
}
END_TEST

START_TEST(test_503_retry_after)
{
	struct got *g;

	make_fetcher(NULL);
	g = fetch_one("/busy", NULL, NULL);
	ck_assert_int_eq(g->status, FETCH_HTTP_ERROR);
	ck_assert_int_eq(g->http_code, 503);
	ck_assert_str_eq(g->retry_after, "120");
	/* From the next whole second: never shorter than asked. */
	ck_assert_int_eq(g->retry_at, g->now + 1 + 120);
	ck_assert_int_eq(g->fresh_for, 0);
	ck_assert_ptr_null(g->charset);
}
END_TEST

START_TEST(test_refused)
{
	struct fetch_request req;
	char url[128];
	int p;

	/* A port that was just free. */
	close(test_origin_socket(0, &p));

	make_fetcher(NULL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", p);
	memset(&req, 0, sizeof(req));
	req.url = url;
	ck_assert_int_eq(fetch_start(fetcher, &req, done_cb, &got[0]), 0);
	nwant = 1;
	run_for(10.);
	ck_assert_int_eq(got[0].done, 1);
	ck_assert_int_eq(got[0].status, FETCH_NET_ERROR);
	ck_assert_int_eq(got[0].http_code, 0);
	ck_assert_ptr_nonnull(got[0].error);
	ck_assert_msg(strstr(got[0].error, "onnect") != NULL, "error: %s",
	    got[0].error);
	ck_assert_str_eq(got[0].error_class, "connect");
	ck_assert_ptr_null(strchr(got[0].error, '\n'));
}
END_TEST

START_TEST(test_chunked_cap)
{
	struct got *g;

	make_fetcher(NULL);
	g = fetch_one("/chunked", NULL, NULL);
	ck_assert_int_eq(g->status, FETCH_NET_ERROR);
	ck_assert_str_eq(g->error, "response larger than 65536 bytes");
	ck_assert_ptr_null(g->body);
}
END_TEST

START_TEST(test_gzip)
{
	struct got *g;

	make_fetcher(NULL);
	g = fetch_one("/gzip", NULL, NULL);
	ck_assert_int_eq(g->status, FETCH_OK);
	ck_assert_uint_eq(g->len, strlen(plain_text));
	ck_assert_int_eq(memcmp(g->body, plain_text, g->len), 0);
	ck_assert_uint_lt(gz_text_len, g->len);	/* it was compressed */
}
END_TEST

START_TEST(test_gzip_bomb)
{
	struct got *g;

	/* Small on the wire, 8 MiB decoded: the cap counts decoded bytes. */
	make_fetcher(NULL);
	g = fetch_one("/bomb", NULL, NULL);
	ck_assert_int_eq(g->status, FETCH_NET_ERROR);
	ck_assert_str_eq(g->error, "response larger than 65536 bytes");
}
END_TEST

START_TEST(test_redirect)
{
	struct got *g;
	char url[128];

	make_fetcher(NULL);
	g = fetch_one("/redirect", NULL, NULL);
	ck_assert_int_eq(g->status, FETCH_OK);
	ck_assert_str_eq(g->body, "hello feed");
	snprintf(url, sizeof(url), "%s/ok", base);
	ck_assert_str_eq(g->effective_url, url);
	ck_assert_int_eq(g->redirects, 1);
	ck_assert_int_eq(g->permanent, 0);
	ck_assert_str_eq(g->etag, ETAG);
}
END_TEST

START_TEST(test_redirect_permanent)
{
	make_fetcher(NULL);
	start("/moved", NULL, NULL, &got[0]);
	start("/mixed", NULL, NULL, &got[1]);
	run_for(10.);
	ck_assert_int_eq(ndone, 2);
	/* 301 then 308: permanent. */
	ck_assert_int_eq(got[0].status, FETCH_OK);
	ck_assert_int_eq(got[0].redirects, 2);
	ck_assert_int_eq(got[0].permanent, 1);
	/* 301 then 302: not. */
	ck_assert_int_eq(got[1].status, FETCH_OK);
	ck_assert_int_eq(got[1].redirects, 2);
	ck_assert_int_eq(got[1].permanent, 0);
}
END_TEST

START_TEST(test_redirect_bad_scheme)
{
	make_fetcher(NULL);
	start("/file", NULL, NULL, &got[0]);
	start("/ftp", NULL, NULL, &got[1]);
	start("/loop", NULL, NULL, &got[2]);
	run_for(10.);
	ck_assert_int_eq(ndone, 3);
	ck_assert_int_eq(got[0].status, FETCH_NET_ERROR);
	ck_assert_ptr_null(got[0].body);
	ck_assert_int_eq(got[1].status, FETCH_NET_ERROR);
	/* At most 5 redirects. */
	ck_assert_int_eq(got[2].status, FETCH_NET_ERROR);
	ck_assert_msg(strstr(got[2].error, "edirect") != NULL, "error: %s",
	    got[2].error);
	ck_assert_int_eq(nrequests, 1 + 1 + 6);
}
END_TEST

/* Which addresses a redirect from a public one may not reach. */
START_TEST(test_addr_special)
{
	static const struct {
		const char	*ip;
		int		 special;
	} t[] = {
		{ "127.0.0.1", 1 }, { "127.255.255.254", 1 }, { "0.0.0.0", 1 },
		{ "0.1.2.3", 1 }, { "10.0.0.1", 1 }, { "100.64.0.1", 1 },
		{ "100.127.255.255", 1 }, { "100.128.0.1", 0 },
		{ "100.63.255.255", 0 }, { "169.254.169.254", 1 },
		{ "172.16.0.1", 1 }, { "172.31.255.255", 1 },
		{ "172.32.0.1", 0 }, { "172.15.255.255", 0 },
		{ "192.168.1.1", 1 }, { "192.0.0.8", 1 }, { "192.0.2.1", 1 },
		{ "198.18.0.1", 1 }, { "198.19.255.255", 1 },
		{ "198.20.0.1", 0 }, { "224.0.0.1", 1 },
		{ "239.255.255.250", 1 }, { "240.0.0.1", 1 },
		{ "255.255.255.255", 1 }, { "8.8.8.8", 0 },
		{ "93.184.216.34", 0 }, { "1.1.1.1", 0 },
		{ "::", 1 }, { "::1", 1 }, { "::ffff:127.0.0.1", 1 },
		{ "::ffff:10.1.2.3", 1 }, { "::ffff:8.8.8.8", 0 },
		{ "::127.0.0.1", 1 }, { "64:ff9b::a00:1", 1 },
		{ "64:ff9b::808:808", 0 }, { "64:ff9b:1::1", 1 },
		{ "fc00::1", 1 }, { "fd12:3456::1", 1 }, { "fe80::1", 1 },
		{ "febf::1", 1 }, { "fec0::1", 1 }, { "ff02::1", 1 },
		{ "ff05::2", 1 }, { "100::1", 1 }, { "2001:db8::1", 1 },
		{ "2001::1", 1 }, { "2002:7f00:1::1", 1 },
		{ "2002:0808:0808::1", 0 }, { "2606:4700::1111", 0 },
		{ "2a00:1450:4001::200e", 0 }, { "3fff::1", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(fetch_addr_special(t[i].ip) == t[i].special,
		    "%s: got %d", t[i].ip, fetch_addr_special(t[i].ip));
	ck_assert_int_eq(fetch_addr_special("localhost"), -1);
	ck_assert_int_eq(fetch_addr_special(""), -1);
}
END_TEST

/*
 * 127.0.0.1 stands in for a public host (fetch_test_public): its
 * redirect to 127.0.0.2 is refused before any request reaches that
 * server, also when a connection to it is open already; a redirect to
 * another public address is followed.
 */
START_TEST(test_redirect_public_to_local)
{
	char url[128];

	origin2_start();
	make_fetcher(NULL);
	fetch_test_public(fetcher, "127.0.0.1");
	start("/to-local", NULL, NULL, &got[0]);
	start("/to-self", NULL, NULL, &got[1]);
	run_for(10.);
	ck_assert_int_eq(ndone, 2);
	ck_assert_int_eq(got[0].status, FETCH_NET_ERROR);
	ck_assert_str_eq(got[0].error_class, "redirect");
	ck_assert_msg(strstr(got[0].error, "127.0.0.2") != NULL, "%s",
	    got[0].error);
	ck_assert_ptr_null(got[0].body);
	ck_assert_int_eq(nrequests2, 0);
	ck_assert_int_eq(got[1].status, FETCH_OK);
	ck_assert_str_eq(got[1].body, "hello feed");

	/* A configured URL on 127.0.0.2 is the user's choice: fetched,
	 * and its connection stays open for reuse ... */
	snprintf(url, sizeof(url), "%s/ok", base2);
	start_url(url, NULL, NULL, &got[2]);
	run_for(10.);
	ck_assert_int_eq(got[2].status, FETCH_OK);
	ck_assert_int_eq(nrequests2, 1);
	/* ... which a redirect from a public address may not use. */
	start("/to-local", NULL, NULL, &got[3]);
	run_for(10.);
	ck_assert_int_eq(got[3].status, FETCH_NET_ERROR);
	ck_assert_str_eq(got[3].error_class, "redirect");
	ck_assert_int_eq(nrequests2, 1);
}
END_TEST

/* A name counts by the address it resolves to; and from a local origin
 * (the user's choice) redirects may go anywhere. */
START_TEST(test_redirect_by_address)
{
	char url[128];

	origin2_start();
	make_fetcher(NULL);
	/* 127.0.0.2 public: its redirect to localhost (127.0.0.1 or ::1,
	 * loopback either way) is refused. */
	fetch_test_public(fetcher, "127.0.0.2");
	snprintf(url, sizeof(url), "%s/to-localhost", base2);
	start_url(url, NULL, NULL, &got[0]);
	run_for(10.);
	ck_assert_int_eq(got[0].status, FETCH_NET_ERROR);
	ck_assert_str_eq(got[0].error_class, "redirect");
	ck_assert_int_eq(nrequests, 0);
	/* Without the stand-in, both are loopback: local to local. */
	fetch_test_public(fetcher, NULL);
	start("/to-local", NULL, NULL, &got[1]);
	run_for(10.);
	ck_assert_int_eq(got[1].status, FETCH_OK);
	ck_assert_str_eq(got[1].body, "hello feed");
	ck_assert_int_eq(nrequests2, 2);
}
END_TEST

/* A non-2xx body is read at most 64 KiB, whether curl hands it on (an
 * error page) or drops it itself (a redirect it follows); the response
 * is still reported as what it was. */
START_TEST(test_error_body_cap)
{
	make_fetcher(NULL);
	start("/huge500", NULL, NULL, &got[0]);
	run_for(30.);
	ck_assert_int_eq(got[0].done, 1);
	ck_assert_int_eq(got[0].status, FETCH_HTTP_ERROR);
	ck_assert_int_eq(got[0].http_code, 500);
	ck_assert_str_eq(got[0].error_class, "http");
	/* Socket buffers hold a few MiB at most; curl read all 64 before. */
	ck_assert_msg(served < 16L * 1024 * 1024, "served %ld", (long)served);

	served = 0;
	start("/huge302", NULL, NULL, &got[1]);
	run_for(30.);
	ck_assert_int_eq(got[1].done, 1);
	/* Followed, its body dropped unread (by curl or by the cap). */
	ck_assert_int_eq(got[1].status, FETCH_OK);
	ck_assert_str_eq(got[1].body, "hello feed");
	ck_assert_msg(served < 16L * 1024 * 1024, "served %ld", (long)served);
}
END_TEST

/* What a server sends, escaped for the log and `feedd status`
 * (str_escape, base/util.c). */
START_TEST(test_escape)
{
	static const struct {
		const char	*in;
		const char	*out;
	} t[] = {
		{ "plain text", "plain text" },
		{ "a\033[31mred", "a\\x1b[31mred" },
		{ "two\nlines\r\n", "two\\x0alines\\x0d\\x0a" },
		{ "tab\there\x7f", "tab\\x09here\\x7f" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb0", "caf\xc3\xa9 "
		    "\xe2\x82\xac \xf0\x9f\x93\xb0" },
		{ "csi\xc2\x9b" "31m", "csi\\xc2\\x9b31m" },
		{ "bad\xff\xfe", "bad\\xff\\xfe" },
		{ "over\xc0\xaflong", "over\\xc0\\xaflong" },
		{ "sur\xed\xa0\x80", "sur\\xed\\xa0\\x80" },
		{ "trunc\xe2\x82", "trunc\\xe2\\x82" },
		{ "rtl\xe2\x80\xae" "gpj.exe", "rtl\\u202egpj.exe" },
		{ "ls\xe2\x80\xa8" "x", "ls\\u2028x" },
		{ "iso\xe2\x81\xa6" "x", "iso\\u2066x" },
		{ "", "" },
	};
	size_t i;
	char *e;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		e = str_escape(t[i].in);
		ck_assert_str_eq(e, t[i].out);
		free(e);
	}
}
END_TEST

START_TEST(test_scheme_refused)
{
	struct fetch_request req;

	make_fetcher(NULL);
	memset(&req, 0, sizeof(req));
	req.url = "file:///etc/passwd";
	ck_assert_int_eq(fetch_start(fetcher, &req, done_cb, &got[0]), 0);
	nwant = 1;
	run_for(10.);
	ck_assert_int_eq(got[0].status, FETCH_NET_ERROR);
	ck_assert_ptr_null(got[0].body);
}
END_TEST

static void
run_slow(int max_connections, long timeout)
{
	struct fetch_opts opts;
	int i;

	memset(&opts, 0, sizeof(opts));
	opts.max_connections = max_connections;
	opts.max_size = CAP;
	opts.timeout = timeout;
	make_fetcher(&opts);
	for (i = 0; i < 3; i++)
		start("/slow", NULL, NULL, &got[i]);
	run_for(10.);
	ck_assert_int_eq(ndone, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_msg(got[i].status == FETCH_OK, "%d: %s", i,
		    got[i].error);
		ck_assert_str_eq(got[i].body, "slow");
	}
}

START_TEST(test_max_connections)
{
	/*
	 * Three 0.4 s responses one at a time take 1.2 s, longer than the
	 * 1 s timeout: they only pass if queueing is not timed.
	 */
	run_slow(1, 1);
	ck_assert_int_eq(max_in_flight, 1);
}
END_TEST

START_TEST(test_parallel)
{
	/* The control for the case above: the server can see overlap. */
	run_slow(3, 0);
	ck_assert_int_eq(max_in_flight, 3);
}
END_TEST

START_TEST(test_error_class)
{
	struct got *g;

	make_fetcher(NULL);
	g = fetch_one("/ok", NULL, NULL);
	ck_assert_ptr_null(g->error_class);
	g = fetch_one("/missing", NULL, NULL);
	ck_assert_str_eq(g->error_class, "http");
	g = fetch_one("/chunked", NULL, NULL);
	ck_assert_str_eq(g->error_class, "size");
	g = fetch_one("/loop", NULL, NULL);
	ck_assert_str_eq(g->error_class, "redirect");
	g = fetch_one("/ftp", NULL, NULL);
	ck_assert_str_eq(g->error_class, "scheme");
}
END_TEST

START_TEST(test_hold_host)
{
	struct timespec ts;
	double t0;
	char url[128];

	/* A held host waits (queued here, not in curl); another does not. */
	make_fetcher(NULL);
	snprintf(url, sizeof(url), "%s/stamp", base);
	fetch_hold_host(fetcher, url, ev_now(loop) + 0.6);
	/* An earlier end does not shorten the hold. */
	fetch_hold_host(fetcher, url, ev_now(loop) + 0.1);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec + ts.tv_nsec / 1e9;
	start("/stamp", NULL, NULL, &got[0]);
	snprintf(url, sizeof(url), "http://localhost:%d/stamp", port);
	start_url(url, NULL, NULL, &got[1]);
	run_for(10.);
	ck_assert_int_eq(ndone, 2);
	ck_assert_int_eq(got[0].status, FETCH_OK);
	ck_assert_int_eq(got[1].status, FETCH_OK);
	ck_assert_int_eq(nstamps, 2);
	/* localhost first, at once; 127.0.0.1 after the hold. */
	ck_assert_double_lt(stamps[0] - t0, 0.3);
	ck_assert_double_gt(stamps[1] - t0, 0.5);
}
END_TEST

START_TEST(test_set_limits)
{
	struct got *g;
	int i;

	/* Made without per-host limit, then limited as a reload would. */
	make_fetcher(NULL);
	fetch_set_limits(fetcher, 8, 1, 0., 1024);
	for (i = 0; i < 3; i++)
		start("/slow", NULL, NULL, &got[i]);
	run_for(10.);
	ck_assert_int_eq(ndone, 3);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(got[i].status, FETCH_OK);
	ck_assert_int_eq(max_in_flight, 1);
	g = fetch_one("/gzip", NULL, NULL);
	ck_assert_int_eq(g->status, FETCH_NET_ERROR);
	ck_assert_str_eq(g->error, "response larger than 1024 bytes");
}
END_TEST

START_TEST(test_per_host)
{
	struct fetch_opts opts;
	char url[128];
	int i;

	/*
	 * One at a time per host name: 127.0.0.1 and localhost are two
	 * hosts (the same server), so two run at once, never more.
	 */
	memset(&opts, 0, sizeof(opts));
	opts.max_connections = 8;
	opts.max_size = CAP;
	opts.per_host_connections = 1;
	make_fetcher(&opts);
	snprintf(url, sizeof(url), "http://localhost:%d/slow", port);
	for (i = 0; i < 2; i++) {
		start("/slow", NULL, NULL, &got[2 * i]);
		start_url(url, NULL, NULL, &got[2 * i + 1]);
	}
	run_for(10.);
	ck_assert_int_eq(ndone, 4);
	for (i = 0; i < 4; i++)
		ck_assert_msg(got[i].status == FETCH_OK, "%d: %s", i,
		    got[i].error);
	ck_assert_int_eq(max_in_flight, 2);
}
END_TEST

START_TEST(test_host_delay)
{
	struct fetch_opts opts;
	struct timespec ts;
	double t0;
	int i;

	memset(&opts, 0, sizeof(opts));
	opts.max_connections = 8;
	opts.max_size = CAP;
	opts.host_delay = 0.3;
	make_fetcher(&opts);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec + ts.tv_nsec / 1e9;
	for (i = 0; i < 3; i++)
		start("/stamp", NULL, NULL, &got[i]);
	run_for(10.);
	ck_assert_int_eq(ndone, 3);
	ck_assert_int_eq(nstamps, 3);
	/*
	 * Request i starts host_delay after request i - 1 started, so it
	 * cannot arrive sooner than i * host_delay after t0.  A lower bound
	 * from t0, not the gap between arrivals: a slow first connect on a
	 * loaded machine shortens the gap without any fault of the fetcher.
	 */
	for (i = 1; i < 3; i++)
		ck_assert_msg(stamps[i] - t0 > 0.3 * i - 0.01,
		    "request %d arrived %.3f s after the start", i,
		    stamps[i] - t0);
}
END_TEST

START_TEST(test_no_delay)
{
	/* The control for the case above. */
	make_fetcher(NULL);
	start("/stamp", NULL, NULL, &got[0]);
	start("/stamp", NULL, NULL, &got[1]);
	run_for(10.);
	ck_assert_int_eq(ndone, 2);
	ck_assert_int_eq(nstamps, 2);
	ck_assert_double_lt(stamps[1] - stamps[0], 0.25);
}
END_TEST

START_TEST(test_silent_server)
{
	struct fetch_opts opts;
	char url[128];
	int fd, p;

	/* Accepts (the kernel does, from the backlog) and never answers. */
	fd = test_origin_socket(8, &p);

	memset(&opts, 0, sizeof(opts));
	opts.max_size = CAP;
	opts.timeout = 2;
	make_fetcher(&opts);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", p);
	start_url(url, NULL, NULL, &got[0]);
	start("/ok", NULL, NULL, &got[1]);
	/* The other request is not held up by the silent one. */
	nwant = 1;
	run_for(10.);
	ck_assert_int_eq(got[1].done, 1);
	ck_assert_int_eq(got[0].done, 0);
	ck_assert_int_eq(got[1].status, FETCH_OK);
	/* And the silent one times out. */
	nwant = 2;
	run_for(10.);
	ck_assert_int_eq(got[0].done, 1);
	ck_assert_int_eq(got[0].status, FETCH_NET_ERROR);
	ck_assert_msg(strstr(got[0].error, "imeout") != NULL, "error: %s",
	    got[0].error);
	ck_assert_str_eq(got[0].error_class, "timeout");
	close(fd);
}
END_TEST

START_TEST(test_user_agent)
{
	struct fetch_opts opts;
	struct fetch_request req;
	char url[128];

	make_fetcher(NULL);
	fetch_one("/ok", NULL, NULL);
	ck_assert_str_eq(seen_ua, DEFAULT_UA);
	fetch_free(fetcher);

	memset(&opts, 0, sizeof(opts));
	opts.user_agent = "global/1";
	make_fetcher(&opts);
	fetch_one("/ok", NULL, NULL);
	ck_assert_str_eq(seen_ua, "global/1");

	/* Per request beats global. */
	snprintf(url, sizeof(url), "%s/ok", base);
	memset(&req, 0, sizeof(req));
	req.url = url;
	req.user_agent = "feed/2";
	nwant++;
	ck_assert_int_eq(fetch_start(fetcher, &req, done_cb, &got[2]), 0);
	run_for(10.);
	ck_assert_int_eq(got[2].status, FETCH_OK);
	ck_assert_str_eq(seen_ua, "feed/2");
}
END_TEST

START_TEST(test_trickle)
{
	struct fetch_opts opts;

	/* 5 B/s against a limit of 100 B/s over 1 s. */
	memset(&opts, 0, sizeof(opts));
	opts.max_size = CAP;
	opts.low_speed_limit = 100;
	opts.low_speed_time = 1;
	make_fetcher(&opts);
	start("/trickle", NULL, NULL, &got[0]);
	run_for(5.);
	ck_assert_int_eq(got[0].done, 1);
	ck_assert_int_eq(got[0].status, FETCH_NET_ERROR);
	ck_assert_msg(strstr(got[0].error, "imeout") != NULL, "error: %s",
	    got[0].error);
	ck_assert_str_eq(got[0].error_class, "timeout");
}
END_TEST

/* Chains a second request from inside the first one's callback. */
static void
chain_cb(void *arg, const struct fetch_result *res)
{
	done_cb(arg, res);
	start("/ok", NULL, NULL, &got[1]);
}

START_TEST(test_start_from_callback)
{
	struct fetch_request req;
	char url[128];

	make_fetcher(NULL);
	snprintf(url, sizeof(url), "%s/redirect", base);
	memset(&req, 0, sizeof(req));
	req.url = url;
	ck_assert_int_eq(fetch_start(fetcher, &req, chain_cb, &got[0]), 0);
	nwant = 1;
	run_for(10.);
	ck_assert_int_eq(got[0].done, 1);
	run_for(10.);
	ck_assert_int_eq(got[1].done, 1);
	ck_assert_int_eq(got[1].status, FETCH_OK);
}
END_TEST

static int nok;

static void
count_cb(void *arg, const struct fetch_result *res)
{
	(void)arg;
	if (res->status == FETCH_OK && res->len == 10)
		nok++;
	if (++ndone == nwant)
		ev_break(loop, EVBREAK_ALL);
}

START_TEST(test_many)
{
	struct fetch_request req;
	char url[128];
	int i;

	/* Many transfers through few slots: connections are reused. */
	make_fetcher(NULL);
	snprintf(url, sizeof(url), "%s/ok", base);
	memset(&req, 0, sizeof(req));
	req.url = url;
	nok = 0;
	for (i = 0; i < 200; i++)
		ck_assert_int_eq(fetch_start(fetcher, &req, count_cb, NULL),
		    0);
	nwant = 200;
	run_for(15.);
	ck_assert_int_eq(ndone, 200);
	ck_assert_int_eq(nok, 200);
	ck_assert_int_eq(nrequests, 200);
}
END_TEST

static void
stop_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	int *n = w->data;

	(void)revents;
	lock();
	*n = in_flight;
	unlock();
	if (*n > 0)
		ev_break(l, EVBREAK_ALL);
}

START_TEST(test_abort)
{
	struct fetch_opts opts;
	ev_timer poll;
	int i, n = 0;

	memset(&opts, 0, sizeof(opts));
	opts.max_connections = 1;
	opts.max_size = CAP;
	make_fetcher(&opts);
	for (i = 0; i < 3; i++)
		start("/slow", NULL, NULL, &got[i]);
	/* Run until the first request is at the server. */
	ev_timer_init(&poll, stop_cb, 0.01, 0.01);
	poll.data = &n;
	ev_timer_start(loop, &poll);
	run_for(5.);
	ev_timer_stop(loop, &poll);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(ndone, 0);

	fetch_free(fetcher);
	fetcher = NULL;
	ck_assert_int_eq(ndone, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(got[i].done, 1);
		ck_assert_int_eq(got[i].status, FETCH_ABORTED);
	}
}
END_TEST

/* --- the header interpretation alone, from tables (no server) */

#define HDR_NOW		INT64_C(1700000000)	/* Tue 14 Nov 2023 22:13:20 */
#define HDR_MIDNIGHT	"Wed, 15 Nov 2023 00:00:00 GMT"	/* HDR_NOW + 6400 */

static const struct {
	const char	*cache_control, *expires;
	int64_t		 want;
} freshness_cases[] = {
	{ NULL, NULL, 0 },
	{ "max-age=3600", NULL, 3600 },
	{ "public, max-age=600", NULL, 600 },
	{ "no-cache,max-age=60", NULL, 60 },
	{ "MAX-AGE=\"300\"", NULL, 300 },
	{ "s-maxage=5, max-age=10", NULL, 10 },
	{ "max-age=99999999999999999999", NULL, INT64_MAX },
	{ "no-store", HDR_MIDNIGHT, 6400 },
	{ NULL, HDR_MIDNIGHT, 6400 },
	/* max-age wins over Expires, even when it cannot be read. */
	{ "max-age=7", HDR_MIDNIGHT, 7 },
	{ "max-age=soon", HDR_MIDNIGHT, 0 },
	{ NULL, "Tue, 14 Nov 2023 22:00:00 GMT", 0 },	/* past */
	{ NULL, "not a date", 0 },
};

START_TEST(test_http_freshness)
{
	ck_assert_int_eq(fetch_http_freshness(freshness_cases[_i].cache_control,
	    freshness_cases[_i].expires, HDR_NOW), freshness_cases[_i].want);
}
END_TEST

static const struct {
	const char	*value;
	int64_t		 want;
} retry_cases[] = {
	{ NULL, 0 },
	{ "", 0 },
	{ "120", HDR_NOW + 120 },
	{ " 120 ", HDR_NOW + 120 },
	{ "0", 0 },
	{ "12 minutes", 0 },
	{ "99999999999999999999", INT64_MAX },
	{ HDR_MIDNIGHT, HDR_NOW + 6400 },
	{ "Tue, 14 Nov 2023 22:00:00 GMT", 0 },		/* past */
	{ "later", 0 },
};

START_TEST(test_http_retry_after)
{
	ck_assert_int_eq(fetch_http_retry_after(retry_cases[_i].value,
	    HDR_NOW), retry_cases[_i].want);
}
END_TEST

static const struct {
	const char	*content_type, *want;
} charset_cases[] = {
	{ NULL, NULL },
	{ "text/xml", NULL },
	{ "application/rss+xml; charset=utf-8", "utf-8" },
	{ "text/html;charset=\"ISO-8859-1\"", "ISO-8859-1" },
	{ "text/xml; Charset=windows-1252; foo=bar", "windows-1252" },
	{ "text/xml; format=flowed;\tcharset=koi8-r", "koi8-r" },
	{ "text/xml; charset=", NULL },
	{ "text/xml; charset=\"\"", NULL },
};

START_TEST(test_http_charset)
{
	char *got_cs;

	got_cs = fetch_http_charset(charset_cases[_i].content_type);
	if (charset_cases[_i].want == NULL)
		ck_assert_ptr_null(got_cs);
	else
		ck_assert_str_eq(got_cs, charset_cases[_i].want);
	free(got_cs);
}
END_TEST

START_TEST(test_error_names)
{
	/* The names are what the feeds' state keeps: they never change. */
	ck_assert_ptr_null(fetch_error_name(FETCH_ERROR_NONE));
	ck_assert_str_eq(fetch_error_name(FETCH_ERROR_DNS), "dns");
	ck_assert_str_eq(fetch_error_name(FETCH_ERROR_CONNECT), "connect");
	ck_assert_str_eq(fetch_error_name(FETCH_ERROR_TLS), "tls");
	ck_assert_str_eq(fetch_error_name(FETCH_ERROR_TIMEOUT), "timeout");
	ck_assert_str_eq(fetch_error_name(FETCH_ERROR_SIZE), "size");
	ck_assert_str_eq(fetch_error_name(FETCH_ERROR_REDIRECT), "redirect");
	ck_assert_str_eq(fetch_error_name(FETCH_ERROR_SCHEME), "scheme");
	ck_assert_str_eq(fetch_error_name(FETCH_ERROR_NETWORK), "network");
	ck_assert_str_eq(fetch_error_name(FETCH_ERROR_HTTP), "http");
	ck_assert_str_eq(fetch_error_name(FETCH_ERROR_ABORTED), "aborted");
	ck_assert_ptr_null(fetch_error_name((enum fetch_error)99));
}
END_TEST

/*
 * The host the queues count (uri_host) is the one libcurl connects to,
 * for the forms of http and https URLs that feeds and pages use.
 */
START_TEST(test_host_as_curl)
{
	static const char *urls[] = {
		"http://example.org/feed.xml",
		"https://EXAMPLE.org/Feed?x=1#top",
		"http://example.org:8080",
		"https://user:pass@host.example:443/p",
		"http://h.example?q",
		"http://h.example#f",
		"http://[::1]:8080/x",
		"http://[2001:DB8::1]/",
		"http://127.0.0.1:9/",
		"http:///extra-slashes.example/",
		"http://xn--bcher-kva.example/",
		"http://trailing.dot.example./",
		"http://h.example:/empty-port",
	};
	CURLU *u;
	char *ch, *h;
	size_t i, j;

	for (i = 0; i < NELEM(urls); i++) {
		u = curl_url();
		ck_assert_ptr_nonnull(u);
		ck_assert_int_eq(curl_url_set(u, CURLUPART_URL, urls[i], 0),
		    CURLUE_OK);
		ck_assert_int_eq(curl_url_get(u, CURLUPART_HOST, &ch, 0),
		    CURLUE_OK);
		for (j = 0; ch[j] != '\0'; j++)
			ch[j] = (char)tolower((unsigned char)ch[j]);
		h = uri_host(urls[i]);
		ck_assert_msg(strcmp(h, ch) == 0, "%s: \"%s\", curl \"%s\"",
		    urls[i], h, ch);
		free(h);
		curl_free(ch);
		curl_url_cleanup(u);
	}
}
END_TEST

#define NCASES(a)	((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite *s;
	TCase *tc;
	SRunner *sr;
	int nf;

	s = suite_create("fetch");
	tc = tcase_create("http");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_ok);
	tcase_add_test(tc, test_conditional);
	tcase_add_test(tc, test_conditional_changed);
	tcase_add_test(tc, test_header_injection);
	tcase_add_test(tc, test_404);
	tcase_add_test(tc, test_503_retry_after);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_chunked_cap);
	tcase_add_test(tc, test_gzip);
	tcase_add_test(tc, test_gzip_bomb);
	tcase_add_test(tc, test_redirect);
	tcase_add_test(tc, test_redirect_permanent);
	tcase_add_test(tc, test_redirect_bad_scheme);
	tcase_add_test(tc, test_scheme_refused);
	tcase_add_test(tc, test_max_connections);
	tcase_add_test(tc, test_parallel);
	tcase_add_test(tc, test_error_class);
	tcase_add_test(tc, test_hold_host);
	tcase_add_test(tc, test_set_limits);
	tcase_add_test(tc, test_per_host);
	tcase_add_test(tc, test_host_delay);
	tcase_add_test(tc, test_no_delay);
	tcase_add_test(tc, test_silent_server);
	tcase_add_test(tc, test_user_agent);
	tcase_add_test(tc, test_trickle);
	tcase_add_test(tc, test_start_from_callback);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_abort);
	tcase_add_test(tc, test_addr_special);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_redirect_public_to_local);
	tcase_add_test(tc, test_redirect_by_address);
	tcase_add_test(tc, test_error_body_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("headers");
	tcase_add_loop_test(tc, test_http_freshness, 0,
	    NCASES(freshness_cases));
	tcase_add_loop_test(tc, test_http_retry_after, 0,
	    NCASES(retry_cases));
	tcase_add_loop_test(tc, test_http_charset, 0, NCASES(charset_cases));
	tcase_add_test(tc, test_error_names);
	tcase_add_test(tc, test_host_as_curl);
	suite_add_tcase(s, tc);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
