/*
 * extract_decode.h: a page's bytes to UTF-8, a slice at a time, and the
 * checks that refuse what is not HTML.  Internal to the extractor
 * (extract_decode.c, used by extract_input.c).
 */
#ifndef FEEDD_EXTRACT_DECODE_H
#define FEEDD_EXTRACT_DECODE_H

#include <stddef.h>
#include <iconv.h>

#include "base/util.h"

enum dec_mode {
	DEC_ASCII,	/* only ASCII so far: decided at the first other byte */
	DEC_UTF8,
	DEC_LEGACY,	/* windows-1252 or ISO-8859-2 */
	DEC_ICONV
};

/* Raw bytes to UTF-8, a slice at a time. */
struct decoder {
	enum dec_mode	 mode;
	iconv_t		 cd;
	char		 label[64];	/* the charset named, for DEC_ASCII */
	unsigned char	 carry[8];	/* a sequence a slice cut short */
	size_t		 ncarry;
};

/*
 * Picks the decoder for the page whose first bytes are doc[0..len) (all
 * of it when eof); *skip is the byte-order mark's length, to leave out.
 */
void	ex_decode_choose(struct decoder *d, const char *doc, size_t len,
	    int eof, const char *hint, size_t *skip);
/* Decodes in[0..len), the next slice (eof: the last), and appends it to
 * out as UTF-8 without NUL bytes or invalid sequences.  A character the
 * slice cuts short waits in d for the next one. */
void	ex_decode_slice(struct decoder *d, const char *in, size_t len,
	    int eof, struct buf *out);
void	ex_decode_reset(struct decoder *d);
/* Why the raw first bytes are surely not HTML (binary formats, control
 * bytes; wide: UTF-16, where NULs are normal), or NULL. */
const char *ex_sniff_binary(const char *doc, size_t len, int wide);
/* Why the decoded first bytes (NUL-terminated) are not HTML (empty,
 * JSON, a feed, no HTML element in the first 64 KiB), or NULL. */
const char *ex_sniff(const char *doc, size_t len);

#endif
