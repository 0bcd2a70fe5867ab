/*
 * model.h: the feed model every format is read into: a feed's own fields
 * (struct feed_info) and its entries (struct entry), with the helpers
 * that copy and release them (entry.c).  feed.h, the parser's interface,
 * includes it; storage and the daemon use the model through feed.h.
 */
#ifndef FEEDD_MODEL_H
#define FEEDD_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* Seconds since the epoch, UTC; FEED_NO_DATE when the source had none or
 * it could not be read. */
#define FEED_NO_DATE	INT64_MIN

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

void	feed_info_reset(struct feed_info *info);

/* The contract's token for a format ("rss2.0", "atom1.0", ...), or NULL. */
const char *feed_format_name(enum feed_format format);

/* Deep copy and release, for callers that keep an entry past its callback. */
void	entry_copy(struct entry *dst, const struct entry *src);
void	entry_reset(struct entry *e);

#endif
