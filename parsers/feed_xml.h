/*
 * feed_xml.h: what the XML driver (feed_xml.c: libxml2, passes, encodings,
 * entities) and the feed semantics (feed_map.c: element tables, fields,
 * entries) share.  Internal to parsers/.
 */
#ifndef FEEDD_FEED_XML_H
#define FEEDD_FEED_XML_H

#include <stdint.h>

#include <libxml/parser.h>

#include "feed.h"
#include "feed_int.h"
#include "util.h"

/* Namespaces, as codes.  Elements with no namespace count as the root's
 * dialect (NS_RSS under <rss>/<rdf:RDF>, NS_ATOM under <feed>). */
enum ns {
	NS_OTHER, NS_RSS, NS_ATOM, NS_DC, NS_DCTERMS, NS_CONTENT, NS_ITUNES,
	NS_XHTML, NS_RDF, NS_MEDIA, NS_CDF, NS_SY
};

#define ATOM10_NS	"http://www.w3.org/2005/Atom"
#define ATOM03_NS	"http://purl.org/atom/ns#"
#define RSS090_NS	"http://my.netscape.com/rdf/simple/0.9/"
#define RSS10_NS	"http://purl.org/rss/1.0/"
#define RDF_NS		"http://www.w3.org/1999/02/22-rdf-syntax-ns#"

/* What an element means. */
enum field {
	F_TITLE, F_LINK, F_ID, F_AUTHOR, F_SUMMARY, F_CONTENT, F_PUBLISHED,
	F_UPDATED, F_SUBTITLE, F_LANGUAGE, F_TTL, F_GUID,
	NFIELDS,
	/* Not stored as such: */
	F_CATEGORY,	/* text, appended */
	F_KEYWORDS,	/* comma-separated categories */
	F_ACATEGORY,	/* Atom category/@term */
	F_ICATEGORY,	/* itunes:category/@text, nests */
	F_ENCLOSURE,	/* RSS enclosure attributes */
	F_ALINK,	/* Atom link attributes */
	F_AUTHORS,	/* Atom author/contributor container */
	F_NAME, F_EMAIL,	/* inside an Atom author */
	F_GROUP,	/* media:group: its children count as the entry's */
	F_SKIPHOURS, F_SKIPDAYS,	/* RSS containers of ... */
	F_HOUR, F_DAY,			/* ... these */
	F_SYPERIOD, F_SYFREQ	/* sy:updatePeriod, sy:updateFrequency */
};

struct map {
	enum ns		 ns;
	const char	*name;
	enum field	 field;
	int		 prio;	/* lower wins */
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Where an element sits, which decides which table maps its children. */
enum ctx { C_SKIP, C_ROOT, C_CHANNEL, C_ENTRY, C_AUTHOR, C_SKIPHOURS,
    C_SKIPDAYS };

/* Vocabularies of categories: a term repeats only across vocabularies
 * (feedparser's tags are unique by term and scheme). */
enum catkind { CAT_PLAIN, CAT_ITUNES, CAT_MEDIA, CAT_SCHEMED };

/* Content types (Atom type=, RSS none). */
enum ctype { T_NONE, T_TEXT, T_HTML, T_XHTML, T_OTHER };

struct frame {
	enum ctx	 ctx;		/* of this element's children */
	int		 nns;		/* namespaces it declares */
	char		*base;		/* xml:base in force (owned if own) */
	int		 own;
	int		 entry;		/* this element began an entry */
};

/* The value of one level (channel or entry) being gathered. */
struct level {
	char		*v[NFIELDS];
	int		 prio[NFIELDS];
	int64_t		 date[NFIELDS];
	int		 guid_link;	/* guid isPermaLink not "false" */
	int		 author_seen;	/* an Atom author was read */
	char		*aname, *aemail;
	char		**cats;
	unsigned char	*catkinds;	/* enum catkind of each */
	size_t		 ncats;
	int		 summary_seen;	/* a summary element had text */
	int		 has_content;	/* a content element was read */
	struct enclosure *encs;
	size_t		 nencs;
};

struct xstate {
	struct feed_run	*run;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr	 edoc;		/* holds the HTML entities we made */
	enum feed_format format;
	int		 atomroot;	/* unprefixed elements are Atom */
	int		 depth;
	struct frame	*frames;
	size_t		 nframes;
	struct level	 feed, ent;
	int		 in_entry;
	/* The field being captured, if any. */
	int		 cap;
	int		 cap_depth;
	enum field	 cap_field;
	int		 cap_prio;
	enum ctx	 cap_ctx;
	enum ctype	 cap_type;
	int		 cap_b64;
	int		 cap_escaped;	/* Atom 0.3 mode="escaped" */
	int		 cap_children;
	int		 cap_divdepth;	/* xhtml wrapper div open at */
	int		 cap_divdone;	/* ... and closed */
	int		 cap_divbad;	/* ... and not the only child */
	size_t		 cap_divin;	/* markup offsets: in the div, */
	size_t		 cap_divout;	/* at its end tag, */
	size_t		 cap_divend;	/* after its end tag */
	enum ns		 cap_ns;
	enum catkind	 cap_catkind;
	struct buf	 raw;		/* character data, decoded */
	struct buf	 markup;	/* the same, children serialised */
	char		*cap_base;
	int		 cap_guidlink;
	/* First error. */
	int		 errcode;
	int		 errline;
	char		*errmsg;
	int		 nitems;
	int		 any;		/* saw a feed element at all */
	int		 ttl;
	uint32_t	 skip_hours;	/* bit h: hour h (UTC) */
	uint32_t	 skip_days;	/* bit d: day d, 0 = Sunday */
	int		 sy_period;	/* seconds, or 0 */
	int		 sy_freq;	/* times per period, or 0 */
	char		*rootns;	/* the root element's namespace */
	int		 cap_stripdiv;	/* Atom 1.0 type="xhtml" */
	int		 cap_rss_author;	/* "email (Name)" style */
	const xmlChar	*last_uri;	/* fmap_ns_code's cache */
	enum ns		 last_ns;
	/* Bounds (feed_xml.c): what libxml2 may produce beyond the
	 * document's own bytes, and why the parse was refused. */
	size_t		 doclen;	/* the document's size */
	size_t		 expand_left;	/* entity and default bytes */
	size_t		 text_left;	/* captured text, raw and markup */
	int		 ns_in_scope;
	int		 nattdecl;
	char		*refused;	/* a bound was hit: the reason */
	xmlEntityPtr	 unknown;	/* "&name;" for undeclared names */
};


/* feed_map.c */
extern const struct map fmap_alink_text;	/* Atom link with text URL */

void	 fmap_init(void);
/* The code of a namespace URI (cached per parse in st). */
enum ns	 fmap_ns_code(struct xstate *st, const xmlChar *uri);
/* The table row for an element among the children of a ctx, or NULL. */
const struct map *fmap_find(enum ctx ctx, enum ns ns, const char *name);
/* Trims blanks in place; frees s and returns NULL if nothing is left. */
char	*fmap_trim(char *s);
/* The base URI in force for the element being read. */
const char *fmap_cur_base(const struct xstate *st);
enum ctype fmap_ctype_of(const char *type);
/* Is s an http or https URL? */
int	 fmap_is_web_url(const char *s);

void	 fmap_level_init(struct level *l);
void	 fmap_level_reset(struct level *l);
/* Offer a value (taken, may be NULL) to a field at a priority. */
void	 fmap_level_set(struct level *l, enum field f, int prio, char *v);
void	 fmap_level_set_date(struct level *l, enum field f, int prio,
	    char *v);
/* Adds a category (taken) unless the entry has it in that vocabulary. */
void	 fmap_level_add_cat(struct level *l, char *v, enum catkind kind);
void	 fmap_level_add_enc(struct level *l, char *url, char *type,
	    const char *len);

/* The captured element ended: turn its text into its field. */
void	 fmap_cap_finish(struct xstate *st);
void	 fmap_entry_begin(struct xstate *st);
/* Completes the entry and hands it on (stops the parser if the sink
 * says so). */
void	 fmap_entry_end(struct xstate *st);
void	 fmap_author_end(struct xstate *st, struct level *l);

#endif
