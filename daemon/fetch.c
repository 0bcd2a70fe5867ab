/*
 * fetch.c: HTTP GETs with libcurl's multi socket API inside libev.
 *
 * One fetcher owns one CURLM, one ev_timer for curl's timeout, one ev_io
 * per socket curl asks us to watch, and the queues of requests that wait
 * for a free slot.  The shape follows libcurl's evhiperfifo example, with
 * its known pitfalls avoided:
 *
 *  - The socket callback stops, sets and restarts its ev_io on every change
 *    (curl reuses descriptor numbers) and frees it on CURL_POLL_REMOVE.
 *    Nothing touches a watcher after calling curl: REMOVE may free it.
 *  - The timer callback only arms the ev_timer (ms / 1000.0, -1 stops);
 *    curl itself is called from the ev_timer's callback, never from inside
 *    one of curl's callbacks.
 *  - At most max_connections transfers are handed to curl at once, at
 *    most per_host_connections to one host, and the starts of two
 *    requests to one host are host_delay apart.  The others wait here,
 *    without an easy handle, so that waiting does not count toward
 *    CURLOPT_TIMEOUT (curl's own queue would) and a queue of thousands
 *    costs a few strings each.
 *  - The body is counted in the write callback, after decoding: a chunked,
 *    close-delimited or compressed body stops at max_size (MAXFILESIZE
 *    only checks Content-Length in curl 7.88).
 *  - CURLOPT_QUICK_EXIT keeps a stalled threaded resolver from blocking
 *    the loop when its transfer is cleaned up.
 *  - PIPEWAIT only for https: on plain http curl cannot learn that a
 *    connection will not multiplex and would serialise a host's transfers.
 *  - The body of a response that is not 2xx is dropped unread, and at
 *    most FETCH_ERROR_BODY_MAX bytes of it are read: then the transfer is
 *    cut and reported as the HTTP error it was.  The progress callback
 *    applies the same cap to the bodies of redirects curl follows, which
 *    never reach write_cb (curl 7.88 closes such a connection rather
 *    than read a long one, but that is not a documented promise).
 *
 * Queues: each host has a FIFO of its requests, and dispatch takes
 * hosts that may start one round robin (fetch_host.c, the one per-host
 * table, which also keeps Retry-After holds).
 *
 * Requests carry the validators exactly as the caller stored them; we add
 * no cookies, no Referer, no query parameters.  Only http and https are
 * allowed, redirects included; TLS verification and the proxy environment
 * variables keep libcurl's defaults (on, honoured).
 *
 * Redirects may not lead from a public address into the local network
 * (fetch_addr.c checks each hop's address as curl connects).  What a
 * response says, headers and status lines, is interpreted in
 * fetch_http.c, so the caller gets numbers (fresh_for, retry_at) and an
 * error class from an enum.
 *
 * Callbacks run from the loop, exactly once per request fetch_start
 * accepted: when the transfer ends, or with FETCH_ABORTED from fetch_free.
 * A callback may call fetch_start (the request is queued and started from
 * the loop) but not fetch_free.
 */
#include "config.h"

#include <sys/queue.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <ev.h>

#include "fetch.h"
#include "fetch_int.h"
#include "base/util.h"

#define FETCH_DEFAULT_CONNS		16
#define FETCH_DEFAULT_MAX_SIZE		(16 * 1024 * 1024)
#define FETCH_DEFAULT_CONNECT_TIMEOUT	15
#define FETCH_DEFAULT_TIMEOUT		60
#define FETCH_DEFAULT_LOW_SPEED_LIMIT	100	/* bytes per second ... */
#define FETCH_DEFAULT_LOW_SPEED_TIME	30	/* ... over this many seconds */
#define FETCH_MAX_REDIRS		5
#define FETCH_DEFAULT_UA \
	"feedd/" PACKAGE_VERSION " (+" PACKAGE_URL ")"

static int	fetch_global_refs;

static void	fetch_check_info(struct fetcher *);

static void
job_free(struct fetch_job *job)
{
	if (job == NULL)
		return;
	if (job->easy != NULL)
		curl_easy_cleanup(job->easy);
	curl_slist_free_all(job->headers);
	free(job->url);
	free(job->etag);
	free(job->last_modified);
	free(job->user_agent);
	buf_reset(&job->body);
	free(job);
}

static void
job_report(struct fetch_job *job, CURLcode code)
{
	struct fetch_result res;
	struct fetch_headers hdr;
	char *error = NULL, *url = NULL;
	long http = 0;
	size_t n;

	memset(&res, 0, sizeof(res));
	curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &http);
	curl_easy_getinfo(job->easy, CURLINFO_EFFECTIVE_URL, &url);
	res.http_code = http;
	res.effective_url = url;
	/* The loop's time, as the caller's callback sees it. */
	fetch_headers_get(&hdr, job->easy, (int64_t)ev_now(job->f->loop),
	    &res);
	res.redirects = job->hops;
	res.permanent_redirect = job->hops > 0 && !job->temporary;

	/* A cut error body: the response itself is the answer. */
	if (job->cut && (code == CURLE_WRITE_ERROR ||
	    code == CURLE_ABORTED_BY_CALLBACK))
		code = CURLE_OK;
	if (job->refused[0] != '\0' && code != CURLE_OK) {
		res.status = FETCH_NET_ERROR;
		res.error_class = FETCH_ERROR_REDIRECT;
		error = xasprintf("redirect from a public address to %s "
		    "refused (a loopback, private or special address)",
		    job->refused);
	} else if (job->too_large) {
		res.status = FETCH_NET_ERROR;
		res.error_class = FETCH_ERROR_SIZE;
		error = xasprintf("response larger than %zu bytes",
		    job->max_size);
	} else if (code != CURLE_OK) {
		res.status = FETCH_NET_ERROR;
		res.error_class = fetch_error_of(code);
		/* The error buffer is often one line with a newline. */
		n = strlen(job->errbuf);
		while (n > 0 && isspace((unsigned char)job->errbuf[n - 1]))
			job->errbuf[--n] = '\0';
		/* The buffer is more precise than the code's text, and
		 * often ends with it already: then it alone. */
		if (n > 0 && strstr(job->errbuf, curl_easy_strerror(code)) !=
		    NULL)
			error = xstrdup(job->errbuf);
		else if (n > 0)
			error = xasprintf("%s: %s", curl_easy_strerror(code),
			    job->errbuf);
		else
			error = xstrdup(curl_easy_strerror(code));
	} else if (http >= 200 && http < 300) {
		res.status = FETCH_OK;
		res.body = job->body.data != NULL ? job->body.data : "";
		res.len = job->body.len;
	} else if (http == 304) {
		res.status = FETCH_NOT_MODIFIED;
	} else {
		res.status = FETCH_HTTP_ERROR;
		res.error_class = FETCH_ERROR_HTTP;
		if (job->status == http && job->reason[0] != '\0')
			error = xasprintf("HTTP %ld %s", http, job->reason);
		else
			error = xasprintf("HTTP %ld", http);
	}
	res.error = error;

	job->done(job->arg, &res);

	free(error);
	fetch_headers_reset(&hdr);
}

static void
job_abort(struct fetch_job *job)
{
	struct fetch_result res;

	memset(&res, 0, sizeof(res));
	res.status = FETCH_ABORTED;
	res.error = "aborted";
	res.error_class = FETCH_ERROR_ABORTED;
	res.effective_url = job->url;
	job->done(job->arg, &res);
}

/*
 * Decoded body bytes (curl hands them on after Content-Encoding and
 * chunked decoding).  Returning less than given makes curl stop with
 * CURLE_WRITE_ERROR; job->too_large says why.
 */
static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct fetch_job *job = arg;
	size_t n = size * nmemb;

	/* Only a 2xx body is handed on; an error page is dropped unread,
	 * and cut short past its cap. */
	if (job->status < 200 || job->status >= 300) {
		job->discarded += n;
		if (job->discarded > FETCH_ERROR_BODY_MAX) {
			job->cut = 1;
			return 0;
		}
		return n;
	}
	if (buf_add(&job->body, ptr, n) == -1) {
		job->too_large = 1;
		return 0;
	}
	return n;
}

/*
 * Download progress: bodies curl reads without handing them to write_cb
 * (those of redirects it follows) count toward the cap of non-2xx
 * bodies.  dlnow counts every response of the transfer, and only the
 * last can be a 2xx, so before it every byte is of a non-2xx body.
 */
static int
xferinfo_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct fetch_job *job = arg;

	(void)dltotal;
	(void)ultotal;
	(void)ulnow;
	if ((job->status < 200 || job->status >= 300) &&
	    dlnow > FETCH_ERROR_BODY_MAX) {
		job->cut = 1;
		return 1;
	}
	return 0;
}

static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct fetch_sock *s = (struct fetch_sock *)w;
	struct fetcher *f = s->f;
	curl_socket_t fd = s->fd;
	int action = 0, running;

	(void)loop;
	if (revents & EV_READ)
		action |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	/* s may be freed by the socket callback from here on. */
	curl_multi_socket_action(f->multi, fd, action, &running);
	fetch_check_info(f);
}

static int
socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *sockp)
{
	struct fetcher *f = userp;
	struct fetch_sock *s = sockp;
	int events = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			ev_io_stop(f->loop, &s->io);
			LIST_REMOVE(s, entry);
			free(s);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	if (s == NULL) {
		s = xcalloc(1, sizeof(*s));
		s->f = f;
		ev_init(&s->io, io_cb);
		LIST_INSERT_HEAD(&f->socks, s, entry);
		curl_multi_assign(f->multi, fd, s);
	}
	/* Always re-set: the same number may now be another socket. */
	ev_io_stop(f->loop, &s->io);
	s->fd = fd;
	ev_io_set(&s->io, fd, events);
	if (events != 0)
		ev_io_start(f->loop, &s->io);
	return 0;
}

static int
timerfunc_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct fetcher *f = userp;

	(void)multi;
	ev_timer_stop(f->loop, &f->timer);
	if (timeout_ms >= 0) {
		ev_timer_set(&f->timer, timeout_ms / 1000.0, 0.);
		ev_timer_start(f->loop, &f->timer);
	}
	return 0;
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fetcher *f = w->data;
	int running;

	(void)loop;
	(void)revents;
	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	fetch_check_info(f);
}

static void
kick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	fetch_dispatch(w->data);
}

/* Finished transfers: report, free, and start what waits. */
static void
fetch_check_info(struct fetcher *f)
{
	struct fetch_job *job;
	CURLMsg *msg;
	CURLcode code;
	char *p;
	int left;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		code = msg->data.result;
		p = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &p);
		job = (struct fetch_job *)p;
		/* msg is invalid once its handle leaves the multi. */
		curl_multi_remove_handle(f->multi, job->easy);
		TAILQ_REMOVE(&f->active, job, entry);
		f->nactive--;
		job->host->nactive--;
		fetch_host_update(job->host);
		job_report(job, code);
		job_free(job);
	}
	if (f->nqueued > 0 && !f->closing)
		fetch_dispatch(f);
}

static int
job_setup(struct fetcher *f, struct fetch_job *job)
{
	CURL *e;
	char *h;
	int rc = 0;

	e = job->easy = curl_easy_init();
	if (e == NULL)
		return -1;
	if (job->etag != NULL) {
		h = xasprintf("If-None-Match: %s", job->etag);
		job->headers = curl_slist_append(job->headers, h);
		free(h);
		if (job->headers == NULL)
			return -1;
	}
	if (job->last_modified != NULL) {
		h = xasprintf("If-Modified-Since: %s", job->last_modified);
		job->headers = curl_slist_append(job->headers, h);
		free(h);
		if (job->headers == NULL)
			return -1;
	}

	/* Chained so that the first failure sticks. */
	rc |= curl_easy_setopt(e, CURLOPT_URL, job->url);
	rc |= curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)job);
	rc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)FETCH_MAX_REDIRS);
	rc |= curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	rc |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, f->connect_timeout);
	rc |= curl_easy_setopt(e, CURLOPT_TIMEOUT, f->timeout);
	rc |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, f->low_speed_limit);
	rc |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, f->low_speed_time);
	rc |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075700
	rc |= curl_easy_setopt(e, CURLOPT_QUICK_EXIT, 1L);
#endif
	/*
	 * PIPEWAIT lets HTTP/2 over TLS multiplex on one connection, but on
	 * plain http (no ALPN) curl never learns that the connection cannot
	 * multiplex and runs a host's transfers one after the other.
	 */
	if (strncasecmp(job->url, "https:", 6) == 0)
		rc |= curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_USERAGENT, job->user_agent != NULL ?
	    job->user_agent : f->user_agent);
	if (job->headers != NULL)
		rc |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, job->headers);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEDATA, job);
	rc |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, fetch_header_cb);
	rc |= curl_easy_setopt(e, CURLOPT_HEADERDATA, job);
	rc |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, job->errbuf);
	rc |= curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	rc |= curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
	rc |= curl_easy_setopt(e, CURLOPT_XFERINFODATA, job);
	rc |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION,
	    fetch_opensocket_cb);
	rc |= curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, job);
	rc |= curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, fetch_prereq_cb);
	rc |= curl_easy_setopt(e, CURLOPT_PREREQDATA, job);
	return rc == CURLE_OK ? 0 : -1;
}

/* Hands queued jobs to curl while there are free slots. */
void
fetch_dispatch(struct fetcher *f)
{
	struct fetch_result res;
	struct fetch_job *job;
	struct fetch_host *h;

	while (!f->closing && f->nactive < f->max_connections &&
	    (h = TAILQ_FIRST(&f->ready)) != NULL) {
		/* Round robin: the host goes to the back of the line. */
		TAILQ_REMOVE(&f->ready, h, ready);
		h->in_ready = 0;
		job = TAILQ_FIRST(&h->queue);
		TAILQ_REMOVE(&h->queue, job, entry);
		f->nqueued--;
		h->started = 1;
		/* The real time, not the loop's (maybe stale) one: spacing
		 * is measured from when the request really starts. */
		h->last_start = ev_time();
		if (job_setup(f, job) == -1 ||
		    curl_multi_add_handle(f->multi, job->easy) != CURLM_OK) {
			memset(&res, 0, sizeof(res));
			res.status = FETCH_NET_ERROR;
			res.error = "cannot set up the transfer";
			res.error_class = FETCH_ERROR_NETWORK;
			res.effective_url = job->url;
			fetch_host_update(h);
			job->done(job->arg, &res);
			job_free(job);
			continue;
		}
		TAILQ_INSERT_TAIL(&f->active, job, entry);
		f->nactive++;
		h->nactive++;
		fetch_host_update(h);
	}
}

struct fetcher *
fetch_new(struct ev_loop *loop, const struct fetch_opts *opts,
    char **errstr)
{
	struct fetcher *f;
	int rc = 0, i;

	if (fetch_global_refs == 0 &&
	    curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		*errstr = xstrdup("cannot initialise libcurl");
		return NULL;
	}
	fetch_global_refs++;

	f = xcalloc(1, sizeof(*f));
	f->loop = loop;
	TAILQ_INIT(&f->ready);
	for (i = 0; i < FETCH_HOST_BUCKETS; i++)
		LIST_INIT(&f->hosts[i]);
	TAILQ_INIT(&f->active);
	LIST_INIT(&f->socks);
	f->user_agent = xstrdup(opts->user_agent != NULL &&
	    opts->user_agent[0] != '\0' ? opts->user_agent : FETCH_DEFAULT_UA);
	f->max_connections = opts->max_connections > 0 ?
	    opts->max_connections : FETCH_DEFAULT_CONNS;
	f->max_size = opts->max_size > 0 ?
	    opts->max_size : FETCH_DEFAULT_MAX_SIZE;
	f->connect_timeout = opts->connect_timeout > 0 ?
	    opts->connect_timeout : FETCH_DEFAULT_CONNECT_TIMEOUT;
	f->timeout = opts->timeout > 0 ? opts->timeout : FETCH_DEFAULT_TIMEOUT;
	f->low_speed_limit = opts->low_speed_limit > 0 ?
	    opts->low_speed_limit : FETCH_DEFAULT_LOW_SPEED_LIMIT;
	f->low_speed_time = opts->low_speed_time > 0 ?
	    opts->low_speed_time : FETCH_DEFAULT_LOW_SPEED_TIME;
	f->per_host = opts->per_host_connections;
	f->host_delay = opts->host_delay > 0. ? opts->host_delay : 0.;

	ev_timer_init(&f->timer, timer_cb, 0., 0.);
	f->timer.data = f;
	ev_timer_init(&f->kick, kick_cb, 0., 0.);
	f->kick.data = f;

	f->multi = curl_multi_init();
	if (f->multi == NULL) {
		*errstr = xstrdup("cannot create a libcurl multi handle");
		fetch_free(f);
		return NULL;
	}
	rc |= curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	rc |= curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	rc |= curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION,
	    timerfunc_cb);
	rc |= curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	if (rc != CURLM_OK) {
		*errstr = xstrdup("cannot set up the libcurl multi handle");
		fetch_free(f);
		return NULL;
	}
	return f;
}

void
fetch_free(struct fetcher *f)
{
	struct fetch_job *job;
	struct fetch_sock *s;
	struct fetch_host *h;
	int i;

	if (f == NULL)
		return;
	f->closing = 1;
	ev_timer_stop(f->loop, &f->kick);
	while ((job = TAILQ_FIRST(&f->active)) != NULL) {
		TAILQ_REMOVE(&f->active, job, entry);
		f->nactive--;
		curl_multi_remove_handle(f->multi, job->easy);
		job_abort(job);
		job_free(job);
	}
	for (i = 0; i < FETCH_HOST_BUCKETS; i++) {
		while ((h = LIST_FIRST(&f->hosts[i])) != NULL) {
			while ((job = TAILQ_FIRST(&h->queue)) != NULL) {
				TAILQ_REMOVE(&h->queue, job, entry);
				job_abort(job);
				job_free(job);
			}
			ev_timer_stop(f->loop, &h->wait);
			LIST_REMOVE(h, hash);
			free(h->name);
			free(h);
		}
	}
	if (f->multi != NULL)
		curl_multi_cleanup(f->multi);
	/* Sockets curl kept (its connection cache) without a REMOVE. */
	while ((s = LIST_FIRST(&f->socks)) != NULL) {
		ev_io_stop(f->loop, &s->io);
		LIST_REMOVE(s, entry);
		free(s);
	}
	ev_timer_stop(f->loop, &f->timer);
	free(f->user_agent);
	free(f->test_public);
	free(f);
	if (--fetch_global_refs == 0)
		curl_global_cleanup();
}

static int
header_safe(const char *s)
{
	return s == NULL || strpbrk(s, "\r\n") == NULL;
}

int
fetch_start(struct fetcher *f, const struct fetch_request *req,
    fetch_done_fn done, void *arg)
{
	struct fetch_job *job;

	if (f->closing || req->url == NULL || done == NULL)
		return -1;
	/* A line break would smuggle in another header. */
	if (!header_safe(req->etag) || !header_safe(req->last_modified) ||
	    !header_safe(req->user_agent))
		return -1;
	job = xcalloc(1, sizeof(*job));
	job->f = f;
	job->url = xstrdup(req->url);
	/* An empty validator is no validator ("If-None-Match:" with no value
	 * would make curl drop the header anyway). */
	if (req->etag != NULL && req->etag[0] != '\0')
		job->etag = xstrdup(req->etag);
	if (req->last_modified != NULL && req->last_modified[0] != '\0')
		job->last_modified = xstrdup(req->last_modified);
	if (req->user_agent != NULL && req->user_agent[0] != '\0')
		job->user_agent = xstrdup(req->user_agent);
	job->done = done;
	job->arg = arg;
	job->max_size = f->max_size;
	buf_init(&job->body, f->max_size);
	job->host = fetch_host_get(f, job->url);
	TAILQ_INSERT_TAIL(&job->host->queue, job, entry);
	f->nqueued++;
	fetch_host_update(job->host);
	/* Started from the loop, so that a caller inside a callback never
	 * re-enters curl and a failure is reported from the loop too. */
	ev_timer_start(f->loop, &f->kick);
	return 0;
}

void
fetch_set_limits(struct fetcher *f, int max_connections,
    int per_host_connections, double host_delay, size_t max_size)
{
	struct fetch_host *h;
	int i;

	f->max_connections = max_connections > 0 ?
	    max_connections : FETCH_DEFAULT_CONNS;
	f->per_host = per_host_connections > 0 ? per_host_connections : 0;
	f->host_delay = host_delay > 0. ? host_delay : 0.;
	f->max_size = max_size > 0 ? max_size : FETCH_DEFAULT_MAX_SIZE;
	/* A wider limit may let waiting hosts start now. */
	for (i = 0; i < FETCH_HOST_BUCKETS; i++)
		LIST_FOREACH(h, &f->hosts[i], hash) {
			if (TAILQ_EMPTY(&h->queue))
				continue;
			ev_timer_stop(f->loop, &h->wait);
			fetch_host_update(h);
		}
	if (f->nqueued > 0 && !f->closing)
		ev_timer_start(f->loop, &f->kick);
}

