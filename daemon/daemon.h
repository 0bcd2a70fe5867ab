/*
 * daemon.h: the running daemon: its modules on one libev loop, the
 * signals that reload or stop it, and its housekeeping timers.
 */
#ifndef FEEDD_DAEMON_H
#define FEEDD_DAEMON_H

/*
 * Loads the configuration at conf_path, opens the store, the fetcher, the
 * HTTP server and the scheduler, and runs the loop until SIGTERM or
 * SIGINT.  debug logs debug messages whatever log_level says.  Returns
 * the process exit status: 0 after a clean stop, 1 if start-up failed
 * (each reason logged).
 */
int	daemon_run(const char *conf_path, int debug);

#endif
