/*
 * readset.h - the files and folders a load read (the configuration, its
 * schemas, the templates, the workflows and their holidays), noted while
 * it read them, so that a process which keeps what it loaded can tell
 * later, by a stat of each, whether any of them changed since.
 *
 * While a readset is recording, file_read_all() notes each file it
 * opens and xml_files() each folder it lists, as they were when read
 * (or that they were missing); catalog.c notes the template folders it
 * looks for.  Only one readset records at a time, in one thread.
 */
#ifndef INTAKE_READSET_H
#define INTAKE_READSET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

struct readset_file;

struct readset {
	struct readset_file *files;	/* ours */
	size_t		 n;
	int64_t		 at_ms;		/* wall clock when recording began */
};

/* Empties rs and makes it the readset that notes what is read, until
 * readset_stop(). */
void	readset_record(struct readset *rs);
void	readset_stop(void);
/* Notes path as st says it was when read, or (st NULL) that it could
 * not be opened; nothing when no readset records. */
void	readset_note(const char *path, const struct stat *st);
/* Notes path as stat(2) finds it now (following links, as access(2)
 * does). */
void	readset_note_path(const char *path);
/* Whether any file or folder of rs differs now from when it was read:
 * another file under its name, another size, time of change or of
 * modification, or there now or no longer.  One that changed less than
 * READSET_RACY_MS before rs began recording counts as changed (a second
 * change within the file system's clock tick shows no new time), until
 * it is read again. */
#define READSET_RACY_MS	2000
bool	readset_changed(const struct readset *rs);
void	readset_release(struct readset *rs);

#endif
