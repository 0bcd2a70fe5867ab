/*
 * page_csp.c: the page's style sheet and the hash that lets it in.
 *
 * The pages carry a Content-Security-Policy that allows no script at all
 * and no style but this one sheet, named by its SHA-256 (CSP Level 3,
 * "hash-source"), so markup that slipped into stored text could neither
 * run nor restyle the page.  The hash is computed here from the sheet
 * itself, once, so editing the sheet cannot leave a stale hash behind.
 * SHA-256 is written from FIPS 180-4 (it is small, and the daemon links
 * no crypto library).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "page_int.h"

/* Light by default, dark when the reader's system asks for it; one
 * column on phones, the river and a side column from 60em. */
const char page_style[] =
    ":root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1b;--mute:#545454;"
    "--line:#d6d6d6;--link:#0b57b0;--visit:#6a3d9a;--err:#a40000;"
    "--errbg:#fde8e8;--card:#f5f5f5;--focus:#0b57b0}"
    "@media (prefers-color-scheme:dark){:root{--bg:#141414;--fg:#e8e8e8;"
    "--mute:#b4b4b4;--line:#3a3a3a;--link:#8ab4f8;--visit:#c9a8f0;"
    "--err:#ff9b94;--errbg:#3b1715;--card:#1f1f1f;--focus:#8ab4f8}}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:var(--bg);color:var(--fg);"
    "font:1rem/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;"
    "overflow-wrap:anywhere}"
    "a{color:var(--link)}a:visited{color:var(--visit)}"
    ":focus-visible{outline:3px solid var(--focus);outline-offset:2px}"
    ".skip{position:absolute;left:-999em}.skip:focus{left:1em;top:.5em;"
    "background:var(--bg);padding:.3em .6em}"
    ".top{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:center;"
    "padding:.6em 1em;border-bottom:1px solid var(--line)}"
    ".brand{margin:0;font-weight:700;font-size:1.15em}"
    ".brand a{color:var(--fg);text-decoration:none}"
    "form.search{display:flex;gap:.4em;flex:1 1 16em;max-width:36em}"
    "form.search input{flex:1;min-width:0;font:inherit;padding:.35em .5em;"
    "color:var(--fg);background:var(--bg);border:1px solid var(--mute);"
    "border-radius:4px}"
    "form.search button{font:inherit;padding:.35em .8em;color:var(--fg);"
    "background:var(--card);border:1px solid var(--mute);border-radius:4px}"
    ".vh{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap}"
    ".wrap{max-width:78em;margin:0 auto;padding:0 1em}"
    "@media (min-width:60em){.wrap{display:grid;"
    "grid-template-columns:minmax(0,1fr) 18em;gap:2.5em}}"
    "main,aside{min-width:0}"
    "h1{font-size:1.5em;margin:.8em 0 .2em}"
    ".sel{margin:0 0 1em;color:var(--mute)}"
    "ol.river{list-style:none;margin:0;padding:0}"
    "ol.river>li{padding:.9em 0;border-bottom:1px solid var(--line)}"
    "ol.river>li::after{content:'';display:block;clear:both}"
    "article h2{font-size:1.12em;margin:0 0 .15em;line-height:1.3}"
    "article h2 a{text-decoration:none}"
    "article h2 a:hover{text-decoration:underline}"
    ".meta{margin:0;color:var(--mute);font-size:.9em}"
    ".meta a{color:inherit}"
    ".sum{margin:.35em 0 0}"
    ".lead{float:right;width:30%;max-width:10em;aspect-ratio:3/2;"
    "object-fit:cover;margin:.2em 0 .3em .9em;border-radius:4px;"
    "background:var(--card)}"
    ".pager{display:flex;justify-content:space-between;gap:1em;"
    "padding:1em 0 2em}"
    "aside h2{font-size:1em;margin:1.4em 0 .4em}"
    "aside ul{list-style:none;margin:0;padding:0}"
    "ul.chips{display:flex;flex-wrap:wrap;gap:.35em}"
    "ul.chips a{display:inline-block;padding:.1em .55em;"
    "border:1px solid var(--line);border-radius:1em;text-decoration:none}"
    "ul.list li{margin:.15em 0}"
    "[aria-current]{font-weight:700}"
    ".count{color:var(--mute);font-size:.85em}"
    ".err,a.err{color:var(--err)}"
    "details summary{cursor:pointer;margin:1.2em 0 .4em;font-weight:700}"
    ".jump{display:flex;gap:1em;font-size:.95em}"
    ".scroll{overflow-x:auto;margin-bottom:2em}"
    ".scroll table{min-width:48em;overflow-wrap:normal}"
    "table{border-collapse:collapse;width:100%;font-size:.92em}"
    "caption{text-align:left;color:var(--mute);padding:.3em 0}"
    "th,td{text-align:left;padding:.3em .5em;"
    "border-bottom:1px solid var(--line);vertical-align:top}"
    "th{background:var(--card)}tr.failing td{background:var(--errbg)}"
    "tr.retired td{color:var(--mute)}"
    ".src{color:var(--mute);font-size:.9em}"
    "footer{border-top:1px solid var(--line);padding:1em;"
    "color:var(--mute);font-size:.9em;text-align:center}";

static const uint32_t k256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
	0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
	0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
	0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
	0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
	0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
	0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static uint32_t
ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void
sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^
		    w[i - 2] >> 10) + w[i - 7] + (ror(w[i - 15], 7) ^
		    ror(w[i - 15], 18) ^ w[i - 15] >> 3) + w[i - 16];
	a = h[0]; b = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	for (i = 0; i < 64; i++) {
		t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
		    ((e & f) ^ (~e & g)) + k256[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
		    ((a & b) ^ (a & c) ^ (b & c));
		hh = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

void
page_sha256(const void *data, size_t len, unsigned char digest[32])
{
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	const unsigned char *p = data;
	unsigned char last[128];
	uint64_t bits = (uint64_t)len * 8;
	size_t i, rest, n;

	for (i = 0; i + 64 <= len; i += 64)
		sha256_block(h, p + i);
	/* The tail, a 1 bit, zeros, and the length: one or two blocks. */
	rest = len - i;
	memset(last, 0, sizeof(last));
	memcpy(last, p + i, rest);
	last[rest] = 0x80;
	n = rest < 56 ? 64 : 128;
	for (i = 0; i < 8; i++)
		last[n - 1 - i] = (unsigned char)(bits >> (8 * i));
	sha256_block(h, last);
	if (n == 128)
		sha256_block(h, last + 64);
	for (i = 0; i < 32; i++)
		digest[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

const char *
page_style_hash(void)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static char src[64];
	unsigned char d[33];
	char *w;
	size_t i;
	uint32_t v;

	if (src[0] != '\0')
		return src;
	page_sha256(page_style, strlen(page_style), d);
	d[32] = 0;
	w = src;
	w += strlen(strcpy(w, "'sha256-"));
	/* 32 bytes: ten groups of three, then two bytes and one '='. */
	for (i = 0; i < 33; i += 3) {
		v = (uint32_t)d[i] << 16 | (uint32_t)(i + 1 < 33 ? d[i + 1] :
		    0) << 8 | (i + 2 < 33 ? d[i + 2] : 0);
		*w++ = b64[v >> 18 & 63];
		*w++ = b64[v >> 12 & 63];
		*w++ = i + 1 < 32 ? b64[v >> 6 & 63] : '=';
		*w++ = i + 2 < 32 ? b64[v & 63] : '=';
	}
	strcpy(w, "'");
	return src;
}
