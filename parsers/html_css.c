/*
 * html_css.c: style attributes, filtered by feedparser's sanitize_style
 * rules without regular expressions: url(...) goes, the whole value must
 * pass feedparser's "gauntlet" of allowed characters and shapes, and
 * then each declaration is kept only if its property is allowed
 * (html_allow.c's CSS lists) or is a background/border/margin/padding
 * shorthand whose every keyword is allowed or a plain length or colour.
 * Each test is a linear scan (the gauntlet by dynamic programming over
 * positions), so hostile values cost no more than their length.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "html_allow.h"
#include "html_int.h"
#include "base/util.h"

static int
css_word(int c)
{
	/* Python's \w on text: letters, digits, _ and non-ASCII. */
	return isalnum(c) || c == '_' || c >= 0x80;
}

static int
css_space(int c)
{
	return html_is_space(c);
}

/* Removes url(...) (feedparser: url\s*\(\s*[^\s)]+?\s*\)\s* -> " "). */
static char *
css_strip_urls(const char *in)
{
	struct buf b;
	size_t i = 0, n = strlen(in);

	/* At most in's length: url(...) only goes. */
	buf_init(&b, BUF_UNCAPPED);
	while (i < n) {
		if (strncmp(in + i, "url", 3) == 0) {
			size_t j = i + 3, k;

			while (j < n && css_space((unsigned char)in[j]))
				j++;
			if (j < n && in[j] == '(') {
				j++;
				while (j < n &&
				    css_space((unsigned char)in[j]))
					j++;
				k = j;
				while (k < n && in[k] != ')' &&
				    !css_space((unsigned char)in[k]))
					k++;
				if (k > j) {
					while (k < n &&
					    css_space((unsigned char)in[k]))
						k++;
					if (k < n && in[k] == ')') {
						k++;
						while (k < n && css_space(
						    (unsigned char)in[k]))
							k++;
						buf_addch(&b, ' ');
						i = k;
						continue;
					}
				}
			}
		}
		buf_addch(&b, in[i]);
		i++;
	}
	return buf_steal(&b);
}

/*
 * feedparser's gauntlet: the style must be a sequence of
 *   [:,;#%.\sa-zA-Z0-9!] | \w-\w | '[\s\w]+' | "[\s\w]+" | \([\d,\s]+\)
 * Decided by dynamic programming over positions (linear).
 */
static int
css_gauntlet(const char *st)
{
	const unsigned char *s = (const unsigned char *)st;
	size_t n = strlen(st), i, j;
	unsigned char *reach;
	int ok;

	reach = xcalloc(n + 1, 1);
	reach[0] = 1;
	for (i = 0; i < n; i++) {
		if (!reach[i])
			continue;
		if (strchr(":,;#%.!", s[i]) != NULL || css_space(s[i]) ||
		    (s[i] < 0x80 && isalnum(s[i])))
			reach[i + 1] = 1;
		if (i + 2 < n && css_word(s[i]) && s[i + 1] == '-' &&
		    css_word(s[i + 2]))
			reach[i + 3] = 1;
		if (s[i] == '\'' || s[i] == '"') {
			for (j = i + 1; j < n && (css_word(s[j]) ||
			    css_space(s[j])); j++)
				;
			if (j > i + 1 && j < n && s[j] == s[i])
				reach[j + 1] = 1;
		}
		if (s[i] == '(') {
			for (j = i + 1; j < n && (isdigit(s[j]) ||
			    s[j] == ',' || css_space(s[j])); j++)
				;
			if (j > i + 1 && j < n && s[j] == ')')
				reach[j + 1] = 1;
		}
	}
	ok = reach[n];
	free(reach);
	return ok;
}

/* feedparser's valid_css_values, anchored:
 * #[0-9a-f]+ | rgb\(\d+%?,\d*%?,?\d*%?\)? |
 * \d{0,2}\.?\d{0,2}(cm|em|ex|in|mm|pc|pt|px|%|,|\))? */
static int
css_valid_value(const char *v)
{
	static const char *const units[] = { "cm", "em", "ex", "in", "mm",
	    "pc", "pt", "px", "%", ",", ")", "" };
	const char *p;
	size_t i, k;

	if (v[0] == '#' && v[1] != '\0') {
		for (p = v + 1; *p != '\0'; p++)
			if (!isdigit((unsigned char)*p) && (*p < 'a' ||
			    *p > 'f'))
				break;
		if (*p == '\0')
			return 1;
	}
	if (strncmp(v, "rgb(", 4) == 0) {
		p = v + 4;
		if (isdigit((unsigned char)*p)) {
			while (isdigit((unsigned char)*p))
				p++;
			if (*p == '%')
				p++;
			if (*p == ',') {
				p++;
				while (isdigit((unsigned char)*p))
					p++;
				if (*p == '%')
					p++;
				if (*p == ',')
					p++;
				while (isdigit((unsigned char)*p))
					p++;
				if (*p == '%')
					p++;
				if (*p == ')')
					p++;
				if (*p == '\0')
					return 1;
			}
		}
	}
	/*
	 * \d{0,2}\.?\d{0,2} then a unit: try every split the regex could
	 * make (the pattern is short, so brute force is cheap).
	 */
	for (k = 0; k < NELEM(units); k++) {
		size_t ul = strlen(units[k]), vl = strlen(v), nl, d1, d2;

		if (vl < ul || strcmp(v + vl - ul, units[k]) != 0)
			continue;
		nl = vl - ul;
		for (d1 = 0; d1 < nl && d1 < 2 &&
		    isdigit((unsigned char)v[d1]); d1++)
			;
		i = d1;
		if (i < nl && v[i] == '.')
			i++;
		for (d2 = 0; i < nl && d2 < 2 &&
		    isdigit((unsigned char)v[i]); d2++, i++)
			;
		if (i == nl)
			return 1;
	}
	return 0;
}

/*
 * Scans one declaration "\s*[-\w]+\s*:\s*[^:;]*;?" at s; sets the
 * property and value spans and returns the length, or 0.
 */
static size_t
css_decl(const char *s, const char **prop, size_t *plen, const char **val,
    size_t *vlen)
{
	size_t i = 0;

	while (css_space((unsigned char)s[i]))
		i++;
	*prop = s + i;
	while (css_word((unsigned char)s[i]) || s[i] == '-')
		i++;
	*plen = (size_t)(s + i - *prop);
	if (*plen == 0)
		return 0;
	while (css_space((unsigned char)s[i]))
		i++;
	if (s[i] != ':')
		return 0;
	i++;
	while (css_space((unsigned char)s[i]))
		i++;
	*val = s + i;
	while (s[i] != '\0' && s[i] != ':' && s[i] != ';')
		i++;
	*vlen = (size_t)(s + i - *val);
	if (s[i] == ';')
		i++;
	return i;
}

static int
css_keyword_ok(const char *v, size_t n)
{
	char w[64];
	size_t i = 0, j;

	while (i < n) {
		while (i < n && css_space((unsigned char)v[i]))
			i++;
		if (i == n)
			break;
		for (j = i; j < n && !css_space((unsigned char)v[j]); j++)
			;
		if (j - i >= sizeof(w))
			return 0;
		memcpy(w, v + i, j - i);
		w[j - i] = '\0';
		if (!allow_has(ALLOW_CSS_KEYWORD, w) && !css_valid_value(w))
			return 0;
		i = j;
	}
	return 1;
}

char *
html_css_clean(const char *style, int svg)
{
	struct buf out;
	char *s, prop[64];
	const char *p, *pr, *val;
	size_t plen, vlen, n, i;

	/* The declarations of style that are kept: about its length. */
	buf_init(&out, BUF_UNCAPPED);
	s = css_strip_urls(style);
	if (!css_gauntlet(s))
		goto done;
	/* Nothing but declarations may be left. */
	for (p = s; *p != '\0'; ) {
		n = css_decl(p, &pr, &plen, &val, &vlen);
		if (n == 0) {
			if (!css_space((unsigned char)*p))
				goto done;
			p++;
			continue;
		}
		p += n;
	}
	for (p = s; *p != '\0'; ) {
		n = css_decl(p, &pr, &plen, &val, &vlen);
		if (n == 0) {
			p++;
			continue;
		}
		p += n;
		if (vlen == 0 || plen >= sizeof(prop))
			continue;
		for (i = 0; i < plen; i++)
			prop[i] = (char)tolower((unsigned char)pr[i]);
		prop[plen] = '\0';
		if (svg && allow_has(ALLOW_SVG_CSS, prop))
			;
		else if (!allow_has(ALLOW_CSS_PROPERTY, prop)) {
			char *dash = strchr(prop, '-');

			if (dash != NULL)
				*dash = '\0';
			if ((strcmp(prop, "background") != 0 &&
			    strcmp(prop, "border") != 0 &&
			    strcmp(prop, "margin") != 0 &&
			    strcmp(prop, "padding") != 0) ||
			    !css_keyword_ok(val, vlen))
				continue;
		}
		if (out.len > 0)
			buf_addch(&out, ' ');
		buf_add(&out, pr, plen);
		buf_addstr(&out, ": ");
		buf_add(&out, val, vlen);
		buf_addch(&out, ';');
	}
done:
	free(s);
	return buf_steal(&out);
}
