/*
 * tz.c: time zones for zoneless stamps (--assume-tz).
 *
 * A zone is a fixed offset ("+05:30", "UTC") or an IANA zone read from
 * its TZif file under $TZDIR or /usr/share/zoneinfo (RFC 8536; we read
 * the 64-bit version 2+ data). Debian ships "fat" files whose transitions
 * run to 2037; past the last transition the last offset holds.
 *
 * Lookups happen once per zoneless line, so a zone is a sorted array of
 * transitions searched by bisection; nothing allocates after loading.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata/stime.h"
#include "strata/util.h"

#define TZ_FILE_MAX (1u << 20)

struct st_tz {
	size_t n;          /* transitions */
	int64_t *at;       /* UTC seconds of each transition, ascending */
	int32_t *off;      /* offset in force from at[i] */
	int32_t off0;      /* offset before the first transition */
};

static int
fixed_zone(const char *name, struct st_tz **out)
{
	int sign = 1, h = 0, m = 0;
	size_t n = strlen(name);
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Z") == 0 || strcmp(name, "GMT") == 0 ||
	    strcmp(name, "Etc/UTC") == 0) {
		h = 0;
	} else if (n >= 3 && (name[0] == '+' || name[0] == '-')) {
		sign = name[0] == '-' ? -1 : 1;
		if (st_digits(name + 1, n - 1, 2, 2, &h) != 2)
			return ST_ENOZONE;
		const char *r = name + 3;
		if (*r == ':')
			r++;
		if (*r != '\0' && (st_digits(r, strlen(r), 2, 2, &m) != 2 || r[2] != '\0'))
			return ST_ENOZONE;
		if (h > 23 || m > 59)
			return ST_ENOZONE;
	} else {
		return 1; /* not a fixed zone */
	}
	struct st_tz *tz = st_xcalloc(1, sizeof(*tz));
	tz->off0 = sign * (h * 3600 + m * 60);
	*out = tz;
	return 0;
}

static int64_t
be(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	if (bytes == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

static int
parse_tzif(const unsigned char *d, size_t len, struct st_tz *tz)
{
	if (len < 44 || memcmp(d, "TZif", 4) != 0)
		return ST_EINVAL;
	int version = d[4];
	size_t cnt[6];
	for (int i = 0; i < 6; i++)
		cnt[i] = (size_t)be(d + 20 + 4 * i, 4);
	/* isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt */
	size_t v1 = cnt[3] * 5 + cnt[4] * 6 + cnt[5] + cnt[2] * 8 + cnt[1] + cnt[0];
	int tbytes = 4;
	size_t p = 44;
	if (version >= '2') {
		p = 44 + v1;
		if (p + 44 > len || memcmp(d + p, "TZif", 4) != 0)
			return ST_EINVAL;
		for (int i = 0; i < 6; i++)
			cnt[i] = (size_t)be(d + p + 20 + 4 * i, 4);
		p += 44;
		tbytes = 8;
	}
	size_t timecnt = cnt[3], typecnt = cnt[4];
	if (typecnt == 0 || typecnt > 256 || timecnt > 100000 ||
	    p + timecnt * (size_t)(tbytes + 1) + typecnt * 6 > len)
		return ST_EINVAL;
	const unsigned char *times = d + p;
	const unsigned char *idx = times + timecnt * (size_t)tbytes;
	const unsigned char *types = idx + timecnt;
	tz->n = timecnt;
	tz->at = st_xreallocarray(NULL, timecnt ? timecnt : 1, sizeof(*tz->at));
	tz->off = st_xreallocarray(NULL, timecnt ? timecnt : 1, sizeof(*tz->off));
	for (size_t i = 0; i < timecnt; i++) {
		if (idx[i] >= typecnt)
			return ST_EINVAL;
		tz->at[i] = be(times + i * (size_t)tbytes, tbytes);
		tz->off[i] = (int32_t)be(types + idx[i] * 6u, 4);
	}
	/* before the first transition: the first standard-time type */
	tz->off0 = (int32_t)be(types, 4);
	for (size_t t = 0; t < typecnt; t++)
		if (types[t * 6 + 4] == 0) {
			tz->off0 = (int32_t)be(types + t * 6, 4);
			break;
		}
	return 0;
}

int
st_tz_load(const char *name, struct st_tz **out)
{
	int rc = fixed_zone(name, out);
	if (rc <= 0)
		return rc;
	if (name[0] == '\0' || name[0] == '/' || strstr(name, "..") != NULL)
		return ST_ENOZONE;
	const char *dir = getenv("TZDIR");
	if (dir == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return ST_ENOZONE;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return ST_ENOZONE;
	unsigned char *data = st_xmalloc(TZ_FILE_MAX);
	size_t len = fread(data, 1, TZ_FILE_MAX, f);
	fclose(f);
	struct st_tz *tz = st_xcalloc(1, sizeof(*tz));
	rc = parse_tzif(data, len, tz);
	free(data);
	if (rc < 0) {
		st_tz_free(tz);
		return ST_ENOZONE;
	}
	*out = tz;
	return 0;
}

void
st_tz_free(struct st_tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->at);
	free(tz->off);
	free(tz);
}

int
st_tz_offset_at(const struct st_tz *tz, st_time t)
{
	int64_t s = t >= 0 ? t / ST_USEC : -((-t + ST_USEC - 1) / ST_USEC);
	if (tz->n == 0 || s < tz->at[0])
		return tz->n ? tz->off0 : tz->off0;
	size_t lo = 0, hi = tz->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->at[mid] <= s)
			lo = mid;
		else
			hi = mid;
	}
	return tz->off[lo];
}

st_time
st_tz_wall_to_utc(const struct st_tz *tz, st_time wall)
{
	/* Guess with the offset at the wall time read as UTC, then correct
	 * with the offset in force at the guess. In a gap (spring forward)
	 * this lands after the gap; in an overlap it takes the first. */
	int o1 = st_tz_offset_at(tz, wall);
	st_time guess = wall - (st_time)o1 * ST_USEC;
	int o2 = st_tz_offset_at(tz, guess);
	if (o2 == o1)
		return guess;
	st_time g2 = wall - (st_time)o2 * ST_USEC;
	return st_tz_offset_at(tz, g2) == o2 ? g2 : guess;
}
