/*
 * feed_xml.c: the XML driver of the parser: RSS (0.90 to 2.0, RDF), Atom
 * (0.3, 1.0) and CDF read with libxml2's SAX2 push parser.  This file
 * reads XML and knows no feed: it runs the passes, keeps the stack of
 * open elements (frames: the xml:base chain, namespaces in scope, and the
 * word feed_map.c gave on each element) and captures the content of the
 * field being read, as text and serialised as markup (for inline XHTML).
 * What each element means, including what its attributes say, is decided
 * by feed_map.c through feed_map.h; bytes before libxml2 (encodings, the
 * clean-up filter, the start-tag scan) are feed_bytes.c's, entities and
 * the DTD feed_xml_dtd.c's.
 *
 * The document is pushed in chunks and no tree is built: memory is bounded
 * by the largest field being read, not by the document.
 *
 * Safety: XML_PARSE_NONET, never NOENT, DTDLOAD or
 * HUGE, so external entities are never read and libxml2's expansion and
 * depth limits stay in force; the external entity loader refuses
 * everything as a second fence.  Undeclared HTML entities (&nbsp;) are
 * resolved by a getEntity hook that falls back to htmlEntityLookup, since
 * feeds use them freely and a recovering parse would drop them silently.
 * libxml2 2.9's own limits leave much open (a flat entity referenced
 * without end, attributes checked pairwise): the bounds in feed_xml_int.h
 * close it, so that a parse costs time and memory linear in the document
 * whatever it holds.
 *
 * Broken documents: a strict pass first; if it fails on the encoding, a
 * strict pass in UTF-8 and then in windows-1252 (ISO-8859-2 when it
 * cannot be windows-1252, as in feedparser); if it still fails, a
 * recovering pass, flagged FEED_RECOVERED.  Entries a failed pass already
 * handed to the sink are counted and skipped by the next pass, so none is
 * seen twice.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "feed.h"
#include "feed_bytes.h"
#include "feed_int.h"
#include "feed_map.h"
#include "feed_xml_int.h"
#include "uri.h"
#include "base/swar.h"
#include "base/util.h"

#define CHUNK		FBYTES_CHUNK
#define XML_NS		"http://www.w3.org/XML/1998/namespace"

void
fxml_refuse(struct xstate *st, const char *fmt, ...)
{
	va_list ap;

	if (st->refused == NULL) {
		va_start(ap, fmt);
		st->refused = xvasprintf(fmt, ap);
		va_end(ap);
	}
	if (st->ctxt != NULL)
		xmlStopParser(st->ctxt);
}

/* Takes n bytes of captured text from the budget; -1 (parse stopped)
 * when it is spent. */
static int
fxml_take_text(struct xstate *st, size_t n)
{
	if (st->refused != NULL)
		return -1;
	if (n > st->text_left) {
		fxml_refuse(st, "the document's text expands past %d times "
		    "its size", TEXT_FACTOR);
		return -1;
	}
	st->text_left -= n;
	return 0;
}

static int tables_sorted;
static void markup_text(struct xstate *, const xmlChar *, size_t);

void
feed_xml_init(void)
{
	if (tables_sorted)
		return;
	xmlInitParser();
	/* A second fence behind the parse options: nothing is ever loaded
	 * from outside the document (DTDs, external entities). */
	xmlSetExternalEntityLoader(fxml_no_loader);
	fmap_init();
	tables_sorted = 1;
}

/* An attribute's value, entities decoded (libxml2 hands them undecoded
 * when it does not substitute entities). */
static char *
attr_get(struct xstate *st, const xmlChar **attrs, int nattrs,
    const char *uri, const char *name)
{
	const xmlChar *v, *end;
	xmlChar *d;
	char *r;
	int i;

	for (i = 0; i < nattrs; i++) {
		const xmlChar **a = attrs + i * 5;

		if (strcasecmp((const char *)a[0], name) != 0)
			continue;
		if (uri == NULL ? a[2] != NULL :
		    (a[2] == NULL || strcmp((const char *)a[2], uri) != 0))
			continue;
		v = a[3];
		end = a[4];
		if (memchr(v, '&', end - v) == NULL)
			return xstrndup((const char *)v, end - v);
		d = xmlStringLenDecodeEntities(st->ctxt, v, end - v,
		    XML_SUBSTITUTE_REF, 0, 0, 0);
		if (d == NULL)
			return NULL;
		r = xstrdup((const char *)d);
		xmlFree(d);
		return r;
	}
	return NULL;
}

/* -------------------------------------------------------- SAX events */

/*
 * A start tag as feed_map.c sees it: struct fmap_elem first, so that its
 * callbacks recover the rest.
 */
struct xelem {
	struct fmap_elem pub;
	struct xstate	*st;
	const xmlChar	**attrs;
	int		 nattrs;
	const xmlChar	**nss;
	int		 nns;
};

static char *
elem_attr(const struct fmap_elem *el, const char *uri, const char *name)
{
	const struct xelem *x = (const struct xelem *)el;

	return attr_get(x->st, x->attrs, x->nattrs, uri, name);
}

static int
elem_declares(const struct fmap_elem *el, const char *uri)
{
	const struct xelem *x = (const struct xelem *)el;
	const char *u;
	int i;

	for (i = 0; i < x->nns; i++) {
		u = (const char *)x->nss[2 * i + 1];
		if (u != NULL && strcmp(u, uri) == 0)
			return 1;
	}
	return 0;
}

/* The base URI in force for the element being read. */
static const char *
cur_base(const struct xstate *st)
{
	if (st->nframes == 0 || st->depth == 0)
		return st->run->opts->url;
	return st->frames[st->depth - 1].base;
}

static void
push_frame(struct xstate *st, const xmlChar **attrs, int nattrs, int nns)
{
	struct frame *f;
	char *b;

	if ((size_t)st->depth >= st->nframes) {
		st->nframes = st->nframes ? st->nframes * 2 : 32;
		st->frames = xreallocarray(st->frames, st->nframes,
		    sizeof(*st->frames));
	}
	f = &st->frames[st->depth];
	memset(&f->m, 0, sizeof(f->m));
	f->own = 0;
	f->nns = nns;
	st->ns_in_scope += nns;
	f->base = (char *)cur_base(st);
	b = attr_get(st, attrs, nattrs, XML_NS, "base");
	if (b != NULL) {
		f->base = uri_resolve(cur_base(st), b);
		f->own = 1;
		free(b);
		/* Resolving costs the base's length, again and again. */
		if (f->base != NULL)
			(void)fxml_take_text(st, strlen(f->base));
	}
	st->depth++;
}

static int
all_space(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
is_void(const char *name)
{
	static const char *const v[] = { "area", "base", "br", "col",
	    "embed", "hr", "img", "input", "link", "meta", "param", "source",
	    "track", "wbr" };
	size_t i;

	for (i = 0; i < NELEM(v); i++)
		if (strcasecmp(name, v[i]) == 0)
			return 1;
	return 0;
}

/* Appends to the markup copy; a field past its cap stops the parse. */
static void
madd(struct xstate *st, const char *s)
{
	if (buf_addstr(&st->markup, s) == -1)
		fxml_refuse(st, "a field is longer than %zu bytes",
		    st->markup.cap);
}

static void
markup_attr_value(struct xstate *st, const char *s)
{
	size_t n;

	while (*s != '\0') {
		n = strcspn(s, "&<\"");
		if (buf_add(&st->markup, s, n) == -1) {
			madd(st, s);	/* fails: refused */
			return;
		}
		s += n;
		if (*s != '\0') {
			madd(st, *s == '&' ? "&amp;" : *s == '<' ? "&lt;" :
			    "&quot;");
			s++;
		}
	}
}

/* Inside a captured field: serialise the child element. */
static void
cap_child_start(struct xstate *st, const char *name, const xmlChar **nss,
    int nns, const xmlChar **attrs, int nattrs)
{
	int i;
	char *v;
	size_t before;

	if (!st->cap_children && !st->cap_how.xhtml && st->raw.len > 0)
		markup_text(st, (const xmlChar *)st->raw.data, st->raw.len);
	if (st->refused != NULL)
		return;
	before = st->markup.len;
	st->cap_children = 1;
	if (st->cap_how.stripdiv && st->depth == st->cap_depth + 1) {
		/* A wrapper div is dropped only if it is the only child
		 * (cap_unwrap_div); note where it is. */
		if (st->cap_divdepth == 0 && strcmp(name, "div") == 0 &&
		    all_space(st->markup.data, st->markup.len))
			st->cap_divdepth = st->depth;
		else
			st->cap_divbad = 1;
	}
	madd(st, "<");
	madd(st, name);
	/* A refusal halts libxml2, which frees what attrs point to. */
	for (i = 0; i < nattrs && st->refused == NULL; i++) {
		const xmlChar **a = attrs + i * 5;

		v = attr_get(st, a, 1, (const char *)a[2],
		    (const char *)a[0]);
		if (v == NULL)
			continue;
		madd(st, " ");
		if (a[1] != NULL) {
			madd(st, (const char *)a[1]);
			madd(st, ":");
		}
		madd(st, (const char *)a[0]);
		madd(st, "=\"");
		markup_attr_value(st, v);
		madd(st, "\"");
		free(v);
	}
	for (i = 0; i < nns && st->refused == NULL; i++) {
		const char *pfx = (const char *)nss[2 * i];
		const char *u = (const char *)nss[2 * i + 1];

		madd(st, pfx != NULL ? " xmlns:" : " xmlns");
		if (pfx != NULL)
			madd(st, pfx);
		madd(st, "=\"");
		markup_attr_value(st, u != NULL ? u : "");
		madd(st, "\"");
	}
	madd(st, is_void(name) ? " />" : ">");
	(void)fxml_take_text(st, st->markup.len - before);
	if (st->cap_divdepth == st->depth && !st->cap_divdone)
		st->cap_divin = st->markup.len;
}

/* fmap_start asked for the element's content: capture it. */
static void
cap_begin(struct xstate *st, const struct fmap_capture *how)
{
	st->cap = 1;
	st->cap_depth = st->depth;
	st->cap_how = *how;
	st->cap_children = 0;
	st->cap_divdepth = 0;
	st->cap_divdone = st->cap_divbad = 0;
	st->cap_divin = st->cap_divout = st->cap_divend = 0;
}

static void
sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **nss, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	struct xstate *st = fxml_state(ctx);
	struct fmap_capture how;
	struct xelem el;
	struct frame *f;

	(void)prefix;
	if (!fxml_element_bounded(st, nns, nattrs, ndefaulted, attrs))
		return;
	/* Depth first so that the frame's base is this element's. */
	push_frame(st, attrs, nattrs, nns);
	/* A refusal halts libxml2, which frees what attrs point to. */
	if (st->refused != NULL)
		return;
	if (st->cap) {
		cap_child_start(st, (const char *)localname, nss, nns, attrs,
		    nattrs);
		return;
	}
	f = &st->frames[st->depth - 1];
	el.pub.name = (const char *)localname;
	el.pub.uri = (const char *)uri;
	el.pub.base = f->base;
	el.pub.attr = elem_attr;
	el.pub.declares = elem_declares;
	el.st = st;
	el.attrs = attrs;
	el.nattrs = nattrs;
	el.nss = nss;
	el.nns = nns;
	if (fmap_start(st->map, st->depth > 1 ? &f[-1].m : NULL, &el.pub,
	    &f->m, &how) == -1) {
		xmlStopParser(st->ctxt);
		return;
	}
	if (how.on)
		cap_begin(st, &how);
}

/*
 * Atom 1.0 xhtml content is wrapped in a div that is not part of it (RFC
 * 4287 4.1.3.3) - when the div is the only child, as feedparser reads it:
 * two divs side by side, or text beside one, are the content as they
 * are.  cap_child_start and sax_end recorded where the div's tags sit.
 */
static void
cap_unwrap_div(struct xstate *st)
{
	struct buf *b = &st->markup;
	size_t i, n;

	if (st->cap_divdepth == 0 || !st->cap_divdone || st->cap_divbad ||
	    st->cap_divin > st->cap_divout || st->cap_divend > b->len ||
	    b->data == NULL)
		return;
	for (i = st->cap_divend; i < b->len; i++)
		if (!isspace((unsigned char)b->data[i]))
			return;
	n = st->cap_divout - st->cap_divin;
	memmove(b->data, b->data + st->cap_divin, n);
	b->data[n] = '\0';
	b->len = n;
}

/* The captured element ended: its text goes to the mapping. */
static void
cap_finish(struct xstate *st)
{
	struct fmap_text t;

	cap_unwrap_div(st);
	t.raw = &st->raw;
	t.markup = &st->markup;
	t.children = st->cap_children;
	fmap_cap_end(st->map, &t);
	st->cap = 0;
	buf_clear(&st->raw);
	buf_clear(&st->markup);
}

static void
sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct xstate *st = fxml_state(ctx);
	struct frame *f;
	int depth = st->depth;

	(void)prefix;
	(void)uri;
	if (depth == 0)
		return;
	if (st->cap && depth > st->cap_depth) {
		if (depth == st->cap_divdepth && !st->cap_divdone)
			st->cap_divout = st->markup.len;
		if (!is_void((const char *)localname)) {
			madd(st, "</");
			madd(st, (const char *)localname);
			madd(st, ">");
			(void)fxml_take_text(st,
			    strlen((const char *)localname) + 3);
		}
		if (depth == st->cap_divdepth && !st->cap_divdone) {
			st->cap_divdone = 1;
			st->cap_divend = st->markup.len;
		}
	} else if (st->cap && depth == st->cap_depth)
		cap_finish(st);
	else if (fmap_end(st->map, &st->frames[depth - 1].m,
	    cur_base(st)) == -1)
		xmlStopParser(st->ctxt);
	f = &st->frames[depth - 1];
	if (f->own)
		free(f->base);
	f->own = 0;
	st->ns_in_scope -= f->nns;
	st->depth--;
}

/* Text into the markup copy, escaped; runs of plain text in one go. */
static void
markup_text(struct xstate *st, const xmlChar *ch, size_t len)
{
	const xmlChar *p, *run, *end = ch + len;
	size_t before = st->markup.len;

	for (p = run = ch; p < end; p++) {
		if (*p != '&' && *p != '<' && *p != '>')
			continue;
		buf_add(&st->markup, run, p - run);
		buf_addstr(&st->markup, *p == '&' ? "&amp;" :
		    *p == '<' ? "&lt;" : "&gt;");
		run = p + 1;
	}
	if (buf_add(&st->markup, run, end - run) == -1)
		fxml_refuse(st, "a field is longer than %zu bytes",
		    st->markup.cap);
	(void)fxml_take_text(st, st->markup.len - before);
}

/*
 * The markup copy is only read when the field turns out to have child
 * elements (or is Atom xhtml), which most never do: it is started from the
 * raw text when the first child shows up (cap_child_start) rather than
 * kept up to date for every field.
 */
static void
sax_chars(void *ctx, const xmlChar *ch, int len)
{
	struct xstate *st = fxml_state(ctx);

	if (st->swallow > 0) {
		/* What cdata_direct or text_direct pushed in place of the
		 * text they handed over themselves. */
		if ((size_t)len <= st->swallow) {
			st->swallow -= (size_t)len;
			return;
		}
		ch += st->swallow;
		len -= (int)st->swallow;
		st->swallow = 0;
	}
	if (!st->cap || st->refused != NULL)
		return;
	if (!st->cap_how.markup_only) {
		if (fxml_take_text(st, (size_t)len) == -1)
			return;
		if (buf_add(&st->raw, ch, len) == -1) {
			fxml_refuse(st, "a field is longer than %zu bytes",
			    st->raw.cap);
			return;
		}
	}
	if (st->cap_children || st->cap_how.xhtml)
		markup_text(st, ch, (size_t)len);
}

static void
sax_error(void *ctx, xmlErrorPtr err)
{
	struct xstate *st = fxml_state(ctx);

	/* An error while the context is made (the first bytes name an
	 * encoding libxml2 cannot read) comes before the state is
	 * attached: run_pass takes it from the context. */
	if (st == NULL || err == NULL || err->level < XML_ERR_ERROR ||
	    st->errcode != 0)
		return;
	st->errcode = err->code;
	st->errline = err->line;
	free(st->errmsg);
	st->errmsg = xstrdup(err->message != NULL ? err->message : "error");
	st->errmsg[strcspn(st->errmsg, "\n")] = '\0';
}

/* ------------------------------------------------------------- passes */

struct pass {
	const char	*enc;		/* forced encoding, or NULL */
	int		 recover;
	int		 legacy;	/* 1: windows-1252, 2: ISO-8859-2 */
};

static void
sax_handler(xmlSAXHandler *sax)
{
	memset(sax, 0, sizeof(*sax));
	xmlSAXVersion(sax, 2);
	sax->startElementNs = sax_start;
	sax->endElementNs = sax_end;
	sax->characters = sax_chars;
	sax->cdataBlock = sax_chars;
	sax->ignorableWhitespace = sax_chars;
	sax->comment = NULL;
	sax->warning = NULL;
	sax->error = NULL;
	sax->fatalError = NULL;
	sax->serror = sax_error;
	fxml_dtd_sax(sax);
}

/* Does libxml2 read the document's bytes as they are: no encoder, or
 * its UTF-8 one (a copy) with nothing left unconverted? */
static int
reads_doc(xmlParserCtxtPtr ctxt)
{
	xmlCharEncodingHandlerPtr h = ctxt->input->buf->encoder;

	return h == NULL || (strcmp(h->name, "UTF-8") == 0 &&
	    (ctxt->input->buf->raw == NULL ||
	    xmlBufUse(ctxt->input->buf->raw) == 0));
}

/*
 * The text of a CDATA section, doc[off..) up to "]]>", when libxml2 has
 * just read its "<![CDATA[" (the filter ends a piece there): libxml2
 * would look for the end byte by byte, check each character and copy the
 * text to its buffer, then to ours, which was a fifth of the work on a
 * feed of HTML in CDATA.  Here the text is checked at once and given to
 * sax_chars directly, and libxml2 reads a stand-in of as many newlines
 * (one space if none), so that its line numbers stay right, then "]]>";
 * sax_chars drops the stand-in.  Only plain text is done so: valid UTF-8
 * of XML characters (no other C0 control, no carriage return, which
 * libxml2 would handle) of a document libxml2 reads as it is, with
 * libxml2 at the section's start with all its input read.  Returns the
 * bytes of the document it used (past the "]]>"), with the stand-in
 * pushed, or 0 when libxml2 is to read the section itself.
 */
static size_t
cdata_direct(struct xstate *st, xmlParserCtxtPtr ctxt, const char *doc,
    size_t len, size_t off, char *chunk, int *rc)
{
	const unsigned char *p = (const unsigned char *)doc + off, *end;
	const unsigned char *q;
	size_t n, nl, i;

	if (ctxt->instate != XML_PARSER_CDATA_SECTION || ctxt->disableSAX ||
	    ctxt->inputNr != 1 || ctxt->input == NULL ||
	    ctxt->input->buf == NULL || !reads_doc(ctxt) ||
	    ctxt->input->cur != ctxt->input->end)
		return 0;
	/* The first "]]>": memchr runs far faster than memmem. */
	for (q = p, end = NULL; (q = memchr(q, ']', (size_t)((const
	    unsigned char *)doc + len - q))) != NULL; q++)
		if ((size_t)((const unsigned char *)doc + len - q) >= 3 &&
		    q[1] == ']' && q[2] == '>') {
			end = q;
			break;
		}
	if (end == NULL || end == p ||
	    !fbytes_plain(p, (size_t)(end - p), &nl))
		return 0;
	n = nl > 0 ? nl : 1;
	if (n + 3 > CHUNK)
		return 0;
	sax_chars(ctxt, p, (int)(end - p));
	for (i = 0; i < n; i++)
		chunk[i] = nl > 0 ? '\n' : ' ';
	memcpy(chunk + n, "]]>", 3);
	st->swallow = n;
	*rc = xmlParseChunk(ctxt, chunk, (int)(n + 3), 0);
	st->swallow = 0;
	return (size_t)(end - p) + 3;
}

/*
 * The text of an element, doc[off..) up to the next markup, when it holds
 * references (fbytes_filter ended the piece before it): libxml2 reads
 * each reference on a slow path of its own and non-ASCII text character
 * by character.  fbytes_text decodes plain text as libxml2 would, it goes
 * to sax_chars directly, and libxml2 is given a stand-in of as many
 * newlines (none if none), which sax_chars drops.  Only when libxml2
 * stands in an element's content with all its input read, well-formed so
 * far (a recovering parse drops references after an error), reading
 * the document as it is (reads_doc), with no DTD (whose entities libxml2 bounds by the bytes it
 * read).  Returns the bytes of the document used, or 0.
 */
static size_t
text_direct(struct xstate *st, xmlParserCtxtPtr ctxt, const char *doc,
    size_t len, size_t off, char *chunk, int *rc)
{
	struct fbytes_text t, rest;
	size_t n, used, nl;

	if (ctxt->instate != XML_PARSER_CONTENT || ctxt->disableSAX ||
	    !ctxt->wellFormed || ctxt->inputNr != 1 || ctxt->input == NULL ||
	    ctxt->input->buf == NULL || !reads_doc(ctxt) ||
	    ctxt->input->cur != ctxt->input->end || ctxt->nameNr < 1 ||
	    st->depth < 1 || st->swallow != 0 ||
	    (ctxt->myDoc != NULL && ctxt->myDoc->intSubset != NULL))
		return 0;
	if ((used = fbytes_text(doc, len, off, chunk, CHUNK, &t)) == 0)
		return 0;
	nl = t.nl;
	/* A long text is checked to its end before any of it is given. */
	if (t.more && fbytes_text(doc, len, off + used, NULL, 0, &rest) == 0)
		return 0;
	for (;;) {
		sax_chars(ctxt, (const xmlChar *)chunk, (int)t.outlen);
		if (!t.more || st->refused != NULL)
			break;
		used += fbytes_text(doc, len, off + used, chunk, CHUNK, &t);
		nl += t.nl;
	}
	while (nl > 0 && st->refused == NULL && (*rc == 0 ||
	    ctxt->recovery)) {
		n = nl < CHUNK ? nl : CHUNK;
		memset(chunk, '\n', n);
		st->swallow += n;
		*rc = xmlParseChunk(ctxt, chunk, (int)n, 0);
		nl -= n;
	}
	return used;
}

/*
 * One parse of the whole document.  Returns 0 if it was well-formed, -1
 * if not (st->errcode says why).
 */
static int
run_pass(struct xstate *st, const char *doc, size_t len, int wide,
    const struct pass *p)
{
	xmlSAXHandler sax;
	xmlParserCtxtPtr ctxt;
	xmlCharEncodingHandlerPtr h;
	char chunk[CHUNK + 8], *conv = NULL;
	struct tagscan ts;
	size_t off, n, w;
	int opts, rc, mode = 0;

	sax_handler(&sax);

	off = 0;
	/* libxml2 detects UTF-16/32 from the first bytes. */
	n = p->enc == NULL ? (len < 4 ? len : 4) : 0;
	ctxt = xmlCreatePushParserCtxt(&sax, NULL, doc, (int)n, NULL);
	if (ctxt == NULL)
		return -1;
	off = n;
	if (p->legacy)
		conv = xmalloc(3 * sizeof(chunk));
	ctxt->_private = st;
	st->ctxt = ctxt;
	if (ctxt->errNo != 0)
		sax_error(ctxt, xmlCtxtGetLastError(ctxt));
	opts = XML_PARSE_NONET | XML_PARSE_NOCDATA;
	if (p->recover)
		opts |= XML_PARSE_RECOVER;
	if (p->enc != NULL) {
		opts |= XML_PARSE_IGNORE_ENC;
		h = xmlFindCharEncodingHandler(p->enc);
		if (h != NULL)
			xmlSwitchToEncoding(ctxt, h);
	}
	xmlCtxtUseOptions(ctxt, opts);

	rc = 0;
	memset(&ts, 0, sizeof(ts));
	st->swallow = 0;
	if (n > 0 && fbytes_scan_chunk(&ts, doc, n, wide) == -1)
		off = len;
	while (off < len && !st->run->aborted && st->refused == NULL) {
		if (wide) {
			n = len - off < CHUNK ? len - off : CHUNK;
			memcpy(chunk, doc + off, n);
			w = n;
			off += n;
		} else
			w = fbytes_filter(doc, len, &off, chunk, &mode);
		if (fbytes_scan_chunk(&ts, chunk, w, wide) == -1)
			break;
		if (p->legacy) {
			w = fbytes_legacy_to_utf8(chunk, w, p->legacy == 1,
			    conv);
			rc = xmlParseChunk(ctxt, conv, (int)w, 0);
		} else
			rc = xmlParseChunk(ctxt, chunk, (int)w, 0);
		if ((rc != 0 && !p->recover) || !fxml_names_bounded(st))
			break;
		if (mode == 1 && !wide && !p->legacy && st->refused == NULL &&
		    !st->run->aborted && w >= 9 &&
		    memcmp(chunk + w - 9, "<![CDATA[", 9) == 0 &&
		    (n = cdata_direct(st, ctxt, doc, len, off, chunk,
		    &rc)) > 0) {
			/* The stand-in, as the scan would see the text. */
			if (fbytes_tagscan(&ts, "]]>", 3) == -1)
				break;
			off += n;
			mode = 0;
			if ((rc != 0 && !p->recover) ||
			    !fxml_names_bounded(st))
				break;
		} else if (mode == 3 && !p->legacy && ts.state == TS_TEXT &&
		    st->refused == NULL && !st->run->aborted &&
		    (n = text_direct(st, ctxt, doc, len, off, chunk,
		    &rc)) > 0) {
			off += n;
			mode = 0;
			if ((rc != 0 && !p->recover) ||
			    !fxml_names_bounded(st))
				break;
		}
	}
	if (ts.natts > XML_MAXATTS || ts.taglen > XML_MAXTAG)
		fxml_refuse(st, "%s", fbytes_tagscan_why(&ts));
	if ((rc == 0 || p->recover) && st->refused == NULL)
		rc = xmlParseChunk(ctxt, NULL, 0, 1);
	if (p->recover && !st->run->aborted && st->refused == NULL) {
		/* A truncated document leaves elements open, and libxml2
		 * does not close them: keep what the last entry has. */
		if (st->cap)
			cap_finish(st);
		if (fmap_flush(st->map, cur_base(st)) == -1)
			xmlStopParser(ctxt);
	}
	if (!ctxt->wellFormed || st->errcode != 0)
		rc = -1;
	if (ctxt->myDoc != NULL) {
		xmlFreeDoc(ctxt->myDoc);
		ctxt->myDoc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	st->ctxt = NULL;
	free(conv);
	return rc == 0 ? 0 : -1;
}

static void
budget_reset(struct xstate *st)
{
	st->expand_left = st->doclen + EXPAND_SLACK;
	st->text_left = st->doclen > (SIZE_MAX - EXPAND_SLACK) / TEXT_FACTOR ?
	    SIZE_MAX : st->doclen * TEXT_FACTOR + EXPAND_SLACK;
	st->ns_in_scope = 0;
	st->nattdecl = 0;
}

static void
silent(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

static int
is_encoding_error(int code)
{
	return code == XML_ERR_INVALID_CHAR ||
	    code == XML_ERR_INVALID_ENCODING ||
	    code == XML_ERR_UNSUPPORTED_ENCODING ||
	    code == XML_ERR_UNKNOWN_ENCODING;
}

static void
state_reset(struct xstate *st)
{
	int i;

	for (i = 0; i < st->depth; i++)
		if (st->frames[i].own)
			free(st->frames[i].base);
	st->depth = 0;
	fmap_reset(st->map);
	st->cap = 0;
	buf_clear(&st->raw);
	buf_clear(&st->markup);
	st->errcode = 0;
	st->errline = 0;
	free(st->errmsg);
	st->errmsg = NULL;
	st->run->seen = 0;
	budget_reset(st);
}

static void
state_init(struct xstate *st, struct feed_run *run, size_t len)
{
	memset(st, 0, sizeof(*st));
	st->run = run;
	st->map = fmap_new(run);
	st->doclen = len;
	budget_reset(st);
	buf_init(&st->raw, run->max_size < FIELD_MAX ? run->max_size :
	    FIELD_MAX);
	buf_init(&st->markup, st->raw.cap);
	st->edoc = xmlNewDoc((const xmlChar *)"1.0");
	xmlCreateIntSubset(st->edoc, (const xmlChar *)"html", NULL, NULL);
}

static void
state_free(struct xstate *st)
{
	state_reset(st);
	fmap_free(st->map);
	free(st->frames);
	buf_reset(&st->raw);
	buf_reset(&st->markup);
	xmlFreeDoc(st->edoc);
}

/*
 * Not what it claims (the strict pass failed on the encoding): feedparser
 * falls back to UTF-8, then to windows-1252 or ISO-8859-2
 * (fbytes_legacy_to_utf8).  Returns the last pass's result.
 */
static int
encoding_passes(struct xstate *st, const char *doc, size_t len, int wide,
    struct pass *p)
{
	struct feed_run *run = st->run;
	int rc = -1;

	if (run->delivered < run->seen)
		run->delivered = run->seen;
	if (p->enc == NULL || strcasecmp(p->enc, "UTF-8") != 0) {
		state_reset(st);
		p->enc = "UTF-8";
		rc = run_pass(st, doc, len, wide, p);
	}
	if (rc == -1 && !run->aborted && st->refused == NULL &&
	    is_encoding_error(st->errcode)) {
		if (run->delivered < run->seen)
			run->delivered = run->seen;
		state_reset(st);
		p->legacy = fbytes_is_cp1252(doc, len) ? 1 : 2;
		p->enc = "UTF-8";
		rc = run_pass(st, doc, len, wide, p);
	}
	return rc;
}

/*
 * The passes over doc[0..len) (see the design note).  Returns 1 if they
 * found a feed, 0 if not (with a reason in *errstr when there is one).
 */
static int
run_passes(struct xstate *st, const char *doc, size_t len,
    const struct fbytes_sniff *sn, char **errstr)
{
	struct feed_run *run = st->run;
	struct pass p;
	char *msg;
	int rc, ok, line;

	p.enc = sn->enc;
	p.recover = 0;
	p.legacy = 0;
	rc = run_pass(st, doc, len, sn->wide, &p);
	if (rc == -1 && !run->aborted && st->refused == NULL && !sn->wide &&
	    is_encoding_error(st->errcode))
		rc = encoding_passes(st, doc, len, sn->wide, &p);
	if (rc == 0 || run->aborted || st->refused != NULL)
		return fmap_found(st->map);
	line = st->errline;
	msg = st->errmsg;
	st->errmsg = NULL;
	if (run->delivered < run->seen)
		run->delivered = run->seen;
	state_reset(st);
	if (sn->junk && run->delivered == 0) {
		/* Text, then markup that is neither a feed's start nor XML
		 * (a README quoting a tag): recovering would make an entry
		 * of it. */
		*errstr = xasprintf("not a feed: text before the first tag, "
		    "and then not XML (line %d: %s)", line,
		    msg != NULL ? msg : "not well-formed");
		free(msg);
		return 0;
	}
	p.recover = 1;
	(void)run_pass(st, doc, len, sn->wide, &p);
	run->info->flags |= FEED_RECOVERED;
	ok = fmap_found(st->map) || run->delivered > 0;
	if (!ok)
		*errstr = xasprintf("line %d: %s", line,
		    msg != NULL ? msg : "not well-formed");
	free(msg);
	return ok;
}

int
feed_xml_parse(struct feed_run *run, const char *doc, size_t len,
    char **errstr)
{
	struct xstate st;
	struct fbytes_sniff sn;
	size_t i, line = 1;
	int ok;

	feed_xml_init();
	state_init(&st, run, len);
	if (fbytes_sniff(doc, len, run->opts->charset, &sn) == -1) {
		for (i = 0; i < len; i++)
			line += doc[i] == '\n';
		*errstr = len == 0 ? xstrdup("empty document") :
		    xasprintf("line %zu: no XML element in the document",
		    line);
		state_free(&st);
		return -1;
	}
	/* Errors are collected per parse (sax_error); libxml2's encoding
	 * layer would otherwise print to stderr. */
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetGenericErrorFunc(NULL, silent);
	ok = run_passes(&st, doc + sn.skip, len - sn.skip, &sn, errstr);
	if (st.refused != NULL) {
		/* Nothing of it counts: what the sink took is dropped by
		 * the caller along with the failure. */
		ok = 0;
		free(*errstr);
		*errstr = st.refused;
		st.refused = NULL;
	}
	if (ok && !run->aborted)
		fmap_harvest(st.map, run->info);
	else if (*errstr == NULL && !run->aborted)
		*errstr = xstrdup("not a feed: no RSS, RDF or Atom root "
		    "element");
	state_free(&st);
	return ok && !run->aborted ? 0 : -1;
}
