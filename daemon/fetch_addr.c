/*
 * fetch_addr.c: where a redirect may lead.
 *
 * Redirects may not lead from a public address into the local network.
 * The address of the first request (where the configured URL led: the
 * user's choice) sets the rule: if it is loopback, private, link-local
 * or otherwise special (fetch_addr_special), any redirect is followed; if
 * it is public, every later hop must be public too.  Addresses are the
 * ones connected to, not names, so a name that resolves to a private
 * address counts as private: OPENSOCKETFUNCTION refuses a new connection
 * to such an address before it is made, and PREREQFUNCTION checks the
 * address of every request, including one on a connection reused from
 * another transfer.  Behind a proxy the address seen is the proxy's, so
 * the rule is the proxy's to keep.
 *
 * Both callbacks only record what they refused (job->refused); the
 * report of the transfer (fetch.c) turns it into a "redirect" failure.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "fetch.h"
#include "fetch_int.h"
#include "base/util.h"

/* IPv4 address a (host order) in the special ranges (RFC 6890 and
 * the IANA special-purpose registry). */
static int
v4_special(uint32_t a)
{
	static const struct {
		uint32_t	 net;
		int		 bits;
	} nets[] = {
		{ 0x00000000, 8 },	/* "this network", 0.0.0.0 */
		{ 0x0a000000, 8 },	/* private */
		{ 0x64400000, 10 },	/* CGNAT shared space */
		{ 0x7f000000, 8 },	/* loopback */
		{ 0xa9fe0000, 16 },	/* link-local */
		{ 0xac100000, 12 },	/* private */
		{ 0xc0000000, 24 },	/* IETF protocol assignments */
		{ 0xc0000200, 24 },	/* documentation */
		{ 0xc0586300, 24 },	/* 6to4 relay anycast */
		{ 0xc0a80000, 16 },	/* private */
		{ 0xc6120000, 15 },	/* benchmarking */
		{ 0xc6336400, 24 },	/* documentation */
		{ 0xcb007100, 24 },	/* documentation */
		{ 0xe0000000, 4 },	/* multicast */
		{ 0xf0000000, 4 },	/* reserved, broadcast */
	};
	size_t i;

	for (i = 0; i < NELEM(nets); i++)
		if ((a >> (32 - nets[i].bits)) ==
		    (nets[i].net >> (32 - nets[i].bits)))
			return 1;
	return 0;
}

int
fetch_addr_special(const char *ip)
{
	unsigned char b[16];
	uint32_t a;
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0xff, 0xff };
	static const unsigned char zero[12];
	static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b };

	if (ip == NULL)
		return -1;
	if (inet_pton(AF_INET, ip, b) == 1)
		return v4_special((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | b[3]);
	if (inet_pton(AF_INET6, ip, b) != 1)
		return -1;
	a = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
	    (uint32_t)b[14] << 8 | b[15];
	/* IPv4-mapped, and the NAT64 well-known prefix: the IPv4 address
	 * inside decides.  IPv4-compatible (deprecated), :: and ::1. */
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return v4_special(a);
	if (memcmp(b, zero, 12) == 0)
		return 1;
	/* 6to4: the IPv4 address in bits 16-47. */
	if (b[0] == 0x20 && b[1] == 0x02)
		return v4_special((uint32_t)b[2] << 24 |
		    (uint32_t)b[3] << 16 | (uint32_t)b[4] << 8 | b[5]);
	if ((b[0] & 0xfe) == 0xfc ||		/* unique local fc00::/7 */
	    (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||	/* link-local */
	    (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) ||	/* site-local */
	    b[0] == 0xff ||			/* multicast */
	    (b[0] == 0x01 && b[1] == 0x00 && b[2] == 0 && b[3] == 0 &&
	    b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0) || /* discard */
	    (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b &&
	    b[4] == 0x00 && b[5] == 0x01) ||	/* local NAT64 */
	    (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02) || /* 2001::/23 */
	    (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d &&
	    b[3] == 0xb8) ||			/* documentation */
	    (b[0] == 0x3f && b[1] == 0xff && (b[2] & 0xf0) == 0))
		return 1;
	return 0;
}

void
fetch_test_public(struct fetcher *f, const char *ip)
{
	free(f->test_public);
	f->test_public = ip != NULL ? xstrdup(ip) : NULL;
}

/* Whether ip (numeric) is special for this fetcher: see
 * fetch_addr_special, and fetch_test_public for the exception. */
static int
ip_special(const struct fetcher *f, const char *ip)
{
	if (f->test_public != NULL && strcmp(ip, f->test_public) == 0)
		return 0;
	return fetch_addr_special(ip) != 0;
}

/* A new connection: refused if it is a redirect's, from a public
 * origin to a special address (see the top of the file). */
curl_socket_t
fetch_opensocket_cb(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct fetch_job *job = arg;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	char ip[INET6_ADDRSTRLEN];
	const char *p = NULL;

	(void)purpose;
	if (job->nrequests > 0 && !job->origin_special) {
		if (a->family == AF_INET && a->addrlen >= sizeof(sin)) {
			memcpy(&sin, &a->addr, sizeof(sin));
			p = inet_ntop(AF_INET, &sin.sin_addr, ip, sizeof(ip));
		} else if (a->family == AF_INET6 &&
		    a->addrlen >= sizeof(sin6)) {
			memcpy(&sin6, &a->addr, sizeof(sin6));
			p = inet_ntop(AF_INET6, &sin6.sin6_addr, ip,
			    sizeof(ip));
		}
		/* An address that cannot be told is not trusted. */
		if (p == NULL || ip_special(job->f, ip)) {
			snprintf(job->refused, sizeof(job->refused), "%s",
			    p != NULL ? ip : "an unknown address");
			return CURL_SOCKET_BAD;
		}
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* Every request, on a new or a reused connection, just before it is
 * sent: the first one's address sets the rule for the others. */
int
fetch_prereq_cb(void *arg, char *primary_ip, char *local_ip, int primary_port,
    int local_port)
{
	struct fetch_job *job = arg;
	int special;

	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	special = primary_ip == NULL || ip_special(job->f, primary_ip);
	if (job->nrequests++ == 0) {
		/* An origin of unknown address is held to the strict rule. */
		job->origin_special = primary_ip != NULL && special;
		return CURL_PREREQFUNC_OK;
	}
	if (special && !job->origin_special) {
		snprintf(job->refused, sizeof(job->refused), "%s",
		    primary_ip != NULL ? primary_ip : "an unknown address");
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}
