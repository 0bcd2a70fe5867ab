/*
 * date.c: reading the dates that feeds carry, without the C library's
 * locale-dependent helpers (no strptime %a/%b, no mktime or timegm).
 *
 * Two readers, tried in order:
 *
 * - iso_parse: RFC 3339, ISO 8601 (basic and extended) and W3C-DTF with
 *   reduced precision (YYYY, YYYY-MM, YYYY-MM-DD, ...T hh:mm[:ss[.f]]
 *   [Z|+hh[:mm]]), T or a space between date and time.
 * - loose_parse: everything else that names its fields with words or
 *   punctuation: RFC 822/1123/850 and their real-world variants, asctime,
 *   "2006/09/15 08:19:53 EDT", and month names in English, French,
 *   German, Spanish, Portuguese, Italian, Dutch, Russian, Greek, Hungarian
 *   (and the Korean and CJK year/month/day markers).  The string is cut
 *   into tokens (numbers, words, times, signed offsets); each word must be
 *   a month, a weekday, a zone, am/pm or a known filler word, otherwise
 *   the date is refused rather than guessed.
 *
 * Rules taken from feedparser (its rfc822.py and w3dtf.py): the weekday is
 * ignored (even when wrong, even "Fri,24"); day and month may come in
 * either order; two-digit years below 90 are 20xx, others 19xx; missing
 * seconds are 0; a missing time is 00:00:00; a missing zone is UTC; an
 * unknown alphabetic zone after the time is UTC; "Etc/" is dropped;
 * GMT+3 / UTC-05:00 carry an offset.  Unlike feedparser, European and
 * Asian zone abbreviations (CET, CEST, BST, JST, ...) get their real
 * offset rather than 0, "Etc/GMT+3" is read like "GMT+3" (the POSIX sign
 * inversion is not what feed authors mean), and all RFC 822 military
 * letters are known.
 *
 * Ranges are checked: month 1-12, the day against the month's length
 * (leap years included), hour 0-23, minute 0-59, second 0-60 where a leap
 * second 60 is read as 59 (so the instant stays within its minute), zone
 * offsets up to 23:59.  Years are 0-9999, of the instant in UTC as well
 * as of the date as written.  Everything is locale-free and
 * works on bytes; names are matched after a small UTF-8 case fold that
 * covers Latin-1, Greek and Cyrillic capitals.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "base/util.h"

#define DATE_MAXTOK	32
#define DATE_WORDMAX	64

enum tok_kind {
	TK_NUM,		/* digits; len = number of digits */
	TK_WORD,	/* letters (folded into word) */
	TK_TIME,	/* hh:mm[:ss[.f]] */
	TK_OFFSET,	/* +hh[[:]mm] seen after the time */
	TK_COMMA,
	TK_SLASH,
	TK_DASH
};

struct tok {
	enum tok_kind	 kind;
	long		 num;
	int		 len;
	int		 h, m, s;	/* TK_TIME */
	int		 off;		/* TK_OFFSET, seconds east */
	char		 word[DATE_WORDMAX];
};

struct name {
	const char	*s;
	int		 v;
};

/*
 * Month names: full names (and genitives) match by any prefix of at least
 * three characters; entries marked with a leading '=' must match whole.
 */
static const struct name months[] = {
	/* English */
	{ "january", 1 }, { "february", 2 }, { "march", 3 }, { "april", 4 },
	{ "may", 5 }, { "june", 6 }, { "july", 7 }, { "august", 8 },
	{ "september", 9 }, { "october", 10 }, { "november", 11 },
	{ "december", 12 },
	/* French */
	{ "janvier", 1 }, { "février", 2 }, { "fevrier", 2 }, { "mars", 3 },
	{ "avril", 4 }, { "=mai", 5 }, { "juin", 6 }, { "juillet", 7 },
	{ "août", 8 }, { "aout", 8 }, { "septembre", 9 }, { "octobre", 10 },
	{ "novembre", 11 }, { "décembre", 12 },
	/* German */
	{ "januar", 1 }, { "jänner", 1 }, { "februar", 2 }, { "märz", 3 },
	{ "maerz", 3 }, { "=mrz", 3 }, { "juni", 6 }, { "juli", 7 },
	{ "oktober", 10 }, { "dezember", 12 },
	/* Spanish */
	{ "enero", 1 }, { "febrero", 2 }, { "marzo", 3 }, { "abril", 4 },
	{ "mayo", 5 }, { "junio", 6 }, { "julio", 7 }, { "agosto", 8 },
	{ "septiembre", 9 }, { "setiembre", 9 }, { "octubre", 10 },
	{ "noviembre", 11 }, { "diciembre", 12 },
	/* Portuguese */
	{ "janeiro", 1 }, { "fevereiro", 2 }, { "março", 3 }, { "maio", 5 },
	{ "junho", 6 }, { "julho", 7 }, { "setembro", 9 }, { "outubro", 10 },
	{ "novembro", 11 }, { "dezembro", 12 },
	/* Italian */
	{ "gennaio", 1 }, { "febbraio", 2 }, { "aprile", 4 }, { "maggio", 5 },
	{ "giugno", 6 }, { "luglio", 7 }, { "settembre", 9 },
	{ "ottobre", 10 },
	{ "dicembre", 12 },
	/* Dutch */
	{ "januari", 1 }, { "februari", 2 }, { "maart", 3 }, { "=mrt", 3 },
	{ "=mei", 5 }, { "augustus", 8 },
	/* Russian, nominative and genitive, and short forms */
	{ "январь", 1 }, { "января", 1 }, { "февраль", 2 }, { "февраля", 2 },
	{ "март", 3 }, { "марта", 3 }, { "апрель", 4 }, { "апреля", 4 },
	{ "=май", 5 }, { "=мая", 5 }, { "июнь", 6 }, { "июня", 6 },
	{ "июль", 7 }, { "июля", 7 }, { "август", 8 }, { "августа", 8 },
	{ "сентябрь", 9 }, { "сентября", 9 }, { "октябрь", 10 },
	{ "октября", 10 }, { "ноябрь", 11 }, { "ноября", 11 },
	{ "декабрь", 12 }, { "декабря", 12 }, { "=фев", 2 }, { "=сен", 9 },
	/* Greek (feedparser's table) */
	{ "=ιαν", 1 }, { "=φεβ", 2 }, { "=μάρ", 3 }, { "=μαρ", 3 },
	{ "=απρ", 4 }, { "=μάι", 5 }, { "=μαϊ", 5 }, { "=μαι", 5 },
	{ "=ιούν", 6 }, { "=ιον", 6 }, { "=ιούλ", 7 }, { "=ιολ", 7 },
	{ "=αύγ", 8 }, { "=αυγ", 8 }, { "=σεπ", 9 }, { "=οκτ", 10 },
	{ "=νοέ", 11 }, { "=νοε", 11 }, { "=δεκ", 12 },
	/* Hungarian */
	{ "január", 1 }, { "február", 2 }, { "februári", 2 },
	{ "március", 3 }, { "április", 4 }, { "május", 5 }, { "máujus", 5 },
	{ "június", 6 }, { "július", 7 }, { "augusztus", 8 },
	{ "szeptember", 9 }, { "október", 10 },
};

/* Weekdays only need recognizing; same prefix rule as months. */
static const struct name weekdays[] = {
	{ "monday", 1 }, { "tuesday", 2 }, { "wednesday", 3 },
	{ "thursday", 4 }, { "friday", 5 }, { "saturday", 6 },
	{ "sunday", 0 }, { "=tues", 2 }, { "=thur", 4 }, { "=thurs", 4 },
	{ "lundi", 1 }, { "mardi", 2 }, { "mercredi", 3 }, { "jeudi", 4 },
	{ "vendredi", 5 }, { "samedi", 6 }, { "dimanche", 0 },
	{ "montag", 1 }, { "dienstag", 2 }, { "mittwoch", 3 },
	{ "donnerstag", 4 }, { "freitag", 5 }, { "samstag", 6 },
	{ "sonnabend", 6 }, { "sonntag", 0 }, { "=mo", 1 }, { "=di", 2 },
	{ "=mi", 3 }, { "=do", 4 }, { "=fr", 5 }, { "=sa", 6 }, { "=so", 0 },
	{ "lunes", 1 }, { "martes", 2 }, { "miércoles", 3 },
	{ "miercoles", 3 }, { "jueves", 4 }, { "viernes", 5 },
	{ "sábado", 6 }, { "sabado", 6 }, { "domingo", 0 },
	{ "segunda", 1 }, { "terça", 2 }, { "terca", 2 }, { "quarta", 3 },
	{ "quinta", 4 }, { "sexta", 5 }, { "feira", 1 },
	{ "lunedì", 1 }, { "lunedi", 1 }, { "martedì", 2 }, { "martedi", 2 },
	{ "mercoledì", 3 }, { "mercoledi", 3 }, { "giovedì", 4 },
	{ "giovedi", 4 }, { "venerdì", 5 }, { "venerdi", 5 },
	{ "=sab", 6 }, { "=dom", 0 },
	{ "maandag", 1 }, { "dinsdag", 2 }, { "woensdag", 3 },
	{ "donderdag", 4 }, { "vrijdag", 5 }, { "zaterdag", 6 },
	{ "zondag", 0 }, { "=ma", 1 }, { "=wo", 3 }, { "=vr", 5 },
	{ "=za", 6 }, { "=zo", 0 },
	{ "понедельник", 1 }, { "вторник", 2 }, { "среда", 3 },
	{ "четверг", 4 }, { "пятница", 5 }, { "суббота", 6 },
	{ "воскресенье", 0 }, { "=пн", 1 }, { "=вт", 2 }, { "=ср", 3 },
	{ "=чт", 4 }, { "=пт", 5 }, { "=сб", 6 }, { "=вс", 0 },
	{ "=κυρ", 0 }, { "=δευ", 1 }, { "=τρι", 2 }, { "=τετ", 3 },
	{ "=πεμ", 4 }, { "=παρ", 5 }, { "=σαβ", 6 },
	{ "hétfő", 1 }, { "kedd", 2 }, { "szerda", 3 }, { "csütörtök", 4 },
	{ "péntek", 5 }, { "szombat", 6 }, { "vasárnap", 0 },
};

/* Zone names, offsets in minutes east of UTC.  feedparser's set first. */
static const struct name zones[] = {
	{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 },
	{ "adt", -180 }, { "ast", -240 }, { "at", -240 }, { "edt", -240 },
	{ "est", -300 }, { "et", -300 }, { "cdt", -300 }, { "cst", -360 },
	{ "ct", -360 }, { "mdt", -360 }, { "mst", -420 }, { "mt", -420 },
	{ "pdt", -420 }, { "pst", -480 }, { "pt", -480 }, { "met", 60 },
	{ "mest", 120 }, { "akst", -540 }, { "akdt", -480 }, { "hst", -600 },
	{ "nst", -210 }, { "ndt", -150 }, { "wet", 0 }, { "west", 60 },
	{ "bst", 60 }, { "cet", 60 }, { "cest", 120 }, { "eet", 120 },
	{ "eest", 180 }, { "msk", 180 }, { "ist", 330 }, { "hkt", 480 },
	{ "sgt", 480 }, { "awst", 480 }, { "jst", 540 }, { "kst", 540 },
	{ "acst", 570 }, { "aest", 600 }, { "aedt", 660 }, { "nzst", 720 },
	{ "nzdt", 780 },
};

/* Words that may sit between the fields and mean nothing here. */
static const char *const fillers[] = {
	"de", "del", "at", "à", "às", "um", "le", "der", "den", "el", "of",
	"the", "st", "nd", "rd", "th", "er", "г", "года", "в",
	"년", "월", "일", "年", "月", "日",
};

/* Lower case for the scripts the name tables use. */
static uint32_t
fold(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 32;
	if (c >= 0x391 && c <= 0x3ab && c != 0x3a2)
		return c + 32;
	if (c == 0x386)
		return 0x3ac;
	if (c >= 0x388 && c <= 0x38a)
		return c + 37;
	if (c == 0x38c)
		return 0x3cc;
	if (c == 0x38e || c == 0x38f)
		return c + 63;
	if (c >= 0x410 && c <= 0x42f)
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	return c;
}

static int
is_word_start(const unsigned char *s, size_t n)
{
	uint32_t c;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return isalpha(s[0]);
	/* Any valid non-ASCII letter-ish code point counts as a letter. */
	return utf8_decode(s, n, &c) > 0 && c != 0xa0;
}

/* Number of UTF-8 characters in s. */
static size_t
u8len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Looks word up in a name table: whole match for '='-entries, otherwise
 * a prefix of at least three characters (two for none).  Returns the
 * value or -1.
 */
static int
lookup(const struct name *t, size_t nt, const char *w)
{
	size_t i, wl = strlen(w);
	int prefix_ok = u8len(w) >= 3;

	/* Every match starts with w's first byte: that test alone skips
	 * most entries (this runs for every date of every entry). */
	for (i = 0; i < nt; i++) {
		const char *s = t[i].s;

		if (s[0] == '=') {
			if (s[1] == w[0] && strcmp(s + 1, w) == 0)
				return t[i].v;
			continue;
		}
		if (s[0] != w[0])
			continue;
		if (strcmp(s, w) == 0)
			return t[i].v;
		if (prefix_ok && wl < strlen(s) && strncmp(s, w, wl) == 0)
			return t[i].v;
	}
	return -1;
}

static int
zone_lookup(const char *w)
{
	size_t i;

	for (i = 0; i < NELEM(zones); i++)
		if (strcmp(zones[i].s, w) == 0)
			return zones[i].v;
	/*
	 * RFC 822 military zones: A-I are -1..-9, K-M -10..-12, N-Y
	 * +1..+12, Z is UTC (RFC 822 section 5.1; feedparser agrees).
	 */
	if (w[0] >= 'a' && w[0] <= 'z' && w[1] == '\0' && w[0] != 'j') {
		int c = w[0];

		if (c <= 'i')
			return -(c - 'a' + 1) * 60;
		if (c <= 'm')
			return -(c - 'a') * 60;
		if (c <= 'y')
			return (c - 'n' + 1) * 60;
	}
	return -9999;
}

static int
is_filler(const char *w)
{
	size_t i;

	for (i = 0; i < NELEM(fillers); i++)
		if (strcmp(fillers[i], w) == 0)
			return 1;
	return 0;
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int64_t y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

int64_t
date_from_civil(int64_t year, int month, int day, int hour, int min, int sec)
{
	int64_t y, era, yoe, doy, doe, m;

	/* Howard Hinnant's days_from_civil. */
	y = year - (month <= 2);
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	m = month;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400 + (int64_t)hour * 3600 +
	    (int64_t)min * 60 + sec;
}

/* The instants a date may name: 0000-01-01T00:00:00Z to
 * 9999-12-31T23:59:59Z.  A zone offset can carry a date in year 0 or
 * 9999 past either end, and such an instant has no four-digit RFC 3339
 * form to be read back from. */
#define DATE_FIRST	((int64_t)-62167219200LL)
#define DATE_LAST	((int64_t)253402300799LL)

/* Validates the fields and computes the instant; offset in seconds east. */
static int
finish(int64_t y, int mo, int d, int h, int mi, int s, int off, int64_t *t)
{
	int64_t u;

	if (y < 0 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > month_days(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    s < 0 || s > 60)
		return -1;
	if (s == 60)
		s = 59;		/* a leap second stays in its minute */
	u = date_from_civil(y, mo, d, h, mi, s) - off;
	if (u < DATE_FIRST || u > DATE_LAST)
		return -1;
	*t = u;
	return 0;
}

/* Reads exactly n digits at *p; returns the value or -1. */
static int
digits(const char **p, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

static size_t
ndigits(const char *p)
{
	size_t n = 0;

	while (isdigit((unsigned char)p[n]))
		n++;
	return n;
}

/*
 * ISO 8601 / RFC 3339 / W3C-DTF.  Returns 0 with *t set, or -1 if s does
 * not have this shape (the loose reader then gets its chance).
 */
static int
iso_parse(const char *p, int64_t *t)
{
	int y, mo = 1, d = 1, h = 0, mi = 0, s = 0, off = 0;
	size_t n;

	n = ndigits(p);
	if (n == 8) {
		y = digits(&p, 4);
		mo = digits(&p, 2);
		d = digits(&p, 2);
	} else if (n == 4) {
		y = digits(&p, 4);
		if (*p == '-') {
			p++;
			if (ndigits(p) != 2)
				return -1;
			mo = digits(&p, 2);
			if (*p == '-') {
				p++;
				if (ndigits(p) != 2)
					return -1;
				d = digits(&p, 2);
			} else if (*p != '\0')
				return -1;
		} else if (*p != '\0')
			return -1;
	} else
		return -1;

	if (*p == 'T' || *p == 't' || (*p == ' ' &&
	    isdigit((unsigned char)p[1]))) {
		p++;
		n = ndigits(p);
		if (n == 2) {
			h = digits(&p, 2);
			if (*p == ':') {
				p++;
				if ((mi = digits(&p, 2)) < 0)
					return -1;
				if (*p == ':') {
					p++;
					if ((s = digits(&p, 2)) < 0)
						return -1;
				}
			}
		} else if (n == 4 || n == 6) {
			h = digits(&p, 2);
			mi = digits(&p, 2);
			if (n == 6)
				s = digits(&p, 2);
		} else
			return -1;
		if ((*p == '.' || *p == ',') && isdigit((unsigned char)p[1])) {
			p++;
			p += ndigits(p);	/* whole seconds only */
		}
		if (*p == ' ' && (p[1] == '+' || p[1] == '-' || p[1] == 'Z'))
			p++;
		if (*p == 'Z' || *p == 'z')
			p++;
		else if (*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1, oh, om = 0;

			p++;
			if ((oh = digits(&p, 2)) < 0)
				return -1;
			if (*p == ':')
				p++;
			if (isdigit((unsigned char)*p) &&
			    (om = digits(&p, 2)) < 0)
				return -1;
			if (oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p != '\0')
		return -1;
	return finish(y, mo, d, h, mi, s, off, t);
}

/* A numeric zone offset after the time: "+2", "-05:00", "+0530". */
static int
tok_offset(const char **pp, struct tok *k)
{
	const char *p = *pp;
	int sign = *p == '-' ? -1 : 1, oh, om = 0;
	size_t nd;

	p++;
	nd = ndigits(p);
	if (nd == 1 || nd == 2) {
		oh = digits(&p, (int)nd);
		if (*p == ':') {
			p++;
			if ((om = digits(&p, 2)) < 0)
				return -1;
		}
	} else if (nd == 3 || nd == 4) {
		oh = digits(&p, (int)nd - 2);
		om = digits(&p, 2);
	} else
		return -1;
	if (oh > 23 || om > 59)
		return -1;
	k->kind = TK_OFFSET;
	k->off = sign * (oh * 3600 + om * 60);
	*pp = p;
	return 0;
}

/* A time ("9:15", "09:15:30.25", French "14h30") or a number. */
static int
tok_digits(const char **pp, struct tok *k, int *seen_time)
{
	const char *p = *pp;
	size_t nd = ndigits(p);

	if (p[nd] == ':') {
		int v[3] = { 0, 0, 0 }, i;

		if (nd > 2)
			return -1;
		v[0] = digits(&p, (int)nd);
		for (i = 1; i < 3 && *p == ':'; i++) {
			p++;
			if (ndigits(p) != 2)
				return -1;
			v[i] = digits(&p, 2);
		}
		if (*p == '.' && isdigit((unsigned char)p[1])) {
			p++;
			p += ndigits(p);
		}
		k->kind = TK_TIME;
		k->h = v[0];
		k->m = v[1];
		k->s = v[2];
		*seen_time = 1;
	} else if (nd <= 2 && (p[nd] == 'h' || p[nd] == 'H') &&
	    ndigits(p + nd + 1) == 2 && !*seen_time) {
		k->kind = TK_TIME;
		k->h = digits(&p, (int)nd);
		p++;
		k->m = digits(&p, 2);
		*seen_time = 1;
	} else {
		if (nd > 9)
			return -1;
		k->kind = TK_NUM;
		k->len = (int)nd;
		k->num = digits(&p, (int)nd);
	}
	*pp = p;
	return 0;
}

/* A word, case-folded; returns 1 for a token, 0 for one that carries
 * nothing ("Etc/", the "T" of 2004-július-13T9:15), -1 on junk. */
static int
tok_word(const char **pp, struct tok *k)
{
	const char *p = *pp;
	size_t wl = 0;
	uint32_t c;
	int cl;

	while ((cl = is_word_start((const unsigned char *)p, strlen(p)) ?
	    utf8_decode((const unsigned char *)p, strlen(p), &c) : 0) > 0) {
		if (wl + 5 >= sizeof(k->word))
			return -1;
		wl += utf8_encode(fold(c), k->word + wl);
		p += cl;
	}
	k->word[wl] = '\0';
	*pp = p;
	if (strcmp(k->word, "etc") == 0 && *p == '/') {
		*pp = p + 1;
		return 0;
	}
	if (strcmp(k->word, "t") == 0 && isdigit((unsigned char)*p))
		return 0;
	k->kind = TK_WORD;
	return 1;
}

/* Cuts s into tokens; returns their number or -1 on junk. */
static int
tokenize(const char *s, struct tok *tk, int max)
{
	const char *p = s;
	int n = 0, seen_time = 0, rc;

	while (*p != '\0') {
		struct tok *k = &tk[n];

		if (n >= max)
			return -1;
		memset(k, 0, sizeof(*k));
		if (isspace((unsigned char)*p) || *p == '.') {
			p++;
			continue;
		}
		if (*p == '(') {	/* RFC 822 comment, e.g. "(CET)" */
			while (*p != '\0' && *p != ')')
				p++;
			if (*p == ')')
				p++;
			continue;
		}
		if (*p == ',' || *p == '/' ||
		    (*p == '-' && !(seen_time &&
		    isdigit((unsigned char)p[1])))) {
			k->kind = *p == ',' ? TK_COMMA : *p == '/' ?
			    TK_SLASH : TK_DASH;
			p++;
		} else if (*p == '+' || *p == '-') {
			if (!seen_time || !isdigit((unsigned char)p[1]) ||
			    tok_offset(&p, k) == -1)
				return -1;
		} else if (isdigit((unsigned char)*p)) {
			if (tok_digits(&p, k, &seen_time) == -1)
				return -1;
		} else if (is_word_start((const unsigned char *)p,
		    strlen(p))) {
			if ((rc = tok_word(&p, k)) == -1)
				return -1;
			if (rc == 0)
				continue;
		} else
			return -1;
		n++;
	}
	return n;
}

static int
year_of(const struct tok *k)
{
	if (k->len <= 2)
		return (int)k->num + (k->num < 90 ? 2000 : 1900);
	if (k->len == 3)
		return (int)k->num + 1900;	/* RFC 2822 section 4.3 */
	if (k->len == 4)
		return (int)k->num;
	return -1;
}

/* What loose_parse has gathered from the tokens so far. */
struct loose {
	const struct tok *nums[4];
	int nnum;
	int month, amb_month;
	int h, mi, sec, have_time, ampm;
	int off, have_zone, have_offset, korean;
};

/* Token i, a word: a month, a weekday, am/pm, a filler or a zone.
 * Returns 0, or -1 when the string is not a date. */
static int
loose_word(struct loose *st, const struct tok *tk, int i, int n)
{
	const struct tok *k = &tk[i];
	int v, wd;

	v = lookup(months, NELEM(months), k->word);
	wd = lookup(weekdays, NELEM(weekdays),
	    k->word);
	if (v > 0 && wd >= 0) {
		/* "mar" is March and Spanish Tuesday. */
		if (st->amb_month < 0)
			st->amb_month = v;
		return 0;
	}
	if (v > 0) {
		if (st->month > 0 && st->month != v)
			return -1;
		st->month = v;
		return 0;
	}
	if (wd >= 0)
		return 0;
	if (strcmp(k->word, "am") == 0 || strcmp(k->word, "오전") == 0) {
		if (!st->have_time)
			return -1;
		st->ampm = 1;
		st->korean |= k->word[0] != 'a';
		return 0;
	}
	if (strcmp(k->word, "pm") == 0 || strcmp(k->word, "오후") == 0) {
		st->ampm = 2;
		st->korean |= k->word[0] != 'p';
		return 0;
	}
	if (strcmp(k->word, "년") == 0)
		st->korean = 1;
	if (is_filler(k->word))
		return 0;
	v = zone_lookup(k->word);
	if (v == -9999 || (strlen(k->word) == 1 && !st->have_time)) {
		/* An unknown alphabetic zone after the time counts as
		 * UTC, as in feedparser. */
		if (st->have_time && !st->have_zone &&
		    strlen(k->word) <= 5 &&
		    (i + 1 == n || tk[i + 1].kind == TK_NUM)) {
			st->have_zone = 1;
			return 0;
		}
		return -1;
	}
	if (!st->have_zone) {
		st->have_zone = 1;
		st->off = v * 60;
	}
	return 0;
}

/* The date the gathered parts name, into *t; 0 or -1. */
static int
loose_finish(struct loose *st, int64_t *t)
{
	int y, d, mo;

	if (st->month < 0)
		st->month = st->amb_month;
	if (st->ampm != 0) {
		if (st->h < 1 || st->h > 12)
			return -1;
		if (st->ampm == 1 && st->h == 12)
			st->h = 0;
		else if (st->ampm == 2 && st->h != 12)
			st->h += 12;
	}
	if (st->korean && !st->have_zone)
		st->off = 9 * 3600;
	if (st->month > 0) {
		if (st->nnum != 2)
			return -1;
		if (st->nums[0]->len >= 3) {
			y = year_of(st->nums[0]);
			d = st->nums[1]->len <= 2 ? (int)st->nums[1]->num : -1;
		} else {
			d = (int)st->nums[0]->num;
			y = year_of(st->nums[1]);
		}
		mo = st->month;
	} else {
		/* Numeric: only year first (2006/09/15, 2004년 05월 28일). */
		if (st->nnum != 3 || st->nums[0]->len != 4 ||
		    st->nums[1]->len > 2 || st->nums[2]->len > 2)
			return -1;
		y = (int)st->nums[0]->num;
		mo = (int)st->nums[1]->num;
		d = (int)st->nums[2]->num;
	}
	if (y < 0 || d < 0)
		return -1;
	return finish(y, mo, d, st->h, st->mi, st->sec, st->off, t);
}

static int
loose_parse(const char *s, int64_t *t)
{
	struct tok tk[DATE_MAXTOK];
	struct loose st;
	int n, i;

	memset(&st, 0, sizeof(st));
	st.month = st.amb_month = -1;
	n = tokenize(s, tk, DATE_MAXTOK);
	if (n <= 0)
		return -1;
	for (i = 0; i < n; i++) {
		const struct tok *k = &tk[i];

		switch (k->kind) {
		case TK_NUM:
			if (st.nnum == 4)
				return -1;
			st.nums[st.nnum++] = k;
			break;
		case TK_TIME:
			if (st.have_time)
				return -1;
			st.have_time = 1;
			st.h = k->h;
			st.mi = k->m;
			st.sec = k->s;
			break;
		case TK_OFFSET:
			/* "GMT+3" adds to the zero zone just named; a
			 * numeric offset beats any name ("-0500 EST"). */
			if (st.have_offset++)
				return -1;
			st.have_zone = 1;
			st.off = k->off;
			break;
		case TK_WORD:
			if (loose_word(&st, tk, i, n) == -1)
				return -1;
			break;
		default:
			break;
		}
	}
	return loose_finish(&st, t);
}

int
date_parse(const char *s, int64_t *t)
{
	char buf[256];
	size_t i, n;

	if (s == NULL)
		return -1;
	n = str_trim_span(s, strlen(s), WS_SPACE, &i);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s + i, n);
	buf[n] = '\0';
	if (iso_parse(buf, t) == 0)
		return 0;
	return loose_parse(buf, t);
}

/* Hinnant's civil_from_days. */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

struct civil {
	int64_t	y, days;
	int	m, d, hh, mm, ss;
};

/* Outside about +-95 million years the output would not fit: clamp. */
#define DATE_TMAX	((int64_t)3000000000000000LL)

static void
split(int64_t t, struct civil *c)
{
	int64_t days, rem;

	if (t > DATE_TMAX)
		t = DATE_TMAX;
	if (t < -DATE_TMAX)
		t = -DATE_TMAX;
	days = t / 86400;
	rem = t % 86400;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &c->y, &c->m, &c->d);
	c->days = days;
	c->hh = (int)(rem / 3600);
	c->mm = (int)(rem / 60 % 60);
	c->ss = (int)(rem % 60);
}

/* Years keep four digits; before year 0 a sign, as ISO 8601 expands. */
static const char *
year_fmt(int64_t y, char *out, size_t n)
{
	char tmp[24];
	size_t i = 0, j = 0;
	uint64_t u = y < 0 ? (uint64_t)0 - (uint64_t)y : (uint64_t)y;

	do {
		tmp[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0 && i < sizeof(tmp));
	while (i < 4)
		tmp[i++] = '0';
	if (y < 0 && j + 1 < n)
		out[j++] = '-';
	while (i > 0 && j + 1 < n)
		out[j++] = tmp[--i];
	out[j] = '\0';
	return out;
}

char *
date_format_rfc3339(int64_t t, char *out)
{
	struct civil c;
	char yb[12];

	split(t, &c);
	snprintf(out, DATE_RFC3339_LEN, "%s-%02d-%02dT%02d:%02d:%02dZ",
	    year_fmt(c.y, yb, sizeof(yb)), c.m, c.d, c.hh, c.mm, c.ss);
	return out;
}

char *
date_format_rfc822(int64_t t, char *out)
{
	static const char wd[7][4] = { "Thu", "Fri", "Sat", "Sun", "Mon",
	    "Tue", "Wed" };
	static const char mn[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct civil c;
	char yb[12];
	int64_t w;

	split(t, &c);
	w = c.days % 7;		/* 1970-01-01 was a Thursday */
	if (w < 0)
		w += 7;
	snprintf(out, DATE_RFC822_LEN, "%s, %02d %s %s %02d:%02d:%02d +0000",
	    wd[w], c.d, mn[c.m - 1], year_fmt(c.y, yb, sizeof(yb)), c.hh,
	    c.mm, c.ss);
	return out;
}
