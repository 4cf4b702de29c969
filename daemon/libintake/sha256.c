/*
 * sha256.c - SHA-256 message digest, written from FIPS 180-4.
 *
 * See sha256.h for the API and ownership rules.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sha256.h"
#include "sha256-x86.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHA256_BLOCK_LEN 64
#define SHA256_READ_CHUNK (64 * 1024)

/* FIPS 180-4 section 4.2.2: first 32 bits of the fractional parts of the
 * cube roots of the first 64 primes. */
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 section 5.3.3: initial hash value H(0). */
static const uint32_t H0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* Section 4.1.2 functions. */
#define CH(x, y, z)  (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x)     (rotr((x), 2) ^ rotr((x), 13) ^ rotr((x), 22))
#define BSIG1(x)     (rotr((x), 6) ^ rotr((x), 11) ^ rotr((x), 25))
#define SSIG0(x)     (rotr((x), 7) ^ rotr((x), 18) ^ ((x) >> 3))
#define SSIG1(x)     (rotr((x), 17) ^ rotr((x), 19) ^ ((x) >> 10))

static inline uint32_t load_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void store_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/*
 * One round, written so the working variables rotate by renaming instead of
 * by copying: round i uses (a..h) shifted by i positions.
 */
#define ROUND(a, b, c, d, e, f, g, h, k, w) do {                        \
		uint32_t t1_ = (h) + BSIG1(e) + CH((e), (f), (g)) + (k) + (w); \
		uint32_t t2_ = BSIG0(a) + MAJ((a), (b), (c));                  \
		(d) += t1_;                                                    \
		(h) = t1_ + t2_;                                               \
	} while (0)

/* Message schedule kept in a rolling 16-word window (W[t] for t >= 16). */
#define SCHED(W, t) \
	((W)[(t) & 15] += SSIG1((W)[((t) - 2) & 15]) + (W)[((t) - 7) & 15] + \
	                  SSIG0((W)[((t) - 15) & 15]))

/* Process nblocks consecutive 64-byte blocks starting at p. */
static void sha256_blocks(uint32_t H[8], const unsigned char *p, size_t nblocks)
{
	uint32_t W[16];

	while (nblocks--) {
		uint32_t a = H[0], b = H[1], c = H[2], d = H[3];
		uint32_t e = H[4], f = H[5], g = H[6], h = H[7];
		unsigned t;

		for (t = 0; t < 16; t++)
			W[t] = load_be32(p + 4 * t);

		for (t = 0; t < 16; t += 8) {
			ROUND(a, b, c, d, e, f, g, h, K[t + 0], W[t + 0]);
			ROUND(h, a, b, c, d, e, f, g, K[t + 1], W[t + 1]);
			ROUND(g, h, a, b, c, d, e, f, K[t + 2], W[t + 2]);
			ROUND(f, g, h, a, b, c, d, e, K[t + 3], W[t + 3]);
			ROUND(e, f, g, h, a, b, c, d, K[t + 4], W[t + 4]);
			ROUND(d, e, f, g, h, a, b, c, K[t + 5], W[t + 5]);
			ROUND(c, d, e, f, g, h, a, b, K[t + 6], W[t + 6]);
			ROUND(b, c, d, e, f, g, h, a, K[t + 7], W[t + 7]);
		}
		for (; t < 64; t += 8) {
			ROUND(a, b, c, d, e, f, g, h, K[t + 0], SCHED(W, t + 0));
			ROUND(h, a, b, c, d, e, f, g, K[t + 1], SCHED(W, t + 1));
			ROUND(g, h, a, b, c, d, e, f, K[t + 2], SCHED(W, t + 2));
			ROUND(f, g, h, a, b, c, d, e, K[t + 3], SCHED(W, t + 3));
			ROUND(e, f, g, h, a, b, c, d, K[t + 4], SCHED(W, t + 4));
			ROUND(d, e, f, g, h, a, b, c, K[t + 5], SCHED(W, t + 5));
			ROUND(c, d, e, f, g, h, a, b, K[t + 6], SCHED(W, t + 6));
			ROUND(b, c, d, e, f, g, h, a, K[t + 7], SCHED(W, t + 7));
		}

		H[0] += a; H[1] += b; H[2] += c; H[3] += d;
		H[4] += e; H[5] += f; H[6] += g; H[7] += h;
		p += SHA256_BLOCK_LEN;
	}
}

/* The SHA extensions when the processor has them: -1 until first asked
 * (two threads asking at once both store the same answer). */
static int use_x86 = -1;

void sha256_portable(int on)
{
	use_x86 = on ? 0 : -1;
}

static void compress(uint32_t H[8], const unsigned char *p, size_t nblocks)
{
	if (use_x86 < 0)
		use_x86 = sha256_x86_available();
	if (use_x86)
		sha256_x86_blocks(H, K, p, nblocks);
	else
		sha256_blocks(H, p, nblocks);
}

void sha256_init(struct sha256 *ctx)
{
	memcpy(ctx->h, H0, sizeof(ctx->h));
	ctx->len = 0;
	ctx->used = 0;
}

void sha256_update(struct sha256 *ctx, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len == 0)
		return;
	ctx->len += (uint64_t)len;

	if (ctx->used) {
		size_t take = SHA256_BLOCK_LEN - ctx->used;

		if (take > len)
			take = len;
		memcpy(ctx->buf + ctx->used, p, take);
		ctx->used += take;
		p += take;
		len -= take;
		if (ctx->used < SHA256_BLOCK_LEN)
			return;
		compress(ctx->h, ctx->buf, 1);
		ctx->used = 0;
	}

	if (len >= SHA256_BLOCK_LEN) {
		size_t n = len / SHA256_BLOCK_LEN;

		compress(ctx->h, p, n);
		p += n * SHA256_BLOCK_LEN;
		len -= n * SHA256_BLOCK_LEN;
	}

	if (len) {
		memcpy(ctx->buf, p, len);
		ctx->used = len;
	}
}

void sha256_final(struct sha256 *ctx, unsigned char out[SHA256_DIGEST_LEN])
{
	uint64_t bits = ctx->len << 3;
	size_t i;

	/* Section 5.1.1: append 1 bit, zero pad to 56 mod 64, then 64-bit length. */
	ctx->buf[ctx->used++] = 0x80;
	if (ctx->used > SHA256_BLOCK_LEN - 8) {
		memset(ctx->buf + ctx->used, 0, SHA256_BLOCK_LEN - ctx->used);
		compress(ctx->h, ctx->buf, 1);
		ctx->used = 0;
	}
	memset(ctx->buf + ctx->used, 0, SHA256_BLOCK_LEN - 8 - ctx->used);
	store_be32(ctx->buf + 56, (uint32_t)(bits >> 32));
	store_be32(ctx->buf + 60, (uint32_t)bits);
	compress(ctx->h, ctx->buf, 1);

	for (i = 0; i < 8; i++)
		store_be32(out + 4 * i, ctx->h[i]);

	memset(ctx, 0, sizeof(*ctx));
}

void sha256_hex(const unsigned char digest[SHA256_DIGEST_LEN], char *out)
{
	static const char hexdig[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < SHA256_DIGEST_LEN; i++) {
		out[2 * i] = hexdig[digest[i] >> 4];
		out[2 * i + 1] = hexdig[digest[i] & 0x0f];
	}
	out[SHA256_HEX_LEN] = '\0';
}

int sha256_fd(int fd, char *hex, uint64_t *size)
{
	struct sha256 ctx;
	unsigned char digest[SHA256_DIGEST_LEN];
	unsigned char *buf;
	uint64_t total = 0;
	int ret = 0;

	if (fd < 0 || hex == NULL)
		return -EINVAL;

	/* Heap, not stack: callers may run on small thread stacks. */
	buf = malloc(SHA256_READ_CHUNK);
	if (buf == NULL)
		return -ENOMEM;

	sha256_init(&ctx);
	for (;;) {
		ssize_t n = read(fd, buf, SHA256_READ_CHUNK);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = errno ? -errno : -EIO;
			break;
		}
		if (n == 0)
			break;
		sha256_update(&ctx, buf, (size_t)n);
		total += (uint64_t)n;
	}
	free(buf);

	if (ret != 0) {
		memset(&ctx, 0, sizeof(ctx));
		return ret;
	}

	sha256_final(&ctx, digest);
	sha256_hex(digest, hex);
	if (size != NULL)
		*size = total;
	return 0;
}

int sha256_file(const char *path, char *hex, uint64_t *size)
{
	int fd, ret, saved;

	if (path == NULL || hex == NULL)
		return -EINVAL;

	do {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;

	ret = sha256_fd(fd, hex, size);

	saved = errno;
	(void)close(fd);
	errno = saved;
	return ret;
}

/* memset through a volatile pointer, so wiping key material that is not
 * read again is not optimised away. */
static void *(*const volatile wipe)(void *, int, size_t) = memset;

void hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
                 uint8_t out[SHA256_DIGEST_LEN])
{
	unsigned char k[SHA256_BLOCK_LEN], pad[SHA256_BLOCK_LEN];
	unsigned char inner[SHA256_DIGEST_LEN];
	struct sha256 ctx;
	size_t i;

	/* RFC 2104 section 2: K padded with zeros to the block length, or
	 * H(K) padded when K is longer than a block. */
	memset(k, 0, sizeof(k));
	if (keylen > SHA256_BLOCK_LEN) {
		sha256_init(&ctx);
		sha256_update(&ctx, key, keylen);
		sha256_final(&ctx, k);
	} else if (keylen > 0)
		memcpy(k, key, keylen);

	/* H(K XOR ipad, text) */
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&ctx);
	sha256_update(&ctx, pad, sizeof(pad));
	sha256_update(&ctx, msg, len);
	sha256_final(&ctx, inner);

	/* H(K XOR opad, inner) */
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&ctx);
	sha256_update(&ctx, pad, sizeof(pad));
	sha256_update(&ctx, inner, sizeof(inner));
	sha256_final(&ctx, out);

	wipe(k, 0, sizeof(k));
	wipe(pad, 0, sizeof(pad));
	wipe(inner, 0, sizeof(inner));
}
