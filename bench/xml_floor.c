/*
 * xml_floor.c: what libxml2 alone costs on a set of documents, the
 * floor under any parser that lets libxml2 read the XML, as feedd does.
 * Each file goes through libxml2's SAX2 push parser in 64 KiB pieces,
 * with the options feedd's driver uses (no network, CDATA as text,
 * recovery) and callbacks that do nothing but count the text: no
 * capture, no sanitizing, no output.  Compared with sfeed reading the
 * same documents (bench/RESULTS.md, "The floor under parsing").
 *
 *	bench/xml_floor [-c] FILE...
 *
 * -c leaves only the newlines of every CDATA section's text before the
 * parse: about what feedd's driver leaves libxml2 to read when it hands
 * a section's plain text over itself.
 *
 * Prints the number of text bytes libxml2 handed over.
 */
#define _GNU_SOURCE	/* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/SAX2.h>

#define PIECE	65536

static unsigned long long text_bytes;
static int blank_cdata;

static void
on_text(void *ctx, const xmlChar *ch, int len)
{
	(void)ctx;
	(void)ch;
	text_bytes += (unsigned)len;
}

static void
on_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	(void)ctx;
	(void)name;
	(void)prefix;
	(void)uri;
	(void)nns;
	(void)ns;
	(void)nattrs;
	(void)ndefaulted;
	(void)attrs;
}

static void
on_end(void *ctx, const xmlChar *name, const xmlChar *prefix,
    const xmlChar *uri)
{
	(void)ctx;
	(void)name;
	(void)prefix;
	(void)uri;
}

static void
on_error(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

/* The predefined five first, as feedd's getEntity hook does. */
static xmlEntityPtr
on_entity(void *ctx, const xmlChar *name)
{
	xmlEntityPtr ent = xmlGetPredefinedEntity(name);

	return ent != NULL ? ent : xmlSAX2GetEntity(ctx, name);
}

/* Returns the document's new length. */
static size_t
blank_sections(char *doc, size_t len)
{
	char *r = doc, *w = doc, *end = doc + len, *p, *q;

	while ((p = memmem(r, (size_t)(end - r), "<![CDATA[", 9)) != NULL) {
		p += 9;
		memmove(w, r, (size_t)(p - r));
		w += p - r;
		if ((q = memmem(p, (size_t)(end - p), "]]>", 3)) == NULL)
			q = end;
		for (; p < q; p++)
			if (*p == '\n')
				*w++ = '\n';
		r = q;
	}
	memmove(w, r, (size_t)(end - r));
	return (size_t)(w - doc) + (size_t)(end - r);
}

static int
parse_file(const char *path)
{
	xmlSAXHandler sax;
	xmlParserCtxtPtr ctxt;
	FILE *f;
	char *doc;
	long len, off, n;

	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (len = ftell(f)) < 0) {
		perror(path);
		return -1;
	}
	rewind(f);
	if ((doc = malloc((size_t)len + 1)) == NULL ||
	    fread(doc, 1, (size_t)len, f) != (size_t)len) {
		perror(path);
		return -1;
	}
	fclose(f);
	if (blank_cdata)
		len = (long)blank_sections(doc, (size_t)len);

	memset(&sax, 0, sizeof(sax));
	xmlSAXVersion(&sax, 2);
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	sax.ignorableWhitespace = on_text;
	sax.getEntity = on_entity;
	sax.comment = NULL;
	sax.warning = NULL;
	sax.error = NULL;
	sax.fatalError = NULL;
	sax.serror = on_error;
	/* The first four bytes, for libxml2's encoding detection. */
	n = len < 4 ? len : 4;
	ctxt = xmlCreatePushParserCtxt(&sax, NULL, doc, (int)n, NULL);
	if (ctxt == NULL)
		return -1;
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA |
	    XML_PARSE_RECOVER);
	for (off = n; off < len; off += n) {
		n = len - off < PIECE ? len - off : PIECE;
		xmlParseChunk(ctxt, doc + off, (int)n, 0);
	}
	xmlParseChunk(ctxt, NULL, 0, 1);
	if (ctxt->myDoc != NULL)
		xmlFreeDoc(ctxt->myDoc);
	xmlFreeParserCtxt(ctxt);
	free(doc);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, rc = 0;

	i = 1;
	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		blank_cdata = 1;
		i++;
	}
	for (; i < argc; i++)
		if (parse_file(argv[i]) == -1)
			rc = 1;
	printf("%llu\n", text_bytes);
	xmlCleanupParser();
	return rc;
}
