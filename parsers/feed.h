/*
 * feed.h: the normalized feed model, and the one entry point that turns a
 * fetched document into it.
 *
 * Every format (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) is parsed into
 * the same two structs: struct feed_info for the channel and one struct
 * entry per item.  The daemon stores exactly this model and `feedd parse`
 * prints exactly this model (../shared/conformance/CONTRACT.md), so there is
 * one parser for both.
 *
 * Entries are streamed: feed_parse() calls sink->entry once per entry, in
 * document order, as each one completes, so memory stays bounded by one
 * entry rather than by the document.  The entry is borrowed: it is valid
 * only during the call.  feed_info is complete only when feed_parse()
 * returns, because RSS may put channel elements after the items.
 *
 * Strings are NUL-terminated valid UTF-8, or NULL when absent (an empty
 * value is reported as NULL).  Text fields (title, author, categories) are
 * plain text; summary and content are sanitized HTML fragments with URLs
 * made absolute where a base is known.
 */
#ifndef FEEDD_FEED_H
#define FEEDD_FEED_H

#include <stddef.h>
#include <stdint.h>

/* Seconds since the epoch, UTC; FEED_NO_DATE when the source had none or
 * it could not be read. */
#define FEED_NO_DATE	INT64_MIN

/* Default cap on a document's size, in bytes. */
#define FEED_MAX_SIZE	(16u * 1024 * 1024)

enum feed_format {
	FEED_FORMAT_UNKNOWN = 0,
	FEED_FORMAT_RSS090,
	FEED_FORMAT_RSS09X,
	FEED_FORMAT_RSS10,
	FEED_FORMAT_RSS20,
	FEED_FORMAT_RSS,	/* RSS, version unknown */
	FEED_FORMAT_ATOM03,
	FEED_FORMAT_ATOM10,
	FEED_FORMAT_ATOM,	/* older or unknown Atom */
	FEED_FORMAT_JSON10,
	FEED_FORMAT_JSON11,
	FEED_FORMAT_CDF
};

struct enclosure {
	char		*url;
	char		*type;
	int64_t		 length;	/* bytes, or -1 if absent/not a number */
};

struct entry {
	char		*id;		/* guid / atom:id, as written (trimmed) */
	char		*title;		/* plain text */
	char		*link;		/* absolute where a base is known */
	char		*author;	/* plain text */
	char		*summary;	/* sanitized HTML */
	char		*content;	/* sanitized HTML */
	int64_t		 published;	/* or FEED_NO_DATE */
	int64_t		 updated;	/* or FEED_NO_DATE */
	char		**categories;	/* plain text */
	size_t		 ncategories;
	struct enclosure *enclosures;
	size_t		 nenclosures;
};

/* Flags in feed_info.flags. */
#define FEED_RECOVERED	0x01	/* not well-formed; a recovering parse was used */

struct feed_info {
	enum feed_format format;
	int		 flags;
	char		*title;
	char		*link;
	char		*id;
	char		*author;
	char		*language;
	char		*subtitle;
	int64_t		 updated;	/* or FEED_NO_DATE */
	/* Scheduling hints from the publisher.  RSS <ttl> in minutes, or 0;
	 * RSS skipHours (bit h: hour h, UTC) and skipDays (bit d: day d,
	 * 0 = Sunday); sy:updatePeriod / sy:updateFrequency in seconds
	 * between updates, or 0. */
	int		 ttl;
	uint32_t	 skip_hours;
	uint32_t	 skip_days;
	int		 update_period;
};

struct feed_parse_opts {
	const char	*url;		/* the document's URL (base for links), or NULL */
	const char	*charset;	/* charset from HTTP Content-Type, or NULL */
	size_t		 max_size;	/* 0: FEED_MAX_SIZE */
};

struct feed_sink {
	/* Called once per entry in document order; return 0 to go on or -1
	 * to abort the parse (feed_parse then fails with the sink's reason,
	 * which it takes from *errstr if the callback set it). */
	int	(*entry)(void *arg, const struct entry *e, char **errstr);
	void	*arg;
};

/* Call once at start-up (before any parse, from the main thread) and
 * feed_cleanup() once at exit. */
void	feed_init(void);
void	feed_cleanup(void);

/*
 * Parses the document doc[0..len).  Returns 0 and fills *info (which the
 * caller releases with feed_info_reset), or -1 with a one-line reason in
 * *errstr (caller frees) when the document cannot be read as a feed at all.
 * A document that needed recovery still returns 0, with FEED_RECOVERED set.
 */
int	feed_parse(const char *doc, size_t len,
	    const struct feed_parse_opts *opts, const struct feed_sink *sink,
	    struct feed_info *info, char **errstr);

void	feed_info_reset(struct feed_info *info);

/*
 * Checks the start tags of an XML document (ASCII-compatible encoding)
 * against the bounds feed_parse applies: at most 128 attributes and
 * 1 MiB each, since libxml2 2.9 checks an element's attributes pairwise.
 * For other readers of XML (OPML).  Returns 0, or -1 with a reason
 * (a static string) in *why.
 */
int	feed_xml_tags_bounded(const char *doc, size_t len, const char **why);

/* The contract's token for a format ("rss2.0", "atom1.0", ...), or NULL. */
const char *feed_format_name(enum feed_format format);

/* Deep copy and release, for callers that keep an entry past its callback. */
void	entry_copy(struct entry *dst, const struct entry *src);
void	entry_reset(struct entry *e);

#endif
