/*
 * pipeline.h - from a spooled delivery to a case, with worker processes.
 */
#ifndef INTAKE_PIPELINE_H
#define INTAKE_PIPELINE_H

#include <poll.h>

#include "intake.h"
#include "pool.h"
#include "engine.h"
#include "ledger.h"

struct pipeline {
	struct ledger	*ledger;
	const struct config *config;
	const struct catalog *cat;	/* borrowed: templates, workflows */
	struct catalog	*own_cat;	/* pipeline_init's own, or NULL */
	struct pool	 pool;
	struct template	**tpls;		/* every form some inbox reads (the
					 * catalog's) */
	size_t		 ntpls;
	struct engine wf;		/* the workflows cases run through */
	int64_t		*queue;		/* deliveries waiting for a worker */
	size_t		 nqueue, capqueue;
	int64_t		*held;		/* copies waiting for their first */
	size_t		 nheld;
	int64_t		 start_after;	/* no new worker before (monotonic ms) */
	unsigned	 start_failures;	/* in a row, reset by a hello */
	bool		 reread_asked;	/* a case waits to be read again */
	int64_t		 reread_running;	/* the request a worker reads, or 0 */
	struct job_state **done;	/* jobs whose cases are to be opened
					 * together, at the end of the round
					 * of worker messages */
	size_t		 ndone;
};

/* Starts the workers; the templates and workflows are borrowed from cat
 * (the daemon's, loaded once with catalog_load), which must outlive the
 * pipeline. */
int	pipeline_init_catalog(struct pipeline *, struct ledger *,
	    const struct catalog *cat);
/* The same with a catalog of its own, loaded here for c. */
int	pipeline_init(struct pipeline *, struct ledger *, const struct config *);
void	pipeline_release(struct pipeline *);
/* Checks a spooled delivery (checksum, duplicates, limits) and queues it
 * for a worker; safe to call again for the same delivery. */
int	pipeline_submit(struct pipeline *, int64_t delivery_id);
/* The same for n deliveries at once (what the ledger took as a batch):
 * their checksums are recorded in one transaction.  The first error, or
 * 0. */
int	pipeline_submit_batch(struct pipeline *, const int64_t *ids, size_t n);
/* Hands queued deliveries to idle workers, starting workers as needed;
 * nothing while intake waits for a passing error (the ledger's wait). */
void	pipeline_dispatch(struct pipeline *);
/* Fills pfd with the workers' sockets; returns how many. */
size_t	pipeline_pollfds(struct pipeline *, struct pollfd *pfd, size_t max);
/* Reads what the workers sent (pfd as filled and polled). */
void	pipeline_events(struct pipeline *, const struct pollfd *pfd, size_t n);
/* Ends jobs past their deadline; returns the next deadline (monotonic
 * ms) or 0 when no job runs. */
int64_t	pipeline_timeouts(struct pipeline *, int64_t mono);
/* Fires the workflows' due timers (actions.c runs their actions). */
void	pipeline_workflows(struct pipeline *);
/* Looks for cases people asked to be read again (intakectl reprocess
 * and classify); pipeline_dispatch gives them to a worker before any
 * delivery, one at a time. */
void	pipeline_rereads(struct pipeline *);
/* Takes the workflows again (SIGHUP), after catalog_reload_workflows()
 * of a borrowed catalog; its own catalog is read again here. */
void	pipeline_reload(struct pipeline *);
/* No delivery queued and no job running. */
bool	pipeline_idle(const struct pipeline *);

#endif
