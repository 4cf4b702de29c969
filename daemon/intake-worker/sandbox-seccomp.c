/*
 * sandbox-seccomp.c - the worker's system-call filter (libseccomp): an
 * allow-list.
 *
 * The worker reads descriptors it was given, writes files in the output
 * folder it was given, reads the OCR models and templates, runs threads
 * and talks to the daemon on the socket it has.  Only the system calls
 * that takes (for the worker, its libraries and the sanitizers' runtime)
 * are allowed; everything else fails with an error and the process goes
 * on.
 *
 * Why an error and not death (SCMP_ACT_KILL_PROCESS): a call the list
 * lacks is far more likely to be a library's rare path or a newer
 * library's probe than an attack, and a hijacked decoder gains nothing
 * from an error either.  A killed worker would cost a citizen's delivery
 * its attempts and end in quarantine, and would hide the reason; an error
 * fails one operation, which the worker reports as a warning or a refused
 * delivery, and a library that probes for an optional call goes on
 * without it.
 *
 * Which error: the calls a decoder turned against us would want (starting
 * programs or processes, sockets, links, renaming, tracing, changing
 * rights or namespaces) fail with EPERM, so the refusal reads as one.
 * Every other call fails with ENOSYS, as on a kernel that lacks it: the C
 * library then falls back from a newer call to an older one the list
 * allows (clone3 to clone, whose flags the filter can read).
 *
 * INTAKE_WORKER_SECCOMP=log in the environment lets the calls outside the
 * list through and has the kernel log each (audit type 1326, "syscall=N"
 * in the kernel log): for finding what a new library version needs.  The
 * calls refused with EPERM stay refused.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "worker.h"

/* The calls the worker makes once the filter is in place, by name (a name
 * this architecture lacks is skipped): what the test suite's images,
 * PDF, archives, manifests, OCR (with OpenMP threads too) and form
 * extraction call, in the plain and the sanitizer build, with the calls
 * of the same families beside them.  kill, tgkill, clone and prlimit64
 * are allowed below with their arguments checked.  Not here: ioctl (the
 * only one seen, stdio's isatty on /dev/null, is answered as well by an
 * error) and prctl (LeakSanitizer's at exit: it cannot trace the worker
 * anyway). */
static const char *const allowed[] = {
	/* memory */
	"brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise",
	/* threads and their locks */
	"futex", "futex_time64", "set_robust_list", "set_tid_address", "rseq",
	"sched_yield", "sched_getaffinity",
	/* this process */
	"getpid", "gettid", "getuid", "geteuid", "getgid", "getegid",
	"getrlimit", "setrlimit", "ugetrlimit", "getrusage", "uname",
	"sysinfo", "getrandom", "exit", "exit_group",
	/* time */
	"clock_gettime", "clock_gettime64", "clock_getres",
	"clock_getres_time64", "gettimeofday", "time", "nanosleep",
	"clock_nanosleep", "clock_nanosleep_time64", "restart_syscall",
	/* signals (kill and tgkill: below) */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigreturn",
	"sigaltstack", "pause", "rt_sigsuspend",
	/* descriptors it has: the delivery, the output folder, the socket */
	"read", "readv", "pread64", "preadv", "write", "writev", "pwrite64",
	"pwritev", "lseek", "_llseek", "close", "dup", "dup2", "dup3",
	"fcntl", "fcntl64", "fstat", "fstat64", "fstatfs", "fstatfs64",
	"ftruncate", "ftruncate64", "getdents", "getdents64", "recvmsg",
	"sendmsg", "recvfrom", "poll", "ppoll", "ppoll_time64",
	/* files by name: the models and templates, Leptonica's temporary
	 * files, the searchable PDF (written through /proc/self/fd) */
	"open", "openat", "stat", "stat64", "lstat", "lstat64", "newfstatat",
	"fstatat64", "statx", "statfs", "statfs64", "access", "faccessat",
	"faccessat2", "readlink", "readlinkat", "getcwd", "unlink", "unlinkat",
};

/* What a decoder turned against us would want: starting programs or
 * processes (clone without CLONE_THREAD: below), sockets beyond the one
 * it has, links, renaming, tracing, changing rights or namespaces. */
static const char *const refused[] = {
	"execve", "execveat", "fork", "vfork", "socket", "socketpair",
	"connect", "bind", "listen", "accept", "accept4",
	"link", "linkat", "symlink", "symlinkat", "rename", "renameat",
	"renameat2", "mkdir", "mkdirat", "mknod", "mknodat",
	"chmod", "fchmod", "fchmodat", "chown", "fchown", "fchownat", "lchown",
	"ptrace", "process_vm_readv", "process_vm_writev", "pidfd_open",
	"pidfd_getfd", "pidfd_send_signal", "tkill", "rt_sigqueueinfo",
	"rt_tgsigqueueinfo", "setuid", "setgid", "setreuid", "setregid",
	"setresuid", "setresgid", "setgroups", "unshare", "setns", "mount",
	"umount2", "pivot_root", "chroot", "bpf", "perf_event_open",
	"userfaultfd", "io_uring_setup",
};

/* Namespace flags: not even a thread may take new ones. */
#define CLONE_NAMESPACES (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | \
	CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

/* clone's flags: its first argument, but the second on s390. */
#if defined(__s390__) || defined(__s390x__)
#define CLONE_FLAGS(...)	SCMP_A1(__VA_ARGS__)
#else
#define CLONE_FLAGS(...)	SCMP_A0(__VA_ARGS__)
#endif

static bool logging;
static uint32_t fallback;	/* the action for calls no rule names */

/* Adds one rule for a call named name; a name this architecture lacks is
 * skipped, and so is a rule that would say what the default says (which
 * libseccomp refuses).  0 or a negative errno from libseccomp. */
static int
rule(scmp_filter_ctx ctx, uint32_t action, const char *name,
    unsigned int argc, const struct scmp_arg_cmp *arg)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR || action == fallback)
		return 0;
	return seccomp_rule_add_array(ctx, action, nr, argc, arg);
}

int
sandbox_filter(void)
{
	const char *mode = getenv("INTAKE_WORKER_SECCOMP");
	struct scmp_arg_cmp self = SCMP_A0(SCMP_CMP_EQ,
	    (scmp_datum_t)getpid());
	struct scmp_arg_cmp others = SCMP_A0(SCMP_CMP_NE,
	    (scmp_datum_t)getpid());
	struct scmp_arg_cmp thread = CLONE_FLAGS(SCMP_CMP_MASKED_EQ,
	    CLONE_THREAD | CLONE_NAMESPACES, CLONE_THREAD);
	struct scmp_arg_cmp process = CLONE_FLAGS(SCMP_CMP_MASKED_EQ,
	    CLONE_THREAD, 0);
	struct scmp_arg_cmp ownlimits = SCMP_A0(SCMP_CMP_EQ, 0);
	struct scmp_arg_cmp otherlimits = SCMP_A0(SCMP_CMP_NE, 0);
	uint32_t deny = SCMP_ACT_ERRNO(EPERM);
	/* The calls allowed only with some arguments, refused with EPERM
	 * with the others. */
	const struct {
		const char			*name;
		const struct scmp_arg_cmp	*allow, *refuse;
	} checked[] = {
		/* signals only to itself: not to the other workers of its
		 * user */
		{ "kill", &self, &others },
		{ "tgkill", &self, &others },
		/* resource limits: its own only (0 is the calling process) */
		{ "prlimit64", &ownlimits, &otherlimits },
		/* threads, without new namespaces; no new processes */
		{ "clone", &thread, &process },
	};
	scmp_filter_ctx ctx;
	size_t i;
	int rc = 0;

	logging = mode != NULL && strcmp(mode, "log") == 0 &&
	    seccomp_api_get() >= 3;
	fallback = logging ? SCMP_ACT_LOG : SCMP_ACT_ERRNO(ENOSYS);
	ctx = seccomp_init(fallback);
	if (ctx == NULL)
		return INTAKE_ERR;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && rc == 0; i++)
		rc = rule(ctx, SCMP_ACT_ALLOW, allowed[i], 0, NULL);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]) && rc == 0; i++)
		rc = rule(ctx, deny, refused[i], 0, NULL);
	for (i = 0; i < sizeof(checked) / sizeof(checked[0]) && rc == 0; i++) {
		rc = rule(ctx, SCMP_ACT_ALLOW, checked[i].name, 1,
		    checked[i].allow);
		if (rc == 0)
			rc = rule(ctx, deny, checked[i].name, 1,
			    checked[i].refuse);
	}
	/* clone3 passes its flags in memory the filter cannot read: "not
	 * implemented" makes the C library fall back to clone, even in the
	 * logging mode. */
	if (rc == 0)
		rc = rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0)
		errno = -rc;
	return rc == 0 ? 0 : INTAKE_ERR;
}

const char *
sandbox_name(void)
{
	return logging ? "seccomp, logging only" : "seccomp";
}
