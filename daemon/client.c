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
 *
 * The daemon sends no event when a poll ends, so `refresh --wait` takes
 * a snapshot of /status, asks for the refresh, and polls /status (cheap:
 * the server caches it until the store changes) until each feed's
 * attempt time or outcome differs from the snapshot.  The daemon saves a
 * feed's state only when its fetch is over, so a change is the outcome
 * of the poll asked for (or of one that was in flight, which the daemon
 * follows with the one asked for; both are the feed's news).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "client.h"
#include "due.h"
#include "parsers/date.h"
#include "base/util.h"

#define CLIENT_MAX_BODY	(64u << 20)	/* bytes of an answer */
#define CLIENT_TIMEOUT	30L		/* seconds, whole request */

/* The value of a "listen = unix:PATH" line, or NULL.  The file is read
 * leniently, line by line, as the loader would read that one line: the
 * client must reach the daemon while the rest of the file has errors,
 * which is when one most wants to ask it. */
static char *
socket_of_line(char *line, int *in_main)
{
	char *p, *end, *v;

	p = line + strspn(line, " \t");
	end = p + strcspn(p, "\r\n");
	*end = '\0';
	if (*p == '[') {
		*in_main = strncmp(p, "[feedd]", 7) == 0;
		return NULL;
	}
	if (!*in_main || p != line || strncmp(p, "listen", 6) != 0)
		return NULL;
	p += 6;
	p += strspn(p, " \t");
	if (*p != '=' && *p != ':')
		return NULL;
	p++;
	p += strspn(p, " \t");
	/* An inline comment starts at a ';' after white space. */
	for (v = p; *v != '\0'; v++)
		if (*v == ';' && v > p && (v[-1] == ' ' || v[-1] == '\t')) {
			*v = '\0';
			break;
		}
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (strncmp(p, "unix:", 5) != 0 || p[5] == '\0')
		return NULL;
	return xstrdup(p + 5);
}

char *
client_socket(const char *conf_path)
{
	FILE *fp;
	char line[4096];
	char *sock = NULL;
	int in_main = 1;	/* lines before any section header */

	if ((fp = fopen(conf_path, "r")) == NULL) {
		fprintf(stderr, "feedd: %s: %s\n", conf_path, strerror(errno));
		return NULL;
	}
	while (sock == NULL && fgets(line, sizeof(line), fp) != NULL)
		sock = socket_of_line(line, &in_main);
	fclose(fp);
	if (sock == NULL)
		fprintf(stderr, "feedd: %s has no 'listen = unix:PATH' line; "
		    "name the daemon's socket with -s\n", conf_path);
	return sock;
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

/* "class: " before an error, unless the error starts with the class's
 * word already ("HTTP 404 Not Found", not "http: HTTP 404"). */
static void
put_class(FILE *out, const char *cls, const char *err)
{
	size_t n;

	if (cls == NULL)
		return;
	n = strlen(cls);
	if (err != NULL && strncasecmp(err, cls, n) == 0 &&
	    (err[n] == ' ' || err[n] == ':' || err[n] == '\0'))
		return;
	put_str(out, cls);
	fputs(": ", out);
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

/* Unix seconds from the daemon's "2026-11-28T10:30:00Z", or -1: the one
 * date reader (parsers/date.c), as for feeds. */
static long long
parse_rfc3339(const char *s)
{
	int64_t t;

	if (date_parse(s, &t) == -1)
		return -1;
	return (long long)t;
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

/* The feed's full articles by state, when it has any. */
static void
put_articles(FILE *out, json_t *a)
{
	static const char *const k[] = { "extracted", "waiting", "skipped",
	    "failed" };
	json_int_t v[4], sum = 0;
	size_t i;

	for (i = 0; i < 4; i++)
		sum += v[i] = json_integer_value(json_object_get(a, k[i]));
	if (sum == 0)
		return;
	fputs("    articles:     ", out);
	for (i = 0; i < 4; i++)
		fprintf(out, "%s%lld %s", i > 0 ? ", " : "", (long long)v[i],
		    k[i]);
	fputc('\n', out);
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
	if (str(f, "current_url") != NULL &&
	    (url == NULL || strcmp(str(f, "current_url"), url) != 0)) {
		fputs("    fetched from: ", out);
		put_str(out, str(f, "current_url"));
		fputc('\n', out);
	}
	fputs("    state:        ", out);
	put_str(out, str(f, "state") != NULL ? str(f, "state") : "-");
	fputc('\n', out);
	if (json_is_integer(json_object_get(f, "entries"))) {
		fprintf(out, "    entries:      %lld", (long long)
		    json_integer_value(json_object_get(f, "entries")));
		if (json_is_string(json_object_get(f, "newest_entry"))) {
			fputs(", newest ", out);
			put_time(out, json_object_get(f, "newest_entry"), now);
		}
		fputc('\n', out);
	}
	put_articles(out, json_object_get(f, "articles"));
	fputs("    last attempt: ", out);
	put_time(out, json_object_get(f, "last_attempt"), now);
	if (json_integer_value(json_object_get(f, "http_status")) > 0)
		fprintf(out, " (HTTP %lld)", (long long)json_integer_value(
		    json_object_get(f, "http_status")));
	fputc('\n', out);
	fputs("    last success: ", out);
	put_time(out, json_object_get(f, "last_success"), now);
	fputc('\n', out);
	if (err != NULL) {
		fputs("    last error:   ", out);
		put_class(out, cls, err);
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

/* GET /status as a document; NULL after printing why. */
static json_t *
get_status(const char *sock, json_t **feeds)
{
	struct buf body;
	json_t *doc;
	json_error_t jerr;
	long code = 0;

	buf_init(&body, CLIENT_MAX_BODY);
	if (request(sock, "GET", "/status", &body, &code) == -1) {
		buf_reset(&body);
		return NULL;
	}
	if (code != 200) {
		fprintf(stderr, "feedd: GET /status: HTTP %ld", code);
		put_body(stderr, &body);
		fputc('\n', stderr);
		buf_reset(&body);
		return NULL;
	}
	doc = json_loadb(body.data != NULL ? body.data : "", body.len, 0,
	    &jerr);
	buf_reset(&body);
	if (doc == NULL) {
		fputs("feedd: GET /status: not JSON: ", stderr);
		put_str(stderr, jerr.text);
		fputc('\n', stderr);
		return NULL;
	}
	*feeds = json_is_array(doc) ? doc : json_object_get(doc, "feeds");
	if (!json_is_array(*feeds)) {
		fprintf(stderr, "feedd: GET /status: no \"feeds\" array\n");
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static void
row_fill(struct row *r, json_t *f)
{
	const char *state;

	r->feed = f;
	r->name = str(f, "name");
	if (r->name == NULL)
		r->name = "?";
	state = str(f, "state");
	if (state != NULL) {
		r->retired = strcmp(state, "retired") == 0;
		r->gone = strcmp(state, "gone") == 0;
		r->failing = r->gone || strcmp(state, "failing") == 0;
	} else {
		r->retired = truthy(json_object_get(f, "retired"));
		r->failing = !r->retired && due_failing(0, (int)
		    json_integer_value(json_object_get(f, "failures")),
		    str(f, "last_error"));
	}
}

/* A time as "35m ago", "in 4m", "never" or "-" (not a time), in buf. */
static const char *
rel_time(char *buf, size_t size, json_t *v, time_t now, const char *none)
{
	long long t, d;
	const char *unit = "s";

	if (json_is_string(v) && *json_string_value(v) != '\0')
		t = parse_rfc3339(json_string_value(v));
	else if (json_is_integer(v) && json_integer_value(v) > 0)
		t = (long long)json_integer_value(v);
	else
		return none;
	if (t < 0)
		return "-";
	d = t - (long long)now;
	if (d > -2 && d < 2)
		return "now";
	if (d < 0)
		d = -d;
	if (d >= 2 * 86400) {
		d /= 86400;
		unit = "d";
	} else if (d >= 2 * 3600) {
		d /= 3600;
		unit = "h";
	} else if (d >= 120) {
		d /= 60;
		unit = "m";
	}
	snprintf(buf, size, "%s%lld%s%s", t > (long long)now ? "in " : "", d,
	    unit, t < (long long)now ? " ago" : "");
	return buf;
}

#define ERR_COLS	60	/* characters of an error in the table */

/* The error, escaped, cut at ERR_COLS characters (not inside one). */
static void
put_short(FILE *out, const char *s)
{
	char *e;
	size_t i, n = 0;

	e = str_escape(s);
	for (i = 0; e[i] != '\0'; i++)
		if (((unsigned char)e[i] & 0xc0) != 0x80 && n++ == ERR_COLS) {
			strcpy(e + i, "...");
			break;
		}
	fputs(e, out);
	free(e);
}

/* One line: flag, name, state, entries, last success, next poll, error. */
static void
print_row(FILE *out, const struct row *r, int width, time_t now)
{
	json_t *f = r->feed;
	const char *state, *err, *cls;
	char *name, t1[32], t2[32];
	int len;

	name = str_escape(r->name);
	len = (int)strlen(name);
	state = str(f, "state");
	fprintf(out, "%s %s%*s  %-8s %7lld  ", r->failing ? "!" :
	    r->retired ? "-" : " ", name, len < width ? width - len : 0, "",
	    state != NULL ? state : "-",
	    (long long)json_integer_value(json_object_get(f, "entries")));
	free(name);
	err = str(f, "last_error");
	cls = str(f, "error_class");
	if (!(r->failing || r->gone))
		err = NULL;
	fprintf(out, "%-8s  %-*s", rel_time(t1, sizeof(t1),
	    json_object_get(f, "last_success"), now, "never"),
	    err != NULL ? 9 : 0, r->retired || r->gone ? "-" :
	    rel_time(t2, sizeof(t2), json_object_get(f, "next_poll"), now,
	    "-"));
	if (err != NULL) {
		fputs("  ", out);
		put_class(out, cls, err);
		put_short(out, err);
	}
	fputc('\n', out);
}

int
client_status(const char *sock, const char *name, int failing, FILE *out)
{
	json_t *doc, *feeds;
	struct row *rows;
	size_t i, j, n, nfailing = 0, nretired = 0;
	int width = 4, found = 0;
	time_t now;

	if ((doc = get_status(sock, &feeds)) == NULL)
		return -1;
	n = json_array_size(feeds);
	rows = xcalloc(n + 1, sizeof(*rows));
	for (i = j = 0; i < n; i++) {
		row_fill(&rows[j], json_array_get(feeds, i));
		nfailing += rows[j].failing;
		nretired += rows[j].retired;
		if (name != NULL && strcmp(rows[j].name, name) != 0)
			continue;
		if (failing && !rows[j].failing)
			continue;
		if ((int)strlen(rows[j].name) > width)
			width = (int)strlen(rows[j].name);
		j++;
	}
	if (width > 24)
		width = 24;
	qsort(rows, j, sizeof(*rows), row_cmp);
	now = time(NULL);
	if (name != NULL) {
		for (i = 0; i < j; i++) {
			print_feed(out, &rows[i], now);
			found = 1;
		}
		if (!found) {
			fputs("feedd: no feed named '", stderr);
			put_str(stderr, name);
			fputs("'\n", stderr);
		}
	} else {
		found = 1;
		fprintf(out, "%zu feed%s, %zu failing", n - nretired,
		    n - nretired == 1 ? "" : "s", nfailing);
		if (nretired > 0)
			fprintf(out, ", %zu no longer configured", nretired);
		fputc('\n', out);
		if (j > 0)
			fprintf(out, "  %-*s  %-8s %7s  %-8s  %s\n", width,
			    "NAME", "STATE", "ENTRIES", "SUCCESS", "NEXT POLL");
		for (i = 0; i < j; i++)
			print_row(out, &rows[i], width, now);
	}
	free(rows);
	json_decref(doc);
	if (fflush(out) == EOF)
		return -1;
	return found ? 0 : -1;
}

/* --- refresh */

/* What changes when a poll ends: its start time and its outcome.  The
 * daemon saves a feed's state when the fetch is over, so a change here
 * means the poll asked for has finished. */
static char *
signature(json_t *f)
{
	const char *a = str(f, "last_attempt"), *b = str(f, "last_success"),
	    *e = str(f, "last_error");

	return xasprintf("%s|%s|%lld|%s", a != NULL ? a : "",
	    b != NULL ? b : "", (long long)json_integer_value(
	    json_object_get(f, "failures")), e != NULL ? e : "");
}

static json_t *
find_row(json_t *feeds, const char *name)
{
	size_t i;
	const char *n;

	for (i = 0; i < json_array_size(feeds); i++) {
		n = str(json_array_get(feeds, i), "name");
		if (n != NULL && strcmp(n, name) == 0)
			return json_array_get(feeds, i);
	}
	return NULL;
}

struct waited {
	char		*name;
	char		*sig;		/* before the refresh */
	json_int_t	 entries;	/* before the refresh */
	int		 done;
};

/* "NAME: ok, 12 entries (3 new)" or "NAME: failed: class: error";
 * returns whether the feed failed. */
static int
print_outcome(FILE *out, const struct waited *w, json_t *f)
{
	struct row r;
	const char *err, *cls;
	json_int_t n, failures;

	memset(&r, 0, sizeof(r));
	row_fill(&r, f);
	put_str(out, w->name);
	n = json_integer_value(json_object_get(f, "entries"));
	if (!r.failing) {
		fprintf(out, ": ok, %lld entr%s", (long long)n,
		    n == 1 ? "y" : "ies");
		if (n > w->entries)
			fprintf(out, " (%lld new)", (long long)(n - w->entries));
		fputc('\n', out);
		return 0;
	}
	err = str(f, "last_error");
	cls = str(f, "error_class");
	fputs(r.gone ? ": gone: " : ": failed: ", out);
	put_class(out, cls, err);
	put_str(out, err != NULL ? err : "-");
	failures = json_integer_value(json_object_get(f, "failures"));
	if (failures > 1)
		fprintf(out, " (%lld failures in a row)", (long long)failures);
	fputc('\n', out);
	return 1;
}

/* Polls /status until every feed of w has a new outcome, or the time
 * is up; prints each outcome.  The daemon sends no event when a poll is
 * over, and /status is cheap (cached until the store changes). */
static int
wait_outcomes(const char *sock, struct waited *w, size_t nw, int timeout,
    FILE *out)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	json_t *doc, *feeds, *f;
	time_t deadline = time(NULL) + timeout;
	size_t i, left = nw;
	char *sig;
	int failed = 0;

	while (left > 0) {
		if ((doc = get_status(sock, &feeds)) == NULL)
			return -1;
		for (i = 0; i < nw; i++) {
			if (w[i].done)
				continue;
			if ((f = find_row(feeds, w[i].name)) == NULL) {
				w[i].done = 1;	/* removed by a reload */
				left--;
				continue;
			}
			sig = signature(f);
			if (strcmp(sig, w[i].sig) != 0) {
				failed |= print_outcome(out, &w[i], f);
				w[i].done = 1;
				left--;
			}
			free(sig);
		}
		json_decref(doc);
		fflush(out);
		if (left == 0 || time(NULL) >= deadline)
			break;
		nanosleep(&pause, NULL);
	}
	for (i = 0; i < nw; i++)
		if (!w[i].done) {
			put_str(out, w[i].name);
			fprintf(out, ": no outcome after %d s (still "
			    "fetching?)\n", timeout);
			failed = 1;
		}
	return failed ? -1 : 0;
}

int
client_refresh(const char *sock, const char *name, int wait, int timeout,
    FILE *out)
{
	struct buf body;
	struct waited *w = NULL;
	json_t *doc, *feeds, *f;
	struct row r;
	char *path;
	long code = 0;
	size_t i, nw = 0;
	int rc;

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
	if (wait) {
		if ((doc = get_status(sock, &feeds)) == NULL)
			return -1;
		w = xcalloc(json_array_size(feeds) + 1, sizeof(*w));
		for (i = 0; i < json_array_size(feeds); i++) {
			f = json_array_get(feeds, i);
			memset(&r, 0, sizeof(r));
			row_fill(&r, f);
			/* Retired and gone feeds are not polled. */
			if (r.retired || r.gone || (name != NULL &&
			    strcmp(r.name, name) != 0))
				continue;
			w[nw].name = xstrdup(r.name);
			w[nw].sig = signature(f);
			w[nw].entries = json_integer_value(
			    json_object_get(f, "entries"));
			nw++;
		}
		json_decref(doc);
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
	} else if (rc == 0 && wait && nw == 0) {
		/* Gone and retired feeds are not polled: nothing will
		 * change. */
		fputs(name != NULL ? name : "every feed", out);
		fputs(": not polled (gone, or no longer configured)\n", out);
	} else if (rc == 0 && wait) {
		rc = wait_outcomes(sock, w, nw, timeout, out);
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
	for (i = 0; i < nw; i++) {
		free(w[i].name);
		free(w[i].sig);
	}
	free(w);
	free(path);
	buf_reset(&body);
	return rc;
}
