/*
 * case-doc.c - a case as the documents plugins hand on: one JSON object
 * and one XML document (namespace urn:intake:case:1) with its facts,
 * every field, every page, what was delivered and its history.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "caseview.h"
#include "store.h"

#define CASE_NS	"urn:intake:case:1"

/* One element of a list, as pairs of name and text (NULL: absent). */
struct item {
	char		*kv[40];
	size_t		 n;
};

struct items {
	struct item	*v;
	size_t		 n;
};

static struct item *
item_new(struct items *l)
{
	return array_add(&l->v, &l->n, sizeof(*l->v));
}

static void
item_put(struct item *it, const char *name, const char *val)
{
	if (val == NULL)
		return;
	if (it->n + 2 > sizeof(it->kv) / sizeof(it->kv[0]))
		fatal("case-doc: more than %zu values in one item",
		    sizeof(it->kv) / sizeof(it->kv[0]) / 2);
	it->kv[it->n++] = xstrdup(name);
	it->kv[it->n++] = xstrdup(val);
}

static void
item_int(struct item *it, const char *name, int64_t val)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)val);
	item_put(it, name, buf);
}

static void
items_release(struct items *l)
{
	size_t i, k;

	for (i = 0; i < l->n; i++)
		for (k = 0; k < l->v[i].n; k++)
			free(l->v[i].kv[k]);
	free(l->v);
}

static int
get_field(const struct field_row *f, void *arg)
{
	struct item *it = item_new(arg);
	char conf[16];

	snprintf(conf, sizeof(conf), "%.3f", f->confidence);
	item_put(it, "name", f->name);
	item_put(it, "type", f->type);
	item_put(it, "value", f->value);
	item_put(it, "status", f->status);
	item_put(it, "confidence", conf);
	if (f->page > 0)
		item_int(it, "page", f->page);
	item_put(it, "why", f->why);
	return 0;
}

/* struct row_out's writers for an item. */
static void
item_text(void *it, const char *name, const char *val)
{
	item_put(it, name, val);
}

static void
item_num(void *it, const char *name, int64_t val)
{
	item_int(it, name, val);
}

static int
get_page(const struct page_row *p, void *arg)
{
	struct row_out out = { item_text, item_num, item_new(arg) };

	page_row_out(p, &out);
	return 0;
}

static int
get_history(const struct history_row *h, void *arg)
{
	struct row_out out = { item_text, item_num, item_new(arg) };

	history_row_out(h, &out);
	return 0;
}

/* Which values are numbers in JSON. */
static bool
numeric(const char *name)
{
	static const char *const nums[] = { "seq", "page", "width", "height",
	    "rotation", "confidence" };
	size_t i;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (strcmp(name, nums[i]) == 0)
			return true;
	return false;
}

/* The facts of the case, in the order both documents give them. */
static void
facts(const struct case_row *k, struct item *it)
{
	char t[32];

	item_int(it, "id", k->id);
	item_put(it, "reference", k->reference);
	item_put(it, "form", k->form);
	item_put(it, "workflow", k->workflow);
	if (k->workflow != NULL)
		item_int(it, "workflow_version", k->version);
	item_put(it, "state", k->state);
	item_put(it, "queue", k->queue);
	item_put(it, "assignee", k->assignee);
	item_put(it, "opened", fmt_time(k->created_ms, t, sizeof(t)));
	if (k->deadline_ms)
		item_put(it, "deadline", fmt_time(k->deadline_ms, t, sizeof(t)));
	if (k->closed_ms)
		item_put(it, "closed", fmt_time(k->closed_ms, t, sizeof(t)));
	item_put(it, "sender", k->sender);
	item_put(it, "channel", k->channel);
	item_put(it, "pdf", k->pdf);
}

static void
json_item(FILE *f, const struct item *it)
{
	bool first = true;
	size_t i;

	for (i = 0; i < it->n; i += 2)
		if (strcmp(it->kv[i], "id") == 0 || strcmp(it->kv[i],
		    "workflow_version") == 0 || numeric(it->kv[i]))
			json_key_raw(f, &first, it->kv[i], it->kv[i + 1]);
		else
			json_key_str(f, &first, it->kv[i], it->kv[i + 1]);
}

static void
json_list(FILE *f, const char *name, const struct items *l)
{
	size_t i;

	fprintf(f, ",\"%s\":[", name);
	for (i = 0; i < l->n; i++) {
		fputs(i ? ",{" : "{", f);
		json_item(f, &l->v[i]);
		putc('}', f);
	}
	putc(']', f);
}

static char *
write_json(const struct item *top, const struct items *fields,
    const struct items *pages, char *const *files, size_t nfiles,
    const struct items *hist)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("out of memory");
	putc('{', f);
	json_item(f, top);
	json_list(f, "fields", fields);
	json_list(f, "pages", pages);
	fputs(",\"files\":[", f);
	for (i = 0; i < nfiles; i++) {
		if (i > 0)
			putc(',', f);
		json_str(f, files[i]);
	}
	putc(']', f);
	json_list(f, "history", hist);
	fputs("}\n", f);
	if (fclose(f) != 0)
		fatal("out of memory");
	return buf;
}

/* Text as XML 1.0 can hold it, with the escapes json_str() uses: a
 * backslash doubled, and \xNN for each byte XML cannot carry (one that
 * is not valid UTF-8, a control character other than tab and newline,
 * U+FFFE and U+FFFF).  A new string, the caller's. */
static char *
xml_text(const char *s)
{
	char *buf = NULL;
	size_t len = 0, n, k, i;
	uint32_t c;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("out of memory");
	for (n = strlen(s); n > 0; s += k, n -= k) {
		k = utf8_seq(s, n, &c);
		if (k == 0 || (c < 0x20 && c != '\t' && c != '\n') ||
		    c == 0xfffe || c == 0xffff) {
			if (k == 0)
				k = 1;
			for (i = 0; i < k; i++)
				fprintf(f, "\\x%02x", (unsigned char)s[i]);
		} else if (c == '\\')
			fputs("\\\\", f);
		else
			fwrite(s, 1, k, f);
	}
	if (fclose(f) != 0)
		fatal("out of memory");
	return buf;
}

/* Elements of one item: <name>text</name> each. */
static int
xml_item(xmlTextWriterPtr w, const struct item *it)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < it->n && rc >= 0; i += 2) {
		char *v = xml_text(it->kv[i + 1]);

		rc = xmlTextWriterWriteElement(w, BAD_CAST it->kv[i],
		    BAD_CAST v);
		free(v);
	}
	return rc;
}

static int
xml_list(xmlTextWriterPtr w, const char *list, const char *elem,
    const struct items *l)
{
	size_t i;
	int rc = xmlTextWriterStartElement(w, BAD_CAST list);

	for (i = 0; i < l->n && rc >= 0; i++) {
		if ((rc = xmlTextWriterStartElement(w, BAD_CAST elem)) >= 0 &&
		    (rc = xml_item(w, &l->v[i])) >= 0)
			rc = xmlTextWriterEndElement(w);
	}
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	return rc;
}

static char *
write_xml(const struct item *top, const struct items *fields,
    const struct items *pages, char *const *files, size_t nfiles,
    const struct items *hist)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w;
	char *out = NULL;
	size_t i;
	int rc;

	if (buf == NULL || (w = xmlNewTextWriterMemory(buf, 0)) == NULL)
		fatal("out of memory");
	xmlTextWriterSetIndent(w, 1);
	rc = xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	if (rc >= 0)
		rc = xmlTextWriterStartElementNS(w, NULL, BAD_CAST "case",
		    BAD_CAST CASE_NS);
	if (rc >= 0)
		rc = xml_item(w, top);
	if (rc >= 0)
		rc = xml_list(w, "fields", "field", fields);
	if (rc >= 0)
		rc = xml_list(w, "pages", "page", pages);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, BAD_CAST "files");
	for (i = 0; i < nfiles && rc >= 0; i++) {
		char *v = xml_text(files[i]);

		rc = xmlTextWriterWriteElement(w, BAD_CAST "file", BAD_CAST v);
		free(v);
	}
	if (rc >= 0)
		rc = xmlTextWriterEndElement(w);
	if (rc >= 0)
		rc = xml_list(w, "history", "entry", hist);
	if (rc >= 0)
		rc = xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	if (rc >= 0)
		out = xstrdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return out;
}

int
case_doc_write(struct store *st, const struct case_row *k,
    char *const *files, size_t nfiles, char **json, char **xml)
{
	struct items top = { NULL, 0 }, fields = { NULL, 0 },
	    pages = { NULL, 0 }, hist = { NULL, 0 };
	int rc;

	*json = *xml = NULL;
	facts(k, item_new(&top));
	if ((rc = store_case_fields(st, k->id, get_field, &fields)) == 0 &&
	    (rc = store_case_pages(st, k->id, get_page, &pages)) == 0 &&
	    (rc = store_case_history(st, k->id, get_history, &hist)) == 0) {
		*json = write_json(&top.v[0], &fields, &pages, files, nfiles,
		    &hist);
		if ((*xml = write_xml(&top.v[0], &fields, &pages, files,
		    nfiles, &hist)) == NULL) {
			log_err("case %lld: cannot write its XML", (long long)k->id);
			free(*json);
			*json = NULL;
			rc = INTAKE_ERR;
		}
	}
	items_release(&top);
	items_release(&fields);
	items_release(&pages);
	items_release(&hist);
	return rc;
}
