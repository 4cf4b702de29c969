/*
 * test_config.c - unit tests for daemon/libintake/config.c, daemon/libintake/match.c
 * and the names lists of roles (names_split in util.c).
 *
 * config_load() validates against workflows/schema/intake-config.xsd,
 * found through INTAKE_DATADIR; make check exports it.  Run by hand from
 * the top of the source tree, the test finds ./workflows itself.
 *
 * Every configuration file is written by the test into a fresh temporary
 * folder; what config_load() and config_check() print to stderr is caught
 * in a file so the "file:line: message" form can be asserted.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "store.h"
#include "xmlsafe.h"

#define NS_ROOT	"<intake xmlns=\"urn:intake:config:1\" version=\"1\">\n"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

static char *tmp;		/* the test's own folder */

static void
setup(void)
{
	ck_assert_msg(getenv("INTAKE_DATADIR") != NULL,
	    "INTAKE_DATADIR must name the source tree's workflows folder");
	tmp = unit_tmpdir();
}

static void
teardown(void)
{
	if (tmp != NULL) {
		remove_tree(tmp);
		free(tmp);
		tmp = NULL;
	}
}

/* A whole file as a string; the caller frees it. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n = 0;

	ck_assert_ptr_nonnull(f);
	buf = xcalloc(1, 65536 + 1);
	n = fread(buf, 1, 65536, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Writes text to tmp/name and returns the path (caller frees). */
static char *
conf_file(const char *name, const char *text)
{
	char *path = path_join(tmp, name);

	unit_write(path, text);
	return path;
}

/* stderr goes to a file between capture_start() and capture_end(), which
 * returns what was written (caller frees). */
static int saved_stderr = -1;
static char *capture_path;

static void
capture_start(void)
{
	int fd;

	capture_path = path_join(tmp, "stderr.txt");
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	fd = open(capture_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	close(fd);
}

static char *
capture_end(void)
{
	char *text;

	fflush(stderr);
	ck_assert_int_ge(dup2(saved_stderr, STDERR_FILENO), 0);
	close(saved_stderr);
	saved_stderr = -1;
	text = slurp(capture_path);
	free(capture_path);
	capture_path = NULL;
	return text;
}

/* Loads path into a fresh config, returning config_load()'s value and
 * in *err what it printed. */
static int
load_capture(struct config *c, const char *path, char **err)
{
	int rc;

	config_init(c);
	capture_start();
	rc = config_load(c, path);
	*err = capture_end();
	return rc;
}

static int
check_capture(const struct config *c, char **err)
{
	int rc;

	capture_start();
	rc = config_check(c);
	*err = capture_end();
	return rc;
}

/* Asserts that err holds "path:line:" (and, when given, the text). */
static void
assert_reported(const char *err, const char *path, int line, const char *text)
{
	char *where = xasprintf("%s:%d:", path, line);

	ck_assert_msg(strstr(err, where) != NULL,
	    "expected \"%s\" in:\n%s", where, err);
	if (text != NULL)
		ck_assert_msg(strstr(err, text) != NULL,
		    "expected \"%s\" in:\n%s", text, err);
	free(where);
}

/* ---- defaults ----------------------------------------------------------- */

START_TEST(test_init_defaults)
{
	struct config c;

	config_init(&c);
	ck_assert_ptr_null(c.file);
	ck_assert_str_eq(c.data_dir, DATA_DIR_DEFAULT);
	ck_assert_str_eq(c.lang, "deu+eng");
	ck_assert_uint_eq(c.rescan_s, 60);
	ck_assert_uint_eq(c.max_delivery, 512ULL * 1024 * 1024);
	ck_assert_uint_eq(c.workers, 0);
	ck_assert_ptr_null(c.user);
	ck_assert_uint_eq(c.ninboxes, 0);
	ck_assert_ptr_null(c.inboxes);
	config_release(&c);
}
END_TEST

START_TEST(test_add_inbox_defaults)
{
	struct config c;
	struct inbox_conf *in;

	config_init(&c);
	in = config_add_inbox(&c, "/srv/scan");
	ck_assert_uint_eq(c.ninboxes, 1);
	ck_assert_ptr_eq(in, &c.inboxes[0]);
	ck_assert_str_eq(in->path, "/srv/scan");
	ck_assert_int_eq(in->mode, WATCH_AUTO);
	ck_assert_uint_eq(in->poll_ms, 5000);
	ck_assert_uint_eq(in->settle_ms, 5000);
	ck_assert_str_eq(in->rejected, "_rejected");
	ck_assert_int_eq(in->duplicates, DUP_FLAG);
	ck_assert_uint_eq(in->nignore, 0);
	ck_assert_int_eq(in->line, 0);
	config_add_inbox(&c, "/srv/fax");
	config_clear_inboxes(&c);
	ck_assert_uint_eq(c.ninboxes, 0);
	ck_assert_ptr_null(c.inboxes);
	ck_assert_str_eq(c.lang, "deu+eng");
	config_release(&c);
}
END_TEST

/* ---- a full, valid file ------------------------------------------------- */

START_TEST(test_load_full)
{
	struct config c;
	struct inbox_conf *a, *b;
	char *path, *err, *want;
	int rc;

	path = conf_file("intake.conf",
	    XML_DECL					/* 1 */
	    NS_ROOT					/* 2 */
	    "  <data-dir>data</data-dir>\n"		/* 3 */
	    "  <user>intake</user>\n"			/* 4 */
	    "  <ocr lang=\"deu+fra\"/>\n"			/* 5 */
	    "  <limits max-delivery=\"2M\"/>\n"		/* 6 */
	    "  <rescan interval=\"30\"/>\n"		/* 7 */
	    "  <inbox path=\"scans\" mode=\"poll\" poll-interval=\"0.5\"\n" /* 8 */
	    "         settle=\"2.5\" rejected=\"refused\" duplicates=\"reject\"\n"
	    "         workflow=\"grants\" templates=\"tpl\" lang=\"eng\">\n"
	    "    <ignore pattern=\"*.bak\"/>\n"
	    "    <ignore pattern=\"scratch*\"/>\n"
	    "  </inbox>\n"
	    "  <inbox path=\"/srv/fax\"/>\n"		/* 14 */
	    "</intake>\n");
	rc = load_capture(&c, path, &err);
	ck_assert_msg(rc == INTAKE_OK, "config_load: %d:\n%s", rc, err);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(c.file, path);

	want = path_join(tmp, "data");
	ck_assert_str_eq(c.data_dir, want);
	free(want);
	ck_assert_str_eq(c.user, "intake");
	ck_assert_str_eq(c.lang, "deu+fra");
	ck_assert_uint_eq(c.max_delivery, 2ULL * 1024 * 1024);
	ck_assert_uint_eq(c.rescan_s, 30);
	ck_assert_uint_eq(c.ninboxes, 2);

	a = &c.inboxes[0];
	want = path_join(tmp, "scans");
	ck_assert_str_eq(a->path, want);
	free(want);
	/* libxml2 numbers an element by the line its start tag ends on */
	ck_assert_msg(a->line >= 8 && a->line <= 10, "line %d", a->line);
	ck_assert_int_eq(a->mode, WATCH_POLL);
	ck_assert_uint_eq(a->poll_ms, 500);
	ck_assert_uint_eq(a->settle_ms, 2500);
	ck_assert_str_eq(a->rejected, "refused");
	ck_assert_int_eq(a->duplicates, DUP_REJECT);
	ck_assert_str_eq(a->workflow, "grants");
	want = path_join(tmp, "tpl");
	ck_assert_uint_eq(a->templates.n, 1);
	ck_assert_str_eq(a->templates.dirs[0], want);
	ck_assert_int_eq(a->templates.lines[0], a->line);
	free(want);
	ck_assert_str_eq(a->lang, "eng");
	ck_assert_uint_eq(a->nignore, 2);
	ck_assert_str_eq(a->ignore[0], "*.bak");
	ck_assert_str_eq(a->ignore[1], "scratch*");

	b = &c.inboxes[1];
	ck_assert_str_eq(b->path, "/srv/fax");
	ck_assert_int_eq(b->line, 14);
	ck_assert_int_eq(b->mode, WATCH_AUTO);
	ck_assert_uint_eq(b->poll_ms, 5000);
	ck_assert_uint_eq(b->settle_ms, 5000);
	ck_assert_str_eq(b->rejected, "_rejected");
	ck_assert_int_eq(b->duplicates, DUP_FLAG);
	ck_assert_ptr_null(b->workflow);
	ck_assert_uint_eq(b->templates.n, 0);
	ck_assert_ptr_null(b->lang);
	ck_assert_uint_eq(b->nignore, 0);

	free(err);
	free(path);
	config_release(&c);
}
END_TEST

/* Only the root is required; everything else keeps its default. */
START_TEST(test_load_minimal)
{
	struct config c;
	char *path, *err;

	path = conf_file("min.conf", XML_DECL NS_ROOT "</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(c.data_dir, DATA_DIR_DEFAULT);
	ck_assert_str_eq(c.lang, "deu+eng");
	ck_assert_uint_eq(c.rescan_s, 60);
	ck_assert_uint_eq(c.max_delivery, 512ULL << 20);
	ck_assert_uint_eq(c.ninboxes, 0);
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

/* Units of <limits max-delivery>, and absolute paths kept as they are. */
START_TEST(test_load_sizes)
{
	static const struct { const char *v; uint64_t bytes; } t[] = {
		{ "812", 812 }, { "4K", 4096 }, { "3G", 3ULL << 30 },
	};
	struct config c;
	char *path, *err, *text;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		text = xasprintf(XML_DECL NS_ROOT
		    "  <data-dir>/var/lib/x</data-dir>\n"
		    "  <limits max-delivery=\"%s\"/>\n</intake>\n", t[i].v);
		path = conf_file("sizes.conf", text);
		ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
		ck_assert_uint_eq(c.max_delivery, t[i].bytes);
		ck_assert_str_eq(c.data_dir, "/var/lib/x");
		free(err);
		free(path);
		free(text);
		config_release(&c);
	}
}
END_TEST

/* <actions>: defaults, every setting (the folder relative to the file),
 * and a parallel beyond the schema's limit refused at its line. */
START_TEST(test_load_actions)
{
	struct config c;
	char *path, *err, *want;

	config_init(&c);
	ck_assert_str_eq(c.plugins, PLUGINS_DEFAULT);
	ck_assert_uint_eq(c.action_timeout_ms, 60000);
	ck_assert_uint_eq(c.action_tries, 5);
	ck_assert_uint_eq(c.action_backoff_ms, 30000);
	ck_assert_uint_eq(c.action_parallel, 2);
	config_release(&c);

	path = conf_file("actions.conf", XML_DECL NS_ROOT
	    "  <actions plugins=\"plug\" timeout=\"2.5\" tries=\"7\" "
	    "backoff=\"0.2\" parallel=\"3\"/>\n</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
	want = xasprintf("%.*s/plug", (int)(strrchr(path, '/') - path), path);
	ck_assert_str_eq(c.plugins, want);
	ck_assert_uint_eq(c.action_timeout_ms, 2500);
	ck_assert_uint_eq(c.action_tries, 7);
	ck_assert_uint_eq(c.action_backoff_ms, 200);
	ck_assert_uint_eq(c.action_parallel, 3);
	free(want);
	free(err);
	free(path);
	config_release(&c);

	path = conf_file("parallel.conf", XML_DECL NS_ROOT
	    "  <actions parallel=\"65\"/>\n</intake>\n");	/* 3 */
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, 3, "parallel");
	free(err);
	free(path);
	config_release(&c);

	path = conf_file("timeout.conf", XML_DECL NS_ROOT
	    "  <actions timeout=\"0\"/>\n</intake>\n");	/* 3 */
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, 3, "timeout");
	free(err);
	free(path);
	config_release(&c);

	path = conf_file("backoff.conf", XML_DECL NS_ROOT
	    "  <actions backoff=\"0\"/>\n</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
	ck_assert_uint_eq(c.action_backoff_ms, 0);
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

/* <web><tls> and <auth cert>: paths beside the configuration, the name a
 * certificate gives; the key readable by others is refused at the line
 * of <tls>, one only its owner reads is not. */
START_TEST(test_load_web_tls)
{
	struct config c;
	char *path, *err, *dir, *key, *want;
	int fd, rc;

	path = conf_file("tls.conf", XML_DECL NS_ROOT
	    "  <web listen=\"127.0.0.1:8470\" user=\"nobody\">\n"
	    "    <tls cert=\"web.crt\" key=\"web.key\" "	/* 4 */
	    "client-ca=\"ca.pem\" priorities=\"NORMAL\"/>\n"
	    "    <auth cert=\"email\"/>\n"
	    "  </web>\n</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
	free(err);
	dir = xasprintf("%.*s", (int)(strrchr(path, '/') - path), path);
	want = path_join(dir, "web.crt");
	ck_assert_str_eq(c.web.tls_cert, want);
	free(want);
	key = path_join(dir, "web.key");
	ck_assert_str_eq(c.web.tls_key, key);
	want = path_join(dir, "ca.pem");
	ck_assert_str_eq(c.web.tls_ca, want);
	free(want);
	ck_assert_str_eq(c.web.tls_priorities, "NORMAL");
	ck_assert_int_eq(c.web.tls_line, 4);
	ck_assert_int_eq(c.web.auth_cert, WEB_CERT_EMAIL);
	ck_assert_ptr_null(c.web.auth_header);

	capture_start();
	rc = config_check_web(&c);
	err = capture_end();
	ck_assert_int_eq(rc, INTAKE_EINVAL);
	assert_reported(err, path, 4, "tls cert");
	assert_reported(err, path, 4, "no such file");
	free(err);

	for (int i = 0; i < 3; i++) {
		char *f = path_join(dir, (const char *[]){ "web.crt",
		    "web.key", "ca.pem" }[i]);

		fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		ck_assert_int_ge(fd, 0);
		close(fd);
		ck_assert_int_eq(chmod(f, 0644), 0);
		free(f);
	}
	capture_start();
	rc = config_check_web(&c);
	err = capture_end();
	ck_assert_int_eq(rc, INTAKE_EINVAL);
	assert_reported(err, path, 4, "readable by others (mode 0644)");
	free(err);
	ck_assert_int_eq(chmod(key, 0600), 0);
	capture_start();
	rc = config_check_web(&c);
	err = capture_end();
	ck_assert_msg(rc == 0, "refused:\n%s", err);
	free(err);
	free(key);
	free(dir);
	free(path);
	config_release(&c);
}
END_TEST

/* The schema allows 15 digits and a unit; a size too large for 64 bits must
 * be refused or kept as large, never wrap around to a tiny limit that
 * would refuse every delivery. */
START_TEST(test_load_size_no_wrap)
{
	struct config c;
	char *path, *err;
	int rc;

	path = conf_file("huge.conf", XML_DECL NS_ROOT
	    "  <limits max-delivery=\"17179869184G\"/>\n</intake>\n");
	rc = load_capture(&c, path, &err);
	ck_assert_msg(rc != INTAKE_OK || c.max_delivery >= (1ULL << 62),
	    "17179869184G (2^64 bytes) became a limit of %llu bytes",
	    (unsigned long long)c.max_delivery);
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

/* ---- errors, each as file:line: ---------------------------------------- */

START_TEST(test_error_unknown_element)
{
	struct config c;
	char *path, *err;

	path = conf_file("unknown.conf",
	    XML_DECL NS_ROOT				/* 1, 2 */
	    "  <data-dir>/tmp/x</data-dir>\n"		/* 3 */
	    "  <user>intake</user>\n"			/* 4 */
	    "  <colour>blue</colour>\n"		/* 5 */
	    "</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, 5, "colour");
	/* nothing of a refused file is taken */
	ck_assert_ptr_null(c.file);
	ck_assert_str_eq(c.data_dir, DATA_DIR_DEFAULT);
	ck_assert_ptr_null(c.user);
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

START_TEST(test_error_bad_attribute_value)
{
	struct config c;
	char *path, *err;

	path = conf_file("mode.conf",
	    XML_DECL NS_ROOT
	    "  <inbox path=\"/srv/a\"/>\n"		/* 3 */
	    "\n"
	    "  <inbox path=\"/srv/b\" mode=\"sometimes\"/>\n" /* 5 */
	    "</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, 5, "sometimes");
	ck_assert_msg(strstr(err, ":3:") == NULL, "line 3 is fine:\n%s", err);
	ck_assert_uint_eq(c.ninboxes, 0);
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

START_TEST(test_error_bad_size)
{
	struct config c;
	char *path, *err;

	path = conf_file("size.conf",
	    XML_DECL NS_ROOT
	    "  <limits max-delivery=\"2 MB\"/>\n"	/* 3 */
	    "</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, 3, "max-delivery");
	ck_assert_uint_eq(c.max_delivery, 512ULL << 20);
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

START_TEST(test_error_missing_attribute)
{
	struct config c;
	char *path, *err;

	path = conf_file("nopath.conf",
	    XML_DECL NS_ROOT
	    "  <data-dir>/tmp/x</data-dir>\n"		/* 3 */
	    "  <inbox mode=\"poll\"/>\n"		/* 4 */
	    "</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, 4, "path");
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

/* Template folders: the installation's list and an inbox's (its
 * attribute first, then its list), in order, relative to the file. */
START_TEST(test_load_templates)
{
	struct config c;
	struct inbox_conf *in;
	char *path, *err, *want;

	path = conf_file("tpl.conf",
	    XML_DECL NS_ROOT				/* 1, 2 */
	    "  <templates shipped=\"no\">\n"		/* 3 */
	    "    <dir path=\"forms\"/>\n"		/* 4 */
	    "    <dir path=\"/etc/intake/more\"/>\n"	/* 5 */
	    "  </templates>\n"
	    "  <inbox path=\"scans\" templates=\"first\">\n" /* 7 */
	    "    <ignore pattern=\"*.bak\"/>\n"
	    "    <templates>\n"
	    "      <dir path=\"second\"/>\n"		/* 10 */
	    "    </templates>\n"
	    "  </inbox>\n"
	    "</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
	ck_assert_str_eq(err, "");
	ck_assert(!c.shipped_templates);
	ck_assert_uint_eq(c.templates.n, 2);
	want = path_join(tmp, "forms");
	ck_assert_str_eq(c.templates.dirs[0], want);
	free(want);
	ck_assert_int_eq(c.templates.lines[0], 4);
	ck_assert_str_eq(c.templates.dirs[1], "/etc/intake/more");
	ck_assert_int_eq(c.templates.lines[1], 5);
	in = &c.inboxes[0];
	ck_assert_uint_eq(in->templates.n, 2);
	want = path_join(tmp, "first");
	ck_assert_str_eq(in->templates.dirs[0], want);
	free(want);
	ck_assert_int_eq(in->templates.lines[0], 7);
	want = path_join(tmp, "second");
	ck_assert_str_eq(in->templates.dirs[1], want);
	free(want);
	ck_assert_int_eq(in->templates.lines[1], 10);
	ck_assert_uint_eq(in->nignore, 1);
	free(err);
	free(path);
	config_release(&c);

	/* Without the element: no folder of the admin's, the shipped ones. */
	path = conf_file("none.conf", XML_DECL NS_ROOT "</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
	ck_assert(c.shipped_templates);
	ck_assert_uint_eq(c.templates.n, 0);
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

/* Asserts that the configuration text (written to tmp/name) does not load
 * and that the problem is reported at line, naming word. */
static void
assert_refused(const char *name, const char *text, int line, const char *word)
{
	struct config c;
	char *path = conf_file(name, text), *err;

	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, line, word);
	free(err);
	free(path);
	config_release(&c);
}

/* A <dir> without its path, or something else in <templates>, is
 * reported at its line. */
START_TEST(test_error_templates)
{
	assert_refused("nodir.conf", XML_DECL NS_ROOT
	    "  <templates>\n"				/* 3 */
	    "    <dir/>\n"				/* 4 */
	    "  </templates>\n"
	    "</intake>\n", 4, "path");
	assert_refused("folder.conf", XML_DECL NS_ROOT
	    "  <inbox path=\"in\">\n"			/* 3 */
	    "    <templates>\n"				/* 4 */
	    "      <dir path=\"a\"/>\n"			/* 5 */
	    "      <folder path=\"b\"/>\n"		/* 6 */
	    "    </templates>\n"
	    "  </inbox>\n"
	    "</intake>\n", 6, "folder");
	assert_refused("shipped.conf", XML_DECL NS_ROOT
	    "  <templates shipped=\"never\">\n"		/* 3 */
	    "    <dir path=\"a\"/>\n"
	    "  </templates>\n"
	    "</intake>\n", 3, "shipped");
}
END_TEST

START_TEST(test_error_missing_version)
{
	struct config c;
	char *path, *err;

	path = conf_file("nover.conf",
	    XML_DECL
	    "<intake xmlns=\"urn:intake:config:1\">\n"	/* 2 */
	    "</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, 2, "version");
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

START_TEST(test_error_malformed)
{
	struct config c;
	char *path, *err;

	path = conf_file("broken.conf",
	    XML_DECL NS_ROOT
	    "  <data-dir>/tmp/x</data-dir>\n"		/* 3 */
	    "  <user>intake</usr>\n"			/* 4 */
	    "</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, 4, NULL);
	ck_assert_str_eq(c.data_dir, DATA_DIR_DEFAULT);
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

START_TEST(test_error_empty_file)
{
	struct config c;
	char *path, *err;

	path = conf_file("empty.conf", "");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, 1, NULL);
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

START_TEST(test_error_missing_file)
{
	struct config c;
	char *path = path_join(tmp, "absent.conf"), *err;

	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	ck_assert_msg(strstr(err, path) != NULL && strstr(err,
	    strerror(ENOENT)) != NULL, "got:\n%s", err);
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

START_TEST(test_error_wrong_namespace)
{
	struct config c;
	char *path, *err;

	path = conf_file("ns.conf",
	    XML_DECL
	    "\n"
	    "<intake xmlns=\"urn:intake:config:2\" version=\"1\">\n" /* 3 */
	    "</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, 3, "urn:intake:config:1");
	free(err);
	free(path);
	config_release(&c);

	path = conf_file("nons.conf",
	    XML_DECL "<intake version=\"1\">\n</intake>\n"); /* 2 */
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, 2, "root element");
	free(err);
	free(path);
	config_release(&c);

	path = conf_file("root.conf",
	    XML_DECL "<config xmlns=\"urn:intake:config:1\"/>\n"); /* 2 */
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	assert_reported(err, path, 2, "root element");
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

/* The one loader of admin-written XML grades what went wrong: no such
 * file, a document refused, a schema that cannot be used; each reported
 * as file:line: message or file: message. */
START_TEST(test_xmlsafe_load_graded)
{
	static const struct xmlsafe_kind conf = {
		"intake", "urn:intake:config:1", " version=\"1\"",
		"intake-config.xsd"
	};
	static const struct xmlsafe_kind noschema = {
		"intake", "urn:intake:config:1", " version=\"1\"",
		"no-such-schema.xsd"
	};
	xmlDoc *doc = NULL;
	char *path, *err, *where;

	path = path_join(tmp, "absent.conf");
	capture_start();
	ck_assert_int_eq(xmlsafe_load_file(path, &conf, &doc), INTAKE_ENOENT);
	err = capture_end();
	ck_assert_ptr_null(doc);
	where = xasprintf("%s: ", path);
	ck_assert_msg(strncmp(err, where, strlen(where)) == 0, "%s", err);
	free(where);
	free(err);
	free(path);

	path = conf_file("other.conf", XML_DECL
	    "<intake xmlns=\"urn:intake:other:1\"/>\n");	/* 2 */
	capture_start();
	ck_assert_int_eq(xmlsafe_load_file(path, &conf, &doc), INTAKE_EINVAL);
	err = capture_end();
	ck_assert_ptr_null(doc);
	assert_reported(err, path, 2, "the root element must be <intake "
	    "xmlns=\"urn:intake:config:1\" version=\"1\">");
	free(err);
	free(path);

	path = conf_file("good.conf", XML_DECL NS_ROOT "</intake>\n");
	capture_start();
	ck_assert_int_eq(xmlsafe_load_file(path, &noschema, &doc), INTAKE_ERR);
	err = capture_end();
	ck_assert_ptr_null(doc);
	ck_assert_msg(strstr(err, "cannot read the schema") != NULL, "%s", err);
	free(err);
	capture_start();
	ck_assert_int_eq(xmlsafe_load_file(path, &conf, &doc), 0);
	err = capture_end();
	ck_assert_str_eq(err, "");
	ck_assert_ptr_nonnull(doc);
	xmlFreeDoc(doc);
	free(err);
	free(path);
}
END_TEST

/* ---- hostile XML -------------------------------------------------------- */

#define SECRET "intake-secret-7f3a9c"

START_TEST(test_external_entity_refused)
{
	struct config c;
	char *secret = path_join(tmp, "secret.txt");
	char *text, *path, *err;

	unit_write(secret, SECRET "\n");
	text = xasprintf(XML_DECL
	    "<!DOCTYPE intake [<!ENTITY x SYSTEM \"file://%s\">]>\n"
	    NS_ROOT
	    "  <data-dir>&x;</data-dir>\n"
	    "</intake>\n", secret);
	path = conf_file("xxe.conf", text);
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	ck_assert_msg(strstr(err, path) != NULL, "no file named:\n%s", err);
	ck_assert_msg(strstr(err, SECRET) == NULL, "the entity was read:\n%s",
	    err);
	ck_assert_str_eq(c.data_dir, DATA_DIR_DEFAULT);
	ck_assert_ptr_null(c.file);
	free(err);
	free(path);
	free(text);
	config_release(&c);

	/* the same with the system's own file, as an attacker would */
	path = conf_file("passwd.conf", XML_DECL
	    "<!DOCTYPE intake [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
	    NS_ROOT "  <data-dir>&x;</data-dir>\n</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	ck_assert_msg(strstr(err, "root:") == NULL, "/etc/passwd was read:\n%s",
	    err);
	ck_assert_str_eq(c.data_dir, DATA_DIR_DEFAULT);
	free(err);
	free(path);
	free(secret);
	config_release(&c);
}
END_TEST

/* Even a harmless internal DOCTYPE is refused.  (It is reported on line
 * 1 rather than its own line 2: libxml2 keeps no line for a DTD node.) */
START_TEST(test_doctype_refused)
{
	struct config c;
	char *path, *err, *want;

	path = conf_file("dtd.conf", XML_DECL
	    "<!DOCTYPE intake [<!ENTITY dir \"/srv/data\">]>\n" /* 2 */
	    NS_ROOT "  <data-dir>&dir;</data-dir>\n</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	want = xasprintf("%s:", path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got:\n%s", err);
	ck_assert_msg(strstr(err, "DOCTYPE declarations are not allowed") !=
	    NULL, "got:\n%s", err);
	free(want);
	ck_assert_str_eq(c.data_dir, DATA_DIR_DEFAULT);
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

START_TEST(test_billion_laughs_refused)
{
	struct config c;
	char *text, *path, *err, *p;
	size_t len = 0, cap = 8192;
	int64_t t0, took;
	int i;

	text = xcalloc(1, cap);
	p = text;
	len = (size_t)sprintf(p, XML_DECL "<!DOCTYPE intake [\n"
	    "  <!ENTITY lol0 \"lol\">\n");
	for (i = 1; i <= 9; i++)
		len += (size_t)sprintf(text + len, "  <!ENTITY lol%d \"&lol%d;"
		    "&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;"
		    "&lol%d;\">\n", i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
		    i - 1, i - 1, i - 1, i - 1);
	len += (size_t)sprintf(text + len, "]>\n" NS_ROOT
	    "  <user>&lol9;</user>\n</intake>\n");
	ck_assert_uint_lt(len, cap);
	path = conf_file("laughs.conf", text);

	t0 = mono_ms();
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_EINVAL);
	took = mono_ms() - t0;
	ck_assert_msg(took < 3000, "took %lld ms", (long long)took);
	ck_assert_msg(strstr(err, path) != NULL, "got:\n%s", err);
	ck_assert_msg(strlen(err) < 16384, "%zu bytes of messages",
	    strlen(err));
	ck_assert_ptr_null(c.user);
	free(err);
	free(path);
	free(text);
	config_release(&c);
}
END_TEST

/* ---- config_check ------------------------------------------------------- */

START_TEST(test_check_valid)
{
	struct config c;
	char *text, *path, *err, *in;

	in = path_join(tmp, "inbox");
	ck_assert_int_eq(mkdir(in, 0750), 0);
	text = xasprintf(XML_DECL NS_ROOT
	    "  <data-dir>%s/data</data-dir>\n"
	    "  <inbox path=\"inbox\"/>\n</intake>\n", tmp);
	path = conf_file("ok.conf", text);
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
	free(err);
	ck_assert_int_eq(check_capture(&c, &err), 0);
	ck_assert_str_eq(err, "");
	free(err);
	free(path);
	free(text);
	free(in);
	config_release(&c);
}
END_TEST

START_TEST(test_check_missing_inbox)
{
	struct config c;
	char *path, *err, *want;

	path = conf_file("missing.conf", XML_DECL NS_ROOT
	    "  <data-dir>/tmp/intake-unit-data</data-dir>\n" /* 3 */
	    "\n"
	    "  <inbox path=\"nowhere\"/>\n"		/* 5 */
	    "</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
	free(err);
	ck_assert_int_eq(check_capture(&c, &err), INTAKE_EINVAL);
	want = xasprintf("%s:5: inbox \"%s/nowhere\": no such directory",
	    path, tmp);
	ck_assert_msg(strstr(err, want) != NULL, "expected \"%s\" in:\n%s",
	    want, err);
	free(want);
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

/* An inbox given on the command line has no file:line. */
START_TEST(test_check_missing_inbox_cmdline)
{
	struct config c;
	char *err, *dir = path_join(tmp, "gone"), *want;

	config_init(&c);
	config_add_inbox(&c, dir);
	ck_assert_int_eq(check_capture(&c, &err), INTAKE_EINVAL);
	want = xasprintf("inbox \"%s\": no such directory\n", dir);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);
	free(dir);
	config_release(&c);
}
END_TEST

START_TEST(test_check_not_a_directory)
{
	struct config c;
	char *err, *file = path_join(tmp, "plain");

	unit_write(file, "x");
	config_init(&c);
	config_add_inbox(&c, file);
	ck_assert_int_eq(check_capture(&c, &err), INTAKE_EINVAL);
	ck_assert_msg(strstr(err, "not a directory") != NULL, "got:\n%s", err);
	free(err);
	free(file);
	config_release(&c);
}
END_TEST

START_TEST(test_check_inbox_in_data_dir)
{
	struct config c;
	char *text, *path, *err, *dir;

	dir = path_join(tmp, "data");
	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	free(dir);
	dir = path_join(tmp, "data/in");
	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	text = xasprintf(XML_DECL NS_ROOT
	    "  <data-dir>data</data-dir>\n"		/* 3 */
	    "  <inbox path=\"data/in\"/>\n"		/* 4 */
	    "</intake>\n");
	path = conf_file("inside.conf", text);
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
	free(err);
	ck_assert_int_eq(check_capture(&c, &err), INTAKE_EINVAL);
	assert_reported(err, path, 4, "inside the data directory");
	ck_assert_msg(strstr(err, dir) != NULL, "got:\n%s", err);
	free(err);

	/* a sibling whose name merely starts the same is fine */
	free(c.data_dir);
	c.data_dir = path_join(tmp, "dat");
	ck_assert_int_eq(check_capture(&c, &err), 0);
	free(err);

	/* the data directory itself is no inbox either */
	free(c.data_dir);
	c.data_dir = xstrdup(dir);
	ck_assert_int_eq(check_capture(&c, &err), INTAKE_EINVAL);
	ck_assert_msg(strstr(err, "inside the data directory") != NULL,
	    "got:\n%s", err);
	free(err);
	free(dir);
	free(path);
	free(text);
	config_release(&c);
}
END_TEST

START_TEST(test_check_inbox_twice)
{
	struct config c;
	char *path, *err, *in;

	in = path_join(tmp, "scan");
	ck_assert_int_eq(mkdir(in, 0750), 0);
	path = conf_file("twice.conf", XML_DECL NS_ROOT
	    "  <data-dir>/tmp/intake-unit-data</data-dir>\n" /* 3 */
	    "  <inbox path=\"scan\"/>\n"		/* 4 */
	    "  <inbox path=\"scan\" mode=\"poll\"/>\n"	/* 5 */
	    "</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
	free(err);
	ck_assert_int_eq(check_capture(&c, &err), INTAKE_EINVAL);
	assert_reported(err, path, 5, "configured twice");
	ck_assert_msg(strstr(err, ":4:") == NULL, "only the second:\n%s", err);
	free(err);
	free(path);
	free(in);
	config_release(&c);
}
END_TEST

START_TEST(test_check_no_inbox)
{
	struct config c;
	char *path, *err;

	config_init(&c);
	ck_assert_int_eq(check_capture(&c, &err), INTAKE_EINVAL);
	ck_assert_msg(strncmp(err, "no inbox configured", 19) == 0,
	    "got:\n%s", err);
	free(err);
	config_release(&c);

	path = conf_file("none.conf", XML_DECL NS_ROOT
	    "  <data-dir>/tmp/x</data-dir>\n</intake>\n");
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
	free(err);
	ck_assert_int_eq(check_capture(&c, &err), INTAKE_EINVAL);
	assert_reported(err, path, 1, "no inbox configured");
	free(err);
	free(path);
	config_release(&c);
}
END_TEST

/* A template folder that is missing, the installation's or an inbox's,
 * is reported at the line that names it. */
START_TEST(test_check_missing_templates)
{
	struct config c;
	char *text, *path, *err, *want, *in = path_join(tmp, "inbox");

	ck_assert_int_eq(mkdir(in, 0750), 0);
	text = xasprintf(XML_DECL NS_ROOT
	    "  <data-dir>%s/data</data-dir>\n"		/* 3 */
	    "  <templates>\n"				/* 4 */
	    "    <dir path=\"gone\"/>\n"		/* 5 */
	    "  </templates>\n"
	    "  <inbox path=\"inbox\">\n"		/* 7 */
	    "    <templates><dir path=\"also-gone\"/></templates>\n" /* 8 */
	    "  </inbox>\n"
	    "</intake>\n", tmp);
	path = conf_file("gone.conf", text);
	ck_assert_int_eq(load_capture(&c, path, &err), INTAKE_OK);
	free(err);
	ck_assert_int_eq(check_capture(&c, &err), INTAKE_EINVAL);
	want = xasprintf("%s:5: templates folder \"%s/gone\": no such "
	    "directory", path, tmp);
	ck_assert_msg(strstr(err, want) != NULL, "expected \"%s\" in:\n%s",
	    want, err);
	free(want);
	want = xasprintf("%s:8: templates folder \"%s/also-gone\": no such "
	    "directory", path, tmp);
	ck_assert_msg(strstr(err, want) != NULL, "expected \"%s\" in:\n%s",
	    want, err);
	free(want);
	free(err);
	/* config_check_templates says the same, and nothing of the inbox. */
	capture_start();
	ck_assert_int_eq(config_check_templates(&c), INTAKE_EINVAL);
	err = capture_end();
	ck_assert_msg(strstr(err, ":5: ") != NULL && strstr(err, ":8: ") !=
	    NULL && strstr(err, "inbox \"") == NULL, "got:\n%s", err);
	free(err);
	free(path);
	free(in);
	free(text);
	config_release(&c);
}
END_TEST

/* ---- util.c: names_split ----------------------------------------------- */

/* A role's users, groups or a state's roles: names between blanks and
 * commas, appended to what is there. */
START_TEST(test_names_split)
{
	char **v = NULL;
	size_t n = 0;

	names_split(" clerk,supervisor ,\t,\nlead", &v, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[0], "clerk");
	ck_assert_str_eq(v[1], "supervisor");
	ck_assert_str_eq(v[2], "lead");
	names_split(NULL, &v, &n);
	names_split(" , ", &v, &n);
	ck_assert_uint_eq(n, 3);
	names_split("anna", &v, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(v[3], "anna");
	strv_free(v, n);
}
END_TEST

/* ---- match.c ------------------------------------------------------------ */

START_TEST(test_match_ignored_defaults)
{
	static const struct { const char *name, *pattern; } t[] = {
		{ ".x", ".*" },
		{ ".hidden.pdf", ".*" },
		{ "a.part", "*.part" },
		{ "b.TMP", "*.tmp" },
		{ "c.tmp", "*.tmp" },
		{ "~$x.docx", "~$*" },
		{ "Thumbs.db", "Thumbs.db" },
		{ "thumbs.DB", "Thumbs.db" },
		{ "desktop.ini", "desktop.ini" },
		{ "x.filepart", "*.filepart" },
		{ "y.crdownload", "*.crdownload" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *p = match_ignored(t[i].name, NULL, 0);

		ck_assert_msg(p != NULL, "\"%s\" not ignored", t[i].name);
		ck_assert_str_eq(p, t[i].pattern);
	}
	ck_assert_ptr_null(match_ignored("scan_01.tif", NULL, 0));
	ck_assert_ptr_null(match_ignored("report.pdf", NULL, 0));
	ck_assert_ptr_null(match_ignored("partial.tif", NULL, 0));
	ck_assert_ptr_null(match_ignored("x.parts", NULL, 0));
	ck_assert_ptr_null(match_ignored("a~$b", NULL, 0));
}
END_TEST

START_TEST(test_match_ignored_extra)
{
	char *extra[] = { (char *)"*.bak", (char *)"scratch*" };

	ck_assert_str_eq(match_ignored("old.bak", extra, 2), "*.bak");
	ck_assert_str_eq(match_ignored("OLD.BAK", extra, 2), "*.bak");
	ck_assert_str_eq(match_ignored("scratch-1.tif", extra, 2), "scratch*");
	ck_assert_ptr_null(match_ignored("scan_01.tif", extra, 2));
	/* the defaults come first */
	ck_assert_str_eq(match_ignored(".bak", extra, 2), ".*");
	ck_assert_ptr_null(match_ignored("old.bak", extra, 0));
}
END_TEST

START_TEST(test_match_junk)
{
	ck_assert(match_junk("__MACOSX"));
	ck_assert(match_junk(".DS_Store"));
	ck_assert(match_junk("._scan_01.tif"));
	ck_assert(match_junk("Thumbs.db"));
	ck_assert(match_junk("DESKTOP.INI"));
	ck_assert(!match_junk("scan_01.tif"));
	ck_assert(!match_junk("MACOSX"));
	ck_assert(!match_junk(".hidden"));
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_init_defaults);
	tcase_add_test(tc, test_add_inbox_defaults);
	tcase_add_test(tc, test_load_full);
	tcase_add_test(tc, test_load_minimal);
	tcase_add_test(tc, test_load_templates);
	tcase_add_test(tc, test_load_sizes);
	tcase_add_test(tc, test_load_actions);
	tcase_add_test(tc, test_load_web_tls);
	tcase_add_test(tc, test_load_size_no_wrap);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_error_unknown_element);
	tcase_add_test(tc, test_error_bad_attribute_value);
	tcase_add_test(tc, test_error_bad_size);
	tcase_add_test(tc, test_error_missing_attribute);
	tcase_add_test(tc, test_error_templates);
	tcase_add_test(tc, test_error_missing_version);
	tcase_add_test(tc, test_error_malformed);
	tcase_add_test(tc, test_error_empty_file);
	tcase_add_test(tc, test_error_missing_file);
	tcase_add_test(tc, test_error_wrong_namespace);
	tcase_add_test(tc, test_xmlsafe_load_graded);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_external_entity_refused);
	tcase_add_test(tc, test_doctype_refused);
	tcase_add_test(tc, test_billion_laughs_refused);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_check_valid);
	tcase_add_test(tc, test_check_missing_inbox);
	tcase_add_test(tc, test_check_missing_inbox_cmdline);
	tcase_add_test(tc, test_check_not_a_directory);
	tcase_add_test(tc, test_check_inbox_in_data_dir);
	tcase_add_test(tc, test_check_inbox_twice);
	tcase_add_test(tc, test_check_no_inbox);
	tcase_add_test(tc, test_check_missing_templates);
	suite_add_tcase(s, tc);

	tc = tcase_create("match");
	tcase_add_test(tc, test_match_ignored_defaults);
	tcase_add_test(tc, test_match_ignored_extra);
	tcase_add_test(tc, test_match_junk);
	tcase_add_test(tc, test_names_split);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	char dir[PATH_MAX];

	/* Run by hand from the top of the source tree: use its workflows. */
	if (getenv("INTAKE_DATADIR") == NULL &&
	    access("workflows/schema/intake-config.xsd", R_OK) == 0 &&
	    realpath("workflows", dir) != NULL)
		setenv("INTAKE_DATADIR", dir, 1);
	return unit_run(config_suite());
}
