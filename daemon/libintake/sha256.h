/*
 * sha256.h - SHA-256 message digest (FIPS 180-4) for intake.
 *
 * Ownership: the caller owns every buffer and structure passed to these
 * functions.  No pointer is retained after a call returns.  The only
 * internal allocation is sha256_fd()'s temporary 64 KiB read buffer, which
 * is freed before it returns.  A struct sha256 may live anywhere (stack, static,
 * embedded in another struct); it holds no external resources, so there is
 * no destructor.  sha256_fd() does not close the descriptor it is given;
 * sha256_file() closes the descriptor it opens itself before returning.
 * hmac_sha256() copies what it needs of the key and forgets it.
 *
 * The functions are reentrant; a single struct sha256 must not be used
 * from several threads at once without external locking.
 */
#ifndef INTAKE_SHA256_H
#define INTAKE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64

/* Incremental hashing state.  Treat the members as private. */
struct sha256 {
	uint32_t h[8];          /* intermediate hash value H(i) */
	uint64_t len;           /* total message length in bytes so far */
	unsigned char buf[64];  /* partial block awaiting compression */
	size_t used;            /* bytes currently held in buf (0..63) */
};

/* With on, the portable code even where the processor's SHA extensions
 * would be used (for the tests, which check both); off, the default. */
void sha256_portable(int on);

/* Start a new digest in caller-owned *ctx. */
void sha256_init(struct sha256 *ctx);

/* Feed len bytes from data (caller-owned, may be NULL when len == 0). */
void sha256_update(struct sha256 *ctx, const void *data, size_t len);

/*
 * Finish the digest and write 32 bytes to caller-owned out.  The context is
 * wiped afterwards; call sha256_init() again before reusing it.
 */
void sha256_final(struct sha256 *ctx, unsigned char out[SHA256_DIGEST_LEN]);

/*
 * Format digest as lower-case hex.  out is caller-owned and must hold
 * SHA256_HEX_LEN + 1 bytes; it is NUL-terminated.
 */
void sha256_hex(const unsigned char digest[SHA256_DIGEST_LEN], char *out);

/*
 * Hash a whole file by descriptor, reading from its current offset to EOF
 * with read(2) (retrying EINTR) in 64 KiB chunks.  The descriptor stays
 * owned (and open) by the caller; its offset is left at EOF on success.
 * Returns 0 or -errno (-ENOMEM if the temporary read buffer cannot be
 * allocated, -EINVAL for fd < 0 or hex == NULL).  On success fills hex (caller-owned, SHA256_HEX_LEN+1
 * bytes) and *size (bytes read) when size is not NULL.  On failure hex and
 * *size are left untouched.
 */
int sha256_fd(int fd, char *hex, uint64_t *size);

/*
 * Same as sha256_fd(), opening path with O_RDONLY|O_CLOEXEC|O_NOFOLLOW.
 * A symbolic link in the final component is refused (-ELOOP).  The
 * descriptor is closed before returning.
 */
int sha256_file(const char *path, char *hex, uint64_t *size);

/*
 * HMAC-SHA256 (RFC 2104) of len bytes at msg under keylen bytes of key,
 * written as 32 bytes to caller-owned out.  A key longer than the 64-byte
 * block is hashed first, as the RFC says.  key and msg may be NULL when
 * their length is 0.  The key material copied to the stack is wiped
 * before returning.
 */
void hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
                 uint8_t out[SHA256_DIGEST_LEN]);

#endif /* INTAKE_SHA256_H */
