/*
 * swar.h: finding bytes eight at a time in a 64-bit word ("SIMD within a
 * register"), for the scans that run over every byte of a document: the
 * pre-parse filter, the sanitizer's escaping and the JSON writer.
 *
 * swar_eq and swar_below give a mask with the high bit of each byte that
 * matches.  They use the borrow trick, which can set a false bit only in
 * a byte above a true one; swar_load puts the first byte in memory into
 * the lowest byte of the word, so the lowest bit set (swar_first) is
 * always a real match, the first in memory.  Whether a mask is zero is
 * exact either way.  Header only: these are a few instructions each and
 * belong inlined in the loops that use them.
 */
#ifndef FEEDD_SWAR_H
#define FEEDD_SWAR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SWAR_ONES	0x0101010101010101ULL
#define SWAR_HIGHS	0x8080808080808080ULL

/* The eight bytes at p, the first in the lowest byte. */
static inline uint64_t
swar_load(const void *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

/* The bytes of x equal to c. */
static inline uint64_t
swar_eq(uint64_t x, unsigned char c)
{
	uint64_t y = x ^ (SWAR_ONES * c);

	return (y - SWAR_ONES) & ~y & SWAR_HIGHS;
}

/* The bytes of x below n (n at most 0x80). */
static inline uint64_t
swar_below(uint64_t x, unsigned char n)
{
	return (x - SWAR_ONES * n) & ~x & SWAR_HIGHS;
}

/* The index (0-7) of the first byte in a non-zero mask. */
static inline size_t
swar_first(uint64_t mask)
{
#if defined(__GNUC__)
	return (size_t)__builtin_ctzll(mask) >> 3;
#else
	size_t i = 0;

	while ((mask & 0x80) == 0) {
		mask >>= 8;
		i++;
	}
	return i;
#endif
}

/*
 * Sixteen bytes at a time where the compiler offers SSE2 (every x86-64):
 * the same tests as exact masks of 16 bits, bit i for byte i.  Callers
 * run these first and leave the rest to the eight-byte tests above.
 */
#if defined(__SSE2__)
#include <emmintrin.h>

#define SWAR_V16	1

/* The sixteen bytes at p. */
static inline __m128i
v16_load(const void *p)
{
	return _mm_loadu_si128((const __m128i *)p);
}

/* The bytes of x equal to c. */
static inline __m128i
v16_eq(__m128i x, unsigned char c)
{
	return _mm_cmpeq_epi8(x, _mm_set1_epi8((char)c));
}

/* The bytes of x below n (1 to 0xff), as unsigned bytes. */
static inline __m128i
v16_below(__m128i x, unsigned char n)
{
	return _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8((char)(n - 1))),
	    x);
}

/* The mask of a comparison, or of x's bytes with the top bit set. */
static inline unsigned
v16_bits(__m128i m)
{
	return (unsigned)_mm_movemask_epi8(m);
}

/* The index (0-15) of the first byte in a non-zero mask. */
static inline size_t
v16_first(unsigned bits)
{
	return (size_t)__builtin_ctz(bits);
}
#endif

/*
 * How many bytes of p[0..n) from the start are printable ASCII (0x20 to
 * 0x7f), counted in whole runs of sixteen or eight: the bytes after the
 * last whole run are left to the caller's byte loop.
 */
static inline size_t
swar_printable_run(const unsigned char *p, size_t n)
{
	size_t i = 0;
	uint64_t x;

#ifdef SWAR_V16
	while (n - i >= 16) {
		__m128i v = v16_load(p + i);

		if (v16_bits(_mm_or_si128(v, v16_below(v, 0x20))) != 0)
			break;
		i += 16;
	}
#endif
	while (n - i >= 8) {
		x = swar_load(p + i);
		if ((x & SWAR_HIGHS) != 0 || swar_below(x, 0x20) != 0)
			break;
		i += 8;
	}
	return i;
}

#endif
