/*
 * mapguard.c: the SIGBUS guard for file mappings (see mapguard.h).
 *
 * The registry is a plain array changed only on the loop thread, and a
 * SIGBUS from a mapping is raised synchronously on the thread touching it
 * (also the loop thread, never inside these functions), so the handler
 * never sees the array half-changed. Freed slots are reused.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mapguard.h"
#include "strata/util.h"

struct range {
	const char *start, *end;
};

static struct range *ranges;
static size_t nranges, capranges;
static volatile sig_atomic_t hits;

static void
on_sigbus(int sig, siginfo_t *si, void *uctx)
{
	(void)uctx;
	const char *a = si->si_addr;
	for (size_t i = 0; i < nranges; i++) {
		if (a >= ranges[i].start && a < ranges[i].end) {
			uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
			void *page = (void *)((uintptr_t)a & ~(pg - 1));
			if (mmap(page, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
			    MAP_FAILED) {
				hits++;
				return;
			}
			break;
		}
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void
st_mapguard_add(const char *p, size_t n)
{
	static bool installed;
	if (!installed) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, NULL);
		installed = true;
	}
	for (size_t i = 0; i < nranges; i++) {
		if (ranges[i].start == NULL) {
			ranges[i].end = p + n;
			ranges[i].start = p;
			return;
		}
	}
	if (nranges == capranges) {
		size_t cap = capranges ? capranges * 2 : 16;
		/* grow into a new array, then switch: the handler only ever sees
		 * a complete one */
		struct range *nr = st_xreallocarray(NULL, cap, sizeof(*nr));
		if (nranges)
			memcpy(nr, ranges, nranges * sizeof(*nr));
		struct range *old = ranges;
		ranges = nr;
		capranges = cap;
		free(old);
	}
	ranges[nranges].start = p;
	ranges[nranges].end = p + n;
	nranges++;
}

void
st_mapguard_remove(const char *p)
{
	for (size_t i = 0; i < nranges; i++)
		if (ranges[i].start == p)
			ranges[i].start = ranges[i].end = NULL;
}

unsigned long
st_mapguard_hits(void)
{
	return (unsigned long)hits;
}
