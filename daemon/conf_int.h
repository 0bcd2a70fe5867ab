/*
 * conf_int.h: what the files of the config reader share, and nobody else
 * (a unit test aside): conf.c (the loader: lines, sections, whole-file
 * checks), conf_table.c (every option, as data), conf_value.c (parsing
 * and storing one value) and conf_opml.c (the config's side of OPML).
 */
#ifndef FEEDD_CONF_INT_H
#define FEEDD_CONF_INT_H

#include <stdio.h>

#include "conf.h"
#include "errlist.h"
#include "base/util.h"

/* The kinds of section, as indexes of conf_option.off. */
enum conf_section {
	CONF_MAIN,		/* [feedd] */
	CONF_FEED,		/* [feed NAME] */
	CONF_VIEW,		/* [view NAME] */
	CONF_NSECTIONS
};
#define CONF_IN(s)	(1u << (s))	/* a bit of conf_option.sections */

/*
 * What a value is written as, and so how it is parsed and stored (see
 * conf_value.c); the field it goes to has the C type in brackets.
 */
enum conf_type {
	CONF_T_PATH,		/* a non-empty path [char *] */
	CONF_T_STRING,		/* a non-empty string [char *] */
	CONF_T_TEXT,		/* a string; empty leaves it unset [char *] */
	CONF_T_LIST,		/* comma-separated, appended to; off2 is the
				 * count [char **, size_t] */
	CONF_T_URL,		/* an http(s) URL [char *] */
	CONF_T_NUMBER,		/* decimal, min..max [int] */
	CONF_T_MODE,		/* an octal file mode, min..max [int] */
	CONF_T_DURATION,	/* seconds or 30s/5m/2h/1d, min..max [int] */
	CONF_T_INTERVAL,	/* a duration over 0 or "auto"; off2 is the
				 * auto flag [int, int] */
	CONF_T_DAYS,		/* days, or whole days as a duration, up to
				 * max [int] */
	CONF_T_SIZE,		/* bytes or 64k/16M/1G, at least min
				 * [size_t] */
	CONF_T_CHOICE,		/* one of choices [int or an enum] */
	CONF_T_LISTEN,		/* a listen address, appended to; off2 is
				 * the count [struct conf_listen *, size_t] */
	CONF_T_HOSTS		/* host names, comma-separated, appended
				 * to; off2 is the count [char **, size_t] */
};

struct conf_choice {
	const char	*name;
	int		 value;
};

/*
 * One option: a row of conf_options.  The table is in the order the
 * documentation lists the options; tests/unit/test_conf_docs.c holds
 * feedd.conf(5) and the README to it (names, order, defaults, ranges).
 */
struct conf_option {
	const char	*name;
	unsigned	 sections;	/* CONF_IN() bits */
	enum conf_type	 type;
	long long	 min, max;	/* numbers, modes, durations, sizes */
	const struct conf_choice *choices; /* CONF_T_CHOICE, NULL-ended */
	const char	*hint;		/* more words for the error message */
	/* The default as written in the file, applied before reading (or,
	 * for a repeatable option, when the file gives none); NULL if the
	 * default is not a value (none, or computed). */
	const char	*def;
	int		 inherit;	/* in [feed]: unset takes [feedd]'s */
	int		 required;	/* in [feed]: must be given */
	size_t		 off[CONF_NSECTIONS];	/* the field, in struct conf,
						 * conf_feed, conf_view */
	size_t		 off2[CONF_NSECTIONS];	/* its count or auto flag */
};

extern const struct conf_option conf_options[];
extern const size_t conf_noptions;

/* The row named name, or NULL. */
const struct conf_option *conf_option_find(const char *name);

/* The state of one conf_load. */
struct loader {
	struct conf	*conf;
	const char	*path;
	FILE		*fp;
	int		 lineno;
	struct errlist	 errors;
	enum {
		SECTION_NONE,		/* before the first header */
		SECTION_MAIN,		/* [feedd] */
		SECTION_FEED,		/* [feed NAME] */
		SECTION_VIEW,		/* [view NAME] */
		SECTION_BAD		/* unknown: its keys are not checked */
	}		 section;
	struct conf_feed *feed;		/* the current [feed] section */
	struct conf_view *view;		/* the current [view] section */
	char		*line;		/* getline's buffer */
	size_t		 linesize;
	int		*main_line;	/* per option: the last line that set
					 * it in [feedd], or 0 */
	/* Feed names seen so far (index + 1), so that ten thousand
	 * feeds are checked for duplicates in linear time. */
	struct strmap	 feed_names;
};

/* An error at line of the file being read: it will not be used. */
void	loader_error(struct loader *ld, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Not an error, but likely a mistake: logged now, the file is used. */
void	loader_warn(struct loader *ld, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * conf_value.c.  Parses value for option o and stores it in base (the
 * struct conf, conf_feed or conf_view of section), or reports why not
 * at the loader's current line.
 */
void	conf_value_set(struct loader *ld, const struct conf_option *o,
	    enum conf_section section, void *base, const char *value);
/* Applies the defaults of the [feedd] options that have one: before
 * reading (repeat = 0), or after, for the repeatable options the file
 * did not give (repeat = 1). */
void	conf_value_defaults(struct loader *ld, int repeat);
void	conf_listen_reset(struct conf_listen *l);
void	conf_list_free(char **list, size_t n);

/*
 * conf_opml.c.  Appends the feeds of conf->opml to conf->feeds (the
 * [feed] sections win: their URLs are skipped in the file, their names
 * not reused).  Each problem is added to errors; returns 0 or -1.
 */
int	conf_read_opml(struct conf *conf, struct errlist *errors);

#endif
