/*
 * ctl-passwd.c - intakectl passwd: a person's password for intake-web,
 * kept as an Argon2id hash (libsodium) in the password file that <web>
 * names, which is replaced atomically, mode 0640, in the web user's
 * group.  The password is read from the terminal without echo, twice,
 * or as one line of standard input.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "intake.h"
#include "ctl.h"

#define PASSWD_MIN	8
#define PASSWD_MAX	1024

/* One line of standard input into buf, after prompt on a terminal
 * (without echo).  false at its end. */
static bool
read_secret(const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	bool tty = isatty(0) && tcgetattr(0, &old) == 0, ok;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		(void)tcsetattr(0, TCSAFLUSH, &quiet);
	}
	ok = fgets(buf, (int)len, stdin) != NULL;
	if (tty) {
		(void)tcsetattr(0, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

int
cmd_passwd(struct ctl *c, const struct ctl_args *a)
{
	const struct web_conf *w = &c->config.web;
	const char *name = a->argv[0];
	char pw[PASSWD_MAX], again[PASSWD_MAX], hash[crypto_pwhash_STRBYTES];
	struct passwd *wu;
	int rc = 1, err;

	if (w->listen == NULL) {
		fprintf(stderr, "intakectl: %s has no <web>: intake-web reads "
		    "no passwords\n", c->config.file ? c->config.file :
		    "the configuration");
		return 1;
	}
	if (!pwfile_name_ok(name)) {
		fprintf(stderr, "intakectl: \"%s\" is no name for a person: say "
		    "letters, digits and ._@- (at most 64)\n", name);
		return 2;
	}
	if ((wu = getpwnam(w->user)) == NULL) {
		fprintf(stderr, "intakectl: web user \"%s\": no such user\n",
		    w->user);
		return 1;
	}
	if (ctl_opt(a, "remove") != NULL) {
		if ((err = pwfile_set(w->passwords, name, NULL,
		    wu->pw_gid)) == 0)
			return 0;
		fprintf(stderr, "intakectl: %s: %s\n", w->passwords,
		    err == INTAKE_ENOENT ? "no such person" : strerror(-err));
		return 1;
	}
	if (sodium_init() < 0 || !read_secret("Password: ", pw, sizeof(pw)))
		goto done;
	if (isatty(0) && (!read_secret("Again: ", again, sizeof(again)) ||
	    strcmp(pw, again) != 0)) {
		fprintf(stderr, "intakectl: the passwords differ\n");
		goto done;
	}
	if (strlen(pw) < PASSWD_MIN) {
		fprintf(stderr, "intakectl: a password needs at least %d "
		    "characters\n", PASSWD_MIN);
		goto done;
	}
	if (crypto_pwhash_str(hash, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		fprintf(stderr, "intakectl: out of memory hashing the "
		    "password\n");
		goto done;
	}
	if ((err = pwfile_set(w->passwords, name, hash, wu->pw_gid)) != 0)
		fprintf(stderr, "intakectl: %s: %s\n", w->passwords,
		    err == INTAKE_EINVAL ? "cannot be written" :
		    strerror(-err));
	else
		rc = 0;
done:
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(again, sizeof(again));
	return rc;
}
