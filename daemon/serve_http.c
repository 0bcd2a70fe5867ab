/*
 * serve_http.c: HTTP for the server, apart from routing and caching:
 * replies, what a request says (Host, Accept-Encoding, If-None-Match,
 * the size of its head), the query parameters of a feed request, and
 * libmicrohttpd's callbacks around each request.
 *
 * What MHD's connection memory limit does not answer well is refused
 * here first: long request targets and many parameters (414, at the
 * URI callback, before MHD splits the query into its pool) and large
 * heads (431); both are written straight to the socket (http_refuse_raw)
 * because a nearly full pool leaves MHD no room to build an answer.
 * The Host header must name this server (http_host_allowed), against
 * DNS rebinding.  Every answered request is counted with its latency
 * (from MHD's URI callback to its completion notice) in metrics.c.
 *
 * Nothing here keeps state between requests: struct request lives from
 * the URI callback to the completion notice, struct params for one
 * handler call.
 */
#include "config.h"

#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "log.h"
#include "metrics.h"
#include "serve_int.h"
#include "parsers/uri.h"
#include "base/util.h"

#define SERVE_LIMIT		50	/* default entries per feed */
#define SERVE_LIMIT_MAX		500
#define SERVE_URI_MAX		4096	/* bytes of request target */
#define SERVE_MAX_PARAMS	64	/* query parameters */
/* The cache key and the re-encoded query of a target of at most
 * SERVE_URI_MAX bytes: each value escaped again takes at most three
 * times its bytes, and each field's length prefix a few more. */
#define SERVE_PARAMS_BUF	(4 * SERVE_URI_MAX)
#define SERVE_HEAD_MAX		8192	/* bytes of request head (estimate) */
#define SERVE_HEAD_RECORD	64	/* MHD's cost of a header (estimate) */
#define HOST_MAX		255
#define ALLOW			"GET, HEAD"

/* --- replies */

enum MHD_Result
http_queue_kept(struct request *req, struct MHD_Connection *conn,
    unsigned int status, struct MHD_Response *r)
{
	const union MHD_ConnectionInfo *ci;
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, r);
	if (ret != MHD_YES)
		return ret;
	req->answered = 1;
	/* The request is in: the answer's deadline starts. */
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL && ci->socket_context != NULL) {
		((struct conn *)ci->socket_context)->busy = 1;
		((struct conn *)ci->socket_context)->since = mono_now();
	}
	return ret;
}

enum MHD_Result
http_queue(struct request *req, struct MHD_Connection *conn,
    unsigned int status, struct MHD_Response *r)
{
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	ret = http_queue_kept(req, conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A short plain-text answer; text is copied.  allow: the Allow header
 * of a 405. */
enum MHD_Result
http_reply_text(struct request *req, struct MHD_Connection *conn,
    unsigned int status, const char *text, const char *allow)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, TEXT_PLAIN);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
		    allow != NULL ? allow : ALLOW);
	if (status != MHD_HTTP_OK)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
	return http_queue(req, conn, status, r);
}

/* The same with a formatted reason (a newline is added). */
enum MHD_Result
http_reply_fmt(struct request *req, struct MHD_Connection *conn,
    unsigned int status, const char *fmt, ...)
{
	enum MHD_Result ret;
	va_list ap;
	char text[512];
	size_t n;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text) - 1, fmt, ap);
	va_end(ap);
	n = strlen(text);
	text[n] = '\n';
	text[n + 1] = '\0';
	ret = http_reply_text(req, conn, status, text, NULL);
	return ret;
}

/*
 * An oversized request is answered by writing a fixed response to the
 * socket here rather than queueing one, and its connection closed: a
 * request that nearly fills the connection's memory pool leaves MHD no
 * room to build any response header (it would close without a word).
 * This runs on the handler's first call, before MHD has written
 * anything of this request (the previous one on the connection was sent
 * in full).
 */
enum MHD_Result
http_refuse_raw(struct request *req, struct MHD_Connection *conn,
    unsigned int status)
{
	static const char r414[] = "HTTP/1.1 414 URI Too Long\r\n"
	    "Connection: close\r\nContent-Type: " TEXT_PLAIN "\r\n"
	    "Content-Length: 22\r\nCache-Control: no-store\r\n\r\n"
	    "request line too long\n";
	static const char r431[] = "HTTP/1.1 431 Request Header Fields "
	    "Too Large\r\nConnection: close\r\nContent-Type: " TEXT_PLAIN
	    "\r\nContent-Length: 30\r\nCache-Control: no-store\r\n\r\n"
	    "request header fields too big\n";
	const union MHD_ConnectionInfo *ci;
	const char *r = status == MHD_HTTP_URI_TOO_LONG ? r414 : r431;
	size_t len = status == MHD_HTTP_URI_TOO_LONG ? sizeof(r414) - 1 :
	    sizeof(r431) - 1;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci != NULL)
		(void)send(ci->connect_fd, r, len, MSG_NOSIGNAL |
		    MSG_DONTWAIT);
	req->answered = 1;	/* counted when MHD is done with it */
	return MHD_NO;
}

/* --- what a request says */

/* The Host header if it looks like host[:port], else "localhost": it
 * ends up in the self link and in a cache key. */
const char *
http_request_host(struct MHD_Connection *conn)
{
	const char *h, *p;

	h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST);
	if (h == NULL || *h == '\0' || strlen(h) > HOST_MAX)
		return "localhost";
	for (p = h; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(".-:[]_", *p) != NULL)
			continue;
		return "localhost";
	}
	return h;
}

/* Whether the q parameter of one Accept-Encoding element says "not
 * acceptable" (q=0, q=0.0, ...). */
static int
q_is_zero(const char *p, const char *end)
{
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == ';'))
			p++;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') &&
		    p[1] == '=') {
			p += 2;
			if (p < end && *p == '0') {
				p++;
				if (p < end && *p == '.')
					p++;
				while (p < end && *p == '0')
					p++;
				return p == end || *p == ' ' || *p == ';' ||
				    *p == '\t';
			}
			return 0;
		}
		while (p < end && *p != ';')
			p++;
	}
	return 0;
}

/* Whether the client accepts gzip (RFC 9110 12.5.3). */
int
http_accepts_gzip(struct MHD_Connection *conn)
{
	const char *v, *p, *end, *tok, *tokend;
	int star = 0;

	v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_ENCODING);
	if (v == NULL)
		return 0;
	for (p = v; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		tok = p;
		while (tok < end && (*tok == ' ' || *tok == '\t'))
			tok++;
		tokend = tok;
		while (tokend < end && *tokend != ';' && *tokend != ' ' &&
		    *tokend != '\t')
			tokend++;
		if ((tokend - tok == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
		    (tokend - tok == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
			return !q_is_zero(tokend, end);
		if (tokend - tok == 1 && *tok == '*')
			star = !q_is_zero(tokend, end);
	}
	return star;
}

/* Whether If-None-Match lists etag ("*" matches anything); weak
 * comparison, as RFC 9110 13.1.2 asks. */
int
http_etag_matches(const char *header, const char *etag)
{
	const char *p = header, *q;
	size_t n = strlen(etag);

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"')
			return 0;
		q = strchr(p + 1, '"');
		if (q == NULL)
			return 0;
		if ((size_t)(q + 1 - p) == n && strncmp(p, etag, n) == 0)
			return 1;
		p = q + 1;
	}
	return 0;
}

/* Whether s (of n bytes) is an IP address literal equal to the address
 * of listener l's socket, or any address when it is bound to a wildcard. */
static int
host_is_listener_addr(const char *s, size_t n, int v6,
    const struct listener *l)
{
	const struct sockaddr_storage *ss = &l->addr;
	struct in6_addr a6;
	struct in_addr a4;
	char tmp[64];

	if (n == 0 || n >= sizeof(tmp) || !l->addr_ok)
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (v6) {
		if (inet_pton(AF_INET6, tmp, &a6) != 1 ||
		    ss->ss_family != AF_INET6)
			return 0;
		return memcmp(&((const struct sockaddr_in6 *)ss)->sin6_addr,
		    &in6addr_any, sizeof(a6)) == 0 ||
		    memcmp(&((const struct sockaddr_in6 *)ss)->sin6_addr, &a6,
		    sizeof(a6)) == 0;
	}
	if (inet_pton(AF_INET, tmp, &a4) != 1 || ss->ss_family != AF_INET)
		return 0;
	return ((const struct sockaddr_in *)ss)->sin_addr.s_addr ==
	    htonl(INADDR_ANY) ||
	    ((const struct sockaddr_in *)ss)->sin_addr.s_addr == a4.s_addr;
}

/*
 * Whether the Host header names this server, against DNS rebinding: a
 * page from a name the attacker controls, re-pointed at 127.0.0.1,
 * reaches us with its own name as Host.  Accepted: "localhost", the
 * loopback literals 127.0.0.1 and [::1] on Unix sockets (local clients
 * and proxies say so), the listener's own address (any address literal
 * when it is bound to a wildcard address: a name is needed for
 * rebinding), and the configured server_name values; each with or
 * without a port, any port (the name is what an attacker controls), a
 * final dot ignored.  No Host at all is accepted here: browsers always
 * send one, and the handler answers 400 to HTTP/1.1 without it (RFC
 * 9112 3.2), leaving HTTP/1.0 clients that predate the header.
 */
int
http_host_allowed(const struct listener *l, const struct conf *conf,
    const char *host)
{
	const char *name, *end, *p;
	size_t n, i;
	int v6 = 0;

	if (host == NULL)
		return 1;
	if (*host == '[') {
		name = host + 1;
		end = strchr(name, ']');
		if (end == NULL)
			return 0;
		p = end + 1;
		v6 = 1;
	} else {
		name = host;
		end = strchr(name, ':');
		if (end == NULL)
			end = name + strlen(name);
		p = end;
	}
	if (*p == ':') {
		for (i = 1; p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == 1 || i > 6 || p[i] != '\0')
			return 0;
	} else if (*p != '\0')
		return 0;
	n = (size_t)(end - name);
	if (n > 1 && !v6 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > HOST_MAX)
		return 0;
	if (!v6 && n == 9 && strncasecmp(name, "localhost", 9) == 0)
		return 1;
	if (l->is_unix && ((v6 && n == 3 && strncmp(name, "::1", 3) == 0) ||
	    (!v6 && n == 9 && strncmp(name, "127.0.0.1", 9) == 0)))
		return 1;
	if (!l->is_unix && host_is_listener_addr(name, n, v6, l))
		return 1;
	for (i = 0; conf != NULL && i < conf->nserver_names; i++) {
		if (strlen(conf->server_names[i]) == n &&
		    strncasecmp(conf->server_names[i], name, n) == 0)
			return 1;
	}
	return 0;
}

/* MHD_KeyValueIterator adding up what a request's head takes in MHD's
 * memory pool: the text and a record per header, cookie or argument. */
static enum MHD_Result
head_size_cb(void *cls, enum MHD_ValueKind kind, const char *k,
    const char *v)
{
	size_t *n = cls;

	(void)kind;
	*n += strlen(k) + (v != NULL ? strlen(v) : 0) + SERVE_HEAD_RECORD;
	return MHD_YES;
}

/* Whether the request's head takes more than SERVE_HEAD_MAX. */
int
http_head_too_large(struct MHD_Connection *conn, const char *url,
    const char *method)
{
	size_t n = strlen(url) + strlen(method);

	MHD_get_connection_values(conn, MHD_HEADER_KIND | MHD_COOKIE_KIND |
	    MHD_GET_ARGUMENT_KIND, head_size_cb, &n);
	if (n <= SERVE_HEAD_MAX)
		return 0;
	log_debug("http: %s %.100s: request head of %zu bytes refused",
	    method, url, n);
	return 1;
}

/* --- query parameters */

static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/*
 * since=: a date-time as RFC 3339 section 5.6 writes it (full-date "T"
 * full-time, offset "Z" or +hh:mm; 't', 'z' and a space for 'T' are
 * allowed, fractions of a second ignored), or a full-date alone, which
 * is that day's start in UTC; into unix seconds.
 */
static int
parse_since(const char *s, int64_t *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	size_t n = strlen(s);
	time_t tt;

	if (n < 10 || digits(s, 4, &y) == -1 || s[4] != '-' ||
	    digits(s + 5, 2, &mo) == -1 || s[7] != '-' ||
	    digits(s + 8, 2, &d) == -1)
		return -1;
	if (n > 10 && (n < 20 ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) == -1 || s[13] != ':' ||
	    digits(s + 14, 2, &mi) == -1 || s[16] != ':' ||
	    digits(s + 17, 2, &sec) == -1))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	if (n > 10) {
		s += 19;
		if (*s == '.') {
			s++;
			if (*s < '0' || *s > '9')
				return -1;
			while (*s >= '0' && *s <= '9')
				s++;
		}
		if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
			sign = 0;
		else if ((*s == '+' || *s == '-') && strlen(s) == 6 &&
		    digits(s + 1, 2, &oh) == 0 && s[3] == ':' &&
		    digits(s + 4, 2, &om) == 0 && oh <= 23 && om <= 59)
			sign = *s == '-' ? -1 : 1;
		else
			return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec == 60 ? 59 : sec;
	tt = timegm(&tm);
	/* timegm normalizes 31 February into March: refuse it. */
	if (tm.tm_mday != d)
		return -1;
	*t = (int64_t)tt - sign * (oh * 3600 + om * 60);
	return 0;
}

/* Appends s to a cache key with its length first ("5:hello"), without
 * printf: it runs for every request. */
void
http_key_add(struct buf *b, const char *s)
{
	char num[24];
	size_t len = strlen(s), n = len, i = sizeof(num);

	num[--i] = ':';
	do {
		num[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	buf_add(b, num + i, sizeof(num) - i);
	buf_add(b, s, len);
}

static void
param_record(struct params *p, const char *k, const char *v)
{
	/* Every field length-prefixed: decoded values may hold any
	 * byte, so no separator could keep two queries apart. */
	http_key_add(&p->key, k);
	http_key_add(&p->key, v);
	if (p->query.len > 0)
		buf_addch(&p->query, '&');
	buf_addstr(&p->query, k);
	buf_addch(&p->query, '=');
	uri_escape(&p->query, v);
}

static void
param_error(struct params *p, char *msg)
{
	if (p->err == NULL)
		p->err = msg;
	else
		free(msg);
}

/* A parameter no feed takes: the reason, with the likely meant one
 * when k is a known name in another case or with an "s" added. */
static char *
param_unknown(const char *k)
{
	static const char *const known[] = { "limit", "tag", "feed", "q",
	    "since" };
	size_t i, n;

	for (i = 0; i < NELEM(known); i++) {
		n = strlen(known[i]);
		if (strcasecmp(k, known[i]) == 0 || (strlen(k) == n + 1 &&
		    strncasecmp(k, known[i], n) == 0 && (k[n] == 's' ||
		    k[n] == 'S')))
			return xasprintf("unknown parameter \"%.40s\" (did "
			    "you mean \"%s\"?): feeds take limit, tag, "
			    "feed, q and since", k, known[i]);
	}
	return xasprintf("unknown parameter \"%.40s\": feeds take limit, "
	    "tag, feed, q and since", k);
}

/*
 * MHD_KeyValueIterator over the GET arguments.  A parameter no feed
 * takes is an error, not ignored: a misspelt filter would otherwise
 * answer the whole river as if it had applied.  An empty name (a stray
 * '&') is no parameter.
 */
static enum MHD_Result
param_cb(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	struct params *p = cls;
	char *end;
	unsigned long n;
	int64_t t;

	(void)kind;
	if (v == NULL)
		v = "";
	if (*k == '\0')
		return MHD_YES;
	if (strcmp(k, "limit") == 0) {
		errno = 0;
		n = strtoul(v, &end, 10);
		if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 ||
		    n < 1 || n > SERVE_LIMIT_MAX) {
			param_error(p, xasprintf("bad limit \"%.40s\": want a "
			    "number from 1 to %d", v, SERVE_LIMIT_MAX));
			return MHD_YES;
		}
		p->limit = n;
	} else if (strcmp(k, "tag") == 0 || strcmp(k, "feed") == 0) {
		if (*v == '\0') {
			param_error(p, xasprintf("bad %s: empty", k));
			return MHD_YES;
		}
		if (p->ntags + p->nfeeds >= SERVE_MAX_VALUES) {
			param_error(p, xasprintf("too many tag and feed "
			    "parameters: at most %d", SERVE_MAX_VALUES));
			return MHD_YES;
		}
		if (*k == 't')
			p->tags[p->ntags++] = v;
		else
			p->feeds[p->nfeeds++] = v;
	} else if (strcmp(k, "q") == 0) {
		p->q = v;
	} else if (strcmp(k, "since") == 0) {
		if (parse_since(v, &t) == -1) {
			param_error(p, xasprintf("bad since \"%.40s\": want "
			    "a date such as 2024-03-01 or an RFC 3339 "
			    "date-time such as 2024-03-01T12:00:00Z", v));
			return MHD_YES;
		}
		/* 0 means "no limit" to the store. */
		p->since = t == 0 ? 1 : t;
		p->since_text = v;
	} else {
		param_error(p, param_unknown(k));
		return MHD_YES;
	}
	param_record(p, k, v);
	return MHD_YES;
}

int
http_params_read(struct MHD_Connection *conn, struct params *p)
{
	memset(p, 0, sizeof(*p));
	p->limit = SERVE_LIMIT;
	buf_init(&p->key, SERVE_PARAMS_BUF);
	buf_init(&p->query, SERVE_PARAMS_BUF);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, param_cb, p);
	/* Never past the cap, but a cut key would mix up two queries. */
	if (p->err == NULL && (p->key.failed || p->query.failed))
		p->err = xstrdup("query too long");
	return p->err != NULL ? -1 : 0;
}

void
http_params_reset(struct params *p)
{
	free(p->err);
	buf_reset(&p->key);
	buf_reset(&p->query);
}

/* --- MHD's callbacks around a request */

/*
 * MHD's URI callback runs once the request line is in, before MHD
 * splits the query into its memory pool; libmicrohttpd 0.9.75 neither
 * answers nor closes a connection whose pool the parameters exhaust
 * (it waits for the timeout).  A request line longer than SERVE_URI_MAX
 * or with more than SERVE_MAX_PARAMS parameters is refused here, and
 * its query cut off in MHD's own copy of the line (the callback runs on
 * it before it is split) so that MHD parses none of it; the handler
 * then answers 414 at once.  The request's state starts here too.
 */
void *
http_uri_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct request *req;
	char *q;
	size_t n = 1;

	(void)cls;
	(void)conn;
	req = xcalloc(1, sizeof(*req));
	req->start = mono_now();
	q = strchr(uri, '?');
	if (q != NULL)
		for (n = 1; *q != '\0'; q++)
			n += *q == '&';
	if (strlen(uri) > SERVE_URI_MAX || n > SERVE_MAX_PARAMS) {
		req->refuse = MHD_HTTP_URI_TOO_LONG;
		q = strchr(uri, '?');
		if (q != NULL)
			q[1] = '\0';
	}
	return req;
}

/* MHD's notice that a request is over: count it, free its state. */
void
http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct request *req = *con_cls;
	const union MHD_ConnectionInfo *ci;

	(void)cls;
	(void)toe;
	/* The next request's head is awaited from now on. */
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL && ci->socket_context != NULL) {
		((struct conn *)ci->socket_context)->busy = 0;
		((struct conn *)ci->socket_context)->since = mono_now();
	}
	if (req == NULL)
		return;
	if (req->answered)
		metrics_http_request(mono_now() - req->start);
	free(req->view);
	free(req);
	*con_cls = NULL;
}

/* MHD's own messages are mostly about misbehaving clients: debug. */
void
http_logger(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_debug("http: %s", msg);
}
