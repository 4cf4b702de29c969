/*
 * sha256-x86.h - SHA-256's compression function on the SHA extensions of
 * x86 processors (sha256.c's fast path; nothing else calls it).
 *
 * Ownership: the caller owns every buffer; nothing is kept between calls.
 */
#ifndef INTAKE_SHA256_X86_H
#define INTAKE_SHA256_X86_H

#include <stddef.h>
#include <stdint.h>

/* 1 when this processor has the SHA extensions (and SSSE3, SSE4.1), else
 * 0; always 0 on other processors and compilers. */
int	sha256_x86_available(void);
/* Compresses nblocks 64-byte blocks at p into H with the round constants
 * K; only to be called when sha256_x86_available() said 1. */
void	sha256_x86_blocks(uint32_t H[8], const uint32_t K[64],
	    const unsigned char *p, size_t nblocks);

#endif
