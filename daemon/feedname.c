/*
 * feedname.c: feed names and subscription URLs (see feedname.h).
 *
 * Names are keys in the database, the logs and URLs (?feed=NAME), so
 * they are kept to a small alphabet that needs no quoting anywhere.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "feedname.h"
#include "base/util.h"

int
feedname_valid(const char *name)
{
	const char *p;

	if (*name == '\0')
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-_.", *p) == NULL)
			return 0;
	return 1;
}

char *
feedname_slug(const char *s, size_t max)
{
	/* U+00C0..U+00FF (two bytes in UTF-8, the first 0xc3); '-' for
	 * the two signs among them. */
	static const char latin1[] = "aaaaaaaceeeeiiiidnooooo-ouuuuyts"
	    "aaaaaaaceeeeiiiidnooooo-ouuuuyty";
	char *out;
	size_t n = 0;
	int dash = 0;
	unsigned char c;

	out = xmalloc(max + 1);
	for (; *s != '\0' && n < max; s++) {
		c = (unsigned char)*s;
		if ((c == 0xc3) && ((unsigned char)s[1] & 0xc0) == 0x80) {
			c = (unsigned char)latin1[(unsigned char)s[1] & 0x3f];
			s++;
		}
		if (c < 0x80 && isalnum(c)) {
			if (dash && n > 0)
				out[n++] = '-';
			if (n < max)
				out[n++] = (char)tolower(c);
			dash = 0;
		} else
			dash = 1;
	}
	out[n] = '\0';
	return out;
}

int
feedname_url_ok(const char *url)
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
