/*
 * client.c: the control client (see client.h).
 *
 * One blocking libcurl request over the daemon's Unix socket
 * (CURLOPT_UNIX_SOCKET_PATH); the host name in the URL is only for the
 * Host header.  The answer is read into a capped buffer.
 *
 * GET /status is JSON: {"feeds": [ {...}, ... ]} (a bare array is taken
 * too), each feed an object with name, title, url, state ("new", "ok",
 * "failing", "gone", "retired"), last_success, last_error, error_class,
 * failures and next_poll.  Times are RFC 3339 UTC strings or unix
 * seconds; null means never.  A missing member is shown as "-", so the
 * client keeps working with an older or newer server.
 *
 * Failing feeds come first (failing or gone; without a state, any feed
 * with a last error), then the others, then retired ones, each group by
 * name.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "client.h"
#include "conf.h"
#include "parsers/util.h"

#define CLIENT_MAX_BODY	(64u << 20)	/* bytes of an answer */
#define CLIENT_TIMEOUT	30L		/* seconds, whole request */

static const char *
find_socket(const struct conf *conf, const char *sock)
{
	size_t i;

	if (sock != NULL)
		return sock;
	for (i = 0; conf != NULL && i < conf->nlisten; i++)
		if (conf->listen[i].kind == CONF_LISTEN_UNIX)
			return conf->listen[i].path;
	fprintf(stderr, "feedd: %s has no 'listen = unix:PATH' line; name "
	    "the daemon's socket with -s\n", conf != NULL ? conf->path :
	    "the configuration");
	return NULL;
}

static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;

	if (buf_add(b, ptr, size * nmemb) == -1)
		return 0;	/* too large: abort */
	return size * nmemb;
}

/*
 * One request; fills body and *code.  Returns 0, or -1 after printing
 * why to stderr.
 */
static int
request(const char *sock, const char *method, const char *path,
    struct buf *body, long *code)
{
	CURL *e;
	CURLcode rc;
	char errbuf[CURL_ERROR_SIZE];
	char *url;
	int ret = 0;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "feedd: cannot initialise libcurl\n");
		return -1;
	}
	e = curl_easy_init();
	if (e == NULL) {
		fprintf(stderr, "feedd: cannot initialise libcurl\n");
		curl_global_cleanup();
		return -1;
	}
	url = xasprintf("http://localhost%s", path);
	errbuf[0] = '\0';
	rc = curl_easy_setopt(e, CURLOPT_URL, url);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, sock);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	if (rc == CURLE_OK && strcmp(method, "POST") == 0) {
		rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
	}
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_WRITEDATA, body);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_TIMEOUT, CLIENT_TIMEOUT);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	if (rc == CURLE_OK)
		rc = curl_easy_perform(e);
	if (rc == CURLE_COULDNT_CONNECT) {
		/* curl would name "localhost port 80". */
		fprintf(stderr, "feedd: cannot connect to %s: is the daemon "
		    "running, and may you use its socket?\n", sock);
		ret = -1;
	} else if (rc != CURLE_OK) {
		fprintf(stderr, "feedd: %s %s on %s: %s\n", method, path, sock,
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		ret = -1;
	} else
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, code);
	free(url);
	curl_easy_cleanup(e);
	curl_global_cleanup();
	return ret;
}

/* --- status */

/* Prints what the daemon sent, escaped: a feed's title or error comes
 * from a publisher, and must not act on the terminal (str_escape). */
static void
put_str(FILE *out, const char *s)
{
	char *e;

	e = str_escape(s);
	fputs(e, out);
	free(e);
}

/* The body of an error answer, escaped, after ": ", or nothing. */
static void
put_body(FILE *out, const struct buf *body)
{
	if (body->len == 0)
		return;
	fputs(": ", out);
	put_str(out, body->data);
}

struct row {
	json_t	*feed;		/* borrowed from the document */
	int	 failing;
	int	 retired;
	int	 gone;
	const char *name;
};

static const char *
str(json_t *feed, const char *key)
{
	const char *s;

	s = json_string_value(json_object_get(feed, key));
	return s != NULL && *s != '\0' ? s : NULL;
}

static int
truthy(json_t *v)
{
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	if (json_is_string(v))
		return *json_string_value(v) != '\0';
	return 0;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->failing != y->failing)
		return y->failing - x->failing;
	if (x->retired != y->retired)
		return x->retired - y->retired;
	return strcmp(x->name, y->name);
}

/* Unix seconds from "2026-11-28T10:30:00Z", or -1. */
static long long
parse_rfc3339(const char *s)
{
	struct tm tm;
	char z;
	int n = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z, &n) != 7 ||
	    z != 'Z' || s[n] != '\0')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return (long long)timegm(&tm);
}

/* "2026-11-28 10:30:00 UTC (35m ago)"; other strings as they are. */
static void
put_time(FILE *out, json_t *v, time_t now)
{
	struct tm tm;
	char when[64];
	time_t t;
	long long d;
	const char *dir;

	if (json_is_string(v) && *json_string_value(v) != '\0') {
		d = parse_rfc3339(json_string_value(v));
		if (d < 0) {
			put_str(out, json_string_value(v));
			return;
		}
		t = (time_t)d;
	} else if (json_is_integer(v) && json_integer_value(v) > 0)
		t = (time_t)json_integer_value(v);
	else {
		fputs("never", out);
		return;
	}
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
		fprintf(out, "%lld", (long long)t);
		return;
	}
	d = (long long)t - (long long)now;
	dir = d <= 0 ? "ago" : "from now";
	if (d < 0)
		d = -d;
	if (d < 2)
		fprintf(out, "%s (just now)", when);
	else if (d < 120)
		fprintf(out, "%s (%llds %s)", when, d, dir);
	else if (d < 2 * 3600)
		fprintf(out, "%s (%lldm %s)", when, d / 60, dir);
	else if (d < 2 * 86400)
		fprintf(out, "%s (%lldh %s)", when, d / 3600, dir);
	else
		fprintf(out, "%s (%lldd %s)", when, d / 86400, dir);
}

static void
print_feed(FILE *out, const struct row *r, time_t now)
{
	json_t *f = r->feed, *next;
	const char *title, *url, *err, *cls;
	json_int_t failures;

	title = str(f, "title");
	url = str(f, "url");
	err = str(f, "last_error");
	cls = str(f, "error_class");
	failures = json_integer_value(json_object_get(f, "failures"));
	fprintf(out, "%s ", r->failing ? "!" : r->retired ? "-" : " ");
	put_str(out, r->name);
	if (title != NULL) {
		fputs(" (", out);
		put_str(out, title);
		fputc(')', out);
	}
	fputs("\n    url:          ", out);
	put_str(out, url != NULL ? url : "-");
	fputc('\n', out);
	fputs("    last success: ", out);
	put_time(out, json_object_get(f, "last_success"), now);
	fputc('\n', out);
	if (err != NULL) {
		fputs("    last error:   ", out);
		if (cls != NULL) {
			put_str(out, cls);
			fputs(": ", out);
		}
		put_str(out, err);
		if (failures <= 1)
			fputc('\n', out);
		if (failures > 1)
			fprintf(out, " (%lld failures in a row)\n",
			    (long long)failures);
	} else
		fputs("    last error:   -\n", out);
	if (r->retired) {
		fputs("    next poll:    none (no longer configured)\n", out);
		return;
	}
	next = json_object_get(f, "next_poll");
	fputs("    next poll:    ", out);
	if (r->gone)
		fputs("none (the server answered 410 Gone)", out);
	else if (next == NULL || json_is_null(next))
		fputs("-", out);
	else
		put_time(out, next, now);
	fputc('\n', out);
}

int
client_status(const struct conf *conf, const char *sock, FILE *out)
{
	struct buf body;
	json_t *doc, *feeds, *f;
	json_error_t jerr;
	const char *state;
	struct row *rows;
	size_t i, n, nfailing = 0, nretired = 0;
	long code = 0;
	time_t now;

	if ((sock = find_socket(conf, sock)) == NULL)
		return -1;
	buf_init(&body, CLIENT_MAX_BODY);
	if (request(sock, "GET", "/status", &body, &code) == -1) {
		buf_reset(&body);
		return -1;
	}
	if (code != 200) {
		fprintf(stderr, "feedd: GET /status: HTTP %ld", code);
		put_body(stderr, &body);
		fputc('\n', stderr);
		buf_reset(&body);
		return -1;
	}
	doc = json_loadb(body.data != NULL ? body.data : "", body.len, 0,
	    &jerr);
	buf_reset(&body);
	if (doc == NULL) {
		fputs("feedd: GET /status: not JSON: ", stderr);
		put_str(stderr, jerr.text);
		fputc('\n', stderr);
		return -1;
	}
	feeds = json_is_array(doc) ? doc : json_object_get(doc, "feeds");
	if (!json_is_array(feeds)) {
		fprintf(stderr, "feedd: GET /status: no \"feeds\" array\n");
		json_decref(doc);
		return -1;
	}
	n = json_array_size(feeds);
	rows = xcalloc(n + 1, sizeof(*rows));
	for (i = 0; i < n; i++) {
		f = json_array_get(feeds, i);
		rows[i].feed = f;
		rows[i].name = str(f, "name");
		if (rows[i].name == NULL)
			rows[i].name = "?";
		state = str(f, "state");
		if (state != NULL) {
			rows[i].retired = strcmp(state, "retired") == 0;
			rows[i].gone = strcmp(state, "gone") == 0;
			rows[i].failing = rows[i].gone ||
			    strcmp(state, "failing") == 0;
		} else {
			rows[i].retired = truthy(json_object_get(f,
			    "retired"));
			rows[i].failing = !rows[i].retired &&
			    str(f, "last_error") != NULL;
		}
		nfailing += rows[i].failing;
		nretired += rows[i].retired;
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	fprintf(out, "%zu feed%s, %zu failing", n - nretired,
	    n - nretired == 1 ? "" : "s", nfailing);
	if (nretired > 0)
		fprintf(out, ", %zu no longer configured", nretired);
	fputc('\n', out);
	now = time(NULL);
	for (i = 0; i < n; i++) {
		fputc('\n', out);
		print_feed(out, &rows[i], now);
	}
	free(rows);
	json_decref(doc);
	return fflush(out) == EOF ? -1 : 0;
}

/* --- refresh */

int
client_refresh(const struct conf *conf, const char *sock, const char *name,
    FILE *out)
{
	struct buf body;
	char *path;
	long code = 0;
	int rc;

	if ((sock = find_socket(conf, sock)) == NULL)
		return -1;
	/* Feed names are letters, digits, '-', '_' and '.' (feedd.conf(5)),
	 * all safe in a URL as they are. */
	if (name != NULL && (*name == '\0' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_.") != strlen(name))) {
		fputs("feedd: no feed named '", stderr);
		put_str(stderr, name);
		fputs("'\n", stderr);
		return -1;
	}
	path = name != NULL ? xasprintf("/refresh?feed=%s", name) :
	    xstrdup("/refresh");
	buf_init(&body, CLIENT_MAX_BODY);
	rc = request(sock, "POST", path, &body, &code);
	if (rc == 0 && (code < 200 || code > 299)) {
		if (code == 404 && name != NULL)
			fprintf(stderr, "feedd: no feed named '%s'\n", name);
		else {
			fprintf(stderr, "feedd: POST %s: HTTP %ld", path,
			    code);
			put_body(stderr, &body);
			fputc('\n', stderr);
		}
		rc = -1;
	} else if (rc == 0) {
		if (body.len > 0) {
			/* One line, escaped: the trailing newline goes. */
			if (body.data[body.len - 1] == '\n')
				body.data[--body.len] = '\0';
			put_str(out, body.data);
			fputc('\n', out);
		}
		else
			fprintf(out, "refreshing %s\n",
			    name != NULL ? name : "every feed");
	}
	free(path);
	buf_reset(&body);
	return rc;
}
