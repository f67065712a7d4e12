// SPDX-License-Identifier: MIT
/*
 * Whole input files for the readers (machine files, boot logs), after the
 * kernel's kernel_read_file(): refuse what is not a file, read to the end
 * whatever can be read (a pipe, /proc/self/fd/N), and cap the size.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static int read_fail(char *err, size_t err_len, int rc, const char *path, const char *why)
{
	if (err && err_len)
		snprintf(err, err_len, "%s: %s", path, why ? why : strerror(-rc));
	return rc;
}

int pmm__read_file(const char *path, size_t max_bytes, char **text, size_t *len, char *err,
		   size_t err_len)
{
	size_t cap = 64 * 1024, n = 0;
	char *buf = NULL, why[128];
	struct stat st;
	int fd, rc = 0;

	*text = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return read_fail(err, err_len, -errno, path, NULL);
	if (fstat(fd, &st)) {
		rc = read_fail(err, err_len, -errno, path, NULL);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = read_fail(err, err_len, -EISDIR, path, "is a directory, not a file");
		goto out;
	}
	if (S_ISREG(st.st_mode)) {
		if ((unsigned long long)st.st_size > max_bytes)
			goto too_big;
		cap = (size_t)st.st_size + 1;	/* one read to the end, and one to see EOF */
	}
	for (;;) {
		ssize_t got;

		if (n + 1 >= cap || !buf) {
			char *nb;

			if (buf)
				cap *= 2;
			nb = pmm__realloc(buf, cap);
			if (!nb) {
				rc = read_fail(err, err_len, -ENOMEM, path, NULL);
				goto out;
			}
			buf = nb;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = read_fail(err, err_len, -errno, path, NULL);
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max_bytes)
			goto too_big;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	buf = NULL;
	goto out;
too_big:
	snprintf(why, sizeof(why), "larger than %zu MiB: not a machine file or boot log",
		 max_bytes >> 20);
	rc = read_fail(err, err_len, -EFBIG, path, why);
out:
	free(buf);
	close(fd);
	return rc;
}

int pmm__desc_from_file(const char *path, pmm__desc_reader reader, struct pmm_machine_desc **out,
			char *err, size_t err_len)
{
	size_t len;
	char *text;
	int rc;

	*out = NULL;
	rc = pmm__read_file(path, PMM__MAX_INPUT_BYTES, &text, &len, err, err_len);
	if (rc)
		return rc;
	rc = reader(text, len, path, out, err, err_len);
	free(text);
	return rc;
}
