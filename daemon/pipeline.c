/*
 * pipeline.c - what happens to a delivery once it is in the spool.
 *
 * The decision about a delivery (case, duplicate, refused) is written in
 * one transaction together with the case it opens, so a crash at any
 * point leaves either no decision (and the delivery is decided again on
 * the next start) or the whole of it: never two cases for one delivery.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "intake.h"
#include "sha256.h"

struct tree_file {
	char	*rel;		/* path inside the delivery */
	int64_t	 size;
	char	 hex[SHA256_HEX_LEN + 1];
};

struct tree {
	struct tree_file *files;
	size_t		 n;
};

static void
tree_release(struct tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->files[i].rel);
	free(t->files);
}

/* Collects and hashes every regular file under path; symlinks and special
 * files are no content and are left out. */
static int
tree_collect(struct tree *t, const char *path, const char *rel)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (lstat(path, &st) == -1)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		struct tree_file *f;
		uint64_t size;

		t->files = xreallocarray(t->files, t->n + 1, sizeof(*t->files));
		f = &t->files[t->n];
		if ((rc = sha256_file(path, f->hex, &size)) != 0)
			return rc;
		f->rel = xstrdup(rel);
		f->size = (int64_t)size;
		t->n++;
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	if ((d = opendir(path)) == NULL)
		return -errno;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *sub = path_join(path, e->d_name);
		char *srel = *rel ? xasprintf("%s/%s", rel, e->d_name) :
		    xstrdup(e->d_name);
		rc = tree_collect(t, sub, srel);
		free(sub);
		free(srel);
	}
	closedir(d);
	return rc;
}

static int
file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tree_file *)a)->rel,
	    ((const struct tree_file *)b)->rel);
}

/* The checksum of a delivery: of the file itself, or for a folder of its
 * sorted list of (relative name, file checksum). */
static int
tree_hash(struct tree *t, bool folder, char *hex, int64_t *size)
{
	struct sha256 ctx;
	unsigned char dig[SHA256_DIGEST_LEN];
	size_t i;

	*size = 0;
	for (i = 0; i < t->n; i++)
		*size += t->files[i].size;
	if (!folder) {
		if (t->n != 1)
			return INTAKE_EINVAL;
		memcpy(hex, t->files[0].hex, SHA256_HEX_LEN + 1);
		return 0;
	}
	qsort(t->files, t->n, sizeof(*t->files), file_cmp);
	sha256_init(&ctx);
	for (i = 0; i < t->n; i++) {
		sha256_update(&ctx, t->files[i].rel, strlen(t->files[i].rel) + 1);
		sha256_update(&ctx, t->files[i].hex, SHA256_HEX_LEN + 1);
	}
	sha256_final(&ctx, dig);
	sha256_hex(dig, hex);
	return 0;
}

/* Opens the case for a delivery, in one transaction with its decision. */
static int
open_case(struct ledger *l, const struct delivery *d, const char *hex,
    int64_t size, struct tree *t)
{
	int64_t case_id = 0;
	size_t i;
	int rc;

	if ((rc = store_begin(l->store)) != 0)
		return rc;
	if ((rc = store_delivery_set_hash(l->store, d->id, hex, size)) != 0 ||
	    (rc = store_case_create(l->store, d->id, "received", &case_id)) != 0)
		goto fail;
	for (i = 0; i < t->n; i++)
		if ((rc = store_case_add_file(l->store, case_id,
		    t->files[i].rel, t->files[i].size)) != 0)
			goto fail;
	if ((rc = store_delivery_finish(l->store, d->id, DS_CASE, STAGE_DONE,
	    case_id, 0, NULL, NULL)) != 0 ||
	    (rc = store_commit(l->store)) != 0)
		goto fail;
	log_info("case %lld opened for \"%s\" (%zu file%s, %lld bytes)",
	    (long long)case_id, d->name, t->n, t->n == 1 ? "" : "s",
	    (long long)size);
	return 0;
fail:
	store_rollback(l->store);
	return rc;
}

static int
mark_duplicate(struct ledger *l, const struct delivery *d, const char *hex,
    int64_t size, int64_t first, int64_t first_case)
{
	const struct inbox_conf *in = ledger_inbox(l, d->inbox);
	char *reason;
	int rc;

	reason = xasprintf("same content as delivery %lld (case %lld)",
	    (long long)first, (long long)first_case);
	if ((rc = store_delivery_set_hash(l->store, d->id, hex, size)) != 0)
		goto out;
	if (in != NULL && in->duplicates == DUP_REJECT)
		rc = ledger_reject(l, d->id, DS_DUPLICATE, first, reason);
	else {
		rc = store_delivery_finish(l->store, d->id, DS_DUPLICATE,
		    STAGE_DONE, 0, first, reason, NULL);
		if (rc == 0)
			log_info("\"%s\" is a duplicate: %s", d->name, reason);
	}
out:
	free(reason);
	return rc;
}

static int
refuse(struct ledger *l, const struct delivery *d, const char *hex,
    int64_t size, const char *reason)
{
	int rc = store_delivery_set_hash(l->store, d->id, hex, size);

	if (rc == 0)
		rc = ledger_reject(l, d->id, DS_QUARANTINED, 0, reason);
	return rc;
}

int
pipeline_process(struct ledger *l, int64_t id)
{
	struct delivery d;
	struct tree t = { NULL, 0 };
	char hex[SHA256_HEX_LEN + 1], *path = NULL, *reason;
	int64_t size = 0, first, first_case;
	int rc;

	if ((rc = store_delivery_get(l->store, id, &d)) != 0)
		return rc;
	if (d.status != DS_PENDING || d.stage != STAGE_SPOOLED)
		goto out;
	log_subject("delivery %lld", (long long)id);
	path = ledger_spool_path(l, &d);
	if ((rc = tree_collect(&t, path, d.folder ? "" : d.name)) != 0) {
		reason = xasprintf("cannot read the spool copy: %s",
		    strerror(-rc));
		log_err("%s", reason);
		rc = store_delivery_finish(l->store, id, DS_QUARANTINED,
		    STAGE_DONE, 0, 0, reason, NULL);
		free(reason);
		goto out;
	}
	if (t.n == 0 || tree_hash(&t, d.folder, hex, &size) != 0) {
		rc = refuse(l, &d, NULL, 0, d.folder ? "the folder holds no "
		    "files" : "not a regular file");
		goto out;
	}
	if (size == 0) {
		rc = refuse(l, &d, hex, size, "the file is empty (0 bytes)");
		goto out;
	}
	if ((uint64_t)size > l->config->max_delivery) {
		reason = xasprintf("%lld bytes is more than the limit of %llu "
		    "bytes", (long long)size,
		    (unsigned long long)l->config->max_delivery);
		rc = refuse(l, &d, hex, size, reason);
		free(reason);
		goto out;
	}
	rc = store_delivery_first_with_hash(l->store, hex, id, &first,
	    &first_case);
	if (rc == 0)
		rc = mark_duplicate(l, &d, hex, size, first, first_case);
	else if (rc == INTAKE_ENOENT)
		rc = open_case(l, &d, hex, size, &t);
out:
	log_clear_subject();
	tree_release(&t);
	free(path);
	delivery_release(&d);
	return rc;
}
