/*
 * conf.c: reading feedd.conf (see conf.h and feedd.conf(5)).
 *
 * inih does the INI tokenizing; it reports at most one syntax error and
 * hands its handler no line numbers.  So the file is fed to inih through
 * our own line reader, which counts lines, checks each line's shape and
 * tracks sections itself.  That way every error, syntax or semantic, is
 * reported as FILE:LINE and none stops the scan: a user fixing a config
 * sees all of its problems at once.
 *
 * Values are validated as they are read; checks that need the whole file
 * (required keys, duplicate sections) run at the end.  Nothing here keeps
 * global state, so a reload can build a second struct conf beside the
 * running one.
 */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "conf.h"
#include "conf_int.h"
#include "errlist.h"
#include "feedname.h"
#include "log.h"
#include "parsers/util.h"

#define DEFAULT_INTERVAL	(30 * 60)
#define DEFAULT_MIN_INTERVAL	(5 * 60)
#define DEFAULT_MAX_INTERVAL	(24 * 60 * 60)
#define DEFAULT_MAX_CONNECTIONS	16
#define DEFAULT_PER_HOST	2
#define DEFAULT_HOST_DELAY	1
#define DEFAULT_MAX_SIZE	((size_t)16 << 20)
#define DEFAULT_KEEP_DAYS	90
#define DEFAULT_KEEP_ENTRIES	500
#define DEFAULT_SOCKET_MODE	0660
#define DEFAULT_HTTP_CLIENTS	64
#define DEFAULT_HTTP_TIMEOUT	30
#define DEFAULT_LISTEN		"127.0.0.1:8080"
#define DEFAULT_DATABASE	LOCALSTATEDIR "/lib/feedd/feedd.db"

enum section_kind {
	SECTION_NONE,		/* before the first section header */
	SECTION_MAIN,		/* [feedd] */
	SECTION_FEED,		/* [feed NAME] */
	SECTION_VIEW,		/* [view NAME] */
	SECTION_BAD		/* unknown: its keys are not checked again */
};

struct loader {
	struct conf	*conf;
	const char	*path;
	FILE		*fp;
	int		 lineno;
	struct errlist	 errors;
	enum section_kind section;
	struct conf_feed *feed;		/* current [feed] section */
	struct conf_view *view;		/* current [view] section */
	char		*line;		/* getline buffer */
	size_t		 linesize;
	int		 has_interval;	/* seen in [feedd], for min checks */
	int		 interval_line;
	int		 max_interval_line;
	int		 opml_line;
	/* Feed names seen so far (index + 1), so that ten thousand
	 * feeds are checked for duplicates in linear time. */
	struct strmap	 feed_names;
};

static void	loader_error(struct loader *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
loader_error(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	errlist_at(&ld->errors, ld->path, line, "%s", msg);
	free(msg);
}

/* Not an error, but likely a mistake: logged now, the file is used. */
static void	loader_warn(struct loader *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
loader_warn(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	log_warnx("%s:%d: %s", ld->path, line, msg);
	free(msg);
}

int
conf_parse_duration(const char *s, int *seconds)
{
	char *end;
	long v, mult;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		mult = 1;
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 60 * 60;
		break;
	case 'd':
		mult = 24 * 60 * 60;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v > INT_MAX / mult)
		return -1;
	*seconds = (int)(v * mult);
	return 0;
}

int
conf_feed_interval(const struct conf *conf, const struct conf_feed *feed)
{
	int iv;

	iv = feed->interval > 0 ? feed->interval : conf->interval;
	if (iv > conf->max_interval)
		iv = conf->max_interval;
	return iv < conf->min_interval ? conf->min_interval : iv;
}

int
conf_feed_auto(const struct conf *conf, const struct conf_feed *feed)
{
	return feed->interval_auto == CONF_INHERIT ? conf->interval_auto :
	    feed->interval_auto;
}

const char *
conf_feed_user_agent(const struct conf *conf, const struct conf_feed *feed)
{
	return feed->user_agent != NULL ? feed->user_agent : conf->user_agent;
}

const struct conf_feed *
conf_find_feed(const struct conf *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->nfeeds; i++)
		if (strcmp(conf->feeds[i].name, name) == 0)
			return &conf->feeds[i];
	return NULL;
}

const struct conf_view *
conf_find_view(const struct conf *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->nviews; i++)
		if (strcmp(conf->views[i].name, name) == 0)
			return &conf->views[i];
	return NULL;
}

int
conf_parse_size(const char *s, size_t *bytes)
{
	char *end;
	unsigned long long v;
	int shift;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0':
		shift = 0;
		break;
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v > (SIZE_MAX >> shift))
		return -1;
	*bytes = (size_t)v << shift;
	return 0;
}

/* A decimal number from min to max. */
static int
parse_number(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* "auto" or a duration; *interval is left alone for auto. */
static int
parse_interval(const char *s, int *interval, int *is_auto)
{
	if (strcmp(s, "auto") == 0) {
		*is_auto = 1;
		return 0;
	}
	if (conf_parse_duration(s, interval) == -1 || *interval == 0)
		return -1;
	*is_auto = 0;
	return 0;
}

/* "127.0.0.1:8080", "[::1]:8080" or "unix:/path/feedd.sock". */
static int
parse_listen(const char *s, struct conf_listen *l, const char **why)
{
	const char *colon, *host, *port;
	char *hostcopy, *end;
	unsigned char addr[sizeof(struct in6_addr)];
	size_t hostlen;
	long p;
	int af;

	memset(l, 0, sizeof(*l));
	if (strncmp(s, "unix:", 5) == 0) {
		if (s[5] == '\0') {
			*why = "missing socket path after unix:";
			return -1;
		}
		l->kind = CONF_LISTEN_UNIX;
		l->path = xstrdup(s + 5);
		l->text = xstrdup(s);
		return 0;
	}
	if (s[0] == '[') {
		host = s + 1;
		colon = strchr(host, ']');
		if (colon == NULL || colon[1] != ':') {
			*why = "expected [ADDRESS]:PORT";
			return -1;
		}
		hostlen = (size_t)(colon - host);
		port = colon + 2;
		af = AF_INET6;
	} else {
		host = s;
		colon = strrchr(s, ':');
		if (colon == NULL) {
			*why = "expected ADDRESS:PORT or unix:PATH";
			return -1;
		}
		hostlen = (size_t)(colon - host);
		port = colon + 1;
		af = AF_INET;
	}
	hostcopy = xstrndup(host, hostlen);
	/* "localhost" is loopback: the IPv4 one, without asking a
	 * resolver that might say otherwise. */
	if (af == AF_INET && strcasecmp(hostcopy, "localhost") == 0) {
		free(hostcopy);
		hostcopy = xstrdup("127.0.0.1");
	}
	if (inet_pton(af, hostcopy, addr) != 1) {
		free(hostcopy);
		*why = af == AF_INET6 ? "not a numeric IPv6 address" :
		    "not a numeric IPv4 address (IPv6 goes in brackets)";
		return -1;
	}
	errno = 0;
	p = strtol(port, &end, 10);
	if (!isdigit((unsigned char)*port) || *end != '\0' || errno != 0 ||
	    p < 1 || p > 65535) {
		free(hostcopy);
		*why = "port must be a number from 1 to 65535";
		return -1;
	}
	l->kind = CONF_LISTEN_TCP;
	l->host = hostcopy;
	l->port = xstrdup(port);
	l->text = xstrdup(s);
	return 0;
}

/* keep_days: a bare number is days, as before; a duration (30d, 720h)
 * is taken too, if it is whole days. */
static int
parse_days(const char *s, int *days)
{
	int secs;

	if (parse_number(s, 0, 100000, days) == 0)
		return 0;
	if (conf_parse_duration(s, &secs) == -1 || secs % 86400 != 0 ||
	    secs / 86400 > 100000)
		return -1;
	*days = secs / 86400;
	return 0;
}

/* 127.0.0.0/8, ::1 or ::ffff:127.x.y.z. */
static int
is_loopback(const char *host)
{
	unsigned char a[sizeof(struct in6_addr)];
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0xff, 0xff };

	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, host, a) != 1)
		return 0;
	if (memcmp(a, mapped, 12) == 0)
		return a[12] == 127;
	return memcmp(a, &in6addr_loopback, 16) == 0;
}

static void
listen_reset(struct conf_listen *l)
{
	free(l->text);
	free(l->host);
	free(l->port);
	free(l->path);
}

static void
set_string(char **dst, const char *value)
{
	free(*dst);
	*dst = xstrdup(value);
}

/* A comma-separated list, items trimmed, empty items dropped. */
static void
parse_list(char ***list, size_t *n, const char *value)
{
	const char *p, *comma, *start, *end;

	for (p = value; ; p = comma + 1) {
		comma = strchr(p, ',');
		end = comma != NULL ? comma : p + strlen(p);
		start = p;
		while (start < end && isspace((unsigned char)*start))
			start++;
		while (end > start && isspace((unsigned char)end[-1]))
			end--;
		if (end > start) {
			*list = xreallocarray(*list, *n + 1, sizeof(**list));
			(*list)[(*n)++] = xstrndup(start,
			    (size_t)(end - start));
		}
		if (comma == NULL)
			break;
	}
}

static void
free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* A DNS name or IPv4 address as a Host header carries it, lower-cased
 * in place (a final dot dropped); no port, no wildcard. */
static int
server_name_ok(char *s)
{
	size_t n = strlen(s), i;

	if (n > 1 && s[n - 1] == '.')
		s[--n] = '\0';
	if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		s[i] = (char)tolower((unsigned char)s[i]);
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.')
			return 0;
		if (s[i] == '.' && i > 0 && s[i - 1] == '.')
			return 0;
	}
	return 1;
}

static void
main_key(struct loader *ld, const char *name, const char *value)
{
	struct conf *conf = ld->conf;
	struct conf_listen l;
	const char *why;

	if (strcmp(name, "database") == 0) {
		if (*value == '\0')
			loader_error(ld, ld->lineno, "database: empty path");
		else
			set_string(&conf->database, value);
	} else if (strcmp(name, "listen") == 0) {
		if (parse_listen(value, &l, &why) == -1) {
			loader_error(ld, ld->lineno, "listen %s: %s", value,
			    why);
			return;
		}
		if (l.kind == CONF_LISTEN_TCP && !is_loopback(l.host))
			loader_warn(ld, ld->lineno, "listen %s: not a loopback "
			    "address: feedd has no access control, so anyone "
			    "who can reach it reads the feeds (put a reverse "
			    "proxy in front instead)", value);
		conf->listen = xreallocarray(conf->listen, conf->nlisten + 1,
		    sizeof(*conf->listen));
		conf->listen[conf->nlisten++] = l;
	} else if (strcmp(name, "socket_mode") == 0) {
		char *end;
		long mode;

		errno = 0;
		mode = strtol(value, &end, 8);
		if (*value == '\0' || *end != '\0' || errno != 0 ||
		    mode < 0 || mode > 0777)
			loader_error(ld, ld->lineno, "socket_mode: expected "
			    "an octal mode such as 0660, got '%s'", value);
		else
			conf->socket_mode = (int)mode;
	} else if (strcmp(name, "http_max_clients") == 0) {
		if (parse_number(value, 1, 10000,
		    &conf->http_max_clients) == -1)
			loader_error(ld, ld->lineno, "http_max_clients: "
			    "expected a number from 1 to 10000, got '%s'",
			    value);
	} else if (strcmp(name, "http_timeout") == 0) {
		if (conf_parse_duration(value, &conf->http_timeout) == -1 ||
		    conf->http_timeout == 0)
			loader_error(ld, ld->lineno, "http_timeout: bad "
			    "duration '%s' (use e.g. 30s)", value);
	} else if (strcmp(name, "server_name") == 0) {
		size_t i, first = conf->nserver_names;

		parse_list(&conf->server_names, &conf->nserver_names, value);
		if (conf->nserver_names == first)
			loader_error(ld, ld->lineno, "server_name: empty");
		for (i = first; i < conf->nserver_names; i++) {
			if (!server_name_ok(conf->server_names[i]))
				loader_error(ld, ld->lineno, "server_name: "
				    "'%s' is not a host name (letters, "
				    "digits, '-' and '.', no port)",
				    conf->server_names[i]);
		}
	} else if (strcmp(name, "interval") == 0) {
		if (parse_interval(value, &conf->interval,
		    &conf->interval_auto) == -1)
			loader_error(ld, ld->lineno, "interval: bad duration "
			    "'%s' (use e.g. 90s, 30m, 2h, 1d, or auto)", value);
		ld->has_interval = 1;
		ld->interval_line = ld->lineno;
	} else if (strcmp(name, "min_interval") == 0) {
		if (conf_parse_duration(value, &conf->min_interval) == -1 ||
		    conf->min_interval == 0)
			loader_error(ld, ld->lineno, "min_interval: bad "
			    "duration '%s' (use e.g. 1s, 5m)", value);
	} else if (strcmp(name, "max_interval") == 0) {
		if (conf_parse_duration(value, &conf->max_interval) == -1 ||
		    conf->max_interval == 0)
			loader_error(ld, ld->lineno, "max_interval: bad "
			    "duration '%s' (use e.g. 6h, 1d)", value);
		ld->max_interval_line = ld->lineno;
	} else if (strcmp(name, "per_host_connections") == 0) {
		if (parse_number(value, 1, 64,
		    &conf->per_host_connections) == -1)
			loader_error(ld, ld->lineno, "per_host_connections: "
			    "expected a number from 1 to 64, got '%s'", value);
	} else if (strcmp(name, "host_delay") == 0) {
		if (conf_parse_duration(value, &conf->host_delay) == -1)
			loader_error(ld, ld->lineno, "host_delay: bad "
			    "duration '%s' (use e.g. 0, 1s, 2s)", value);
	} else if (strcmp(name, "max_size") == 0) {
		if (conf_parse_size(value, &conf->max_size) == -1 ||
		    conf->max_size < 1024)
			loader_error(ld, ld->lineno, "max_size: expected a "
			    "size of at least 1k such as 512k, 16M, got '%s'",
			    value);
	} else if (strcmp(name, "keep_days") == 0) {
		if (parse_days(value, &conf->keep_days) == -1)
			loader_error(ld, ld->lineno, "keep_days: expected a "
			    "number of days or whole days as a duration (30, "
			    "30d, 720h; 0 = keep forever), got '%s'", value);
	} else if (strcmp(name, "keep_entries") == 0) {
		if (parse_number(value, 0, 10000000,
		    &conf->keep_entries) == -1)
			loader_error(ld, ld->lineno, "keep_entries: expected "
			    "a number (0 = no limit), got '%s'", value);
	} else if (strcmp(name, "opml") == 0) {
		if (*value == '\0')
			loader_error(ld, ld->lineno, "opml: empty path");
		else
			set_string(&conf->opml, value);
		ld->opml_line = ld->lineno;
	} else if (strcmp(name, "user_agent") == 0) {
		if (*value == '\0')
			loader_error(ld, ld->lineno, "user_agent: empty");
		else
			set_string(&conf->user_agent, value);
	} else if (strcmp(name, "max_connections") == 0) {
		if (parse_number(value, 1, 1024,
		    &conf->max_connections) == -1)
			loader_error(ld, ld->lineno, "max_connections: "
			    "expected a number from 1 to 1024, got '%s'",
			    value);
	} else if (strcmp(name, "log_level") == 0) {
		if (log_level_parse(value, &conf->log_level) == -1)
			loader_error(ld, ld->lineno, "log_level: expected "
			    "error, warning, info or debug, got '%s'", value);
	} else if (strcmp(name, "outlet") == 0) {
		if (strcmp(value, "author") == 0)
			conf->outlet = RENDER_OUTLET_AUTHOR;
		else if (strcmp(value, "title") == 0)
			conf->outlet = RENDER_OUTLET_TITLE;
		else if (strcmp(value, "none") == 0)
			conf->outlet = RENDER_OUTLET_NONE;
		else
			loader_error(ld, ld->lineno, "outlet: expected "
			    "author, title or none, got '%s'", value);
	} else
		loader_error(ld, ld->lineno, "unknown option '%s' in "
		    "[feedd]", name);
}

static void
feed_key(struct loader *ld, const char *name, const char *value)
{
	struct conf_feed *feed = ld->feed;

	if (strcmp(name, "url") == 0) {
		if (!feedname_url_ok(value))
			loader_error(ld, ld->lineno, "url: '%s' is not an "
			    "http:// or https:// URL", value);
		else
			set_string(&feed->url, value);
	} else if (strcmp(name, "title") == 0) {
		if (*value != '\0')
			set_string(&feed->title, value);
	} else if (strcmp(name, "tags") == 0) {
		parse_list(&feed->tags, &feed->ntags, value);
	} else if (strcmp(name, "interval") == 0) {
		if (parse_interval(value, &feed->interval,
		    &feed->interval_auto) == -1)
			loader_error(ld, ld->lineno, "interval: bad duration "
			    "'%s' (use e.g. 90s, 30m, 2h, 1d, or auto)", value);
	} else if (strcmp(name, "user_agent") == 0) {
		if (*value == '\0')
			loader_error(ld, ld->lineno, "user_agent: empty");
		else
			set_string(&feed->user_agent, value);
	} else if (strcmp(name, "keep_days") == 0) {
		if (parse_days(value, &feed->keep_days) == -1)
			loader_error(ld, ld->lineno, "keep_days: expected a "
			    "number of days or whole days as a duration (30, "
			    "30d, 720h; 0 = keep forever), got '%s'", value);
	} else if (strcmp(name, "keep_entries") == 0) {
		if (parse_number(value, 0, 10000000,
		    &feed->keep_entries) == -1)
			loader_error(ld, ld->lineno, "keep_entries: expected "
			    "a number (0 = no limit), got '%s'", value);
	} else
		loader_error(ld, ld->lineno, "unknown option '%s' in "
		    "[feed %s]", name, feed->name);
}

static void
view_key(struct loader *ld, const char *name, const char *value)
{
	struct conf_view *view = ld->view;

	if (strcmp(name, "title") == 0) {
		if (*value != '\0')
			set_string(&view->title, value);
	} else if (strcmp(name, "tags") == 0) {
		parse_list(&view->tags, &view->ntags, value);
	} else if (strcmp(name, "feeds") == 0) {
		parse_list(&view->feeds, &view->nfeeds, value);
	} else if (strcmp(name, "query") == 0) {
		if (*value != '\0')
			set_string(&view->query, value);
	} else
		loader_error(ld, ld->lineno, "unknown option '%s' in "
		    "[view %s]", name, view->name);
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;

	(void)section;	/* tracked by the reader, with line numbers */
	switch (ld->section) {
	case SECTION_NONE:
		loader_error(ld, ld->lineno, "option '%s' outside of any "
		    "section", name);
		break;
	case SECTION_MAIN:
		main_key(ld, name, value);
		break;
	case SECTION_FEED:
		feed_key(ld, name, value);
		break;
	case SECTION_VIEW:
		view_key(ld, name, value);
		break;
	case SECTION_BAD:
		break;
	}
	return 1;
}

static void
begin_section(struct loader *ld, const char *text, size_t len)
{
	struct conf *conf = ld->conf;
	struct conf_feed *feed;
	char *name;
	size_t i;

	name = xstrndup(text, len);
	ld->feed = NULL;
	ld->view = NULL;
	if (strcmp(name, "feedd") == 0) {
		ld->section = SECTION_MAIN;
	} else if (strncmp(name, "feed ", 5) == 0) {
		const char *fname = name + 5;

		while (*fname == ' ')
			fname++;
		ld->section = SECTION_BAD;
		if (!feedname_valid(fname)) {
			loader_error(ld, ld->lineno, "[feed %s]: a feed name "
			    "is letters, digits, '-', '_' and '.'", fname);
			goto out;
		}
		if ((i = strmap_get(&ld->feed_names, fname)) != 0) {
			loader_error(ld, ld->lineno, "[feed %s] already "
			    "defined at line %d", fname,
			    conf->feeds[i - 1].line);
			goto out;
		}
		conf->feeds = xreallocarray(conf->feeds, conf->nfeeds + 1,
		    sizeof(*conf->feeds));
		feed = &conf->feeds[conf->nfeeds++];
		conf_feed_init(feed, fname, ld->lineno);
		strmap_put(&ld->feed_names, feed->name, conf->nfeeds);
		ld->feed = feed;
		ld->section = SECTION_FEED;
	} else if (strncmp(name, "view ", 5) == 0) {
		const char *vname = name + 5;
		struct conf_view *view;

		while (*vname == ' ')
			vname++;
		ld->section = SECTION_BAD;
		if (!feedname_valid(vname)) {
			loader_error(ld, ld->lineno, "[view %s]: a view name "
			    "is letters, digits, '-', '_' and '.'", vname);
			goto out;
		}
		for (i = 0; i < conf->nviews; i++) {
			if (strcmp(conf->views[i].name, vname) == 0) {
				loader_error(ld, ld->lineno, "[view %s] "
				    "already defined at line %d", vname,
				    conf->views[i].line);
				goto out;
			}
		}
		conf->views = xreallocarray(conf->views, conf->nviews + 1,
		    sizeof(*conf->views));
		view = &conf->views[conf->nviews++];
		memset(view, 0, sizeof(*view));
		view->name = xstrdup(vname);
		view->line = ld->lineno;
		ld->view = view;
		ld->section = SECTION_VIEW;
	} else {
		loader_error(ld, ld->lineno, "unknown section [%s]", name);
		ld->section = SECTION_BAD;
	}
out:
	free(name);
}

/*
 * inih's line reader.  Reads one whole line, counts it, checks its shape,
 * and hands inih either the line or, for a line in error, an empty one so
 * inih neither stops nor reports it a second time.
 */
static char *
reader(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	ssize_t n;
	char *p, *end;

	n = getline(&ld->line, &ld->linesize, ld->fp);
	if (n == -1)
		return NULL;
	ld->lineno++;
	p = ld->line;
	if (ld->lineno == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (isspace((unsigned char)*p))
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;

	if (end - ld->line >= num - 1) {
		loader_error(ld, ld->lineno, "line longer than %d characters",
		    num - 2);
		goto empty;
	}
	if (p == end || *p == ';' || *p == '#') {
		/* blank or comment: pass through */
	} else if (ld->line[0] == ' ' || ld->line[0] == '\t') {
		/* inih would take an indented line as a continuation of the
		 * previous value; we do not allow that. */
		loader_error(ld, ld->lineno, "indented line (continuation "
		    "lines are not supported)");
		goto empty;
	} else if (*p == '[') {
		if (end[-1] != ']') {
			loader_error(ld, ld->lineno, "section header without "
			    "closing ']'");
			ld->section = SECTION_BAD;
			goto empty;
		}
		begin_section(ld, p + 1, (size_t)(end - p - 2));
	} else if (strpbrk(p, "=:") == NULL) {
		loader_error(ld, ld->lineno, "expected 'name = value'");
		goto empty;
	}
	memcpy(str, ld->line, (size_t)(end - ld->line));
	str[end - ld->line] = '\n';
	str[end - ld->line + 1] = '\0';
	return str;
empty:
	str[0] = '\n';
	str[1] = '\0';
	return str;
}

static void
finish(struct loader *ld)
{
	struct conf *conf = ld->conf;
	struct conf_listen l;
	struct strmap urls = { 0 };
	const char *why;
	const char *statedir, *slash;
	char *resolved;
	size_t i, j;

	for (i = 0; i < conf->nfeeds; i++)
		if (conf->feeds[i].url == NULL)
			loader_error(ld, conf->feeds[i].line, "[feed %s]: "
			    "missing url", conf->feeds[i].name);
	/* Two sections with one URL store the same entries twice (and an
	 * OPML round trip merges them): say so, keep both. */
	for (i = 0; i < conf->nfeeds; i++) {
		const char *u = conf->feeds[i].url;

		if (u == NULL)
			continue;
		if ((j = strmap_get(&urls, u)) != 0)
			loader_warn(ld, conf->feeds[i].line, "[feed %s]: same "
			    "url as [feed %s]", conf->feeds[i].name,
			    conf->feeds[j - 1].name);
		else
			strmap_put(&urls, u, i + 1);
	}
	strmap_reset(&urls);
	if (ld->has_interval && conf->interval > 0 &&
	    conf->interval < conf->min_interval)
		loader_error(ld, ld->interval_line, "interval is shorter "
		    "than min_interval");
	/* A test config may lower min_interval below the default maximum's
	 * floor; only an explicit max_interval below it is an error. */
	if (ld->max_interval_line > 0 &&
	    conf->max_interval < conf->min_interval)
		loader_error(ld, ld->max_interval_line, "max_interval is "
		    "shorter than min_interval");
	/* A relative OPML path is relative to the config file, so the
	 * pair can be moved together. */
	if (conf->opml != NULL && conf->opml[0] != '/' &&
	    (slash = strrchr(conf->path, '/')) != NULL) {
		resolved = xasprintf("%.*s/%s", (int)(slash - conf->path),
		    conf->path, conf->opml);
		free(conf->opml);
		conf->opml = resolved;
	}
	/* Its feeds come after the [feed] sections, which therefore win
	 * when both name the same URL (opml.h). */
	if (conf->opml != NULL)
		(void)conf_read_opml(conf, &ld->errors);
	for (i = 0; i < conf->nviews; i++) {
		struct conf_view *v = &conf->views[i];

		for (j = 0; j < v->nfeeds; j++)
			if (conf_find_feed(conf, v->feeds[j]) == NULL)
				loader_error(ld, v->line, "[view %s]: no "
				    "feed named '%s'", v->name, v->feeds[j]);
	}
	if (conf->nlisten == 0) {
		if (parse_listen(DEFAULT_LISTEN, &l, &why) == -1)
			abort();
		conf->listen = xcalloc(1, sizeof(*conf->listen));
		conf->listen[conf->nlisten++] = l;
	}
	if (conf->database == NULL) {
		statedir = getenv("STATE_DIRECTORY");
		if (statedir != NULL && *statedir != '\0')
			conf->database = xasprintf("%s/feedd.db", statedir);
		else
			conf->database = xstrdup(DEFAULT_DATABASE);
	}
}

void
conf_feed_init(struct conf_feed *feed, const char *name, int line)
{
	memset(feed, 0, sizeof(*feed));
	feed->name = xstrdup(name);
	feed->interval_auto = CONF_INHERIT;
	feed->keep_days = CONF_INHERIT;
	feed->keep_entries = CONF_INHERIT;
	feed->line = line;
}

void
conf_feed_reset(struct conf_feed *feed)
{
	free(feed->name);
	free(feed->url);
	free(feed->title);
	free(feed->user_agent);
	free_list(feed->tags, feed->ntags);
	memset(feed, 0, sizeof(*feed));
}

struct conf *
conf_load(const char *path, char **errstr)
{
	struct loader ld;
	struct conf *conf;
	int rc;

	memset(&ld, 0, sizeof(ld));
	ld.fp = fopen(path, "r");
	if (ld.fp == NULL) {
		*errstr = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	conf = xcalloc(1, sizeof(*conf));
	conf->path = xstrdup(path);
	conf->interval = DEFAULT_INTERVAL;
	conf->min_interval = DEFAULT_MIN_INTERVAL;
	conf->max_interval = DEFAULT_MAX_INTERVAL;
	conf->max_connections = DEFAULT_MAX_CONNECTIONS;
	conf->per_host_connections = DEFAULT_PER_HOST;
	conf->host_delay = DEFAULT_HOST_DELAY;
	conf->max_size = DEFAULT_MAX_SIZE;
	conf->keep_days = DEFAULT_KEEP_DAYS;
	conf->keep_entries = DEFAULT_KEEP_ENTRIES;
	conf->socket_mode = DEFAULT_SOCKET_MODE;
	conf->http_max_clients = DEFAULT_HTTP_CLIENTS;
	conf->http_timeout = DEFAULT_HTTP_TIMEOUT;
	conf->log_level = LOG_LEVEL_INFO;
	ld.conf = conf;
	ld.path = path;
	errlist_init(&ld.errors);

	rc = ini_parse_stream(reader, &ld, handler, &ld);
	if (rc < 0 || ferror(ld.fp))
		loader_error(&ld, ld.lineno, "read error");
	else if (rc > 0 && ld.errors.n == 0)
		loader_error(&ld, rc, "syntax error");
	fclose(ld.fp);
	free(ld.line);
	strmap_reset(&ld.feed_names);
	finish(&ld);

	if (ld.errors.n > 0) {
		*errstr = errlist_steal(&ld.errors);
		conf_free(conf);
		return NULL;
	}
	errlist_reset(&ld.errors);
	return conf;
}

void
conf_free(struct conf *conf)
{
	size_t i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nlisten; i++)
		listen_reset(&conf->listen[i]);
	free(conf->listen);
	free_list(conf->server_names, conf->nserver_names);
	for (i = 0; i < conf->nfeeds; i++)
		conf_feed_reset(&conf->feeds[i]);
	free(conf->feeds);
	for (i = 0; i < conf->nviews; i++) {
		free(conf->views[i].name);
		free(conf->views[i].title);
		free(conf->views[i].query);
		free_list(conf->views[i].tags, conf->views[i].ntags);
		free_list(conf->views[i].feeds, conf->views[i].nfeeds);
	}
	free(conf->views);
	free(conf->opml);
	free(conf->path);
	free(conf->database);
	free(conf->user_agent);
	free(conf);
}
