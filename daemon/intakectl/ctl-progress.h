/*
 * ctl-progress.h - a progress line on standard error for intakectl
 * commands that go through many items (extract: files; ocr and
 * reprocess: pages; backup: bytes of the database).
 */
#ifndef INTAKE_CTL_PROGRESS_H
#define INTAKE_CTL_PROGRESS_H

#include "intake.h"

/* How often the line is redrawn at most. */
#define PROGRESS_EVERY_MS	250

/*
 * "extract: 3 of 12 files, 0.5/s, 18 s left", redrawn in place with \r,
 * only when standard error is a terminal: nothing is written to a pipe
 * or a file.  The rate and the time left appear after a second.
 */
struct progress {
	const char	*what;		/* the lead, "extract" (borrowed) */
	const char	*unit;		/* "files", "pages"; NULL: bytes; "":
					   no count, only the time taken:
					   "WHAT, 3 s" */
	int64_t		 done, total;	/* total 0: not known */
	int64_t		 start_ms, drawn_ms;
	int		 width;		/* of the line on the screen; 0: none */
	bool		 on;		/* standard error is a terminal */
	bool		 job_pages;	/* ctl_job_run counts the pages it reads
					   in done */
};

/* Starts a progress line (nothing drawn yet); what and unit must live
 * as long as it. */
void	progress_init(struct progress *, const char *what, const char *unit,
	    int64_t total);
/* done items of total (0: not known); draws the line when it was not
 * drawn yet or PROGRESS_EVERY_MS have passed since. */
void	progress_set(struct progress *, int64_t done, int64_t total);
/* Clears the line from the screen (p NULL: nothing), before something
 * else is printed on the terminal; the next progress_set may draw it
 * again. */
void	progress_hide(struct progress *);

#endif
