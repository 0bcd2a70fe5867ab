/*
 * html.h: the HTML that feeds embed, made safe to serve and to show.
 *
 * Built on libxml2's HTML parser (never on regular expressions).  The
 * allow-list of elements, attributes and CSS properties follows
 * feedparser's sanitizer: script, style and applet go with their content;
 * other disallowed elements go but keep their text; disallowed attributes
 * (every on* handler among them) go; URLs with unsafe schemes become empty.
 */
#ifndef FEEDD_HTML_H
#define FEEDD_HTML_H

#include <stddef.h>

/*
 * Sanitizes the HTML fragment html[0..len) and resolves relative href/src
 * (and similar URL attributes) against base (may be NULL).  Returns a new
 * NUL-terminated UTF-8 string (caller frees), or NULL if nothing is left.
 */
char	*html_sanitize(const char *html, size_t len, const char *base);

/*
 * The plain text of an HTML fragment: tags removed, entities decoded,
 * script/style content dropped, runs of whitespace collapsed to one space,
 * trimmed.  Returns a new string (caller frees), or NULL if empty.
 */
char	*html_to_text(const char *html, size_t len);

/* Escapes text so that it shows literally inside HTML (&, <, >). Returns a
 * new string (caller frees). */
char	*html_escape(const char *text, size_t len);

/*
 * Sets how many more tags and attributes the HTML parser may read (for
 * all the fragments of one document: feed_parse calls it first); past
 * them, fragments are cut.  The cost of a document stays bounded by its size
 * either way; this bounds the constant.
 */
void	 html_budget(size_t tags);

/*
 * A copy of html[0..len) in which each start tag keeps only its first 32
 * attributes, for callers that run libxml2's HTML parser themselves: it
 * checks the attributes of one tag pairwise, so 80,000 of them took
 * seconds.  Returns a new NUL-terminated string of *outlen bytes (caller
 * frees).
 */
char	*html_cut_attributes(const char *html, size_t len, size_t *outlen);

#endif
