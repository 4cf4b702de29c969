/*
 * rows.c - a case's pages and history value by value, in the one order
 * and with the one set of names every document that shows them gives:
 * intakectl's --json, the case document plugins get, and the JSON API.
 * Each document supplies its own writer (struct row_out); the names and
 * their order live only here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "intake.h"
#include "store.h"

void
page_row_out(const struct page_row *p, const struct row_out *o)
{
	o->num(o->arg, "seq", p->seq);
	o->text(o->arg, "source", p->source);
	o->text(o->arg, "member", p->member);
	o->num(o->arg, "page", p->page_no);
	o->num(o->arg, "width", p->width);
	o->num(o->arg, "height", p->height);
	o->num(o->arg, "rotation", p->rotation);
	o->num(o->arg, "confidence", p->confidence);
	o->text(o->arg, "path", p->path);
}

void
history_row_out(const struct history_row *h, const struct row_out *o)
{
	char t[32];

	o->num(o->arg, "seq", h->seq);
	o->text(o->arg, "at", fmt_time(h->at_ms, t, sizeof(t)));
	o->text(o->arg, "actor", h->actor);
	o->text(o->arg, "kind", h->kind);
	o->text(o->arg, "event", h->event);
	o->text(o->arg, "from", h->from);
	o->text(o->arg, "to", h->to);
	o->text(o->arg, "why", h->why);
	o->text(o->arg, "comment", h->comment);
}
