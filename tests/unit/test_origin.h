/*
 * test_origin.h: an HTTP origin server inside the test process, for the
 * tests that fetch (test_fetch, test_sched): libmicrohttpd on a loopback
 * address, on a port the kernel picks (never a fixed one), one thread
 * per connection, answering with the test's own handler; and the bare
 * sockets that stand for a server that refuses or never answers.
 */
#ifndef FEEDD_TEST_ORIGIN_H
#define FEEDD_TEST_ORIGIN_H

#include <stdint.h>

#include <microhttpd.h>

/*
 * Starts an origin on addr (host order: INADDR_LOOPBACK, or any other
 * address of 127/8) whose requests go to handler with cls.  Sets *port
 * and returns the daemon (MHD_stop_daemon stops it), or fails the test.
 */
struct MHD_Daemon *test_origin_start(uint32_t addr,
		    MHD_AccessHandlerCallback handler, void *cls, int *port);

/*
 * A TCP socket bound to a free port of 127.0.0.1 (*port), which is not
 * an origin at all: closed at once, it leaves a port where connections
 * are refused; listening (backlog > 0), one where the kernel accepts
 * them and nobody ever answers.  Returns the socket, or fails the test.
 */
int		 test_origin_socket(int backlog, int *port);

/*
 * Queues a reply of code with a copy of body and the headers given as
 * name, value pairs after it, the list ending at a NULL name.
 */
enum MHD_Result	 test_origin_reply(struct MHD_Connection *c,
		    unsigned int code, const char *body, ...)
		    __attribute__((sentinel));

#endif
