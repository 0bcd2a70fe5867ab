/*
 * util.h: allocation that never returns NULL, and growable byte buffers
 * with a hard cap.
 *
 * The base layer: every other layer (parsers/, storage/, daemon/) uses it,
 * and it includes nothing of theirs, so it builds and tests alone
 * (libbase.a).  x*alloc abort the process on
 * out-of-memory: small allocations need no checks.  Anything whose size a
 * remote party controls goes into a struct buf with a cap; buf_add fails
 * cleanly (-1, nothing appended) once the cap would be passed.
 */
#ifndef FEEDD_UTIL_H
#define FEEDD_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The number of elements of array a. */
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *ptr, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
/* printf into a new string; caller frees. */
char	*xasprintf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *fmt, va_list ap)
	    __attribute__((format(printf, 1, 0)));
/*
 * Saturating arithmetic for numbers that came from outside (a publisher's
 * <ttl>, Retry-After, max-age, a date, a length): the result is clamped
 * to [INT64_MIN, INT64_MAX] instead of overflowing, which in C is
 * undefined behaviour.  Every computation on such a value goes through
 * these, so that the extremes of every field give a clamped answer, not
 * a wrapped one.
 */
int64_t	 sat_add(int64_t a, int64_t b);
int64_t	 sat_sub(int64_t a, int64_t b);
int64_t	 sat_mul(int64_t a, int64_t b);
/* v clamped to [lo, hi] (lo <= hi). */
int64_t	 sat_clamp(int64_t v, int64_t lo, int64_t hi);
/* A double as int64_t, truncated toward zero and clamped (NaN: 0);
 * converting an out-of-range double is undefined otherwise. */
int64_t	 sat_from_double(double d);
/*
 * Reads the decimal digits at s (no sign, no space) as a non-negative
 * number, saturating at INT64_MAX however many digits follow; *end is
 * set past the digits.  Returns -1 (and *end = s) if s does not start
 * with a digit.
 */
int64_t	 sat_parse_digits(const char *s, const char **end);

/*
 * The valid UTF-8 sequence at p (at most len bytes): its length (1-4)
 * with its code point in *cp, or 0 (overlong forms, surrogates and code
 * points past U+10FFFF are invalid).
 */
size_t	 utf8_decode(const unsigned char *p, size_t len, uint32_t *cp);
/* cp (at most U+10FFFF) as UTF-8 into out (4 bytes); its length.
 * Inline: the decoders of legacy charsets call it for every byte. */
static inline size_t
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * A copy of s fit for one line of a log or a terminal; caller frees.
 * C0 controls (newlines and tabs included), DEL, invalid UTF-8 bytes and
 * the C1 controls' encodings become \xNN; line and paragraph separators
 * and bidirectional overrides and isolates become \uNNNN.  Everything
 * else, valid UTF-8 included, stays as it is.
 */
char	*str_escape(const char *s);

/*
 * Whitespace sets for trimming.  WS_SPACE is isspace() in the C locale
 * (the daemon never changes locale), which is also HTML's whitespace
 * plus \v.  WS_XML is XML 1.0's S production: without \v and \f,
 * which are not even legal XML characters, so that a value keeps them
 * as the document had them.
 */
#define WS_SPACE	" \t\n\v\f\r"
#define WS_XML		" \t\n\r"

/*
 * The part of s[0..len) left once the bytes of set (a string; NUL is
 * never one of them) are dropped from both ends: its offset in *start,
 * its length returned (0 if nothing is left).  Reads only s[0..len).
 */
size_t	 str_trim_span(const char *s, size_t len, const char *set,
	    size_t *start);
/*
 * Trims s in place (s is owned and heap-allocated): returns s, or NULL
 * after freeing s if nothing is left.  NULL in, NULL out, so that it
 * wraps an allocation that may fail to find anything.
 */
char	*str_trim(char *s, const char *set);

/* FNV-1a of a string: for the small hash tables of names and hosts. */
uint32_t str_hash(const char *s);

/*
 * A map from strings to nonzero numbers (open addressing on str_hash),
 * for duplicate checks in linear time.  The keys are borrowed: they must
 * outlive the map.  Zero-initialise; strmap_reset frees the table.
 */
struct strmap {
	const char	**key;
	size_t		 *value;
	size_t		  cap;	/* a power of two, or 0 */
	size_t		  n;
};

/* The value of key, or 0 if absent. */
size_t	 strmap_get(const struct strmap *m, const char *key);
/* Sets key's value (nonzero), adding key if absent (a present key
 * keeps the pointer it was added with). */
void	 strmap_put(struct strmap *m, const char *key, size_t value);
void	 strmap_reset(struct strmap *m);

/*
 * A growable buffer.  data is always NUL-terminated (when non-NULL) so it
 * can be used as a string; len excludes the terminator.  cap == 0 means
 * no cap (BUF_UNCAPPED, below).  A failed append is sticky: every
 * later one fails too, until buf_clear or buf_reset, so that a small
 * append after a refused large one cannot leave a hole in the text.
 */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 size;	/* allocated, including the terminator */
	size_t	 cap;	/* maximum len, or 0 */
	int	 failed;	/* an append was refused */
};

/*
 * The cap of a buffer without one.  Only where the size is ours to
 * bound: text we write ourselves (configuration, messages, SQL, pages
 * from a capped query), or a bounded function of an input that passed
 * its own cap first (a copy, an escape, a resolved URL).  Each use says
 * which.  Bytes as a remote party sends them (a feed, an HTTP body or
 * header, an article page, a client's request) always get a real cap.
 */
#define BUF_UNCAPPED	0

void	 buf_init(struct buf *b, size_t cap);
/* Appends; returns 0, or -1 if the cap would be passed or an earlier
 * append failed (b unchanged).  buf_add_grow is its general case. */
int	 buf_add_grow(struct buf *b, const void *p, size_t n);
int	 buf_addstr(struct buf *b, const char *s);
int	 buf_addch(struct buf *b, char c);

/*
 * The parsers append short pieces millions of times: when the piece fits
 * the memory held and the cap allows it, inline.
 */
static inline int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->failed || n >= b->size - b->len || (b->cap != 0 &&
	    (n > b->cap || b->len > b->cap - n)))
		return buf_add_grow(b, p, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}
int	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Empties without freeing, so the memory is reused. */
void	 buf_clear(struct buf *b);
/* Hands the string to the caller (never NULL) and re-inits b. */
char	*buf_steal(struct buf *b);
void	 buf_reset(struct buf *b);

/*
 * Reads all of fp, up to cap bytes.  Returns the bytes (NUL-terminated,
 * *lenp of them; caller frees), or NULL with a reason in *errstr: "WHAT
 * larger than CAP bytes" past the cap, or the read error.
 */
char	*read_capped(FILE *fp, size_t cap, const char *what, size_t *lenp,
	    char **errstr);

#endif
