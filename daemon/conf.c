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
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "conf.h"
#include "parsers/util.h"

#define DEFAULT_INTERVAL	(30 * 60)
#define DEFAULT_MIN_INTERVAL	(5 * 60)
#define DEFAULT_MAX_CONNECTIONS	16
#define DEFAULT_LISTEN		"127.0.0.1:8080"
#define DEFAULT_DATABASE	LOCALSTATEDIR "/lib/feedd/feedd.db"

enum section_kind {
	SECTION_NONE,		/* before the first section header */
	SECTION_MAIN,		/* [feedd] */
	SECTION_FEED,		/* [feed NAME] */
	SECTION_BAD		/* unknown: its keys are not checked again */
};

struct loader {
	struct conf	*conf;
	const char	*path;
	FILE		*fp;
	int		 lineno;
	struct buf	 errors;
	int		 nerrors;
	enum section_kind section;
	struct conf_feed *feed;		/* current [feed] section */
	char		*line;		/* getline buffer */
	size_t		 linesize;
	int		 has_interval;	/* seen in [feedd], for min checks */
	int		 interval_line;
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
	buf_printf(&ld->errors, "%s%s:%d: %s", ld->nerrors ? "\n" : "",
	    ld->path, line, msg);
	ld->nerrors++;
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
	return iv < conf->min_interval ? conf->min_interval : iv;
}

static int
parse_positive(const char *s, int *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0 || v > INT_MAX)
		return -1;
	*out = (int)v;
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

static void
listen_reset(struct conf_listen *l)
{
	free(l->text);
	free(l->host);
	free(l->port);
	free(l->path);
}

static int
valid_feed_name(const char *name)
{
	const char *p;

	if (*name == '\0')
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-_.", *p) == NULL)
			return 0;
	return 1;
}

static int
valid_url(const char *url)
{
	const char *rest;

	if (strncasecmp(url, "http://", 7) == 0)
		rest = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		rest = url + 8;
	else
		return 0;
	if (*rest == '\0' || *rest == '/')
		return 0;
	for (; *rest != '\0'; rest++)
		if (isspace((unsigned char)*rest) || iscntrl((unsigned char)*rest))
			return 0;
	return 1;
}

static void
set_string(char **dst, const char *value)
{
	free(*dst);
	*dst = xstrdup(value);
}

static void
parse_tags(struct conf_feed *feed, const char *value)
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
			feed->tags = xreallocarray(feed->tags, feed->ntags + 1,
			    sizeof(*feed->tags));
			feed->tags[feed->ntags++] = xstrndup(start,
			    (size_t)(end - start));
		}
		if (comma == NULL)
			break;
	}
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
		conf->listen = xreallocarray(conf->listen, conf->nlisten + 1,
		    sizeof(*conf->listen));
		conf->listen[conf->nlisten++] = l;
	} else if (strcmp(name, "interval") == 0) {
		if (conf_parse_duration(value, &conf->interval) == -1 ||
		    conf->interval == 0)
			loader_error(ld, ld->lineno, "interval: bad duration "
			    "'%s' (use e.g. 90s, 30m, 2h, 1d)", value);
		ld->has_interval = 1;
		ld->interval_line = ld->lineno;
	} else if (strcmp(name, "min_interval") == 0) {
		if (conf_parse_duration(value, &conf->min_interval) == -1 ||
		    conf->min_interval == 0)
			loader_error(ld, ld->lineno, "min_interval: bad "
			    "duration '%s' (use e.g. 1s, 5m)", value);
	} else if (strcmp(name, "user_agent") == 0) {
		if (*value == '\0')
			loader_error(ld, ld->lineno, "user_agent: empty");
		else
			set_string(&conf->user_agent, value);
	} else if (strcmp(name, "max_connections") == 0) {
		if (parse_positive(value, &conf->max_connections) == -1 ||
		    conf->max_connections > 1024)
			loader_error(ld, ld->lineno, "max_connections: "
			    "expected a number from 1 to 1024, got '%s'",
			    value);
	} else if (strcmp(name, "log_level") == 0) {
		if (log_level_parse(value, &conf->log_level) == -1)
			loader_error(ld, ld->lineno, "log_level: expected "
			    "error, warning, info or debug, got '%s'", value);
	} else
		loader_error(ld, ld->lineno, "unknown option '%s' in "
		    "[feedd]", name);
}

static void
feed_key(struct loader *ld, const char *name, const char *value)
{
	struct conf_feed *feed = ld->feed;

	if (strcmp(name, "url") == 0) {
		if (!valid_url(value))
			loader_error(ld, ld->lineno, "url: '%s' is not an "
			    "http:// or https:// URL", value);
		else
			set_string(&feed->url, value);
	} else if (strcmp(name, "title") == 0) {
		if (*value != '\0')
			set_string(&feed->title, value);
	} else if (strcmp(name, "tags") == 0) {
		parse_tags(feed, value);
	} else if (strcmp(name, "interval") == 0) {
		if (conf_parse_duration(value, &feed->interval) == -1 ||
		    feed->interval == 0)
			loader_error(ld, ld->lineno, "interval: bad duration "
			    "'%s' (use e.g. 90s, 30m, 2h, 1d)", value);
	} else
		loader_error(ld, ld->lineno, "unknown option '%s' in "
		    "[feed %s]", name, feed->name);
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
	if (strcmp(name, "feedd") == 0) {
		ld->section = SECTION_MAIN;
	} else if (strncmp(name, "feed ", 5) == 0) {
		const char *fname = name + 5;

		while (*fname == ' ')
			fname++;
		ld->section = SECTION_BAD;
		if (!valid_feed_name(fname)) {
			loader_error(ld, ld->lineno, "[feed %s]: a feed name "
			    "is letters, digits, '-', '_' and '.'", fname);
			goto out;
		}
		for (i = 0; i < conf->nfeeds; i++) {
			if (strcmp(conf->feeds[i].name, fname) == 0) {
				loader_error(ld, ld->lineno, "[feed %s] "
				    "already defined at line %d", fname,
				    conf->feeds[i].line);
				goto out;
			}
		}
		conf->feeds = xreallocarray(conf->feeds, conf->nfeeds + 1,
		    sizeof(*conf->feeds));
		feed = &conf->feeds[conf->nfeeds++];
		memset(feed, 0, sizeof(*feed));
		feed->name = xstrdup(fname);
		feed->line = ld->lineno;
		ld->feed = feed;
		ld->section = SECTION_FEED;
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
	const char *why;
	const char *statedir;
	size_t i;

	for (i = 0; i < conf->nfeeds; i++)
		if (conf->feeds[i].url == NULL)
			loader_error(ld, conf->feeds[i].line, "[feed %s]: "
			    "missing url", conf->feeds[i].name);
	if (ld->has_interval && conf->interval > 0 &&
	    conf->interval < conf->min_interval)
		loader_error(ld, ld->interval_line, "interval is shorter "
		    "than min_interval");
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
	conf->max_connections = DEFAULT_MAX_CONNECTIONS;
	conf->log_level = LOG_LEVEL_INFO;
	ld.conf = conf;
	ld.path = path;
	buf_init(&ld.errors, 0);

	rc = ini_parse_stream(reader, &ld, handler, &ld);
	if (rc < 0 || ferror(ld.fp))
		loader_error(&ld, ld.lineno, "read error");
	else if (rc > 0 && ld.nerrors == 0)
		loader_error(&ld, rc, "syntax error");
	fclose(ld.fp);
	free(ld.line);
	finish(&ld);

	if (ld.nerrors > 0) {
		*errstr = buf_steal(&ld.errors);
		conf_free(conf);
		return NULL;
	}
	buf_reset(&ld.errors);
	return conf;
}

void
conf_free(struct conf *conf)
{
	size_t i, j;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nlisten; i++)
		listen_reset(&conf->listen[i]);
	free(conf->listen);
	for (i = 0; i < conf->nfeeds; i++) {
		free(conf->feeds[i].name);
		free(conf->feeds[i].url);
		free(conf->feeds[i].title);
		for (j = 0; j < conf->feeds[i].ntags; j++)
			free(conf->feeds[i].tags[j]);
		free(conf->feeds[i].tags);
	}
	free(conf->feeds);
	free(conf->path);
	free(conf->database);
	free(conf->user_agent);
	free(conf);
}
