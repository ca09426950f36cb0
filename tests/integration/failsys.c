// SPDX-License-Identifier: MIT
/*
 * LD_PRELOAD shim for the lab: FAILSYS=NAME makes that one call fail (getrandom
 * with ENOSYS, epoll_create1 and eventfd with EMFILE), so a test can check that
 * ringping says what failed instead of exiting without a word.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/types.h>

static int failsys(const char *name)
{
	const char *f = getenv("FAILSYS");

	return f && !strcmp(f, name);
}

ssize_t getrandom(void *buf, size_t len, unsigned flags)
{
	ssize_t (*real)(void *, size_t, unsigned) = (ssize_t (*)(void *, size_t, unsigned))dlsym(RTLD_NEXT, "getrandom");

	if (failsys("getrandom"))
		return errno = ENOSYS, -1;
	return real(buf, len, flags);
}

int epoll_create1(int flags)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "epoll_create1");

	if (failsys("epoll_create1"))
		return errno = EMFILE, -1;
	return real(flags);
}

int eventfd(unsigned initval, int flags)
{
	int (*real)(unsigned, int) = (int (*)(unsigned, int))dlsym(RTLD_NEXT, "eventfd");

	if (failsys("eventfd"))
		return errno = EMFILE, -1;
	return real(initval, flags);
}
