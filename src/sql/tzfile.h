/*
 * Named time zones ('Europe/Paris', 'America/New_York') as PostgreSQL 15
 * reads them: from the tz database files PostgreSQL itself uses (Debian
 * builds it --with-system-tzdata=/usr/share/zoneinfo), TZif version 2 or
 * later, with the POSIX TZ string at the end of the file giving the
 * transitions after the last one listed (for one 400-year cycle; later
 * times repeat it, as PostgreSQL's localtime.c does).
 *
 *   tz_load(name)          the zone, looked up case-insensitively as
 *                          pg_tzset does; NULL when there is no such file or
 *                          it cannot be read (then the name is not a zone).
 *                          Zones are loaded once and kept for the process.
 *   tz_utoff_at(z, t)      the UTC offset (seconds east) in effect at the
 *                          instant t (seconds since 1970-01-01 UTC), as
 *                          pg_localtime finds it: timestamptz AT TIME ZONE.
 *   tz_utoff_for_local(z, t)  the UTC offset of the local time t (seconds
 *                          since 1970-01-01 as if UTC), as PostgreSQL's
 *                          DetermineTimeZoneOffset chooses it: in a
 *                          spring-forward gap the offset before, in a
 *                          fall-back overlap the offset after: timestamp
 *                          AT TIME ZONE.
 */
#ifndef DD_TZFILE_H
#define DD_TZFILE_H

#include <stdint.h>

struct tzone;

const struct tzone *tz_load(const char *name);
int tz_utoff_at(const struct tzone *z, int64_t t);
int tz_utoff_for_local(const struct tzone *z, int64_t t);

#endif
