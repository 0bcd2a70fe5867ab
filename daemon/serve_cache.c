/*
 * serve_cache.c: the rendered-document cache.  Handlers run on the
 * server's thread and do not wait for the daemon's loop: documents are
 * answered from a cache keyed by (Host, path, whatever else the caller
 * says matters: the query of a feed) and tagged with the store generation(s) they were rendered from,
 * so a reader polling every minute costs no database query until a
 * fetch changes the store.  Documents are reference counted: a slow
 * client keeps the bytes it is being sent alive after the cache moved
 * on.  Each slot also keeps the MHD responses made from it (full or
 * 304, plain or gzip), headers and all, so that an answer from the
 * cache is one MHD_queue_response: MHD counts the connections sending
 * one, and the last to finish drops its reference to the document.
 * The cache has a fixed number of slots (replacing the least recently
 * used), because the Host header and the query are chosen by the
 * client.  A gzip copy is made on the first request that accepts it.
 *
 * Validators.  The ETag names the process (start time and pid), the
 * store generations, a hash of the cache key and the coding, so it
 * changes whenever the bytes can (and does not repeat across restarts,
 * when generations start over).  Last-Modified is what the builder
 * says (serve_feed.c: the newest time the store saw one of the listed
 * entries appear or change).  If-None-Match wins over If-Modified-Since
 * (RFC 9110 13.2.2).
 *
 * What to render is not decided here: the caller passes a builder.
 * The cache is the server thread's alone (serve_thread.c), so neither
 * it nor the documents' reference counts need a lock of their own.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>
#include <zlib.h>

#include "serve_int.h"
#include "parsers/date.h"
#include "base/util.h"
#include "storage/store.h"

static struct doc *
doc_new(char *data, size_t len)
{
	struct doc *d;

	d = xmalloc(sizeof(*d));
	d->refs = 1;
	d->len = len;
	d->data = data;
	return d;
}

static void
doc_unref(void *arg)
{
	struct doc *d = arg;

	if (d == NULL || --d->refs > 0)
		return;
	free(d->data);
	free(d);
}

static void
slot_clear(struct cache_slot *c)
{
	size_t i, j;

	/* Connections still sending one keep it (and its document). */
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			if (c->resp[i][j] != NULL)
				MHD_destroy_response(c->resp[i][j]);
	free(c->key);
	doc_unref(c->plain);
	doc_unref(c->gz);
	memset(c, 0, sizeof(c[0]));
}

void
cache_clear(struct server *srv)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++)
		slot_clear(&srv->cache[i]);
}


static int
gzip_doc(const struct doc *in, struct doc **out)
{
	z_stream z;
	char *data;
	size_t size;
	int rc;

	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip wrapper rather than zlib's. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	size = deflateBound(&z, in->len);
	data = xmalloc(size);
	z.next_in = (Bytef *)in->data;
	z.avail_in = in->len;
	z.next_out = (Bytef *)data;
	z.avail_out = size;
	rc = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(data);
		return -1;
	}
	*out = doc_new(data, size - z.avail_out);
	return 0;
}

/* The slot holding key, or the one to replace. */
static struct cache_slot *
cache_find(struct server *srv, const char *key, int *hit)
{
	struct cache_slot *c, *victim = NULL;
	size_t i;

	srv->tick++;
	for (i = 0; i < CACHE_SLOTS; i++) {
		c = &srv->cache[i];
		if (c->used && strcmp(c->key, key) == 0) {
			*hit = 1;
			return c;
		}
		if (victim == NULL || !c->used ||
		    (victim->used && c->tick < victim->tick))
			victim = c;
	}
	*hit = 0;
	return victim;
}

static void
cache_fill(struct server *srv, struct cache_slot *c, const char *key,
    uint64_t gen, uint64_t gen2, struct built *b)
{
	size_t len, n;

	slot_clear(c);
	c->used = 1;
	c->key = xstrdup(key);
	c->gen = gen;
	c->gen2 = gen2;
	c->tick = srv->tick;
	c->ctype = b->ctype;
	c->mtime = b->mtime;
	len = b->out.len;
	c->plain = doc_new(buf_steal(&b->out), len);
	snprintf(c->etag, sizeof(c->etag), "\"%" PRIx64 "%x-%" PRIx64 ".%"
	    PRIx64 "-%08" PRIx32 "\"", srv->started, (unsigned)getpid(), gen,
	    gen2, str_hash(key));
	snprintf(c->etag_gz, sizeof(c->etag_gz), "%.*s-gz\"",
	    (int)strlen(c->etag) - 1, c->etag);
	/* HTTP dates are RFC 822 dates in GMT (RFC 9110 5.6.7). */
	date_format_rfc822(c->mtime, c->last_modified);
	n = strlen(c->last_modified);
	if (n > 5 && strcmp(c->last_modified + n - 5, "+0000") == 0)
		strcpy(c->last_modified + n - 5, "GMT");
}

/* The response for the slot's document (gz: its gzip copy), or for a
 * 304 to a request that has it (fresh), with every header; NULL if MHD
 * cannot make one. */
static struct MHD_Response *
slot_response(const struct cache_slot *c, struct doc *d, int gz, int fresh)
{
	struct MHD_Response *r;

	if (fresh) {
		r = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
	} else {
		d->refs++;
		r = MHD_create_response_from_buffer_with_free_callback_cls(
		    d->len, d->data, doc_unref, d);
		if (r == NULL)
			d->refs--;
	}
	if (r == NULL)
		return NULL;
	if (!fresh) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    c->ctype);
		if (gz)
			MHD_add_response_header(r,
			    MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG,
	    gz ? c->etag_gz : c->etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED,
	    c->last_modified);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	return r;
}

/*
 * Sends the slot's document, or 304 when the validators match.  The
 * response is made once per slot and kind and queued on every request
 * for it: its headers are not built again for each.
 */
static enum MHD_Result
send_slot(struct request *req, struct MHD_Connection *conn,
    struct cache_slot *c)
{
	struct MHD_Response **r;
	const char *inm, *ims;
	int64_t t;
	int gz, fresh = 0;

	gz = http_accepts_gzip(conn);
	if (gz && c->gz == NULL && gzip_doc(c->plain, &c->gz) == -1)
		gz = 0;
	inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	ims = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	if (inm != NULL)
		fresh = http_etag_matches(inm, gz ? c->etag_gz : c->etag);
	else if (ims != NULL && date_parse(ims, &t) == 0)
		fresh = c->mtime <= t;

	r = &c->resp[gz][fresh];
	if (*r == NULL)
		*r = slot_response(c, gz ? c->gz : c->plain, gz, fresh);
	if (*r == NULL)
		return MHD_NO;
	return http_queue_kept(req, conn,
	    fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, *r);
}

/*
 * A cached document: the slot for (Host, url, keyextra) if it was
 * rendered from the store generations gens names as they are now, else
 * build's document, stored in it; then sent (or 304).  A builder's
 * error is answered as it is and not cached.  The generations are read
 * and the document built under the state lock; while the daemon's loop
 * is busy with its callbacks, a document already cached is sent as it
 * is instead of waiting for the lock (serve_thread.c).
 */
enum MHD_Result
cache_serve(struct server *srv, struct request *req,
    struct MHD_Connection *conn, const char *url, const char *keyextra,
    enum cache_gens gens, build_fn *build, void *arg)
{
	struct cache_slot *c;
	struct built b;
	struct buf key;
	const char *host;
	enum MHD_Result ret;
	uint64_t gen = 0, gen2 = 0;
	int hit;

	host = http_request_host(conn);
	/* Host and target, both capped by the HTTP layer. */
	buf_init(&key, BUF_UNCAPPED);
	http_key_add(&key, host);
	http_key_add(&key, url);
	if (keyextra != NULL)
		buf_addstr(&key, keyextra);
	c = cache_find(srv, key.data, &hit);
	if (!serve_lock_or_copy(srv, hit))
		goto send;
	if (gens != CACHE_GENS_NONE)
		gen = store_generation(srv->store);
	if (gens == CACHE_GENS_BOTH)
		gen2 = store_feeds_generation(srv->store);
	if (!hit || c->gen != gen || c->gen2 != gen2) {
		memset(&b, 0, sizeof(b));
		/* A document rendered from a bounded page of stored
		 * entries (SERVE_LIMIT_MAX, PAGE_LIMIT_MAX). */
		buf_init(&b.out, BUF_UNCAPPED);
		build(srv, req, host, arg, &b);
		if (b.status != 0) {
			serve_unlock(srv);
			ret = http_reply_fmt(req, conn, b.status, "%s",
			    b.reason);
			free(b.reason);
			buf_reset(&b.out);
			buf_reset(&key);
			return ret;
		}
		cache_fill(srv, c, key.data, gen, gen2, &b);
	}
	serve_unlock(srv);
send:
	c->tick = srv->tick;
	buf_reset(&key);
	return send_slot(req, conn, c);
}
