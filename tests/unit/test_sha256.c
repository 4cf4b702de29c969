/*
 * test_sha256.c - unit tests for daemon/libintake/sha256.c (Check framework).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"
#include "sha256-x86.h"

/* ---- helpers ------------------------------------------------------------ */

static const char *tmp_dir(void)
{
	const char *d = getenv("TMPDIR");

	return (d != NULL && d[0] != '\0') ? d : "/tmp";
}

static void hash_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256 ctx;
	unsigned char digest[SHA256_DIGEST_LEN];

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, digest);
	sha256_hex(digest, hex);
}

/* snprintf into a PATH_MAX buffer, failing the test on truncation. */
static void path_fmt(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	ck_assert_msg(n > 0 && n < PATH_MAX, "path too long: %s/%s", dir, name);
}

/* Fill buf with a deterministic, non-repeating-looking byte pattern. */
static void fill_pattern(unsigned char *buf, size_t len)
{
	uint32_t x = 0x12345678u;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
}

/* Create a temp file holding data; path (PATH_MAX bytes) receives its name. */
static void make_tmp_file(char *path, const void *data, size_t len)
{
	const unsigned char *p = data;
	int fd;

	path_fmt(path, tmp_dir(), "test_sha256.XXXXXX");
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp(%s): %s", path, strerror(errno));
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_msg(n > 0, "write: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	ck_assert_int_eq(close(fd), 0);
}

/* ---- FIPS 180-4 / NIST vectors ------------------------------------------ */

#define MSG448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define MSG896 "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn" \
               "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"

START_TEST(test_vector_empty)
{
	char hex[SHA256_HEX_LEN + 1];

	hash_hex("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	                      "27ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(test_vector_abc)
{
	char hex[SHA256_HEX_LEN + 1];

	hash_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
	                      "b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(test_vector_448)
{
	char hex[SHA256_HEX_LEN + 1];

	ck_assert_uint_eq(strlen(MSG448) * 8, 448);
	hash_hex(MSG448, strlen(MSG448), hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039"
	                      "a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(test_vector_896)
{
	char hex[SHA256_HEX_LEN + 1];

	ck_assert_uint_eq(strlen(MSG896) * 8, 896);
	hash_hex(MSG896, strlen(MSG896), hex);
	ck_assert_str_eq(hex, "cf5b16a778af8380036ce59e7b049237"
	                      "0b249b11e8f07a51afac45037afee9d1");
}
END_TEST

START_TEST(test_vector_million_a)
{
	static const char expect[] = "cdc76e5c9914fb9281a1c7e284d73e67"
	                             "f1809a48a497200e046d39ccc7112cd0";
	char hex[SHA256_HEX_LEN + 1];
	unsigned char digest[SHA256_DIGEST_LEN];
	struct sha256 ctx;
	char *buf;
	int i;

	/* One update of the whole message. */
	buf = malloc(1000000);
	ck_assert_ptr_nonnull(buf);
	memset(buf, 'a', 1000000);
	hash_hex(buf, 1000000, hex);
	free(buf);
	ck_assert_str_eq(hex, expect);

	/* And as 1000 updates of 1000 bytes (not a multiple of 64). */
	char kilo[1000];

	memset(kilo, 'a', sizeof(kilo));
	sha256_init(&ctx);
	for (i = 0; i < 1000; i++)
		sha256_update(&ctx, kilo, sizeof(kilo));
	sha256_final(&ctx, digest);
	sha256_hex(digest, hex);
	ck_assert_str_eq(hex, expect);
}
END_TEST

/* Padding boundaries: 'a' * n around 55/56/64-byte edges. */
static const struct {
	size_t n;
	const char *hex;
} pad_vectors[] = {
	{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
	{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
	{ 57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6" },
	{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
	{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
	{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
	{ 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
	{ 128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e" },
};

START_TEST(test_padding_boundaries)
{
	char msg[128];
	char hex[SHA256_HEX_LEN + 1];
	size_t i;

	memset(msg, 'a', sizeof(msg));
	for (i = 0; i < sizeof(pad_vectors) / sizeof(pad_vectors[0]); i++) {
		hash_hex(msg, pad_vectors[i].n, hex);
		ck_assert_msg(strcmp(hex, pad_vectors[i].hex) == 0,
		              "length %zu: got %s, want %s",
		              pad_vectors[i].n, hex, pad_vectors[i].hex);
	}
}
END_TEST

/* ---- incremental updates ------------------------------------------------ */

static const size_t chunk_sizes[] = { 1, 3, 63, 64, 65 };
#define N_CHUNK_SIZES ((int)(sizeof(chunk_sizes) / sizeof(chunk_sizes[0])))

/* Looped over chunk_sizes via tcase_add_loop_test. */
START_TEST(test_incremental_chunks)
{
	const size_t chunk = chunk_sizes[_i];
	static const size_t lengths[] = { 0, 1, 55, 56, 64, 127, 1000, 4133 };
	unsigned char data[4133];
	size_t li;

	fill_pattern(data, sizeof(data));
	for (li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++) {
		const size_t len = lengths[li];
		char one[SHA256_HEX_LEN + 1], inc[SHA256_HEX_LEN + 1];
		unsigned char digest[SHA256_DIGEST_LEN];
		struct sha256 ctx;
		size_t off;

		hash_hex(data, len, one);

		sha256_init(&ctx);
		for (off = 0; off < len; off += chunk) {
			size_t n = len - off < chunk ? len - off : chunk;

			sha256_update(&ctx, data + off, n);
		}
		sha256_final(&ctx, digest);
		sha256_hex(digest, inc);
		ck_assert_msg(strcmp(one, inc) == 0,
		              "chunk %zu, length %zu: %s != %s",
		              chunk, len, inc, one);
	}

	/* Known vector fed in the same chunk size. */
	{
		const char *m = MSG896;
		size_t len = strlen(m), off;
		unsigned char digest[SHA256_DIGEST_LEN];
		char hex[SHA256_HEX_LEN + 1];
		struct sha256 ctx;

		sha256_init(&ctx);
		for (off = 0; off < len; off += chunk)
			sha256_update(&ctx, m + off,
			              len - off < chunk ? len - off : chunk);
		sha256_final(&ctx, digest);
		sha256_hex(digest, hex);
		ck_assert_str_eq(hex, "cf5b16a778af8380036ce59e7b049237"
		                      "0b249b11e8f07a51afac45037afee9d1");
	}
}
END_TEST

START_TEST(test_hex_format)
{
	unsigned char digest[SHA256_DIGEST_LEN];
	char hex[SHA256_HEX_LEN + 2];
	size_t i;

	for (i = 0; i < SHA256_DIGEST_LEN; i++)
		digest[i] = (unsigned char)(i * 8 + 7);
	memset(hex, 'X', sizeof(hex));
	sha256_hex(digest, hex);
	ck_assert_uint_eq(strlen(hex), SHA256_HEX_LEN);
	ck_assert_int_eq(hex[SHA256_HEX_LEN + 1], 'X');
	ck_assert_str_eq(hex, "070f171f272f373f474f575f676f777f"
	                      "878f979fa7afb7bfc7cfd7dfe7eff7ff");
}
END_TEST

/* ---- HMAC-SHA256 (RFC 4231) -------------------------------------------- */

#define RFC4231_BIGKEY_LEN 131

static const char rfc4231_msg6[] =
    "Test Using Larger Than Block-Size Key - Hash Key First";
static const char rfc4231_msg7[] =
    "This is a test using a larger than block-size key and a larger than "
    "block-size data. The key needs to be hashed before being used by the "
    "HMAC algorithm.";

/* The RFC's test cases 1, 2, 3, 4, 6 and 7 (5 is a truncated output). */
static const struct {
	int number;
	const char *hex;
} rfc4231[] = {
	{ 1, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ 2, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ 3, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ 4, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ 6, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ 7, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};
#define N_RFC4231 ((int)(sizeof(rfc4231) / sizeof(rfc4231[0])))

static void hmac_hex(const void *key, size_t keylen, const void *msg,
                     size_t len, char hex[SHA256_HEX_LEN + 1])
{
	uint8_t mac[SHA256_DIGEST_LEN];

	hmac_sha256(key, keylen, msg, len, mac);
	sha256_hex(mac, hex);
}

/* Looped over rfc4231 via tcase_add_loop_test. */
START_TEST(test_hmac_rfc4231)
{
	unsigned char key[RFC4231_BIGKEY_LEN], msg[50];
	const void *m;
	char hex[SHA256_HEX_LEN + 1];
	size_t keylen, len, i;

	switch (rfc4231[_i].number) {
	case 1:
		keylen = 20;
		memset(key, 0x0b, keylen);
		m = "Hi There";
		len = 8;
		break;
	case 2:
		keylen = 4;
		memcpy(key, "Jefe", keylen);
		m = "what do ya want for nothing?";
		len = 28;
		break;
	case 3:
		keylen = 20;
		memset(key, 0xaa, keylen);
		memset(msg, 0xdd, sizeof(msg));
		m = msg;
		len = sizeof(msg);
		break;
	case 4:
		keylen = 25;
		for (i = 0; i < keylen; i++)
			key[i] = (unsigned char)(i + 1);
		memset(msg, 0xcd, sizeof(msg));
		m = msg;
		len = sizeof(msg);
		break;
	case 6:
		keylen = RFC4231_BIGKEY_LEN;
		memset(key, 0xaa, keylen);
		m = rfc4231_msg6;
		len = strlen(rfc4231_msg6);
		break;
	default:
		keylen = RFC4231_BIGKEY_LEN;
		memset(key, 0xaa, keylen);
		m = rfc4231_msg7;
		len = strlen(rfc4231_msg7);
		break;
	}
	hmac_hex(key, keylen, m, len, hex);
	ck_assert_msg(strcmp(hex, rfc4231[_i].hex) == 0,
	              "test case %d: got %s, want %s",
	              rfc4231[_i].number, hex, rfc4231[_i].hex);
}
END_TEST

/* Keys at the block edge: 64 bytes are used as they are, 65 are hashed
 * first; and the empty key and message.  Values from Python's hmac. */
START_TEST(test_hmac_key_edges)
{
	unsigned char key[65];
	char hex[SHA256_HEX_LEN + 1];

	memset(key, 'k', sizeof(key));
	hmac_hex(key, 64, "abc", 3, hex);
	ck_assert_str_eq(hex, "ae0c0e4a2340cf50185eb46aaa8723f4"
	                      "769153661612e212fb0d1fa3170c6202");
	hmac_hex(key, 65, "abc", 3, hex);
	ck_assert_str_eq(hex, "ed378e5dfa30dc98814ba09b2e610d9b"
	                      "6af66054922ceef9480da094a3f11b2d");
	hmac_hex(NULL, 0, NULL, 0, hex);
	ck_assert_str_eq(hex, "b613679a0814d9ec772f95d778c35fc5"
	                      "ff1697c493715653c6c712144292c5ad");
}
END_TEST

/* ---- files -------------------------------------------------------------- */

START_TEST(test_file_abc)
{
	char path[PATH_MAX];
	char hex[SHA256_HEX_LEN + 1];
	uint64_t size = 12345;
	int rc;

	make_tmp_file(path, "abc", 3);
	rc = sha256_file(path, hex, &size);
	unlink(path);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(size, 3);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
	                      "b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(test_file_empty)
{
	char path[PATH_MAX];
	char hex[SHA256_HEX_LEN + 1];
	uint64_t size = 12345;
	int rc;

	make_tmp_file(path, "", 0);
	rc = sha256_file(path, hex, &size);
	unlink(path);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(size, 0);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	                      "27ae41e4649b934ca495991b7852b855");
}
END_TEST

/* Larger than several 64 KiB read chunks, not a multiple of 64. */
START_TEST(test_file_large)
{
	const size_t len = 3 * 65536 + 4097;
	unsigned char *data;
	char path[PATH_MAX];
	char want[SHA256_HEX_LEN + 1], got[SHA256_HEX_LEN + 1];
	uint64_t size = 0;
	int rc;

	data = malloc(len);
	ck_assert_ptr_nonnull(data);
	fill_pattern(data, len);
	hash_hex(data, len, want);
	make_tmp_file(path, data, len);
	free(data);

	rc = sha256_file(path, got, &size);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(size, len);
	ck_assert_str_eq(got, want);

	/* size may be NULL */
	rc = sha256_file(path, got, NULL);
	unlink(path);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(got, want);
}
END_TEST

/* sha256_fd hashes from the current offset and leaves fd open. */
START_TEST(test_fd_offset)
{
	static const char content[] = "xxabc";
	char path[PATH_MAX];
	char hex[SHA256_HEX_LEN + 1];
	uint64_t size = 0;
	int fd, rc;

	make_tmp_file(path, content, strlen(content));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq((int)lseek(fd, 2, SEEK_SET), 2);
	rc = sha256_fd(fd, hex, &size);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(size, 3);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
	                      "b00361a396177a9cb410ff61f20015ad");
	/* still open, now at EOF */
	ck_assert_int_eq((int)lseek(fd, 0, SEEK_CUR), 5);
	ck_assert_int_eq(close(fd), 0);
}
END_TEST

START_TEST(test_fd_bad)
{
	char hex[SHA256_HEX_LEN + 1];

	ck_assert_int_eq(sha256_fd(-1, hex, NULL), -EINVAL);
}
END_TEST

START_TEST(test_file_missing)
{
	char path[PATH_MAX];
	char hex[SHA256_HEX_LEN + 1] = "untouched";
	uint64_t size = 42;

	char name[64];

	snprintf(name, sizeof(name), "test_sha256.missing.%ld", (long)getpid());
	path_fmt(path, tmp_dir(), name);
	unlink(path);
	ck_assert_int_eq(sha256_file(path, hex, &size), -ENOENT);
	ck_assert_uint_eq(size, 42);
	ck_assert_str_eq(hex, "untouched");
}
END_TEST

START_TEST(test_file_symlink_refused)
{
	char dir[PATH_MAX], target[PATH_MAX], lnk[PATH_MAX];
	char hex[SHA256_HEX_LEN + 1];
	uint64_t size = 42;
	int rc;

	path_fmt(dir, tmp_dir(), "test_sha256.d.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	path_fmt(target, dir, "target");
	path_fmt(lnk, dir, "link");

	{
		int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq((int)write(fd, "abc", 3), 3);
		ck_assert_int_eq(close(fd), 0);
	}
	ck_assert_int_eq(symlink(target, lnk), 0);

	rc = sha256_file(lnk, hex, &size);
	/* the target itself is still fine */
	ck_assert_int_eq(sha256_file(target, hex, NULL), 0);

	unlink(lnk);
	unlink(target);
	rmdir(dir);

	ck_assert_int_eq(rc, -ELOOP);
	ck_assert_uint_eq(size, 42);
}
END_TEST

/* The processor's SHA extensions (when it has them) and the portable code
 * give the same digest for every length round the block boundaries and
 * for long inputs, from every alignment. */
START_TEST(test_paths_agree)
{
	static const size_t lens[] = { 0, 1, 55, 56, 63, 64, 65, 119, 120,
	    127, 128, 129, 1000, 4096, 65536 + 17, 1000003 };
	unsigned char *buf = malloc(1000003 + 16);
	char fast[SHA256_HEX_LEN + 1], slow[SHA256_HEX_LEN + 1];
	size_t i, off;

	ck_assert_ptr_nonnull(buf);
	fill_pattern(buf, 1000003 + 16);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		for (off = 0; off < 16; off += 5) {
			sha256_portable(0);
			hash_hex(buf + off, lens[i], fast);
			sha256_portable(1);
			hash_hex(buf + off, lens[i], slow);
			sha256_portable(0);
			ck_assert_msg(strcmp(fast, slow) == 0,
			    "length %zu at offset %zu: %s != %s", lens[i], off,
			    fast, slow);
		}
	free(buf);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *sha256_suite(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc;

	tc = tcase_create("vectors");
	tcase_add_test(tc, test_vector_empty);
	tcase_add_test(tc, test_vector_abc);
	tcase_add_test(tc, test_vector_448);
	tcase_add_test(tc, test_vector_896);
	tcase_add_test(tc, test_vector_million_a);
	tcase_add_test(tc, test_padding_boundaries);
	tcase_add_test(tc, test_hex_format);
	/* million-'a' twice under sanitizers / valgrind can be slow */
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("paths");
	tcase_add_test(tc, test_paths_agree);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("incremental");
	tcase_add_loop_test(tc, test_incremental_chunks, 0, N_CHUNK_SIZES);
	suite_add_tcase(s, tc);

	tc = tcase_create("hmac");
	tcase_add_loop_test(tc, test_hmac_rfc4231, 0, N_RFC4231);
	tcase_add_test(tc, test_hmac_key_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_test(tc, test_file_abc);
	tcase_add_test(tc, test_file_empty);
	tcase_add_test(tc, test_file_large);
	tcase_add_test(tc, test_fd_offset);
	tcase_add_test(tc, test_fd_bad);
	tcase_add_test(tc, test_file_missing);
	tcase_add_test(tc, test_file_symlink_refused);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	int failed = 0, portable;

	/* Every test twice: with the processor's SHA extensions where it has
	 * them, then with the portable code. */
	printf("sha256: this processor %s the SHA extensions\n",
	    sha256_x86_available() ? "has" : "lacks");
	for (portable = 0; portable <= 1; portable++) {
		SRunner *sr = srunner_create(sha256_suite());

		sha256_portable(portable);
		/* Fork mode is the default; CK_FORK=no overrides. */
		srunner_run_all(sr, CK_NORMAL);
		failed += srunner_ntests_failed(sr);
		srunner_free(sr);
	}
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
