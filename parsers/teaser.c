/*
 * teaser.c: words and cut marks.  Measured on the real-world corpus,
 * most feeds give a median entry text under 150 words, and the ones
 * that give more are blogs with whole posts; a short text, or one that
 * ends in an ellipsis or a "read more", is the sign of a teaser.
 *
 * Counting words by spaces would make every Chinese or Japanese article
 * one word long, so characters of unspaced scripts count by their
 * languages' average word lengths instead.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "teaser.h"
#include "base/util.h"

enum kind { K_SPACE, K_WORD, K_HAN, K_SEA };

/* What code point c is for counting. */
static enum kind
kind_of(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '\'' ? K_WORD : K_SPACE;
	if ((c >= 0x3040 && c <= 0x30ff) ||	/* hiragana, katakana */
	    (c >= 0x3400 && c <= 0x4dbf) ||	/* CJK extension A */
	    (c >= 0x4e00 && c <= 0x9fff) ||	/* CJK unified */
	    (c >= 0xf900 && c <= 0xfaff) ||	/* compatibility */
	    (c >= 0x20000 && c <= 0x2fa1f))	/* planes 2 */
		return K_HAN;
	if ((c >= 0x0e00 && c <= 0x0eff) ||	/* Thai, Lao */
	    (c >= 0x1000 && c <= 0x109f) ||	/* Myanmar */
	    (c >= 0x1780 && c <= 0x17ff))	/* Khmer */
		return K_SEA;
	/* Punctuation and spaces of the wider planes separate words. */
	if ((c >= 0x2000 && c <= 0x206f) || (c >= 0x3000 && c <= 0x303f) ||
	    (c >= 0xff00 && c <= 0xff0f) || c == 0xa0 || c == 0xab ||
	    c == 0xbb || c == 0xbf || c == 0xa1 || c == 0x60c || c == 0x61f ||
	    c == 0x6d4 || c == 0x964 || c == 0x965)
		return K_SPACE;
	return K_WORD;
}

size_t
teaser_words(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t left = strlen(text), words = 0, han = 0, sea = 0, n;
	int in_word = 0;
	uint32_t c;

	while (left > 0) {
		if ((n = utf8_decode(p, left, &c)) == 0) {
			n = 1;
			c = ' ';
		}
		switch (kind_of(c)) {
		case K_WORD:
			if (!in_word)
				words++;
			in_word = 1;
			break;
		case K_HAN:
			han++;
			in_word = 0;
			break;
		case K_SEA:
			sea++;
			in_word = 0;
			break;
		default:
			in_word = 0;
			break;
		}
		p += n;
		left -= n;
	}
	return words + (han + 1) / 2 + (sea + 4) / 5;
}

/* Endings, compared without regard to ASCII case after trailing spaces
 * and closing punctuation are cut. */
static const char *const cut_marks[] = {
	"...", "\xe2\x80\xa6",				/* ..., … */
	"read more", "continue reading", "read the full story",
	"read full article", "(more", "full story",
	"lire la suite", "weiterlesen", "leer m\xc3\xa1s",
	"seguir leyendo", "leia mais", "continua a leggere", "lees meer",
	"\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd1\x82\xd1\x8c "
	"\xd0\xb4\xd0\xb0\xd0\xbb\xd0\xb5\xd0\xb5",	/* читать далее */
	"\xd0\xa7\xd0\xb8\xd1\x82\xd0\xb0\xd1\x82\xd1\x8c "
	"\xd0\xb4\xd0\xb0\xd0\xbb\xd0\xb5\xd0\xb5",	/* Читать далее */
	"\xe9\x98\x85\xe8\xaf\xbb\xe5\x85\xa8\xe6\x96\x87", /* 阅读全文 */
	"\xe7\xb6\x9a\xe3\x81\x8d\xe3\x82\x92\xe8\xaa\xad\xe3\x82\x80", /* 続きを読む */
};

/* Closing characters a cut mark may hide behind: "[…]", "(more)". */
static int
closing(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ']' ||
	    c == ')' || c == '>' || c == '.' || c == '"' || c == '\'' ||
	    c == ':' || c == '|' || c == '-';
}

/* Arrows and quotes that follow a "read more": » › → ► ▸ */
static const char *const closers[] = {
	"\xc2\xbb", "\xe2\x80\xba", "\xe2\x86\x92", "\xe2\x96\xba",
	"\xe2\x96\xb8",
};

/* The length of text[0..i) without its closing characters (dots too
 * when dots is 1). */
static size_t
strip_tail(const char *text, size_t i, int dots)
{
	size_t m, k;

again:
	while (i > 0 && closing((unsigned char)text[i - 1]) &&
	    (dots || text[i - 1] != '.'))
		i--;
	for (m = 0; m < NELEM(closers); m++) {
		k = strlen(closers[m]);
		if (k <= i && memcmp(text + i - k, closers[m], k) == 0) {
			i -= k;
			goto again;
		}
	}
	return i;
}

int
teaser_truncated(const char *text)
{
	size_t n = strlen(text), i, m;
	const char *post;

	/* WordPress: "The post <title> appeared first on <site>." */
	if ((post = strstr(text, " appeared first on ")) != NULL &&
	    strlen(post) < 200)
		return 1;
	/* "..." is made of closing characters: look for it first. */
	i = strip_tail(text, n, 0);
	if (i >= 3 && strncmp(text + i - 3, "...", 3) == 0)
		return 1;
	i = strip_tail(text, i, 1);
	for (m = 0; m < NELEM(cut_marks); m++) {
		size_t k = strlen(cut_marks[m]);

		if (k <= i && strncasecmp(text + i - k, cut_marks[m], k) == 0 &&
		    (k == i || k <= 3 || !((text[i - k - 1] >= 'a' &&
		    text[i - k - 1] <= 'z') || (text[i - k - 1] >= 'A' &&
		    text[i - k - 1] <= 'Z'))))
			return 1;
	}
	return 0;
}

int
teaser_is_teaser(const char *text, size_t min_words)
{
	return teaser_words(text) < min_words || teaser_truncated(text);
}
