/*
 * fetch_http.c: what a response says, for the fetcher's callers.
 *
 * The status line of every response (redirects included: whether each
 * hop was permanent, the last reason phrase), the class of a failure as
 * an enum with one name table (the names are what the feeds' state and
 * /status show, so they never change), and the final response's headers
 * interpreted once, here, so that the scheduler deals in numbers:
 *
 *	freshness	Cache-Control max-age, else Expires (RFC 9111 5.3:
 *			max-age wins, even when it cannot be read);
 *	Retry-After	delay-seconds or an HTTP date (RFC 9110 10.2.3);
 *	charset		the Content-Type parameter, for the parser.
 *
 * Every number a server sends goes through the saturating helpers of
 * base/util.h: an absurd max-age is a long time, not an error.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "fetch.h"
#include "fetch_int.h"
#include "parsers/date.h"
#include "base/util.h"

static const char *const fetch_error_names[] = {
	[FETCH_ERROR_NONE] = NULL,
	[FETCH_ERROR_DNS] = "dns",
	[FETCH_ERROR_CONNECT] = "connect",
	[FETCH_ERROR_TLS] = "tls",
	[FETCH_ERROR_TIMEOUT] = "timeout",
	[FETCH_ERROR_SIZE] = "size",
	[FETCH_ERROR_REDIRECT] = "redirect",
	[FETCH_ERROR_SCHEME] = "scheme",
	[FETCH_ERROR_NETWORK] = "network",
	[FETCH_ERROR_HTTP] = "http",
	[FETCH_ERROR_ABORTED] = "aborted",
};

const char *
fetch_error_name(enum fetch_error e)
{
	if ((size_t)e >= NELEM(fetch_error_names))
		return NULL;
	return fetch_error_names[e];
}

enum fetch_error
fetch_error_of(CURLcode code)
{
	switch (code) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return FETCH_ERROR_DNS;
	case CURLE_COULDNT_CONNECT:
		return FETCH_ERROR_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return FETCH_ERROR_TIMEOUT;
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
		return FETCH_ERROR_TLS;
	case CURLE_TOO_MANY_REDIRECTS:
		return FETCH_ERROR_REDIRECT;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return FETCH_ERROR_SCHEME;
	case CURLE_FILESIZE_EXCEEDED:
		return FETCH_ERROR_SIZE;
	default:
		return FETCH_ERROR_NETWORK;
	}
}

/*
 * Status lines of every response, redirects included: remembers the
 * reason phrase of the last one and whether each followed hop was a
 * permanent redirect (301 or 308).  1xx interim responses are skipped.
 */
size_t
fetch_header_cb(char *ptr, size_t size, size_t nitems, void *arg)
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

/* Headers: the final response's value, copied (curl reuses its struct). */
static char *
http_header(CURL *easy, const char *name)
{
	struct curl_header *h;

	if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &h) !=
	    CURLHE_OK)
		return NULL;
	return xstrdup(h->value);
}

int64_t
fetch_http_freshness(const char *cache_control, const char *expires,
    int64_t now)
{
	const char *p, *end;
	int64_t t, v;

	if (cache_control != NULL) {
		for (p = cache_control; *p != '\0'; p++) {
			if ((p == cache_control || p[-1] == ',' ||
			    p[-1] == ' ' || p[-1] == '\t') &&
			    strncasecmp(p, "max-age", 7) == 0) {
				p += 7;
				while (*p == ' ')
					p++;
				if (*p != '=')
					break;
				p++;
				if (*p == '"')
					p++;
				/* Saturates: max-age=99999999999999999999
				 * is a long time, not an error. */
				v = sat_parse_digits(p, &end);
				if (v < 0)
					break;
				return v;
			}
		}
		/* max-age wins over Expires (RFC 9111 5.3), even when it
		 * could not be read: then there is no hint. */
		if (strcasestr(cache_control, "max-age") != NULL)
			return 0;
	}
	if (expires != NULL && date_parse(expires, &t) == 0 &&
	    t > now)
		return sat_sub(t, now);
	return 0;
}

int64_t
fetch_http_retry_after(const char *v, int64_t now)
{
	const char *end;
	int64_t n, t;

	if (v == NULL)
		return 0;
	while (*v == ' ')
		v++;
	if (isdigit((unsigned char)*v)) {
		/* Any number of digits: the caller clamps the result. */
		n = sat_parse_digits(v, &end);
		while (*end == ' ')
			end++;
		if (*end == '\0' && n > 0)
			return sat_add(now, n);
		return 0;
	}
	if (date_parse(v, &t) == 0 && t > now)
		return t;
	return 0;
}

char *
fetch_http_charset(const char *ct)
{
	const char *p;
	size_t n;

	if (ct == NULL)
		return NULL;
	for (p = ct; (p = strchr(p, ';')) != NULL; ) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "charset=", 8) != 0)
			continue;
		p += 8;
		if (*p == '"')
			p++;
		n = strcspn(p, "\";, \t");
		return n > 0 ? xstrndup(p, n) : NULL;
	}
	return NULL;
}

void
fetch_headers_get(struct fetch_headers *hdr, CURL *easy, int64_t now,
    struct fetch_result *res)
{
	res->etag = hdr->etag = http_header(easy, "ETag");
	res->last_modified = hdr->last_modified = http_header(easy,
	    "Last-Modified");
	res->content_type = hdr->content_type = http_header(easy,
	    "Content-Type");
	res->cache_control = hdr->cache_control = http_header(easy,
	    "Cache-Control");
	res->expires = hdr->expires = http_header(easy, "Expires");
	res->retry_after = hdr->retry_after = http_header(easy,
	    "Retry-After");
	res->charset = hdr->charset = fetch_http_charset(hdr->content_type);
	res->fresh_for = fetch_http_freshness(hdr->cache_control,
	    hdr->expires, now);
	/* now + 1: whole seconds, never shorter than asked. */
	res->retry_at = fetch_http_retry_after(hdr->retry_after,
	    sat_add(now, 1));
}

void
fetch_headers_reset(struct fetch_headers *hdr)
{
	free(hdr->etag);
	free(hdr->last_modified);
	free(hdr->content_type);
	free(hdr->cache_control);
	free(hdr->expires);
	free(hdr->retry_after);
	free(hdr->charset);
	memset(hdr, 0, sizeof(*hdr));
}
