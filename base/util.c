/*
 * util.c: see util.h.  Out-of-memory is the one failure we do not
 * propagate: there is nothing sensible a daemon can do but stop, and
 * checking every small allocation would bury the real error paths.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void __attribute__((noreturn))
oom(void)
{
	fputs("feedd: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p;

	p = malloc(size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		oom();
	p = realloc(ptr, nmemb * size != 0 ? nmemb * size : 1);
	if (p == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;

	n = strnlen(s, n);
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	char *p;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		oom();
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

int64_t
sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

int64_t
sat_sub(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

int64_t
sat_mul(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
	return r;
}

int64_t
sat_clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int64_t
sat_from_double(double d)
{
	/* 2^63 is exact as a double; INT64_MAX is not. */
	if (d != d)
		return 0;
	if (d >= 9223372036854775808.0)
		return INT64_MAX;
	if (d <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)d;
}

int64_t
sat_parse_digits(const char *s, const char **end)
{
	int64_t v = 0;

	*end = s;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		v = sat_add(sat_mul(v, 10), *s - '0');
	*end = s;
	return v;
}

size_t
utf8_decode(const unsigned char *p, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t c;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates, past U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

char *
str_escape(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b;
	uint32_t c;
	size_t n, i, left = strlen(s);

	/* At most four times s, which the caller holds already. */
	buf_init(&b, BUF_UNCAPPED);
	while (*p != '\0') {
		n = utf8_decode(p, left, &c);
		if (n == 0 || c < 0x20 || c == 0x7f ||
		    (c >= 0x80 && c <= 0x9f)) {
			if (n == 0)
				n = 1;
			for (i = 0; i < n; i++)
				buf_printf(&b, "\\x%02x", p[i]);
		} else if (c == 0x2028 || c == 0x2029 ||
		    (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069))
			buf_printf(&b, "\\u%04x", (unsigned int)c);
		else
			buf_add(&b, p, n);
		p += n;
		left -= n;
	}
	return buf_steal(&b);
}

/* Whether byte c is in set; NUL never is (strchr would find the
 * terminator). */
static int
in_set(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

size_t
str_trim_span(const char *s, size_t len, const char *set, size_t *start)
{
	size_t i = 0;

	while (len > 0 && in_set(s[len - 1], set))
		len--;
	while (i < len && in_set(s[i], set))
		i++;
	*start = i;
	return len - i;
}

char *
str_trim(char *s, const char *set)
{
	size_t i, n;

	if (s == NULL)
		return NULL;
	n = str_trim_span(s, strlen(s), set, &i);
	if (n == 0) {
		free(s);
		return NULL;
	}
	memmove(s, s + i, n);
	s[n] = '\0';
	return s;
}

uint32_t
str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The slot of key, or the empty slot where it would go; m->cap > 0. */
static size_t
strmap_slot(const struct strmap *m, const char *key)
{
	size_t i, mask = m->cap - 1;

	for (i = str_hash(key) & mask; m->key[i] != NULL; i = (i + 1) & mask)
		if (strcmp(m->key[i], key) == 0)
			break;
	return i;
}

size_t
strmap_get(const struct strmap *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return 0;
	i = strmap_slot(m, key);
	return m->key[i] != NULL ? m->value[i] : 0;
}

void
strmap_put(struct strmap *m, const char *key, size_t value)
{
	struct strmap old = *m;
	size_t i;

	/* At most half full, so probes stay short. */
	if (2 * (m->n + 1) > m->cap) {
		m->cap = old.cap != 0 ? 2 * old.cap : 64;
		m->key = xcalloc(m->cap, sizeof(*m->key));
		m->value = xcalloc(m->cap, sizeof(*m->value));
		m->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.key[i] != NULL)
				strmap_put(m, old.key[i], old.value[i]);
		free(old.key);
		free(old.value);
	}
	i = strmap_slot(m, key);
	if (m->key[i] == NULL) {
		m->key[i] = key;
		m->n++;
	}
	m->value[i] = value;
}

void
strmap_reset(struct strmap *m)
{
	free(m->key);
	free(m->value);
	memset(m, 0, sizeof(*m));
}

void
buf_init(struct buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->size = 0;
	b->cap = cap;
	b->failed = 0;
}

int
buf_add_grow(struct buf *b, const void *p, size_t n)
{
	size_t need, nsize;

	if (b->failed || (b->cap != 0 && (n > b->cap || b->len > b->cap - n))) {
		b->failed = 1;
		return -1;
	}
	need = b->len + n + 1;
	if (need > b->size) {
		nsize = b->size ? b->size : 64;
		while (nsize < need)
			nsize *= 2;
		b->data = xreallocarray(b->data, nsize, 1);
		b->size = nsize;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	rc = buf_addstr(b, s);
	free(s);
	return rc;
}

void
buf_clear(struct buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

char *
buf_steal(struct buf *b)
{
	char *s;

	s = b->data != NULL ? b->data : xstrdup("");
	buf_init(b, b->cap);
	return s;
}

void
buf_reset(struct buf *b)
{
	free(b->data);
	buf_init(b, b->cap);
}

char *
read_capped(FILE *fp, size_t cap, const char *what, size_t *lenp,
    char **errstr)
{
	struct buf b;
	char chunk[65536];
	size_t n;

	buf_init(&b, cap);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (buf_add(&b, chunk, n) == -1) {
			buf_reset(&b);
			*errstr = xasprintf("%s larger than %zu bytes", what,
			    cap);
			return NULL;
		}
	}
	if (ferror(fp)) {
		buf_reset(&b);
		*errstr = xasprintf("read error: %s", strerror(errno));
		return NULL;
	}
	*lenp = b.len;
	return buf_steal(&b);
}
