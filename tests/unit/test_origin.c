/*
 * test_origin.c: the in-process origin server of the tests that fetch
 * (see test_origin.h).  What each origin serves stays in its test; only
 * starting one and queueing a reply are shared.  test_origin_reply runs on
 * the server's threads: it asserts nothing, as a failed check there would
 * not reach the test.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <string.h>

#include <check.h>

#include "test_origin.h"

struct MHD_Daemon *
test_origin_start(uint32_t addr, MHD_AccessHandlerCallback handler,
    void *cls, int *port)
{
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(addr);
	sin.sin_port = 0;
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, handler, cls,
	    MHD_OPTION_SOCK_ADDR, &sin, MHD_OPTION_END);
	ck_assert_ptr_nonnull(d);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	ck_assert_ptr_nonnull(info);
	*port = info->port;
	ck_assert_int_gt(*port, 0);
	return d;
}

int
test_origin_socket(int backlog, int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (backlog > 0)
		ck_assert_int_eq(listen(fd, backlog), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

enum MHD_Result
test_origin_reply(struct MHD_Connection *c, unsigned int code,
    const char *body, ...)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	const char *name, *value;
	va_list ap;

	r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	va_start(ap, body);
	for (;;) {
		name = va_arg(ap, const char *);
		if (name == NULL)
			break;
		value = va_arg(ap, const char *);
		MHD_add_response_header(r, name, value);
	}
	va_end(ap);
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}
