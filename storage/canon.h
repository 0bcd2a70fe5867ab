/*
 * canon.h: what canon.c computes from an entry's strings for the store:
 * the canonical form of links used to match articles, the text the
 * search index holds, and the hashes the entries' rows keep.  Pure
 * functions of their input, with no database: the store and its tests
 * call them alike.  Internal to storage/.
 */
#ifndef FEEDD_CANON_H
#define FEEDD_CANON_H

#include <stddef.h>
#include <stdint.h>

/*
 * The canonical form of a URL, for matching the same article behind
 * different spellings: scheme and host in lower case, no default port, no
 * userinfo-less empty port, "/" for an empty path, no fragment, and no
 * tracking parameters (utm_*, fbclid, gclid, mc_cid, mc_eid and the like)
 * in the query.  Returns a new string (caller frees), or NULL if url is
 * NULL or empty.  Not an absolute URL: returned trimmed, otherwise as is.
 */
char		*store_canon_link(const char *url);

/*
 * The text of an HTML fragment, for the full-text index: tags become
 * spaces and the common character references are decoded.  Returns a new
 * string (caller frees), or NULL if html is NULL.  Deterministic: the
 * index depends on it giving the same text for the same input forever.
 */
char		*store_html_text(const char *html);

/*
 * The search index's form of text: runs of CJK characters become their
 * overlapping pairs (and, unless query, each character alone too; with
 * query, a one-character run stays that character), and letters readers
 * type in another form are folded (Greek accents, ё, ß, Arabic and
 * Persian letter forms, Hebrew points, ...).  For the index's text and a
 * reader's words alike.  Returns a new string (caller frees), or NULL if
 * text is NULL.  Deterministic, like store_html_text.
 */
char		*store_fts_text(const char *text, int query);

/* FNV-1a 64: a small stable hash for keys and content (not secure). */
#define FNV64_INIT	0xcbf29ce484222325ULL
uint64_t	 fnv64(uint64_t h, const void *p, size_t n);

/*
 * The hashes the entries' indexes hold instead of the strings (schema.c,
 * step 5); both are stored, so they may never change.  The key hash is
 * FNV-1a 64 of the key, 1 for a hash of 0 (tombstones use it too).  The
 * canonical link's hash is the same under http and https, and its top 24
 * bits come from the host alone, so that a site's links sit together in
 * the index.  Equal hashes say nothing: the strings are compared.
 */
uint64_t	 store_key_hash(const char *key, size_t len);
/* A faster 64-bit hash of n bytes, continuing from h (start with
 * FNV64_INIT): the entries' content hash since step 5. */
uint64_t	 store_hash(uint64_t h, const void *p, size_t n);
int64_t		 store_canon_hash(const char *canon);

#endif
