/*
 * extract_input.c: from a page's bytes to a lean tree, in bounded time and
 * memory whatever the page holds.
 *
 * The page is never held whole.  The first EX_HOLD bytes are read to
 * refuse what is not HTML and to pick the charset (extract_decode.c);
 * then the page flows in slices: raw bytes -> UTF-8 (struct decoder) ->
 * the cutter (struct cutter) -> libxml2's HTML parser, which pulls through
 * an I/O callback and keeps only a few KiB of input.  The SAX callbacks
 * build the tree themselves (struct build), so what cannot be content
 * never reaches it.
 *
 * Bounds, and why each is needed:
 *   - the cutter keeps a start tag's first EX_MAXATTS attributes
 *     (libxml2 checks each attribute against all before it); cuts
 *     attribute values, tag and attribute names, comments, doctypes and
 *     processing instructions to EX_MAXTOKEN bytes, and text or script
 *     between two tags to EX_MAXRUN (libxml2 holds each of them whole in
 *     memory, even those it then drops); past EX_MAXTAGS tags it passes
 *     only the text on, since libxml2 spends about a microsecond a tag;
 *   - the builder stops at depth EX_MAXDEPTH (libxml2 searches its
 *     element stack for each stray end tag, so deeper would be
 *     quadratic), keeps at most EX_MAXELEMS elements (further start tags
 *     are dropped, their text kept) and EX_MAXTEXT bytes of text, drops
 *     script, style and other elements whose content is never article
 *     (JSON-LD scripts stay, for extract_meta.c), and keeps only the
 *     attributes that the extractor reads or the sanitizer allows.
 * The charset is chosen from the first EX_HOLD bytes, or from the first
 * non-ASCII bytes when those are all ASCII; only a legacy page longer
 * than EX_HOLD picks windows-1252 or ISO-8859-2 a slice at a time, the
 * one way a very large page may read differently from a small one.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>

#include "extract.h"
#include "extract_decode.h"
#include "extract_int.h"
#include "html_allow.h"
#include "base/util.h"

/* Read before the charset is chosen; a slice after that. */
#define EX_HOLD		(2u * 1024 * 1024)
#define EX_SLICE	65536u
#define EX_MAXDEPTH	512
#define EX_MAXELEMS	15000
#define EX_MAXTEXT	(1u * 1024 * 1024)
/* Text or script between two tags past this is cut: libxml2 holds such a
 * run whole in its input buffer. */
#define EX_MAXRUN	(1u * 1024 * 1024)
#define EX_MAXTAGS	200000
#define EX_MAXATTS	32
/* Attribute values, comments and declarations past this are cut; tag
 * and attribute names past EX_MAXNAME. */
#define EX_MAXTOKEN	65536
#define EX_MAXNAME	256

/* ---- the cutter: what libxml2 would build too big, cut on the way in */

enum cut_state {
	C_TEXT,		/* text: until '<' */
	C_LT,		/* after '<' */
	C_BANG,		/* after "<!" */
	C_BANG2,	/* after "<!-" */
	C_COMMENT,	/* after "<!--", until "-->" */
	C_DECL,		/* "<!x" or "<?": until '>' */
	C_ENDTAG,	/* "</": until '>' */
	C_NAME,		/* a start tag's name */
	C_ATTRS,	/* between attributes */
	C_SLASH,	/* '/' between attributes: "/>" or junk */
	C_JUNK,		/* not an attribute name: until a blank or '>' */
	C_ANAME,	/* an attribute's name */
	C_AFTERNAME,	/* blanks after it: '=' or the next attribute */
	C_BEFOREVAL,	/* after '=' */
	C_QVAL,		/* a quoted value */
	C_UVAL,		/* an unquoted value */
	C_RAW		/* script or style text: until "</script" */
};

struct cutter {
	enum cut_state	 st;
	size_t		 n;		/* bytes of the current token */
	size_t		 natts;		/* attributes of this tag */
	size_t		 tags;		/* tags so far */
	size_t		 run;		/* bytes of text or script since the
					   last tag */
	int		 drop;		/* the current attribute goes */
	int		 cut;		/* the current token is cut */
	int		 dashes;	/* '-' in a row, in a comment */
	char		 quote;
	char		 name[8];	/* tag name, lower case, to see raw */
	size_t		 namelen;
	size_t		 raw;		/* 6 script, 5 style, 0 */
	size_t		 rawmatch;	/* of "</" + name */
	char		 held[8];	/* those bytes, held back */
	int		 done;		/* EX_MAXTAGS reached: text only */
};

static int
name_start(int c)
{
	return isalpha(c) || c == '_' || c == ':' || c == '.';
}

static int
name_char(int c)
{
	return isalnum(c) || c == '_' || c == ':' || c == '.' || c == '-';
}

/* Keeps byte c of a token unless the token passed max (cut at a
 * character's first byte, so what is kept stays valid UTF-8). */
static int
token_keeps(struct cutter *k, unsigned char c, size_t max)
{
	if (!k->cut && k->n >= max && (c & 0xc0) != 0x80)
		k->cut = 1;
	k->n++;
	return !k->cut;
}

static void
new_token(struct cutter *k)
{
	k->n = 0;
	k->cut = 0;
}

/* One byte inside a start tag; returns 1 if c is to be read again in
 * the new state. */
static int
cut_in_tag(struct cutter *k, unsigned char c, char **w)
{
	switch (k->st) {
	case C_NAME:
		if (name_char(c)) {
			if (k->namelen < sizeof(k->name))
				k->name[k->namelen++] = (char)tolower(c);
			if (token_keeps(k, c, EX_MAXNAME))
				*(*w)++ = (char)c;
			return 0;
		}
		k->raw = (k->namelen == 6 && memcmp(k->name, "script", 6) ==
		    0) || (k->namelen == 5 && memcmp(k->name, "style", 5) ==
		    0) ? k->namelen : 0;
		k->natts = 0;
		k->st = C_ATTRS;
		return 1;
	case C_ATTRS:
		if (ex_is_space(c)) {
			*(*w)++ = (char)c;
			return 0;
		}
		if (c == '>') {
			*(*w)++ = (char)c;
			k->st = k->raw ? C_RAW : C_TEXT;
			k->rawmatch = 0;
			return 0;
		}
		if (c == '/') {
			k->st = C_SLASH;
			return 0;
		}
		k->drop = ++k->natts > EX_MAXATTS;
		new_token(k);
		k->st = name_start(c) ? C_ANAME : C_JUNK;
		return 1;
	case C_SLASH:
		if (c == '>') {
			*(*w)++ = '/';
			*(*w)++ = '>';
			k->st = C_TEXT;
			return 0;
		}
		/* A '/' not closing the tag: junk, counted as an attribute. */
		k->drop = ++k->natts > EX_MAXATTS;
		new_token(k);
		if (!k->drop)
			*(*w)++ = '/';
		k->st = C_JUNK;
		return 1;
	case C_JUNK:
		if (ex_is_space(c) || c == '>' || c == '/') {
			k->st = C_ATTRS;
			return 1;
		}
		if (!k->drop && token_keeps(k, c, EX_MAXNAME))
			*(*w)++ = (char)c;
		return 0;
	case C_ANAME:
		if (name_char(c)) {
			if (!k->drop && token_keeps(k, c, EX_MAXNAME))
				*(*w)++ = (char)c;
			return 0;
		}
		k->st = C_AFTERNAME;
		return 1;
	case C_AFTERNAME:
		if (ex_is_space(c)) {
			*(*w)++ = (char)c;
			return 0;
		}
		if (c != '=') {
			k->st = C_ATTRS;
			return 1;
		}
		if (!k->drop)
			*(*w)++ = (char)c;
		k->st = C_BEFOREVAL;
		return 0;
	case C_BEFOREVAL:
		if (ex_is_space(c)) {
			*(*w)++ = (char)c;
			return 0;
		}
		new_token(k);
		if (c == '"' || c == '\'') {
			if (!k->drop)
				*(*w)++ = (char)c;
			k->quote = (char)c;
			k->st = C_QVAL;
			return 0;
		}
		k->st = c == '>' ? C_ATTRS : C_UVAL;
		return 1;
	case C_UVAL:
		if (ex_is_space(c) || c == '>') {
			k->st = C_ATTRS;
			return 1;
		}
		if (!k->drop && token_keeps(k, c, EX_MAXTOKEN))
			*(*w)++ = (char)c;
		return 0;
	default:
		return 0;
	}
}

/* Copies the n bytes at p of a text or script run to *w, up to
 * EX_MAXRUN bytes of the run (cut at a character's first byte). */
static void
run_copy(struct cutter *k, const char *p, size_t n, char **w)
{
	size_t m = 0;

	if (k->run < EX_MAXRUN) {
		m = EX_MAXRUN - k->run < n ? EX_MAXRUN - k->run : n;
		if (m < n)
			while (m > 0 && (p[m] & 0xc0) == 0x80)
				m--;
		memcpy(*w, p, m);
		*w += m;
	}
	k->run += m < n ? EX_MAXRUN : m;
}

/* The bytes of a quoted value, in bulk; returns how many were used. */
static size_t
cut_qval(struct cutter *k, const char *p, size_t len, char **w)
{
	const char *q = memchr(p, k->quote, len);
	size_t n = q != NULL ? (size_t)(q - p) : len, i;

	if (!k->drop && !k->cut && k->n + n <= EX_MAXTOKEN) {
		memcpy(*w, p, n);
		*w += n;
		k->n += n;
	} else
		for (i = 0; i < n; i++)
			if (!k->drop && token_keeps(k, (unsigned char)p[i],
			    EX_MAXTOKEN))
				*(*w)++ = p[i];
	if (q == NULL)
		return len;
	if (!k->drop)
		*(*w)++ = k->quote;
	k->st = C_ATTRS;
	return n + 1;
}

/* Script or style text, in bulk up to its end tag.  A '<' that may
 * start the end tag is held back until it does or does not. */
static size_t
cut_raw(struct cutter *k, const char *p, size_t len, char **w)
{
	static const char *const names[] = { NULL, NULL, NULL, NULL, NULL,
	    "style", "script" };
	size_t i = 0;
	const char *q;
	unsigned char c;

	while (i < len) {
		if (k->rawmatch == 0) {
			q = memchr(p + i, '<', len - i);
			if (q == NULL) {
				run_copy(k, p + i, len - i, w);
				return len;
			}
			run_copy(k, p + i, (size_t)(q - p - i), w);
			i = (size_t)(q - p) + 1;
			k->held[k->rawmatch++] = '<';
			continue;
		}
		c = (unsigned char)p[i];
		if (k->rawmatch == 1 ? c == '/' :
		    tolower(c) == names[k->raw][k->rawmatch - 2]) {
			k->held[k->rawmatch++] = (char)c;
			i++;
			if (k->rawmatch < k->raw + 2)
				continue;
			/* "</script": libxml2 ends the text here. */
			memcpy(*w, k->held, k->rawmatch);
			*w += k->rawmatch;
			k->rawmatch = 0;
			k->run = 0;
			k->tags++;
			k->st = C_ENDTAG;
			return i;
		}
		/* Not the end tag: what was held back is text, and c is
		 * read again. */
		run_copy(k, k->held, k->rawmatch, w);
		k->rawmatch = 0;
	}
	return i;
}

/* Markup outside start tags: comments, declarations, end tags. */
static void
cut_markup(struct cutter *k, unsigned char c, char **w)
{
	switch (k->st) {
	case C_LT:
		if (name_start(c)) {
			k->tags++;
			k->namelen = 0;
			new_token(k);
			k->st = C_NAME;
			cut_in_tag(k, c, w);
			return;
		}
		*(*w)++ = (char)c;
		k->st = c == '!' ? C_BANG : c == '?' ? C_DECL : c == '/' ?
		    C_ENDTAG : c == '<' ? C_LT : C_TEXT;
		if (c == '/')
			k->tags++;
		new_token(k);
		return;
	case C_BANG:
	case C_BANG2:
		if (c == '-') {
			*(*w)++ = (char)c;
			if (k->st == C_BANG2)
				k->dashes = 0;
			k->st = k->st == C_BANG ? C_BANG2 : C_COMMENT;
			return;
		}
		k->st = C_DECL;
		break;
	case C_COMMENT:
		if (c == '>' && k->dashes >= 2) {
			if (k->cut)
				memcpy(*w, "--", 2), *w += 2;
			*(*w)++ = '>';
			k->st = C_TEXT;
			return;
		}
		k->dashes = c == '-' ? k->dashes + 1 : 0;
		if (token_keeps(k, c, EX_MAXTOKEN))
			*(*w)++ = (char)c;
		return;
	default:
		break;
	}
	/* C_DECL or C_ENDTAG: up to '>'. */
	if (c == '>') {
		*(*w)++ = (char)c;
		k->st = C_TEXT;
	} else if (k->st == C_ENDTAG || token_keeps(k, c, EX_MAXTOKEN))
		*(*w)++ = (char)c;
}

/* Bytes waiting for libxml2: data[pos..len). */
struct pending {
	char	*data;
	size_t	 len, pos, size;
};

/*
 * Appends in[0..len) to p with over-long tokens cut and attributes past
 * EX_MAXATTS dropped.  Past EX_MAXTAGS tags only text goes on: the markup
 * is read (to tell text from tags, scripts and comments) and dropped, so
 * the rest of the page costs libxml2 no tags.  The output is never longer
 * than the input, but for a cut comment's closing "--" and a "/>" split
 * by the slices.
 */
static void
cut_slice(struct cutter *k, const char *in, size_t len, struct pending *p)
{
	size_t i = 0;
	const char *q;
	char *w, *mark;

	if (len == 0)
		return;
	if (p->pos == p->len)
		p->pos = p->len = 0;
	if (p->len + len + 16 > p->size) {
		p->size = p->len + len + 16;
		p->data = xreallocarray(p->data, p->size, 1);
	}
	w = p->data + p->len;
	while (i < len) {
		/* The budget is checked between tags, so the last one is
		 * whole. */
		if (k->st == C_TEXT && k->tags >= EX_MAXTAGS)
			k->done = 1;
		mark = w;
		switch (k->st) {
		case C_TEXT:
			q = memchr(in + i, '<', len - i);
			if (q == NULL) {
				run_copy(k, in + i, len - i, &w);
				i = len;
				continue;
			}
			run_copy(k, in + i, (size_t)(q - in - i), &w);
			i = (size_t)(q - in) + 1;
			k->run = 0;
			k->st = C_LT;
			if (!k->done)
				*w++ = '<';
			continue;
		case C_QVAL:
			i += cut_qval(k, in + i, len - i, &w);
			break;
		case C_RAW:
			i += cut_raw(k, in + i, len - i, &w);
			break;
		case C_NAME: case C_ATTRS: case C_SLASH: case C_JUNK:
		case C_ANAME: case C_AFTERNAME: case C_BEFOREVAL: case C_UVAL:
			if (!cut_in_tag(k, (unsigned char)in[i], &w))
				i++;
			break;
		default:
			cut_markup(k, (unsigned char)in[i++], &w);
			break;
		}
		if (k->done)
			w = mark;
	}
	p->len = (size_t)(w - p->data);
}

/* ---- the page as a stream for libxml2 */

struct input {
	extract_read_fn	 rd;
	void		*arg;
	size_t		 max;		/* the size cap */
	size_t		 total;		/* bytes read */
	int		 eof;
	const char	*err;		/* a read error or the cap: stop */
	int		 err_errno;
	struct decoder	 dec;
	struct cutter	 cut;
	struct buf	 pre;		/* the first bytes, decoded */
	size_t		 prepos;
	struct pending	 out;
};

/* Reads up to len bytes into buf, counting them against the cap. */
static size_t
input_raw(struct input *in, char *buf, size_t len)
{
	long n;

	if (in->eof || in->err != NULL)
		return 0;
	n = in->rd(in->arg, buf, len);
	if (n < 0) {
		in->err = "read error";
		in->err_errno = errno;
		return 0;
	}
	if (n == 0) {
		in->eof = 1;
		return 0;
	}
	in->total += (size_t)n;
	if (in->total > in->max) {
		in->err = "too large";
		return 0;
	}
	return (size_t)n;
}

/* Moves the next slice, decoded and cut, into in->out. */
static void
input_refill(struct input *in)
{
	char raw[EX_SLICE];
	struct buf dec;
	size_t n;

	if (in->prepos < in->pre.len) {
		n = in->pre.len - in->prepos;
		n = n < EX_SLICE ? n : EX_SLICE;
		cut_slice(&in->cut, in->pre.data + in->prepos, n, &in->out);
		in->prepos += n;
		if (in->prepos == in->pre.len)
			buf_reset(&in->pre);
		return;
	}
	n = input_raw(in, raw, sizeof(raw));
	/* One slice of at most EX_SLICE bytes, decoded. */
	buf_init(&dec, BUF_UNCAPPED);
	ex_decode_slice(&in->dec, raw, n, in->eof, &dec);
	cut_slice(&in->cut, dec.data, dec.len, &in->out);
	buf_reset(&dec);
}

/* libxml2's read callback. */
static int
input_read(void *ctx, char *buf, int len)
{
	struct input *in = ctx;
	size_t n;

	while (in->out.pos == in->out.len && in->err == NULL &&
	    (in->prepos < in->pre.len || !in->eof))
		input_refill(in);
	if (in->err != NULL)
		return -1;
	n = in->out.len - in->out.pos;
	n = n < (size_t)len ? n : (size_t)len;
	memcpy(buf, in->out.data + in->out.pos, n);
	in->out.pos += n;
	return (int)n;
}

static int
input_close(void *ctx)
{
	(void)ctx;
	return 0;
}

/* ---- building the tree */

struct build {
	int		 depth;
	int		 drop;	/* depth of a dropped element, or 0 */
	size_t		 elems;
	size_t		 text;
	unsigned char	 built[EX_MAXDEPTH + 2];
};

static int
name_cmp(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

/* 1 if name is in the sorted list names[0..n). */
static int
in_list(const char *name, const char *const *names, size_t n)
{
	return bsearch(name, names, n, sizeof(*names), name_cmp) != NULL;
}

/* Elements whose content never matters for the article. */
static int
dropped(const char *name, const xmlChar **atts)
{
	static const char *const names[] = { "applet", "audio", "button",
	    "canvas", "dialog", "head-noscript", "map", "math", "object",
	    "script", "select", "style", "svg", "template", "textarea",
	    "video" };
	size_t i;

	if (!in_list(name, names, NELEM(names)))
		return 0;
	if (strcmp(name, "script") == 0 && atts != NULL) {
		/* JSON-LD stays: extract_meta.c reads it. */
		for (i = 0; atts[i] != NULL; i += 2)
			if (strcmp((const char *)atts[i], "type") == 0 &&
			    atts[i + 1] != NULL && strcasecmp(
			    (const char *)atts[i + 1],
			    "application/ld+json") == 0)
				return 0;
	}
	return 1;
}

/* Attributes the extractor reads; the sanitizer's own are kept too. */
static int
kept_attr(const char *name)
{
	static const char *const names[] = { "aria-hidden", "charset",
	    "class", "content", "data-hi-res-src", "data-lazy",
	    "data-lazy-src", "data-original", "data-src", "data-url",
	    "datetime", "height", "hidden", "href", "http-equiv", "id",
	    "itemprop", "lang", "name", "property", "pubdate", "rel", "role",
	    "src", "srcset", "style", "summary", "type", "width", "xml:lang" };

	return in_list(name, names, NELEM(names)) ||
	    allow_has(ALLOW_ATTRIBUTE, name);
}

static void
b_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	xmlParserCtxtPtr c = ctx;
	struct build *b = c->_private;
	const xmlChar *keep[2 * EX_MAXATTS + 2], **k = keep;
	size_t i, n = 0;

	if (b->depth >= EX_MAXDEPTH) {
		/* Deeper than any real page: stop, keep what came before. */
		xmlStopParser(c);
		return;
	}
	b->depth++;
	b->built[b->depth] = 0;
	if (b->drop)
		return;
	if (dropped((const char *)name, atts)) {
		b->drop = b->depth;
		return;
	}
	if (b->elems >= EX_MAXELEMS)
		return;
	b->elems++;
	b->built[b->depth] = 1;
	for (i = 0; atts != NULL && atts[i] != NULL; i += 2)
		n++;
	if (n > EX_MAXATTS)
		k = xreallocarray(NULL, 2 * n + 2, sizeof(*k));
	for (i = 0, n = 0; atts != NULL && atts[i] != NULL; i += 2)
		if (kept_attr((const char *)atts[i])) {
			k[n++] = atts[i];
			k[n++] = atts[i + 1];
		}
	k[n] = NULL;
	xmlSAX2StartElement(ctx, name, atts != NULL ? k : NULL);
	if (k != keep)
		free(k);
}

static void
b_end(void *ctx, const xmlChar *name)
{
	xmlParserCtxtPtr c = ctx;
	struct build *b = c->_private;

	if (b->depth == 0)
		return;
	if (b->drop == b->depth)
		b->drop = 0;
	if (b->built[b->depth])
		xmlSAX2EndElement(ctx, name);
	b->depth--;
}

static void
b_text(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr c = ctx;
	struct build *b = c->_private;
	size_t n = (size_t)len;

	if (b->drop || b->text >= EX_MAXTEXT)
		return;
	if (b->text + n > EX_MAXTEXT) {
		/* What fits, cut at a character's first byte. */
		n = EX_MAXTEXT - b->text;
		while (n > 0 && (ch[n] & 0xc0) == 0x80)
			n--;
		b->text = EX_MAXTEXT;
	} else
		b->text += n;
	if (n > 0)
		xmlSAX2Characters(ctx, ch, (int)n);
}

static void
b_quiet(void *ctx, const xmlError *err)
{
	(void)ctx;
	(void)err;
}

/* Parses the stream into a tree; NULL if libxml2 gives none. */
static xmlDocPtr
build(struct input *in)
{
	xmlParserInputBufferPtr ib;
	xmlParserInputPtr is;
	htmlParserCtxtPtr c;
	struct build *b;
	xmlDocPtr doc;

	c = htmlNewParserCtxt();
	if (c == NULL)
		return NULL;
	ib = xmlParserInputBufferCreateIO(input_read, input_close, in,
	    XML_CHAR_ENCODING_NONE);
	if (ib == NULL) {
		htmlFreeParserCtxt(c);
		return NULL;
	}
	is = xmlNewIOInputStream(c, ib, XML_CHAR_ENCODING_NONE);
	if (is == NULL) {
		xmlFreeParserInputBuffer(ib);
		htmlFreeParserCtxt(c);
		return NULL;
	}
	inputPush(c, is);
	b = xcalloc(1, sizeof(*b));
	xmlSwitchEncoding(c, XML_CHAR_ENCODING_UTF8);
	htmlCtxtUseOptions(c, HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC |
	    HTML_PARSE_NODEFDTD | HTML_PARSE_RECOVER | HTML_PARSE_COMPACT);
	c->sax->startElement = b_start;
	c->sax->endElement = b_end;
	c->sax->characters = b_text;
	c->sax->ignorableWhitespace = b_text;
	c->sax->cdataBlock = b_text;
	c->sax->comment = NULL;
	c->sax->processingInstruction = NULL;
	c->sax->serror = (xmlStructuredErrorFunc)b_quiet;
	c->sax->error = NULL;
	c->sax->warning = NULL;
	c->_private = b;
	htmlParseDocument(c);
	doc = c->myDoc;
	c->myDoc = NULL;
	htmlFreeParserCtxt(c);
	free(b);
	return doc;
}

/* Reads the first EX_HOLD bytes (or all) into hold. */
static void
input_hold(struct input *in, struct buf *hold)
{
	char raw[EX_SLICE];
	size_t n, want;

	while (hold->len < EX_HOLD && !in->eof && in->err == NULL) {
		want = EX_HOLD - hold->len;
		n = input_raw(in, raw, want < sizeof(raw) ? want :
		    sizeof(raw));
		buf_add(hold, raw, n);
	}
}

xmlDocPtr
ex_input_build(extract_read_fn rd, void *arg,
    const struct extract_opts *opts, char **errstr)
{
	struct input in;
	struct buf hold;
	const char *why;
	size_t skip;
	xmlDocPtr doc = NULL;
	int wide;

	memset(&in, 0, sizeof(in));
	in.rd = rd;
	in.arg = arg;
	in.max = opts->max_size ? opts->max_size : EXTRACT_MAX_SIZE;
	buf_init(&hold, EX_HOLD);
	input_hold(&in, &hold);
	if (in.err != NULL)
		goto out;
	wide = (hold.len >= 2 && ((hold.data[0] == '\xff' &&
	    hold.data[1] == '\xfe') || (hold.data[0] == '\xfe' &&
	    hold.data[1] == '\xff'))) || (opts->charset != NULL &&
	    strcasestr(opts->charset, "utf-16"));
	if ((why = ex_sniff_binary(hold.len ? hold.data : "", hold.len,
	    wide)) != NULL) {
		*errstr = xstrdup(why);
		goto out;
	}
	ex_decode_choose(&in.dec, hold.len ? hold.data : "", hold.len, in.eof,
	    opts->charset, &skip);
	ex_decode_slice(&in.dec, hold.data + skip, hold.len - skip, in.eof,
	    &in.pre);
	buf_reset(&hold);
	/* The rest of sniffing needs the bytes as text. */
	if ((why = ex_sniff(in.pre.len ? in.pre.data : "", in.pre.len)) !=
	    NULL) {
		*errstr = xstrdup(why);
		goto out;
	}
	doc = build(&in);
out:
	if (in.err != NULL && *errstr == NULL) {
		if (strcmp(in.err, "too large") == 0)
			*errstr = xasprintf("page larger than %zu bytes",
			    in.max);
		else
			*errstr = xasprintf("read error: %s",
			    strerror(in.err_errno));
	}
	if (*errstr != NULL && doc != NULL) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	buf_reset(&hold);
	buf_reset(&in.pre);
	free(in.out.data);
	ex_decode_reset(&in.dec);
	return doc;
}
