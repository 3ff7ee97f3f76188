/*
 * procstat.c — the test of the exercise "Count the forks" (course
 * overlay book/courses/example): /proc/stat's "processes" line is the
 * number of tasks ever made (Linux's total_forks), so five forks must
 * raise it by at least five.  Built against forklore's nolibc with the
 * flags of tools/userbuild.mk; prints TAP; runs as /init on forklore
 * and, built the same way, on the host's Linux.
 */
#include "nolibc.h"

static char text[8192];

/* processes(): the value of the "processes" line, or a negative errno */
static long processes(unsigned long *count)
{
	long fd = open("/proc/stat", O_RDONLY, 0), n, len = 0;
	const char *p;

	if (fd < 0)
		return fd;
	while ((n = read(fd, text + len, sizeof(text) - 1 - len)) > 0)
		len += n;
	close(fd);
	if (n < 0)
		return n;
	text[len] = '\0';
	for (p = text; *p; p++) {
		if ((p == text || p[-1] == '\n') &&
		    strncmp(p, "processes ", 10) == 0) {
			unsigned long v = 0;

			for (p += 10; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (unsigned long)(*p - '0');
			*count = v;
			return 0;
		}
	}
	return -ENOENT;
}

int main(void)
{
	unsigned long before = 0, after = 0;
	long err;
	int forked = 0;

	tap_plan(4);
	err = processes(&before);
	tap_is(err, 0, "/proc/stat opens and has a processes line");
	tap_ok(err == 0 && before >= 1, "processes counts at least this process");
	for (int i = 0; i < 5; i++) {
		long pid = fork();
		int status;

		if (pid == 0)
			exit(0);
		if (pid > 0 && waitpid(pid, &status, 0) == pid)
			forked++;
	}
	tap_is(forked, 5, "five children forked and reaped");
	err = processes(&after);
	printf("# processes: %lu before, %lu after\n", before, after);
	tap_ok(err == 0 && after >= before + 5,
	       "five forks raise processes by at least five");
	return tap_done();
}
