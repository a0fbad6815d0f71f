/*
 * fuzz_tftp_pkt.c: libFuzzer entry for the TFTP request parser.
 *
 * Arbitrary bytes go through tftp_pkt_rrq_parse(); the options it accepted
 * go into tftp_pkt_oack_build(), whose packet must hold exactly those
 * options with their values.  The ACK and ERROR parsers get the same
 * bytes.  Any difference aborts.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tftp_pkt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_tftp_pkt: %s\n", what);
	abort();
}

/* Walk an OACK and check each option against what was accepted. */
static void
check_oack(const uint8_t *b, size_t len, const struct tftp_opts *o)
{
	const struct tftp_optreq	*want[4] = { &o->blksize, &o->tsize,
					    &o->timeout, &o->windowsize };
	static const char		*names[4] = { "blksize", "tsize",
					    "timeout", "windowsize" };
	unsigned			 seen = 0, i;
	size_t				 off = 2;

	if (len < 2 || b[0] != 0 || b[1] != TFTP_OACK)
		fail("oack: bad opcode");
	while (off < len) {
		const char		*name = (const char *)b + off, *val;
		const uint8_t		*z;
		unsigned long long	 v;
		char			*endp;

		if ((z = memchr(b + off, '\0', len - off)) == NULL)
			fail("oack: name without NUL");
		off = (size_t)(z - b) + 1;
		if (off >= len || (z = memchr(b + off, '\0', len - off)) ==
		    NULL)
			fail("oack: value without NUL");
		val = (const char *)b + off;
		off = (size_t)(z - b) + 1;
		for (i = 0; i < 4; i++)
			if (strcmp(name, names[i]) == 0)
				break;
		if (i == 4 || (seen & (1U << i)) || !want[i]->set)
			fail("oack: an option not accepted, or twice");
		seen |= 1U << i;
		v = strtoull(val, &endp, 10);
		if (*endp != '\0' || v != want[i]->val)
			fail("oack: a value differs");
	}
	for (i = 0; i < 4; i++)
		if (want[i]->set && !(seen & (1U << i)))
			fail("oack: an accepted option is missing");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tftp_rrq		 rrq;
	struct tftp_opts	 o;
	uint8_t			 buf[512], *copy;
	char			 msg[64];
	uint16_t		 v16;
	size_t			 len;

	/* An exact-size copy: ASan sees any read past the datagram. */
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	(void)tftp_pkt_ack_parse(copy, size, &v16);
	(void)tftp_pkt_error_parse(copy, size, &v16, msg, sizeof(msg));
	if (tftp_pkt_rrq_parse(copy, size, &rrq) == TFTP_POK) {
		if (rrq.file == NULL || rrq.file[0] == '\0' ||
		    (const uint8_t *)rrq.file < copy + 2 ||
		    memchr(rrq.file, '\0', size - (size_t)((const uint8_t *)
		    rrq.file - copy)) == NULL)
			fail("rrq: file name not inside the packet");
		if ((rrq.blksize.set && (rrq.blksize.val < TFTP_BLKSIZE_MIN ||
		    rrq.blksize.val > TFTP_BLKSIZE_MAX)) ||
		    (rrq.timeout.set && (rrq.timeout.val < 1 ||
		    rrq.timeout.val > 255)) ||
		    (rrq.windowsize.set && (rrq.windowsize.val < 1 ||
		    rrq.windowsize.val > TFTP_WINDOW_MAX)))
			fail("rrq: an option out of range");
		memset(&o, 0, sizeof(o));
		o.blksize = rrq.blksize;
		o.tsize = rrq.tsize;
		o.timeout = rrq.timeout;
		o.windowsize = rrq.windowsize;
		if ((len = tftp_pkt_oack_build(buf, sizeof(buf), &o)) == 0)
			fail("oack: does not fit in 512 bytes");
		check_oack(buf, len, &o);
		/* Too small a buffer: 0, never an overflow. */
		if (len > 2 && tftp_pkt_oack_build(buf, len - 1, &o) != 0)
			fail("oack: built into too small a buffer");
	}
	free(copy);
	return 0;
}
