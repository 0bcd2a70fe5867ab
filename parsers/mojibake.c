/*
 * mojibake.c: undoing one (or two) rounds of "UTF-8 read as windows-1252".
 *
 * A publisher whose pipeline decodes UTF-8 text as windows-1252 and
 * encodes the result as UTF-8 again turns each non-ASCII character of
 * n bytes into n characters: a lead letter (Â..ô, the windows-1252
 * reading of the bytes 0xC2..0xF4) followed by continuation characters
 * (the reading of 0x80..0xBF: € ‚ ƒ „ … ’ ” « » NBSP © ¤ ...).  Read
 * back as windows-1252 bytes, such a run is valid UTF-8 again: that run
 * is a *candidate*, and its repair is the character those bytes encode.
 * The five bytes windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90
 * 0x9D) come through as the C1 code points of the same value, and are
 * read back as those bytes ("Ñ\u008f" is "я").
 *
 * The rule, per string (a title, a summary, a content):
 *
 *   1. A candidate must repair to a character that text uses: never a
 *      control, IPA, private use or an obscure block (a combining mark
 *      only after a letter, as decomposed text has it).
 *   2. Nothing is touched unless one candidate is *sure*: a lead letter
 *      followed by a symbol that never follows a letter in real text
 *      ("Ã©", "Ã¼", "â€", "Ð¾", "ä¸"), "Â" followed by anything ("Â«":
 *      no language ends a word with Â), or "Ã" followed by anything
 *      where it cannot end a word, after a space or a symbol ("Ã\u00a0"
 *      for "à").  Symbols that do follow letters (closing quotes, », «,
 *      NBSP, …, dashes, superscripts, °, ®, ™) and the letters š ž Š Ž
 *      make a candidate merely *ambiguous*: "IRMÃ”", "VOCÊ…",
 *      "allé\u00a0»", "VÍŠ", "10 Å²" are Portuguese, French, Czech and
 *      physics as written.
 *   3. If no letter outside ASCII stands outside the candidates (the
 *      text round-trips through windows-1252 to valid UTF-8, give or
 *      take punctuation a template added: "[…]"), all candidates are
 *      repaired, the ambiguous ones too: the string is double-encoded
 *      through and through.
 *   4. Otherwise (a real "é" stands beside the candidates: text mixed
 *      from two sources, or cut mid-character) only the sure candidates
 *      are repaired.
 *   5. But a letter outside ASCII that touches a candidate without being
 *      part of one ("â€\u009dŠ") means the reading breaks down inside a
 *      word: such text is line noise, and is left as it is.
 *
 * Why it is safe: text as written contains a lead letter directly
 * followed by "©", "¤", "€", "¼", "­" and the like only by accident,
 * and rule 2 asks for that before anything changes; rule 3 then asks
 * that *every* other non-ASCII character fit the same reading, which
 * real Latin-1 text ("café", "Müller", "São") never does, since its
 * accented letters are followed by ASCII letters.  Text outside
 * windows-1252 (CJK, Cyrillic, Greek, mathematics) has no lead letters
 * at all and is never looked at past the first scan.  What stays wrong
 * is left wrong rather than guessed at: an ambiguous sequence in mixed
 * text, a sequence whose undefined byte was lost on the way.
 *
 * Each repair replaces n characters of two or three bytes by one
 * character of n bytes, so the text only shrinks and is rewritten in
 * place.  A string where no lead letter is followed by a continuation
 * character is dismissed by one strchr-driven scan (has_lead).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mojibake.h"
#include "base/util.h"

/* Up to three rounds of mangling are undone, one per pass. */
#define MOJIBAKE_PASSES	3

/* windows-1252 0x80..0x9F; 0 where the byte is undefined. */
static const uint16_t cp1252_high[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
};

/*
 * The continuation bytes (0x80..0xBF, bit b - 0x80) that make a
 * candidate ambiguous (rule 2).  Punctuation that closes a word (NBSP …
 * ‘ ’ “ ” – — › « »), and what else follows a letter as written: the
 * letters š ž Š Ž, superscripts and degrees ("10 Å²"), ® and ™.
 */
#define BIT(b)		(1ULL << ((b) - 0x80))
static const uint64_t follows_words =
	BIT(0xa0) | BIT(0x85) | BIT(0x91) | BIT(0x92) | BIT(0x93) |
	BIT(0x94) | BIT(0x96) | BIT(0x97) | BIT(0x9b) | BIT(0xab) |
	BIT(0xbb);
static const uint64_t follows_letters = follows_words |
	BIT(0x8a) | BIT(0x8e) | BIT(0x9a) | BIT(0x9e) |
	BIT(0xb2) | BIT(0xb3) | BIT(0xb9) | BIT(0xb0) | BIT(0xae) |
	BIT(0x99);

/* One character of the text: its length in bytes, its code point and
 * the windows-1252 byte it reads back as (-1: none). */
struct unit {
	size_t		len;
	uint32_t	cp;
	int		byte;
	int		valid;	/* valid UTF-8 */
};

/* One candidate: its length in the text and the bytes it stands for. */
struct candidate {
	size_t		len;
	unsigned char	out[4];
	size_t		nout;
	int		sure;
};

struct tally {
	size_t	sure;
	size_t	letters;	/* letters outside candidates (rule 3) */
	size_t	torn;		/* such letters touching a candidate (rule 5) */
	size_t	repaired;
};

static void
read_unit(const unsigned char *p, size_t left, struct unit *u)
{
	size_t i;

	u->len = utf8_decode(p, left, &u->cp);
	u->byte = -1;
	u->valid = u->len != 0;
	if (!u->valid) {
		u->len = 1;
		u->cp = *p;
		return;
	}
	if (u->cp < 0x100) {
		/* Latin-1, and the C1 code points: a Latin-1 decoder's
		 * output and windows-1252's five undefined bytes. */
		u->byte = (int)u->cp;
		return;
	}
	if (u->cp < 0x152 || u->cp > 0x2122)
		return;
	for (i = 0; i < 32; i++)
		if (cp1252_high[i] == u->cp) {
			u->byte = (int)(0x80 + i);
			return;
		}
}

/*
 * Is u a letter (of any script) rather than punctuation, a symbol or a
 * space?  Broad blocks are enough: rule 3 only asks whether text as
 * written stands beside the candidates, and a stray byte counts as such.
 */
static int
is_letter(const struct unit *u)
{
	uint32_t c = u->cp;

	if (!u->valid)
		return 1;
	if (c < 0x80)
		return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
	if (c < 0xc0 || c == 0xd7 || c == 0xf7)
		return 0;
	if (c < 0x2000)
		return 1;
	if (c < 0x2c00 || (c >= 0x2e00 && c < 0x3040))
		return 0;	/* punctuation, symbols, CJK punctuation */
	if ((c >= 0xfe00 && c < 0xfe70) || (c >= 0xfff0 && c <= 0xffff))
		return 0;	/* variation selectors, small forms */
	if (c >= 0x1f000 && c < 0x1fb00)
		return 0;	/* emoji and pictographs */
	return 1;
}

/* Rule 1: does the repair give a character that text uses? */
static int
plausible(uint32_t cp, int after_letter)
{
	if (cp < 0xa0)				/* controls */
		return 0;
	if (cp >= 0x250 && cp <= 0x2af)		/* IPA */
		return 0;
	if (cp >= 0x300 && cp <= 0x36f)		/* combining marks */
		return after_letter;
	if ((cp >= 0x5c8 && cp <= 0x5cf) || (cp >= 0x5eb && cp <= 0x5ee) ||
	    (cp >= 0x5f5 && cp <= 0x5ff))	/* unassigned Hebrew ("×½") */
		return 0;
	if (cp >= 0x7c0 && cp <= 0x8ff)		/* NKo .. Arabic Ext-A */
		return 0;
	if (cp >= 0x1100 && cp <= 0x11ff)	/* Hangul jamo */
		return 0;
	if (cp >= 0xe000 && cp <= 0xf8ff)	/* private use */
		return 0;
	if (cp >= 0xfdd0 && cp <= 0xfdef)	/* noncharacters */
		return 0;
	if (cp >= 0xfff0 && cp != 0xfffd && cp <= 0xffff)
		return 0;
	if (cp >= 0xe0000)			/* tags, private planes */
		return 0;
	return 1;
}

/*
 * The candidate starting at p, if any.  after_letter: the character
 * before p is a letter, so a lead there may end a word as written.
 */
static int
find_candidate(const unsigned char *p, size_t left, int after_letter,
    struct candidate *c)
{
	struct unit u;
	uint32_t cp;
	size_t n, i;

	read_unit(p, left, &u);
	if (u.byte >= 0xc2 && u.byte <= 0xdf)
		n = 2;
	else if (u.byte >= 0xe0 && u.byte <= 0xef)
		n = 3;
	else if (u.byte >= 0xf0 && u.byte <= 0xf4)
		n = 4;
	else
		return 0;
	c->out[0] = (unsigned char)u.byte;
	c->len = u.len;
	for (i = 1; i < n; i++) {
		read_unit(p + c->len, left - c->len, &u);
		if (u.byte < 0x80 || u.byte > 0xbf)
			return 0;
		c->out[i] = (unsigned char)u.byte;
		c->len += u.len;
	}
	c->nout = n;
	if (utf8_decode(c->out, n, &cp) != n || !plausible(cp, after_letter))
		return 0;
	/*
	 * Rule 2.  Â ends no word; Ã ends a few (IRMÃ, NÃ) but is no word
	 * itself, nor a symbol, so only closing punctuation after a word
	 * ending in it is ambiguous.
	 */
	if (c->out[0] == 0xc2)
		c->sure = 1;
	else if (c->out[0] == 0xc3)
		c->sure = !after_letter ||
		    (follows_words & BIT(c->out[1])) == 0;
	else
		c->sure = (follows_letters & BIT(c->out[1])) == 0;
	return 1;
}

/*
 * Whether s holds a lead letter (Â..ô: C3 82..C3 B4 in UTF-8) directly
 * followed by a continuation character (U+0080..U+00BF: C2 80..C2 BF,
 * or one of windows-1252's letters and punctuation from C5, C6, CB or
 * E2): no candidate without one.  Text as written, accents included,
 * fails this in one strchr-driven scan, so the walks below only ever
 * see text that is at least suspicious.
 */
static int
has_lead(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s;
	    (p = (const unsigned char *)strchr((const char *)p, '\xc3')) !=
	    NULL; p++) {
		if (p[1] < 0x82 || p[1] > 0xb4)
			continue;
		if ((p[2] == 0xc2 && p[3] >= 0x80 && p[3] <= 0xbf) ||
		    p[2] == 0xc5 || p[2] == 0xc6 || p[2] == 0xcb ||
		    p[2] == 0xe2)
			return 1;
	}
	return 0;
}

/* The end of the run of ASCII at p (p < end, *p < 0x80), eight bytes at
 * a time: most of a suspicious text is still ASCII. */
static unsigned char *
ascii_end(unsigned char *p, const unsigned char *end)
{
	uint64_t x;

	while (end - p >= 8) {
		memcpy(&x, p, 8);
		if ((x & 0x8080808080808080ULL) != 0)
			break;
		p += 8;
	}
	while (p < end && *p < 0x80)
		p++;
	return p;
}

/*
 * One walk over s: counts candidates and the letters beside them into
 * t and, when rewrite is set, replaces the candidates that rules 3 and
 * 4 allow (all of them when all is set, the sure ones otherwise).
 */
static void
walk(char *s, int rewrite, int all, struct tally *t)
{
	unsigned char *r, *w, *q, *end;
	struct candidate c;
	struct unit u;
	int letter = 0, prev_candidate = 0, prev_stray = 0;

	r = w = (unsigned char *)s;
	end = r + strlen(s);
	while (r < end) {
		if (*r < 0x80) {
			q = ascii_end(r, end);
			letter = (q[-1] | 0x20) >= 'a' && (q[-1] | 0x20) <= 'z';
			prev_candidate = prev_stray = 0;
			if (rewrite && w != r)
				memmove(w, r, (size_t)(q - r));
			w += q - r;
			r = q;
			continue;
		}
		if (find_candidate(r, (size_t)(end - r), letter, &c)) {
			/* As written, a candidate ends in a symbol. */
			letter = 0;
			t->torn += prev_stray;
			prev_candidate = 1;
			prev_stray = 0;
			t->sure += c.sure;
			r += c.len;
			if (all || c.sure) {
				t->repaired++;
				if (rewrite)
					memcpy(w, c.out, c.nout);
				w += c.nout;
			} else {
				if (rewrite)
					memmove(w, r - c.len, c.len);
				w += c.len;
			}
			continue;
		}
		read_unit(r, (size_t)(end - r), &u);
		letter = is_letter(&u);
		t->letters += letter;
		t->torn += letter && prev_candidate;
		prev_stray = letter;
		prev_candidate = 0;
		/* w <= r throughout: every repair shrinks the text. */
		if (rewrite)
			memmove(w, r, u.len);
		r += u.len;
		w += u.len;
	}
	if (rewrite)
		*w = '\0';
}

size_t
mojibake_repair(char *s)
{
	struct tally seen, done;
	size_t total = 0;
	int pass;

	if (s == NULL)
		return 0;
	for (pass = 0; pass < MOJIBAKE_PASSES && has_lead(s); pass++) {
		memset(&seen, 0, sizeof(seen));
		walk(s, 0, 0, &seen);
		if (seen.sure == 0 || seen.torn != 0)
			break;
		/* Rule 3 or 4. */
		memset(&done, 0, sizeof(done));
		walk(s, 1, seen.letters == 0, &done);
		total += done.repaired;
	}
	return total;
}
