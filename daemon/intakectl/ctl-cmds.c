/*
 * ctl-cmds.c - the table of intakectl's commands: for each its usage,
 * help, options and arguments, who may run it, whether the daemon runs
 * it for users of its control socket, and its function.  intakectl.c
 * prints the usage and help and checks all of this from here; nothing
 * about a command is written anywhere else.
 *
 * Served commands: the daemon (intaked/control.c) runs intakectl for
 * anyone who connects to its control socket, with the daemon's rights,
 * whatever command they ask for; it is this table that refuses, in that
 * intakectl, every command not marked served before any of its code
 * runs.  So the list of what the socket serves is .served below and
 * nowhere else.  A served command touches no file by name.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ctl.h"

/* Alphabetical: intakectl --help lists them in this order.  backup,
 * graph and migrate take --json as they always have, and print what they
 * print without it: their usage does not offer it. */
const struct ctl_cmd ctl_cmds[] = {
	{
		.name = "assign",
		.usage = "[--comment TEXT] CASE USER|--nobody",
		.what = "put a case on a person's desk",
		.help = "Puts a case on a person's desk (or takes it off with "
		    "--nobody);\nthe history records who did it.\n",
		.opts = "m:comment= nobody",
		.minargs = 1, .maxargs = 2, .case_arg = true,
		.perm = CTL_CASE, .served = true,
		.check = cmd_assign_check, .fn = cmd_assign,
	},
	{
		.name = "backup",
		.usage = "FILE",
		.what = "a consistent copy of the database, also while the "
		    "daemon runs",
		.help = "Writes a consistent copy of the database to FILE, "
		    "also while the daemon\nruns (SQLite's online backup).  "
		    "FILE must not exist.  The spool (page\nimages, PDFs) is "
		    "copied separately.\n",
		.opts = "json",
		.minargs = 1, .maxargs = 1,
		.perm = CTL_READER, .served = false,
		.fn = cmd_backup,
	},
	{
		.name = "cases",
		.usage = "[--json] [--state S] [--queue Q] [--form F] "
		    "[--assignee USER | --mine] [--open] [--stuck] [--overdue] "
		    "[--reference R] [--name TEXT] [--since T] [--limit N]",
		.what = "work lists: a team's queue, stuck and overdue cases, "
		    "...",
		.help = "Lists cases, most urgent first in work lists: case, "
		    "form, state, the team's\nqueue, whose desk it is on (assignee), "
		    "the deadline of its state (local\ntime), pages, when it was "
		    "opened, and its reference (with --stuck: why a\nsupervisor "
		    "must look).\n\n"
		    "  --state S    cases in state S\n"
		    "  --queue Q    open cases on team Q's work list\n"
		    "  --form F     cases of form F\n"
		    "  --assignee USER\n"
		    "               cases on USER's desk (intakectl assign)\n"
		    "  --mine       cases on your desk\n"
		    "  --open       cases not in a final state\n"
		    "  --stuck      open cases a supervisor must look at: "
		    "deadline passed or within\n"
		    "               a day, statutory clock ran out, an action "
		    "failed, a worker\n"
		    "               failed on the delivery, unclassified, no "
		    "workflow, decisions\n"
		    "               that loop\n"
		    "  --overdue    open cases past their deadline or "
		    "statutory clock\n"
		    "  --reference R\n"
		    "               cases whose reference holds R\n"
		    "  --name TEXT  cases with a field value that holds TEXT "
		    "(a name, ...)\n"
		    "  --since T    opened since T: 2026-11-01, "
		    "2026-11-01T08:00, 7d, 12h\n"
		    "  --limit N    at most N cases\n"
		    "  --json       one object per case, with workflow, fields "
		    "to check, files\n"
		    "               and where each page came from\n",
		.opts = "json state= queue= form= assignee= mine open stuck "
		    "overdue since= limit= reference= name=",
		.minargs = 0, .maxargs = 0,
		.perm = CTL_READER, .served = true,
		.check = cmd_cases_check, .fn = cmd_cases,
	},
	{
		.name = "classify",
		.usage = "[--comment TEXT] CASE FORM",
		.what = "say which form a delivery is: read again as that form",
		.help = "Says which form a delivery is (one no template "
		    "recognised): a worker\nreads its pages again as that "
		    "form's, the fields replace what was read,\nand the case "
		    "leaves its workflow for the form's, starting with\n"
		    "\"extracted\".  While intaked runs, its workers do the "
		    "reading and intakectl\nwaits for the answer.\n",
		.opts = "m:comment=",
		.minargs = 2, .maxargs = 2, .case_arg = true,
		.perm = CTL_CASE, .served = true,
		.fn = cmd_classify,
	},
	{
		.name = "confirm",
		.usage = "[--comment TEXT] CASE [FIELD...]",
		.what = "accept fields as read, instead of typing them again",
		.help = "Accepts fields as the machine read them: the named "
		    "ones, or every\nuncertain field of the case.  Each becomes "
		    "\"ok\" (an empty one stays empty),\nconfirmed by you; what "
		    "was read and its confidence stay in the history.\nA field "
		    "that is invalid or missing has no reading to confirm: "
		    "correct it\nwith set.\n",
		.opts = "m:comment=",
		.minargs = 1, .maxargs = -1, .case_arg = true,
		.perm = CTL_CASE, .served = true,
		.fn = cmd_confirm,
	},
	{
		.name = "deliveries",
		.usage = "[--json] [--status S] [--since T] [--limit N | --all]",
		.what = "the intake ledger: every file ever seen and what "
		    "became of it",
		.help = "Lists the intake ledger, newest first: every file or "
		    "folder seen in an\ninbox, its SHA-256, size, status (case, "
		    "quarantined, duplicate, ignored,\npending), case and the "
		    "reason for anything not taken.  The newest "
		    CTL_STR(DELIVERIES_LIMIT) " are\nshown unless --limit or "
		    "--all says otherwise; when some are left out, standard\n"
		    "error says how many there are.\n\n"
		    "  --status S   deliveries of status S: case, quarantined, "
		    "duplicate, ignored\n"
		    "               or pending\n"
		    "  --since T    seen since T: 2026-11-01, 2026-11-01T08:00, "
		    "7d, 12h\n"
		    "  --limit N    at most N deliveries (default "
		    CTL_STR(DELIVERIES_LIMIT) "; 0: all)\n"
		    "  --all        all of them, as --limit 0\n"
		    "  --json       one object per delivery\n",
		.opts = "json status= since= limit= all",
		.minargs = 0, .maxargs = 0,
		.perm = CTL_READER, .served = true,
		.check = cmd_deliveries_check, .fn = cmd_deliveries,
	},
	{
		.name = "extract",
		.usage = "[--json] [--templates DIR] FILE...",
		.what = "recognise the form of files and read their fields, "
		    "without a daemon",
		.help = "Runs unpacking, OCR, form recognition and field "
		    "reading on each FILE,\nas the daemon does, without a "
		    "daemon or a database, and prints one JSON\nobject per "
		    "file: the form (null when no template matches), the "
		    "pages, and\nevery field with its value, status (ok, "
		    "empty, missing, uncertain,\ninvalid), confidence, page, "
		    "what OCR read and why a person must look;\nthen how "
		    "each page fits its template (anchors found, residual "
		    "in mm,\naligned or not).  --templates: a folder of "
		    "templates instead of the\nconfigured and shipped ones.\n",
		.opts = "json templates=",
		.minargs = 1, .maxargs = -1,
		.perm = CTL_ANYONE, .served = false,
		.fn = cmd_extract,
	},
	{
		.name = "fire",
		.usage = "[--comment TEXT] CASE EVENT",
		.what = "fire a manual event on a case, as your roles allow",
		.help = "Fires a manual event on a case (\"approve\", "
		    "\"verified\", ...): the\ntransition its state has for it "
		    "is taken if one of your roles may fire\nit and its "
		    "condition holds; you and the comment go into the "
		    "history.\n",
		.opts = "m:comment=",
		.minargs = 2, .maxargs = 2, .case_arg = true,
		.perm = CTL_ROLE, .served = true,
		.check = cmd_fire_check, .fn = cmd_fire,
	},
	{
		.name = "graph",
		.usage = "WORKFLOW.xml",
		.what = "draw a workflow as a Graphviz digraph",
		.help = "Prints the workflow as a Graphviz digraph: states "
		    "(queue, deadline, paused\nclock; final states doubly "
		    "framed), transitions labelled with their event,\n"
		    "condition and roles (dashed: decided on entry).  For a "
		    "picture:\n"
		    "  intakectl graph building-permit.xml | dot -Tsvg > "
		    "bp.svg\n",
		.opts = "json",
		.minargs = 1, .maxargs = 1,
		.perm = CTL_ANYONE, .served = false,
		.fn = cmd_graph,
	},
	{
		.name = "lint",
		.usage = "[--templates DIR] FILE...",
		.what = "check workflows, form templates and intake.conf: "
		    "schema and meaning, with file:line",
		.help = "Checks workflows (intake-workflow(5)): the schema, "
		    "and states that do not\nexist, cannot be reached or "
		    "left, guards that do not parse or name\nfields the form "
		    "(--templates DIR: its templates) lacks, durations,\n"
		    "roles nobody has, deadlines nothing handles.\n\n"
		    "Checks form templates (intake-template(5)): the schema, "
		    "and what it cannot see:\nunknown field types, names used "
		    "twice, boxes outside the page, options on\nfields that "
		    "are no choice, pages without phrases or with fewer than "
		    "two\nanchors, patterns that do not compile, OCR languages "
		    "not installed.\n\n"
		    "Checks an intake.conf (intake.conf(5)): the schema, its "
		    "template folders,\nthe templates each inbox reads with "
		    "(a note for each one another\nhides), the OCR "
		    "languages of the configuration, its inboxes and\nthose "
		    "templates, and <web> (with intake-web -n): its user, "
		    "address,\nsign-in and <tls> files: there, the key "
		    "readable by root alone and\n(checked as root) the "
		    "certificate's.\n\n"
		    "Every problem is printed as FILE:LINE: message; the exit "
		    "status is 1\nwhen there is one.\n",
		.opts = "t:templates=",
		.minargs = 1, .maxargs = -1,
		.perm = CTL_ANYONE, .served = false,
		.fn = cmd_lint,
	},
	{
		.name = "migrate",
		.usage = "CASE...",
		.what = "move cases to the current version of their workflow",
		.help = "Moves cases to the current version of their "
		    "workflow, keeping their state\n(which the new version "
		    "must have).  A case keeps the version it started\nwith "
		    "until it is migrated.\n",
		.opts = "json",
		.minargs = 1, .maxargs = -1,
		.perm = CTL_ADMIN, .served = true,
		.fn = cmd_migrate,
	},
	{
		.name = "ocr",
		.usage = "[--lang L] [--json | --tsv | --hocr] FILE",
		.what = "read one file as the daemon would, without a daemon",
		.help = "Runs intake's unpacking and OCR on FILE (an image, a "
		    "PDF, an archive) in a\nworker, as the daemon would, and "
		    "prints each page's text, or its words with\nboxes and "
		    "confidences (--json, --tsv as Tesseract's, --hocr).  No "
		    "daemon\nand no database are needed.  --lang overrides "
		    "the configured languages.\n",
		.opts = "lang= json tsv hocr",
		.minargs = 1, .maxargs = 1,
		.perm = CTL_ANYONE, .served = false,
		.fn = cmd_ocr,
	},
	{
		.name = "page",
		.usage = "[--pdf] [--out FILE] CASE [N]",
		.what = "a page image (or the searchable PDF) of a case, for a "
		    "reviewer",
		.help = "Writes page N (default 1) of a case as the worker "
		    "stored it, turned\nupright and straightened, to FILE "
		    "(\"-\": standard output), or prints\nwhere it is stored; "
		    "--pdf: the searchable PDF of the whole delivery.\n"
		    "Through the daemon, FILE can only be \"-\".\n",
		.opts = "o:out= pdf",
		.minargs = 1, .maxargs = 2, .case_arg = true,
		.perm = CTL_READER, .served = true,
		.check = cmd_page_check, .fn = cmd_page,
	},
	{
		.name = "passwd",
		.usage = "[--remove] USER",
		.what = "set a person's password for intake-web",
		.help = "Sets USER's password for intake-web (intake-web(8)), "
		    "read from the terminal\ntwice without echo, or as one "
		    "line of standard input; --remove takes\nUSER out.  The "
		    "password file <web> names in intake.conf keeps an "
		    "Argon2id\nhash of it, and is replaced atomically, mode "
		    "0640, in the web user's group;\nso run it as root.  "
		    "USER needs a role in <roles> to sign in.\n",
		.opts = "remove",
		.minargs = 1, .maxargs = 1,
		.perm = CTL_ANYONE, .served = false,
		.fn = cmd_passwd,
	},
	{
		.name = "plugins",
		.usage = "[--json]",
		.what = "the plugins actions can use, and those refused and why",
		.help = "Lists the plugins workflow actions can use: the "
		    "built-in ones and every\nNAME.so in the folder <actions "
		    "plugins=> names, with what each does; a\nfile that "
		    "cannot be used (another plugin ABI, no intake_plugin) "
		    "is\nlisted as refused, with why.  Exits 1 when one is "
		    "refused.\n",
		.opts = "json",
		.minargs = 0, .maxargs = 0,
		.perm = CTL_ANYONE, .served = false,
		.fn = cmd_plugins,
	},
	{
		.name = "reprocess",
		.usage = "[--comment TEXT] CASE",
		.what = "OCR and extraction again, e.g. after a template "
		    "changed",
		.help = "Reads a case's delivery again (OCR and extraction), "
		    "e.g. after its template\nchanged: the words and fields "
		    "replace what was read, except fields a\nperson "
		    "corrected; the case stays where it is in its workflow "
		    "(fire an\nevent to move it).  While intaked runs, its "
		    "workers do the reading and\nintakectl waits for the "
		    "answer.\n",
		.opts = "m:comment=",
		.minargs = 1, .maxargs = 1, .case_arg = true,
		.perm = CTL_CASE, .served = true,
		.fn = cmd_reprocess,
	},
	{
		.name = "retry",
		.usage = "[--comment TEXT] CASE",
		.what = "run the failed steps of a case again",
		.help = "Runs the failed steps of a case again: its actions "
		    "that failed after\nall their attempts go back to the "
		    "queue with fresh attempts (the daemon\nruns them within "
		    "a second).\n",
		.opts = "m:comment=",
		.minargs = 1, .maxargs = 1, .case_arg = true,
		.perm = CTL_CASE, .served = true,
		.fn = cmd_retry,
	},
	{
		.name = "search",
		.usage = "[--json] [--limit N] WORDS...",
		.what = "find cases by words on their scanned pages",
		.help = "Lists the cases one of whose pages has every word "
		    "(OCR's text; case and\ndiacritics do not count: "
		    "\"muller\" finds \"Müller\"; \"Linden*\" finds the "
		    "words\nit begins), of those you see: case, form, state, "
		    "reference and the pages\nthat have them.\n\n"
		    "  --limit N    at most N cases (default 100)\n"
		    "  --json       one object per case, with each page's "
		    "hits: the words that\n"
		    "               match and their boxes (x, y, w, h) in "
		    "pixels of the page\n"
		    "               image (intakectl page)\n",
		.opts = "json limit=",
		.minargs = 1, .maxargs = -1,
		.perm = CTL_READER, .served = true,
		.check = cmd_search_check, .fn = cmd_search,
	},
	{
		.name = "set",
		.usage = "[--comment TEXT] CASE FIELD VALUE",
		.what = "correct a field, validated by its type",
		.help = "Corrects a field of a case: the value is normalised "
		    "and validated as\nits type and template say (a date "
		    "\"3.4.1985\" becomes 1985-04-03, an IBAN\nmust pass its "
		    "checksum); an empty VALUE clears it.  The field becomes\n"
		    "\"ok\" with confidence 1; what the machine read stays in "
		    "the history.\n",
		.opts = "m:comment=",
		.minargs = 3, .maxargs = 3, .case_arg = true,
		.perm = CTL_CASE, .served = true,
		.fn = cmd_set,
	},
	{
		.name = "show",
		.usage = "[--json] CASE",
		.what = "a case: fields, pages, files, state, queue, deadline, "
		    "history",
		.help = "Shows a case: form, state, workflow, queue, deadline, "
		    "reference, files;\nevery field (status, confidence, page, "
		    "value); every page (where it came\nfrom, size, how it "
		    "was turned, OCR confidence); the history.  With --json,\n"
		    "one object per line: {\"case\":...}, then "
		    "{\"field\":...} (with its box\non the page image), "
		    "{\"page\":...}, {\"history\":...}, and per manual event"
		    "\nof the state {\"event\":...} (the roles that may fire "
		    "it, and whether\nyou may).\n",
		.opts = "json",
		.minargs = 1, .maxargs = 1, .case_arg = true,
		.perm = CTL_READER, .served = true,
		.fn = cmd_show,
	},
	{
		.name = "stats",
		.usage = "[--json] [--by day|week] [--days N]",
		.what = "received, completed, backlog and time to completion",
		.help = "Cases received and completed per day (or week) over "
		    "the last N days\n(default 30), the change of the backlog "
		    "since then, and per form the\nmedian time from receipt "
		    "to completion.\n",
		.opts = "json by= days=",
		.minargs = 0, .maxargs = 0,
		.perm = CTL_READER, .served = true,
		.check = cmd_stats_check, .fn = cmd_stats,
	},
	{
		.name = "status",
		.usage = "[--json]",
		.what = "the daemon, its workers, queues, throughput, open and "
		    "overdue cases",
		.help = "Whether intaked runs (and its workers: ready, busy; "
		    "deliveries sent ahead\nto busy ones and queued for "
		    "them), deliveries not yet done by "
		    "stage, deliveries and pages per minute\nover the last "
		    "hour, open cases per state and queue, how many are "
		    "overdue,\nand the workflows' actions: running, waiting "
		    "(queued or to be tried\nagain) and failed; and what intake "
		    "waits for when the disk is full or\nfailing or the "
		    "database locked (it takes nothing until then).\n",
		.opts = "json",
		.minargs = 0, .maxargs = 0,
		.perm = CTL_READER, .served = true,
		.fn = cmd_status,
	},
	{
		.name = "template",
		.usage = "new [--id ID] [--lang L] [--json] BLANK.pdf",
		.what = "a template skeleton from a blank form, to fill in",
		.help = "Reads a blank form (a PDF or a clean scan) in a "
		    "worker, as intakectl ocr\ndoes, and prints a template "
		    "(intake-template(5)) made from what it\nprints: its "
		    "largest text as phrases, labels as anchors, a field "
		    "box\nbelow or right of each label that has room for "
		    "writing (the type\nguessed from the label: date, IBAN, "
		    "amount, ...), tick boxes as checkbox\nand choice fields.  "
		    "Every guess carries a TODO; intakectl lint accepts\nthe "
		    "skeleton as it is (a page where no field was found: once "
		    "one is\nadded).\n\n"
		    "  --id ID    the form's id (default: the file's name "
		    "without its extension)\n"
		    "  --lang L   the OCR languages, also the template's "
		    "<lang> (deu, eng, deu+eng)\n"
		    "  --json     the printed text found instead, one object "
		    "per phrase: page,\n"
		    "             text, role, position, anchor, and the field "
		    "made of it\n",
		.opts = "id= lang= json",
		.minargs = 2, .maxargs = 2,
		.perm = CTL_ANYONE, .served = false,
		.fn = cmd_template,
	},
	{
		.name = "why",
		.usage = "[--json] CASE",
		.what = "explain why a case is where it is: its history in "
		    "words",
		.help = "Explains in words why a case is where it is: every "
		    "step of its history,\nwho or what took it, and the "
		    "values the conditions read.\n",
		.opts = "json",
		.minargs = 1, .maxargs = 1, .case_arg = true,
		.perm = CTL_READER, .served = true,
		.fn = cmd_why,
	},
};
const size_t ctl_ncmds = sizeof(ctl_cmds) / sizeof(ctl_cmds[0]);
