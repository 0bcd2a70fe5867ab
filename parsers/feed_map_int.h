/*
 * feed_map_int.h: what the two halves of the feed semantics share:
 * feed_map.c (element tables, what a start tag decides, the feed's
 * harvest) and feed_field.c (what a captured value becomes, the values
 * gathered per level, entries handed on).  Private to those two files;
 * the driver sees only feed_map.h.
 */
#ifndef FEEDD_FEED_MAP_INT_H
#define FEEDD_FEED_MAP_INT_H

#include <stdint.h>

#include "feed.h"
#include "feed_int.h"
#include "feed_map.h"

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
#define XML_NS		"http://www.w3.org/XML/1998/namespace"

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

/* Where an element sits, which decides which table maps its children
 * (struct fmap_frame's ctx).  C_SKIP is 0: a frame the driver zeroes. */
enum ctx { C_SKIP, C_ROOT, C_CHANNEL, C_ENTRY, C_AUTHOR, C_SKIPHOURS,
    C_SKIPDAYS };

/* Vocabularies of categories: a term repeats only across vocabularies
 * (feedparser's tags are unique by term and scheme). */
enum catkind { CAT_PLAIN, CAT_ITUNES, CAT_MEDIA, CAT_SCHEMED };

/* Content types (Atom type=, RSS none). */
enum ctype { T_NONE, T_TEXT, T_HTML, T_XHTML, T_OTHER };

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

/* The field being captured: what fmap_start decided about it. */
struct fmap_cap {
	enum field	 field;
	int		 prio;
	enum ctx	 ctx;		/* of its parent */
	enum ctype	 type;
	enum ns		 ns;
	enum catkind	 catkind;
	int		 b64;		/* base64 to undo */
	int		 escaped;	/* Atom 0.3 mode="escaped" */
	int		 rss_author;	/* "email (Name)" style */
	int		 guidlink;	/* guid isPermaLink not "false" */
	const char	*base;		/* xml:base of the element */
};

struct fmap {
	struct feed_run	*run;
	enum feed_format format;
	int		 atomroot;	/* unprefixed elements are Atom */
	char		*rootns;	/* the root element's namespace */
	const char	*last_uri;	/* fmap_ns_code's cache */
	enum ns		 last_ns;
	struct level	 feed, ent;
	int		 in_entry;
	int		 nitems;
	int		 any;		/* saw a feed element at all */
	struct fmap_cap	 cap;
	/* The publisher's scheduling hints. */
	int		 ttl;
	uint32_t	 skip_hours;	/* bit h: hour h (UTC) */
	uint32_t	 skip_days;	/* bit d: day d, 0 = Sunday */
	int		 sy_period;	/* seconds, or 0 */
	int		 sy_freq;	/* times per period, or 0 */
};

/* feed_field.c (feed_map.c calls it, never the other way) */
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
void	 fmap_entry_begin(struct fmap *m);
/* Completes the entry and hands it on; base resolves a permalink guid.
 * Returns 0, or -1 when the sink asked to stop. */
int	 fmap_entry_end(struct fmap *m, const char *base);
void	 fmap_author_end(struct level *l);

#endif
