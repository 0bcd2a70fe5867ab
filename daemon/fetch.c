/*
 * fetch.c: HTTP GETs with libcurl's multi socket API inside libev.
 *
 * One fetcher owns one CURLM, one ev_timer for curl's timeout, one ev_io
 * per socket curl asks us to watch, and the queues of requests that wait
 * for a free slot.  The shape follows curl's docs/examples/evhiperfifo.c, with
 * the pitfalls of TECH-NOTES.md section 1 avoided:
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
 * Queues: each host (the URL's host name, lower case, port ignored) has
 * a FIFO of its requests.  A host whose queue is not empty and that may
 * start one now sits on the ready list; one that waits for host_delay has
 * its own ev_timer that puts it back.  Dispatch takes hosts from the ready
 * list round robin, so one host with a thousand feeds cannot starve the
 * others.  Host records live as long as the fetcher (one per distinct
 * host, a few dozen bytes each).  The host is the one of the requested
 * URL; redirects to other hosts are not counted against them.  A host may
 * also be held (fetch_hold_host: a Retry-After the scheduler received):
 * its queue then waits on the same timer as for host_delay.
 *
 * Requests carry the validators exactly as the caller stored them; we add
 * no cookies, no Referer, no query parameters.  Only http and https are
 * allowed, redirects included; TLS verification and the proxy environment
 * variables keep libcurl's defaults (on, honoured).
 *
 * Redirects may not lead from a public address into the local network.
 * The address of the first request (where the configured URL led: the
 * user's choice) sets the rule: if it is loopback, private, link-local
 * or otherwise special (fetch_addr_special), any redirect is followed; if
 * it is public, every later hop must be public too.  Addresses are the
 * ones connected to, not names, so a name that resolves to a private
 * address counts as private: OPENSOCKETFUNCTION refuses a new connection
 * to such an address before it is made, and PREREQFUNCTION checks the
 * address of every request, including one on a connection reused from
 * another transfer.  Behind a proxy the address seen is the proxy's, so
 * the rule is the proxy's to keep.
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
#include "parsers/util.h"

#define FETCH_DEFAULT_CONNS		16
#define FETCH_DEFAULT_MAX_SIZE		(16 * 1024 * 1024)
#define FETCH_DEFAULT_CONNECT_TIMEOUT	15
#define FETCH_DEFAULT_TIMEOUT		60
#define FETCH_DEFAULT_LOW_SPEED_LIMIT	100	/* bytes per second ... */
#define FETCH_DEFAULT_LOW_SPEED_TIME	30	/* ... over this many seconds */
#define FETCH_MAX_REDIRS		5
#define FETCH_ERROR_BODY_MAX		(64 * 1024)
#define FETCH_DEFAULT_UA \
	"feedd/" PACKAGE_VERSION " (+" PACKAGE_URL ")"

struct fetch_sock {
	ev_io			 io;	/* first: the callback casts back */
	struct fetcher		*f;
	curl_socket_t		 fd;
	LIST_ENTRY(fetch_sock)	 entry;
};

struct fetch_host;

struct fetch_job {
	TAILQ_ENTRY(fetch_job)	 entry;
	struct fetcher		*f;
	struct fetch_host	*host;
	CURL			*easy;	/* NULL while queued */
	struct curl_slist	*headers;
	char			*url;
	char			*etag;
	char			*last_modified;
	char			*user_agent;	/* NULL: the fetcher's */
	fetch_done_fn		 done;
	void			*arg;

	struct buf		 body;
	size_t			 max_size;	/* the cap when started */
	int			 too_large;
	long			 status;	/* of the last status line */
	char			 reason[64];	/* its reason phrase */
	int			 hops;		/* redirects seen */
	int			 temporary;	/* a hop was not 301/308 */
	size_t			 discarded;	/* bytes of non-2xx bodies */
	int			 cut;		/* ... past the cap */
	int			 nrequests;	/* PREREQFUNCTION calls */
	int			 origin_special; /* of the first request */
	char			 refused[INET6_ADDRSTRLEN]; /* a hop's */
	char			 errbuf[CURL_ERROR_SIZE];
};

TAILQ_HEAD(fetch_jobs, fetch_job);

#define FETCH_HOST_BUCKETS	1024

struct fetch_host {
	LIST_ENTRY(fetch_host)	 hash;
	TAILQ_ENTRY(fetch_host)	 ready;
	int			 in_ready;
	struct fetcher		*f;
	char			*name;
	struct fetch_jobs	 queue;
	int			 nactive;
	int			 started;	/* last_start is valid */
	ev_tstamp		 last_start;
	ev_tstamp		 hold_until;	/* Retry-After; 0: none */
	ev_timer		 wait;		/* host_delay, hold */
};

struct fetcher {
	struct ev_loop		*loop;
	CURLM			*multi;
	ev_timer		 timer;		/* curl's timeout */
	ev_timer		 kick;		/* starts queued jobs */
	struct fetch_jobs	 active;	/* handed to curl */
	int			 nactive;
	int			 nqueued;
	LIST_HEAD(, fetch_host)	 hosts[FETCH_HOST_BUCKETS];
	TAILQ_HEAD(, fetch_host) ready;	/* hosts that may start one */
	LIST_HEAD(, fetch_sock)	 socks;
	int			 closing;

	char			*user_agent;
	int			 max_connections;
	size_t			 max_size;
	long			 connect_timeout;
	long			 timeout;
	long			 low_speed_limit;
	long			 low_speed_time;
	int			 per_host;	/* 0: no limit */
	ev_tstamp		 host_delay;
	char			*test_public;	/* fetch_test_public */
};

static int	fetch_global_refs;

static void	fetch_check_info(struct fetcher *);
static void	fetch_dispatch(struct fetcher *);
static void	host_update(struct fetch_host *);

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

/* Headers: the final response's value, copied (curl reuses its struct). */
static char *
job_header(struct fetch_job *job, const char *name)
{
	struct curl_header *h;

	if (curl_easy_header(job->easy, name, 0, CURLH_HEADER, -1, &h) !=
	    CURLHE_OK)
		return NULL;
	return xstrdup(h->value);
}

/* The kind of a transfer failure, for the feed's state and its logs. */
static const char *
error_class(CURLcode code)
{
	switch (code) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "dns";
	case CURLE_COULDNT_CONNECT:
		return "connect";
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
		return "tls";
	case CURLE_TOO_MANY_REDIRECTS:
		return "redirect";
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return "scheme";
	case CURLE_FILESIZE_EXCEEDED:
		return "size";
	default:
		return "network";
	}
}

static void
job_report(struct fetch_job *job, CURLcode code)
{
	struct fetch_result res;
	char *error = NULL, *etag, *lm, *ctype, *cc, *expires, *retry;
	char *url = NULL;
	long http = 0;
	size_t n;

	memset(&res, 0, sizeof(res));
	curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &http);
	curl_easy_getinfo(job->easy, CURLINFO_EFFECTIVE_URL, &url);
	res.http_code = http;
	res.effective_url = url;
	res.etag = etag = job_header(job, "ETag");
	res.last_modified = lm = job_header(job, "Last-Modified");
	res.content_type = ctype = job_header(job, "Content-Type");
	res.cache_control = cc = job_header(job, "Cache-Control");
	res.expires = expires = job_header(job, "Expires");
	res.retry_after = retry = job_header(job, "Retry-After");
	res.redirects = job->hops;
	res.permanent_redirect = job->hops > 0 && !job->temporary;

	/* A cut error body: the response itself is the answer. */
	if (job->cut && (code == CURLE_WRITE_ERROR ||
	    code == CURLE_ABORTED_BY_CALLBACK))
		code = CURLE_OK;
	if (job->refused[0] != '\0' && code != CURLE_OK) {
		res.status = FETCH_NET_ERROR;
		res.error_class = "redirect";
		error = xasprintf("redirect from a public address to %s "
		    "refused (a loopback, private or special address)",
		    job->refused);
	} else if (job->too_large) {
		res.status = FETCH_NET_ERROR;
		res.error_class = "size";
		error = xasprintf("response larger than %zu bytes",
		    job->max_size);
	} else if (code != CURLE_OK) {
		res.status = FETCH_NET_ERROR;
		res.error_class = error_class(code);
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
		res.error_class = "http";
		if (job->status == http && job->reason[0] != '\0')
			error = xasprintf("HTTP %ld %s", http, job->reason);
		else
			error = xasprintf("HTTP %ld", http);
	}
	res.error = error;

	job->done(job->arg, &res);

	free(error);
	free(etag);
	free(lm);
	free(ctype);
	free(cc);
	free(expires);
	free(retry);
}

static void
job_abort(struct fetch_job *job)
{
	struct fetch_result res;

	memset(&res, 0, sizeof(res));
	res.status = FETCH_ABORTED;
	res.error = "aborted";
	res.error_class = "aborted";
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
 * Status lines of every response, redirects included: remembers the
 * reason phrase of the last one and whether each followed hop was a
 * permanent redirect (301 or 308).  1xx interim responses are skipped.
 */
static size_t
header_cb(char *ptr, size_t size, size_t nitems, void *arg)
{
	struct fetch_job *job = arg;
	size_t n = size * nitems, i, j;
	long code;

	if (n < 12 || strncmp(ptr, "HTTP/", 5) != 0)
		return n;
	for (i = 5; i < n && ptr[i] != ' '; i++)
		;
	if (i + 4 > n || !isdigit((unsigned char)ptr[i + 1]) ||
	    !isdigit((unsigned char)ptr[i + 2]) ||
	    !isdigit((unsigned char)ptr[i + 3]))
		return n;
	code = (ptr[i + 1] - '0') * 100 + (ptr[i + 2] - '0') * 10 +
	    (ptr[i + 3] - '0');
	if (code < 200)
		return n;
	switch (job->status) {
	case 301:
	case 308:
		job->hops++;
		break;
	case 302:
	case 303:
	case 307:
		job->hops++;
		job->temporary = 1;
		break;
	}
	job->status = code;
	i += 4;
	while (i < n && ptr[i] == ' ')
		i++;
	for (j = 0; i < n && j < sizeof(job->reason) - 1; i++) {
		if (ptr[i] == '\r' || ptr[i] == '\n')
			break;
		job->reason[j++] = isprint((unsigned char)ptr[i]) ?
		    ptr[i] : '?';
	}
	job->reason[j] = '\0';
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

/* Whether ip (numeric) is special for this fetcher: see
 * fetch_addr_special, and fetch_test_public for the exception. */
static int
ip_special(const struct fetcher *f, const char *ip)
{
	if (f->test_public != NULL && strcmp(ip, f->test_public) == 0)
		return 0;
	return fetch_addr_special(ip) != 0;
}

/* A new connection: refused if it is a redirect's, from a public
 * origin to a special address (see the top of the file). */
static curl_socket_t
opensocket_cb(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct fetch_job *job = arg;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	char ip[INET6_ADDRSTRLEN];
	const char *p = NULL;

	(void)purpose;
	if (job->nrequests > 0 && !job->origin_special) {
		if (a->family == AF_INET && a->addrlen >= sizeof(sin)) {
			memcpy(&sin, &a->addr, sizeof(sin));
			p = inet_ntop(AF_INET, &sin.sin_addr, ip, sizeof(ip));
		} else if (a->family == AF_INET6 &&
		    a->addrlen >= sizeof(sin6)) {
			memcpy(&sin6, &a->addr, sizeof(sin6));
			p = inet_ntop(AF_INET6, &sin6.sin6_addr, ip,
			    sizeof(ip));
		}
		/* An address that cannot be told is not trusted. */
		if (p == NULL || ip_special(job->f, ip)) {
			snprintf(job->refused, sizeof(job->refused), "%s",
			    p != NULL ? ip : "an unknown address");
			return CURL_SOCKET_BAD;
		}
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* Every request, on a new or a reused connection, just before it is
 * sent: the first one's address sets the rule for the others. */
static int
prereq_cb(void *arg, char *primary_ip, char *local_ip, int primary_port,
    int local_port)
{
	struct fetch_job *job = arg;
	int special;

	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	special = primary_ip == NULL || ip_special(job->f, primary_ip);
	if (job->nrequests++ == 0) {
		/* An origin of unknown address is held to the strict rule. */
		job->origin_special = primary_ip != NULL && special;
		return CURL_PREREQFUNC_OK;
	}
	if (special && !job->origin_special) {
		snprintf(job->refused, sizeof(job->refused), "%s",
		    primary_ip != NULL ? primary_ip : "an unknown address");
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}

static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct fetch_sock *s = (struct fetch_sock *)w;
	struct fetcher *f = s->f;
	curl_socket_t fd = s->fd;
	int action = 0, running;

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

	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	fetch_check_info(f);
}

static void
kick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
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
		host_update(job->host);
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
	rc |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	rc |= curl_easy_setopt(e, CURLOPT_HEADERDATA, job);
	rc |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, job->errbuf);
	rc |= curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	rc |= curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
	rc |= curl_easy_setopt(e, CURLOPT_XFERINFODATA, job);
	rc |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, opensocket_cb);
	rc |= curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, job);
	rc |= curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, prereq_cb);
	rc |= curl_easy_setopt(e, CURLOPT_PREREQDATA, job);
	return rc == CURLE_OK ? 0 : -1;
}

/* IPv4 address a (host order) in the special ranges (RFC 6890 and
 * the IANA special-purpose registry). */
static int
v4_special(uint32_t a)
{
	static const struct {
		uint32_t	 net;
		int		 bits;
	} nets[] = {
		{ 0x00000000, 8 },	/* "this network", 0.0.0.0 */
		{ 0x0a000000, 8 },	/* private */
		{ 0x64400000, 10 },	/* CGNAT shared space */
		{ 0x7f000000, 8 },	/* loopback */
		{ 0xa9fe0000, 16 },	/* link-local */
		{ 0xac100000, 12 },	/* private */
		{ 0xc0000000, 24 },	/* IETF protocol assignments */
		{ 0xc0000200, 24 },	/* documentation */
		{ 0xc0586300, 24 },	/* 6to4 relay anycast */
		{ 0xc0a80000, 16 },	/* private */
		{ 0xc6120000, 15 },	/* benchmarking */
		{ 0xc6336400, 24 },	/* documentation */
		{ 0xcb007100, 24 },	/* documentation */
		{ 0xe0000000, 4 },	/* multicast */
		{ 0xf0000000, 4 },	/* reserved, broadcast */
	};
	size_t i;

	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
		if ((a >> (32 - nets[i].bits)) ==
		    (nets[i].net >> (32 - nets[i].bits)))
			return 1;
	return 0;
}

int
fetch_addr_special(const char *ip)
{
	unsigned char b[16];
	uint32_t a;
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0xff, 0xff };
	static const unsigned char zero[12];
	static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b };

	if (ip == NULL)
		return -1;
	if (inet_pton(AF_INET, ip, b) == 1)
		return v4_special((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | b[3]);
	if (inet_pton(AF_INET6, ip, b) != 1)
		return -1;
	a = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
	    (uint32_t)b[14] << 8 | b[15];
	/* IPv4-mapped, and the NAT64 well-known prefix: the IPv4 address
	 * inside decides.  IPv4-compatible (deprecated), :: and ::1. */
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return v4_special(a);
	if (memcmp(b, zero, 12) == 0)
		return 1;
	/* 6to4: the IPv4 address in bits 16-47. */
	if (b[0] == 0x20 && b[1] == 0x02)
		return v4_special((uint32_t)b[2] << 24 |
		    (uint32_t)b[3] << 16 | (uint32_t)b[4] << 8 | b[5]);
	if ((b[0] & 0xfe) == 0xfc ||		/* unique local fc00::/7 */
	    (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||	/* link-local */
	    (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) ||	/* site-local */
	    b[0] == 0xff ||			/* multicast */
	    (b[0] == 0x01 && b[1] == 0x00 && b[2] == 0 && b[3] == 0 &&
	    b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0) || /* discard */
	    (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b &&
	    b[4] == 0x00 && b[5] == 0x01) ||	/* local NAT64 */
	    (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02) || /* 2001::/23 */
	    (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d &&
	    b[3] == 0xb8) ||			/* documentation */
	    (b[0] == 0x3f && b[1] == 0xff && (b[2] & 0xf0) == 0))
		return 1;
	return 0;
}

void
fetch_test_public(struct fetcher *f, const char *ip)
{
	free(f->test_public);
	f->test_public = ip != NULL ? xstrdup(ip) : NULL;
}

char *
fetch_url_host(const char *url)
{
	CURLU *u;
	char *h = NULL, *name, *p;

	u = curl_url();
	if (u != NULL && curl_url_set(u, CURLUPART_URL, url,
	    CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
		name = xstrdup(h);
		curl_free(h);
	} else
		name = xstrdup("");
	curl_url_cleanup(u);
	for (p = name; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	return name;
}

static void
host_wait_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fetch_host *h = w->data;

	host_update(h);
	fetch_dispatch(h->f);
}

static struct fetch_host *
host_get(struct fetcher *f, const char *url)
{
	struct fetch_host *h;
	char *name;
	unsigned int i;

	name = fetch_url_host(url);
	i = str_hash(name) % FETCH_HOST_BUCKETS;
	LIST_FOREACH(h, &f->hosts[i], hash) {
		if (strcmp(h->name, name) == 0) {
			free(name);
			return h;
		}
	}
	h = xcalloc(1, sizeof(*h));
	h->f = f;
	h->name = name;
	TAILQ_INIT(&h->queue);
	ev_timer_init(&h->wait, host_wait_cb, 0., 0.);
	h->wait.data = h;
	LIST_INSERT_HEAD(&f->hosts[i], h, hash);
	return h;
}

/* Puts the host on the ready list, or off it, or on its delay timer. */
static void
host_update(struct fetch_host *h)
{
	struct fetcher *f = h->f;
	ev_tstamp left = 0.;
	int ready;

	ready = !TAILQ_EMPTY(&h->queue) &&
	    (f->per_host <= 0 || h->nactive < f->per_host);
	if (ready && h->started && f->host_delay > 0.) {
		left = h->last_start + f->host_delay - ev_now(f->loop);
		if (left > 0.)
			ready = 0;
	}
	if (!TAILQ_EMPTY(&h->queue) && h->hold_until > 0.) {
		if (h->hold_until - ev_now(f->loop) > left)
			left = h->hold_until - ev_now(f->loop);
		if (left > 0.)
			ready = 0;
		else
			h->hold_until = 0.;
	}
	if (ready && !h->in_ready) {
		TAILQ_INSERT_TAIL(&f->ready, h, ready);
		h->in_ready = 1;
	} else if (!ready && h->in_ready) {
		TAILQ_REMOVE(&f->ready, h, ready);
		h->in_ready = 0;
	}
	if (left > 0. && !TAILQ_EMPTY(&h->queue) && !ev_is_active(&h->wait)) {
		ev_timer_set(&h->wait, left, 0.);
		ev_timer_start(f->loop, &h->wait);
	}
}

/* Hands queued jobs to curl while there are free slots. */
static void
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
			res.error_class = "network";
			res.effective_url = job->url;
			host_update(h);
			job->done(job->arg, &res);
			job_free(job);
			continue;
		}
		TAILQ_INSERT_TAIL(&f->active, job, entry);
		f->nactive++;
		h->nactive++;
		host_update(h);
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
	job->host = host_get(f, job->url);
	TAILQ_INSERT_TAIL(&job->host->queue, job, entry);
	f->nqueued++;
	host_update(job->host);
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
			host_update(h);
		}
	if (f->nqueued > 0 && !f->closing)
		ev_timer_start(f->loop, &f->kick);
}

void
fetch_hold_host(struct fetcher *f, const char *url, double until)
{
	struct fetch_host *h;

	if (f->closing || until <= ev_now(f->loop))
		return;
	h = host_get(f, url);
	if (until <= h->hold_until)
		return;
	h->hold_until = until;
	/* The wait timer may be set for an earlier host_delay: re-arm. */
	ev_timer_stop(f->loop, &h->wait);
	host_update(h);
}
