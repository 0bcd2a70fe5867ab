/*
 * feed_xml_dtd.c: entities and the DTD, for the XML driver: the
 * getEntity hook that resolves HTML's named entities (&nbsp;) which feeds
 * use without declaring them, and keeps undeclared ones as written; the
 * declarations a document's internal subset makes; and the bounds on
 * what libxml2 makes up beyond the document's bytes (entity expansions,
 * attribute defaults, names), charged as libxml2 asks for them.  External
 * entities and DTDs are never loaded (fxml_no_loader, and the resolver
 * below, refuse them).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "feed_bytes.h"
#include "feed_xml_int.h"
#include "base/util.h"

/* Charges n bytes that libxml2 makes up (entity text, defaults). */
static int
take_expansion(struct xstate *st, size_t n)
{
	if (st->refused != NULL)
		return -1;
	if (n > st->expand_left) {
		fxml_refuse(st, "entities and attribute defaults expand past "
		    "%zu bytes (the document's size, plus %u)",
		    st->doclen, EXPAND_SLACK);
		return -1;
	}
	st->expand_left -= n;
	return 0;
}

/* libxml2 interns every name (elements, attributes, entities, PI
 * targets, declarations). */
int
fxml_names_bounded(struct xstate *st)
{
	if (st->ctxt == NULL || xmlDictSize(st->ctxt->dict) <= XML_MAXNAMES)
		return 1;
	fxml_refuse(st, "more than %d distinct names", XML_MAXNAMES);
	return 0;
}

/*
 * What libxml2 made of the element beyond its bytes: the attribute
 * defaults of the DTD are charged to the expansion budget (their values
 * and their cost), and namespaces in scope are counted.  Returns 0 when
 * the parse was stopped.
 */
int
fxml_element_bounded(struct xstate *st, int nns, int nattrs, int ndefaulted,
    const xmlChar **attrs)
{
	size_t n = 0;
	int i;

	if (!fxml_names_bounded(st))
		return 0;
	if (st->depth >= XML_MAXDEPTH) {
		xmlStopParser(st->ctxt);
		return 0;
	}
	if (st->ns_in_scope + nns > XML_MAXNS) {
		fxml_refuse(st, "more than %d namespace declarations in scope",
		    XML_MAXNS);
		return 0;
	}
	for (i = nattrs - ndefaulted; i >= 0 && i < nattrs; i++)
		n += (size_t)(attrs[i * 5 + 4] - attrs[i * 5 + 3]) + 32;
	return n == 0 || take_expansion(st, n) == 0;
}

/*
 * Entities: the document's own (and the five predefined) first, then the
 * HTML 4 names, which feeds use without declaring.  They are made
 * "predefined" so that libxml2 hands their text to characters() instead
 * of an entity reference.
 */
static xmlEntityPtr
sax_entity(void *ctx, const xmlChar *name)
{
	struct xstate *st = fxml_state(ctx);
	const htmlEntityDesc *h;
	xmlEntityPtr ent;
	char utf8[8];
	int n;

	if (st->refused != NULL)
		return NULL;
	if (!fxml_names_bounded(st))
		return NULL;
	ent = xmlSAX2GetEntity(ctx, name);
	if (ent != NULL) {
		/* Each expansion of the document's own entities is paid
		 * for (nested ones as they are looked up in turn). */
		if (ent->etype != XML_INTERNAL_PREDEFINED_ENTITY &&
		    ent->length > 0 &&
		    take_expansion(st, (size_t)ent->length) == -1)
			return NULL;
		return ent;
	}
	ent = xmlGetDocEntity(st->edoc, name);
	if (ent != NULL)
		return ent;
	h = htmlEntityLookup(name);
	if (h != NULL) {
		n = xmlCopyCharMultiByte((xmlChar *)utf8, (int)h->value);
		if (n <= 0)
			return NULL;
		utf8[n] = '\0';
		ent = xmlAddDocEntity(st->edoc, name,
		    XML_INTERNAL_GENERAL_ENTITY, NULL, NULL,
		    (const xmlChar *)utf8);
		if (ent != NULL)
			ent->etype = XML_INTERNAL_PREDEFINED_ENTITY;
		return ent;
	}
	/*
	 * An entity nobody declared stays as written, as in feedparser,
	 * rather than vanish.  One entity serves every such name, its text
	 * rewritten on each lookup (libxml2 copies a predefined entity's
	 * text at once): a table of every name a document makes up would
	 * grow with the document.
	 */
	if (st->unknown == NULL) {
		st->unknown = xmlAddDocEntity(st->edoc,
		    (const xmlChar *)"#unknown", XML_INTERNAL_GENERAL_ENTITY,
		    NULL, NULL, (const xmlChar *)"");
		if (st->unknown == NULL)
			return NULL;
		st->unknown->etype = XML_INTERNAL_PREDEFINED_ENTITY;
	}
	ent = st->unknown;
	xmlFree(ent->content);
	ent->content = xmlStrdup((const xmlChar *)"&");
	ent->content = xmlStrcat(ent->content, name);
	ent->content = xmlStrcat(ent->content, (const xmlChar *)";");
	ent->length = xmlStrlen(ent->content);
	return ent;
}

static xmlEntityPtr
sax_param_entity(void *ctx, const xmlChar *name)
{
	struct xstate *st = fxml_state(ctx);
	xmlEntityPtr ent;

	if (st->refused != NULL)
		return NULL;
	ent = xmlSAX2GetParameterEntity(ctx, name);
	if (ent != NULL && ent->length > 0 &&
	    take_expansion(st, (size_t)ent->length) == -1)
		return NULL;
	return ent;
}

/* An entity's text is parsed wherever it is referenced: its start tags
 * are bounded like the document's. */
static void
sax_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *publicid, const xmlChar *systemid, xmlChar *content)
{
	struct xstate *st = fxml_state(ctx);
	struct tagscan t;

	if (!fxml_names_bounded(st))
		return;
	memset(&t, 0, sizeof(t));
	if (content != NULL && fbytes_tagscan(&t, (const char *)content,
	    strlen((const char *)content)) == -1) {
		fxml_refuse(st, "entity %s: %s", (const char *)name,
		    fbytes_tagscan_why(&t));
		return;
	}
	xmlSAX2EntityDecl(ctx, name, type, publicid, systemid, content);
}

/* libxml2 adds the defaults to every element, checking each against the
 * element's attributes: few are allowed. */
static void
sax_attribute_decl(void *ctx, const xmlChar *elem, const xmlChar *fullname,
    int type, int def, const xmlChar *defval, xmlEnumerationPtr tree)
{
	struct xstate *st = fxml_state(ctx);

	if (++st->nattdecl > XML_MAXATTDECL) {
		xmlFreeEnumeration(tree);
		fxml_refuse(st, "the DTD declares more than %d attributes",
		    XML_MAXATTDECL);
		return;
	}
	xmlSAX2AttributeDecl(ctx, elem, fullname, type, def, defval, tree);
}

static void
sax_element_decl(void *ctx, const xmlChar *name, int type,
    xmlElementContentPtr content)
{
	if (fxml_names_bounded(fxml_state(ctx)))
		xmlSAX2ElementDecl(ctx, name, type, content);
}

static void
sax_notation_decl(void *ctx, const xmlChar *name, const xmlChar *publicid,
    const xmlChar *systemid)
{
	if (fxml_names_bounded(fxml_state(ctx)))
		xmlSAX2NotationDecl(ctx, name, publicid, systemid);
}

/* Processing instructions are dropped, but their targets are names. */
static void
sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	(void)target;
	(void)data;
	(void)fxml_names_bounded(fxml_state(ctx));
}

static xmlParserInputPtr
sax_resolve(void *ctx, const xmlChar *publicid, const xmlChar *systemid)
{
	(void)ctx;
	(void)publicid;
	(void)systemid;
	return NULL;
}

xmlParserInputPtr
fxml_no_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}


void
fxml_dtd_sax(xmlSAXHandler *sax)
{
	sax->getEntity = sax_entity;
	sax->getParameterEntity = sax_param_entity;
	sax->entityDecl = sax_entity_decl;
	sax->attributeDecl = sax_attribute_decl;
	sax->resolveEntity = sax_resolve;
	sax->externalSubset = NULL;
	sax->reference = NULL;
	sax->processingInstruction = sax_pi;
	sax->elementDecl = sax_element_decl;
	sax->notationDecl = sax_notation_decl;
}
