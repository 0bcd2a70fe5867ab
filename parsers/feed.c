/*
 * feed.c: the entry point of the parser, and the model's helpers.
 *
 * feed_parse only decides which reader gets the document: JSON Feed when
 * its first non-blank byte is '{', XML otherwise (feed_xml.c works out the
 * dialect from the root element, never from the URL or Content-Type).  It
 * owns the size cap and the final clean-up every entry gets before the
 * sink sees it: strings forced to valid UTF-8, empty strings made NULL, so
 * every reader can be a little careless and the model stays clean.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "feed_int.h"
#include "util.h"

void
feed_init(void)
{
	feed_xml_init();
}

void
feed_cleanup(void)
{
	/* libxml2's global state belongs to the process; xmlCleanupParser
	 * is left to main, which knows nobody else still uses it. */
}

const char *
feed_format_name(enum feed_format format)
{
	switch (format) {
	case FEED_FORMAT_RSS090:	return "rss0.90";
	case FEED_FORMAT_RSS09X:	return "rss0.9x";
	case FEED_FORMAT_RSS10:		return "rss1.0";
	case FEED_FORMAT_RSS20:		return "rss2.0";
	case FEED_FORMAT_RSS:		return "rss";
	case FEED_FORMAT_ATOM03:	return "atom0.3";
	case FEED_FORMAT_ATOM10:	return "atom1.0";
	case FEED_FORMAT_ATOM:		return "atom";
	case FEED_FORMAT_JSON10:	return "json1.0";
	case FEED_FORMAT_JSON11:	return "json1.1";
	case FEED_FORMAT_CDF:		return "cdf";
	case FEED_FORMAT_UNKNOWN:	break;
	}
	return NULL;
}

void
feed_fix_utf8(char *s)
{
	unsigned char *r, *w;
	size_t n, i;
	uint32_t c;

	if (s == NULL)
		return;
	r = w = (unsigned char *)s;
	/* Fast path: the clean prefix needs no copying. */
	while (*r >= 0x20 && *r < 0x80)
		r++;
	w = r;
	while (*r != '\0') {
		if (*r < 0x80) {
			if (*r >= 0x20 || *r == '\t' || *r == '\n' ||
			    *r == '\r')
				*w++ = *r;
			r++;
			continue;
		}
		if (*r >= 0xc2 && *r <= 0xdf)
			n = 1, c = *r & 0x1f;
		else if (*r >= 0xe0 && *r <= 0xef)
			n = 2, c = *r & 0x0f;
		else if (*r >= 0xf0 && *r <= 0xf4)
			n = 3, c = *r & 0x07;
		else {
			r++;
			continue;
		}
		for (i = 1; i <= n; i++) {
			if ((r[i] & 0xc0) != 0x80)
				break;
			c = (c << 6) | (r[i] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF are
		 * as invalid as a broken sequence. */
		if (i <= n || (n == 2 && c < 0x800) ||
		    (n == 3 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0xd800 && c <= 0xdfff)) {
			r++;
			continue;
		}
		memmove(w, r, n + 1);
		w += n + 1;
		r += n + 1;
	}
	*w = '\0';
}

char *
feed_collapse(char *s)
{
	char *r, *w;
	int space = 0;

	if (s == NULL)
		return NULL;
	for (r = w = s; *r != '\0'; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
			space = 1;
			continue;
		}
		if (space && w != s)
			*w++ = ' ';
		space = 0;
		*w++ = *r;
	}
	*w = '\0';
	if (*s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

/* Valid UTF-8, and "" made NULL: the contract treats both as missing. */
static void
fix_str(char **p)
{
	if (*p == NULL)
		return;
	feed_fix_utf8(*p);
	if (**p == '\0') {
		free(*p);
		*p = NULL;
	}
}

int
feed_emit(struct feed_run *run, struct entry *e)
{
	size_t i, j;

	if (run->seen++ < run->delivered)
		return 0;
	fix_str(&e->id);
	fix_str(&e->title);
	fix_str(&e->link);
	fix_str(&e->author);
	fix_str(&e->summary);
	fix_str(&e->content);
	for (i = j = 0; i < e->ncategories; i++) {
		fix_str(&e->categories[i]);
		if (e->categories[i] != NULL)
			e->categories[j++] = e->categories[i];
	}
	e->ncategories = j;
	for (i = j = 0; i < e->nenclosures; i++) {
		fix_str(&e->enclosures[i].url);
		fix_str(&e->enclosures[i].type);
		if (e->enclosures[i].url == NULL) {
			free(e->enclosures[i].type);
			continue;
		}
		e->enclosures[j++] = e->enclosures[i];
	}
	e->nenclosures = j;
	if (run->sink == NULL || run->sink->entry == NULL)
		return 0;
	if (run->sink->entry(run->sink->arg, e, &run->sink_err) == -1) {
		run->aborted = 1;
		return -1;
	}
	return 0;
}

static void
fix_info(struct feed_info *info)
{
	fix_str(&info->title);
	fix_str(&info->link);
	fix_str(&info->id);
	fix_str(&info->author);
	fix_str(&info->language);
	fix_str(&info->subtitle);
}

int
feed_parse(const char *doc, size_t len, const struct feed_parse_opts *opts,
    const struct feed_sink *sink, struct feed_info *info, char **errstr)
{
	static const struct feed_parse_opts noopts;
	struct feed_run run;
	size_t i;
	int rc;

	*errstr = NULL;
	memset(info, 0, sizeof(*info));
	info->updated = FEED_NO_DATE;
	memset(&run, 0, sizeof(run));
	run.opts = opts != NULL ? opts : &noopts;
	run.sink = sink;
	run.info = info;
	run.max_size = run.opts->max_size ? run.opts->max_size : FEED_MAX_SIZE;
	if (len > run.max_size) {
		*errstr = xasprintf("document too large (%zu bytes, "
		    "limit %zu)", len, run.max_size);
		return -1;
	}
	/* JSON Feed starts with '{' (after blanks and a UTF-8 BOM). */
	i = 0;
	if (len >= 3 && memcmp(doc, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\n' ||
	    doc[i] == '\r'))
		i++;
	if (i < len && doc[i] == '{')
		rc = feed_json_parse(&run, doc + i, len - i, errstr);
	else
		rc = feed_xml_parse(&run, doc, len, errstr);
	if (run.aborted) {
		free(*errstr);
		*errstr = run.sink_err != NULL ? run.sink_err :
		    xstrdup("parse stopped by the caller");
		feed_info_reset(info);
		return -1;
	}
	free(run.sink_err);
	if (rc == -1) {
		feed_info_reset(info);
		if (*errstr == NULL)
			*errstr = xstrdup("not a feed");
		return -1;
	}
	fix_info(info);
	return 0;
}

void
feed_info_reset(struct feed_info *info)
{
	free(info->title);
	free(info->link);
	free(info->id);
	free(info->author);
	free(info->language);
	free(info->subtitle);
	memset(info, 0, sizeof(*info));
	info->updated = FEED_NO_DATE;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
entry_copy(struct entry *dst, const struct entry *src)
{
	size_t i;

	dst->id = dup_or_null(src->id);
	dst->title = dup_or_null(src->title);
	dst->link = dup_or_null(src->link);
	dst->author = dup_or_null(src->author);
	dst->summary = dup_or_null(src->summary);
	dst->content = dup_or_null(src->content);
	dst->published = src->published;
	dst->updated = src->updated;
	dst->ncategories = src->ncategories;
	dst->categories = NULL;
	if (src->ncategories > 0) {
		dst->categories = xreallocarray(NULL, src->ncategories,
		    sizeof(char *));
		for (i = 0; i < src->ncategories; i++)
			dst->categories[i] = xstrdup(src->categories[i]);
	}
	dst->nenclosures = src->nenclosures;
	dst->enclosures = NULL;
	if (src->nenclosures > 0) {
		dst->enclosures = xreallocarray(NULL, src->nenclosures,
		    sizeof(struct enclosure));
		for (i = 0; i < src->nenclosures; i++) {
			dst->enclosures[i].url =
			    dup_or_null(src->enclosures[i].url);
			dst->enclosures[i].type =
			    dup_or_null(src->enclosures[i].type);
			dst->enclosures[i].length = src->enclosures[i].length;
		}
	}
}

void
entry_reset(struct entry *e)
{
	size_t i;

	free(e->id);
	free(e->title);
	free(e->link);
	free(e->author);
	free(e->summary);
	free(e->content);
	for (i = 0; i < e->ncategories; i++)
		free(e->categories[i]);
	free(e->categories);
	for (i = 0; i < e->nenclosures; i++) {
		free(e->enclosures[i].url);
		free(e->enclosures[i].type);
	}
	free(e->enclosures);
	memset(e, 0, sizeof(*e));
	e->published = e->updated = FEED_NO_DATE;
}
