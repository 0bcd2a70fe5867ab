/*
 * feed_bytes.h: the XML parser's byte-level helpers (feed_bytes.c,
 * feed_text.c), for the driver (feed_xml.c).  Internal to parsers/.
 */
#ifndef FEEDD_FEED_BYTES_H
#define FEEDD_FEED_BYTES_H

#include <stddef.h>

/* The driver hands libxml2 the document in pieces of this size;
 * fbytes_filter writes at most FBYTES_CHUNK + 5 bytes at a time. */
#define FBYTES_CHUNK	65536

/* A start tag may have XML_MAXATTS attributes and XML_MAXTAG bytes at
 * most (the reasons are with the driver's other bounds). */
#define XML_MAXATTS	128
#define XML_MAXTAG	(1024u * 1024)

/*
 * Counts the attributes of start tags in a byte stream, across chunks:
 * every '=' inside a start tag (inside its quoted values too: an upper
 * bound, since each XML attribute has one), where a start tag runs from
 * "<name" to a '>' outside quoted values.  Comments, CDATA sections,
 * processing instructions and declarations (the DOCTYPE, its internal
 * subset with quoted values, comments and PIs) hold no start tags.  A
 * '<' inside a start tag ends it, as it does in libxml2.
 */
enum { TS_TEXT, TS_LT, TS_BANG, TS_TAG, TS_VALUE, TS_COMMENT, TS_CDATA,
    TS_PI, TS_DECL, TS_DQUOTE, TS_ETAG, TS_DLT, TS_DBANG, TS_DDASH };

struct tagscan {
	int		 state;
	int		 k;		/* bytes matched of "--" or "[CDATA[" */
	int		 run;		/* '-', ']' or '?' just seen */
	int		 eq;		/* '=' seen, no value opened yet */
	int		 depth;		/* '[' in a declaration */
	unsigned char	 q;		/* the open quote */
	size_t		 natts;
	size_t		 taglen;
};

/* Scans p[0..n) on from where t stopped.  Returns 0, or -1 once a start
 * tag has more than XML_MAXATTS attributes or XML_MAXTAG bytes. */
int	fbytes_tagscan(struct tagscan *t, const char *p, size_t n);
/* Why fbytes_tagscan said no: a static string. */
const char *fbytes_tagscan_why(const struct tagscan *t);
/* fbytes_tagscan over what libxml2 is about to read; wide is
 * struct fbytes_sniff's (0, or a UTF-16/32 code unit layout). */
int	fbytes_scan_chunk(struct tagscan *t, const char *p, size_t n,
	    int wide);

/* The next piece of an ASCII-based document, from *offp on, into out
 * (FBYTES_CHUNK + 8 bytes), cleaned of what XML forbids but feeds hold;
 * *mode carries the section (markup, CDATA, comment) across calls.  A
 * piece ends after each "<![CDATA[" (then *mode is 1).  Returns the bytes
 * written and advances *offp.  A piece also ends after the '>' before a
 * text that holds a reference (then *mode is 3: the driver may read the
 * text with fbytes_text; the next call goes on as in markup). */
size_t	fbytes_filter(const char *doc, size_t len, size_t *offp, char *out,
	    int *mode);

/* Is doc[i..len) a reference ("&name;", "&#123;", "&#x1f;")? */
int	fbytes_is_reference(const char *doc, size_t len, size_t i);

/* feed_text.c */
/* Is p[0..n) plain text (valid UTF-8 of XML characters, no control but
 * tab and newline)?  Counts its newlines in *nl. */
int	fbytes_plain(const unsigned char *p, size_t n, size_t *nl);

/* The text from doc[off] to the next markup, decoded into out (cap
 * bytes; out NULL: only checked), as libxml2 would read it: see
 * feed_text.c.  Returns the bytes of doc it read, or 0. */
struct fbytes_text {
	size_t	outlen;		/* bytes written */
	size_t	nl;		/* newlines read */
	int	more;		/* out was full before the text ended */
};
size_t	fbytes_text(const char *doc, size_t len, size_t off, char *out,
	    size_t cap, struct fbytes_text *t);

/* doc[0..len) as windows-1252 (is1252) or ISO-8859-2, into out (3 * len
 * bytes at most) as UTF-8; returns the bytes written. */
size_t	fbytes_legacy_to_utf8(const char *doc, size_t len, int is1252,
	    char *out);
/* Can doc[0..len) be windows-1252 (no byte it leaves undefined)? */
int	fbytes_is_cp1252(const char *doc, size_t len);

/* What the first bytes say about a document. */
struct fbytes_sniff {
	const char	*enc;	/* the encoding to force, or NULL: libxml2's */
	size_t		 skip;	/* bytes before the first '<' (BOM, junk) */
	int		 wide;	/* UTF-16/32: 2 or 3 for UTF-16, 4 or 5 for
				 * UTF-32, odd if big-endian; else 0 */
	int		 junk;	/* text before the first tag, and not before
				 * a feed's own start */
};

/*
 * Reads the byte-order mark, the first bytes and the XML declaration of
 * doc[0..len), with charset the HTTP charset (or NULL).  Returns 0, or
 * -1 when the document holds no '<' after what is skipped.
 */
int	fbytes_sniff(const char *doc, size_t len, const char *charset,
	    struct fbytes_sniff *s);

#endif
