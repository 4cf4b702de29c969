/*
 * intake.h - the declarations every intake program shares: errors,
 * logging, utilities, JSON, the configuration and the pages workers report.
 *
 * One section per implementing file.  Nothing here is installed: the only
 * public interface is the plugin API in include/intake/.  Nothing here
 * speaks SQL: the store has its own header (store/store.h), which the
 * worker cannot see.
 */
#ifndef INTAKE_H
#define INTAKE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define PRINTF_LIKE(f, a)	__attribute__((format(printf, f, a)))
#define NORETURN		__attribute__((noreturn))

/*
 * Error returns: 0 success, a negative value on failure.  A failure is
 * either intake's own code below or -errno from a system call; intake's
 * codes lie below -INTAKE_ERRNO_MAX (Linux's MAX_ERRNO), so no -errno is
 * ever taken for one and a function may return both kinds (its comment
 * says so).  Each is 4096 below the small number it once was, so its low
 * byte, and an exit status made of it, are unchanged.
 */
#define INTAKE_ERRNO_MAX 4095
#define INTAKE_OK	0
#define INTAKE_ERR	(-4097)	/* failed; the message has been logged */
#define INTAKE_EBUSY	(-4098)	/* the database stayed locked past busy_timeout */
#define INTAKE_ENOENT	(-4099)	/* the object asked for does not exist */
#define INTAKE_EINVAL	(-4100)	/* the input was refused (bad value, bad file) */
#define INTAKE_EAGAIN	(-4101)	/* the database cannot be written now: the disk
				   is full or failing (transient.h) */
_Static_assert(INTAKE_ERR < -INTAKE_ERRNO_MAX &&
    INTAKE_EBUSY < -INTAKE_ERRNO_MAX && INTAKE_ENOENT < -INTAKE_ERRNO_MAX &&
    INTAKE_EINVAL < -INTAKE_ERRNO_MAX && INTAKE_EAGAIN < -INTAKE_ERRNO_MAX,
    "intake's error codes must be "
    "disjoint from -errno");
_Static_assert(INTAKE_ERR != INTAKE_EBUSY && INTAKE_ERR != INTAKE_ENOENT &&
    INTAKE_ERR != INTAKE_EINVAL && INTAKE_EBUSY != INTAKE_ENOENT &&
    INTAKE_EBUSY != INTAKE_EINVAL && INTAKE_ENOENT != INTAKE_EINVAL,
    "intake's error codes must differ");
/* Is rc a -errno (and not 0 nor one of intake's codes)? */
#define INTAKE_IS_ERRNO(rc)	((rc) < 0 && (rc) >= -INTAKE_ERRNO_MAX)

/* log.c */
enum log_level { LOG_LEVEL_ERR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };
/* Sends log lines to stderr (foreground) or syslog.  progname is borrowed. */
void	log_init(const char *progname, bool foreground, enum log_level);
/* Sets the subject printed at the head of every following line
 * ("delivery 12", "case 7"); NULL clears it.  The text is copied. */
void	log_subject(const char *fmt, ...) PRINTF_LIKE(1, 2);
void	log_clear_subject(void);
void	log_err(const char *fmt, ...) PRINTF_LIKE(1, 2);
void	log_warn(const char *fmt, ...) PRINTF_LIKE(1, 2);
void	log_info(const char *fmt, ...) PRINTF_LIKE(1, 2);
void	log_debug(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A problem in a file an admin wrote, to stderr: "file:line: message",
 * "file: message" when no line is known (line <= 0), the message alone
 * when file is NULL.  The one way such problems are printed. */
void	report_at(const char *file, int line, const char *fmt, ...)
	    PRINTF_LIKE(3, 4);
void	vreport_at(const char *file, int line, const char *fmt, va_list ap)
	    PRINTF_LIKE(3, 0);
/* The problems found in one file an admin wrote. */
struct problems {
	const char	*file;		/* borrowed; NULL: the command line */
	int		 errors;	/* counted by problem_at() */
};
/* Reports "file:line: message" (report_at) and counts it. */
void	problem_at(struct problems *, int line, const char *fmt, ...)
	    PRINTF_LIKE(3, 4);
/* Reports "file:line: warning: message"; a warning is not counted. */
void	warning_at(const struct problems *, int line, const char *fmt, ...)
	    PRINTF_LIKE(3, 4);
/* A broken invariant or out of memory: logs and exits with status 3. */
void	fatal(const char *fmt, ...) PRINTF_LIKE(1, 2) NORETURN;

/* fault.c: test-only fault points (INTAKE_DAEMON_FAULT="point:script");
 * reaching one runs "sh script point detail" and waits for it.  Inert
 * without the variable. */
void	 fault_point(const char *point, const char *detail);
/* The same at a point that may fail: -errno from the script's exit status
 * (1 to 125), else 0. */
int	 fault_errno(const char *point, const char *detail);

/* fsat.c: file-system steps relative to descriptors the caller opened,
 * never following a link, for folders that someone else can write (an
 * inbox) and for what is taken from them.  Each returns 0 or -errno. */
/* Opens name in dirfd for reading without following a link or blocking
 * (O_NOFOLLOW|O_NONBLOCK, cleared once open) and checks with fstat that
 * it is a regular file or, when dir_ok, a folder (st receives it): a FIFO,
 * device, socket or link is -EINVAL.  Returns the descriptor or -errno. */
struct stat;
int	 open_content_at(int dirfd, const char *name, bool dir_ok,
	    struct stat *st);
/* Opens the folder name in dirfd (O_DIRECTORY|O_NOFOLLOW); fd or -errno. */
int	 open_dir_at(int dirfd, const char *name);
/* Removes name in dirfd, a file or a whole tree, descending by openat and
 * removing by unlinkat: a link met on the way (also one swapped in while
 * it runs) is removed itself, never followed.  A missing name is 0. */
int	 remove_tree_at(int dirfd, const char *name);
/* Empties the folder name in dirfd as remove_tree_at() would, but keeps
 * its entry keep (NULL: nothing is kept) and the folder itself. */
int	 clear_dir_at(int dirfd, const char *name, const char *keep);
/* Copies name in sdirfd (a regular file or a folder) to dname in ddirfd,
 * which must not exist: new files (fmode) and folders (0750) of the
 * calling process, each fsynced.  Links, FIFOs and devices inside a
 * folder are skipped; as the top itself they are -EINVAL. */
int	 copy_tree_at(int sdirfd, const char *sname, int ddirfd,
	    const char *dname, mode_t fmode);
/* The same without an fsync of each file and folder: the caller makes
 * the copy durable, with fs_sync() once for many. */
int	 copy_tree_unsynced_at(int sdirfd, const char *sname, int ddirfd,
	    const char *dname, mode_t fmode);
/* Makes everything written to the file system of fd durable (syncfs(2);
 * where there is none, sync(2) of all of them); 0 or -errno. */
int	 fs_sync(int fd);
/* Writes data as the new file tmp in dirfd (O_CREAT|O_EXCL|O_NOFOLLOW,
 * mode, group gid unless it is -1), fsyncs it and renames it to name. */
int	 write_file_at(int dirfd, const char *tmp, const char *name,
	    const char *data, size_t len, mode_t mode, gid_t gid);

/* pwfile.c: intake-web's password file, "name:hash" a line (Argon2id
 * strings; the callers hash and verify with libsodium). */
/* Whether s may name a person there (and to the control socket):
 * letters, digits, "._@-", not starting with "-", at most 64 bytes. */
bool	 pwfile_name_ok(const char *s);
/* The hash of name into *hash (the caller's): 0, INTAKE_ENOENT when the
 * file has no such person, or -errno. */
int	 pwfile_lookup(const char *path, const char *name, char **hash);
/* Sets name's hash (hash NULL: removes name), replacing the file
 * atomically as mode 0640, group gid (-1: the caller's).  0,
 * INTAKE_EINVAL for a name or hash that cannot be written, INTAKE_ENOENT
 * when removing someone who is not there, or -errno. */
int	 pwfile_set(const char *path, const char *name, const char *hash,
	    gid_t gid);

/* rejected.c: an inbox's rejected folder.  Opens rel (relative to the
 * folder base, or absolute: then below base when it is under it, else
 * below the folder above it) without following a link at any step,
 * making its last component when missing and create is true, and
 * checks that it belongs to root or the calling user and is writable by
 * no one else.  0 with *fd (the caller's) and *gid (the folder's group);
 * INTAKE_ENOENT when it is missing and create is false; else INTAKE_ERR
 * with *why (the caller's) saying what is wrong and what to do. */
int	 rejected_open(const char *base, const char *rel, bool create, int *fd,
	    gid_t *gid, char **why);

/* util.c */
void	*xcalloc(size_t n, size_t size);
void	*xreallocarray(void *p, size_t n, size_t size);
/* Grows an array by one zeroed element at its end and returns that
 * element: arrayp is the address of the array's pointer (of any object
 * type: &c->roles), *n its count, counting the new one on return, size
 * an element's bytes. */
void	*array_add(void *arrayp, size_t *n, size_t size);
char	*xstrdup(const char *s);
/* Returns a malloc'd string owned by the caller. */
char	*xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
char	*path_join(const char *dir, const char *name);
int64_t	 now_ms(void);		/* CLOCK_REALTIME in milliseconds */
int64_t	 mono_ms(void);		/* CLOCK_MONOTONIC in milliseconds */
/* In a child about to exec: the signal mask and SIGPIPE as a new program
 * expects them, not as the daemon keeps them (blocked, ignored). */
void	 child_signals_default(void);
/* Creates dir and its parents with mode; 0 or -errno. */
int	 mkdir_p(const char *dir, mode_t mode);
/* fsync(2) on a directory so a rename or unlink in it is durable. */
int	 fsync_dir(const char *dir);
/* Removes a file or a whole tree by remove_tree_at() in the folder above
 * it (no link below that folder is followed); 0 or -errno. */
int	 remove_tree(const char *path);
/* Copies a file or tree from src to dst (which must not exist) by
 * copy_tree_at() between the folders above them (files 0640, fsynced);
 * links and special files inside are not copied.  0 or -errno. */
int	 copy_tree(const char *src, const char *dst);
/* Calls fn for path and, depth first, everything below it (symlinks are
 * not followed); rel is the name relative to the first path ("" for it).
 * Stops at the first non-zero return of fn and returns it, or -errno. */
struct stat;
int	 tree_walk(const char *path, const char *rel,
	    int (*fn)(const char *path, const char *rel, const struct stat *,
	    void *), void *arg);
/* Sums the regular files under path (or path itself): bytes, count and
 * the latest of their mtimes and ctimes.  0 or -errno. */
int	 tree_stat(const char *path, int64_t *bytes, int64_t *files,
	    int64_t *mtime_ms, int64_t *ctime_ms);
/* Reads a whole regular file of at most max bytes into *buf (the
 * caller's, NUL-terminated); 0, -EFBIG when larger, -EISDIR when not a
 * regular file, or -errno. */
int	 file_read_all(const char *path, size_t max, char **buf, size_t *len);
/* The names of the *.xml files of dir (no hidden ones), sorted; the
 * vector and names are the caller's.  0 or -errno. */
int	 xml_files(const char *dir, char ***names, size_t *n);
/* Splits a list of names separated by blanks or commas ("clerk,
 * supervisor") and appends each to the *n of *out (the caller's, freed
 * with strv_free); s NULL: none. */
void	 names_split(const char *s, char ***out, size_t *n);
/* Frees n strings of v, then v. */
void	 strv_free(char **v, size_t n);
/* The index of the first of the n strings of v equal to s, or -1. */
ssize_t	 strv_find(char *const *v, size_t n, const char *s);
/* Closes fd unless it is -1 (none). */
void	 fd_close(int fd);
/* Frees the string (char *) that each of the n elements of v, size bytes
 * apart, holds at offset off, then v itself. */
void	 free_each_string(void *v, size_t n, size_t size, size_t off);
/* Formats a UTC time "2026-11-26T14:30:12Z" into buf (at least 21 bytes). */
char	*fmt_time(int64_t ms, char *buf, size_t len);

/* text.c: text from outside (names, manifests, OCR) made safe to print. */
/* The length (1 to 4) of the valid UTF-8 sequence s begins with (of at
 * most n bytes), its code point in *cp; 0 when s begins none: a stray
 * continuation byte, a short sequence, an overlong form, a surrogate
 * (U+D800 to U+DFFF) or a code point above U+10FFFF. */
size_t	 utf8_seq(const char *s, size_t n, uint32_t *cp);
/* s rendered for one line of a terminal or a log, losslessly: printable
 * UTF-8 as it is, a backslash doubled, \n \r \t, and \xNN for every
 * other byte of a control character (C0, DEL, C1, line separators,
 * directional overrides) and every byte that is not valid UTF-8.  A new
 * string, the caller's; "-" for NULL. */
char	*safe_text(const char *s);
/* The same into out, which must hold 4 * strlen(s) + 1 bytes (for
 * callers that must not allocate); the length written (out NULL: only
 * counted). */
size_t	 safe_text_to(char *out, const char *s);
/* Writes safe_text(s) to f, then blanks up to width columns. */
void	 safe_put(FILE *f, const char *s, size_t width);
/* The columns a terminal gives s (its code points; combining marks none,
 * wide East Asian ones two; a byte that is not UTF-8 one). */
size_t	 text_width(const char *s);
/* Undoes safe_text() and the escapes json_str() puts into a string:
 * "\\" a backslash, \xNN that byte, \n \r \t those; a new string, the
 * caller's. */
char	*text_unescape(const char *s);

/* json.c: writers for one JSON object per line. */
/* s quoted and escaped, always valid UTF-8 (json.c says how), or null. */
void	json_str(FILE *, const char *s);
void	json_key_str(FILE *, bool *first, const char *key, const char *val);
void	json_key_int(FILE *, bool *first, const char *key, int64_t val);
void	json_key_null(FILE *, bool *first, const char *key);
/* An id, null when it is 0 (none). */
void	json_key_id(FILE *, bool *first, const char *key, int64_t id);
/* A time as UTC "2026-11-26T14:30:12Z". */
void	json_key_time(FILE *, bool *first, const char *key, int64_t ms);
void	json_key_raw(FILE *, bool *first, const char *key, const char *raw);
/* The members of one JSON object written one by one to f (first: none
 * yet), for writers that take a value at a time (struct row_out). */
struct json_obj {
	FILE	*f;
	bool	 first;
};
void	json_obj_text(void *obj, const char *key, const char *val);
void	json_obj_num(void *obj, const char *key, int64_t val);
/* The value of key in a flat object of string values, as the writers
 * above make it; a new string (the caller's), or NULL when absent or
 * malformed. */
char	*json_get_str(const char *obj, const char *key);
/* Every key and value of such an object, in order (vectors and strings
 * the caller's: json_pairs_free); 0 or INTAKE_EINVAL when malformed. */
int	json_pairs(const char *obj, char ***keys, char ***vals, size_t *n);
void	json_pairs_free(char **keys, char **vals, size_t n);

/* match.c: the ignore list of an inbox. */
/* Returns the default or configured pattern that name matches, or NULL. */
const char *match_ignored(const char *name, char *const *extra, size_t nextra);
/* Names inside a delivery that are junk rather than content. */
bool	 match_junk(const char *name);

/* config.c */
enum watch_mode { WATCH_AUTO, WATCH_INOTIFY, WATCH_POLL };
enum dup_policy { DUP_FLAG, DUP_REJECT };

/* Folders searched in order (template folders), each with the line of
 * intake.conf that names it. */
struct dir_list {
	char		**dirs;
	int		 *lines;
	size_t		  n;
};

struct inbox_conf {
	char		*path;
	enum watch_mode	 mode;
	unsigned	 poll_ms;	/* polling interval */
	unsigned	 settle_ms;	/* unchanged for this long = complete */
	char		**ignore;	/* patterns added to the defaults */
	size_t		 nignore;
	char		*rejected;	/* folder for refused files */
	enum dup_policy	 duplicates;
	char		*workflow;	/* workflow id; NULL: by form */
	struct dir_list	 templates;	/* its own template folders, searched
					 * before the installation's */
	char		*lang;		/* OCR languages; NULL: global */
	int		 line;		/* where it was configured */
};

/* A role and the Unix users and groups that have it. */
struct role_conf {
	char		*name;
	char		**users;
	size_t		 nusers;
	char		**groups;
	size_t		 ngroups;
	int		 line;
};

/* <web>: intake-web, the browser's workspace (intake-web(8)). */
/* <auth cert>: which part of a client certificate's subject is the
 * person's name as <roles> lists it. */
enum web_cert {
	WEB_CERT_NONE = 0,	/* no sign-in by certificate */
	WEB_CERT_CN,		/* the common name */
	WEB_CERT_EMAIL,		/* the e-mail address (subjectAltName, else
				 * the subject's emailAddress) */
	WEB_CERT_UID		/* the subject's userid (LDAP UID) */
};

struct web_conf {
	char		*listen;	/* "127.0.0.1:8470", or a Unix socket's
					 * path; NULL: no <web> */
	char		*user;		/* the unprivileged user it runs as */
	char		*origin;	/* the address people open ("https://
					 * intake.example"); NULL: the listen one */
	unsigned	 idle_s;	/* a session ends after this long unused */
	char		*auth_header;	/* <auth header>: NULL, none */
	char		**auth_from;	/* the addresses it is believed from */
	size_t		 nauth_from;
	char		*passwords;	/* <passwords file> */
	enum web_cert	 auth_cert;	/* <auth cert>: the name a client
					 * certificate gives */
	int		 auth_line;	/* where <auth> is */
	/* <tls>: HTTPS (NULL cert: plain HTTP); the key is read by
	 * intaked, as root, and handed to intake-web */
	char		*tls_cert, *tls_key;
	char		*tls_ca;	/* <tls client-ca>: the CA of the
					 * certificates people sign in with */
	char		*tls_priorities;	/* GnuTLS's priority string */
	int		 tls_line;	/* where <tls> is */
	int		 line;		/* where <web> is */
};

struct config {
	char		*file;		/* NULL: built-in defaults */
	char		*data_dir;
	char		*user;		/* unprivileged user when run as root */
	char		*lang;		/* OCR languages, "deu+eng"; "none" */
	int		 lang_line;	/* where <ocr lang> is; 0: the default */
	bool		 pdf;		/* write a searchable PDF per case */
	unsigned	 workers;	/* 0: number of cores */
	unsigned	 rescan_s;	/* full rescan of every inbox */
	uint64_t	 max_delivery;	/* bytes; larger deliveries are refused */
	/* unpacking: what a worker may take on for one delivery */
	uint64_t	 max_unpacked;	/* uncompressed bytes in all */
	unsigned	 max_members;	/* archive members in all */
	unsigned	 max_ratio;	/* compression ratio of a bomb */
	unsigned	 max_depth;	/* archives inside archives */
	unsigned	 max_page_width;
	unsigned	 max_page_height;
	uint64_t	 max_pixels;
	unsigned	 max_pages;
	/* workers */
	unsigned	 job_timeout_s;	/* one job's wall-clock limit */
	unsigned	 attempts;	/* tries before a delivery is quarantined */
	unsigned	 worker_jobs;	/* jobs before a worker is replaced */
	unsigned	 worker_memory_mb;
	char		*workflows;	/* NULL: the installed ones */
	struct dir_list	 templates;	/* the admin's template folders, searched
					 * before the shipped ones */
	bool		 shipped_templates;	/* search the shipped folder too */
	/* actions: intake-action runs each attempt with its plugins */
	char		*plugins;	/* the loadable plugins' folder */
	unsigned	 action_timeout_ms;	/* one attempt's limit */
	unsigned	 action_tries;	/* attempts before action-failed */
	unsigned	 action_backoff_ms;	/* before the first retry */
	unsigned	 action_parallel;	/* attempts running at once */
	char		*control;	/* the control socket */
	struct web_conf	 web;
	struct role_conf *roles;
	size_t		 nroles;
	struct inbox_conf *inboxes;
	size_t		 ninboxes;
};

#define CONFIG_FILE_DEFAULT	SYSCONFDIR "/intake/intake.conf"

/* The options both daemons (intaked, intake-web) take, for getopt_long
 * (<getopt.h>): -c FILE, -f, -n, -h and -V, each with its long name. */
#define DAEMON_OPTIONS	\
	{ "config", required_argument, NULL, 'c' }, { "foreground", \
	no_argument, NULL, 'f' }, { "check", no_argument, NULL, 'n' }, \
	{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' }
#define DATA_DIR_DEFAULT	LOCALSTATEDIR "/lib/intake"
#define CONTROL_DEFAULT		LOCALSTATEDIR "/run/intake/intaked.sock"
#define PLUGINS_DEFAULT		PKGLIBDIR "/plugins"
#define WEB_PASSWORDS_DEFAULT	SYSCONFDIR "/intake/web-passwords"
#define WEB_IDLE_DEFAULT	1800	/* seconds */
/* <tls priorities>' default: TLS 1.2 and 1.3 only, forward secrecy,
 * AEAD ciphers only (no CBC, RC4, 3DES, SHA-1 MACs) */
#define WEB_TLS_PRIORITIES	"SECURE128:-VERS-ALL:+VERS-TLS1.3:" \
	"+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:+CHACHA20-POLY1305:" \
	"+AES-128-GCM:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:" \
	"+DHE-RSA:%SERVER_PRECEDENCE"
/* A <tls> file intake-web reads, at most (bytes). */
#define WEB_TLS_FILE_MAX	(1u << 20)

/* Fills c with the built-in defaults (no inbox). */
void	config_init(struct config *c);
/* Loads and validates path against the schema; on error prints
 * "file:line: message" lines to stderr and returns INTAKE_EINVAL. */
int	config_load(struct config *c, const char *path);
/* Adds an inbox with default settings; path is copied. */
struct inbox_conf *config_add_inbox(struct config *c, const char *path);
/* Checks what the schema cannot (folders exist, no inbox inside the data
 * directory); prints problems, returns 0 or INTAKE_EINVAL. */
int	config_check(const struct config *c);
void	config_release(struct config *c);
/* Frees what w holds and empties it. */
void	web_conf_release(struct web_conf *w);
/* Checks what the schema cannot see of <web>: its user, its address,
 * <auth>, and <tls>'s files (there, readable by the web user but the
 * key, which only root may read); prints file:line problems, returns 0
 * or INTAKE_EINVAL.  (config_check does it too.) */
int	config_check_web(const struct config *c);
/* Runs intake-web -n on c's file, which checks <web> as intake-web
 * would, <tls>'s files with GnuTLS (the key, which only root can read,
 * is the certificate's); its problems go to standard error as
 * file:line.  0, INTAKE_EINVAL, or INTAKE_ENOENT when intake-web is not
 * installed. */
int	config_check_with_web(const struct config *c);
/* Checks that the template folders (the installation's and each inbox's)
 * are readable folders; prints problems as file:line, returns 0 or
 * INTAKE_EINVAL.  (config_check does it too.) */
int	config_check_templates(const struct config *c);
/* Frees the folders of l and empties it. */
void	dir_list_release(struct dir_list *l);
/* Drops every configured inbox (command-line inboxes replace them). */
void	config_clear_inboxes(struct config *c);
/* The folder of the workflows: configured, else the installed ones
 * (caller frees). */
char	*config_workflows(const struct config *c);
/* The roles configured: names only (caller frees the vector, not the
 * strings, which c owns), and those of a user and their groups. */
char	**config_role_names(const struct config *c, size_t *n);
char	**config_user_roles(const struct config *c, const char *user,
	    size_t *n);
/* The folder holding the schemas and shipped templates and workflows. */
const char *config_datadir(void);

/* jobmsg.c: the pages a worker reports, as the daemon records them. */
/* One page image of a case, as a worker stored it. */
struct page_row {
	uint32_t	 seq;		/* 1, 2, ... in the case's order */
	char		*source;	/* the delivered file */
	char		*member;	/* the name inside an archive, or NULL */
	uint32_t	 page_no;	/* the page inside source/member */
	uint32_t	 width, height, depth, xres, yres;
	char		*sha256;
	char		*path;		/* the stored image */
	int64_t		 bytes;
	/* OCR: the corrections applied and what was read */
	bool		 read;		/* OCR ran on this page */
	int		 rotation;	/* degrees turned clockwise */
	double		 skew;		/* degrees straightened */
	int		 confidence;	/* mean word confidence, 0 .. 100 */
	char		*text;
	struct word_row	*words;
	size_t		 nwords;
};

/* One word OCR read, in the corrected page's pixels. */
struct word_row {
	char		*text;
	int		 x, y, w, h;
	double		 conf;		/* 0 .. 100 */
	int		 block, line;
};
void	page_row_release(struct page_row *);

#endif /* INTAKE_H */
