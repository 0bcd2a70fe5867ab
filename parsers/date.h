/*
 * date.h: reading the dates feeds carry, locale-independently.
 *
 * Accepts RFC 822/1123 and their real-world variants (missing or wrong
 * weekday, two-digit years, missing seconds or zone, obsolete and military
 * zone names, GMT+3, -05:00), RFC 3339 / ISO 8601 / W3C-DTF, and localized
 * month and day names.  Impossible dates (31 June, hour 25) are rejected:
 * a date that cannot be read is never guessed.
 */
#ifndef FEEDD_DATE_H
#define FEEDD_DATE_H

#include <stddef.h>
#include <stdint.h>

/* Parses s; returns 0 and sets *t (seconds since the epoch, UTC) or -1. */
int	date_parse(const char *s, int64_t *t);

/* Seconds since the epoch for a proleptic Gregorian UTC date and time;
 * no range checks (callers validate). */
int64_t	date_from_civil(int64_t year, int month, int day, int hour, int min,
	    int sec);

/* Formats t as RFC 3339 UTC ("2004-01-01T19:48:21Z") into out, which must
 * hold DATE_RFC3339_LEN bytes.  Returns out. */
#define DATE_RFC3339_LEN 32
char	*date_format_rfc3339(int64_t t, char *out);
/* Formats t as RFC 822 ("Thu, 01 Jan 2004 19:48:21 +0000"); out holds
 * DATE_RFC822_LEN bytes.  Returns out. */
#define DATE_RFC822_LEN 40
char	*date_format_rfc822(int64_t t, char *out);

#endif
