/*
 * test_serve.c: the HTTP server end to end, over loopback TCP (port 0)
 * and a Unix socket in a temporary directory, against a real store.
 *
 * The server runs on its own thread, sharing the store with the libev
 * loop of the test's main thread as it does with the daemon's; requests
 * are made with libcurl's easy API from a second (C11) thread, which records
 * each response and wakes the loop with an ev_async when it is done.  All
 * assertions are made afterwards in the main thread.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <threads.h>
#include <unistd.h>

/* ThreadSanitizer does not see glibc's C11 threads (thrd_create, mtx_lock
 * and cnd_wait do not go through the pthread calls it intercepts: the
 * client thread crashes, and the locks look like none): in a TSan build
 * the test's threads, mutexes and conditions are pthreads'. */
#if defined(__SANITIZE_THREAD__)
#define TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TEST_TSAN 1
#endif
#endif
#ifdef TEST_TSAN
#include <pthread.h>

struct tsan_start {
	int	(*fn)(void *);
	void	*arg;
};

static void *
tsan_run(void *p)
{
	struct tsan_start st = *(struct tsan_start *)p;

	free(p);
	return (void *)(intptr_t)st.fn(st.arg);
}

static int
tsan_thrd_create(pthread_t *t, int (*fn)(void *), void *arg)
{
	struct tsan_start *st = malloc(sizeof(*st));

	if (st == NULL)
		return thrd_error;
	st->fn = fn;
	st->arg = arg;
	if (pthread_create(t, NULL, tsan_run, st) != 0) {
		free(st);
		return thrd_error;
	}
	return thrd_success;
}
#define thrd_t			pthread_t
#define thrd_create(t, f, a)	tsan_thrd_create((t), (f), (a))
#define thrd_join(t, r)		pthread_join((t), NULL)
#define mtx_t			pthread_mutex_t
#define mtx_init(m, type)	(pthread_mutex_init((m), NULL) == 0 ? \
				    thrd_success : thrd_error)
#define mtx_lock(m)		pthread_mutex_lock(m)
#define mtx_unlock(m)		pthread_mutex_unlock(m)
#define mtx_destroy(m)		pthread_mutex_destroy(m)
#define cnd_t			pthread_cond_t
#define cnd_init(c)		(pthread_cond_init((c), NULL) == 0 ? \
				    thrd_success : thrd_error)
#define cnd_wait(c, m)		pthread_cond_wait((c), (m))
#define cnd_broadcast(c)	pthread_cond_broadcast(c)
#define cnd_destroy(c)		pthread_cond_destroy(c)
#endif

#include <curl/curl.h>
#include <ev.h>
#include <jansson.h>
#include <sqlite3.h>

#include "daemon/conf.h"
#include "daemon/serve.h"
#include "parsers/feed.h"
#include "base/util.h"
#include "storage/store.h"
#include "test_docs.h"

#define T0	1700000000
#define MAXREQ	16

static char tmpdir[64];
static char dbpath[128];
static char sockpath[128];
static char sockpath2[128];
static struct store *store;
static struct ev_loop *loop;
static struct server *srv;
static struct conf conf;
static struct conf_listen listens[2];
static char *tags_a[] = { (char *)"news", (char *)"world" };
static char *tags_b[] = { (char *)"tech" };
static char *view_tags[] = { (char *)"tech" };
static char *view_feeds[] = { (char *)"alpha" };
static struct conf_view views[2];
static struct conf_feed cfeeds[2];
static int64_t feed_a, feed_b;
static char *snames[] = { (char *)"feeds.example" };

struct req {
	const char	*method;	/* "GET", "HEAD", "POST" */
	const char	*path;
	int		 unix_sock;
	const char	*header;	/* one extra header, or NULL */
	int		 gzip;		/* Accept-Encoding: gzip */
	const char	*post;		/* a body to send, or NULL */
	long		 timeout_ms;	/* 0: 10 s */
	const char	*raw;		/* sent as it is, or NULL */
	size_t		 rawlen;	/* 0: strlen(raw) */
	/* results */
	long		 status;
	int		 curl_rc;
	struct buf	 body;
	struct buf	 head;
};

struct batch {
	struct req	*reqs;
	size_t		 n;
	int		 port;
	ev_async	 done;
};

static void
setup(void)
{
	struct entry e[3];
	char *err = NULL;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_serve.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dbpath, sizeof(dbpath), "%s/feedd.db", tmpdir);
	snprintf(sockpath, sizeof(sockpath), "%s/feedd.sock", tmpdir);
	snprintf(sockpath2, sizeof(sockpath2), "%s/other.sock", tmpdir);
	store = store_open(dbpath, &err);
	ck_assert_msg(store != NULL, "store_open: %s", err ? err : "?");
	feed_a = store_feed_ensure(store, "alpha",
	    "http://alpha.example/feed.xml", "Alpha & Co");
	feed_b = store_feed_ensure(store, "beta", "http://beta.example/rss",
	    NULL);
	ck_assert_int_gt(feed_a, 0);
	ck_assert_int_gt(feed_b, 0);
	ck_assert_int_eq(store_feed_set_tags(store, feed_a, tags_a, 2), 0);
	ck_assert_int_eq(store_feed_set_tags(store, feed_b, tags_b, 1), 0);
	e[0] = mk("a1", "Alpha one", "http://alpha.example/1", T0 - 300);
	e[1] = mk("a2", "Alpha <two>", "http://alpha.example/2", T0 - 200);
	store_doc(store, feed_a, e, 2, T0);
	e[0] = mk("b1", "Beta one", "http://beta.example/1", T0 - 100);
	store_doc(store, feed_b, e, 1, T0);

	memset(&conf, 0, sizeof(conf));
	memset(listens, 0, sizeof(listens));
	listens[0].kind = CONF_LISTEN_TCP;
	listens[0].text = (char *)"127.0.0.1:0";
	listens[0].host = (char *)"127.0.0.1";
	listens[0].port = (char *)"0";
	listens[1].kind = CONF_LISTEN_UNIX;
	listens[1].text = sockpath;
	listens[1].path = sockpath;
	conf.listen = listens;
	conf.nlisten = 2;
	memset(views, 0, sizeof(views));
	views[0].name = (char *)"tech";
	views[0].title = (char *)"Tech view";
	views[0].tags = view_tags;
	views[0].ntags = 1;
	views[1].name = (char *)"alpha-two";
	views[1].feeds = view_feeds;
	views[1].nfeeds = 1;
	views[1].query = (char *)"two";
	conf.views = views;
	conf.nviews = 2;
	memset(cfeeds, 0, sizeof(cfeeds));
	cfeeds[0].name = (char *)"alpha";
	cfeeds[0].url = (char *)"http://alpha.example/feed.xml";
	cfeeds[0].title = (char *)"Alpha & Co";
	cfeeds[0].tags = tags_a;
	cfeeds[0].ntags = 2;
	cfeeds[1].name = (char *)"beta";
	cfeeds[1].url = (char *)"http://beta.example/rss";
	cfeeds[1].tags = tags_b;
	cfeeds[1].ntags = 1;
	conf.feeds = cfeeds;
	conf.nfeeds = 2;

	loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(loop);
	srv = NULL;
}

static void
teardown(void)
{
	serve_free(srv);
	srv = NULL;
	ev_loop_destroy(loop);
	store_close(store);
	unlink(dbpath);
	snprintf(dbpath + strlen(dbpath), 8, "-wal");
	unlink(dbpath);
	dbpath[strlen(dbpath) - 4] = '\0';
	snprintf(dbpath + strlen(dbpath), 8, "-shm");
	unlink(dbpath);
	unlink(sockpath);
	unlink(sockpath2);
	rmdir(tmpdir);
}

static void
start_server(void)
{
	char *err = NULL;

	srv = serve_new(loop, &conf, store, &err);
	ck_assert_msg(srv != NULL, "serve_new: %s", err ? err : "?");
	ck_assert_int_gt(serve_tcp_port(srv, 0), 0);
	ck_assert_int_eq(serve_tcp_port(srv, 1), -1);
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	buf_add(arg, p, size * n);
	return size * n;
}

/* A raw exchange: r->raw sent, the answer read until the server closes
 * or the time is up; status from its first line (0: none). */
static void
do_raw(struct req *r, int port)
{
	struct sockaddr_in sin;
	struct sockaddr_un sun;
	struct timeval tv;
	char b[4096];
	ssize_t n;
	size_t len = r->rawlen ? r->rawlen : strlen(r->raw), off;
	int fd, rc;

	tv.tv_sec = (r->timeout_ms ? r->timeout_ms : 10000) / 1000;
	tv.tv_usec = (r->timeout_ms ? r->timeout_ms : 10000) % 1000 * 1000;
	r->curl_rc = -1;
	if (r->unix_sock) {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		memcpy(sun.sun_path, sockpath, strlen(sockpath) + 1);
		rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	} else {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	}
	if (rc == -1) {
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (off = 0; off < len; off += (size_t)n) {
		n = send(fd, r->raw + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
	}
	while ((n = recv(fd, b, sizeof(b), 0)) > 0)
		buf_add(&r->head, b, (size_t)n);
	/* A timeout leaves n == -1 with EAGAIN: no close seen. */
	r->curl_rc = n == 0 ? 0 : -2;
	close(fd);
	buf_addch(&r->head, '\0');
	r->status = 0;
	if (r->head.len > 12 && strncmp(r->head.data, "HTTP/1.", 7) == 0)
		r->status = strtol(r->head.data + 9, NULL, 10);
}

static void
do_req(struct req *r, int port)
{
	struct curl_slist *hdrs = NULL;
	char url[256];
	CURL *c;

	buf_init(&r->body, 0);
	buf_init(&r->head, 0);
	if (r->raw != NULL) {
		do_raw(r, port);
		return;
	}
	c = curl_easy_init();
	if (r->unix_sock) {
		snprintf(url, sizeof(url), "http://localhost%s", r->path);
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH,
		    r->unix_sock == 2 ? sockpath2 : sockpath);
	} else
		snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port,
		    r->path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
	    r->timeout_ms > 0 ? r->timeout_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->head);
	if (strcmp(r->method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(r->method, "POST") == 0)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS,
		    r->post != NULL ? r->post : "a=b");
	else {
		if (r->post != NULL)
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->post);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
	}
	if (r->gzip)	/* curl then decodes the body for us */
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
	if (r->header != NULL) {
		hdrs = curl_slist_append(hdrs, r->header);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	}
	r->curl_rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdrs);
}

static int
client(void *arg)
{
	struct batch *b = arg;
	size_t i;

	for (i = 0; i < b->n; i++)
		do_req(&b->reqs[i], b->port);
	ev_async_send(loop, &b->done);
	return 0;
}

static void
done_cb(struct ev_loop *l, ev_async *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(l, EVBREAK_ALL);
}

/* Runs the requests against the server, the loop serving meanwhile. */
static void
run(struct req *reqs, size_t n)
{
	struct batch b;
	thrd_t t;

	b.reqs = reqs;
	b.n = n;
	b.port = serve_tcp_port(srv, 0);
	ev_async_init(&b.done, done_cb);
	ev_async_start(loop, &b.done);
	/* C11 threads: <pthread.h> would pull in <sched.h>, which
	 * daemon/sched.h shadows on this include path. */
	ck_assert_int_eq(thrd_create(&t, client, &b), thrd_success);
	ev_run(loop, 0);
	thrd_join(t, NULL);
	ev_async_stop(loop, &b.done);
}

static void
reqs_free(struct req *reqs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		buf_reset(&reqs[i].body);
		buf_reset(&reqs[i].head);
	}
}

/* The value of header name in the response, or NULL; static storage. */
static const char *
hdr(const struct req *r, const char *name)
{
	static char val[512];
	const char *p = r->head.data, *eol;
	size_t n = strlen(name), len;

	while (p != NULL && *p != '\0') {
		eol = strstr(p, "\r\n");
		if (eol == NULL)
			break;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			len = (size_t)(eol - p);
			if (len >= sizeof(val))
				len = sizeof(val) - 1;
			memcpy(val, p, len);
			val[len] = '\0';
			return val;
		}
		p = eol + 2;
	}
	return NULL;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while (hay != NULL && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

#define ck_status(r, want) \
	ck_assert_msg((r)->curl_rc == 0 && (r)->status == (want), \
	    "%s %s: curl %d, status %ld, want %d", (r)->method, (r)->path, \
	    (r)->curl_rc, (r)->status, (want))

static void
ck_hdr(const struct req *r, const char *name, const char *want)
{
	const char *v = hdr(r, name);

	ck_assert_msg(v != NULL && strcmp(v, want) == 0,
	    "%s %s: %s is \"%s\", want \"%s\"", r->method, r->path, name,
	    v ? v : "(none)", want);
}

/* The merged feed over TCP: both formats, newest first, with sources. */
START_TEST(test_feeds)
{
	struct req r[] = {
		{ .method = "GET", .path = "/feed.atom" },
		{ .method = "GET", .path = "/feed.rss" },
	};
	const char *a, *b;

	start_server();
	run(r, 2);
	ck_status(&r[0], 200);
	ck_hdr(&r[0], "Content-Type", "application/atom+xml; charset=utf-8");
	ck_assert_ptr_nonnull(hdr(&r[0], "ETag"));
	ck_assert_ptr_nonnull(hdr(&r[0], "Last-Modified"));
	ck_assert_int_eq(count(r[0].body.data, "<entry>"), 3);
	/* Newest first: b1, a2, a1. */
	a = strstr(r[0].body.data, "http://beta.example/1");
	b = strstr(r[0].body.data, "http://alpha.example/2");
	ck_assert(a != NULL && b != NULL && a < b);
	b = strstr(r[0].body.data, "http://alpha.example/1\"");
	ck_assert(b != NULL && strstr(r[0].body.data,
	    "http://alpha.example/2") < b);
	ck_assert_ptr_nonnull(strstr(r[0].body.data,
	    "<title type=\"text\">Alpha &lt;two&gt;</title>"));
	ck_assert_int_eq(count(r[0].body.data,
	    "<link rel=\"self\" href=\"http://alpha.example/feed.xml\"/>"), 2);
	ck_assert_ptr_nonnull(strstr(r[0].body.data,
	    "href=\"http://127.0.0.1:"));

	ck_status(&r[1], 200);
	ck_hdr(&r[1], "Content-Type", "application/rss+xml; charset=utf-8");
	ck_assert_int_eq(count(r[1].body.data, "<item>"), 3);
	ck_assert_int_eq(count(r[1].body.data, "<channel>"), 1);
	ck_assert_int_eq(count(r[1].body.data,
	    "<source url=\"http://alpha.example/feed.xml\">Alpha &amp; Co"
	    "</source>"), 2);
	ck_assert_int_eq(count(r[1].body.data,
	    "<source url=\"http://beta.example/rss\">"), 1);
	ck_assert_str_ne(hdr(&r[0], "ETag"), "");
	reqs_free(r, 2);
}
END_TEST

/* Conditional requests, HEAD and gzip. */
START_TEST(test_validators)
{
	struct req r[] = {
		{ .method = "GET", .path = "/feed.atom" },
	};
	struct req c[8];
	char inm[600], ims[600], weak[600], etag[512];

	start_server();
	run(r, 1);
	ck_status(&r[0], 200);
	snprintf(etag, sizeof(etag), "%s", hdr(&r[0], "ETag"));
	ck_assert_int_eq(etag[0], '"');
	snprintf(inm, sizeof(inm), "If-None-Match: \"x\", %s", etag);
	snprintf(weak, sizeof(weak), "If-None-Match: W/%s", etag);
	snprintf(ims, sizeof(ims), "If-Modified-Since: %s",
	    hdr(&r[0], "Last-Modified"));

	memset(c, 0, sizeof(c));
	c[0].method = "GET";
	c[0].path = "/feed.atom";
	c[0].header = inm;
	c[1].method = "GET";
	c[1].path = "/feed.atom";
	c[1].header = "If-None-Match: \"nope\"";
	c[2].method = "HEAD";
	c[2].path = "/feed.atom";
	c[3].method = "GET";
	c[3].path = "/feed.atom";
	c[3].gzip = 1;
	c[4].method = "GET";
	c[4].path = "/feed.atom";
	c[4].header = ims;
	c[5].method = "GET";
	c[5].path = "/feed.rss";
	c[5].header = inm;	/* another document's tag */
	c[6].method = "GET";
	c[6].path = "/feed.atom";
	c[6].header = weak;
	c[7].method = "GET";
	c[7].path = "/feed.atom";
	c[7].header = "Accept-Encoding: gzip;q=0, identity";
	run(c, 8);

	ck_status(&c[0], 304);
	ck_assert_uint_eq(c[0].body.len, 0);
	ck_hdr(&c[0], "ETag", etag);
	ck_status(&c[1], 200);
	ck_assert_uint_eq(c[1].body.len, r[0].body.len);
	/* HEAD: the headers of a GET, no body. */
	ck_status(&c[2], 200);
	ck_assert_uint_eq(c[2].body.len, 0);
	ck_hdr(&c[2], "ETag", etag);
	ck_hdr(&c[2], "Content-Type", "application/atom+xml; charset=utf-8");
	snprintf(inm, sizeof(inm), "%zu", r[0].body.len);
	ck_hdr(&c[2], "Content-Length", inm);
	/* gzip: a different representation with its own tag, the same
	 * document once decoded. */
	ck_status(&c[3], 200);
	ck_hdr(&c[3], "Content-Encoding", "gzip");
	ck_hdr(&c[3], "Vary", "Accept-Encoding");
	ck_assert_str_ne(hdr(&c[3], "ETag"), etag);
	ck_assert_uint_eq(c[3].body.len, r[0].body.len);
	ck_assert_int_eq(memcmp(c[3].body.data, r[0].body.data,
	    r[0].body.len), 0);
	ck_assert_ptr_null(hdr(&r[0], "Content-Encoding"));
	ck_status(&c[4], 304);
	ck_status(&c[5], 200);
	/* If-None-Match compares weakly (RFC 9110 13.1.2). */
	ck_status(&c[6], 304);
	/* q=0 means "not gzip". */
	ck_status(&c[7], 200);
	ck_assert_ptr_null(hdr(&c[7], "Content-Encoding"));
	ck_assert_uint_eq(c[7].body.len, r[0].body.len);
	reqs_free(r, 1);
	reqs_free(c, 8);
}
END_TEST

/* A store change gives a new document and a new tag. */
START_TEST(test_generation)
{
	struct req r[] = {
		{ .method = "GET", .path = "/feed.rss" },
		{ .method = "GET", .path = "/feed.rss" },
	};
	struct req c[1];
	struct entry e;
	char etag[512], inm[600];

	start_server();
	run(r, 2);
	ck_status(&r[0], 200);
	ck_status(&r[1], 200);
	snprintf(etag, sizeof(etag), "%s", hdr(&r[0], "ETag"));
	/* Unchanged store: the same bytes and tag. */
	ck_hdr(&r[1], "ETag", etag);
	ck_assert_str_eq(r[0].body.data, r[1].body.data);

	e = mk("a3", "Alpha three", "http://alpha.example/3", T0 - 10);
	store_doc(store, feed_a, &e, 1, T0 + 60);
	memset(c, 0, sizeof(c));
	c[0].method = "GET";
	c[0].path = "/feed.rss";
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	c[0].header = inm;
	run(c, 1);
	ck_status(&c[0], 200);
	ck_assert_str_ne(hdr(&c[0], "ETag"), etag);
	ck_assert_int_eq(count(c[0].body.data, "<item>"), 4);
	ck_assert_ptr_nonnull(strstr(c[0].body.data, "Alpha three"));
	reqs_free(r, 2);
	reqs_free(c, 1);
}
END_TEST

/*
 * Polls are answered from the cache until the generation moves: a
 * change made behind the store's back (so without a new generation) is
 * not seen, and the next real store change brings it in.
 */
START_TEST(test_cache)
{
	struct req r[] = {
		{ .method = "GET", .path = "/feed.rss" },
	};
	struct req c[2];
	struct entry e;
	sqlite3 *db;
	char etag[512];

	start_server();
	run(r, 1);
	ck_status(&r[0], 200);
	ck_assert_ptr_nonnull(strstr(r[0].body.data, ">Alpha &amp; Co<"));
	snprintf(etag, sizeof(etag), "%s", hdr(&r[0], "ETag"));

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE feeds SET conf_title = "
	    "'Renamed' WHERE name = 'alpha'", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_changes(db), 1);
	sqlite3_close(db);

	memset(c, 0, sizeof(c));
	c[0].method = "GET";
	c[0].path = "/feed.rss";
	run(c, 1);
	ck_status(&c[0], 200);
	ck_hdr(&c[0], "ETag", etag);
	ck_assert_str_eq(c[0].body.data, r[0].body.data);

	e = mk("b2", "Beta two", "http://beta.example/2", T0 - 5);
	store_doc(store, feed_b, &e, 1, T0 + 60);
	c[1].method = "GET";
	c[1].path = "/feed.rss";
	run(c + 1, 1);
	ck_status(&c[1], 200);
	ck_assert_ptr_nonnull(strstr(c[1].body.data, ">Renamed<"));
	ck_assert_ptr_null(strstr(c[1].body.data, ">Alpha &amp; Co<"));
	reqs_free(r, 1);
	reqs_free(c, 2);
}
END_TEST

/* The other routes and the errors, with their plain-text reasons. */
START_TEST(test_errors)
{
	struct req r[] = {
		{ .method = "GET", .path = "/healthz" },
		{ .method = "GET", .path = "/nope" },
		{ .method = "POST", .path = "/feed.rss" },
		{ .method = "DELETE", .path = "/feed.atom" },
		{ .method = "HEAD", .path = "/healthz" },
		{ .method = "GET", .path = "/feed.atom?limit=5" },
	};

	start_server();
	run(r, 6);
	ck_status(&r[0], 200);
	ck_assert_str_eq(r[0].body.data, "ok\n");
	ck_hdr(&r[0], "Content-Type", "text/plain; charset=utf-8");
	ck_status(&r[1], 404);
	ck_hdr(&r[1], "Content-Type", "text/plain; charset=utf-8");
	ck_assert_ptr_nonnull(strstr(r[1].body.data, "not found"));
	ck_status(&r[2], 405);
	ck_hdr(&r[2], "Allow", "GET, HEAD");
	ck_hdr(&r[2], "Content-Type", "text/plain; charset=utf-8");
	ck_assert_ptr_nonnull(strstr(r[2].body.data, "not allowed"));
	ck_status(&r[3], 405);
	ck_hdr(&r[3], "Allow", "GET, HEAD");
	ck_status(&r[4], 200);
	ck_assert_uint_eq(r[4].body.len, 0);
	ck_status(&r[5], 200);
	ck_assert_int_eq(count(r[5].body.data, "<entry>"), 3);
	reqs_free(r, 6);
}
END_TEST

/* The Unix socket: same documents, self link from the Host header, mode
 * 0660, removed by serve_free. */
START_TEST(test_unix)
{
	struct req r[] = {
		{ .method = "GET", .path = "/feed.atom", .unix_sock = 1 },
		{ .method = "GET", .path = "/feed.rss", .unix_sock = 1 },
		{ .method = "GET", .path = "/feed.rss", .unix_sock = 1,
		  .header = "Host: feeds.example:8080" },
		{ .method = "GET", .path = "/feed.rss", .unix_sock = 1,
		  .header = "Host: bad<host>" },
		{ .method = "GET", .path = "/healthz", .unix_sock = 1 },
	};
	struct stat st;
	char etag[512];

	conf.server_names = snames;
	conf.nserver_names = 1;
	start_server();
	ck_assert_int_eq(lstat(sockpath, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0660);
	run(r, 5);
	ck_status(&r[0], 200);
	ck_assert_int_eq(count(r[0].body.data, "<entry>"), 3);
	ck_assert_ptr_nonnull(strstr(r[0].body.data,
	    "<link rel=\"self\" href=\"http://localhost/feed.atom\""));
	ck_status(&r[1], 200);
	ck_assert_int_eq(count(r[1].body.data, "<item>"), 3);
	ck_status(&r[2], 200);
	ck_assert_ptr_nonnull(strstr(r[2].body.data,
	    "href=\"http://feeds.example:8080/feed.rss\""));
	/* Per-Host documents have their own tags. */
	snprintf(etag, sizeof(etag), "%s", hdr(&r[1], "ETag"));
	ck_assert_str_ne(hdr(&r[2], "ETag"), etag);
	ck_status(&r[3], 421);
	ck_status(&r[4], 200);
	ck_assert_str_eq(r[4].body.data, "ok\n");
	serve_free(srv);
	srv = NULL;
	ck_assert_int_eq(lstat(sockpath, &st), -1);
	reqs_free(r, 5);
}
END_TEST

/* A stale socket file is replaced; a regular file is left alone. */
START_TEST(test_socket_files)
{
	struct sockaddr_un sun;
	char *err = NULL;
	int fd;
	FILE *f;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(sockpath), sizeof(sun.sun_path));
	memcpy(sun.sun_path, sockpath, strlen(sockpath) + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);	/* the file stays: a dead daemon's */
	start_server();
	serve_free(srv);
	srv = NULL;

	f = fopen(sockpath, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	srv = serve_new(loop, &conf, store, &err);
	ck_assert_ptr_null(srv);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "not a socket"));
	free(err);
	ck_assert_int_eq(access(sockpath, F_OK), 0);
}
END_TEST

/* A JSON document's root, parsed strictly; the test fails otherwise. */
static json_t *
json_body(const struct req *r)
{
	json_error_t e;
	json_t *j;

	j = json_loads(r->body.data != NULL ? r->body.data : "", 0, &e);
	ck_assert_msg(j != NULL, "%s: not JSON: %s", r->path, e.text);
	return j;
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* JSON Feed 1.1: the spec's required fields, sources, order. */
START_TEST(test_json)
{
	struct req r[] = {
		{ .method = "GET", .path = "/feed.json" },
	};
	json_t *j, *items, *it, *src;
	const char *v;
	size_t i;

	start_server();
	run(r, 1);
	ck_status(&r[0], 200);
	ck_hdr(&r[0], "Content-Type", "application/feed+json; charset=utf-8");
	ck_assert_ptr_nonnull(hdr(&r[0], "ETag"));
	ck_assert_ptr_nonnull(hdr(&r[0], "Last-Modified"));
	j = json_body(&r[0]);
	ck_assert_str_eq(jstr(j, "version"),
	    "https://jsonfeed.org/version/1.1");
	ck_assert_ptr_nonnull(jstr(j, "title"));
	v = jstr(j, "feed_url");
	ck_assert(v != NULL && strstr(v, "/feed.json") != NULL);
	items = json_object_get(j, "items");
	ck_assert(json_is_array(items));
	ck_assert_uint_eq(json_array_size(items), 3);
	json_array_foreach(items, i, it) {
		ck_assert_ptr_nonnull(jstr(it, "id"));
		ck_assert(jstr(it, "content_html") != NULL ||
		    jstr(it, "content_text") != NULL);
		ck_assert_ptr_nonnull(jstr(it, "date_published"));
		src = json_object_get(it, "_source");
		ck_assert(json_is_object(src));
		ck_assert_ptr_nonnull(jstr(src, "feed_url"));
	}
	it = json_array_get(items, 0);
	ck_assert_str_eq(jstr(it, "url"), "http://beta.example/1");
	ck_assert_str_eq(jstr(json_object_get(it, "_source"), "feed_url"),
	    "http://beta.example/rss");
	it = json_array_get(items, 1);
	ck_assert_str_eq(jstr(it, "title"), "Alpha <two>");
	ck_assert_str_eq(jstr(json_object_get(it, "_source"), "title"),
	    "Alpha & Co");
	json_decref(j);
	reqs_free(r, 1);
}
END_TEST

/* Query parameters select exactly the matching entries. */
START_TEST(test_filters)
{
	struct req r[] = {
		{ .method = "GET", .path = "/feed.atom?limit=1" },
		{ .method = "GET", .path = "/feed.rss?feed=alpha" },
		{ .method = "GET", .path = "/feed.rss?feed=alpha&feed=beta" },
		{ .method = "GET", .path = "/feed.rss?tag=tech" },
		{ .method = "GET", .path = "/feed.rss?tag=world&tag=tech" },
		{ .method = "GET", .path = "/feed.json?q=two" },
		/* T0 - 250 = 2023-11-14T22:09:10Z */
		{ .method = "GET", .path =
		    "/feed.atom?since=2023-11-14T22:09:10Z" },
		{ .method = "GET", .path =
		    "/feed.atom?since=2023-11-14T23:09:10%2B01:00" },
		{ .method = "GET", .path = "/feed.rss?tag=world&feed=beta" },
		{ .method = "GET", .path = "/feed.atom?limit=500&" },
		{ .method = "GET", .path = "/feed.rss?tag=tech&feed=alpha" },
	};
	json_t *j;

	start_server();
	run(r, 11);
	ck_status(&r[0], 200);
	ck_assert_int_eq(count(r[0].body.data, "<entry>"), 1);
	ck_assert_ptr_nonnull(strstr(r[0].body.data, "beta.example/1"));
	ck_assert_ptr_nonnull(strstr(r[0].body.data,
	    "/feed.atom?limit=1\""));
	ck_status(&r[1], 200);
	ck_assert_int_eq(count(r[1].body.data, "<item>"), 2);
	ck_assert_int_eq(count(r[1].body.data,
	    "<source url=\"http://alpha.example/feed.xml\">"), 2);
	ck_assert_ptr_nonnull(strstr(r[1].body.data,
	    "/feed.rss?feed=alpha\""));
	ck_assert_str_ne(hdr(&r[1], "ETag"), "");
	ck_status(&r[2], 200);
	ck_assert_int_eq(count(r[2].body.data, "<item>"), 3);
	ck_status(&r[3], 200);
	ck_assert_int_eq(count(r[3].body.data, "<item>"), 1);
	ck_assert_ptr_nonnull(strstr(r[3].body.data, "Beta one"));
	ck_status(&r[4], 200);
	ck_assert_int_eq(count(r[4].body.data, "<item>"), 3);
	ck_status(&r[5], 200);
	j = json_body(&r[5]);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "items")), 1);
	ck_assert_str_eq(jstr(json_array_get(json_object_get(j, "items"), 0),
	    "url"), "http://alpha.example/2");
	json_decref(j);
	ck_status(&r[6], 200);
	ck_assert_int_eq(count(r[6].body.data, "<entry>"), 2);
	ck_assert_ptr_null(strstr(r[6].body.data, "alpha.example/1\""));
	ck_status(&r[7], 200);
	ck_assert_int_eq(count(r[7].body.data, "<entry>"), 2);
	ck_status(&r[8], 200);
	ck_assert_int_eq(count(r[8].body.data, "<item>"), 0);
	/* A stray '&' is no parameter. */
	ck_status(&r[9], 200);
	ck_assert_int_eq(count(r[9].body.data, "<entry>"), 3);
	/* Filters combine with AND. */
	ck_status(&r[10], 200);
	ck_assert_int_eq(count(r[10].body.data, "<item>"), 0);
	/* Different selections are different documents. */
	ck_assert_str_ne(hdr(&r[1], "ETag") ? r[1].head.data : "", "");
	reqs_free(r, 11);
}
END_TEST

/* Bad parameters: 400 with a plain-text reason. */
START_TEST(test_bad_params)
{
	static char longq[2048];
	struct req r[] = {
		{ .method = "GET", .path = "/feed.atom?limit=0" },
		{ .method = "GET", .path = "/feed.atom?limit=501" },
		{ .method = "GET", .path = "/feed.rss?limit=ten" },
		{ .method = "GET", .path = "/feed.rss?since=yesterday" },
		{ .method = "GET", .path =
		    "/feed.rss?since=2023-02-30T00:00:00Z" },
		{ .method = "GET", .path = "/feed.json?since=2023-11-1" },
		{ .method = "GET", .path = longq },
		{ .method = "GET", .path = "/feed.rss?tag=" },
		{ .method = "GET", .path = "/feed.json?since=2023-11-14Z" },
		{ .method = "GET", .path = "/feed.json?since=2023-02-29" },
	};
	size_t i, n;

	n = (size_t)snprintf(longq, sizeof(longq), "/feed.atom?q=");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(longq + n, sizeof(longq) - n, "w%zu+",
		    i);
	start_server();
	run(r, 10);
	for (i = 0; i < 10; i++) {
		ck_status(&r[i], 400);
		ck_hdr(&r[i], "Content-Type", "text/plain; charset=utf-8");
	}
	ck_assert_ptr_nonnull(strstr(r[0].body.data, "bad limit"));
	ck_assert_ptr_nonnull(strstr(r[1].body.data, "1 to 500"));
	ck_assert_ptr_nonnull(strstr(r[2].body.data, "bad limit"));
	ck_assert_ptr_nonnull(strstr(r[3].body.data, "bad since"));
	ck_assert_ptr_nonnull(strstr(r[4].body.data, "RFC 3339"));
	ck_assert_ptr_nonnull(strstr(r[5].body.data, "bad since"));
	ck_assert_ptr_nonnull(strstr(r[6].body.data, "bad q"));
	ck_assert_ptr_nonnull(strstr(r[7].body.data, "bad tag"));
	ck_assert_ptr_nonnull(strstr(r[8].body.data, "bad since"));
	ck_assert_ptr_nonnull(strstr(r[9].body.data, "2024-03-01"));
	reqs_free(r, 10);
}
END_TEST

/* Filters never fail silently: a parameter no feed takes, a feed or a
 * tag the config does not have are 400 with the reason. */
START_TEST(test_filter_errors)
{
	struct req r[] = {
		{ .method = "GET", .path = "/feed.atom?feeds=alpha" },
		{ .method = "GET", .path = "/feed.atom?bogus=1" },
		{ .method = "GET", .path = "/feed.rss?feed=nosuch" },
		{ .method = "GET", .path = "/feed.rss?feed=alpha&feed=nosuch" },
		{ .method = "GET", .path = "/feed.json?tag=nosuch" },
		{ .method = "GET", .path = "/feed.json?tag=tech&tag=nosuch" },
		{ .method = "GET", .path = "/view/tech.atom?bogus=1" },
		{ .method = "GET", .path = "/feed.atom?Limit=2" },
		{ .method = "GET", .path = "/feed.atom?_=1700000000" },
		/* The same again: errors are not cached as documents. */
		{ .method = "GET", .path = "/feed.rss?feed=nosuch" },
	};
	size_t i;

	start_server();
	run(r, 10);
	for (i = 0; i < 10; i++) {
		ck_status(&r[i], 400);
		ck_hdr(&r[i], "Content-Type", "text/plain; charset=utf-8");
		ck_hdr(&r[i], "Cache-Control", "no-store");
	}
	ck_assert_str_eq(r[0].body.data, "unknown parameter \"feeds\" (did "
	    "you mean \"feed\"?): feeds take limit, tag, feed, q and "
	    "since\n");
	ck_assert_str_eq(r[1].body.data, "unknown parameter \"bogus\": "
	    "feeds take limit, tag, feed, q and since\n");
	ck_assert_str_eq(r[2].body.data, "unknown feed \"nosuch\": the "
	    "configuration has no [feed nosuch]\n");
	ck_assert_ptr_nonnull(strstr(r[3].body.data, "unknown feed "
	    "\"nosuch\""));
	ck_assert_str_eq(r[4].body.data, "unknown tag \"nosuch\": no feed "
	    "of the configuration has it\n");
	ck_assert_ptr_nonnull(strstr(r[5].body.data, "unknown tag "
	    "\"nosuch\""));
	ck_assert_ptr_nonnull(strstr(r[6].body.data, "\"bogus\""));
	ck_assert_ptr_nonnull(strstr(r[7].body.data, "did you mean "
	    "\"limit\""));
	ck_assert_ptr_nonnull(strstr(r[8].body.data, "unknown parameter "
	    "\"_\""));
	ck_assert_str_eq(r[9].body.data, r[2].body.data);
	reqs_free(r, 10);
}
END_TEST

/* Tags in any case, as a reader types them, whatever case the config
 * (or an imported OPML folder) wrote them in. */
START_TEST(test_tag_case)
{
	static char *tags_up[] = { (char *)"Tech", (char *)"ÉCONOMIE", (char *)"Новости" };
	struct req r[] = {
		{ .method = "GET", .path = "/feed.rss?tag=tech" },
		{ .method = "GET", .path = "/feed.rss?tag=TECH" },
		{ .method = "GET", .path = "/feed.rss?tag=%C3%A9conomie" },
		{ .method = "GET", .path = "/feed.rss?tag="
		    "%D0%9D%D0%9E%D0%92%D0%9E%D0%A1%D0%A2%D0%98" },
		{ .method = "GET", .path = "/feed.rss?tag=economie" },
		{ .method = "GET", .path = "/view/tech.rss" },
		{ .method = "GET", .path = "/feed.rss?tag=WORLD&tag=tech" },
	};

	/* beta's tags as an OPML import keeps folder names: as written. */
	ck_assert_int_eq(store_feed_set_tags(store, feed_b, tags_up, 3), 0);
	cfeeds[1].tags = tags_up;
	cfeeds[1].ntags = 3;
	start_server();
	run(r, 7);
	ck_status(&r[0], 200);
	ck_assert_int_eq(count(r[0].body.data, "<item>"), 1);
	ck_assert_ptr_nonnull(strstr(r[0].body.data, "Beta one"));
	ck_assert_ptr_nonnull(strstr(r[0].body.data,
	    "<title>feedd: tag Tech</title>"));
	ck_status(&r[1], 200);
	ck_assert_int_eq(count(r[1].body.data, "<item>"), 1);
	ck_status(&r[2], 200);
	ck_assert_int_eq(count(r[2].body.data, "<item>"), 1);
	ck_assert_ptr_nonnull(strstr(r[2].body.data,
	    "<title>feedd: tag ÉCONOMIE</title>"));
	ck_status(&r[3], 200);
	ck_assert_int_eq(count(r[3].body.data, "<item>"), 1);
	/* Case, not accents. */
	ck_status(&r[4], 400);
	/* The view's "tech" finds the feed's "Tech" too. */
	ck_status(&r[5], 200);
	ck_assert_int_eq(count(r[5].body.data, "<item>"), 1);
	ck_status(&r[6], 200);
	ck_assert_int_eq(count(r[6].body.data, "<item>"), 3);
	ck_assert_ptr_nonnull(strstr(r[6].body.data,
	    "<title>feedd: tags world, Tech</title>"));
	reqs_free(r, 7);
	cfeeds[1].tags = tags_b;
	cfeeds[1].ntags = 1;
}
END_TEST

/* A filtered feed's title says what it holds; since takes a date. */
START_TEST(test_filter_titles)
{
	struct req r[] = {
		{ .method = "GET", .path = "/feed.atom?feed=alpha" },
		{ .method = "GET", .path = "/feed.rss?feed=alpha&feed=beta" },
		{ .method = "GET", .path = "/feed.json?q=two" },
		{ .method = "GET", .path = "/feed.atom?since=2023-11-14" },
		{ .method = "GET", .path = "/feed.atom?since=2023-11-15" },
		{ .method = "GET", .path = "/feed.atom?feed=alpha&tag=world&"
		    "q=two&since=2023-11-14T00:00:00Z" },
		{ .method = "GET", .path = "/feed.atom?limit=2" },
		{ .method = "GET", .path = "/view/alpha-two.atom" },
	};
	json_t *j;

	start_server();
	run(r, 8);
	ck_status(&r[0], 200);
	ck_assert_ptr_nonnull(strstr(r[0].body.data,
	    "<title type=\"text\">feedd: Alpha &amp; Co</title>"));
	ck_status(&r[1], 200);
	/* beta has no configured title: its own, "Channel title". */
	ck_assert_ptr_nonnull(strstr(r[1].body.data,
	    "<title>feedd: Alpha &amp; Co, Channel title</title>"));
	ck_status(&r[2], 200);
	j = json_body(&r[2]);
	ck_assert_str_eq(jstr(j, "title"), "feedd: search \"two\"");
	json_decref(j);
	/* T0 is 2023-11-14T22:13:20Z: every entry is of that day. */
	ck_status(&r[3], 200);
	ck_assert_int_eq(count(r[3].body.data, "<entry>"), 3);
	ck_assert_ptr_nonnull(strstr(r[3].body.data,
	    "<title type=\"text\">feedd: since 2023-11-14</title>"));
	ck_status(&r[4], 200);
	ck_assert_int_eq(count(r[4].body.data, "<entry>"), 0);
	ck_status(&r[5], 200);
	ck_assert_int_eq(count(r[5].body.data, "<entry>"), 1);
	ck_assert_ptr_nonnull(strstr(r[5].body.data,
	    "<title type=\"text\">feedd: Alpha &amp; Co; tag world; search "
	    "&quot;two&quot;; since 2023-11-14T00:00:00Z</title>"));
	ck_status(&r[6], 200);
	ck_assert_ptr_nonnull(strstr(r[6].body.data,
	    "<title type=\"text\">feedd: all feeds</title>"));
	ck_status(&r[7], 200);
	ck_assert_ptr_nonnull(strstr(r[7].body.data,
	    "<title type=\"text\">feedd: alpha-two</title>"));
	reqs_free(r, 8);
}
END_TEST

/* Named views from the config. */
START_TEST(test_views)
{
	struct req r[] = {
		{ .method = "GET", .path = "/view/tech.atom" },
		{ .method = "GET", .path = "/view/alpha-two.rss" },
		{ .method = "GET", .path = "/view/tech.json" },
		{ .method = "GET", .path = "/view/nope.atom" },
		{ .method = "GET", .path = "/view/tech.atom?tag=world" },
		{ .method = "GET", .path = "/view/tech.xml" },
		{ .method = "GET", .path = "/view/tech.atom?limit=0" },
		{ .method = "GET", .path = "/view/tech.rss?limit=1" },
	};
	json_t *j;

	start_server();
	run(r, 8);
	ck_status(&r[0], 200);
	ck_assert_int_eq(count(r[0].body.data, "<entry>"), 1);
	ck_assert_ptr_nonnull(strstr(r[0].body.data,
	    "<title type=\"text\">Tech view</title>"));
	ck_assert_ptr_nonnull(strstr(r[0].body.data, "/view/tech.atom\""));
	ck_status(&r[1], 200);
	ck_assert_int_eq(count(r[1].body.data, "<item>"), 1);
	ck_assert_ptr_nonnull(strstr(r[1].body.data,
	    "<link>http://alpha.example/2</link>"));
	ck_status(&r[2], 200);
	j = json_body(&r[2]);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "items")), 1);
	ck_assert_str_eq(jstr(j, "title"), "Tech view");
	json_decref(j);
	ck_status(&r[3], 404);
	ck_assert_ptr_nonnull(strstr(r[3].body.data, "no view named"));
	ck_status(&r[4], 400);
	ck_assert_ptr_nonnull(strstr(r[4].body.data, "own filters"));
	ck_status(&r[5], 404);
	ck_status(&r[6], 400);
	ck_status(&r[7], 200);
	ck_assert_int_eq(count(r[7].body.data, "<item>"), 1);
	reqs_free(r, 8);
}
END_TEST

/* /?show=feeds, /status, /metrics and /feeds.opml. */
START_TEST(test_pages)
{
	struct req r[] = {
		{ .method = "GET", .path = "/?show=feeds" },
		{ .method = "GET", .path = "/status" },
		{ .method = "GET", .path = "/feeds.opml" },
		{ .method = "GET", .path = "/metrics" },
		{ .method = "GET", .path = "/?tag=NEWS&limit=2" },
		{ .method = "GET", .path = "/?bogus=1" },
	};
	struct store_feed_state st;
	json_t *j, *f;
	const char *fail, *ok;

	memset(&st, 0, sizeof(st));
	st.last_attempt = T0;
	st.last_success = T0 - 3600;
	st.last_error = (char *)"HTTP 500 <Internal>";
	st.error_class = (char *)"http";
	st.http_status = 500;
	st.failures = 2;
	st.next_due = T0 + 600;
	ck_assert_int_eq(store_feed_state_put(store, feed_b, &st), 0);
	memset(&st, 0, sizeof(st));
	st.last_attempt = T0;
	st.last_success = T0;
	st.next_due = T0 + 900;
	ck_assert_int_eq(store_feed_state_put(store, feed_a, &st), 0);

	start_server();
	run(r, 6);
	ck_status(&r[0], 200);
	ck_hdr(&r[0], "Content-Type", "text/html; charset=utf-8");
	ck_assert_ptr_nonnull(hdr(&r[0], "ETag"));
	ck_assert_ptr_nonnull(strstr(r[0].body.data,
	    "HTTP 500 &lt;Internal&gt;"));
	ck_assert_ptr_null(strstr(r[0].body.data, "<script"));
	/* The failing feed's row comes first. */
	fail = strstr(r[0].body.data, "<tr class=\"failing\">");
	ok = strstr(r[0].body.data, "<tr class=\"ok\">");
	ck_assert(fail != NULL && ok != NULL && fail < ok);
	ck_assert(strstr(fail, "beta") < ok);
	ck_assert_ptr_nonnull(strstr(r[0].body.data,
	    "datetime=\"2023-11-14T22:23:20Z\""));	/* alpha's next poll */

	ck_status(&r[1], 200);
	ck_hdr(&r[1], "Content-Type", "application/json; charset=utf-8");
	j = json_body(&r[1]);
	ck_assert_int_eq(json_integer_value(json_object_get(j,
	    "feeds_failing")), 1);
	f = json_array_get(json_object_get(j, "feeds"), 0);
	ck_assert_str_eq(jstr(f, "name"), "beta");
	ck_assert_str_eq(jstr(f, "state"), "failing");
	ck_assert_str_eq(jstr(f, "last_error"), "HTTP 500 <Internal>");
	ck_assert_str_eq(jstr(f, "next_poll"), "2023-11-14T22:23:20Z");
	f = json_array_get(json_object_get(j, "feeds"), 1);
	ck_assert_str_eq(jstr(f, "name"), "alpha");
	ck_assert_str_eq(jstr(f, "state"), "ok");
	ck_assert_uint_eq(json_array_size(json_object_get(j, "entries")), 3);
	f = json_array_get(json_object_get(j, "entries"), 0);
	ck_assert_str_eq(jstr(json_object_get(f, "source"), "url"),
	    "http://beta.example/rss");
	json_decref(j);

	ck_status(&r[2], 200);
	ck_assert_ptr_nonnull(strstr(r[2].body.data, "<opml"));
	ck_assert_ptr_nonnull(strstr(r[2].body.data,
	    "xmlUrl=\"http://beta.example/rss\""));

	ck_status(&r[3], 200);
	ck_hdr(&r[3], "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
	ck_assert_ptr_nonnull(strstr(r[3].body.data,
	    "# TYPE feedd_http_requests_total counter\n"));
	ck_assert_ptr_nonnull(strstr(r[3].body.data,
	    "feedd_fetches_total{outcome=\"ok\"} "));
	ck_assert_ptr_nonnull(strstr(r[3].body.data,
	    "feedd_http_request_duration_seconds_bucket{le=\"+Inf\"} "));
	ck_assert_ptr_nonnull(strstr(r[3].body.data,
	    "feedd_http_request_duration_seconds_count "));
	/* The three requests before it were counted. */
	ck_assert_ptr_null(strstr(r[3].body.data,
	    "feedd_http_requests_total 0\n"));

	/* The river: the query reaches the page (tags in any case). */
	ck_status(&r[4], 200);
	ck_hdr(&r[4], "Content-Type", "text/html; charset=utf-8");
	ck_assert_ptr_nonnull(strstr(r[4].body.data, "Alpha &lt;two&gt;"));
	ck_assert_int_eq(count(r[4].body.data, "<article>"), 2);
	ck_assert_ptr_nonnull(strstr(r[4].body.data, "Tag: NEWS"));
	ck_status(&r[5], 400);
	ck_assert_ptr_nonnull(strstr(r[5].body.data, "unknown parameter"));
	reqs_free(r, 6);
}
END_TEST

static char refreshed[256];

static int
refresh_cb(void *arg, const char *name)
{
	(void)arg;
	if (name != NULL && strcmp(name, "nope") == 0)
		return -1;
	snprintf(refreshed + strlen(refreshed),
	    sizeof(refreshed) - strlen(refreshed), "[%s]",
	    name != NULL ? name : "*");
	return 0;
}

/* POST /refresh: Unix sockets only. */
START_TEST(test_refresh)
{
	struct req r[] = {
		{ .method = "POST", .path = "/refresh", .unix_sock = 1,
		  .post = "" },
		{ .method = "POST", .path = "/refresh?feed=alpha",
		  .unix_sock = 1, .post = "" },
		{ .method = "POST", .path = "/refresh?feed=nope",
		  .unix_sock = 1, .post = "" },
		{ .method = "POST", .path = "/refresh", .post = "" },
		{ .method = "GET", .path = "/refresh", .unix_sock = 1 },
		{ .method = "GET", .path = "/refresh" },
	};
	struct req c[] = {
		{ .method = "POST", .path = "/refresh", .unix_sock = 1,
		  .post = "" },
	};

	refreshed[0] = '\0';
	start_server();
	serve_set_refresh(srv, refresh_cb, NULL);
	run(r, 6);
	ck_status(&r[0], 202);
	ck_status(&r[1], 202);
	ck_assert_str_eq(refreshed, "[*][alpha]");
	ck_status(&r[2], 404);
	ck_assert_ptr_nonnull(strstr(r[2].body.data, "no feed named"));
	ck_status(&r[3], 403);
	ck_assert_ptr_nonnull(strstr(r[3].body.data, "Unix"));
	ck_status(&r[4], 405);
	ck_hdr(&r[4], "Allow", "POST");
	ck_status(&r[5], 403);
	serve_set_refresh(srv, NULL, NULL);
	run(c, 1);
	ck_status(&c[0], 503);
	reqs_free(r, 6);
	reqs_free(c, 1);
}
END_TEST

/* A reload keeps unchanged listeners, opens new ones, closes removed
 * ones, and switches views; a failed one changes nothing. */
START_TEST(test_reload)
{
	struct req r[] = {
		{ .method = "GET", .path = "/view/tech.atom" },
	};
	struct req c[] = {
		{ .method = "GET", .path = "/view/tech.atom" },
		{ .method = "GET", .path = "/view/alpha-two.rss" },
		{ .method = "GET", .path = "/healthz", .unix_sock = 2 },
	};
	struct conf_listen l2[2], l3[2];
	struct conf conf2, conf3;
	struct stat st;
	char *err = NULL;
	int port;

	start_server();
	port = serve_tcp_port(srv, 0);
	run(r, 1);
	ck_status(&r[0], 200);

	conf2 = conf;
	l2[0] = listens[0];
	memset(&l2[1], 0, sizeof(l2[1]));
	l2[1].kind = CONF_LISTEN_UNIX;
	l2[1].text = sockpath2;
	l2[1].path = sockpath2;
	conf2.listen = l2;
	conf2.nlisten = 2;
	conf2.views = views + 1;
	conf2.nviews = 1;
	conf2.socket_mode = 0600;

	/* A listener that cannot be opened: nothing changes. */
	conf3 = conf2;
	l3[0] = l2[0];
	l3[1] = l2[1];
	l3[1].path = (char *)"/nonexistent-dir/feedd.sock";
	l3[1].text = l3[1].path;
	conf3.listen = l3;
	ck_assert_int_eq(serve_reload(srv, &conf3, &err), -1);
	ck_assert_ptr_nonnull(err);
	free(err);
	ck_assert_int_eq(lstat(sockpath, &st), 0);

	ck_assert_int_eq(serve_reload(srv, &conf2, &err), 0);
	ck_assert_int_eq(serve_tcp_port(srv, 0), port);
	ck_assert_int_eq(lstat(sockpath, &st), -1);
	ck_assert_int_eq(lstat(sockpath2, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	run(c, 3);
	ck_status(&c[0], 404);
	ck_status(&c[1], 200);
	ck_assert_int_eq(count(c[1].body.data, "<item>"), 1);
	ck_status(&c[2], 200);
	serve_free(srv);
	srv = NULL;
	ck_assert_int_eq(lstat(sockpath2, &st), -1);
	reqs_free(r, 1);
	reqs_free(c, 3);
}
END_TEST

/* Request bodies and headers are capped. */
START_TEST(test_body_limit)
{
	static char big[16384], hbig[100000];
	struct req r[] = {
		{ .method = "GET", .path = "/feed.rss", .post = big },
		{ .method = "GET", .path = "/feed.rss", .post = "small" },
		{ .method = "GET", .path = "/feed.rss", .header = hbig },
	};

	memset(big, 'x', sizeof(big) - 1);
	memcpy(hbig, "X-Big: ", 7);
	memset(hbig + 7, 'y', sizeof(hbig) - 8);
	start_server();
	run(r, 3);
	ck_status(&r[0], 413);
	ck_status(&r[1], 200);
	/* Past the per-connection memory (MHD answers). */
	ck_status(&r[2], 431);
	reqs_free(r, 3);
}
END_TEST

struct limits_run {
	int		 port;
	ev_async	 done;
	int		 refused;	/* the third got no answer */
	int		 closed[2];	/* idle ones the server closed */
	struct req	 after;		/* a request after that */
};

static int
raw_connect(int port)
{
	struct sockaddr_in sin;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd != -1 && connect(fd, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
limits_client(void *arg)
{
	struct limits_run *lr = arg;
	struct req third;
	struct timeval tv = { 5, 0 };
	char c;
	int fd[2], i;

	for (i = 0; i < 2; i++)
		fd[i] = raw_connect(lr->port);
	/* Let the server accept both before the third comes. */
	usleep(300000);
	memset(&third, 0, sizeof(third));
	third.method = "GET";
	third.path = "/healthz";
	/* At the limit MHD stops accepting: the connection waits in
	 * the backlog, unanswered. */
	third.timeout_ms = 500;
	do_req(&third, lr->port);
	lr->refused = third.status != 200;
	reqs_free(&third, 1);
	/* Idle for more than http_timeout: the server hangs up. */
	for (i = 0; i < 2; i++) {
		setsockopt(fd[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		lr->closed[i] = fd[i] != -1 && recv(fd[i], &c, 1, 0) == 0;
		if (fd[i] != -1)
			close(fd[i]);
	}
	do_req(&lr->after, lr->port);
	ev_async_send(loop, &lr->done);
	return 0;
}

/* http_max_clients caps connections (more wait in the backlog, served
 * once others are gone); http_timeout closes idle ones. */
START_TEST(test_limits)
{
	struct limits_run lr;
	thrd_t t;

	conf.http_max_clients = 2;
	conf.http_timeout = 1;
	conf.nlisten = 1;
	start_server();
	memset(&lr, 0, sizeof(lr));
	lr.port = serve_tcp_port(srv, 0);
	lr.after.method = "GET";
	lr.after.path = "/healthz";
	ev_async_init(&lr.done, done_cb);
	ev_async_start(loop, &lr.done);
	ck_assert_int_eq(thrd_create(&t, limits_client, &lr), thrd_success);
	ev_run(loop, 0);
	thrd_join(t, NULL);
	ev_async_stop(loop, &lr.done);
	ck_assert_msg(lr.refused, "a third connection was served");
	ck_assert(lr.closed[0] && lr.closed[1]);
	ck_status(&lr.after, 200);
	reqs_free(&lr.after, 1);
}
END_TEST


/* Host must name this server (DNS rebinding): 421 otherwise, on every
 * route. */
START_TEST(test_host)
{
	struct req r[] = {
		{ .method = "GET", .path = "/status",
		  .header = "Host: evil.example" },
		{ .method = "GET", .path = "/feeds.opml",
		  .header = "Host: evil.example:8080" },
		{ .method = "GET", .path = "/feed.atom",
		  .header = "Host: evil.example" },
		{ .method = "GET", .path = "/status" },
		{ .method = "GET", .path = "/status",
		  .header = "Host: localhost" },
		{ .method = "GET", .path = "/status",
		  .header = "Host: LOCALHOST.:1234" },
		{ .method = "GET", .path = "/status",
		  .header = "Host: Feeds.Example" },
		{ .method = "GET", .path = "/status", .header = "Host: [::1]" },
		{ .method = "GET", .path = "/status",
		  .header = "Host: 127.0.0.2" },
		{ .method = "GET", .path = "/status",
		  .header = "Host: localhost.evil.example" },
		{ .method = "GET", .path = "/status",
		  .header = "Host: 127.0.0.1.evil.example" },
		{ .method = "GET", .path = "/status",
		  .header = "Host: 127.0.0.1:80:80" },
		{ .method = "GET", .path = "/status", .unix_sock = 1,
		  .header = "Host: evil.example" },
		{ .method = "GET", .path = "/status", .unix_sock = 1,
		  .header = "Host: 127.0.0.1" },
		{ .method = "GET", .path = "/status", .unix_sock = 1 },
		{ .method = "GET", .path = "/status",
		  .raw = "GET /status HTTP/1.0\r\n\r\n" },
		{ .method = "GET", .path = "/status",
		  .raw = "GET /status HTTP/1.1\r\nConnection: close\r\n\r\n" },
		{ .method = "GET", .path = "/healthz",
		  .header = "Host: evil.example" },
	};
	size_t i, n = sizeof(r) / sizeof(r[0]);

	conf.server_names = snames;
	conf.nserver_names = 1;
	start_server();
	run(r, n);
	for (i = 0; i < 3; i++)
		ck_status(&r[i], 421);
	for (i = 3; i < 7; i++)
		ck_status(&r[i], 200);
	for (i = 7; i < 13; i++)
		ck_status(&r[i], 421);
	ck_status(&r[13], 200);
	ck_status(&r[14], 200);
	ck_status(&r[15], 200);
	ck_status(&r[16], 400);
	ck_status(&r[17], 421);
	ck_assert_ptr_null(strstr(r[0].body.data, "alpha"));
	reqs_free(r, n);
}
END_TEST

/* Cache keys cannot be forged from separator bytes in a value. */
START_TEST(test_cache_key)
{
	struct req r[] = {
		{ .method = "GET",
		  .path = "/feed.rss?limit=2&q=one%1Elimit%1F1" },
		{ .method = "GET",
		  .path = "/feed.rss?limit=2&q=one&limit=1" },
		{ .method = "GET",
		  .path = "/feed.rss?q=news%1F%1Efeed%1F" },
		{ .method = "GET", .path = "/feed.rss?tag=news&feed=" },
	};

	start_server();
	run(r, 4);
	ck_status(&r[0], 200);
	ck_assert_int_eq(count(r[0].body.data, "<item>"), 0);
	ck_status(&r[1], 200);
	ck_assert_int_eq(count(r[1].body.data, "<item>"), 1);
	ck_status(&r[2], 200);
	ck_status(&r[3], 400);
	reqs_free(r, 4);
}
END_TEST

/* Every way to fill MHD's per-connection memory is answered at once
 * with 414 or 431 (libmicrohttpd alone leaves some unanswered). */
START_TEST(test_request_limits)
{
	enum { N = 9 };
	struct req r[N];
	struct buf b[N];
	size_t i, k;

	memset(r, 0, sizeof(r));
	for (i = 0; i < N; i++) {
		buf_init(&b[i], 0);
		r[i].method = "GET";
		r[i].path = "(raw)";
		r[i].timeout_ms = 3000;
	}
	/* 300 query parameters, 1.7 KB */
	buf_addstr(&b[0], "GET /feed.rss?");
	for (k = 0; k < 300; k++)
		buf_printf(&b[0], "%sa=%zu", k ? "&" : "", k);
	/* 800 empty ones */
	buf_addstr(&b[1], "GET /feed.rss?");
	for (k = 0; k < 800; k++)
		buf_addch(&b[1], '&');
	/* a query at the edge of the connection's memory */
	buf_addstr(&b[2], "GET /feed.rss?x=");
	for (k = 0; k < 16200; k++)
		buf_addch(&b[2], 'y');
	for (i = 0; i < 3; i++)
		buf_addstr(&b[i], " HTTP/1.1\r\nHost: localhost\r\n"
		    "Connection: close\r\n\r\n");
	/* 219 headers; a 16 KB one; 300 cookies; 300 Cookie headers */
	buf_addstr(&b[3], "GET /feed.rss HTTP/1.1\r\nHost: localhost\r\n");
	for (k = 0; k < 219; k++)
		buf_printf(&b[3], "X-%zu: y\r\n", k);
	buf_addstr(&b[4], "GET /feed.rss HTTP/1.1\r\nHost: localhost\r\nX: ");
	for (k = 0; k < 16000; k++)
		buf_addch(&b[4], 'y');
	buf_addstr(&b[4], "\r\n");
	buf_addstr(&b[5], "GET /feed.rss HTTP/1.1\r\nHost: localhost\r\n"
	    "Cookie: ");
	for (k = 0; k < 300; k++)
		buf_printf(&b[5], "%sc%zu=1", k ? "; " : "", k);
	buf_addstr(&b[5], "\r\n");
	buf_addstr(&b[6], "GET /feed.rss HTTP/1.1\r\nHost: localhost\r\n");
	for (k = 0; k < 300; k++)
		buf_printf(&b[6], "Cookie: c%zu=1\r\n", k);
	for (i = 3; i < 7; i++)
		buf_addstr(&b[i], "Connection: close\r\n\r\n");
	/* below the limits: served */
	buf_addstr(&b[7], "GET /feed.rss?");
	for (k = 0; k < 60; k++)
		buf_printf(&b[7], "%slimit=%zu", k ? "&" : "", k + 1);
	buf_addstr(&b[7], " HTTP/1.1\r\nHost: localhost\r\n"
	    "Connection: close\r\n\r\n");
	/* the Unix socket too */
	buf_addstr(&b[8], b[0].data);
	r[8].unix_sock = 1;
	for (i = 0; i < N; i++)
		r[i].raw = b[i].data;
	start_server();
	run(r, N);
	for (i = 0; i < N; i++) {
		ck_assert_msg(r[i].curl_rc == 0, "request %zu: no answer "
		    "and no close within 3 s", i);
		if (i == 7)
			ck_assert_int_eq(r[i].status, 200);
		else if (i < 3 || i == 8)
			ck_assert_msg(r[i].status == 414 ||
			    (i == 2 && r[i].status == 431),
			    "request %zu: status %ld", i, r[i].status);
		else
			ck_assert_msg(r[i].status == 431,
			    "request %zu: status %ld", i, r[i].status);
	}
	reqs_free(r, N);
	for (i = 0; i < N; i++)
		buf_reset(&b[i]);
}
END_TEST

/* The loop stops (a long parse) while the connection limit is reached;
 * every connection closes meanwhile; the listener must accept again. */
struct pause_run {
	ev_async	 pause, done;
	mtx_t		 mtx;
	cnd_t		 cnd;
	int		 paused, resume;
	int		 port;
	struct req	 after[2];
};

static void
pause_cb(struct ev_loop *l, ev_async *w, int revents)
{
	struct pause_run *pr = w->data;

	(void)l;
	(void)revents;
	mtx_lock(&pr->mtx);
	pr->paused = 1;
	cnd_broadcast(&pr->cnd);
	while (!pr->resume)
		cnd_wait(&pr->cnd, &pr->mtx);
	pr->resume = 0;
	mtx_unlock(&pr->mtx);
}

static int
unix_connect(void)
{
	struct sockaddr_un sun;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, sockpath, strlen(sockpath) + 1);
	if (fd != -1 && connect(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
pause_client(void *arg)
{
	struct pause_run *pr = arg;
	int fd[4], i, k;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < 4; i++)
			fd[i] = k == 0 ? raw_connect(pr->port) : unix_connect();
		usleep(300000);		/* all accepted */
		ev_async_send(loop, &pr->pause);
		mtx_lock(&pr->mtx);
		while (!pr->paused)
			cnd_wait(&pr->cnd, &pr->mtx);
		pr->paused = 0;
		for (i = 0; i < 4; i++)
			if (fd[i] != -1)
				close(fd[i]);
		usleep(100000);
		pr->resume = 1;
		cnd_broadcast(&pr->cnd);
		mtx_unlock(&pr->mtx);
		pr->after[k].unix_sock = k;
		do_req(&pr->after[k], pr->port);
	}
	ev_async_send(loop, &pr->done);
	return 0;
}

START_TEST(test_limit_recovers)
{
	struct pause_run pr;
	thrd_t t;
	int k;

	conf.http_max_clients = 4;
	start_server();
	memset(&pr, 0, sizeof(pr));
	mtx_init(&pr.mtx, mtx_plain);
	cnd_init(&pr.cnd);
	pr.port = serve_tcp_port(srv, 0);
	for (k = 0; k < 2; k++) {
		pr.after[k].method = "GET";
		pr.after[k].path = "/healthz";
		pr.after[k].timeout_ms = 1000;
	}
	ev_async_init(&pr.pause, pause_cb);
	pr.pause.data = &pr;
	ev_async_start(loop, &pr.pause);
	ev_async_init(&pr.done, done_cb);
	ev_async_start(loop, &pr.done);
	ck_assert_int_eq(thrd_create(&t, pause_client, &pr), thrd_success);
	ev_run(loop, 0);
	thrd_join(t, NULL);
	ev_async_stop(loop, &pr.pause);
	ev_async_stop(loop, &pr.done);
	mtx_destroy(&pr.mtx);
	cnd_destroy(&pr.cnd);
	ck_status(&pr.after[0], 200);
	ck_status(&pr.after[1], 200);
	reqs_free(pr.after, 2);
}
END_TEST

/*
 * A reader does not wait for the daemon's loop: while a callback of the
 * loop runs (a long parse, here one that stores an entry and then
 * blocks until the client says so), a document already cached is
 * answered as it was; once the loop has waited for events again, the
 * change is served.
 */
struct busy_run {
	ev_async	 busy, done;
	mtx_t		 mtx;
	cnd_t		 cnd;
	int		 paused, resume;
	int		 port;
	struct req	 during[2];
};

static void
busy_cb(struct ev_loop *l, ev_async *w, int revents)
{
	struct busy_run *br = w->data;
	struct entry e;

	(void)l;
	(void)revents;
	e = mk("a9", "Alpha nine", "http://alpha.example/9", T0 - 1);
	store_doc(store, feed_a, &e, 1, T0 + 90);
	mtx_lock(&br->mtx);
	br->paused = 1;
	cnd_broadcast(&br->cnd);
	while (!br->resume)
		cnd_wait(&br->cnd, &br->mtx);
	mtx_unlock(&br->mtx);
}

static int
busy_client(void *arg)
{
	struct busy_run *br = arg;

	ev_async_send(loop, &br->busy);
	mtx_lock(&br->mtx);
	while (!br->paused)
		cnd_wait(&br->cnd, &br->mtx);
	mtx_unlock(&br->mtx);
	/* The loop is inside busy_cb now. */
	do_req(&br->during[0], br->port);
	do_req(&br->during[1], br->port);
	mtx_lock(&br->mtx);
	br->resume = 1;
	cnd_broadcast(&br->cnd);
	mtx_unlock(&br->mtx);
	ev_async_send(loop, &br->done);
	return 0;
}

START_TEST(test_busy_loop)
{
	struct req r[] = { { .method = "GET", .path = "/feed.atom" } };
	struct req a[] = { { .method = "GET", .path = "/feed.atom" } };
	struct busy_run br;
	char etag[512];
	thrd_t t;

	start_server();
	run(r, 1);
	ck_status(&r[0], 200);
	ck_assert_int_eq(count(r[0].body.data, "<entry>"), 3);
	snprintf(etag, sizeof(etag), "%s", hdr(&r[0], "ETag"));

	memset(&br, 0, sizeof(br));
	mtx_init(&br.mtx, mtx_plain);
	cnd_init(&br.cnd);
	br.port = serve_tcp_port(srv, 0);
	br.during[0].method = br.during[1].method = "GET";
	br.during[0].path = "/feed.atom";
	br.during[0].timeout_ms = 5000;
	br.during[1].path = "/healthz";
	br.during[1].timeout_ms = 5000;
	ev_async_init(&br.busy, busy_cb);
	br.busy.data = &br;
	ev_async_start(loop, &br.busy);
	ev_async_init(&br.done, done_cb);
	ev_async_start(loop, &br.done);
	ck_assert_int_eq(thrd_create(&t, busy_client, &br), thrd_success);
	ev_run(loop, 0);
	thrd_join(t, NULL);
	ev_async_stop(loop, &br.busy);
	ev_async_stop(loop, &br.done);
	mtx_destroy(&br.mtx);
	cnd_destroy(&br.cnd);
	/* Answered from the cache, as before the loop's change. */
	ck_status(&br.during[0], 200);
	ck_hdr(&br.during[0], "ETag", etag);
	ck_assert_str_eq(br.during[0].body.data, r[0].body.data);
	ck_status(&br.during[1], 200);

	run(a, 1);
	ck_status(&a[0], 200);
	ck_assert_str_ne(hdr(&a[0], "ETag"), etag);
	ck_assert_int_eq(count(a[0].body.data, "<entry>"), 4);
	ck_assert_ptr_nonnull(strstr(a[0].body.data, "Alpha nine"));
	reqs_free(r, 1);
	reqs_free(a, 1);
	reqs_free(br.during, 2);
}
END_TEST

/* A listener that no longer accepts makes /healthz fail (on the other
 * listener, which still answers). */
struct stall_run {
	int		 port;
	int		 fd;		/* the client left in the backlog */
	int		 healthy_during;
	ev_async	 done;
	struct req	 before, after;
};

/* In the loop, with the client still waiting: what the daemon's
 * watchdog would be told. */
static void
stall_done_cb(struct ev_loop *l, ev_async *w, int revents)
{
	struct stall_run *sr = w->data;

	(void)revents;
	sr->healthy_during = serve_healthy(srv);
	ev_break(l, EVBREAK_ALL);
}

static int
stall_client(void *arg)
{
	struct stall_run *sr = arg;
	int fd;

	do_req(&sr->before, sr->port);
	fd = raw_connect(sr->port);	/* waits in the backlog */
	usleep(5000000);		/* the grace, and a check */
	do_req(&sr->after, sr->port);
	sr->fd = fd;			/* closed once the loop has looked */
	ev_async_send(loop, &sr->done);
	return 0;
}

START_TEST(test_healthz_wedged)
{
	struct stall_run sr;
	thrd_t t;

	start_server();
	memset(&sr, 0, sizeof(sr));
	sr.port = serve_tcp_port(srv, 0);
	sr.before.method = sr.after.method = "GET";
	sr.before.path = sr.after.path = "/healthz";
	sr.before.unix_sock = sr.after.unix_sock = 1;
	ck_assert_int_eq(serve_healthy(srv), 1);
	serve_test_stall(srv, 0);
	ev_async_init(&sr.done, stall_done_cb);
	sr.done.data = &sr;
	ev_async_start(loop, &sr.done);
	ck_assert_int_eq(thrd_create(&t, stall_client, &sr), thrd_success);
	ev_run(loop, 0);
	thrd_join(t, NULL);
	ev_async_stop(loop, &sr.done);
	if (sr.fd != -1)
		close(sr.fd);
	ck_status(&sr.before, 200);
	ck_status(&sr.after, 503);
	/* What stops the daemon's watchdog pings meanwhile. */
	ck_assert_int_eq(sr.healthy_during, 0);
	ck_assert_msg(strstr(sr.after.body.data, "unhealthy: listen "
	    "127.0.0.1:0: a client has waited") != NULL, "%s",
	    sr.after.body.data);
	reqs_free(&sr.before, 1);
	reqs_free(&sr.after, 1);
}
END_TEST

/* A request head trickled a byte at a time (slowloris) does not hold a
 * connection slot past twice http_timeout. */
struct trickle_run {
	int		 port;
	int		 unix_sock;
	const char	*head;		/* sent, then a byte at a time */
	ev_async	 done;
	int		 closed;
	struct req	 after;
};

static int
trickle_client(void *arg)
{
	struct trickle_run *tr = arg;
	char c;
	int fd, i;

	fd = tr->unix_sock ? unix_connect() : raw_connect(tr->port);
	if (fd != -1 && send(fd, tr->head, strlen(tr->head),
	    MSG_NOSIGNAL) == (ssize_t)strlen(tr->head)) {
		/* 0.3 s apart, well within the idle timeout of 1 s */
		for (i = 0; i < 30 && !tr->closed; i++) {
			usleep(300000);
			if (send(fd, "y", 1, MSG_NOSIGNAL) != 1 ||
			    recv(fd, &c, 1, MSG_DONTWAIT) == 0)
				tr->closed = 1;
		}
	}
	if (fd != -1)
		close(fd);
	do_req(&tr->after, tr->port);
	ev_async_send(loop, &tr->done);
	return 0;
}

START_TEST(test_slow_head)
{
	struct trickle_run tr;
	thrd_t t;

	conf.http_timeout = 1;
	conf.http_max_clients = 1;
	start_server();
	memset(&tr, 0, sizeof(tr));
	tr.port = serve_tcp_port(srv, 0);
	tr.head = "GET /healthz HTTP/1.1\r\nX: ";
	tr.after.method = "GET";
	tr.after.path = "/healthz";
	ev_async_init(&tr.done, done_cb);
	ev_async_start(loop, &tr.done);
	ck_assert_int_eq(thrd_create(&t, trickle_client, &tr), thrd_success);
	ev_run(loop, 0);
	thrd_join(t, NULL);
	ev_async_stop(loop, &tr.done);
	ck_assert_msg(tr.closed, "a trickled request head kept its "
	    "connection for 9 s");
	ck_status(&tr.after, 200);
	reqs_free(&tr.after, 1);

	/* The same with a body, on the Unix socket's /refresh. */
	memset(&tr, 0, sizeof(tr));
	tr.unix_sock = 1;
	tr.head = "POST /refresh HTTP/1.1\r\nHost: localhost\r\n"
	    "Content-Length: 1000\r\n\r\n";
	tr.after.method = "GET";
	tr.after.path = "/healthz";
	tr.after.unix_sock = 1;
	ev_async_init(&tr.done, done_cb);
	ev_async_start(loop, &tr.done);
	ck_assert_int_eq(thrd_create(&t, trickle_client, &tr), thrd_success);
	ev_run(loop, 0);
	thrd_join(t, NULL);
	ev_async_stop(loop, &tr.done);
	ck_assert_msg(tr.closed, "a trickled request body kept its "
	    "connection for 9 s");
	ck_status(&tr.after, 200);
	reqs_free(&tr.after, 1);
}
END_TEST

/* A reader taking its answer a little at a time (slow read) does not
 * hold a connection slot past ten times http_timeout (30 s here). */
struct slowread_run {
	ev_async	 done;
	int		 closed;
	size_t		 got;
	struct req	 after;
};

static int
slowread_client(void *arg)
{
	static const char rq[] = "GET /feed.rss?limit=500 HTTP/1.1\r\n"
	    "Host: localhost\r\n\r\n";
	struct slowread_run *sr = arg;
	struct timeval tv = { 0, 200000 };
	struct pollfd pfd;
	static char b[65536];
	ssize_t n;
	int fd, i;

	fd = unix_connect();
	if (fd != -1 && send(fd, rq, sizeof(rq) - 1, MSG_NOSIGNAL) ==
	    (ssize_t)sizeof(rq) - 1) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		/* 64 KB every 0.5 s: the server is never idle for its
		 * timeout (3 s), but 6 MB take 48 s. */
		for (i = 0; i < 90 && !sr->closed; i++) {
			usleep(500000);
			n = recv(fd, b, sizeof(b), 0);
			if (n > 0)
				sr->got += (size_t)n;
			/* The socket buffer still holds what was sent:
			 * the hang-up shows before it is read. */
			pfd.fd = fd;
			pfd.events = POLLRDHUP;
			if (n == 0 || (n == -1 && errno != EAGAIN) ||
			    (poll(&pfd, 1, 0) == 1 &&
			    (pfd.revents & (POLLRDHUP | POLLHUP)) != 0))
				sr->closed = 1;
		}
	}
	if (fd != -1)
		close(fd);
	do_req(&sr->after, 0);
	ev_async_send(loop, &sr->done);
	return 0;
}

START_TEST(test_slow_read)
{
	static char summary[12000];
	struct slowread_run sr;
	struct entry *e;
	char (*ids)[16];
	thrd_t t;
	int i;

	memset(summary, 'w', sizeof(summary) - 1);
	e = calloc(500, sizeof(*e));
	ids = calloc(500, sizeof(*ids));
	ck_assert(e != NULL && ids != NULL);
	for (i = 0; i < 500; i++) {
		snprintf(ids[i], sizeof(ids[i]), "big%d", i);
		e[i] = mk(ids[i], "Big", "http://alpha.example/big", T0 - i);
		e[i].summary = summary;
	}
	store_doc(store, feed_a, e, 500, T0);
	free(e);
	free(ids);
	conf.http_timeout = 3;
	start_server();
	memset(&sr, 0, sizeof(sr));
	sr.after.method = "GET";
	sr.after.path = "/healthz";
	sr.after.unix_sock = 1;
	ev_async_init(&sr.done, done_cb);
	ev_async_start(loop, &sr.done);
	ck_assert_int_eq(thrd_create(&t, slowread_client, &sr), thrd_success);
	ev_run(loop, 0);
	thrd_join(t, NULL);
	ev_async_stop(loop, &sr.done);
	ck_assert_msg(sr.closed, "a slow reader kept its connection for "
	    "45 s (%zu bytes read)", sr.got);
	ck_assert_uint_lt(sr.got, 5500000);
	ck_status(&sr.after, 200);
	reqs_free(&sr.after, 1);
}
END_TEST

int
main(void)
{
	Suite *s;
	TCase *tc;
	SRunner *sr;
	int nf;

	signal(SIGPIPE, SIG_IGN);	/* as the daemon does */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	s = suite_create("serve");
	tc = tcase_create("serve");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_feeds);
	tcase_add_test(tc, test_validators);
	tcase_add_test(tc, test_generation);
	tcase_add_test(tc, test_cache);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_unix);
	tcase_add_test(tc, test_socket_files);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_bad_params);
	tcase_add_test(tc, test_filter_errors);
	tcase_add_test(tc, test_tag_case);
	tcase_add_test(tc, test_filter_titles);
	tcase_add_test(tc, test_views);
	tcase_add_test(tc, test_pages);
	tcase_add_test(tc, test_refresh);
	tcase_add_test(tc, test_reload);
	tcase_add_test(tc, test_body_limit);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_cache_key);
	tcase_add_test(tc, test_request_limits);
	tcase_add_test(tc, test_limit_recovers);
	tcase_add_test(tc, test_busy_loop);
	tcase_add_test(tc, test_healthz_wedged);
	tcase_add_test(tc, test_slow_head);
	tcase_add_test(tc, test_slow_read);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return nf ? 1 : 0;
}
