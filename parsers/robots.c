/*
 * robots.c: RFC 9309 rules, parsed once and matched per article.
 *
 * The file is read line by line: "user-agent" lines open a group (several
 * in a row name one group), "allow" and "disallow" lines add rules to the
 * open group, anything else (sitemap, comments, junk) is skipped, and a
 * crawler's rules are the union of every group naming it, or of the "*"
 * groups if none does.  Paths and patterns are compared in one
 * normal form (RFC 9309 2.2.2): percent-escapes of unreserved characters
 * decoded, other escapes upper-cased, bytes beyond ASCII escaped.
 *
 * A hostile robots.txt costs bounded time: at most ROBOTS_MAX_RULES
 * rules and ROBOTS_MAX_PATTERN bytes of patterns are kept, and a match
 * is a linear-time wildcard walk, so one robots_allowed() call is at most
 * the product of those and the path's length.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "robots.h"
#include "base/util.h"

#define ROBOTS_MAX_RULES	1000
#define ROBOTS_MAX_PATTERN	(32 * 1024)	/* bytes, all rules */
#define ROBOTS_MAX_PATH		2048

struct rule {
	char	*pattern;	/* normal form; may hold '*', end '$' */
	size_t	 len;		/* its length, the rule's priority */
	int	 allow;
};

struct robots {
	struct rule	*rules;
	size_t		 nrules;
	size_t		 pattern_bytes;
	unsigned	 crawl_delay;
	int		 all;	/* -1: use rules; 0/1: disallow/allow all */
};

static int
unreserved(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* s[0..n) in normal form, at most cap bytes, into a new string. */
static char *
normalize(const char *s, size_t n, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b;
	size_t i;

	buf_init(&b, cap);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int hi, lo;

		if (c == '%' && i + 2 < n &&
		    (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			int v = hi * 16 + lo;

			if (unreserved(v))
				buf_addch(&b, (char)v);
			else {
				buf_addch(&b, '%');
				buf_addch(&b, hex[hi]);
				buf_addch(&b, hex[lo]);
			}
			i += 2;
		} else if (c >= 0x80 || c <= 0x20) {
			buf_addch(&b, '%');
			buf_addch(&b, hex[c >> 4]);
			buf_addch(&b, hex[c & 15]);
		} else
			buf_addch(&b, (char)c);
	}
	return buf_steal(&b);
}

/*
 * Whether pattern p (with '*' for any run and a final '$' for the end)
 * matches a prefix of path s, or all of it with '$'.  Greedy with one
 * backtrack point, the classic linear wildcard walk.
 */
static int
match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	for (;;) {
		if (*p == '$' && p[1] == '\0') {
			if (*s == '\0')
				return 1;
		} else if (*p == '\0')
			return 1;
		else if (*p == '*') {
			star = ++p;
			resume = s;
			continue;
		} else if (*s != '\0' && *p == *s) {
			p++;
			s++;
			continue;
		}
		if (star == NULL || *resume == '\0')
			return 0;
		p = star;
		s = ++resume;
	}
}

/* The key of line s ("Disallow: /x" -> "disallow") and its value. */
static int
split_line(char *s, char **key, char **value)
{
	char *colon, *end;
	size_t i, n;

	if ((end = strchr(s, '#')) != NULL)
		*end = '\0';
	if ((colon = strchr(s, ':')) == NULL)
		return -1;
	*colon = '\0';
	n = str_trim_span(s, (size_t)(colon - s), WS_SPACE, &i);
	*key = s + i;
	(*key)[n] = '\0';
	s = colon + 1;
	n = str_trim_span(s, strlen(s), WS_SPACE, &i);
	*value = s + i;
	(*value)[n] = '\0';
	return 0;
}

/* Whether a user-agent line's value names agent: its product token
 * (letters, '-' and '_') equal without regard to case. */
static int
names_agent(const char *value, const char *agent)
{
	size_t n = strspn(value, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_");

	return n > 0 && n == strlen(agent) && strncasecmp(value, agent, n) == 0;
}

static void
add_rule(struct robots *r, const char *value, int allow)
{
	size_t n = strlen(value);
	struct rule *ru;

	if (n == 0)		/* "Disallow:" with nothing: no rule */
		return;
	if (r->nrules == ROBOTS_MAX_RULES ||
	    r->pattern_bytes + n > ROBOTS_MAX_PATTERN)
		return;
	r->rules = xreallocarray(r->rules, r->nrules + 1, sizeof(*r->rules));
	ru = &r->rules[r->nrules++];
	ru->pattern = normalize(value, n, 3 * n + 1);
	ru->len = strlen(ru->pattern);
	ru->allow = allow;
	r->pattern_bytes += ru->len;
}

/*
 * One pass over the file for one kind of group: named (1: the groups
 * naming agent) or star (0: the "*" groups).  Returns whether any such
 * group was seen.
 */
static int
collect(struct robots *r, const char *txt, size_t len, const char *agent,
    int named)
{
	size_t i = 0, n;
	int in_group = 0, mine = 0, had_rules = 0, seen = 0;

	while (i < len) {
		char line[1024], *key, *value;

		n = 0;
		while (i + n < len && txt[i + n] != '\n' && txt[i + n] != '\r')
			n++;
		if (n < sizeof(line)) {
			memcpy(line, txt + i, n);
			line[n] = '\0';
		} else
			line[0] = '\0';	/* an absurd line is junk */
		i += n + 1;
		if (split_line(line, &key, &value) == -1)
			continue;
		if (strcasecmp(key, "user-agent") == 0) {
			if (!in_group || had_rules) {
				mine = 0;
				had_rules = 0;
			}
			in_group = 1;
			if (named ? names_agent(value, agent) :
			    strcmp(value, "*") == 0)
				mine = seen = 1;
		} else if (strcasecmp(key, "allow") == 0 ||
		    strcasecmp(key, "disallow") == 0) {
			had_rules = 1;
			if (mine)
				add_rule(r, value, tolower((unsigned char)
				    key[0]) == 'a');
		} else if (strcasecmp(key, "crawl-delay") == 0 && mine) {
			long d = strtol(value, NULL, 10);

			had_rules = 1;
			if (d > 0)
				r->crawl_delay = d > 86400 ? 86400 :
				    (unsigned)d;
		}
	}
	return seen;
}

struct robots *
robots_parse(const char *txt, size_t len, const char *agent)
{
	struct robots *r = xcalloc(1, sizeof(*r));

	r->all = -1;
	if (len > ROBOTS_MAX_SIZE)
		len = ROBOTS_MAX_SIZE;
	if (!collect(r, txt, len, agent, 1))
		collect(r, txt, len, agent, 0);
	return r;
}

struct robots *
robots_all(int allow)
{
	struct robots *r = xcalloc(1, sizeof(*r));

	r->all = allow ? 1 : 0;
	return r;
}

int
robots_allowed(const struct robots *r, const char *path)
{
	const struct rule *best = NULL;
	char *norm;
	size_t i, n;

	if (r->all >= 0)
		return r->all || strcmp(path, "/robots.txt") == 0;
	if (*path == '\0')
		path = "/";
	if (strcmp(path, "/robots.txt") == 0)
		return 1;
	n = strlen(path);
	if (n > ROBOTS_MAX_PATH)
		n = ROBOTS_MAX_PATH;
	norm = normalize(path, n, 3 * n + 1);
	for (i = 0; i < r->nrules; i++) {
		const struct rule *ru = &r->rules[i];

		if (best != NULL && (ru->len < best->len ||
		    (ru->len == best->len && !ru->allow)))
			continue;
		if (match(ru->pattern, norm))
			best = ru;
	}
	free(norm);
	return best == NULL || best->allow;
}

unsigned
robots_crawl_delay(const struct robots *r)
{
	return r->crawl_delay;
}

void
robots_free(struct robots *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nrules; i++)
		free(r->rules[i].pattern);
	free(r->rules);
	free(r);
}
