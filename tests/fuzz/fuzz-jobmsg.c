/*
 * fuzz-jobmsg.c - the worker protocol's decoders (libintake/jobmsg.c)
 * and the collector of a job's results (collect.c), below the framing.
 *
 * The bytes are a list of messages, each a type byte, a byte choosing
 * the decoder (its high bit: two descriptors come with it, as with a
 * job), a 16-bit length and the payload.  Each payload is decoded by the
 * decoder chosen, whatever its type, then given to one collector in
 * turn, as the daemon gives it what a worker sends.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "fuzz.h"

static void
decode(struct msg *m, unsigned which)
{
	struct jobmsg_hello h;
	struct jobmsg_job j;
	struct page_row p;
	struct form_reading r;
	struct jobmsg_attachment a;
	struct jobmsg_manifest mf;
	struct jobmsg_done d;
	struct jobmsg_deferred df;
	char *s;

	switch (which % 11) {
	case 0:
		if (jobmsg_hello_get(m, &h) == 0)
			jobmsg_hello_release(&h);
		break;
	case 1:
		if (jobmsg_unpack_get(m, &j) == 0) {
			close(j.in);
			close(j.out);
			jobmsg_job_release(&j);
		}
		break;
	case 2:
		if (jobmsg_text_get(m, &s) == 0)
			free(s);
		break;
	case 3:
		if (jobmsg_page_get(m, "/out", &p) == 0)
			page_row_release(&p);
		break;
	case 4:
		if (jobmsg_page_get(m, NULL, &p) == 0)
			page_row_release(&p);
		break;
	case 5:
		if (jobmsg_ocr_get(m, &p) == 0)
			page_row_release(&p);
		break;
	case 6:
		if (jobmsg_fields_get(m, &r) == 0)
			form_reading_release(&r);
		break;
	case 7:
		if (jobmsg_attachment_get(m, &a) == 0)
			jobmsg_attachment_release(&a);
		break;
	case 8:
		if (jobmsg_manifest_get(m, &mf) == 0)
			jobmsg_manifest_release(&mf);
		break;
	case 9:
		if (jobmsg_done_get(m, &d) == 0)
			jobmsg_done_release(&d);
		break;
	case 10:
		if (jobmsg_deferred_get(m, &df) == 0)
			jobmsg_deferred_release(&df);
		break;
	}
}

/* A message of type with a copy of the payload and, when asked, two
 * descriptors of /dev/null. */
static void
message(struct msg *m, uint16_t type, const uint8_t *p, size_t len, bool fds)
{
	msg_init(m, type);
	m->data = xcalloc(len ? len : 1, 1);
	if (len > 0)
		memcpy(m->data, p, len);
	m->len = m->cap = len;
	if (fds) {
		m->fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		m->fds[1] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (m->fds[0] == -1 || m->fds[1] == -1)
			fatal("cannot open /dev/null");
		m->nfds = 2;
	}
}

static void
message_release(struct msg *m)
{
	int i;

	for (i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
	msg_release(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct job_collect c;
	struct msg m;
	bool ended = false;
	size_t off = 0, len;

	collect_init(&c, (size > 0 && data[0] & 1) ? "/out" : NULL);
	while (size - off >= 4) {
		uint16_t type = data[off];
		unsigned which = data[off + 1];

		len = (size_t)data[off + 2] << 8 | data[off + 3];
		off += 4;
		if (len > size - off)
			len = size - off;
		message(&m, type, data + off, len, which & 0x80);
		decode(&m, which & 0x7f);
		message_release(&m);

		if (!ended) {
			message(&m, type, data + off, len, which & 0x80);
			ended = collect_feed(&c, &m) != COLLECT_MORE;
			message_release(&m);
		}
		off += len;
	}
	collect_release(&c);
	return 0;
}
