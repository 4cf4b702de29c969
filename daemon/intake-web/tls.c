/*
 * tls.c - intake-web's HTTPS (<web><tls>), GnuTLS through libmicrohttpd:
 * the certificate and client CA it reads, the key intaked read as root
 * and handed over on a descriptor, their checks (also for intake-web -n,
 * which intakectl lint runs), and the person a client certificate names,
 * verified against <tls client-ca>.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "http.h"

#define OID_LDAP_UID	"0.9.2342.19200300.100.1.1"

/* Reads all of descriptor fd (at most WEB_TLS_FILE_MAX bytes) and
 * closes it.  0 or -errno. */
static int
fd_take_all(int fd, char **buf, size_t *len)
{
	struct stat st;
	size_t off = 0;
	ssize_t n;
	int rc = 0;

	*buf = NULL;
	*len = 0;
	if (fstat(fd, &st) == -1)
		rc = -errno;
	else if (st.st_size <= 0 || (uint64_t)st.st_size > WEB_TLS_FILE_MAX)
		rc = -EFBIG;
	else {
		*buf = xcalloc((size_t)st.st_size + 1, 1);
		while (off < (size_t)st.st_size && (n = pread(fd, *buf + off,
		    (size_t)st.st_size - off, (off_t)off)) > 0)
			off += (size_t)n;
		*len = off;
		if (off < (size_t)st.st_size)
			rc = -EIO;
	}
	close(fd);
	return rc;
}

/* A file of <tls> (what: its attribute) into *buf; 0, or
 * INTAKE_EINVAL after saying why at file:line. */
static int
tls_read(const struct config *c, const char *what, const char *path,
    char **buf, size_t *len)
{
	int rc = file_read_all(path, WEB_TLS_FILE_MAX, buf, len);

	if (rc == 0)
		return 0;
	report_at(c->file, c->web.tls_line, "tls %s \"%s\": %s", what, path,
	    rc == -EFBIG ? "too large" : strerror(-rc));
	return INTAKE_EINVAL;
}

/* Whether the PEM certificates of t hold together: the key is the
 * certificate's (when there is a key), the first certificate is valid
 * now, the client CA holds certificates, GnuTLS knows the priorities.
 * Problems are said at file:line. */
static int
tls_material_check(const struct config *c, const struct tls *t)
{
	const struct web_conf *w = &c->web;
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	gnutls_x509_crt_t crt;
	gnutls_datum_t cd = { (unsigned char *)t->cert,
	    (unsigned)strlen(t->cert) };
	gnutls_datum_t kd = { (unsigned char *)t->key, (unsigned)t->keylen };
	gnutls_datum_t ad;
	const char *errpos = NULL;
	time_t now = time(NULL);
	int rc = 0, e;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		fatal("out of memory for GnuTLS");
	if (gnutls_x509_crt_init(&crt) < 0)
		fatal("out of memory for GnuTLS");
	if ((e = gnutls_x509_crt_import(crt, &cd, GNUTLS_X509_FMT_PEM)) < 0) {
		report_at(c->file, w->tls_line, "tls cert \"%s\": no PEM "
		    "certificate: %s", w->tls_cert, gnutls_strerror(e));
		rc = INTAKE_EINVAL;
	} else if (gnutls_x509_crt_get_expiration_time(crt) < now) {
		report_at(c->file, w->tls_line, "tls cert \"%s\": expired",
		    w->tls_cert);
		rc = INTAKE_EINVAL;
	} else if (gnutls_x509_crt_get_activation_time(crt) > now)
		report_at(c->file, w->tls_line, "note: tls cert \"%s\": not "
		    "valid yet", w->tls_cert);
	if (rc == 0 && t->key != NULL && (e =
	    gnutls_certificate_set_x509_key_mem2(cred, &cd, &kd,
	    GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		if (e == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
			report_at(c->file, w->tls_line, "tls key \"%s\" is not "
			    "the key of the certificate \"%s\"", w->tls_key,
			    w->tls_cert);
		else
			report_at(c->file, w->tls_line, "tls key \"%s\": %s "
			    "(a PEM key without a password is needed)",
			    w->tls_key, gnutls_strerror(e));
		rc = INTAKE_EINVAL;
	}
	if (t->ca != NULL) {
		ad.data = (unsigned char *)t->ca;
		ad.size = (unsigned)strlen(t->ca);
		if (gnutls_certificate_set_x509_trust_mem(cred, &ad,
		    GNUTLS_X509_FMT_PEM) <= 0) {
			report_at(c->file, w->tls_line, "tls client-ca \"%s\": "
			    "holds no PEM certificate", w->tls_ca);
			rc = INTAKE_EINVAL;
		}
	}
	if ((e = gnutls_priority_init(&prio, t->priorities, &errpos)) < 0) {
		report_at(c->file, w->tls_line, "tls priorities: GnuTLS does "
		    "not understand \"%s\"", errpos ? errpos : t->priorities);
		rc = INTAKE_EINVAL;
	} else
		gnutls_priority_deinit(prio);
	gnutls_x509_crt_deinit(crt);
	gnutls_certificate_free_credentials(cred);
	return rc;
}

/* t's certificate and client CA from their files, then the check of
 * all (the key already in t, or none); 0 or INTAKE_EINVAL. */
static int
tls_files(const struct config *c, struct tls *t)
{
	const struct web_conf *w = &c->web;
	size_t len;

	if (tls_read(c, "cert", w->tls_cert, &t->cert, &len) != 0 ||
	    (w->tls_ca != NULL &&
	    tls_read(c, "client-ca", w->tls_ca, &t->ca, &len) != 0))
		return INTAKE_EINVAL;
	return tls_material_check(c, t);
}

int
tls_load(struct tls *t, const struct config *c, int key_fd)
{
	const struct web_conf *w = &c->web;
	int rc;

	memset(t, 0, sizeof(*t));
	t->priorities = w->tls_priorities ? w->tls_priorities :
	    WEB_TLS_PRIORITIES;
	if (w->tls_cert == NULL) {
		fd_close(key_fd);
		return 0;
	}
	if (key_fd < 0) {
		log_err("web: <tls> needs the key, which intaked reads and "
		    "hands over (--key-fd): start intake-web through intaked");
		return -1;
	}
	if ((rc = fd_take_all(key_fd, &t->key, &t->keylen)) != 0) {
		log_err("web: tls key from descriptor %d: %s", key_fd,
		    strerror(-rc));
		return -1;
	}
	if (tls_files(c, t) != 0) {
		tls_release(t);
		return -1;
	}
	return 0;
}

void
tls_release(struct tls *t)
{
	if (t->key != NULL)
		explicit_bzero(t->key, t->keylen);
	free(t->key);
	free(t->cert);
	free(t->ca);
	memset(t, 0, sizeof(*t));
}

int
tls_check(const struct config *c)
{
	const struct web_conf *w = &c->web;
	struct tls t;
	int rc;

	if (w->tls_cert == NULL)
		return 0;
	memset(&t, 0, sizeof(t));
	t.priorities = w->tls_priorities ? w->tls_priorities :
	    WEB_TLS_PRIORITIES;
	/* Only root may read the key (config_check_web says so): another
	 * user checks the rest. */
	if ((rc = file_read_all(w->tls_key, WEB_TLS_FILE_MAX, &t.key,
	    &t.keylen)) == -EACCES && geteuid() != 0)
		report_at(c->file, w->tls_line, "note: tls key \"%s\": only "
		    "root may read it: check as root that it is the "
		    "certificate's", w->tls_key);
	else if (rc != 0) {
		report_at(c->file, w->tls_line, "tls key \"%s\": %s",
		    w->tls_key, strerror(-rc));
		return INTAKE_EINVAL;
	}
	rc = tls_files(c, &t);
	tls_release(&t);
	return rc;
}

/* Why GnuTLS's verification refused a certificate: its status bits
 * and their reasons, the first that applies said. */
static const struct {
	unsigned	 bits;
	const char	*why;
} refusals[] = {
	{ GNUTLS_CERT_EXPIRED, N_("the certificate has expired") },
	{ GNUTLS_CERT_NOT_ACTIVATED, N_("the certificate is not valid yet") },
	{ GNUTLS_CERT_REVOKED, N_("the certificate is revoked") },
	{ GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA,
	    N_("the certificate is not issued by <tls client-ca>") },
	{ GNUTLS_CERT_INSECURE_ALGORITHM,
	    N_("the certificate is signed with an insecure algorithm") },
	{ GNUTLS_CERT_PURPOSE_MISMATCH,
	    N_("the certificate is not for TLS clients") },
	{ GNUTLS_CERT_SIGNATURE_FAILURE,
	    N_("the certificate's signature is wrong") },
};

static const char *
verify_why(unsigned status)
{
	size_t i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if ((status & refusals[i].bits) != 0)
			return refusals[i].why;
	return N_("the certificate does not verify");
}

/* The one value of oid in crt's subject into buf; false when there is
 * none, or more than one. */
static bool
subject_one(gnutls_x509_crt_t crt, const char *oid, char *buf, size_t len)
{
	char other[8];
	size_t n = len, m = sizeof(other);
	int e;

	if (gnutls_x509_crt_get_dn_by_oid(crt, oid, 0, 0, buf, &n) < 0)
		return false;
	e = gnutls_x509_crt_get_dn_by_oid(crt, oid, 1, 0, other, &m);
	return e == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
}

/* The person's name in crt by how into name; a constant reason when it
 * has none fit to be one. */
static const char *
cert_name(gnutls_x509_crt_t crt, enum web_cert how, char name[PERSON_MAX])
{
	char buf[256];
	size_t n;
	unsigned i, critical;
	int type;
	bool found = false;

	switch (how) {
	case WEB_CERT_CN:
		found = subject_one(crt, GNUTLS_OID_X520_COMMON_NAME, buf,
		    sizeof(buf));
		break;
	case WEB_CERT_UID:
		found = subject_one(crt, OID_LDAP_UID, buf, sizeof(buf));
		break;
	case WEB_CERT_EMAIL:
		for (i = 0; !found; i++) {
			n = sizeof(buf);
			type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf,
			    &n, &critical);
			if (type < 0)
				break;
			found = type == GNUTLS_SAN_RFC822NAME;
		}
		if (!found)
			found = subject_one(crt, GNUTLS_OID_PKCS9_EMAIL, buf,
			    sizeof(buf));
		break;
	case WEB_CERT_NONE:
		break;
	}
	if (!found)
		return how == WEB_CERT_EMAIL ? N_("the certificate names no "
		    "e-mail address, or more than one") : how == WEB_CERT_UID ?
		    N_("the certificate's subject has no userid (UID), or more "
		    "than one") : N_("the certificate's subject has no common "
		    "name (CN), or more than one");
	if (!pwfile_name_ok(buf))
		return N_("the certificate's name is none intake can use "
		    "(letters, digits and ._@- only, at most 64)");
	memcpy(name, buf, strlen(buf) + 1);	/* at most 64 and NUL */
	return NULL;
}

int
tls_person(struct MHD_Connection *conn, enum web_cert how,
    char name[PERSON_MAX], const char **why)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t s = ci ? (gnutls_session_t)ci->tls_session : NULL;
	gnutls_typed_vdata_st purpose = { GNUTLS_DT_KEY_PURPOSE_OID,
	    (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT, 0 };
	const gnutls_datum_t *peers;
	gnutls_x509_crt_t crt;
	unsigned n = 0, status = 0;

	*why = NULL;
	if (s == NULL || how == WEB_CERT_NONE ||
	    gnutls_certificate_type_get(s) != GNUTLS_CRT_X509 ||
	    (peers = gnutls_certificate_get_peers(s, &n)) == NULL || n == 0)
		return 0;
	if (gnutls_certificate_verify_peers(s, &purpose, 1, &status) < 0 ||
	    status != 0) {
		*why = verify_why(status);
		return -1;
	}
	if (gnutls_x509_crt_init(&crt) < 0)
		fatal("out of memory for GnuTLS");
	if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) < 0)
		*why = N_("the certificate cannot be read");
	else
		*why = cert_name(crt, how, name);
	gnutls_x509_crt_deinit(crt);
	return *why == NULL ? 1 : -1;
}
