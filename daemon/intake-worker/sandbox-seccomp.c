/*
 * sandbox-seccomp.c - the worker's system-call filter (libseccomp).
 *
 * The worker only reads descriptors it was given and writes files in the
 * output folder it was given.  The filter refuses, with EPERM, what a
 * hijacked decoder would need to reach further: new network sockets,
 * starting programs, tracing, mounting, namespaces, kernel modules,
 * keyrings and BPF.  A deny list keeps the libraries' own needs (threads,
 * memory, files) working across their versions.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#include "worker.h"

static const char *const denied[] = {
	"execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev",
	"mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
	"init_module", "finit_module", "delete_module", "kexec_load",
	"kexec_file_load", "bpf", "perf_event_open", "add_key", "request_key",
	"keyctl", "reboot", "swapon", "swapoff", "syslog", "acct",
	"settimeofday", "clock_settime", "adjtimex", "setuid", "setgid",
	"setreuid", "setregid", "setresuid", "setresgid", "setgroups",
	"connect", "bind", "listen", "accept", "accept4", "sendto",
	"userfaultfd", "io_uring_setup", "open_by_handle_at", "name_to_handle_at",
	"mknod", "mknodat", "link", "linkat", "symlink", "symlinkat",
	"chmod", "fchmodat", "chown", "fchownat", "lchown", "tkill",
	"rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal",
	"pidfd_open", "pidfd_getfd",
};

int
sandbox_filter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	size_t i;
	int rc = 0;

	if (ctx == NULL)
		return INTAKE_ERR;
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]) && rc == 0; i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);

		if (nr != __NR_SCMP_ERROR)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
	}
	/* Sockets: only the AF_UNIX pair the worker already has may exist. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_NE, AF_UNIX));
	/* No new namespaces by clone either (clone3's flags cannot be read:
	 * it reports "not implemented", and the C library falls back). */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER,
		    CLONE_NEWUSER));
	if (rc == 0 && seccomp_syscall_resolve_name("clone3") != __NR_SCMP_ERROR)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
		    seccomp_syscall_resolve_name("clone3"), 0);
	/* Signals only to itself: not to the other workers of its user. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(kill),
		    1, SCMP_A0(SCMP_CMP_NE, (scmp_datum_t)getpid()));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    SCMP_SYS(tgkill), 1, SCMP_A0(SCMP_CMP_NE,
		    (scmp_datum_t)getpid()));
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc == 0 ? 0 : INTAKE_ERR;
}

const char *
sandbox_name(void)
{
	return "seccomp";
}
