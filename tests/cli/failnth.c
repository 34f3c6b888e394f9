// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * failnth.so - an LD_PRELOAD library that fails exactly the Nth allocation a
 * program makes after main() starts, as the kernel's iommufd_fail_nth selftest
 * fails the Nth call: run once to count, then once for every N.
 *
 * Environment:
 *   IOT_FAIL_NTH=N          fail the Nth call (1-based); 0 or unset fails none
 *   IOT_FAIL_NTH_COUNT=FILE at exit, write "CALLS HIT" there: the calls counted
 *                           and 1 if the Nth call was reached (and failed), else 0
 *   IOT_FAIL_NTH_TRACE=1    print a backtrace of the failed call on stderr
 *
 * Counted: malloc, calloc, realloc, reallocarray, strdup, strndup, asprintf,
 * vasprintf, posix_memalign, aligned_alloc, memalign, from the program, its
 * libraries (libsmartcols, popt, libpci) and glibc itself (fopen, opendir,
 * getline, stdio buffers call malloc through the interposable symbol). A call
 * made inside one of these wrappers is not counted again (vasprintf's own
 * malloc). Only calls after main() starts count: the dynamic loader and the
 * libraries' constructors are not the program's to handle.
 */
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* glibc's own allocator entry points: no dlsym (which allocates) needed */
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *__libc_memalign(size_t align, size_t size);

static unsigned long fail_at;
static unsigned long calls;
static bool hit;
static bool armed;
static bool trace;
static __thread int depth;

/* true when this call is the one to fail; counts it either way */
static bool should_fail(void)
{
	if (!armed || depth)
		return false;
	calls++;
	if (calls != fail_at)
		return false;
	hit = true;
	if (trace) {
		void *frames[32];
		int n;

		depth++;
		n = backtrace(frames, 32);
		dprintf(2, "failnth: failing call %lu\n", calls);
		backtrace_symbols_fd(frames, n, 2);
		depth--;
	}
	errno = ENOMEM;
	return true;
}

void *malloc(size_t size)
{
	if (should_fail())
		return NULL;
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	if (should_fail())
		return NULL;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (should_fail())
		return NULL;
	return __libc_realloc(p, size);
}

void *reallocarray(void *p, size_t n, size_t size)
{
	if (should_fail())
		return NULL;
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n * size);
}

char *strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *p;

	if (should_fail())
		return NULL;
	p = __libc_malloc(len);
	return p ? memcpy(p, s, len) : NULL;
}

char *strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p;

	if (should_fail())
		return NULL;
	p = __libc_malloc(len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int vasprintf(char **out, const char *fmt, va_list ap)
{
	static int (*real)(char **, const char *, va_list);
	int n;

	if (should_fail())
		return -1;
	depth++;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "vasprintf");
	n = real(out, fmt, ap);
	depth--;
	return n;
}

int asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(out, fmt, ap);
	va_end(ap);
	return n;
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (should_fail())
		return ENOMEM;
	if (!align || (align & (align - 1)) || align % sizeof(void *))
		return EINVAL;
	p = __libc_memalign(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *aligned_alloc(size_t align, size_t size)
{
	if (should_fail())
		return NULL;
	return __libc_memalign(align, size);
}

void *memalign(size_t align, size_t size)
{
	if (should_fail())
		return NULL;
	return __libc_memalign(align, size);
}

/* after every exit() and atexit handler of the program's: the whole run is counted */
__attribute__((destructor)) static void report(void)
{
	const char *file = getenv("IOT_FAIL_NTH_COUNT");
	char buf[64];
	int fd, len;

	armed = false;
	if (!file || !*file)
		return;
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	len = snprintf(buf, sizeof(buf), "%lu %d\n", calls, hit ? 1 : 0);
	if (write(fd, buf, (size_t)len) != len)
		dprintf(2, "failnth: cannot write %s\n", file);
	close(fd);
}

/* Arm the counter as main() starts, by wrapping main through __libc_start_main. */
typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;

static int wrapped_main(int argc, char **argv, char **envp)
{
	const char *n = getenv("IOT_FAIL_NTH");
	const char *t = getenv("IOT_FAIL_NTH_TRACE");

	fail_at = n ? strtoul(n, NULL, 10) : 0;
	trace = t && *t == '1';
	armed = true;
	return real_main(argc, argv, envp);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end);

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
	int (*real)(main_fn, int, char **, void (*)(void), void (*)(void), void (*)(void),
		    void *);

	*(void **)&real = dlsym(RTLD_NEXT, "__libc_start_main");
	real_main = main;
	return real(wrapped_main, argc, argv, init, fini, rtld_fini, stack_end);
}
