/*
 * jsonfeed.c: JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1),
 * read with jansson.
 *
 * JSON has no streaming reader in jansson, so the document is loaded
 * whole; it is already capped by feed_parse's size limit, and entries are
 * still handed to the sink one at a time.  Text fields are plain text
 * already (titles are not HTML in JSON Feed); content_html is sanitized,
 * content_text and summary are escaped into HTML.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "feed.h"
#include "feed_int.h"
#include "html.h"
#include "uri.h"
#include "base/util.h"

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *
text(const char *s)
{
	return s != NULL ? feed_collapse(xstrdup(s), FEED_BLANKS_XML) :
	    NULL;
}

static char *
url(const char *base, const char *s)
{
	char *t, *r;

	if (s == NULL)
		return NULL;
	t = feed_collapse(xstrdup(s), FEED_BLANKS_XML);
	if (t == NULL)
		return NULL;
	r = uri_resolve(base, t);
	free(t);
	return r;
}

static int64_t
date(const char *s)
{
	int64_t t;

	if (s == NULL || date_parse(s, &t) == -1)
		return FEED_NO_DATE;
	return t;
}

/* 1.1 has "authors" (an array); 1.0 had "author" (an object). */
static char *
author(json_t *o)
{
	json_t *a = json_object_get(o, "authors");
	const char *s;

	if (json_is_array(a) && json_array_size(a) > 0)
		a = json_array_get(a, 0);
	else
		a = json_object_get(o, "author");
	if (!json_is_object(a))
		return NULL;
	s = jstr(a, "name");
	return text(s);
}

/* An integer id read as a double (see feed_json_parse), or NULL. */
static char *
real_id(double d)
{
	if (d > -9.2e18 && d < 9.2e18 && d == (double)(long long)d)
		return xasprintf("%lld", (long long)d);
	return NULL;
}

static int
item(struct feed_run *run, json_t *it, const char *base)
{
	struct entry e;
	json_t *v, *x;
	const char *s;
	size_t i;
	int rc;

	memset(&e, 0, sizeof(e));
	v = json_object_get(it, "id");
	if (json_is_string(v))
		e.id = feed_collapse(xstrdup(json_string_value(v)),
		    FEED_BLANKS_XML);
	else if (json_is_integer(v))
		e.id = xasprintf("%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		e.id = real_id(json_real_value(v));
	e.link = url(base, jstr(it, "url"));
	if (e.link == NULL)
		e.link = url(base, jstr(it, "external_url"));
	e.title = text(jstr(it, "title"));
	e.author = author(it);
	if ((s = jstr(it, "content_html")) != NULL)
		e.content = html_sanitize(s, strlen(s), e.link);
	else if ((s = jstr(it, "content_text")) != NULL)
		e.content = html_escape(s, strlen(s));
	if ((s = jstr(it, "summary")) != NULL)
		e.summary = html_escape(s, strlen(s));
	e.published = date(jstr(it, "date_published"));
	e.updated = date(jstr(it, "date_modified"));
	v = json_object_get(it, "tags");
	if (json_is_array(v) && json_array_size(v) > 0) {
		e.categories = xreallocarray(NULL, json_array_size(v),
		    sizeof(char *));
		json_array_foreach(v, i, x)
			if (e.ncategories < FEED_MAX_LIST &&
			    json_is_string(x) &&
			    (s = json_string_value(x)) != NULL &&
			    (e.categories[e.ncategories] = text(s)) != NULL)
				e.ncategories++;
	}
	v = json_object_get(it, "attachments");
	if (json_is_array(v) && json_array_size(v) > 0) {
		e.enclosures = xreallocarray(NULL, json_array_size(v),
		    sizeof(struct enclosure));
		json_array_foreach(v, i, x) {
			struct enclosure *en = &e.enclosures[e.nenclosures];
			json_t *sz;

			if (!json_is_object(x) ||
			    e.nenclosures >= FEED_MAX_LIST)
				continue;
			en->url = url(base, jstr(x, "url"));
			if (en->url == NULL)
				continue;
			s = jstr(x, "mime_type");
			en->type = s != NULL ? xstrdup(s) : NULL;
			sz = json_object_get(x, "size_in_bytes");
			en->length = json_is_integer(sz) &&
			    json_integer_value(sz) >= 0 ?
			    (int64_t)json_integer_value(sz) : -1;
			/* Read as a double (see feed_json_parse). */
			if (json_is_real(sz) && json_real_value(sz) >= 0 &&
			    json_real_value(sz) < 9.2e18 &&
			    json_real_value(sz) ==
			    (double)(int64_t)json_real_value(sz))
				en->length = (int64_t)json_real_value(sz);
			e.nenclosures++;
		}
	}
	rc = feed_emit(run, &e);
	entry_reset(&e);
	return rc;
}

/*
 * jansson builds the whole tree, some 100 bytes a value beyond the text:
 * 16 MiB of "{}," made 1.2 GiB.  A feed has a few values per item, so the
 * number of values (counted by their separators and containers outside
 * strings) is bounded, and so is a string's length (jansson holds a long
 * one three times over), before jansson reads anything.  Returns 0, or
 * -1 with the reason in *errstr.
 */
#define JSON_MAXVALUES	200000

static int
json_prescan(const char *doc, size_t len, char **errstr)
{
	size_t i, n = 1, start = 0;
	int in_str = 0;

	for (i = 0; i < len; i++) {
		if (in_str) {
			if (doc[i] == '\\')
				i++;
			else if (doc[i] == '"')
				in_str = 0;
			if (i - start > FEED_MAX_FIELD) {
				*errstr = xasprintf("a JSON string longer "
				    "than %u bytes", FEED_MAX_FIELD);
				return -1;
			}
		} else if (doc[i] == '"') {
			in_str = 1;
			start = i;
		} else if (doc[i] == ',' || doc[i] == '{' || doc[i] == '[')
			n++;
	}
	if (n > JSON_MAXVALUES) {
		*errstr = xasprintf("more than %d JSON values", JSON_MAXVALUES);
		return -1;
	}
	return 0;
}

/*
 * A real number past a double's range (1e400) makes jansson refuse the
 * whole document, though no field feedd reads is ever such a number.
 * Returns a NUL-terminated copy of doc in which every number outside
 * strings that overflows a double is overwritten by null and spaces (the
 * same length, so positions in error messages still hold): an id of
 * 1e400 is then no id, as it cannot be told from 2e400.
 */
static char *
tame_numbers(const char *doc, size_t len)
{
	char *copy = xmalloc(len + 1), *end;
	size_t i;
	int in_str = 0;
	double d;

	memcpy(copy, doc, len);
	copy[len] = '\0';
	for (i = 0; i < len; i++) {
		if (in_str) {
			if (copy[i] == '\\')
				i++;
			else if (copy[i] == '"')
				in_str = 0;
		} else if (copy[i] == '"') {
			in_str = 1;
		} else if (copy[i] == '-' || (copy[i] >= '0' && copy[i] <= '9')) {
			/* Only JSON's own number syntax: strtod also
			 * reads "inf" and hexadecimal. */
			d = strtod(copy + i, &end);
			if (end == copy + i)
				continue;
			if (strspn(copy + i, "0123456789+-.eE") <
			    (size_t)(end - copy) - i) {
				i = (size_t)(end - copy) - 1;
				continue;
			}
			if (d == HUGE_VAL || d == -HUGE_VAL) {
				/* Such a literal has at least 5 bytes
				 * ("1e309"): room for a null. */
				memset(copy + i, ' ', (size_t)(end - copy) - i);
				memcpy(copy + i, "null", 4);
			}
			i = (size_t)(end - copy) - 1;
		}
	}
	return copy;
}

int
feed_json_parse(struct feed_run *run, const char *doc, size_t len,
    char **errstr)
{
	struct feed_info *info = run->info;
	json_error_t jerr;
	json_t *root, *items, *it;
	const char *ver, *base;
	size_t i;

	if (json_prescan(doc, len, errstr) == -1)
		return -1;
	root = json_loadb(doc, len, 0, &jerr);
	/* An integer past int64 anywhere (an extension's, say) must not
	 * cost the feed: read again with every integer as a double.  Only
	 * then, so that ids past 2^53 stay exact otherwise. */
	if (root == NULL && json_error_code(&jerr) ==
	    json_error_numeric_overflow)
		root = json_loadb(doc, len, JSON_DECODE_INT_AS_REAL, &jerr);
	if (root == NULL && json_error_code(&jerr) ==
	    json_error_numeric_overflow) {
		char *tame = tame_numbers(doc, len);

		root = json_loadb(tame, len, JSON_DECODE_INT_AS_REAL, &jerr);
		free(tame);
	}
	if (root == NULL) {
		*errstr = xasprintf("line %d: %s", jerr.line, jerr.text);
		return -1;
	}
	ver = jstr(root, "version");
	if (!json_is_object(root) || ver == NULL ||
	    strncmp(ver, "https://jsonfeed.org/version/", 29) != 0) {
		json_decref(root);
		*errstr = xstrdup("not a feed: JSON without a JSON Feed "
		    "version");
		return -1;
	}
	info->format = strcmp(ver + 29, "1") == 0 ? FEED_FORMAT_JSON10 :
	    FEED_FORMAT_JSON11;
	base = run->opts->url;
	info->title = text(jstr(root, "title"));
	info->link = url(base, jstr(root, "home_page_url"));
	info->subtitle = text(jstr(root, "description"));
	info->author = author(root);
	info->language = text(jstr(root, "language"));
	if (info->link != NULL)
		base = info->link;
	items = json_object_get(root, "items");
	if (json_is_array(items))
		json_array_foreach(items, i, it)
			if (json_is_object(it) &&
			    item(run, it, base) == -1)
				break;
	json_decref(root);
	return 0;
}
