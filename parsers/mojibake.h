/*
 * mojibake.h: repair of text that was UTF-8, got decoded as windows-1252
 * and encoded as UTF-8 again ("KÃ¤ltewelle" for "Kältewelle",
 * "dâ€™information" for "d’information").
 *
 * A pure function: no state, no locale, no allocation.  Which text is
 * repaired, and why that is safe, is explained atop mojibake.c.
 */
#ifndef FEEDD_MOJIBAKE_H
#define FEEDD_MOJIBAKE_H

#include <stddef.h>

/*
 * Repairs s (NUL-terminated; any bytes) in place, never lengthening it,
 * when it is unambiguously double-encoded; text that is merely unusual
 * is left byte for byte as it was.  Text encoded twice over is undone
 * twice (three passes at most).  Returns how many characters were
 * repaired (0: s is unchanged).
 */
size_t	 mojibake_repair(char *s);

#endif
