/*
 * conf_value.c: one value of feedd.conf, parsed by its option's type
 * (conf_table.c) and stored at the option's offset in the section's
 * struct.
 *
 * Every parser takes the whole value or nothing: a bad value leaves an
 * error at the loader's line and, where it matters, the field as it was.
 * What a bad value is called in the message depends on the type (and a
 * row's hint), so the messages are written here once per type, not once
 * per option.
 */
#include "config.h"

#include <netinet/in.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_int.h"
#include "feedname.h"
#include "base/util.h"

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

/* keep_days: a bare number is days; a duration (30d, 720h) is taken
 * too, if it is whole days.  Up to max days. */
static int
parse_days(const char *s, int max, int *days)
{
	int secs;

	if (parse_number(s, 0, max, days) == 0)
		return 0;
	if (conf_parse_duration(s, &secs) == -1 || secs % 86400 != 0 ||
	    secs / 86400 > max)
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

void
conf_listen_reset(struct conf_listen *l)
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
	size_t skip, len;

	for (p = value; ; p = comma + 1) {
		comma = strchr(p, ',');
		end = comma != NULL ? comma : p + strlen(p);
		len = str_trim_span(p, (size_t)(end - p), WS_SPACE, &skip);
		start = p + skip;
		end = start + len;
		if (end > start) {
			*list = xreallocarray(*list, *n + 1, sizeof(**list));
			(*list)[(*n)++] = xstrndup(start,
			    (size_t)(end - start));
		}
		if (comma == NULL)
			break;
	}
}

void
conf_list_free(char **list, size_t n)
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


/* The field of o in base, and its second field (a count, a flag). */
#define FIELD(base, o, s, type) \
	((type *)(void *)((char *)(base) + (o)->off[s]))
#define FIELD2(base, o, s, type) \
	((type *)(void *)((char *)(base) + (o)->off2[s]))

/* "a, b or c", the names of o's choices (caller frees). */
static char *
choice_names(const struct conf_option *o)
{
	struct buf b;
	size_t i;

	/* Names from our option table. */
	buf_init(&b, BUF_UNCAPPED);
	for (i = 0; o->choices[i].name != NULL; i++)
		buf_printf(&b, "%s%s", i == 0 ? "" :
		    o->choices[i + 1].name == NULL ? " or " : ", ",
		    o->choices[i].name);
	return buf_steal(&b);
}

/* Reports a value o does not take, in the words of its type. */
static void
bad_value(struct loader *ld, const struct conf_option *o, const char *value)
{
	char *names;

	switch (o->type) {
	case CONF_T_NUMBER:
		if (o->hint != NULL)
			loader_error(ld, ld->lineno, "%s: expected a number "
			    "%s, got '%s'", o->name, o->hint, value);
		else
			loader_error(ld, ld->lineno, "%s: expected a number "
			    "from %lld to %lld, got '%s'", o->name, o->min,
			    o->max, value);
		break;
	case CONF_T_MODE:
		loader_error(ld, ld->lineno, "%s: expected an octal mode "
		    "such as 0660, got '%s'", o->name, value);
		break;
	case CONF_T_DURATION:
	case CONF_T_INTERVAL:
		loader_error(ld, ld->lineno, "%s: bad duration '%s' %s",
		    o->name, value, o->hint);
		break;
	case CONF_T_SIZE:
		loader_error(ld, ld->lineno, "%s: expected a size %s, got "
		    "'%s'", o->name, o->hint, value);
		break;
	case CONF_T_DAYS:
		loader_error(ld, ld->lineno, "%s: expected a number of days "
		    "or whole days as a duration (30, 30d, 720h; 0 = keep "
		    "forever), got '%s'", o->name, value);
		break;
	case CONF_T_CHOICE:
		names = choice_names(o);
		loader_error(ld, ld->lineno, "%s: expected %s, got '%s'",
		    o->name, names, value);
		free(names);
		break;
	case CONF_T_URL:
		loader_error(ld, ld->lineno, "%s: '%s' is not an http:// or "
		    "https:// URL", o->name, value);
		break;
	case CONF_T_PATH:
		loader_error(ld, ld->lineno, "%s: empty path", o->name);
		break;
	default:
		loader_error(ld, ld->lineno, "%s: empty", o->name);
		break;
	}
}

/* An octal file mode from min to max. */
static int
parse_mode(const char *s, long long min, long long max, int *out)
{
	char *end;
	long mode;

	errno = 0;
	mode = strtol(s, &end, 8);
	if (*s == '\0' || *end != '\0' || errno != 0 || mode < min ||
	    mode > max)
		return -1;
	*out = (int)mode;
	return 0;
}

static int
parse_choice(const struct conf_option *o, const char *s, int *out)
{
	size_t i;

	for (i = 0; o->choices[i].name != NULL; i++) {
		if (strcmp(s, o->choices[i].name) == 0) {
			*out = o->choices[i].value;
			return 0;
		}
	}
	return -1;
}

static void
add_listen(struct loader *ld, const struct conf_option *o,
    enum conf_section s, void *base, const char *value)
{
	struct conf_listen **list = FIELD(base, o, s, struct conf_listen *);
	size_t *n = FIELD2(base, o, s, size_t);
	struct conf_listen l;
	const char *why;

	if (parse_listen(value, &l, &why) == -1) {
		loader_error(ld, ld->lineno, "%s %s: %s", o->name, value, why);
		return;
	}
	if (l.kind == CONF_LISTEN_TCP && !is_loopback(l.host))
		loader_warn(ld, ld->lineno, "%s %s: not a loopback address: "
		    "feedd has no access control, so anyone who can reach it "
		    "reads the feeds (put a reverse proxy in front instead)",
		    o->name, value);
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = l;
}

static void
add_hosts(struct loader *ld, const struct conf_option *o,
    enum conf_section s, void *base, const char *value)
{
	char ***list = FIELD(base, o, s, char **);
	size_t *n = FIELD2(base, o, s, size_t);
	size_t i, first = *n;

	parse_list(list, n, value);
	if (*n == first)
		loader_error(ld, ld->lineno, "%s: empty", o->name);
	for (i = first; i < *n; i++) {
		if (!server_name_ok((*list)[i]))
			loader_error(ld, ld->lineno, "%s: '%s' is not a host "
			    "name (letters, digits, '-' and '.', no port)",
			    o->name, (*list)[i]);
	}
}

/* Parses a one-number value by o's type; 0, or -1 if it is bad. */
static int
parse_scalar(const struct conf_option *o, const char *value, int *out)
{
	switch (o->type) {
	case CONF_T_NUMBER:
		return parse_number(value, (int)o->min, (int)o->max, out);
	case CONF_T_MODE:
		return parse_mode(value, o->min, o->max, out);
	case CONF_T_DURATION:
		if (conf_parse_duration(value, out) == -1 || *out < o->min ||
		    *out > o->max)
			return -1;
		return 0;
	case CONF_T_DAYS:
		return parse_days(value, (int)o->max, out);
	case CONF_T_CHOICE:
		return parse_choice(o, value, out);
	default:
		abort();	/* not a one-number type */
	}
}

void
conf_value_set(struct loader *ld, const struct conf_option *o,
    enum conf_section s, void *base, const char *value)
{
	size_t size;
	int v;

	switch (o->type) {
	case CONF_T_PATH:
	case CONF_T_STRING:
		if (*value == '\0')
			bad_value(ld, o, value);
		else
			set_string(FIELD(base, o, s, char *), value);
		break;
	case CONF_T_TEXT:
		if (*value != '\0')
			set_string(FIELD(base, o, s, char *), value);
		break;
	case CONF_T_URL:
		if (!feedname_url_ok(value))
			bad_value(ld, o, value);
		else
			set_string(FIELD(base, o, s, char *), value);
		break;
	case CONF_T_LIST:
		parse_list(FIELD(base, o, s, char **),
		    FIELD2(base, o, s, size_t), value);
		break;
	case CONF_T_INTERVAL:
		if (parse_interval(value, FIELD(base, o, s, int),
		    FIELD2(base, o, s, int)) == -1)
			bad_value(ld, o, value);
		break;
	case CONF_T_SIZE:
		if (conf_parse_size(value, &size) == -1 ||
		    size < (size_t)o->min)
			bad_value(ld, o, value);
		else
			*FIELD(base, o, s, size_t) = size;
		break;
	case CONF_T_LISTEN:
		add_listen(ld, o, s, base, value);
		break;
	case CONF_T_HOSTS:
		add_hosts(ld, o, s, base, value);
		break;
	default:
		if (parse_scalar(o, value, &v) == -1)
			bad_value(ld, o, value);
		else
			*FIELD(base, o, s, int) = v;
		break;
	}
}

void
conf_value_defaults(struct loader *ld, int repeat)
{
	const struct conf_option *o;
	size_t i, before = ld->errors.n;
	int repeatable;

	for (i = 0; i < conf_noptions; i++) {
		o = &conf_options[i];
		if (o->def == NULL || !(o->sections & CONF_IN(CONF_MAIN)))
			continue;
		repeatable = o->type == CONF_T_LIST ||
		    o->type == CONF_T_LISTEN || o->type == CONF_T_HOSTS;
		if (repeatable != repeat)
			continue;
		if (repeat && *FIELD2(ld->conf, o, CONF_MAIN, size_t) > 0)
			continue;
		conf_value_set(ld, o, CONF_MAIN, ld->conf, o->def);
	}
	/* The table's own defaults are valid: a test loads them. */
	if (ld->errors.n != before)
		abort();
}
