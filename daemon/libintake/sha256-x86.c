/*
 * sha256-x86.c - SHA-256 blocks with the x86 SHA extensions: SHA256RNDS2
 * does two rounds, SHA256MSG1 and SHA256MSG2 extend the message schedule
 * four words at a time.  Hashing every delivery is the daemon's largest
 * own cost; this is several times faster than the portable code.  Chosen
 * at run time (CPUID), so one build runs on every x86-64.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sha256-x86.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

int
sha256_x86_available(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) ||
	    !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b & bit_SHA) != 0;
}

/* The instructions keep the state as ABEF and CDGH, each with its first
 * word in the highest lane. */
__attribute__((target("sha,ssse3,sse4.1")))
void
sha256_x86_blocks(uint32_t H[8], const uint32_t K[64], const unsigned char *p,
    size_t nblocks)
{
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
	    0x0405060700010203ULL);	/* big-endian words */
	__m128i abef, cdgh, t;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&H[0]), 0xb1);
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&H[4]),
	    0x1b);
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);

	for (; nblocks > 0; nblocks--, p += 64) {
		__m128i w[4], msg, abef0 = abef, cdgh0 = cdgh;
		int i;

		for (i = 0; i < 4; i++)
			w[i] = _mm_shuffle_epi8(_mm_loadu_si128(
			    (const __m128i *)(p + 16 * i)), swap);
		for (i = 0; i < 16; i++) {
			/* w[i & 3] holds words 4(i-4) .. 4(i-4)+3 until it
			 * is replaced by the next four of the schedule. */
			if (i >= 4) {
				__m128i x = _mm_sha256msg1_epu32(w[i & 3],
				    w[(i + 1) & 3]);

				x = _mm_add_epi32(x, _mm_alignr_epi8(
				    w[(i + 3) & 3], w[(i + 2) & 3], 4));
				w[i & 3] = _mm_sha256msg2_epu32(x,
				    w[(i + 3) & 3]);
			}
			msg = _mm_add_epi32(w[i & 3],
			    _mm_loadu_si128((const __m128i *)&K[4 * i]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
			abef = _mm_sha256rnds2_epu32(abef, cdgh,
			    _mm_shuffle_epi32(msg, 0x0e));
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}

	t = _mm_shuffle_epi32(abef, 0x1b);		/* A B E F */
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);		/* G H C D */
	_mm_storeu_si128((__m128i *)&H[0], _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)&H[4], _mm_alignr_epi8(cdgh, t, 8));
}

#else

int
sha256_x86_available(void)
{
	return 0;
}

void
sha256_x86_blocks(uint32_t H[8], const uint32_t K[64], const unsigned char *p,
    size_t nblocks)
{
	(void)H;
	(void)K;
	(void)p;
	(void)nblocks;
}

#endif
