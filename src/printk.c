// SPDX-License-Identifier: MIT
/* The machine's log: a dmesg-like buffer plus the user's log hook (printk). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void pmm__printk(struct pmm_machine *m, int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	size_t len;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	len = strlen(line);
	if (len && line[len - 1] == '\n')
		line[--len] = '\0';

	if (level <= PMM_LOG_INFO) {
		pthread_mutex_lock(&m->log_lock);
		if (m->log_len + len + 2 > m->log_cap) {
			size_t cap = PMM__MAX(m->log_cap * 2, m->log_len + len + 4096);
			char *p = pmm__realloc_nofault(m->log, cap);

			if (p) {
				m->log = p;
				m->log_cap = cap;
			}
		}
		if (m->log_len + len + 2 <= m->log_cap) {
			memcpy(m->log + m->log_len, line, len);
			m->log_len += len;
			m->log[m->log_len++] = '\n';
			m->log[m->log_len] = '\0';
		}
		pthread_mutex_unlock(&m->log_lock);
	}
	if (m->log_fn)
		m->log_fn(m->log_arg, level, line);
}

const char *pmm_boot_log(const struct pmm_machine *m)
{
	return m->log ? m->log : "";
}
