/*
 * feed.c: the entry point of the parser: dispatch only.
 *
 * feed_parse decides which reader gets the document: none when it is an
 * HTML page (discover.c names the feeds it links), JSON Feed when its
 * first non-blank byte is '{', XML otherwise (feed_xml.c works out the
 * dialect from the root element, never from the URL or Content-Type).  It
 * owns the size cap, the per-document HTML budget, and turns the reader's
 * outcome (or the sink's wish to stop) into the one result the caller
 * sees.  The clean-up of entries and of the feed's fields is entry.c's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "entry.h"
#include "feed.h"
#include "feed_int.h"
#include "html.h"
#include "base/util.h"

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
	/* A site's page where its feed was meant: say so, and name the
	 * feeds it links, rather than what the XML parser makes of HTML. */
	if (discover_is_html(doc, len)) {
		*errstr = discover_reason(doc, len, run.opts->url);
		return -1;
	}
	html_budget(FEED_HTML_TAGS);
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
	feed_info_fix(info);
	return 0;
}
