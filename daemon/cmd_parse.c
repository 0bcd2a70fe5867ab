/*
 * cmd_parse.c: `feedd parse [--url URL] [--charset CS] FILE|- [FILE...]`.
 *
 * Reads each document (capped at CMD_PARSE_MAX, below), runs the same
 * parser the daemon uses and prints the contract JSON
 * (tests/conformance/CONTRACT.md).  Entries are printed as the parser
 * hands them over, so the output is written as
 * {"entries":[...],"format":...,"feed":{...}} (key order is free in
 * JSON): feed-level fields are only complete at the end (RSS may put
 * channel elements after its items).  Nothing reaches stdout before the
 * first entry, so a document that cannot be read prints nothing but its
 * reason.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "parsers/date.h"
#include "parsers/feed.h"
#include "base/swar.h"
#include "base/util.h"

/*
 * The daemon caps fetched documents at FEED_MAX_SIZE; a file named on the
 * command line was chosen by the user, so it may be larger (the benchmark
 * document is 20 MB), within reason: memory stays linear in it.
 */
#define CMD_PARSE_MAX	(256u * 1024 * 1024)

struct out {
	FILE	*fp;
	int	 started;
};

/*
 * A small JSON writer instead of jansson's: building a json_t per entry
 * and dumping it took a third of the run time on big documents.  Strings
 * from the parser are valid UTF-8 already, so only '"', '\\' and control
 * characters need escaping.  The escaped text is assembled in a local
 * block and written with one fwrite per block: HTML is full of quotes, and
 * a stdio call per quote showed in profiles.  The runs between escapes are
 * found eight bytes at a time (base/swar.h).
 */
static void
put_string(FILE *fp, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char out[8192];
	const char *end = s + strlen(s);
	size_t w = 0, n;
	uint64_t x, m;
	unsigned char c;

	out[w++] = '"';
	while (s < end) {
		/* The run with no '"', no '\\' and no control, eight bytes
		 * at a time, then copied at once. */
		n = 0;
#ifdef SWAR_V16
		while ((size_t)(end - s) - n >= 16) {
			__m128i v = v16_load(s + n);
			unsigned b = v16_bits(_mm_or_si128(_mm_or_si128(
			    v16_eq(v, '"'), v16_eq(v, '\\')),
			    v16_below(v, 0x20)));

			if (b != 0) {
				n += v16_first(b);
				goto run;
			}
			n += 16;
		}
#endif
		while ((size_t)(end - s) - n >= 8) {
			x = swar_load(s + n);
			m = swar_eq(x, '"') | swar_eq(x, '\\') |
			    swar_below(x, 0x20);
			if (m != 0) {
				n += swar_first(m);
				goto run;
			}
			n += 8;
		}
		while (s + n < end && (unsigned char)s[n] >= 0x20 &&
		    s[n] != '"' && s[n] != '\\')
			n++;
run:
		if (w + n > sizeof(out) - 16) {
			fwrite(out, 1, w, fp);
			w = 0;
			if (n > sizeof(out) - 16) {
				fwrite(s, 1, n, fp);
				s += n;
				n = 0;
			}
		}
		memcpy(out + w, s, n);
		w += n;
		s += n;
		if (s >= end)
			break;
		c = (unsigned char)*s++;
		out[w++] = '\\';
		switch (c) {
		case '"':
		case '\\':
			out[w++] = (char)c;
			break;
		case '\n':
			out[w++] = 'n';
			break;
		case '\r':
			out[w++] = 'r';
			break;
		case '\t':
			out[w++] = 't';
			break;
		default:
			out[w++] = 'u';
			out[w++] = '0';
			out[w++] = '0';
			out[w++] = hex[c >> 4];
			out[w++] = hex[c & 0xf];
		}
	}
	out[w++] = '"';
	fwrite(out, 1, w, fp);
}

/* "key":"value", with the separator unless it is the first member. */
static void
put_str(FILE *fp, int *first, const char *key, const char *v)
{
	if (v == NULL)
		return;
	/* The keys are ours (no escaping); printf per key showed in
	 * profiles. */
	fputs(*first ? "\"" : ",\"", fp);
	*first = 0;
	fputs(key, fp);
	fputs("\":", fp);
	put_string(fp, v);
}

static void
put_date(FILE *fp, int *first, const char *key, int64_t t)
{
	char buf[DATE_RFC3339_LEN];

	if (t != FEED_NO_DATE)
		put_str(fp, first, key, date_format_rfc3339(t, buf));
}

static int
on_entry(void *arg, const struct entry *e, char **errstr)
{
	struct out *o = arg;
	FILE *fp = o->fp;
	size_t i;
	int first = 1, f2;

	(void)errstr;
	fputs(o->started ? "," : "{\"entries\":[", fp);
	o->started = 1;
	fputc('{', fp);
	put_str(fp, &first, "id", e->id);
	put_str(fp, &first, "title", e->title);
	put_str(fp, &first, "link", e->link);
	put_str(fp, &first, "author", e->author);
	put_str(fp, &first, "summary", e->summary);
	put_str(fp, &first, "content", e->content);
	put_date(fp, &first, "published", e->published);
	put_date(fp, &first, "updated", e->updated);
	if (e->ncategories > 0) {
		fputs(first ? "\"categories\":[" : ",\"categories\":[", fp);
		first = 0;
		for (i = 0; i < e->ncategories; i++) {
			if (i > 0)
				fputc(',', fp);
			put_string(fp, e->categories[i]);
		}
		fputc(']', fp);
	}
	if (e->nenclosures > 0) {
		fputs(first ? "\"enclosures\":[" : ",\"enclosures\":[", fp);
		for (i = 0; i < e->nenclosures; i++) {
			f2 = 1;
			fputs(i > 0 ? ",{" : "{", fp);
			put_str(fp, &f2, "url", e->enclosures[i].url);
			put_str(fp, &f2, "type", e->enclosures[i].type);
			fputs(f2 ? "\"length\":" : ",\"length\":", fp);
			if (e->enclosures[i].length >= 0)
				fprintf(fp, "%lld",
				    (long long)e->enclosures[i].length);
			else
				fputs("null", fp);
			fputc('}', fp);
		}
		fputc(']', fp);
	}
	fputc('}', fp);
	return 0;
}

/*
 * A regular file is mapped rather than read: the parser only reads the
 * document, and copying 20 MB into a growing buffer (page faults, zeroed
 * pages, reallocs) cost a sixth of the run time on the benchmark.  Sets
 * *mapped when it did; NULL (and no reason) when mapping does not apply,
 * and the caller reads the file instead.
 */
static char *
map_file(FILE *fp, size_t cap, size_t *lenp, int *mapped, char **errstr)
{
	struct stat sb;
	void *p;

	*mapped = 0;
	if (fstat(fileno(fp), &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size <= 0)
		return NULL;
	if ((uintmax_t)sb.st_size > cap) {
		*errstr = xasprintf("document larger than %zu bytes", cap);
		return NULL;
	}
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE,
	    fileno(fp), 0);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, (size_t)sb.st_size, MADV_SEQUENTIAL);
	*mapped = 1;
	*lenp = (size_t)sb.st_size;
	return p;
}

/*
 * Parses one document and prints its JSON object on one line.  Returns
 * 0, or 1 when it cannot be read or is not a feed (the reason on stderr,
 * nothing on stdout).
 */
static int
parse_one(const char *path, struct feed_parse_opts *opts)
{
	struct feed_sink sink;
	struct feed_info info;
	struct out out;
	char *doc, *errstr = NULL, *safe;
	size_t len = 0;
	FILE *fp;
	int rc, first = 1, mapped = 0;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "feedd parse: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	doc = map_file(fp, CMD_PARSE_MAX, &len, &mapped, &errstr);
	if (doc == NULL && errstr == NULL)
		doc = read_capped(fp, CMD_PARSE_MAX, "document", &len, &errstr);
	if (fp != stdin)
		fclose(fp);
	if (doc == NULL) {
		fprintf(stderr, "feedd parse: %s: %s\n", path, errstr);
		free(errstr);
		return 1;
	}

	memset(&out, 0, sizeof(out));
	out.fp = stdout;
	sink.entry = on_entry;
	sink.arg = &out;
	rc = feed_parse(doc, len, opts, &sink, &info, &errstr);
	if (mapped)
		munmap(doc, len);
	else
		free(doc);
	if (rc == -1) {
		/* Entries never precede a failure (feed_parse only fails
		 * when nothing was read), but be safe about the output. */
		if (out.started)
			fputs("]}\n", stdout);
		/* The reason may quote the document (jansson does). */
		safe = str_escape(errstr);
		fprintf(stderr, "feedd parse: %s: %s\n", path, safe);
		free(safe);
		free(errstr);
		return 1;
	}
	fputs(out.started ? "],\"format\":" : "{\"entries\":[],\"format\":",
	    stdout);
	if (feed_format_name(info.format) != NULL)
		printf("\"%s\"", feed_format_name(info.format));
	else
		fputs("null", stdout);
	fputs(",\"feed\":{", stdout);
	put_str(stdout, &first, "title", info.title);
	put_str(stdout, &first, "link", info.link);
	put_str(stdout, &first, "id", info.id);
	put_str(stdout, &first, "author", info.author);
	put_str(stdout, &first, "language", info.language);
	put_str(stdout, &first, "subtitle", info.subtitle);
	put_date(stdout, &first, "updated", info.updated);
	/* Extra keys, which the contract allows. */
	if (info.ttl > 0) {
		printf("%s\"ttl\":%d", first ? "" : ",", info.ttl);
		first = 0;
	}
	if (info.flags & FEED_RECOVERED)
		printf("%s\"recovered\":true", first ? "" : ",");
	fputs("}}\n", stdout);
	feed_info_reset(&info);
	return 0;
}

/*
 * Several files give one JSON object per line, in order (JSON Lines); a
 * file that fails prints no line, and the exit status is then 1.  That
 * runs a whole corpus in one process, as the daemon parses, for the
 * benchmark (bench/parse_bench.py): start-up costs more than parsing a
 * typical feed.
 */
int
cmd_parse(const struct cmd_opts *o)
{
	struct feed_parse_opts opts;
	int i, rc = 0;

	memset(&opts, 0, sizeof(opts));
	opts.url = o->url;
	opts.charset = o->charset;
	opts.max_size = CMD_PARSE_MAX;
	feed_init();
	/* stdout is written in large blocks, by this thread only. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (i = 0; i < o->argc; i++)
		if (parse_one(o->argv[i], &opts) != 0)
			rc = 1;
	feed_cleanup();
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "feedd parse: write error: %s\n",
		    strerror(errno));
		return 1;
	}
	return rc;
}
