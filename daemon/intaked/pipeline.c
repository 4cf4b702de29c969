/*
 * pipeline.c - what happens to a delivery once it is in the spool.
 *
 * The daemon hashes it and recognises duplicates and empty or oversized
 * input itself (reading bytes, never parsing them); everything that parses
 * delivered bytes is a job for a worker process (worker.c).  The worker's
 * pages, attachments, manifest and warnings are gathered by the job's
 * collector (collect.c), and the case is opened here with all of them in
 * one transaction: a crash at any point leaves either no decision (the
 * delivery is taken up again on the next start) or the whole of it, never
 * two cases for one delivery.
 *
 * A worker that crashes, hangs past its timeout or talks nonsense costs
 * the delivery one attempt; after the configured number of attempts the
 * delivery is quarantined with the reason, and the daemon goes on.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "intake.h"
#include "collect.h"
#include "jobmsg.h"
#include "template.h"
#include "pipeline.h"
#include "reading.h"
#include "proto.h"
#include "sha256.h"
#include "store.h"
#include "ledger.h"

/* A worker begun on a message has this long to send the rest: a hijacked
 * one trickling bytes must not hold the daemon. */
#define WORKER_MSG_MS	5000
/* A worker has this long to start (say hello) beyond a job's own time. */
#define WORKER_START_MS	30000

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

struct collect {
	struct tree	*t;
	bool		 hash;
};

static int
collect_file(const char *path, const char *rel, const struct stat *st,
    void *arg)
{
	struct collect *c = arg;
	struct tree_file *f;
	uint64_t size = (uint64_t)st->st_size;
	int rc;

	if (!S_ISREG(st->st_mode))
		return 0;	/* links and special files are no content */
	c->t->files = xreallocarray(c->t->files, c->t->n + 1,
	    sizeof(*c->t->files));
	f = &c->t->files[c->t->n];
	f->hex[0] = '\0';
	if (c->hash)
		fault_point("hash", path);
	if (c->hash && (rc = sha256_file(path, f->hex, &size)) != 0)
		return rc;
	f->rel = xstrdup(rel);
	f->size = (int64_t)size;
	c->t->n++;
	return 0;
}

/* Collects (and when hash is true, hashes) every regular file of a
 * delivery; a single file is named rel. */
static int
tree_collect(struct tree *t, const char *path, const char *rel, bool hash)
{
	struct collect c = { t, hash };

	return tree_walk(path, rel, collect_file, &c);
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

/* A job a worker runs, and what it reported so far. */
struct job_state {
	int64_t		 delivery_id;
	char		*name;		/* for messages */
	char		*pages_dir;	/* where the worker writes: a new
					 * delivery's own spool folder beside
					 * it, or a folder in it (pages/, or a
					 * reading again's own) */
	char		*keep;		/* the delivery's name when pages_dir
					 * is its spool folder: what clearing
					 * the job's output keeps; NULL: the
					 * folder goes whole */
	struct reread_row *req;		/* a case read again: who asked; NULL
					 * for a new delivery */
	struct reread_case rk;		/* and the case as it was */
	const struct tpl_path *tp;	/* the templates of its inbox (the
					 * catalog's) */
	struct job_collect c;
};

static void
job_state_free(struct job_state *j)
{
	if (j == NULL)
		return;
	collect_release(&j->c);
	if (j->req != NULL) {
		if (j->pages_dir != NULL)
			remove_tree(j->pages_dir);	/* only what was
							   read again */
		reread_row_release(j->req);
		free(j->req);
		reread_case_release(&j->rk);
	}
	free(j->name);
	free(j->pages_dir);
	free(j->keep);
	free(j);
}

static void enqueue(struct pipeline *, int64_t id);

/* The jobs sent to w behind the one it runs were never begun: each gets
 * its attempt back and (again: for another worker) is queued again. */
static void
worker_ahead_back(struct pipeline *p, struct worker *w, bool again)
{
	struct job_state *j;
	size_t i, n = w->nahead;

	w->nahead = 0;
	for (i = 0; i < n; i++) {
		j = w->ahead[i];
		w->ahead[i] = NULL;
		store_delivery_refund(p->ledger->store, j->delivery_id);
		if (again)
			enqueue(p, j->delivery_id);
		job_state_free(j);
	}
}

/* Removes what job j's worker wrote (and an earlier attempt left). */
static void
job_clear(struct job_state *j)
{
	if (j->keep != NULL)
		(void)clear_dir_at(AT_FDCWD, j->pages_dir, j->keep);
	else
		remove_tree(j->pages_dir);
}

struct orphans {
	int64_t		*id;
	char		**form;
	size_t		 n;
};

static int
orphan_add(const struct case_row *k, void *arg)
{
	struct orphans *o = arg;

	o->id = xreallocarray(o->id, o->n + 1, sizeof(*o->id));
	o->form = xreallocarray(o->form, o->n + 1, sizeof(*o->form));
	o->id[o->n] = k->id;
	o->form[o->n++] = k->form ? xstrdup(k->form) : NULL;
	return 0;
}

/* Open cases without a workflow (opened before there was one for them,
 * or by an intake without workflows) start the one that applies now. */
static void
adopt_cases(struct pipeline *p)
{
	struct store *st = p->ledger->store;
	struct orphans o = { NULL, NULL, 0 };
	struct case_filter f;
	size_t i, n = 0;

	memset(&f, 0, sizeof(f));
	f.no_workflow = true;
	if (p->wf.nwfs == 0 || store_cases(st, &f, orphan_add, &o) != 0)
		goto out;
	for (i = 0; i < o.n; i++) {
		if (workflows_for_form(p->wf.wfs, p->wf.nwfs, o.form[i]) == NULL)
			continue;
		if (store_begin(st) != 0)
			break;
		if (engine_start(&p->wf, o.id[i], NULL, o.form[i] ? "extracted" :
		    "unknown-form", now_ms()) != 0 || store_commit(st) != 0) {
			store_rollback(st);
			continue;
		}
		n++;
	}
	if (n > 0)
		log_info("%zu open case%s without a workflow started the one "
		    "for their form", n, n == 1 ? "" : "s");
out:
	for (i = 0; i < o.n; i++)
		free(o.form[i]);
	free(o.form);
	free(o.id);
}

int
pipeline_init(struct pipeline *p, struct ledger *l, const struct config *c)
{
	struct catalog *cat = xcalloc(1, sizeof(*cat));
	int rc;

	catalog_init_config(cat, c);
	(void)catalog_load(cat);
	rc = pipeline_init_catalog(p, l, cat);
	p->own_cat = cat;
	return rc;
}

int
pipeline_init_catalog(struct pipeline *p, struct ledger *l,
    const struct catalog *cat)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->ledger = l;
	p->cat = cat;
	p->config = cat->config;
	if (pool_init(&p->pool, p->config) != 0)
		return INTAKE_ERR;
	/* Every form some inbox reads, to check what people ask for;
	 * each delivery is read with its inbox's (catalog_templates). */
	p->tpls = cat->tpls;
	p->ntpls = cat->ntpls;
	if (engine_init_catalog(&p->wf, l->store, cat) != 0)
		log_warn("workflows \"%s\": some could not be used: run "
		    "intakectl lint on them", cat->wf_dir);
	adopt_cases(p);
	/* Start every worker now: each loads its model while the daemon
	 * looks at the inboxes. */
	for (i = 0; i < p->pool.n; i++)
		if (pool_start(&p->pool, &p->pool.w[i]) != 0)
			return INTAKE_ERR;
	return 0;
}

void
pipeline_release(struct pipeline *p)
{
	size_t i;

	for (i = 0; i < p->pool.n; i++) {
		struct worker *w = &p->pool.w[i];

		/* A job in progress is ended, not waited for: the delivery
		 * stays pending and is taken up again on the next start,
		 * without the attempt it was given (stopping the daemon is
		 * not the delivery's fault). */
		if (w->job != NULL && w->pid > 0) {
			free(pool_stop(&p->pool, w, true));
			if (w->job->req == NULL)
				store_delivery_refund(p->ledger->store,
				    w->job->delivery_id);
		}
		job_state_free(w->job);
		w->job = NULL;
		worker_ahead_back(p, w, false);
	}
	pool_release(&p->pool);
	engine_release(&p->wf);
	if (p->own_cat != NULL) {
		catalog_release(p->own_cat);
		free(p->own_cat);
	}
	free(p->queue);
	free(p->held);
	free(p->done);
	memset(p, 0, sizeof(*p));
}

bool
pipeline_idle(const struct pipeline *p)
{
	size_t i;

	if (p->nqueue > 0 || p->nheld > 0 || p->reread_asked ||
	    p->reread_running != 0)
		return false;
	for (i = 0; i < p->pool.n; i++)
		if (p->pool.w[i].job != NULL)
			return false;
	return true;
}

static bool
queued(const struct pipeline *p, int64_t id)
{
	size_t i, k;

	for (i = 0; i < p->nqueue; i++)
		if (p->queue[i] == id)
			return true;
	for (i = 0; i < p->nheld; i++)
		if (p->held[i] == id)
			return true;
	for (i = 0; i < p->pool.n; i++) {
		const struct worker *w = &p->pool.w[i];

		if (w->job && w->job->delivery_id == id)
			return true;
		for (k = 0; k < w->nahead; k++)
			if (w->ahead[k]->delivery_id == id)
				return true;
	}
	return false;
}

static void
enqueue(struct pipeline *p, int64_t id)
{
	if (queued(p, id))
		return;
	if (p->nqueue == p->capqueue) {
		p->capqueue = p->capqueue ? p->capqueue * 2 : 64;
		p->queue = xreallocarray(p->queue, p->capqueue, sizeof(*p->queue));
	}
	p->queue[p->nqueue++] = id;
}

static int
mark_duplicate(struct ledger *l, const struct delivery *d, const char *hex,
    int64_t size, int64_t first, int64_t first_case)
{
	const struct inbox_conf *in = ledger_inbox(l, d->inbox);
	char *reason;
	int rc;

	if (first_case != 0)
		reason = xasprintf("same content as delivery %lld (case %lld)",
		    (long long)first, (long long)first_case);
	else
		reason = xasprintf("same content as delivery %lld, taken in "
		    "just before", (long long)first);
	if ((rc = store_delivery_set_hash(l->store, d->id, hex, size)) != 0)
		goto out;
	if (in != NULL && in->duplicates == DUP_REJECT)
		rc = ledger_reject(l, d->id, DS_DUPLICATE, first, reason);
	else {
		rc = store_delivery_finish(l->store, d->id, DS_DUPLICATE,
		    STAGE_DONE, 0, first, reason, NULL);
		if (rc == 0)
			log_info("a duplicate: %s", reason);
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

/* A spooled delivery being submitted, and what its checksum decided. */
struct submit {
	struct delivery	 d;
	char		 hex[SHA256_HEX_LEN + 1];
	int64_t		 size;
	int64_t		 first, first_case;	/* an earlier copy, or 0 */
	int		 rc;	/* 0: hashed, to be decided; else done with */
};

/* Hashes the spool copy of the delivery s->d (its row, read); one that
 * cannot be read, is empty or too large is refused here.  0 when it is to
 * be decided by its checksum; 1 when there is nothing more to do; else an
 * error. */
static int
submit_hash(struct pipeline *p, struct submit *s)
{
	struct ledger *l = p->ledger;
	struct delivery *d = &s->d;
	int64_t id = d->id;
	struct tree t = { NULL, 0 };
	char *path, *reason;
	int rc;

	if (d->status != DS_PENDING || d->stage != STAGE_SPOOLED ||
	    queued(p, id))
		return 1;
	path = ledger_spool_path(l, d);
	if ((rc = tree_collect(&t, path, d->folder ? "" : d->name, true)) != 0 &&
	    transient_error(rc)) {
		/* The disk's fault, not the delivery's: it stays pending. */
		transient_hit(&l->wait, rc, "hashing a delivery in the spool",
		    mono_ms());
		goto out;
	} else if (rc != 0) {
		reason = xasprintf("cannot read the spool copy: %s",
		    strerror(-rc));
		log_err("%s", reason);
		rc = store_delivery_finish(l->store, id, DS_QUARANTINED,
		    STAGE_DONE, 0, 0, reason, NULL);
		free(reason);
		goto done;
	}
	if (t.n == 0 || tree_hash(&t, d->folder, s->hex, &s->size) != 0) {
		rc = refuse(l, d, NULL, 0, d->folder ? "the folder holds no "
		    "files" : "not a regular file");
		goto done;
	}
	if (s->size == 0) {
		rc = refuse(l, d, s->hex, s->size, "the file is empty (0 bytes)");
		goto done;
	}
	if ((uint64_t)s->size > l->config->max_delivery) {
		reason = xasprintf("%lld bytes is more than the limit of %llu "
		    "bytes", (long long)s->size,
		    (unsigned long long)l->config->max_delivery);
		rc = refuse(l, d, s->hex, s->size, reason);
		free(reason);
		goto done;
	}
	goto out;
done:
	if (rc == 0)
		rc = 1;
out:
	tree_release(&t);
	free(path);
	return rc;
}

/* Looks for an earlier copy of s's content; when there is none, or it is
 * still being worked on, records s's checksum.  0 or an error. */
static int
submit_decide(struct pipeline *p, struct submit *s)
{
	struct store *st = p->ledger->store;
	int rc;

	rc = store_delivery_first_with_hash(st, s->hex, s->d.id, &s->first,
	    &s->first_case);
	if (rc == INTAKE_ENOENT)
		s->first = s->first_case = rc = 0;
	if (rc == 0 && (s->first == 0 || s->first_case == 0))
		rc = store_delivery_set_hash(st, s->d.id, s->hex, s->size);
	return rc;
}

/* Acts on what s's checksum decided: the first copy is queued for a
 * worker; a copy whose first is still being worked on waits to learn
 * whether that one opens a case (then this is its duplicate) or is
 * refused (then this one is worked on itself); a copy of a case is a
 * duplicate. */
static int
submit_act(struct pipeline *p, struct submit *s)
{
	if (s->first == 0)
		enqueue(p, s->d.id);
	else if (s->first_case == 0) {
		p->held = xreallocarray(p->held, p->nheld + 1, sizeof(*p->held));
		p->held[p->nheld++] = s->d.id;
		log_debug("waits for delivery %lld, its first copy",
		    (long long)s->first);
	} else
		return mark_duplicate(p->ledger, &s->d, s->hex, s->size,
		    s->first, s->first_case);
	return 0;
}

int
pipeline_submit_batch(struct pipeline *p, const int64_t *ids, size_t n)
{
	struct store *st = p->ledger->store;
	struct submit *s = xcalloc(n, sizeof(*s));
	size_t i, k = 0;
	int rc = 0, first = 0;

	/* Their rows read in one snapshot, then each copy hashed. */
	if (n > 1 && (rc = store_begin_read(st)) != 0) {
		free(s);
		return rc;	/* they stay pending, none queued */
	}
	for (i = 0; i < n; i++)
		s[i].rc = store_delivery_get(st, ids[i], &s[i].d);
	if (n > 1)
		(void)store_commit(st);
	for (i = 0; i < n; i++) {
		log_subject("delivery %lld", (long long)ids[i]);
		if (s[i].rc == 0)
			k += (s[i].rc = submit_hash(p, &s[i])) == 0;
		log_clear_subject();
	}
	/* The checksums recorded in one transaction for the batch; a
	 * duplicate of a case is refused after it, outside it. */
	if (k > 1)
		rc = store_begin(st);
	for (i = 0; i < n && rc == 0; i++)
		if (s[i].rc == 0)
			rc = submit_decide(p, &s[i]);
	if (k > 1 && rc == 0)
		rc = store_commit(st);
	if (rc != 0) {
		/* They stay pending, none queued. */
		if (k > 1)
			store_rollback(st);
		for (i = 0; i < n; i++)
			if (s[i].rc == 0)
				s[i].rc = rc;
	}
	for (i = 0; i < n; i++) {
		log_subject("delivery %lld", (long long)ids[i]);
		if (s[i].rc == 0)
			s[i].rc = submit_act(p, &s[i]);
		log_clear_subject();
		if (first == 0 && s[i].rc != 0 && s[i].rc != 1)
			first = s[i].rc;
		delivery_release(&s[i].d);
	}
	free(s);
	return first;
}

int
pipeline_submit(struct pipeline *p, int64_t id)
{
	return pipeline_submit_batch(p, &id, 1);
}

/* A delivery was decided: copies that waited for it are looked at again. */
static void
release_held(struct pipeline *p)
{
	int64_t *held = p->held;
	size_t n = p->nheld, i;

	if (n == 0)
		return;
	p->held = NULL;
	p->nheld = 0;
	for (i = 0; i < n; i++)
		pipeline_submit(p, held[i]);
	free(held);
}

static void reread_answer(struct pipeline *, struct job_state *, bool ok,
	    const char *outcome);
static void job_wait(struct pipeline *, struct job_state *, int rc,
	    const char *step);

/* Records a failed attempt; quarantines the delivery after the last.
 * doing (NULL: nothing) is what the worker was at, which names files:
 * the ledger records it, the log only why. */
static void
job_failed(struct pipeline *p, int64_t id, const char *why, const char *doing)
{
	struct delivery d;
	char *full, *reason;

	if (store_delivery_get(p->ledger->store, id, &d) != 0)
		return;
	log_subject("delivery %lld", (long long)id);
	full = doing ? xasprintf("%s while %s", why, doing) : xstrdup(why);
	store_delivery_set_error(p->ledger->store, id, full);
	if (d.attempts >= (int)p->config->attempts) {
		reason = xasprintf("%s (%d attempts)", full, d.attempts);
		log_warn("quarantined: %s (%d attempts)", why, d.attempts);
		ledger_reject(p->ledger, id, DS_QUARANTINED, 0, reason);
		free(reason);
		release_held(p);
	} else {
		log_warn("%s; trying again", why);
		enqueue(p, id);
	}
	free(full);
	log_clear_subject();
	delivery_release(&d);
}

/* The case's workflow starts with what the pipeline found: a form
 * (extracted), text but no known form (unknown-form), or no text at all
 * (extraction-failed). */
static int
start_workflow(struct pipeline *p, int64_t case_id, const struct delivery *d,
    const struct job_state *j)
{
	const struct inbox_conf *in = ledger_inbox(p->ledger, d->inbox);
	const char *event = "extraction-failed";
	size_t i;

	for (i = 0; i < j->c.npages; i++)
		if (j->c.pages[i].read)
			event = "unknown-form";
	if (form_choose(j->tp->tpls, j->tp->ntpls, &j->c.reading) != NULL)
		event = "extracted";
	return engine_start(&p->wf, case_id, in ? in->workflow : NULL, event,
	    now_ms());
}

/* Opens the case with everything the worker found, inside the caller's
 * transaction: *case_id is its id.  0 or an error (the caller rolls
 * back). */
static int
open_case_in(struct pipeline *p, struct job_state *j, int64_t *case_id)
{
	struct store *st = p->ledger->store;
	const struct job_collect *c = &j->c;
	struct delivery d;
	struct tree t = { NULL, 0 };
	char *path;
	size_t i;
	int rc;

	*case_id = 0;
	if ((rc = store_delivery_get(st, j->delivery_id, &d)) != 0)
		return rc;
	path = ledger_spool_path(p->ledger, &d);
	tree_collect(&t, path, d.folder ? "" : d.name, false);
	free(path);
	if ((rc = store_case_create(st, d.id, "received", case_id)) != 0 ||
	    (rc = store_case_set_manifest(st, *case_id, c->manifest.reference,
	    c->manifest.channel, c->manifest.sender,
	    c->manifest.form_hint)) != 0)
		goto fail;
	for (i = 0; i < t.n; i++)
		if ((rc = store_case_add_file(st, *case_id, t.files[i].rel,
		    t.files[i].size)) != 0)
			goto fail;
	for (i = 0; i < c->npages; i++)
		if ((rc = store_case_add_page(st, *case_id, &c->pages[i])) != 0)
			goto fail;
	for (i = 0; i < c->natt; i++)
		if ((rc = store_case_add_attachment(st, *case_id, c->att[i].name,
		    (int64_t)c->att[i].size, c->att[i].stored)) != 0)
			goto fail;
	for (i = 0; i < c->nwarnings; i++)
		if ((rc = store_case_add_problem(st, *case_id, c->warnings[i])) != 0)
			goto fail;
	if (c->manifest.pages != 0 && c->manifest.pages != c->npages) {
		char *why = xasprintf("the manifest states %u page%s, the "
		    "delivery gives %zu", c->manifest.pages,
		    c->manifest.pages == 1 ? "" : "s", c->npages);

		rc = store_case_add_problem(st, *case_id, why);
		free(why);
		if (rc != 0)
			goto fail;
	}
	if (c->pdf != NULL && (rc = store_case_set_pdf(st, *case_id, c->pdf)) != 0)
		goto fail;
	if ((rc = reading_store_fields(st, *case_id, j->tp->tpls, j->tp->ntpls,
	    &c->reading)) != 0 ||
	    (rc = start_workflow(p, *case_id, &d, j)) != 0)
		goto fail;
	rc = store_delivery_finish(st, d.id, DS_CASE, STAGE_DONE, *case_id,
	    0, NULL, NULL);
fail:
	tree_release(&t);
	delivery_release(&d);
	return rc;
}

/* Logs that job j opened case case_id. */
static void
case_opened(const struct job_state *j, int64_t case_id)
{
	const struct job_collect *c = &j->c;

	log_info("case %lld opened: %zu page%s, %zu attachment%s, %zu "
	    "problem%s", (long long)case_id, c->npages, c->npages == 1 ? "" :
	    "s", c->natt, c->natt == 1 ? "" : "s", c->nwarnings,
	    c->nwarnings == 1 ? "" : "s");
}

/* Opens the case with everything the worker found, in one transaction. */
static int
open_case(struct pipeline *p, struct job_state *j)
{
	struct store *st = p->ledger->store;
	int64_t case_id;
	int rc;

	if ((rc = store_begin(st)) != 0)
		return rc;
	if ((rc = open_case_in(p, j, &case_id)) != 0 ||
	    (rc = store_commit(st)) != 0) {
		store_rollback(st);
		return rc;
	}
	case_opened(j, case_id);
	return 0;
}

/* A case was read again: what was read replaces the case's reading. */
static void
reread_finished(struct pipeline *p, struct job_state *j)
{
	struct reread r = { j->req->case_id, j->req->form, j->req->actor,
	    j->req->comment };
	char *outcome = NULL;
	int rc;

	rc = reading_reread(p->ledger->store, &p->wf, j->tp->tpls,
	    j->tp->ntpls, &r, &j->rk, &j->c, &outcome);
	if (transient_error(rc))	/* asked again when the wait ends */
		job_wait(p, j, rc, "recording a case read again");
	else
		reread_answer(p, j, rc == 0, outcome);
	free(outcome);
}

/* Job j met a passing error (rc; step says where): what it wrote is
 * removed and the attempt it was given is given back.  The delivery stays
 * pending and is submitted again when the wait ends (a case read again
 * is asked for again). */
static void
job_wait(struct pipeline *p, struct job_state *j, int rc, const char *step)
{
	transient_hit(&p->ledger->wait, rc, step, mono_ms());
	if (j->req != NULL) {
		p->reread_running = 0;
		p->reread_asked = true;
		return;		/* job_state_free removes its folder */
	}
	job_clear(j);
	store_delivery_refund(p->ledger->store, j->delivery_id);
}

/* The worker could not write its output: the disk is full, it says.  It
 * is believed when the spool's file system has less space left than a job
 * may unpack, so that a hijacked worker cannot keep a delivery from
 * running out of attempts; otherwise the job failed. */
static void
job_deferred(struct pipeline *p, struct job_state *j)
{
	const struct jobmsg_deferred *df = &j->c.deferred;
	struct statvfs sv;

	if (j->req == NULL)	/* df->text names files: the ledger, not the log */
		store_delivery_set_error(p->ledger->store, j->delivery_id,
		    df->text);
	if (statvfs(p->ledger->spool, &sv) == 0 &&
	    (uint64_t)sv.f_bavail * sv.f_frsize < p->config->max_unpacked)
		job_wait(p, j, -(int)df->err, "a worker wrote what it read");
	else if (j->req != NULL)
		reread_answer(p, j, false, "the worker found the disk full, "
		    "which it is not; nothing changed");
	else
		job_failed(p, j->delivery_id, "worker reported a full disk, "
		    "which it is not", NULL);
}

/* The worker finished: a case, a refusal with the reason, or a job to be
 * tried again later. */
static void
job_finished(struct pipeline *p, struct job_state *j)
{
	const struct job_collect *c = &j->c;
	char *reason = NULL;
	size_t i, len = 0;

	if (c->deferred.text != NULL) {
		job_deferred(p, j);
		return;
	}
	if (j->req != NULL) {
		reread_finished(p, j);
		return;
	}
	log_subject("delivery %lld", (long long)j->delivery_id);
	if (c->refused == NULL && c->npages > 0) {
		int rc = open_case(p, j);

		if (transient_error(rc))	/* the database locked, full */
			job_wait(p, j, rc, "recording a case");
		else if (rc != 0)	/* counts as an attempt: no endless loop */
			job_failed(p, j->delivery_id, "the case cannot be recorded "
			    "(see the log)", NULL);
		log_clear_subject();
		if (rc == 0) {
			transient_clear(&p->ledger->wait);
			release_held(p);
		}
		return;
	}
	if (c->refused != NULL)
		reason = xstrdup(c->refused);
	else {
		/* No page at all: say what was found instead. */
		reason = xstrdup("no page image in the delivery");
		for (i = 0; i < c->nwarnings && i < 3; i++) {
			char *r = xasprintf("%s%s %s", reason, i ? ";" : ":",
			    c->warnings[i]);
			free(reason);
			reason = r;
		}
		if (c->nwarnings == 0 && c->natt > 0) {
			char *r = xasprintf("%s: %s is no scanned page", reason,
			    c->att[0].name);
			free(reason);
			reason = r;
		}
	}
	len = strlen(reason);
	if (len > 900)
		reason[900] = '\0';
	job_clear(j);	/* nothing of a refused delivery is used */
	ledger_reject(p->ledger, j->delivery_id, DS_QUARANTINED, 0, reason);
	free(reason);
	log_clear_subject();
	release_held(p);
}

/* The OCR languages of a delivery's inbox; "" when OCR is off. */
static const char *
job_lang(const struct pipeline *p, const char *inbox)
{
	const struct inbox_conf *in = ledger_inbox(p->ledger, inbox);
	const char *lang = in && in->lang ? in->lang : p->config->lang;

	return strcmp(lang, "none") == 0 ? "" : lang;
}

/* Lets the worker's user read a folder delivery's spool copy (it opens the
 * members itself, by name below the folder it is given).  Only the copy's
 * own modes change: the spool above it stays closed to everyone else.
 * Each mode is changed on a descriptor opened without following a link.
 * fd is an open file or folder of the copy at path; it is closed here. */
static void
share_fd(int fd, const char *path)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int sub;

	if (fstat(fd, &st) == -1 || !(S_ISREG(st.st_mode) ||
	    S_ISDIR(st.st_mode))) {
		close(fd);
		return;
	}
	fault_point("share", path);
	(void)fchmod(fd, (st.st_mode & 07777) | (S_ISDIR(st.st_mode) ?
	    0005 : 0004));
	if (!S_ISDIR(st.st_mode) || (d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char *p;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((sub = open_content_at(dirfd(d), e->d_name, true, &st)) < 0)
			continue;
		p = path_join(path, e->d_name);
		share_fd(sub, p);
		free(p);
	}
	closedir(d);
}

static void
share_tree(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd != -1)
		share_fd(fd, path);
}

static void worker_lost(struct pipeline *, struct worker *, const char *);

/* Sends a worker the job of reading delivery d (as form, or NULL:
 * recognising it) from infd into outfd.  When the worker is gone before
 * it had the job, it is ended and an error returned. */
static int
job_send(struct pipeline *p, struct worker *w, const struct delivery *d,
    const char *form, int infd, int outfd)
{
	struct jobmsg_job job;
	struct msg m;
	int rc;

	jobmsg_job_init(&job, p->config);
	job.id = d->id;
	job.name = d->name;		/* borrowed, as the others */
	job.folder = d->folder;
	job.lang = (char *)job_lang(p, d->inbox);
	job.pdf = p->config->pdf;
	job.templates = catalog_templates(p->cat, d->inbox)->dirs;
	job.form = (char *)form;
	job.in = infd;
	job.out = outfd;
	jobmsg_unpack_put(&m, &job);
	rc = msg_send(w->sock, &m);
	msg_release(&m);
	if (rc != 0 && w->job != NULL) {
		/* Sent behind a job it runs: it is lost with that one. */
		worker_lost(p, w, "stopped taking jobs");
	} else if (rc != 0) {
		bool was_ready = w->ready;
		char *how = pool_stop(&p->pool, w, true);

		if (!was_ready) {
			log_err("a worker failed to start (%s): trying again in "
			    "5 s", how);
			p->start_after = mono_ms() + 5000;
			p->start_failures++;
		}
		free(how);
	}
	return rc;
}

/* The worker has job j (which it owns now) and the time for it; or, when
 * it runs one, j waits behind it, its time not yet begun. */
static void
job_given(struct pipeline *p, struct worker *w, struct job_state *j)
{
	w->jobs++;
	if (w->job != NULL) {
		w->ahead[w->nahead++] = j;
		return;
	}
	w->job = j;
	w->began = mono_ms();
	/* A worker still starting (loading its model) is not charged the
	 * job's time for it: its hello restarts the clock (worker_ready). */
	w->deadline = w->began + (int64_t)p->config->job_timeout_s * 1000 +
	    (w->ready ? 0 : WORKER_START_MS);
}

/* w finished its job: the first sent behind it is the one it runs now,
 * and its time begins. */
static void
job_next(struct pipeline *p, struct worker *w)
{
	int64_t mono = mono_ms();

	w->fast = w->ready && mono - w->began < POOL_FAST_MS;
	w->job = NULL;
	w->deadline = 0;
	if (w->nahead == 0)
		return;
	w->job = w->ahead[0];
	memmove(w->ahead, w->ahead + 1, --w->nahead * sizeof(*w->ahead));
	w->ahead[w->nahead] = NULL;
	w->began = mono;
	w->deadline = mono + (int64_t)p->config->job_timeout_s * 1000;
}

/* Makes the folder name in dirfd afresh (what an earlier try left is
 * removed) and gives it to the worker user: *fd is open on it.  The
 * descriptor is checked to be the daemon's new folder, not something a
 * worker put in its place.  0 or -errno. */
static int
job_folder_at(struct pipeline *p, int dirfd, const char *name, int *fd)
{
	struct stat st;
	int rc;

	(void)remove_tree_at(dirfd, name);
	if (mkdirat(dirfd, name, 0750) == -1)
		return -errno;
	if ((*fd = open_dir_at(dirfd, name)) < 0)
		return *fd;
	rc = fstat(*fd, &st) == -1 ? -errno : st.st_uid != geteuid() ?
	    -EPERM : pool_give(&p->pool, *fd);
	if (rc != 0) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

/* The output folder of j, a job reading new delivery d: its own spool
 * folder, beside the delivered file or folder, so that a delivery costs
 * the file system one new folder; the worker may add its files there,
 * never change the delivery's (pool_share).  A delivery whose name is one
 * the worker could write (page-0001.png) gets pages/ in its folder, as
 * every delivery did before.  What an earlier attempt left is removed
 * first.  *fd is open on the folder; 0 or -errno. */
static int
job_output(struct pipeline *p, const struct delivery *d,
    struct job_state *j, int *fd)
{
	struct ledger *l = p->ledger;
	bool apart = jobmsg_output_name(d->name);
	int tfd, rc;

	if (apart)
		j->pages_dir = xasprintf("%s/%s/pages", l->spool, d->token);
	else {
		j->pages_dir = path_join(l->spool, d->token);
		j->keep = xstrdup(d->name);
	}
	if ((tfd = open_dir_at(l->spool_fd, d->token)) < 0)
		return tfd;
	if (apart) {
		rc = job_folder_at(p, tfd, "pages", fd);
		close(tfd);
		return rc;
	}
	if ((rc = clear_dir_at(tfd, ".", d->name)) != 0 ||
	    (rc = pool_share(&p->pool, tfd)) != 0) {
		close(tfd);
		return rc;
	}
	*fd = tfd;
	return 0;
}

/* A job a dispatch round gives a worker: the delivery's row, read and its
 * attempt counted together with the round's others. */
struct job_plan {
	struct worker	*w;
	int64_t		 id;
	struct delivery	 d;
	int		 attempts;
	bool		 go;		/* pending, its attempt counted */
};

/* Reads the rows of a round's n jobs and counts an attempt for each that
 * is still pending, in one transaction: a round costs the database one
 * write, not two statements per job.  0, or the store's error with
 * nothing counted. */
static int
jobs_count(struct pipeline *p, struct job_plan *pl, size_t n)
{
	struct store *st = p->ledger->store;
	size_t i;
	int rc;

	if ((rc = store_begin(st)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = store_delivery_get(st, pl[i].id, &pl[i].d)) != 0)
			break;
		pl[i].go = pl[i].d.status == DS_PENDING;
		if (pl[i].go)
			rc = store_delivery_attempt(st, pl[i].id,
			    &pl[i].attempts);
	}
	if (rc == 0)
		rc = store_commit(st);
	if (rc != 0)
		store_rollback(st);
	return rc;
}

/* Opens the input and a fresh output folder of planned job pl, whose
 * attempt is counted, and sends it.  An attempt the delivery is not to
 * blame for (its worker gone, the disk full) is given back. */
static void
job_start(struct pipeline *p, struct job_plan *pl)
{
	struct ledger *l = p->ledger;
	struct worker *w = pl->w;
	const struct delivery *d = &pl->d;
	struct job_state *j;
	char *in = NULL;
	int infd = -1, outfd = -1, rc;

	if (w->pid == 0 || transient_waiting(&l->wait, mono_ms())) {
		/* Its worker was lost, or the disk filled up, this round. */
		store_delivery_refund(l->store, pl->id);
		enqueue(p, pl->id);
		return;
	}
	j = xcalloc(1, sizeof(*j));
	j->delivery_id = pl->id;
	j->name = xstrdup(d->name);
	j->tp = catalog_templates(p->cat, d->inbox);
	in = ledger_spool_path(l, d);
	if (d->folder && p->pool.as_root)
		share_tree(in);
	rc = job_output(p, d, j, &outfd);
	collect_init(&j->c, j->pages_dir);
	if (rc == 0 && (infd = open(in, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    (d->folder ? O_DIRECTORY : 0))) == -1)
		rc = -errno;
	if (rc != 0) {
		char *why;

		if (transient_error(rc)) {
			/* The disk, not the delivery: tried when the wait
			 * ends, without costing it an attempt. */
			transient_hit(&l->wait, rc, "preparing a worker's job",
			    mono_ms());
			job_clear(j);
			store_delivery_refund(l->store, pl->id);
			goto out;
		}
		why = xasprintf("cannot prepare the job: %s", strerror(-rc));
		log_err("delivery %lld: %s", (long long)pl->id, why);
		job_failed(p, pl->id, why, NULL);
		free(why);
		goto out;
	}
	if (job_send(p, w, d, NULL, infd, outfd) != 0) {
		/* The worker is gone before it had the job: not the
		 * delivery's fault. */
		store_delivery_refund(l->store, pl->id);
		enqueue(p, pl->id);
		goto out;
	}
	log_debug("delivery %lld: job given to worker %ld (attempt %d)",
	    (long long)pl->id, (long)w->pid, pl->attempts);
	job_given(p, w, j);
	j = NULL;
out:
	fd_close(infd);
	fd_close(outfd);
	job_state_free(j);
	free(in);
}

/* Starts the n jobs of a dispatch round: their attempts counted in one
 * transaction, then each sent.  When the count fails the deliveries stay
 * queued (a passing error: until the wait ends). */
static void
jobs_start(struct pipeline *p, struct job_plan *pl, size_t n)
{
	size_t i;
	int rc;

	if (n == 0)
		return;
	if ((rc = jobs_count(p, pl, n)) != 0) {
		if (transient_error(rc))
			transient_hit(&p->ledger->wait, rc, "counting a job's "
			    "attempt", mono_ms());
		for (i = 0; i < n; i++)
			enqueue(p, pl[i].id);
	}
	for (i = 0; i < n; i++) {
		if (rc == 0 && pl[i].go)
			job_start(p, &pl[i]);
		delivery_release(&pl[i].d);
	}
}

/* Answers the request of job j (a case read again) and logs how it went,
 * by ids only: the outcome names what was read and files, and goes to
 * the store for the one who asked. */
static void
reread_answer(struct pipeline *p, struct job_state *j, bool ok,
    const char *outcome)
{
	if (store_reread_answer(p->ledger->store, j->req->id, ok, outcome) != 0)
		log_warn("case %lld: the request to read it again cannot be "
		    "answered", (long long)j->req->case_id);
	else if (ok)
		log_info("case %lld read again, as asked by request %lld",
		    (long long)j->req->case_id, (long long)j->req->id);
	else	/* why is in the answer: it may name files */
		log_warn("case %lld could not be read again (request %lld)",
		    (long long)j->req->case_id, (long long)j->req->id);
	p->reread_running = 0;
	p->reread_asked = true;		/* there may be another */
}

void
pipeline_rereads(struct pipeline *p)
{
	struct reread_row r;

	if (p->reread_running != 0 || p->reread_asked)
		return;
	if (store_reread_next(p->ledger->store, 0, &r) == 0)
		p->reread_asked = true;
	reread_row_release(&r);
}

/* Gives worker w the oldest case waiting to be read again, if any is
 * still to be done; false when there was none to give. */
static bool
reread_start(struct pipeline *p, struct worker *w)
{
	struct store *st = p->ledger->store;
	struct reread_row *req = xcalloc(1, sizeof(*req));
	struct job_state *j = NULL;
	struct delivery d;
	struct reread r;
	char *why = NULL, *in = NULL, *name = NULL;
	int infd = -1, outfd = -1, tfd = -1, rc;
	bool given = false;

	memset(&d, 0, sizeof(d));
	p->reread_asked = false;
	if (store_reread_next(st, 0, req) != 0) {
		reread_row_release(req);
		free(req);
		return false;
	}
	j = xcalloc(1, sizeof(*j));
	j->req = req;
	j->delivery_id = 0;
	r.case_id = req->case_id;
	r.form = req->form;
	r.actor = req->actor;
	r.comment = req->comment;
	p->reread_running = req->id;
	if (reading_reread_check(st, &p->wf, p->tpls, p->ntpls, &r, &j->rk,
	    &why) != 0 || store_delivery_get(st, j->rk.delivery_id, &d) != 0) {
		if (why == NULL)
			why = xasprintf("case %lld: its delivery cannot be read "
			    "from the database", (long long)r.case_id);
		goto failed;
	}
	j->delivery_id = d.id;
	j->name = xstrdup(d.name);
	j->tp = catalog_templates(p->cat, d.inbox);
	/* Its own folder in the delivery's, which the worker that read it
	 * may have written: made relative to that folder. */
	name = xasprintf("reread-%lld", (long long)req->id);
	j->pages_dir = xasprintf("%s/%s/%s", p->ledger->spool, d.token, name);
	collect_init(&j->c, j->pages_dir);
	in = ledger_spool_path(p->ledger, &d);
	if ((tfd = open_dir_at(p->ledger->spool_fd, d.token)) < 0) {
		rc = tfd;
		tfd = -1;
	} else
		rc = job_folder_at(p, tfd, name, &outfd);
	if (rc >= 0 && (infd = open(in, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    (d.folder ? O_DIRECTORY : 0))) == -1)
		rc = -errno;
	if (rc < 0) {
		why = xasprintf("case %lld: its delivery cannot be read again: "
		    "%s", (long long)r.case_id, strerror(-rc));
		goto failed;
	}
	if (job_send(p, w, &d, req->form, infd, outfd) != 0) {
		p->reread_running = 0;
		p->reread_asked = true;		/* on the next worker */
		job_state_free(j);
		goto out;
	}
	log_debug("case %lld: read again by worker %ld (request %lld)",
	    (long long)r.case_id, (long)w->pid, (long long)req->id);
	job_given(p, w, j);
	given = true;
	goto out;
failed:
	reread_answer(p, j, false, why);
	job_state_free(j);
out:
	fd_close(infd);
	fd_close(outfd);
	fd_close(tfd);
	free(name);
	free(why);
	free(in);
	delivery_release(&d);
	return given;
}

/* A worker free for work: started when needed, recycled after its number
 * of jobs; NULL when none may be started now.  The first process of the
 * pool's i-th worker (of n) is recycled i/n of the number earlier, so
 * that workers sharing a stream of jobs are not replaced together,
 * leaving none to read while the new ones load their libraries. */
static struct worker *
worker_for_job(struct pipeline *p, struct worker *w)
{
	size_t i = (size_t)(w - p->pool.w);

	if (w->pid > 0 && w->jobs >= p->config->worker_jobs)
		free(pool_stop(&p->pool, w, true));	/* recycle: idle,
							   it holds nothing */
	if (w->pid == 0 && (mono_ms() < p->start_after ||
	    pool_start(&p->pool, w) != 0))
		return NULL;
	if (w->starts == 1 && w->jobs == 0 && p->pool.n > 1)
		w->jobs = (unsigned)((uint64_t)p->config->worker_jobs * i /
		    p->pool.n);
	return w;
}

/* The first delivery in the queue, taken out of it. */
static int64_t
dequeue(struct pipeline *p)
{
	int64_t id = p->queue[0];

	memmove(p->queue, p->queue + 1, --p->nqueue * sizeof(*p->queue));
	return id;
}

void
pipeline_dispatch(struct pipeline *p)
{
	struct job_plan *pl;
	size_t i, n = 0, depth, *given;

	if (transient_waiting(&p->ledger->wait, mono_ms()))
		return;		/* the disk or the database: later */
	if (p->nqueue == 0 && !(p->reread_asked && p->reread_running == 0))
		return;
	/* given[i]: the jobs this round plans for worker i. */
	given = xcalloc(p->pool.n, sizeof(*given));
	pl = xcalloc(p->pool.n * (1 + POOL_AHEAD_FAST), sizeof(*pl));
	for (i = 0; i < p->pool.n && (p->nqueue > 0 || (p->reread_asked &&
	    p->reread_running == 0)); i++) {
		struct worker *w = &p->pool.w[i];

		if (w->job != NULL)
			continue;
		if (worker_for_job(p, w) == NULL)
			break;
		/* A person waits for a case read again: it goes first. */
		if (p->reread_asked && p->reread_running == 0 &&
		    reread_start(p, w))
			continue;
		if (w->job != NULL || w->pid == 0 || p->nqueue == 0)
			continue;
		pl[n].w = w;
		pl[n++].id = dequeue(p);
		given[i] = 1;
	}
	/* Then each worker reading a delivery (or about to) is sent more
	 * behind it (pool.h: how many), one at a time round the pool so
	 * that the queue is shared out evenly; none while a person waits
	 * for a case read again, which goes to the first worker free. */
	for (depth = 0; depth < POOL_AHEAD_FAST && !p->reread_asked; depth++) {
		for (i = 0; i < p->pool.n && p->nqueue > 0; i++) {
			struct worker *w = &p->pool.w[i];
			bool busy = w->job != NULL || given[i] > 0;
			size_t ahead = w->nahead + given[i] -
			    (w->job == NULL && given[i] > 0);

			if (busy && (w->job == NULL || w->job->req == NULL) &&
			    w->ready && w->pid > 0 && ahead == depth &&
			    depth < (w->fast ? POOL_AHEAD_FAST : POOL_AHEAD) &&
			    w->jobs + given[i] < p->config->worker_jobs) {
				pl[n].w = w;
				pl[n++].id = dequeue(p);
				given[i]++;
			}
		}
	}
	jobs_start(p, pl, n);
	free(pl);
	free(given);
}

size_t
pipeline_pollfds(struct pipeline *p, struct pollfd *pfd, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < p->pool.n && n < max; i++)
		if (p->pool.w[i].sock != -1) {
			pfd[n].fd = p->pool.w[i].sock;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			n++;
		}
	return n;
}

/* A worker ended or broke the protocol in the middle of a job. */
static void
worker_lost(struct pipeline *p, struct worker *w, const char *what)
{
	char *doing = w->job && w->job->c.doing ? xstrdup(w->job->c.doing) :
	    NULL;
	bool was_ready = w->ready;
	char *how = pool_stop(&p->pool, w, true);
	struct job_state *j = w->job;
	char *why;

	w->job = NULL;
	w->deadline = 0;
	worker_ahead_back(p, w, true);
	if (!was_ready) {
		/* It died before it could work: the delivery is not to blame.
		 * Wait a little before starting another. */
		log_err("a worker failed to start (%s): see its message above; "
		    "trying again in 5 s", how);
		p->start_after = mono_ms() + 5000;
		p->start_failures++;
		if (j != NULL && j->req != NULL) {
			/* Asked again on the next look: the request stays. */
			p->reread_running = 0;
			p->reread_asked = true;
		} else if (j != NULL) {
			store_delivery_refund(p->ledger->store, j->delivery_id);
			enqueue(p, j->delivery_id);
		}
		job_state_free(j);
		free(how);
		free(doing);
		return;
	}
	if (j == NULL) {
		log_warn("an idle worker %s: %s", what ? what : "ended", how);
		free(how);
		free(doing);
		return;
	}
	why = xasprintf("worker %s", what ? what : how);
	if (j->req != NULL) {
		/* The outcome goes to the store, for the one who asked. */
		char *outcome = xasprintf("case %lld: the %s%s%s; nothing "
		    "changed", (long long)j->req->case_id, why,
		    doing ? " while " : "", doing ? doing : "");

		reread_answer(p, j, false, outcome);
		free(outcome);
	} else
		job_failed(p, j->delivery_id, why, doing);
	free(why);
	free(how);
	free(doing);
	job_state_free(j);
}

/* A worker said hello: it is ready for jobs (once). */
static bool
worker_ready(struct pipeline *p, struct worker *w, const char *sandbox)
{
	if (w->ready)
		return false;
	w->ready = true;
	p->start_failures = 0;
	/* A job handed over while the worker loaded its model has its whole
	 * time from now. */
	if (w->job != NULL)
		w->deadline = mono_ms() + (int64_t)p->config->job_timeout_s * 1000;
	if (++p->pool.ready == p->pool.n)
		log_info("%zu worker%s ready (system-call filter: %s)",
		    p->pool.n, p->pool.n == 1 ? "" : "s",
		    sandbox ? sandbox : "none");
	return true;
}

/* Whether finished job j opens a case (rather than being refused, tried
 * again later, or answering a request to read a case again). */
static bool
job_opens_case(const struct job_state *j)
{
	return j->c.deferred.text == NULL && j->req == NULL &&
	    j->c.refused == NULL && j->c.npages > 0;
}

/* Opens the cases of the jobs that finished in one round of worker
 * messages in one transaction: what they share in the database is
 * written once.  When that fails, each is recorded alone, as
 * job_finished() would, so one case that cannot be recorded costs the
 * others nothing. */
static void
record_done(struct pipeline *p)
{
	struct store *st = p->ledger->store;
	int64_t *case_id = xcalloc(p->ndone, sizeof(*case_id));
	size_t i, n = p->ndone;
	int rc = INTAKE_ERR;

	if (n > 1 && (rc = store_begin(st)) == 0) {
		for (i = 0; i < n && rc == 0; i++) {
			log_subject("delivery %lld",
			    (long long)p->done[i]->delivery_id);
			rc = open_case_in(p, p->done[i], &case_id[i]);
			log_clear_subject();
		}
		if (rc == 0)
			rc = store_commit(st);
		if (rc != 0)
			store_rollback(st);
	}
	p->ndone = 0;
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			log_subject("delivery %lld",
			    (long long)p->done[i]->delivery_id);
			case_opened(p->done[i], case_id[i]);
			log_clear_subject();
		} else
			job_finished(p, p->done[i]);
		job_state_free(p->done[i]);
	}
	if (rc == 0) {
		transient_clear(&p->ledger->wait);
		release_held(p);
	}
	free(case_id);
}

/* Handles one message; false when the worker must be ended. */
static bool
worker_message(struct pipeline *p, struct worker *w, struct msg *m)
{
	struct job_state *j = w->job;
	struct jobmsg_hello h;
	bool ok;

	if (j == NULL) {
		/* an idle worker only says hello: results need a job */
		if (m->type != MSG_HELLO || jobmsg_hello_get(m, &h) != 0)
			return false;
		ok = worker_ready(p, w, h.sandbox);
		jobmsg_hello_release(&h);
		return ok;
	}
	switch (collect_feed(&j->c, m)) {
	case COLLECT_MORE:
		if (m->type == MSG_HELLO)
			return worker_ready(p, w, j->c.hello.sandbox);
		/* The warning names files: it is the case's problem, the
		 * log counts it. */
		if (m->type == MSG_WARNING)
			log_info("delivery %lld: the worker reports problem %zu "
			    "(intakectl show lists them with the case)",
			    (long long)j->delivery_id, j->c.nwarnings);
		return true;
	case COLLECT_DONE:
	case COLLECT_REFUSED:
	case COLLECT_DEFERRED:
		/* The worker goes on with the job sent behind this one,
		 * and is sent more at the end of the round, before this one
		 * is recorded: it reads while the daemon writes. */
		job_next(p, w);
		if (job_opens_case(j)) {	/* with the others of the round */
			p->done = xreallocarray(p->done, p->ndone + 1,
			    sizeof(*p->done));
			p->done[p->ndone++] = j;
			return true;
		}
		job_finished(p, j);
		job_state_free(j);
		return true;
	default:
		return false;
	}
}

void
pipeline_events(struct pipeline *p, const struct pollfd *pfd, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		struct worker *w = NULL;

		if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
			continue;
		for (k = 0; k < p->pool.n; k++)
			if (p->pool.w[k].sock == pfd[i].fd)
				w = &p->pool.w[k];
		if (w == NULL)
			continue;
		/* Read everything that is there now. */
		for (;;) {
			struct pollfd one = { w->sock, POLLIN, 0 };
			struct msg m;
			int rc;

			rc = msg_recv_within(w->sock, &m, WORKER_MSG_MS);
			if (rc != 0) {
				worker_lost(p, w, rc == -EPROTO ?
				    "sent a malformed message" : rc ==
				    -ETIMEDOUT ? "sent half a message and "
				    "stopped" : NULL);
				break;
			}
			if (m.nfds > 0 || !worker_message(p, w, &m)) {
				for (int f = 0; f < m.nfds; f++)
					close(m.fds[f]);
				msg_release(&m);
				worker_lost(p, w, "sent a malformed message");
				break;
			}
			msg_release(&m);
			if (poll(&one, 1, 0) <= 0 || w->sock == -1)
				break;
		}
	}
	/* The workers' next jobs, those of the round together (one count
	 * of their attempts), then the round's cases. */
	pipeline_dispatch(p);
	if (p->ndone > 0)
		record_done(p);
}

int64_t
pipeline_timeouts(struct pipeline *p, int64_t mono)
{
	int64_t next = 0;
	size_t i;

	for (i = 0; i < p->pool.n; i++) {
		struct worker *w = &p->pool.w[i];
		char *what;

		if (w->job == NULL || w->deadline == 0)
			continue;
		if (mono >= w->deadline) {
			what = xasprintf("timed out after %u s",
			    p->config->job_timeout_s);
			worker_lost(p, w, what);
			free(what);
		} else if (next == 0 || w->deadline < next)
			next = w->deadline;
	}
	return next;
}

void
pipeline_workflows(struct pipeline *p)
{
	size_t n;

	(void)engine_run_timers(&p->wf, now_ms(), &n);
}

void
pipeline_reload(struct pipeline *p)
{
	if (p->own_cat != NULL)
		(void)catalog_reload_workflows(p->own_cat);
	(void)engine_reload(&p->wf);
}
