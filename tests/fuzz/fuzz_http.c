/*
 * fuzz_http.c: libFuzzer harness for the HTTP request path: the input is
 * the bytes a client sends (request line with method, path and query,
 * then headers), written to feedd's server over a Unix socket; the
 * server's thread runs libmicrohttpd and serve.c's handler (routing,
 * Host check, query parameters, the document cache, validators, gzip)
 * while this thread turns the libev loop the server shares the store
 * with, until the answer is complete or the connection closed.  No seam: the server
 * is the daemon's own, on a socket in a temporary directory, over a
 * small store with two feeds.  Checks beyond "no crash, no leak, no UB":
 * every answer starts with a status line, and /healthz keeps answering
 * 200 (the listener never stops accepting).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <ev.h>

#include "daemon/conf.h"
#include "daemon/serve.h"
#include "parsers/feed.h"
#include "storage/store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct ev_loop *loop;
static struct server *srv;
static struct store *store;
static struct conf conf;
static struct conf_listen listen_unix;
static struct conf_view view;
static struct conf_feed feeds[2];
static char dir[64], sockpath[128], dbpath[128];
static char *tags[] = { "news" };
static char *snames[] = { "feeds.example" };

static void
put(int64_t feed, const char *id, const char *title)
{
	struct feed_info info;
	struct entry e;
	int added;

	memset(&info, 0, sizeof(info));
	info.title = (char *)"Channel";
	info.link = (char *)"http://site.example/";
	info.updated = FEED_NO_DATE;
	memset(&e, 0, sizeof(e));
	e.id = (char *)id;
	e.title = (char *)title;
	e.link = (char *)"http://site.example/1";
	e.summary = (char *)"<p>a &amp; b</p>";
	e.published = 1700000000;
	e.updated = FEED_NO_DATE;
	if (store_doc_begin(store, feed) != 0 ||
	    store_doc_entry(store, &e, 1700000000, &added) != 0 ||
	    store_doc_info(store, &info) != 0 || store_doc_commit(store) != 0)
		abort();
}

/* libFuzzer ends with exit(): the temporary directory goes too. */
static void
cleanup(void)
{
	char p[160];

	serve_free(srv);	/* removes the socket file */
	store_close(store);
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	rmdir(dir);
}

static void
init(void)
{
	char *err = NULL;
	int64_t a, b;

	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "%s/fuzz_http.XXXXXX",
	    getenv("TMPDIR") != NULL && strlen(getenv("TMPDIR")) < 30 ?
	    getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(sockpath, sizeof(sockpath), "%s/s", dir);
	snprintf(dbpath, sizeof(dbpath), "%s/db", dir);
	store = store_open(dbpath, &err);
	if (store == NULL)
		abort();
	a = store_feed_ensure(store, "alpha", "http://a.example/f", "Alpha");
	b = store_feed_ensure(store, "beta", "http://b.example/f", NULL);
	store_feed_set_tags(store, a, tags, 1);
	put(a, "a1", "Alpha <one>");
	put(b, "b1", "Beta one");
	listen_unix.kind = CONF_LISTEN_UNIX;
	listen_unix.text = sockpath;
	listen_unix.path = sockpath;
	view.name = (char *)"news";
	view.tags = tags;
	view.ntags = 1;
	feeds[0].name = (char *)"alpha";
	feeds[0].url = (char *)"http://a.example/f";
	feeds[1].name = (char *)"beta";
	feeds[1].url = (char *)"http://b.example/f";
	conf.listen = &listen_unix;
	conf.nlisten = 1;
	conf.views = &view;
	conf.nviews = 1;
	conf.feeds = feeds;
	conf.nfeeds = 2;
	conf.server_names = snames;
	conf.nserver_names = 1;
	conf.http_timeout = 2;
	loop = ev_loop_new(EVFLAG_AUTO);
	srv = serve_new(loop, &conf, store, &err);
	if (srv == NULL) {
		fprintf(stderr, "serve_new: %s\n", err);
		abort();
	}
	atexit(cleanup);
}

/* Sends data, runs the loop until the server answered and closed or
 * went quiet; returns the answer's first bytes in head.  The answer
 * comes from the server's thread: patient waits up to a millisecond
 * for it at each turn (an answer that must come), otherwise the turns
 * only spin (most inputs get none until the idle timeout). */
static size_t
exchange(const uint8_t *data, size_t size, char *head, size_t headlen,
    int patient)
{
	struct sockaddr_un sun;
	struct pollfd pfd;
	char b[65536];
	size_t got = 0, off = 0;
	ssize_t n;
	int fd, i, quiet = 0;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, sockpath, strlen(sockpath) + 1);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1)
		abort();
	for (i = 0; i < 2000 && quiet < 20; i++) {
		if (off < size) {
			n = send(fd, data + off, size - off, MSG_NOSIGNAL);
			if (n > 0)
				off += (size_t)n;
		}
		ev_run(loop, EVRUN_NOWAIT);
		/* The answer comes from the server's thread. */
		pfd.fd = fd;
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, patient ? 1 : 0);
		n = recv(fd, b, sizeof(b), MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n > 0) {
			if (got < headlen)
				memcpy(head + got, b, (size_t)n <
				    headlen - got ? (size_t)n : headlen - got);
			got += (size_t)n;
			quiet = 0;
		} else if (got > 0 && off >= size)
			quiet++;
	}
	close(fd);
	/* Let MHD see the close and free the connection. */
	for (i = 0; i < 5; i++)
		ev_run(loop, EVRUN_NOWAIT);
	return got;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char hz[] = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n"
	    "Connection: close\r\n\r\n";
	char head[16];
	size_t got;

	if (loop == NULL)
		init();
	if (size > 65536)
		return 0;
	memset(head, 0, sizeof(head));
	got = exchange(data, size, head, sizeof(head), 0);
	if (got > 0 && strncmp(head, "HTTP/1.1 ", 9) != 0) {
		fprintf(stderr, "answer without a status line: %.16s\n", head);
		abort();
	}
	memset(head, 0, sizeof(head));
	got = exchange((const uint8_t *)hz, sizeof(hz) - 1, head, sizeof(head),
	    1);
	if (got == 0 || strncmp(head, "HTTP/1.1 200", 12) != 0) {
		fprintf(stderr, "/healthz: %.16s\n", got ? head : "(none)");
		abort();
	}
	return 0;
}
