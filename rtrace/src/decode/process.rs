//! Processes and threads: ids, exit, exec, clone, wait, limits, `prctl` and friends.

use super::{
    Call, Capture,
    fs::{
        OUT_INT, bracketed_int, flags_dflt, i32_at, i64_at, out_struct, struct_cap, u64_at, xval,
    },
    signal,
    table::{Arg, Cap, DIRFD, HEX, INT, Len, Max, PID, PTR, Ret, SyscallDef, UINT, ULONG, class},
    text::{self, HexStrings},
    xlat::AT_FLAGS,
};
use crate::xlat;
use syscalls::Sysno;

xlat! {
    /// `clone` flags above the exit signal, `include/uapi/linux/sched.h`.
    pub CLONE_FLAGS {
        CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND, CLONE_PIDFD, CLONE_PTRACE, CLONE_VFORK,
        CLONE_PARENT, CLONE_THREAD, CLONE_NEWNS, CLONE_SYSVSEM, CLONE_SETTLS,
        CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_DETACHED, CLONE_UNTRACED,
        CLONE_CHILD_SETTID, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
        CLONE_NEWPID, CLONE_NEWNET, CLONE_IO = 0x8000_0000_u32,
    }
}

xlat! {
    /// `clone3` flags: `clone`'s, and those only `clone3` has.
    pub CLONE3_FLAGS {
        CLONE_NEWTIME, CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND, CLONE_PIDFD,
        CLONE_PTRACE, CLONE_VFORK, CLONE_PARENT, CLONE_THREAD, CLONE_NEWNS, CLONE_SYSVSEM,
        CLONE_SETTLS, CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_DETACHED,
        CLONE_UNTRACED, CLONE_CHILD_SETTID, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
        CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_IO = 0x8000_0000_u32,
        CLONE_CLEAR_SIGHAND = 0x1_0000_0000_u64, CLONE_INTO_CGROUP = 0x2_0000_0000_u64,
    }
}

xlat! {
    /// `wait4` options, `include/uapi/linux/wait.h`.
    pub WAIT_OPTIONS {
        WNOHANG, WSTOPPED, WEXITED, WCONTINUED, WNOWAIT, __WCLONE = 0x8000_0000_u32, __WALL,
        __WNOTHREAD,
    }
}

xlat! {
    /// `waitid` id types, `include/uapi/linux/wait.h`.
    pub ID_TYPES { P_ALL, P_PID, P_PGID, P_PIDFD = 3 }
}

xlat! {
    /// `getrusage` targets (`RUSAGE_CHILDREN` is -1).
    pub RUSAGE_WHO { RUSAGE_SELF, RUSAGE_CHILDREN = 0xffff_ffff_u32, RUSAGE_THREAD }
}

xlat! {
    /// Resource limits, `include/uapi/asm-generic/resource.h`.
    pub RLIMITS {
        RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_RSS,
        RLIMIT_NPROC, RLIMIT_NOFILE, RLIMIT_MEMLOCK, RLIMIT_AS, RLIMIT_LOCKS,
        RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME,
    }
}

xlat! {
    /// `getrandom` flags, `include/uapi/linux/random.h`.
    pub GRND_FLAGS { GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE }
}

/// `arch_prctl` codes libc lacks, `arch/x86/include/uapi/asm/prctl.h`.
mod arch {
    pub const SET_GS: u64 = 0x1001;
    pub const SET_FS: u64 = 0x1002;
    pub const GET_FS: u64 = 0x1003;
    pub const GET_GS: u64 = 0x1004;
    pub const GET_CPUID: u64 = 0x1011;
    pub const SET_CPUID: u64 = 0x1012;
    pub const GET_XCOMP_SUPP: u64 = 0x1021;
    pub const GET_XCOMP_PERM: u64 = 0x1022;
    pub const REQ_XCOMP_PERM: u64 = 0x1023;
    pub const GET_XCOMP_GUEST_PERM: u64 = 0x1024;
    pub const REQ_XCOMP_GUEST_PERM: u64 = 0x1025;
    pub const MAP_VDSO_X32: u64 = 0x2001;
    pub const MAP_VDSO_32: u64 = 0x2002;
    pub const MAP_VDSO_64: u64 = 0x2003;
}

xlat! {
    /// `arch_prctl` codes.
    pub ARCH_CODES {
        ARCH_SET_GS = arch::SET_GS, ARCH_SET_FS = arch::SET_FS, ARCH_GET_FS = arch::GET_FS,
        ARCH_GET_GS = arch::GET_GS, ARCH_GET_CPUID = arch::GET_CPUID,
        ARCH_SET_CPUID = arch::SET_CPUID, ARCH_GET_XCOMP_SUPP = arch::GET_XCOMP_SUPP,
        ARCH_GET_XCOMP_PERM = arch::GET_XCOMP_PERM, ARCH_REQ_XCOMP_PERM = arch::REQ_XCOMP_PERM,
        ARCH_GET_XCOMP_GUEST_PERM = arch::GET_XCOMP_GUEST_PERM,
        ARCH_REQ_XCOMP_GUEST_PERM = arch::REQ_XCOMP_GUEST_PERM,
        ARCH_MAP_VDSO_X32 = arch::MAP_VDSO_X32, ARCH_MAP_VDSO_32 = arch::MAP_VDSO_32,
        ARCH_MAP_VDSO_64 = arch::MAP_VDSO_64,
    }
}

xlat! {
    /// `prctl` options, `include/uapi/linux/prctl.h` (those strace 6.1 names).
    pub PRCTL_OPTIONS {
        PR_SET_PDEATHSIG, PR_GET_PDEATHSIG, PR_GET_DUMPABLE, PR_SET_DUMPABLE, PR_GET_UNALIGN,
        PR_SET_UNALIGN, PR_GET_KEEPCAPS, PR_SET_KEEPCAPS, PR_GET_FPEMU, PR_SET_FPEMU,
        PR_GET_FPEXC, PR_SET_FPEXC, PR_GET_TIMING, PR_SET_TIMING, PR_SET_NAME, PR_GET_NAME,
        PR_GET_ENDIAN, PR_SET_ENDIAN, PR_GET_SECCOMP, PR_SET_SECCOMP, PR_CAPBSET_READ,
        PR_CAPBSET_DROP, PR_GET_TSC, PR_SET_TSC, PR_GET_SECUREBITS, PR_SET_SECUREBITS,
        PR_SET_TIMERSLACK, PR_GET_TIMERSLACK, PR_TASK_PERF_EVENTS_DISABLE,
        PR_TASK_PERF_EVENTS_ENABLE, PR_MCE_KILL, PR_MCE_KILL_GET, PR_SET_MM,
        PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS,
        PR_GET_NO_NEW_PRIVS, PR_GET_TID_ADDRESS, PR_SET_THP_DISABLE, PR_GET_THP_DISABLE,
        PR_MPX_ENABLE_MANAGEMENT, PR_MPX_DISABLE_MANAGEMENT, PR_SET_FP_MODE, PR_GET_FP_MODE,
        PR_CAP_AMBIENT, PR_SVE_SET_VL = 50, PR_SVE_GET_VL = 51, PR_GET_SPECULATION_CTRL,
        PR_SET_SPECULATION_CTRL, PR_PAC_RESET_KEYS = 54, PR_SET_TAGGED_ADDR_CTRL = 55,
        PR_GET_TAGGED_ADDR_CTRL = 56, PR_SET_IO_FLUSHER = 57, PR_GET_IO_FLUSHER = 58,
        PR_SET_SYSCALL_USER_DISPATCH = 59, PR_PAC_SET_ENABLED_KEYS = 60,
        PR_PAC_GET_ENABLED_KEYS = 61, PR_SCHED_CORE, PR_SME_SET_VL = 63, PR_SME_GET_VL = 64,
        PR_SET_VMA, PR_SET_PTRACER,
    }
}

xlat! {
    /// `PR_SET_DUMPABLE` values, `include/linux/sched/coredump.h`.
    pub SUID_DUMP { SUID_DUMP_DISABLE = 0, SUID_DUMP_USER = 1, SUID_DUMP_ROOT = 2 }
}

xlat! {
    /// `PR_SET_VMA` attributes.
    pub PR_SET_VMA_ATTRS { PR_SET_VMA_ANON_NAME }
}

xlat! {
    /// Capabilities, `include/uapi/linux/capability.h`.
    pub CAPABILITIES {
        CAP_CHOWN = 0, CAP_DAC_OVERRIDE = 1, CAP_DAC_READ_SEARCH = 2, CAP_FOWNER = 3,
        CAP_FSETID = 4, CAP_KILL = 5, CAP_SETGID = 6, CAP_SETUID = 7, CAP_SETPCAP = 8,
        CAP_LINUX_IMMUTABLE = 9, CAP_NET_BIND_SERVICE = 10, CAP_NET_BROADCAST = 11,
        CAP_NET_ADMIN = 12, CAP_NET_RAW = 13, CAP_IPC_LOCK = 14, CAP_IPC_OWNER = 15,
        CAP_SYS_MODULE = 16, CAP_SYS_RAWIO = 17, CAP_SYS_CHROOT = 18, CAP_SYS_PTRACE = 19,
        CAP_SYS_PACCT = 20, CAP_SYS_ADMIN = 21, CAP_SYS_BOOT = 22, CAP_SYS_NICE = 23,
        CAP_SYS_RESOURCE = 24, CAP_SYS_TIME = 25, CAP_SYS_TTY_CONFIG = 26, CAP_MKNOD = 27,
        CAP_LEASE = 28, CAP_AUDIT_WRITE = 29, CAP_AUDIT_CONTROL = 30, CAP_SETFCAP = 31,
        CAP_MAC_OVERRIDE = 32, CAP_MAC_ADMIN = 33, CAP_SYSLOG = 34, CAP_WAKE_ALARM = 35,
        CAP_BLOCK_SUSPEND = 36, CAP_AUDIT_READ = 37, CAP_PERFMON = 38, CAP_BPF = 39,
        CAP_CHECKPOINT_RESTORE = 40,
    }
}

xlat! {
    /// `rseq` flags.
    pub RSEQ_FLAGS { RSEQ_FLAG_UNREGISTER = 1 }
}

// ---------------------------------------------------------------------------------
// Signals and statuses.

/// Writes a signal as strace's `printsignal`: `SIGCHLD`, `SIGRTMIN`, `SIGRT_3`, `99`
/// (in the `-X` style).
fn write_signal(out: &mut Vec<u8>, sig: u64) {
    #[expect(clippy::cast_possible_truncation, reason = "signals are C ints")]
    signal::write_name(out, sig as i32);
}

/// Writes a wait status: `[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]`.
fn write_wait_status(out: &mut Vec<u8>, s: u32) {
    let mut rest = s;
    out.extend_from_slice(b"[{");
    if s & 0xff == 0x7f {
        let sig = (s >> 8) & 0xff;
        out.extend_from_slice(b"WIFSTOPPED(s) && WSTOPSIG(s) == ");
        out.extend_from_slice(signal::name((sig & 0x7f).cast_signed()).as_bytes());
        if sig & 0x80 != 0 {
            out.extend_from_slice(b" | 0x80");
        }
        rest &= !0xffff;
    } else if s & 0x7f != 0 && s & 0x7f != 0x7f {
        out.extend_from_slice(b"WIFSIGNALED(s) && WTERMSIG(s) == ");
        out.extend_from_slice(signal::name((s & 0x7f).cast_signed()).as_bytes());
        if s & 0x80 != 0 {
            out.extend_from_slice(b" && WCOREDUMP(s)");
        }
        rest &= !0xff;
    } else if s.trailing_zeros() >= 7 {
        out.extend_from_slice(b"WIFEXITED(s) && WEXITSTATUS(s) == ");
        text::decimal(out, (s >> 8) & 0xff);
        rest &= !0xff00;
    } else if s == 0xffff {
        out.extend_from_slice(b"WIFCONTINUED(s)");
        rest = 0;
    } else {
        out.truncate(out.len() - 1);
        text::hex(out, u64::from(s));
        out.push(b']');
        return;
    }
    out.push(b'}');
    if rest != 0 {
        out.extend_from_slice(b" | ");
        text::hex(out, u64::from(rest));
    }
    out.push(b']');
}

/// `wait4`'s status: decoded when a child was reaped, else the pointer.
fn wait_status(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let cap = call.capture(i, 0);
    match cap.bytes().and_then(|b| i32_at(b, 0)) {
        #[expect(clippy::cast_sign_loss, reason = "statuses are bit patterns")]
        Some(s) if ptr != 0 && !call.failed() && call.ret() != 0 => {
            write_wait_status(call.out, s as u32);
        }
        _ => call.pointer(ptr),
    }
}

fn wait_options(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &WAIT_OPTIONS, call.arg(i) & 0xffff_ffff, "W???");
}

/// Writes `{tv_sec=0, tv_usec=155}`.
fn write_timeval(out: &mut Vec<u8>, b: &[u8], off: usize) -> Option<()> {
    let (sec, usec) = (i64_at(b, off)?, i64_at(b, off + 8)?);
    out.extend_from_slice(b"{tv_sec=");
    text::decimal(out, sec);
    out.extend_from_slice(b", tv_usec=");
    text::decimal(out, usec);
    out.push(b'}');
    Some(())
}

/// `struct rusage`.
const RUSAGE_SIZE: u32 = 144;

/// `struct rusage`'s counters after the two times, in order.
const RUSAGE_COUNTERS: [&str; 14] = [
    "maxrss", "ixrss", "idrss", "isrss", "minflt", "majflt", "nswap", "inblock", "oublock",
    "msgsnd", "msgrcv", "nsignals", "nvcsw", "nivcsw",
];

xlat! {
    /// `pidfd_open` flags, `include/uapi/linux/pidfd.h`.
    PIDFD_OPEN_FLAGS { PIDFD_NONBLOCK = libc::O_NONBLOCK }
}

fn pidfd_open_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &PIDFD_OPEN_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "PIDFD_???",
    );
}

/// `struct tms` (`times`): four `clock_t`s, each with its seconds in a comment.
fn write_tms(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    const FIELDS: [&str; 4] = ["tms_utime", "tms_stime", "tms_cutime", "tms_cstime"];
    for (k, name) in FIELDS.iter().enumerate() {
        let ticks = u64_at(b, 8 * k)?;
        out.extend_from_slice(if k == 0 { b"{" } else { b", " });
        out.extend_from_slice(name.as_bytes());
        out.push(b'=');
        text::clock_ticks(out, ticks);
    }
    out.push(b'}');
    Some(())
}

fn tms(call: &mut Call<'_, '_>, i: usize) {
    out_struct(call, i, write_tms);
}

/// `struct rusage`: `{ru_utime={...}, ru_stime={...}, ...}`, with `-v` every counter,
/// or the pointer.
fn rusage(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let cap = call.capture(i, 0);
    let start = call.out.len();
    let whole = call.opts.unabbreviated;
    let printed = match cap.bytes() {
        Some(b) if ptr != 0 && !call.failed() => write_rusage(call.out, b, whole).is_some(),
        _ => false,
    };
    if !printed {
        call.out.truncate(start);
        call.pointer(ptr);
    }
}

/// Writes `struct rusage`: the two times, then `...`, or with `whole` the counters.
fn write_rusage(out: &mut Vec<u8>, b: &[u8], whole: bool) -> Option<()> {
    out.extend_from_slice(b"{ru_utime=");
    write_timeval(out, b, 0)?;
    out.extend_from_slice(b", ru_stime=");
    write_timeval(out, b, 16)?;
    if !whole {
        out.extend_from_slice(b", ...}");
        return Some(());
    }
    for (k, name) in RUSAGE_COUNTERS.iter().enumerate() {
        out.extend_from_slice(b", ru_");
        out.extend_from_slice(name.as_bytes());
        out.push(b'=');
        text::decimal(out, i64_at(b, 32 + 8 * k)?);
    }
    out.push(b'}');
    Some(())
}

fn id_type(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(call.out, &ID_TYPES, call.arg(i) & 0xffff_ffff, "P_???");
}

/// `waitid`'s `id`: a pid for `P_PID` (`-Y` names it).
fn waitid_id(call: &mut Call<'_, '_>, i: usize) {
    id_of_kind(call, i, u64::from(libc::P_PID));
}

/// Argument `i`, an id whose kind argument 0 tells: a pid when that is `pid_kind`
/// (`-Y` names it), else a number.
fn id_of_kind(call: &mut Call<'_, '_>, i: usize, pid_kind: u64) {
    call.next();
    let id = i64::from(call.arg_int(i));
    if call.arg(0) & 0xffff_ffff == pid_kind {
        super::comm::write_pid(call.out, id);
    } else {
        text::decimal(call.out, id);
    }
}

/// `waitid`'s `siginfo_t`, which only ever holds a `SIGCHLD`:
/// `{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=1, si_uid=0, si_status=0, ...}`, or
/// `{}` when no child changed state (`WNOHANG`).
fn waitid_info(call: &mut Call<'_, '_>, i: usize) {
    out_struct(call, i, signal::write_siginfo);
}

fn rusage_who(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(
        call.out,
        &RUSAGE_WHO,
        call.arg(i) & 0xffff_ffff,
        "RUSAGE_???",
    );
}

// ---------------------------------------------------------------------------------
// exec.

/// `execve`'s path, read at entry (after a successful exec the old memory is gone): the
/// entry capture reads a whole slot and ends the path at its NUL; when that read failed
/// (a path near the end of its mapping) a failed call still has the exit-time string.
fn exec_path(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    if let Some(b) = call.capture(i, 0).bytes() {
        if let Some(n) = b.iter().position(|&c| c == 0) {
            text::quoted(call.out, &b[..n], call.opts.hex);
        } else {
            text::quoted(call.out, b, call.opts.hex);
            call.put("...");
        }
        return;
    }
    let at_exit = if call.failed() {
        call.capture(i, 1)
    } else {
        Capture::Empty
    };
    call.string(at_exit, ptr, usize::MAX);
}

const EXEC_PATH: Arg = Arg::custom_with(
    exec_path,
    &[
        Cap::Bytes {
            at_enter: true,
            len: Len::Fixed(256),
            max: Max::Slot,
        },
        Cap::Path,
    ],
);

/// Slots holding execve's argv strings (after the slot of the pointer array).
const ARGV_REGION: u8 = 3;
/// Under `-v`, argv's and envp's: envp's strings take one of argv's slots, since the
/// record has no more.
const EXEC_REGION_WHOLE: u8 = 2;

/// `execve`'s argv: `["ls", "-l"]` (see [`write_str_array`]).
fn exec_argv(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    write_str_array(call, i);
}

/// Writes a string array from its captures ([`Cap::StrArray`]): the pointer array and
/// the packed strings read at entry (each NUL-terminated, up to `-s` + 1 characters:
/// one more than printed says it was cut): `["ls", "-l"]`. After `-s` strings (unless
/// `-v`), and where the capture had no room for more strings or pointers, `...`.
fn write_str_array(call: &mut Call<'_, '_>, i: usize) {
    let ptr = call.arg(i);
    let caps = call.captures_of(i);
    let Some(array) = caps.first().and_then(|c| c.bytes()) else {
        call.pointer(ptr);
        return;
    };
    let region: Vec<u8> = caps
        .iter()
        .skip(1)
        .flat_map(|cap| cap.bytes().unwrap_or_default())
        .copied()
        .collect();
    // Only strings whose NUL was captured are whole.
    let complete = region.split(|&c| c == 0).count().saturating_sub(1);
    let mut strings = region.split(|&c| c == 0).take(complete);
    let mut pointers = (0..array.len() / 8).map_while(|k| u64_at(array, k * 8));
    let max = call.max_elements();
    call.out.push(b'[');
    for n in 0.. {
        // The array ends at its NULL; a capture without one was cut.
        let more = match pointers.next() {
            Some(0) => break,
            Some(_) => true,
            None => false,
        };
        if n > 0 {
            call.put(", ");
        }
        // strace shows `-s` strings, then `...`, unless -v.
        let string = strings.next().filter(|_| more && n < max);
        let Some(string) = string else {
            call.put("...");
            break;
        };
        call.quoted_buf(string, string.len());
    }
    call.out.push(b']');
}

const EXEC_ARGV: Arg = Arg::custom_with(
    exec_argv,
    &[Cap::StrArray {
        region: ARGV_REGION,
    }],
);

/// `execve`'s environment: `0x7ffe... /* 23 vars */`, with the count of pointers
/// before the NULL that the kernel made at entry; with `-v`, the strings, as argv's.
fn exec_envp(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    if call.opts.unabbreviated {
        write_str_array(call, i);
        return;
    }
    let ptr = call.arg(i);
    call.pointer(ptr);
    if ptr == 0 {
        return;
    }
    let Capture::Data(count) = call.capture(i, 0) else {
        return;
    };
    let Some(n) = count
        .get(..4)
        .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
    else {
        return;
    };
    let _ = std::io::Write::write_fmt(
        call.out,
        format_args!(" /* {n} var{} */", if n == 1 { "" } else { "s" }),
    );
}

const EXEC_ENVP: Arg = Arg::custom_with(exec_envp, &[Cap::PtrCount]);

/// argv and envp as `-v` captures them: both string arrays.
const EXEC_ARGV_WHOLE: Arg = Arg::custom_with(
    exec_argv,
    &[Cap::StrArray {
        region: EXEC_REGION_WHOLE,
    }],
);
const EXEC_ENVP_WHOLE: Arg = Arg::custom_with(
    exec_envp,
    &[Cap::StrArray {
        region: EXEC_REGION_WHOLE,
    }],
);

fn exec_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &AT_FLAGS, call.arg(i) & 0xffff_ffff, "AT_???");
}

// ---------------------------------------------------------------------------------
// clone.

/// `clone` flags the printers test.
mod cl {
    pub const PIDFD: u64 = libc::CLONE_PIDFD as u64;
    pub const SETTLS: u64 = libc::CLONE_SETTLS as u64;
    pub const PARENT_SETTID: u64 = libc::CLONE_PARENT_SETTID as u64;
    pub const CHILD_TID: u64 = (libc::CLONE_CHILD_SETTID | libc::CLONE_CHILD_CLEARTID) as u64;
    pub const INTO_CGROUP: u64 = 0x2_0000_0000;
}

/// `clone`'s flags with the exit signal last: `CLONE_CHILD_SETTID|SIGCHLD`.
fn write_clone_flags(out: &mut Vec<u8>, flags: u64) {
    let sig = flags & 0xff;
    let rest = flags & !0xff;
    if rest != 0 {
        flags_dflt(out, &CLONE_FLAGS, rest, "CLONE_???");
        if sig != 0 {
            out.push(b'|');
        }
    }
    if sig != 0 {
        write_signal(out, sig);
    } else if rest == 0 {
        out.push(b'0');
    }
}

/// `clone(flags, stack, parent_tid, child_tid, tls)` prints in strace's order:
/// `child_stack=NULL, flags=..., parent_tid=[N], tls=..., child_tidptr=...`.
fn clone_args(call: &mut Call<'_, '_>, _: usize) {
    let flags = call.arg(0);
    call.next();
    call.put("child_stack=");
    call.pointer(call.arg(1));
    call.put(", flags=");
    write_clone_flags(call.out, flags);
    if flags & (cl::PARENT_SETTID | cl::PIDFD) != 0 {
        call.put(", parent_tid=");
        let ptr = call.arg(2);
        if call.failed() {
            call.pointer(ptr);
        } else {
            let cap = call.capture(2, 0);
            bracketed_int(call, cap, ptr);
        }
    }
    if flags & cl::SETTLS != 0 {
        call.put(", tls=");
        call.pointer(call.arg(4));
    }
    if flags & cl::CHILD_TID != 0 {
        call.put(", child_tidptr=");
        call.pointer(call.arg(3));
    }
}

/// An argument another argument's printer prints (`clone`, `prctl`).
fn printed_elsewhere(_: &mut Call<'_, '_>, _: usize) {}

/// The bytes of `struct clone_args` up to `tls`: the least `clone3` takes
/// (`CLONE_ARGS_SIZE_VER0`); a smaller size prints as the pointer.
const CLONE_ARGS_SIZE_VER0: usize = 64;

/// `struct clone_args` (88 bytes):
/// `{flags=..., child_tid=..., parent_tid=..., exit_signal=SIGCHLD, stack=..., ...}`,
/// and ` => {parent_tid=[N]}` after a call that stored the child's id. Only the `size`
/// bytes the caller passed count, as for strace: the fields past them are zero.
fn clone3_args(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let size = usize::try_from(call.arg(i + 1)).unwrap_or(usize::MAX);
    let cap = call.capture(i, 0);
    let Some(b) = cap
        .bytes()
        .map(|b| &b[..b.len().min(size)])
        .filter(|b| b.len() >= CLONE_ARGS_SIZE_VER0 && ptr != 0)
    else {
        call.pointer(ptr);
        return;
    };
    let field = |off: usize| u64_at(b, off).unwrap_or(0);
    let flags = field(0);
    call.put("{flags=");
    flags_dflt(call.out, &CLONE3_FLAGS, flags, "CLONE_???");
    for (bit, name, off) in [
        (cl::PIDFD, ", pidfd=", 8),
        (cl::CHILD_TID, ", child_tid=", 16),
        (cl::PARENT_SETTID, ", parent_tid=", 24),
    ] {
        if flags & bit != 0 {
            call.put(name);
            call.pointer(field(off));
        }
    }
    call.put(", exit_signal=");
    write_signal(call.out, field(32));
    call.put(", stack=");
    call.pointer(field(40));
    call.put(", stack_size=");
    text::hex(call.out, field(48));
    if flags & cl::SETTLS != 0 {
        call.put(", tls=");
        call.pointer(field(56));
    }
    let (set_tid, set_tid_size) = (field(64), field(72));
    if set_tid != 0 || set_tid_size != 0 {
        call.put(", set_tid=");
        call.pointer(set_tid);
        call.put(", set_tid_size=");
        text::decimal(call.out, set_tid_size);
    }
    if b.len() > 80 && (field(80) != 0 || flags & cl::INTO_CGROUP != 0) {
        call.put(", cgroup=");
        text::decimal(call.out, field(80));
    }
    call.out.push(b'}');
    // The kernel stores the child's id, which is also the return value.
    if flags & cl::PARENT_SETTID != 0 && !call.failed() && call.ret() > 0 {
        call.put(" => {parent_tid=[");
        text::decimal(call.out, call.ret());
        call.put("]}");
    }
}

// ---------------------------------------------------------------------------------
// Limits, uname, arch_prctl, getrandom, prctl.

/// Writes a limit as strace: `RLIM64_INFINITY`, `8192*1024`, `20000` (with `-X`, the
/// number, and the first two in a comment).
fn write_rlim(out: &mut Vec<u8>, v: u64) {
    if v == u64::MAX {
        text::named(out, "RLIM64_INFINITY", text::Number::Unsigned(v));
    } else if v > 1024 && v.is_multiple_of(1024) {
        text::composite(out, text::Number::Unsigned(v), |out| {
            text::decimal(out, v / 1024);
            out.extend_from_slice(b"*1024");
        });
    } else {
        text::decimal(out, v);
    }
}

/// `struct rlimit`: `{rlim_cur=1024, rlim_max=4*1024}`, or the pointer.
fn write_rlimit(call: &mut Call<'_, '_>, cap: Capture<'_>, ptr: u64, show: bool) {
    match cap
        .bytes()
        .and_then(|b| Some((u64_at(b, 0)?, u64_at(b, 8)?)))
    {
        Some((cur, max)) if show && ptr != 0 => {
            call.put("{rlim_cur=");
            write_rlim(call.out, cur);
            call.put(", rlim_max=");
            write_rlim(call.out, max);
            call.out.push(b'}');
        }
        _ => call.pointer(ptr),
    }
}

fn rlimit_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let cap = call.capture(i, 0);
    write_rlimit(call, cap, call.arg(i), true);
}

fn rlimit_out(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let cap = call.capture(i, 0);
    let show = !call.failed();
    write_rlimit(call, cap, call.arg(i), show);
}

fn resource(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(call.out, &RLIMITS, call.arg(i) & 0xffff_ffff, "RLIMIT_???");
}

xlat! {
    /// Execution domains whose whole definition is their low byte
    /// (`include/uapi/linux/personality.h`); the others carry flags and never match.
    PERSONALITY_TYPES {
        PER_LINUX = 0, PER_BSD = 6, PER_LINUX32 = 8, PER_RISCOS = 0xc, PER_OSF4 = 0xf,
        PER_HPUX = 0x10,
    }
}

xlat! {
    /// Personality flags, above the execution domain's byte.
    PERSONALITY_FLAGS {
        UNAME26 = 0x2_0000, ADDR_NO_RANDOMIZE = 0x4_0000, FDPIC_FUNCPTRS = 0x8_0000,
        MMAP_PAGE_ZERO = 0x10_0000, ADDR_COMPAT_LAYOUT = 0x20_0000,
        READ_IMPLIES_EXEC = 0x40_0000, ADDR_LIMIT_32BIT = 0x80_0000,
        SHORT_INODE = 0x100_0000, WHOLE_SECONDS = 0x200_0000, STICKY_TIMEOUTS = 0x400_0000,
        ADDR_LIMIT_3GB = 0x800_0000,
    }
}

/// `PER_LINUX|ADDR_NO_RANDOMIZE`: the execution domain (the low byte), then the flags.
fn write_personality(out: &mut Vec<u8>, p: u64) {
    xval(out, &PERSONALITY_TYPES, p & 0xff, "PER_???");
    if p & !0xff != 0 {
        out.push(b'|');
        text::flags(out, &PERSONALITY_FLAGS, p & !0xff);
    }
}

/// `personality`'s argument: `0xffffffff` asks without changing anything.
fn personality_arg(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let p = call.arg(i) & 0xffff_ffff;
    if p == 0xffff_ffff {
        text::hex(call.out, p);
    } else {
        write_personality(call.out, p);
    }
}

/// `personality`'s return, the persona before the call: `0x40000 (PER_LINUX|ADDR_NO_RANDOMIZE)`.
fn personality_ret(call: &mut Call<'_, '_>) {
    #[expect(clippy::cast_sign_loss, reason = "a persona prints unsigned")]
    let p = call.ret() as u64 & 0xffff_ffff;
    text::hex(call.out, p);
    call.put(" (");
    write_personality(call.out, p);
    call.out.push(b')');
}

const RLIMIT_IN: Arg = Arg::custom_with(rlimit_in, &[struct_cap(16)]);
const RLIMIT_OUT: Arg = Arg::custom_with(rlimit_out, &[struct_cap(16)]);
const RESOURCE: Arg = Arg::custom(resource);

/// Writes a NUL-terminated field of at most `size` bytes at `off`.
fn write_cstr_field(out: &mut Vec<u8>, b: &[u8], off: usize, size: usize, hex: HexStrings) {
    let field = b.get(off..).unwrap_or(&[]);
    let field = &field[..field.len().min(size)];
    let end = field.iter().position(|&c| c == 0).unwrap_or(field.len());
    text::quoted(out, &field[..end], hex);
}

/// A `struct utsname` field's length.
const UTS_FIELD: usize = 65;
/// `struct utsname`'s fields.
const UTS_FIELDS: [&str; 6] = [
    "sysname",
    "nodename",
    "release",
    "version",
    "machine",
    "domainname",
];

/// `struct utsname` (six fields of 65 bytes): `{sysname="Linux", nodename="vm", ...}`,
/// or with `-v` every field (the struct is longer than a slot: a second capture holds
/// its end).
fn utsname(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let mut b = call.capture(i, 0).bytes().unwrap_or_default().to_vec();
    let shown = if call.opts.unabbreviated {
        b.extend_from_slice(call.capture(i, 1).bytes().unwrap_or_default());
        UTS_FIELDS.len()
    } else {
        2
    };
    if ptr == 0 || call.failed() || b.len() < shown * UTS_FIELD {
        call.pointer(ptr);
        return;
    }
    let hex = call.opts.hex;
    for (k, name) in UTS_FIELDS.iter().take(shown).enumerate() {
        call.put(if k == 0 { "{" } else { ", " });
        call.put(name);
        call.out.push(b'=');
        write_cstr_field(call.out, &b, k * UTS_FIELD, UTS_FIELD, hex);
    }
    call.put(if shown < UTS_FIELDS.len() {
        ", ...}"
    } else {
        "}"
    });
}

/// The two captures of a `struct utsname` (390 bytes): a slot's worth from its start,
/// then the rest.
const UTSNAME_CAPS: &[Cap] = &[
    struct_cap(256),
    Cap::BytesAt {
        offset: 256,
        len: 6 * 65 - 256,
    },
];
const _: () = assert!(rtrace_common::SLOT_SIZE == 256 && UTS_FIELDS.len() * UTS_FIELD == 6 * 65);

/// Writes `[0x7f00214b0740]` (or `[NULL]`) from a captured pointer-sized value.
fn bracketed_ptr(call: &mut Call<'_, '_>, cap: Capture<'_>, ptr: u64) {
    match cap.bytes().and_then(|b| u64_at(b, 0)) {
        Some(v) if ptr != 0 && !call.failed() => {
            call.out.push(b'[');
            call.pointer(v);
            call.out.push(b']');
        }
        _ => call.pointer(ptr),
    }
}

fn arch_code(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(call.out, &ARCH_CODES, call.arg(i) & 0xffff_ffff, "ARCH_???");
}

/// `arch_prctl`'s address: `[0x...]` for the getters, nothing for `ARCH_GET_CPUID`.
/// (strace also names the `XFEATURE_*` bits of the `XCOMP` values in a comment; these
/// print the number only.)
fn arch_arg(call: &mut Call<'_, '_>, i: usize) {
    let v = call.arg(i);
    let code = call.arg(i - 1) & 0xffff_ffff;
    match code {
        arch::GET_CPUID => {}
        arch::GET_FS
        | arch::GET_GS
        | arch::GET_XCOMP_SUPP
        | arch::GET_XCOMP_PERM
        | arch::GET_XCOMP_GUEST_PERM => {
            call.next();
            let cap = call.capture(i, 0);
            match cap.bytes().and_then(|b| u64_at(b, 0)) {
                Some(x) if v != 0 && !call.failed() => {
                    call.out.push(b'[');
                    if code == arch::GET_FS || code == arch::GET_GS {
                        call.pointer(x);
                    } else {
                        text::hex(call.out, x);
                    }
                    call.out.push(b']');
                }
                _ => call.pointer(v),
            }
        }
        _ => {
            call.next();
            text::hex(call.out, v);
        }
    }
}

/// `getrandom`'s buffer: every byte in hex, limited by the return value and `-s`.
fn random_buf(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let cap = call.capture(i, 0);
    match cap.bytes() {
        Some(b) if ptr != 0 && !call.failed() => {
            let total = usize::try_from(call.ret()).unwrap_or(0);
            let shown = b.len().min(total).min(call.opts.strsize);
            text::quoted(call.out, &b[..shown], HexStrings::All);
            if total > shown {
                call.put("...");
            }
        }
        None if ptr != 0 && !call.failed() && call.ret() == 0 => call.put("\"\""),
        _ => call.pointer(ptr),
    }
}

fn grnd_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &GRND_FLAGS, call.arg(i) & 0xffff_ffff, "GRND_???");
}

/// `prctl` option values the printers below tell apart.
mod pr {
    pub const SET_PDEATHSIG: u64 = libc::PR_SET_PDEATHSIG as u64;
    pub const GET_PDEATHSIG: u64 = libc::PR_GET_PDEATHSIG as u64;
    pub const GET_DUMPABLE: u64 = libc::PR_GET_DUMPABLE as u64;
    pub const SET_DUMPABLE: u64 = libc::PR_SET_DUMPABLE as u64;
    pub const GET_KEEPCAPS: u64 = libc::PR_GET_KEEPCAPS as u64;
    pub const SET_KEEPCAPS: u64 = libc::PR_SET_KEEPCAPS as u64;
    pub const GET_TIMING: u64 = libc::PR_GET_TIMING as u64;
    pub const SET_NAME: u64 = libc::PR_SET_NAME as u64;
    pub const GET_NAME: u64 = libc::PR_GET_NAME as u64;
    pub const GET_SECCOMP: u64 = libc::PR_GET_SECCOMP as u64;
    pub const CAPBSET_READ: u64 = libc::PR_CAPBSET_READ as u64;
    pub const CAPBSET_DROP: u64 = libc::PR_CAPBSET_DROP as u64;
    pub const GET_SECUREBITS: u64 = libc::PR_GET_SECUREBITS as u64;
    pub const SET_TIMERSLACK: u64 = libc::PR_SET_TIMERSLACK as u64;
    pub const GET_TIMERSLACK: u64 = libc::PR_GET_TIMERSLACK as u64;
    pub const PERF_DISABLE: u64 = libc::PR_TASK_PERF_EVENTS_DISABLE as u64;
    pub const PERF_ENABLE: u64 = libc::PR_TASK_PERF_EVENTS_ENABLE as u64;
    pub const SET_CHILD_SUBREAPER: u64 = libc::PR_SET_CHILD_SUBREAPER as u64;
    pub const GET_CHILD_SUBREAPER: u64 = libc::PR_GET_CHILD_SUBREAPER as u64;
    pub const SET_NO_NEW_PRIVS: u64 = libc::PR_SET_NO_NEW_PRIVS as u64;
    pub const GET_TID_ADDRESS: u64 = libc::PR_GET_TID_ADDRESS as u64;
    pub const SET_THP_DISABLE: u64 = libc::PR_SET_THP_DISABLE as u64;
    pub const GET_FP_MODE: u64 = libc::PR_GET_FP_MODE as u64;
    pub const GET_IO_FLUSHER: u64 = 58;
    pub const SET_VMA: u64 = libc::PR_SET_VMA as u64;
    pub const SET_PTRACER: u64 = libc::PR_SET_PTRACER as u64;
}

/// The task name `PR_SET_NAME` / `PR_GET_NAME` carry: at most 15 bytes.
const TASK_COMM_MAX: usize = 15;

/// Writes `, 0x1, 0x2` for arguments `from..5` (strace's default for `prctl`).
fn prctl_hex_args(call: &mut Call<'_, '_>, from: usize) {
    for k in from..5 {
        call.put(", ");
        text::hex(call.out, call.arg(k));
    }
}

/// `prctl(option, ...)`: the option, then the arguments the option has.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per prctl option, read as a table"
)]
fn prctl_args(call: &mut Call<'_, '_>, _: usize) {
    call.next();
    let option = call.arg(0) & 0xffff_ffff;
    if PRCTL_OPTIONS.name(option).is_none() {
        xval(call.out, &PRCTL_OPTIONS, option, "PR_???");
        prctl_hex_args(call, 1);
        return;
    }
    xval(call.out, &PRCTL_OPTIONS, option, "PR_???");
    let a1 = call.arg(1);
    match option {
        pr::GET_DUMPABLE
        | pr::GET_KEEPCAPS
        | pr::GET_TIMING
        | pr::GET_SECCOMP
        | pr::GET_SECUREBITS
        | pr::GET_TIMERSLACK
        | pr::PERF_DISABLE
        | pr::PERF_ENABLE
        | pr::GET_FP_MODE
        | pr::GET_IO_FLUSHER => {}
        pr::SET_NAME | pr::GET_NAME => {
            call.put(", ");
            let out_failed = option == pr::GET_NAME && call.failed();
            let cap = if out_failed {
                Capture::Empty
            } else {
                call.capture(1, 0)
            };
            let limit = call.opts.strsize.min(TASK_COMM_MAX);
            call.string(cap, a1, limit);
        }
        pr::SET_PDEATHSIG => {
            call.put(", ");
            write_signal(call.out, a1 & 0xffff_ffff);
        }
        pr::GET_PDEATHSIG => {
            call.put(", ");
            let sig = call.capture(1, 1).bytes().and_then(|b| i32_at(b, 0));
            match sig {
                #[expect(clippy::cast_sign_loss, reason = "signal numbers")]
                Some(sig) if a1 != 0 && !call.failed() => {
                    call.out.push(b'[');
                    write_signal(call.out, u64::from(sig as u32));
                    call.out.push(b']');
                }
                _ => call.pointer(a1),
            }
        }
        pr::GET_CHILD_SUBREAPER => {
            call.put(", ");
            if call.failed() {
                call.pointer(a1);
            } else {
                let cap = call.capture(1, 1);
                bracketed_int(call, cap, a1);
            }
        }
        pr::GET_TID_ADDRESS => {
            call.put(", ");
            let cap = call.capture(1, 1);
            bracketed_ptr(call, cap, a1);
        }
        pr::SET_DUMPABLE => {
            call.put(", ");
            xval(call.out, &SUID_DUMP, a1, "SUID_DUMP_???");
        }
        pr::SET_KEEPCAPS | pr::SET_TIMERSLACK | pr::SET_CHILD_SUBREAPER => {
            call.put(", ");
            text::decimal(call.out, a1);
        }
        pr::SET_NO_NEW_PRIVS | pr::SET_THP_DISABLE => {
            call.put(", ");
            text::decimal(call.out, a1);
            prctl_hex_args(call, 2);
        }
        pr::CAPBSET_READ | pr::CAPBSET_DROP => {
            call.put(", ");
            xval(call.out, &CAPABILITIES, a1, "CAP_???");
        }
        pr::SET_PTRACER => {
            call.put(", ");
            if a1 == u64::MAX {
                text::named(call.out, "PR_SET_PTRACER_ANY", text::Number::Signed(-1));
            } else {
                text::decimal(call.out, call.arg_int(1));
            }
        }
        pr::SET_VMA => {
            call.put(", ");
            xval(call.out, &PR_SET_VMA_ATTRS, a1, "PR_SET_VMA_???");
            call.put(", ");
            text::hex(call.out, call.arg(2));
            call.put(", ");
            text::decimal(call.out, call.arg(3));
            call.put(", ");
            let cap = call.capture(4, 0);
            let limit = call.opts.strsize;
            call.string(cap, call.arg(4), limit);
        }
        // PR_GET_NO_NEW_PRIVS, PR_GET_THP_DISABLE and the options not decoded.
        _ => prctl_hex_args(call, 1),
    }
}

/// `prctl`'s return: `1 (SUID_DUMP_USER)` for `PR_GET_DUMPABLE`.
fn prctl_ret(call: &mut Call<'_, '_>) {
    let v = call.ret();
    text::decimal(call.out, v);
    #[expect(clippy::cast_sign_loss, reason = "checked non-negative")]
    let name = (v >= 0 && call.arg(0) & 0xffff_ffff == pr::GET_DUMPABLE)
        .then(|| SUID_DUMP.name(v as u64))
        .flatten();
    if let Some(name) = name {
        call.put(" (");
        call.put(name);
        call.out.push(b')');
    }
}

fn rseq_len(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    text::hex(call.out, call.arg(i) & 0xffff_ffff);
}

fn rseq_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &RSEQ_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "RSEQ_FLAG_???",
    );
}

// ---------------------------------------------------------------------------------
// Groups, priorities, sysinfo.

/// The most supplementary groups (`NGROUPS_MAX`): strace prints the pointer of a
/// longer list.
const NGROUPS_MAX: u64 = 65_536;

/// Writes `[0, 4, 27]` from the `gid_t`s captured for argument `i`: `count` of them,
/// at most `-s` (then `...`); the pointer for a NULL, too long or unread list.
fn write_gids(call: &mut Call<'_, '_>, i: usize, count: u64) {
    let ptr = call.arg(i);
    let cap = call.capture(i, 0);
    let too_long = count > NGROUPS_MAX;
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let gids: Vec<u32> = cap
        .bytes()
        .unwrap_or(&[])
        .chunks_exact(4)
        .map(|g| u32::from_le_bytes(g.try_into().expect("chunks of 4")))
        .take(count.min(call.max_elements()))
        .collect();
    if ptr == 0 || too_long || (gids.is_empty() && count > 0) {
        call.pointer(ptr);
        return;
    }
    call.out.push(b'[');
    for (n, gid) in gids.iter().enumerate() {
        if n > 0 {
            call.put(", ");
        }
        text::decimal(call.out, *gid);
    }
    if count > gids.len() {
        call.put(", ...");
    }
    call.out.push(b']');
}

/// `getgroups`' list: as many groups as it returns, or the pointer on failure.
fn gids_out(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    if call.failed() {
        call.pointer(call.arg(i));
    } else {
        write_gids(call, i, call.ret().unsigned_abs());
    }
}

/// `setgroups`' list: as many groups as its size argument says.
fn gids_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    write_gids(call, i, call.arg(i - 1) & 0xffff_ffff);
}

/// Captures of a `gid_t` list: up to a slot (64 groups).
const GIDS_OUT: Arg = Arg::custom_with(
    gids_out,
    &[Cap::Bytes {
        at_enter: false,
        len: Len::Ret(4),
        max: Max::Slot,
    }],
)
.output();
const GIDS_IN: Arg = Arg::custom_with(
    gids_in,
    &[Cap::Bytes {
        at_enter: false,
        len: Len::Arg(0, 4),
        max: Max::Slot,
    }],
);

xlat! {
    /// `getpriority` targets, `include/uapi/linux/resource.h`.
    pub PRIO_WHICH { PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2 }
}

fn prio_which(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(call.out, &PRIO_WHICH, call.arg(i) & 0xffff_ffff, "PRIO_???");
}

/// `getpriority`'s and `setpriority`'s `who`: a pid for `PRIO_PROCESS` (`-Y` names it).
fn prio_who(call: &mut Call<'_, '_>, i: usize) {
    id_of_kind(call, i, u64::from(libc::PRIO_PROCESS));
}

/// `struct sysinfo` of `x86_64`: `uptime`, three `loads` and six memory sizes (8
/// bytes each), `procs` (2 bytes, at 80), `totalhigh`, `freehigh` (at 88), `mem_unit`.
fn write_sysinfo(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    use std::io::Write as _;
    let word = |i: usize| u64_at(b, i * 8);
    let uptime = i64_at(b, 0)?;
    let loads = [word(1)?, word(2)?, word(3)?];
    let [total, free, shared, buffer, total_swap, free_swap] =
        [word(4)?, word(5)?, word(6)?, word(7)?, word(8)?, word(9)?];
    let procs = super::fs::u16_at(b, 80)?;
    let (total_high, free_high, unit) = (word(11)?, word(12)?, super::fs::u32_at(b, 104)?);
    let _ = write!(
        out,
        "{{uptime={uptime}, loads=[{}, {}, {}], totalram={total}, freeram={free}, \
         sharedram={shared}, bufferram={buffer}, totalswap={total_swap}, \
         freeswap={free_swap}, procs={procs}, totalhigh={total_high}, \
         freehigh={free_high}, mem_unit={unit}}}",
        loads[0], loads[1], loads[2]
    );
    Some(())
}

fn sysinfo_buf(call: &mut Call<'_, '_>, i: usize) {
    out_struct(call, i, write_sysinfo);
}

// ---------------------------------------------------------------------------------
// Scheduling.

xlat! {
    /// Scheduling policies, `include/uapi/linux/sched.h`.
    pub SCHED_POLICIES {
        SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_ISO = 4,
        SCHED_IDLE = 5, SCHED_DEADLINE = 6,
    }
}

fn sched_policy(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(
        call.out,
        &SCHED_POLICIES,
        call.arg(i) & 0xffff_ffff,
        "SCHED_???",
    );
}

/// `sched_getscheduler`'s return: `0 (SCHED_OTHER)`, or the bare number for a policy
/// without a name (one with `SCHED_RESET_ON_FORK`).
fn sched_policy_ret(call: &mut Call<'_, '_>) {
    let v = call.ret();
    text::decimal(call.out, v);
    if let Some(name) = u64::try_from(v).ok().and_then(|v| SCHED_POLICIES.name(v)) {
        call.put(" (");
        call.put(name);
        call.out.push(b')');
    }
}

/// A `struct sched_param` the kernel reads: `[priority]`.
fn sched_param_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let cap = call.capture(i, 0);
    bracketed_int(call, cap, call.arg(i));
}

const SCHED_PARAM_IN: Arg = Arg::custom_with(sched_param_in, &[struct_cap(4)]);
const SCHED_POLICY: Arg = Arg::custom(sched_policy);

/// A CPU set the kernel reads, `size` (the previous argument) bytes: the numbers of the
/// CPUs in it, `[0 1]`; the pointer when NULL or unread.
fn cpu_set_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let size = usize::try_from(call.arg(i - 1) & 0xffff_ffff).unwrap_or(usize::MAX);
    let cap = call.capture(i, 0);
    let bytes = if size == 0 {
        Some(&[][..])
    } else {
        cap.bytes()
    };
    let Some(b) = bytes.filter(|_| ptr != 0) else {
        call.pointer(ptr);
        return;
    };
    write_cpu_list(call.out, &b[..b.len().min(size)]);
}

/// A CPU mask as strace lists it: `[0 1]`.
fn write_cpu_list(out: &mut Vec<u8>, mask: &[u8]) {
    out.push(b'[');
    let cpus = mask.iter().enumerate().flat_map(|(n, byte)| {
        (0..8)
            .filter(move |bit| byte & (1 << bit) != 0)
            .map(move |bit| n * 8 + bit)
    });
    for (k, cpu) in cpus.enumerate() {
        if k > 0 {
            out.push(b' ');
        }
        text::decimal(out, cpu);
    }
    out.push(b']');
}

/// `sched_getaffinity`'s mask, filled by the kernel with as many bytes as it returns:
/// `[0 1]`, or the pointer when the call failed.
fn cpu_set_out(call: &mut Call<'_, '_>, i: usize) {
    if call.failed() {
        call.next();
        call.pointer(call.arg(i));
        return;
    }
    let ptr = call.arg(i);
    let size = usize::try_from(call.ret()).unwrap_or(0);
    call.next();
    let Some(b) = call.capture(i, 0).bytes().filter(|_| ptr != 0) else {
        call.pointer(ptr);
        return;
    };
    write_cpu_list(call.out, &b[..b.len().min(size)]);
}

xlat! {
    /// `ioprio_set`/`ioprio_get` targets, `include/uapi/linux/ioprio.h`.
    pub IOPRIO_WHO { IOPRIO_WHO_PROCESS = 1, IOPRIO_WHO_PGRP = 2, IOPRIO_WHO_USER = 3 }
}

xlat! {
    /// I/O scheduling classes, `include/uapi/linux/ioprio.h`.
    pub IOPRIO_CLASSES {
        IOPRIO_CLASS_NONE = 0, IOPRIO_CLASS_RT = 1, IOPRIO_CLASS_BE = 2, IOPRIO_CLASS_IDLE = 3,
    }
}

/// Where the class sits in an I/O priority (`IOPRIO_CLASS_SHIFT`).
const IOPRIO_CLASS_SHIFT: u32 = 13;

/// Writes `IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4)`; under `-X raw` the number, under
/// `-X verbose` both (the class itself verbose inside the comment, as strace has it:
/// `16388 /* IOPRIO_PRIO_VALUE(0x2 /* IOPRIO_CLASS_BE */, 4) */`).
fn write_ioprio(out: &mut Vec<u8>, v: u32) {
    match text::style() {
        text::XlatStyle::Abbrev => write_ioprio_value(out, v),
        text::XlatStyle::Raw => text::decimal(out, v),
        text::XlatStyle::Verbose => {
            text::decimal(out, v);
            out.extend_from_slice(b" /* ");
            write_ioprio_value(out, v);
            out.extend_from_slice(b" */");
        }
    }
}

/// Writes `IOPRIO_PRIO_VALUE(class, data)`.
fn write_ioprio_value(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(b"IOPRIO_PRIO_VALUE(");
    xval(
        out,
        &IOPRIO_CLASSES,
        u64::from(v >> IOPRIO_CLASS_SHIFT),
        "IOPRIO_CLASS_???",
    );
    out.extend_from_slice(b", ");
    text::decimal(out, v & ((1 << IOPRIO_CLASS_SHIFT) - 1));
    out.push(b')');
}

fn ioprio_who(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(
        call.out,
        &IOPRIO_WHO,
        call.arg(i) & 0xffff_ffff,
        "IOPRIO_WHO_???",
    );
}

fn ioprio_arg(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    #[expect(clippy::cast_possible_truncation, reason = "the priority is a C int")]
    write_ioprio(call.out, call.arg(i) as u32);
}

/// `ioprio_get`'s return: `16388 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4))`.
fn ioprio_ret(call: &mut Call<'_, '_>) {
    let v = call.ret();
    text::decimal(call.out, v);
    if text::style() == text::XlatStyle::Raw {
        return;
    }
    call.put(" (");
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a C int"
    )]
    write_ioprio_value(call.out, v as u32);
    call.out.push(b')');
}

// ---------------------------------------------------------------------------------
// Rows.

const P: u16 = class::PROCESS;
const NOTHING: Arg = Arg::custom(printed_elsewhere);
/// `prctl`'s captures: a string or an out value at argument 2, a string at argument 5.
const PRCTL_ARG2: Arg = Arg::custom_with(printed_elsewhere, &[Cap::Path, struct_cap(8)]);
const PRCTL_ARG5: Arg = Arg::custom_with(printed_elsewhere, &[Cap::Str]);

const fn def(sysno: Sysno, args: &'static [Arg], class: u16) -> SyscallDef {
    SyscallDef {
        sysno,
        args,
        ret: Ret::Int,
        class,
    }
}

/// A row whose successful return is a pid (`-Y` names it).
const fn returns_pid(sysno: Sysno, args: &'static [Arg], class: u16) -> SyscallDef {
    SyscallDef {
        sysno,
        args,
        ret: Ret::Pid,
        class,
    }
}

pub static DEFS: &[SyscallDef] = &[
    SyscallDef {
        sysno: Sysno::exit_group,
        args: &[INT],
        ret: Ret::NoReturn,
        class: P,
    },
    SyscallDef {
        sysno: Sysno::exit,
        args: &[INT],
        ret: Ret::NoReturn,
        class: P,
    },
    returns_pid(Sysno::getpid, &[], 0),
    SyscallDef {
        sysno: Sysno::personality,
        args: &[Arg::custom(personality_arg)],
        ret: Ret::Custom(personality_ret),
        class: 0,
    },
    returns_pid(Sysno::getppid, &[], 0),
    returns_pid(Sysno::gettid, &[], 0),
    def(Sysno::getuid, &[], 0),
    def(Sysno::geteuid, &[], 0),
    def(Sysno::getgid, &[], 0),
    def(Sysno::getegid, &[], 0),
    def(Sysno::getpgrp, &[], 0),
    def(Sysno::getpgid, &[PID], 0),
    def(Sysno::setpgid, &[PID, INT], 0),
    def(Sysno::getsid, &[PID], 0),
    def(Sysno::setsid, &[], 0),
    def(Sysno::setuid, &[INT], 0),
    def(Sysno::setgid, &[INT], 0),
    def(Sysno::setreuid, &[INT, INT], 0),
    def(Sysno::setregid, &[INT, INT], 0),
    def(Sysno::setresuid, &[INT, INT, INT], 0),
    def(Sysno::setresgid, &[INT, INT, INT], 0),
    def(Sysno::getresuid, &[OUT_INT, OUT_INT, OUT_INT], 0),
    def(Sysno::getresgid, &[OUT_INT, OUT_INT, OUT_INT], 0),
    def(Sysno::sched_yield, &[], 0),
    def(
        Sysno::execve,
        &[EXEC_PATH, EXEC_ARGV, EXEC_ENVP],
        class::FILE | P,
    ),
    def(
        Sysno::execveat,
        &[
            DIRFD,
            EXEC_PATH,
            EXEC_ARGV,
            EXEC_ENVP,
            Arg::custom(exec_flags),
        ],
        class::FILE | class::DESC | P,
    ),
    returns_pid(Sysno::fork, &[], P),
    returns_pid(Sysno::vfork, &[], P),
    returns_pid(
        Sysno::clone,
        &[
            Arg::custom(clone_args),
            NOTHING,
            Arg::custom_with(printed_elsewhere, &[struct_cap(4)]),
            NOTHING,
            NOTHING,
        ],
        P,
    ),
    returns_pid(
        Sysno::clone3,
        &[Arg::custom_with(clone3_args, &[struct_cap(88)]), ULONG],
        P,
    ),
    returns_pid(
        Sysno::wait4,
        &[
            PID,
            Arg::custom_with(wait_status, &[struct_cap(4)]).output(),
            Arg::custom(wait_options),
            Arg::custom_with(rusage, &[struct_cap(RUSAGE_SIZE)]),
        ],
        P,
    ),
    def(
        Sysno::waitid,
        &[
            Arg::custom(id_type),
            Arg::custom(waitid_id),
            Arg::custom_with(waitid_info, &[struct_cap(48)]).output(),
            Arg::custom(wait_options),
            Arg::custom_with(rusage, &[struct_cap(RUSAGE_SIZE)]),
        ],
        P,
    ),
    def(
        Sysno::getrusage,
        &[
            Arg::custom(rusage_who),
            Arg::custom_with(rusage, &[struct_cap(RUSAGE_SIZE)]),
        ],
        0,
    ),
    def(Sysno::times, &[Arg::custom_with(tms, &[struct_cap(32)])], 0),
    def(
        Sysno::pidfd_open,
        &[PID, Arg::custom(pidfd_open_flags)],
        class::DESC,
    ),
    def(Sysno::set_tid_address, &[PTR], 0),
    def(Sysno::set_robust_list, &[PTR, ULONG], 0),
    def(Sysno::getrlimit, &[RESOURCE, RLIMIT_OUT], 0),
    def(Sysno::setrlimit, &[RESOURCE, RLIMIT_IN], 0),
    def(Sysno::prlimit64, &[PID, RESOURCE, RLIMIT_IN, RLIMIT_OUT], 0),
    def(Sysno::uname, &[Arg::custom_with(utsname, UTSNAME_CAPS)], 0),
    def(
        Sysno::arch_prctl,
        &[
            Arg::custom(arch_code),
            Arg::custom_with(arch_arg, &[struct_cap(8)]),
        ],
        P,
    ),
    def(
        Sysno::getrandom,
        &[
            Arg::custom_with(
                random_buf,
                &[Cap::Bytes {
                    at_enter: false,
                    len: Len::Ret(1),
                    max: Max::StrSize,
                }],
            ),
            ULONG,
            Arg::custom(grnd_flags),
        ],
        0,
    ),
    SyscallDef {
        sysno: Sysno::prctl,
        args: &[
            Arg::custom(prctl_args),
            PRCTL_ARG2,
            NOTHING,
            NOTHING,
            PRCTL_ARG5,
        ],
        ret: Ret::Custom(prctl_ret),
        class: 0,
    },
    def(
        Sysno::rseq,
        &[HEX, Arg::custom(rseq_len), Arg::custom(rseq_flags), HEX],
        0,
    ),
    def(Sysno::getgroups, &[INT, GIDS_OUT], 0),
    def(Sysno::setgroups, &[INT, GIDS_IN], 0),
    def(
        Sysno::getpriority,
        &[Arg::custom(prio_which), Arg::custom(prio_who)],
        0,
    ),
    def(
        Sysno::setpriority,
        &[Arg::custom(prio_which), Arg::custom(prio_who), INT],
        0,
    ),
    def(
        Sysno::sysinfo,
        &[Arg::custom_with(sysinfo_buf, &[struct_cap(112)]).output()],
        0,
    ),
    SyscallDef {
        sysno: Sysno::sched_getscheduler,
        args: &[PID],
        ret: Ret::Custom(sched_policy_ret),
        class: 0,
    },
    def(
        Sysno::sched_setscheduler,
        &[PID, SCHED_POLICY, SCHED_PARAM_IN],
        0,
    ),
    def(Sysno::sched_getparam, &[PID, OUT_INT], 0),
    def(Sysno::sched_setparam, &[PID, SCHED_PARAM_IN], 0),
    def(Sysno::sched_get_priority_max, &[SCHED_POLICY], 0),
    def(Sysno::sched_get_priority_min, &[SCHED_POLICY], 0),
    def(
        Sysno::sched_setaffinity,
        &[
            PID,
            UINT,
            Arg::custom_with(
                cpu_set_in,
                &[Cap::Bytes {
                    at_enter: false,
                    len: Len::Arg(1, 1),
                    max: Max::Slot,
                }],
            ),
        ],
        0,
    ),
    def(
        Sysno::sched_getaffinity,
        &[
            PID,
            UINT,
            Arg::custom_with(
                cpu_set_out,
                &[Cap::Bytes {
                    at_enter: false,
                    len: Len::Ret(1),
                    max: Max::Slot,
                }],
            ),
        ],
        0,
    ),
    def(
        Sysno::ioprio_set,
        &[Arg::custom(ioprio_who), INT, Arg::custom(ioprio_arg)],
        0,
    ),
    SyscallDef {
        sysno: Sysno::ioprio_get,
        args: &[Arg::custom(ioprio_who), INT],
        ret: Ret::Custom(ioprio_ret),
        class: 0,
    },
];

/// The rows `-v` decodes `execve` and `execveat` with: envp captured as argv is.
pub static UNABBREVIATED_DEFS: &[SyscallDef] = &[
    def(
        Sysno::execve,
        &[EXEC_PATH, EXEC_ARGV_WHOLE, EXEC_ENVP_WHOLE],
        class::FILE | P,
    ),
    def(
        Sysno::execveat,
        &[
            DIRFD,
            EXEC_PATH,
            EXEC_ARGV_WHOLE,
            EXEC_ENVP_WHOLE,
            Arg::custom(exec_flags),
        ],
        class::FILE | class::DESC | P,
    ),
];

#[cfg(test)]
#[expect(
    clippy::too_many_lines,
    reason = "tests list one strace line after another"
)]
mod tests {
    use super::super::DecodeOptions;
    use super::super::fs::tests::{fuzz, line, line_with, strace};
    use syscalls::Sysno;

    const EINVAL: i64 = -22;
    const EFAULT: i64 = -14;

    fn le32(v: i32) -> [u8; 4] {
        v.to_le_bytes()
    }

    #[test]
    fn ids() {
        assert_eq!(line(Sysno::getpid, &[], 20643, &[]), "getpid() = 20643");
        for (args, ret, text) in [
            (0xffff_ffff, 0, "personality(0xffffffff) = 0 (PER_LINUX)"),
            (
                0x4_0000,
                0,
                "personality(PER_LINUX|ADDR_NO_RANDOMIZE) = 0 (PER_LINUX)",
            ),
            (
                8,
                0x4_0000,
                "personality(PER_LINUX32) = 0x40000 (PER_LINUX|ADDR_NO_RANDOMIZE)",
            ),
            (
                0x40_0013,
                8,
                "personality(0x13 /* PER_??? */|READ_IMPLIES_EXEC) = 0x8 (PER_LINUX32)",
            ),
            (
                0x1_0000,
                0x10,
                "personality(PER_LINUX|0x10000) = 0x10 (PER_HPUX)",
            ),
        ] {
            assert_eq!(line(Sysno::personality, &[args], ret, &[]), text);
        }
        assert_eq!(line(Sysno::getppid, &[], 20640, &[]), "getppid() = 20640");
        assert_eq!(line(Sysno::gettid, &[], 20643, &[]), "gettid() = 20643");
        assert_eq!(line(Sysno::getuid, &[], 0, &[]), "getuid() = 0");
        assert_eq!(line(Sysno::geteuid, &[], 0, &[]), "geteuid() = 0");
        assert_eq!(line(Sysno::getgid, &[], 0, &[]), "getgid() = 0");
        assert_eq!(line(Sysno::getegid, &[], 0, &[]), "getegid() = 0");
        assert_eq!(line(Sysno::getpgrp, &[], 20631, &[]), "getpgrp() = 20631");
        assert_eq!(line(Sysno::getsid, &[0], 11740, &[]), "getsid(0) = 11740");
        assert_eq!(line(Sysno::getpgid, &[0], 20631, &[]), "getpgid(0) = 20631");
        assert_eq!(line(Sysno::setpgid, &[0, 0], 0, &[]), "setpgid(0, 0) = 0");
        assert_eq!(
            line(Sysno::setsid, &[], -1, &[]),
            strace("setsid()                          = -1 EPERM (Operation not permitted)")
        );
        assert_eq!(line(Sysno::sched_yield, &[], 0, &[]), "sched_yield() = 0");
        assert_eq!(line(Sysno::setuid, &[0], 0, &[]), "setuid(0) = 0");
        assert_eq!(
            line(Sysno::setreuid, &[0xffff_ffff, 0], 0, &[]),
            "setreuid(-1, 0) = 0"
        );
        assert_eq!(
            line(Sysno::setresuid, &[u64::MAX, u64::MAX, u64::MAX], 0, &[]),
            "setresuid(-1, -1, -1) = 0"
        );
        let z = le32(0);
        assert_eq!(
            line(
                Sysno::getresuid,
                &[0x10, 0x20, 0x30],
                0,
                &[Some(&z), Some(&z), Some(&z)]
            ),
            "getresuid([0], [0], [0]) = 0"
        );
        assert_eq!(
            line(Sysno::getresuid, &[0x10, 0x20, 0x30], EFAULT, &[]),
            "getresuid(0x10, 0x20, 0x30) = -1 EFAULT (Bad address)"
        );
    }

    #[test]
    fn exits() {
        let mut rec_line = line(Sysno::exit_group, &[0], 0, &[]);
        rec_line.truncate(rec_line.find(')').unwrap() + 1);
        assert_eq!(rec_line, "exit_group(0)");
        assert!(line(Sysno::exit, &[7], 0, &[]).starts_with("exit(7)"));
    }

    /// Pointers as the kernel read them at entry, NULL-terminated.
    fn ptrs(n: usize) -> Vec<u8> {
        let mut v: Vec<u8> = (0..n)
            .flat_map(|k| (0x7ffe_0000_u64 + k as u64).to_le_bytes())
            .collect();
        v.extend_from_slice(&0u64.to_le_bytes());
        v.resize(256, 0xaa);
        v
    }

    /// execve's slots: path at entry and at exit, argv's array and packed strings,
    /// envp's array.
    fn exec_slots<'a>(
        path: Option<&'a [u8]>,
        path_at_exit: Option<&'a [u8]>,
        argv: Option<&'a [u8]>,
        strings: Option<&'a [u8]>,
        env: Option<&'a [u8]>,
    ) -> Vec<Option<&'a [u8]>> {
        vec![path, path_at_exit, argv, strings, None, None, env]
    }

    #[test]
    fn execve() {
        let mut path = b"/bin/true\0garbage".to_vec();
        path.resize(256, b'x');
        let argv = ptrs(2);
        let env = 1u32.to_le_bytes();
        // strace: execve("/bin/true", ["true", "-x"], 0x7ffe9de735c0 /* 1 var */) = 0
        assert_eq!(
            line(
                Sysno::execve,
                &[0x1000, 0x7ffe_9de7_3600, 0x7ffe_9de7_35c0],
                0,
                &exec_slots(
                    Some(&path),
                    None,
                    Some(&argv),
                    Some(b"true\0-x\0"),
                    Some(&env)
                )
            ),
            r#"execve("/bin/true", ["true", "-x"], 0x7ffe9de735c0 /* 1 var */) = 0"#
        );
        let env = 23u32.to_le_bytes();
        let argv = ptrs(1);
        assert_eq!(
            line(
                Sysno::execve,
                &[0x1000, 0x2000, 0x3000],
                0,
                &exec_slots(Some(&path), None, Some(&argv), Some(b"true\0"), Some(&env))
            ),
            r#"execve("/bin/true", ["true"], 0x3000 /* 23 vars */) = 0"#
        );
        // strace: execve("/nonexistent", ["x"], NULL) = -1 ENOENT (No such file or directory)
        let argv = ptrs(1);
        assert_eq!(
            line(
                Sysno::execve,
                &[0x1000, 0x2000, 0],
                -2,
                &exec_slots(
                    Some(b"/nonexistent\0"),
                    Some(b"/nonexistent"),
                    Some(&argv),
                    Some(b"x\0"),
                    None
                )
            ),
            r#"execve("/nonexistent", ["x"], NULL) = -1 ENOENT (No such file or directory)"#
        );
        // The entry read failed (path at the end of a mapping): a failed call still has
        // the exit-time string; a successful one prints the pointer.
        assert_eq!(
            line(
                Sysno::execve,
                &[0x1000, 0x2000, 0],
                -2,
                &exec_slots(None, Some(b"/nonexistent"), None, None, None)
            ),
            r#"execve("/nonexistent", 0x2000, NULL) = -1 ENOENT (No such file or directory)"#
        );
        assert_eq!(
            line(
                Sysno::execve,
                &[0x1000, 0x2000, 0],
                0,
                &exec_slots(None, Some(b"garbage"), None, None, None)
            ),
            "execve(0x1000, 0x2000, NULL) = 0"
        );
        // The count could not be read: no comment.
        assert_eq!(
            line(
                Sysno::execve,
                &[0x1000, 0x2000, 0x3000],
                0,
                &exec_slots(Some(&path), None, Some(&ptrs(0)), Some(b""), Some(b"\x01"))
            ),
            r#"execve("/bin/true", [], 0x3000) = 0"#
        );
    }

    #[test]
    fn execve_argv_cut_by_strsize_and_by_room() {
        let mut path = b"/usr/bin/php\0".to_vec();
        path.resize(256, 0);
        let argv = ptrs(3);
        let long = format!("{}\0", "a".repeat(33));
        // -s 32: a 33-character capture means the string was longer.
        let strings = [b"php\0".as_slice(), long.as_bytes()].concat();
        assert_eq!(
            line(
                Sysno::execve,
                &[0x1000, 0x2000, 0],
                0,
                &exec_slots(Some(&path), None, Some(&argv), Some(&strings), None)
            ),
            format!(
                r#"execve("/usr/bin/php", ["php", "{}"..., ...], NULL) = 0"#,
                "a".repeat(32)
            )
        );
    }

    /// strace: execve("/bin/echo", ["/b"..., "a", ...], ...) with -s 2; all of argv
    /// with -v; a pointer array with no NULL in its slot was cut.
    #[test]
    fn execve_argv_stops_at_strsize_unless_v() {
        let mut path = b"/bin/echo\0".to_vec();
        path.resize(256, 0);
        let argv = ptrs(5);
        let strings = b"/bi\0a\0b\0c\0d\0";
        let slots = exec_slots(Some(&path), None, Some(&argv), Some(strings), None);
        let regs = [0x1000, 0x2000, 0];
        let opts = DecodeOptions {
            strsize: 2,
            ..DecodeOptions::default()
        };
        assert_eq!(
            line_with(&opts, Sysno::execve, &regs, 0, &slots),
            r#"execve("/bin/echo", ["/b"..., "a", ...], NULL) = 0"#
        );
        let whole = DecodeOptions {
            unabbreviated: true,
            ..opts
        };
        let slots = [
            Some(&path[..]),
            None,
            Some(&argv),
            Some(strings),
            None,
            None,
            None,
        ];
        assert_eq!(
            line_with(&whole, Sysno::execve, &regs, 0, &slots),
            r#"execve("/bin/echo", ["/b"..., "a", "b", "c", "d"], NULL) = 0"#
        );
        let full: Vec<u8> = (0..32u64)
            .flat_map(|k| (0x7ffe_0000 + k).to_le_bytes())
            .collect();
        let many = b"x\0".repeat(32);
        let slots = [
            Some(&path[..]),
            None,
            Some(&full),
            Some(&many),
            None,
            None,
            None,
        ];
        assert!(
            line_with(&whole, Sysno::execve, &regs, 0, &slots)
                .ends_with(r#""x", "x", ...], NULL) = 0"#)
        );
    }

    /// With -v, envp's strings as argv's (strace: `["PATH=/usr/bin:/bin", "LC_ALL=C"]`),
    /// `...` where the capture ran out of room; NULL and unreadable arrays as pointers.
    #[test]
    fn execve_environment_with_v() {
        let mut path = b"/usr/bin/cat\0".to_vec();
        path.resize(256, 0);
        let argv = ptrs(2);
        let env = ptrs(3);
        let opts = DecodeOptions {
            unabbreviated: true,
            ..DecodeOptions::default()
        };
        // -v's layout: path twice, argv's array and two slots of strings, envp's.
        let slots = [
            Some(&path[..]),
            None,
            Some(&argv),
            Some(b"cat\0/etc/passwd\0"),
            None,
            Some(&env),
            Some(b"PATH=/usr/bin:/bin\0LC_ALL=C\0"),
            None,
        ];
        let regs = [0x1000, 0x2000, 0x3000];
        assert_eq!(
            line_with(&opts, Sysno::execve, &regs, 0, &slots),
            r#"execve("/usr/bin/cat", ["cat", "/etc/passwd"], ["PATH=/usr/bin:/bin", "LC_ALL=C", ...]) = 0"#
        );
        let argv = ptrs(1);
        let env = ptrs(2);
        let slots = [
            Some(&path[..]),
            None,
            Some(&argv),
            Some(b"cat\0"),
            None,
            Some(&env),
            Some(b"PATH=/usr/bin:/bin\0LC_ALL=C\0"),
            None,
        ];
        assert_eq!(
            line_with(&opts, Sysno::execve, &regs, 0, &slots),
            r#"execve("/usr/bin/cat", ["cat"], ["PATH=/usr/bin:/bin", "LC_ALL=C"]) = 0"#
        );
        let slots = [
            Some(&path[..]),
            None,
            Some(&argv),
            Some(b"cat\0"),
            None,
            None,
            None,
            None,
        ];
        assert_eq!(
            line_with(&opts, Sysno::execve, &[0x1000, 0x2000, 0], 0, &slots),
            r#"execve("/usr/bin/cat", ["cat"], NULL) = 0"#
        );
        assert_eq!(
            line_with(&opts, Sysno::execve, &regs, 0, &slots),
            r#"execve("/usr/bin/cat", ["cat"], 0x3000) = 0"#
        );
    }
    #[test]
    fn a_reaped_childs_pid_is_named_in_the_arguments_and_bare_after() {
        // -Y: strace prints wait4's arguments as the call begins, when the child it
        // reaps still has its name, and the return once the child is gone. (A pid
        // above any pid_max: /proc has no such process.)
        const CHILD: u32 = 2_147_483_000;
        let comms = std::rc::Rc::new(super::super::comm::Comms::default());
        comms.named(CHILD, b"php-fpm");
        comms.exited(CHILD, CHILD);
        super::super::comm::install(Some(comms.clone()));
        let opts = DecodeOptions {
            comms: Some(comms),
            ..DecodeOptions::default()
        };
        // A zombie keeps its name; PRIO_PGRP's id is a group's, not a pid.
        assert_eq!(
            line_with(&opts, Sysno::getpriority, &[0, u64::from(CHILD)], 20, &[]),
            strace("getpriority(PRIO_PROCESS, 2147483000<php-fpm>) = 20")
        );
        assert_eq!(
            line_with(&opts, Sysno::getpriority, &[1, u64::from(CHILD)], 20, &[]),
            strace("getpriority(PRIO_PGRP, 2147483000) = 20")
        );
        let wait = |status: i32| {
            line_with(
                &opts,
                Sysno::wait4,
                &[u64::from(CHILD), 0x7ffe_2133_090c, 0, 0],
                i64::from(CHILD),
                &[Some(&le32(status))],
            )
        };
        assert_eq!(
            wait(0),
            strace(
                "wait4(2147483000<php-fpm>, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 2147483000"
            )
        );
        assert_eq!(
            line_with(&opts, Sysno::kill, &[u64::from(CHILD), 0], -3, &[]),
            strace("kill(2147483000, 0) = -1 ESRCH (No such process)")
        );
        super::super::comm::install(None);
    }

    #[test]
    fn wait4() {
        assert_eq!(
            line(
                Sysno::wait4,
                &[20644, 0x1000, 0, 0],
                20644,
                &[Some(&le32(3 << 8))]
            ),
            "wait4(20644, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 20644"
        );
        assert_eq!(
            line(Sysno::wait4, &[u64::MAX, 0x7ffe_9de7_3768, 1, 0], -10, &[]),
            strace("wait4(-1, 0x7ffe9de73768, WNOHANG, NULL) = -1 ECHILD (No child processes)")
        );
        assert_eq!(
            line(
                Sysno::wait4,
                &[22391, 0x7ffe_2133_090c, 1, 0],
                0,
                &[Some(&le32(0))]
            ),
            strace("wait4(22391, 0x7ffe2133090c, WNOHANG, NULL) = 0")
        );
        let mut ru = [0u8; 32];
        ru[8..16].copy_from_slice(&155i64.to_le_bytes());
        assert_eq!(
            line(
                Sysno::wait4,
                &[20645, 0x1000, 0x4000_0000, 0x2000],
                20645,
                &[Some(&le32(15)), Some(&ru)]
            ),
            "wait4(20645, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGTERM}], __WALL, {ru_utime={tv_sec=0, tv_usec=155}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 20645"
        );
        assert_eq!(
            line(
                Sysno::wait4,
                &[22391, 0x1000, 2, 0],
                22391,
                &[Some(&le32(0x137f))]
            ),
            "wait4(22391, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}], WSTOPPED, NULL) = 22391"
        );
        assert_eq!(
            line(
                Sysno::wait4,
                &[22391, 0x1000, 8, 0],
                22391,
                &[Some(&le32(0xffff))]
            ),
            "wait4(22391, [{WIFCONTINUED(s)}], WCONTINUED, NULL) = 22391"
        );
        assert_eq!(
            line(
                Sysno::wait4,
                &[22391, 0x1000, 0, 0],
                22391,
                &[Some(&le32(0x8b))]
            ),
            "wait4(22391, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}], 0, NULL) = 22391"
        );
        assert_eq!(
            line(Sysno::wait4, &[u64::MAX, 0, 0xe000_010b, 0], EINVAL, &[]),
            "wait4(-1, NULL, WNOHANG|WSTOPPED|WCONTINUED|__WCLONE|__WALL|__WNOTHREAD|0x100, NULL) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::wait4, &[20646, 0, 0, 0], 20646, &[]),
            "wait4(20646, NULL, 0, NULL) = 20646"
        );
        fuzz(Sysno::wait4, &[1, 0x1000, 0, 0x2000], 1, &[&le32(0), &ru]);
    }

    fn siginfo(code: i32, pid: i32, status: i32) -> [u8; 48] {
        let mut b = [0u8; 48];
        b[0..4].copy_from_slice(&17i32.to_le_bytes());
        b[8..12].copy_from_slice(&code.to_le_bytes());
        b[16..20].copy_from_slice(&pid.to_le_bytes());
        b[24..28].copy_from_slice(&status.to_le_bytes());
        b
    }

    #[test]
    fn waitid_and_getrusage() {
        assert_eq!(
            line(
                Sysno::waitid,
                &[1, 32763, 0x1000, 5, 0],
                0,
                &[Some(&[0; 48])]
            ),
            "waitid(P_PID, 32763, {}, WNOHANG|WEXITED, NULL) = 0"
        );
        assert_eq!(
            line(
                Sysno::waitid,
                &[1, 32763, 0x1000, 2, 0],
                0,
                &[Some(&siginfo(5, 32763, 19))]
            ),
            "waitid(P_PID, 32763, {si_signo=SIGCHLD, si_code=CLD_STOPPED, si_pid=32763, si_uid=0, si_status=SIGSTOP, si_utime=0, si_stime=0}, WSTOPPED, NULL) = 0"
        );
        assert_eq!(
            line(
                Sysno::waitid,
                &[0, 0, 0x1000, 4, 0],
                0,
                &[Some(&siginfo(2, 32763, 9))]
            ),
            "waitid(P_ALL, 0, {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=32763, si_uid=0, si_status=SIGKILL, si_utime=0, si_stime=0}, WEXITED, NULL) = 0"
        );
        assert_eq!(
            line(Sysno::waitid, &[0, 0, 0x7ffc_0104_12a0, 4, 0], -10, &[None]),
            strace(
                "waitid(P_ALL, 0, 0x7ffc010412a0, WEXITED, NULL) = -1 ECHILD (No child processes)"
            )
        );
        assert_eq!(
            line(Sysno::waitid, &[7, 0, 0, 4, 0], EINVAL, &[]),
            strace(
                "waitid(0x7 /* P_??? */, 0, NULL, WEXITED, NULL) = -1 EINVAL (Invalid argument)"
            )
        );
        let mut ru = [0u8; 32];
        ru[8..16].copy_from_slice(&67i64.to_le_bytes());
        assert_eq!(
            line(
                Sysno::waitid,
                &[1, 32764, 0x1000, 4, 0x2000],
                0,
                &[Some(&siginfo(1, 32764, 5)), Some(&ru)]
            ),
            "waitid(P_PID, 32764, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=32764, si_uid=0, si_status=5, si_utime=0, si_stime=0}, WEXITED, {ru_utime={tv_sec=0, tv_usec=67}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 0"
        );
        fuzz(
            Sysno::waitid,
            &[1, 1, 0x1000, 4, 0x2000],
            0,
            &[&siginfo(1, 1, 1), &ru],
        );
        ru[8..16].copy_from_slice(&809i64.to_le_bytes());
        assert_eq!(
            line(Sysno::getrusage, &[0, 0x1000], 0, &[Some(&ru)]),
            "getrusage(RUSAGE_SELF, {ru_utime={tv_sec=0, tv_usec=809}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 0"
        );
        assert_eq!(
            line(Sysno::getrusage, &[u64::MAX, 0x1000], 0, &[Some(&[0; 32])]),
            "getrusage(RUSAGE_CHILDREN, {ru_utime={tv_sec=0, tv_usec=0}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 0"
        );
        assert_eq!(
            line(Sysno::getrusage, &[5, 0x7fff_e051_ae70], EINVAL, &[None]),
            strace(
                "getrusage(0x5 /* RUSAGE_??? */, 0x7fffe051ae70) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            line(Sysno::getrusage, &[0, 0], EFAULT, &[]),
            strace("getrusage(RUSAGE_SELF, NULL)            = -1 EFAULT (Bad address)")
        );
    }

    #[test]
    fn times_and_pidfd_open() {
        // clock_t ticks at 100 per second, as sysconf(_SC_CLK_TCK) says on Linux.
        let tms: Vec<u8> = [2u64, 5, 0, 150]
            .iter()
            .flat_map(|t| t.to_le_bytes())
            .collect();
        assert_eq!(
            line(
                Sysno::times,
                &[0x7ffc_1fc4_1070],
                1_719_365_503,
                &[Some(&tms)]
            ),
            "times({tms_utime=2 /* 0.02 s */, tms_stime=5 /* 0.05 s */, tms_cutime=0, tms_cstime=150 /* 1.50 s */}) = 1719365503"
        );
        assert_eq!(
            line(Sysno::times, &[0], 1_719_365_503, &[]),
            "times(NULL) = 1719365503"
        );
        assert_eq!(
            line(Sysno::pidfd_open, &[17136, 0], 6, &[]),
            "pidfd_open(17136, 0) = 6"
        );
        assert_eq!(
            line(Sysno::pidfd_open, &[17136, 0o4000], 6, &[]),
            "pidfd_open(17136, PIDFD_NONBLOCK) = 6"
        );
    }

    #[test]
    fn clone() {
        assert_eq!(
            line(
                Sysno::clone,
                &[0x120_0011, 0, 0, 0x7f00_214b_0a10, 0],
                20644,
                &[]
            ),
            "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f00214b0a10) = 20644"
        );
        let flags = 0x3d_0f00;
        assert_eq!(
            line(
                Sysno::clone,
                &[
                    flags,
                    0x7f12_ea92_7ff0,
                    0x7f12_ea92_8990,
                    0x7f12_ea92_8990,
                    0x7f12_ea92_86c0
                ],
                22390,
                &[Some(&le32(22390))]
            ),
            "clone(child_stack=0x7f12ea927ff0, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, parent_tid=[22390], tls=0x7f12ea9286c0, child_tidptr=0x7f12ea928990) = 22390"
        );
        assert_eq!(
            line(Sysno::clone, &[17, 0, 0, 0, 0], 5, &[]),
            "clone(child_stack=NULL, flags=SIGCHLD) = 5"
        );
        assert_eq!(
            line(Sysno::clone, &[0, 0, 0, 0, 0], EINVAL, &[]),
            "clone(child_stack=NULL, flags=0) = -1 EINVAL (Invalid argument)"
        );
        let mut ca = [0u8; 88];
        ca[32..40].copy_from_slice(&17u64.to_le_bytes());
        assert_eq!(
            line(Sysno::clone3, &[0x1000, 88], 20649, &[Some(&ca)]),
            "clone3({flags=0, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = 20649"
        );
        let mut ca = [0u8; 88];
        let fields: [(usize, u64); 6] = [
            (0, 0x3d_0f00),
            (16, 0x7f12_ea92_8990),
            (24, 0x7f12_ea92_8990),
            (40, 0x7f12_ea12_8000),
            (48, 0x7f_ff80),
            (56, 0x7f12_ea92_86c0),
        ];
        for (off, v) in fields {
            ca[off..off + 8].copy_from_slice(&v.to_le_bytes());
        }
        assert_eq!(
            line(Sysno::clone3, &[0x1000, 88], 22390, &[Some(&ca)]),
            "clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f12ea928990, parent_tid=0x7f12ea928990, exit_signal=0, stack=0x7f12ea128000, stack_size=0x7fff80, tls=0x7f12ea9286c0} => {parent_tid=[22390]}, 88) = 22390"
        );
        assert_eq!(
            line(Sysno::clone3, &[0x1000, 88], EFAULT, &[None]),
            "clone3(0x1000, 88) = -1 EFAULT (Bad address)"
        );
        fuzz(Sysno::clone3, &[0x1000, 88], 1, &[&ca]);
        fuzz(Sysno::clone, &[flags, 1, 2, 3, 4], 1, &[&le32(1)]);
        assert_eq!(line(Sysno::vfork, &[], 20646, &[]), "vfork() = 20646");
    }

    #[test]
    fn clone3_reads_only_the_size_it_is_given() {
        let mut ca = [0u8; 88];
        for (off, v) in [(0, 1), (32, 17), (64, 0x1000), (72, 3), (80, 5)] {
            ca[off..off + 8].copy_from_slice(&u64::to_le_bytes(v));
        }
        let head =
            "clone3({flags=0x1 /* CLONE_??? */, exit_signal=SIGCHLD, stack=NULL, stack_size=0";
        for (size, rest, ret, result) in [
            (
                88,
                ", set_tid=0x1000, set_tid_size=3, cgroup=5}",
                EINVAL,
                "-1 EINVAL (Invalid argument)",
            ),
            (
                80,
                ", set_tid=0x1000, set_tid_size=3}",
                EFAULT,
                "-1 EFAULT (Bad address)",
            ),
            (
                72,
                ", set_tid=0x1000, set_tid_size=0}",
                EINVAL,
                "-1 EINVAL (Invalid argument)",
            ),
            (64, "}", EINVAL, "-1 EINVAL (Invalid argument)"),
        ] {
            assert_eq!(
                line(Sysno::clone3, &[0x1000, size], ret, &[Some(&ca)]),
                format!("{head}{rest}, {size}) = {result}")
            );
        }
        assert_eq!(
            line(Sysno::clone3, &[0x7fe1_48d6_8030, 63], EINVAL, &[Some(&ca)]),
            "clone3(0x7fe148d68030, 63) = -1 EINVAL (Invalid argument)"
        );
        let mut ca = [0u8; 88];
        for (off, v) in [(0, 1), (32, 17), (80, 5)] {
            ca[off..off + 8].copy_from_slice(&u64::to_le_bytes(v));
        }
        assert_eq!(
            line(Sysno::clone3, &[0x1000, 88], EINVAL, &[Some(&ca)]),
            format!("{head}, cgroup=5}}, 88) = -1 EINVAL (Invalid argument)")
        );
    }

    #[test]
    fn robust_lists_and_rseq() {
        assert_eq!(
            line(Sysno::set_tid_address, &[0x7ffe_9de7_376c], 20643, &[]),
            strace("set_tid_address(0x7ffe9de7376c)   = 20643")
        );
        assert_eq!(
            line(Sysno::set_robust_list, &[0x7f00_0000_1000, 24], 0, &[]),
            "set_robust_list(0x7f0000001000, 24) = 0"
        );
        assert_eq!(
            line(Sysno::set_robust_list, &[0x7f00_0000_1000, 1], EINVAL, &[]),
            "set_robust_list(0x7f0000001000, 1) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(
                Sysno::rseq,
                &[0x7f5f_ade2_d060, 0x20, 0, 0x5305_3053],
                0,
                &[]
            ),
            "rseq(0x7f5fade2d060, 0x20, 0, 0x53053053) = 0"
        );
        assert_eq!(
            line(Sysno::rseq, &[0, 0, 0, 0], EINVAL, &[]),
            "rseq(0, 0, 0, 0) = -1 EINVAL (Invalid argument)"
        );
    }

    fn rlimit(cur: u64, max: u64) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&cur.to_le_bytes());
        b[8..].copy_from_slice(&max.to_le_bytes());
        b
    }

    #[test]
    fn limits() {
        let nofile = rlimit(20000, 20000);
        assert_eq!(
            line(Sysno::getrlimit, &[7, 0x1000], 0, &[Some(&nofile)]),
            "getrlimit(RLIMIT_NOFILE, {rlim_cur=20000, rlim_max=20000}) = 0"
        );
        let stack = rlimit(8 << 20, u64::MAX);
        assert_eq!(
            line(Sysno::getrlimit, &[3, 0x1000], 0, &[Some(&stack)]),
            "getrlimit(RLIMIT_STACK, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0"
        );
        assert_eq!(
            line(
                Sysno::getrlimit,
                &[99, 0x7ffe_9de7_3940],
                EINVAL,
                &[Some(&stack)]
            ),
            "getrlimit(0x63 /* RLIMIT_??? */, 0x7ffe9de73940) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::setrlimit, &[4, 0x1000], 0, &[Some(&stack)]),
            "setrlimit(RLIMIT_CORE, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0"
        );
        assert_eq!(
            line(
                Sysno::prlimit64,
                &[0, 7, 0, 0x1000],
                0,
                &[None, Some(&nofile)]
            ),
            "prlimit64(0, RLIMIT_NOFILE, NULL, {rlim_cur=20000, rlim_max=20000}) = 0"
        );
        let new = rlimit(1024, 4096);
        assert_eq!(
            line(
                Sysno::prlimit64,
                &[0, 7, 0x2000, 0x1000],
                0,
                &[Some(&new), Some(&nofile)]
            ),
            "prlimit64(0, RLIMIT_NOFILE, {rlim_cur=1024, rlim_max=4*1024}, {rlim_cur=20000, rlim_max=20000}) = 0"
        );
        assert_eq!(
            line(Sysno::prlimit64, &[0, 7, 0x2000, 0], 0, &[Some(&new), None]),
            "prlimit64(0, RLIMIT_NOFILE, {rlim_cur=1024, rlim_max=4*1024}, NULL) = 0"
        );
        assert_eq!(
            line(
                Sysno::prlimit64,
                &[99999, 0, 0, 0x7ffe_9de7_3940],
                -3,
                &[None, Some(&nofile)]
            ),
            "prlimit64(99999, RLIMIT_CPU, NULL, 0x7ffe9de73940) = -1 ESRCH (No such process)"
        );
        fuzz(
            Sysno::prlimit64,
            &[0, 7, 0x2000, 0x1000],
            0,
            &[&new, &nofile],
        );
    }

    #[test]
    fn uname() {
        let mut u = [0u8; 130];
        u[..5].copy_from_slice(b"Linux");
        u[65..67].copy_from_slice(b"vm");
        assert_eq!(
            line(Sysno::uname, &[0x1000], 0, &[Some(&u)]),
            r#"uname({sysname="Linux", nodename="vm", ...}) = 0"#
        );
        assert_eq!(
            line(Sysno::uname, &[0], EFAULT, &[]),
            "uname(NULL) = -1 EFAULT (Bad address)"
        );
        fuzz(Sysno::uname, &[0x1000], 0, &[&u]);
    }

    #[test]
    fn arch_prctl() {
        let fs = 0x7f00_214b_0740u64.to_le_bytes();
        assert_eq!(
            line(Sysno::arch_prctl, &[0x1003, 0x1000], 0, &[Some(&fs)]),
            "arch_prctl(ARCH_GET_FS, [0x7f00214b0740]) = 0"
        );
        assert_eq!(
            line(Sysno::arch_prctl, &[0x1002, 0x7f00_214b_0740], 0, &[None]),
            "arch_prctl(ARCH_SET_FS, 0x7f00214b0740) = 0"
        );
        assert_eq!(
            line(Sysno::arch_prctl, &[0x1004, 0x1000], 0, &[Some(&[0; 8])]),
            "arch_prctl(ARCH_GET_GS, [NULL]) = 0"
        );
        assert_eq!(
            line(Sysno::arch_prctl, &[0x1001, 0], 0, &[]),
            "arch_prctl(ARCH_SET_GS, 0) = 0"
        );
        assert_eq!(
            line(Sysno::arch_prctl, &[0x1011, 0], 1, &[]),
            "arch_prctl(ARCH_GET_CPUID) = 1"
        );
        assert_eq!(
            line(Sysno::arch_prctl, &[0x1012, 1], -19, &[]),
            "arch_prctl(ARCH_SET_CPUID, 0x1) = -1 ENODEV (No such device)"
        );
        assert_eq!(
            line(Sysno::arch_prctl, &[0x3001, 0], EINVAL, &[]),
            "arch_prctl(0x3001 /* ARCH_??? */, 0) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::arch_prctl, &[0x1003, 0], EFAULT, &[]),
            "arch_prctl(ARCH_GET_FS, NULL) = -1 EFAULT (Bad address)"
        );
    }

    #[test]
    fn getrandom() {
        let bytes = [
            0x21, 0x92, 0x13, 0xd6, 0xb1, 0xcf, 0xd2, 0x2a, 0x00, 0x8b, 0xf6, 0xde, 0x05, 0xbd,
            0x6f, 0x5a,
        ];
        assert_eq!(
            line(Sysno::getrandom, &[0x1000, 16, 1], 16, &[Some(&bytes)]),
            r#"getrandom("\x21\x92\x13\xd6\xb1\xcf\xd2\x2a\x00\x8b\xf6\xde\x05\xbd\x6f\x5a", 16, GRND_NONBLOCK) = 16"#
        );
        assert_eq!(
            line(Sysno::getrandom, &[0x1000, 8, 0], 8, &[Some(&bytes[..8])]),
            r#"getrandom("\x21\x92\x13\xd6\xb1\xcf\xd2\x2a", 8, 0) = 8"#
        );
        assert_eq!(
            line(Sysno::getrandom, &[0x7ffe_9de7_3780, 4, 6], EINVAL, &[]),
            "getrandom(0x7ffe9de73780, 4, GRND_RANDOM|GRND_INSECURE) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::getrandom, &[0, 4, 0], EFAULT, &[]),
            "getrandom(NULL, 4, 0) = -1 EFAULT (Bad address)"
        );
        let opts = DecodeOptions {
            strsize: 4,
            ..DecodeOptions::default()
        };
        assert_eq!(
            line_with(
                &opts,
                Sysno::getrandom,
                &[0x1000, 16, 0],
                16,
                &[Some(&bytes[..5])]
            ),
            r#"getrandom("\x21\x92\x13\xd6"..., 16, 0) = 16"#
        );
    }

    #[test]
    fn prctl() {
        assert_eq!(
            line(Sysno::prctl, &[15, 0x1000], 0, &[Some(b"myproc")]),
            r#"prctl(PR_SET_NAME, "myproc") = 0"#
        );
        assert_eq!(
            line(
                Sysno::prctl,
                &[15, 0x1000],
                0,
                &[Some(b"a very long name exceeding sixteen")]
            ),
            r#"prctl(PR_SET_NAME, "a very long nam"...) = 0"#
        );
        assert_eq!(
            line(Sysno::prctl, &[15, 0], EFAULT, &[]),
            "prctl(PR_SET_NAME, NULL) = -1 EFAULT (Bad address)"
        );
        assert_eq!(
            line(Sysno::prctl, &[16, 0x1000], 0, &[Some(b"myproc")]),
            r#"prctl(PR_GET_NAME, "myproc") = 0"#
        );
        assert_eq!(
            line(Sysno::prctl, &[16, 0], EFAULT, &[]),
            "prctl(PR_GET_NAME, NULL) = -1 EFAULT (Bad address)"
        );
        assert_eq!(
            line(Sysno::prctl, &[1, 9], 0, &[]),
            "prctl(PR_SET_PDEATHSIG, SIGKILL) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[1, 0], 0, &[]),
            "prctl(PR_SET_PDEATHSIG, 0) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[1, 99], EINVAL, &[]),
            "prctl(PR_SET_PDEATHSIG, 99) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::prctl, &[2, 0x1000], 0, &[None, Some(&le32(0))]),
            "prctl(PR_GET_PDEATHSIG, [0]) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[2, 0x1000], 0, &[None, Some(&le32(9))]),
            "prctl(PR_GET_PDEATHSIG, [SIGKILL]) = 0"
        );
        let opts = DecodeOptions {
            strsize: 3,
            ..DecodeOptions::default()
        };
        assert_eq!(
            line_with(&opts, Sysno::prctl, &[15, 0x1000], 0, &[Some(b"abcdefgh")]),
            r#"prctl(PR_SET_NAME, "abc"...) = 0"#
        );
        assert_eq!(
            line(Sysno::prctl, &[3], 1, &[]),
            "prctl(PR_GET_DUMPABLE) = 1 (SUID_DUMP_USER)"
        );
        assert_eq!(
            line(Sysno::prctl, &[4, 0], 0, &[]),
            "prctl(PR_SET_DUMPABLE, SUID_DUMP_DISABLE) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[4, 7], EINVAL, &[]),
            "prctl(PR_SET_DUMPABLE, 0x7 /* SUID_DUMP_??? */) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::prctl, &[38, 1, 0, 0, 0], 0, &[]),
            "prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[39, 0, 0, 0, 0], 1, &[]),
            "prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) = 1"
        );
        assert_eq!(
            line(Sysno::prctl, &[23, 0], 1, &[]),
            "prctl(PR_CAPBSET_READ, CAP_CHOWN) = 1"
        );
        assert_eq!(
            line(Sysno::prctl, &[24, 21], 0, &[]),
            "prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[9999, 1, 2, 3, 4], EINVAL, &[]),
            "prctl(0x270f /* PR_??? */, 0x1, 0x2, 0x3, 0x4) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::prctl, &[36, 1], 0, &[]),
            "prctl(PR_SET_CHILD_SUBREAPER, 1) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[37, 0x1000], 0, &[None, Some(&le32(0))]),
            "prctl(PR_GET_CHILD_SUBREAPER, [0]) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[8, 1], 0, &[]),
            "prctl(PR_SET_KEEPCAPS, 1) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[7], 1, &[]),
            "prctl(PR_GET_KEEPCAPS) = 1"
        );
        assert_eq!(
            line(Sysno::prctl, &[29, 50000], 0, &[]),
            "prctl(PR_SET_TIMERSLACK, 50000) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[30], 50000, &[]),
            "prctl(PR_GET_TIMERSLACK) = 50000"
        );
        assert_eq!(
            line(Sysno::prctl, &[21], 0, &[]),
            "prctl(PR_GET_SECCOMP) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[41, 1, 0, 0, 0], 0, &[]),
            "prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[42, 0, 0, 0, 0], 1, &[]),
            "prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) = 1"
        );
        assert_eq!(
            line(
                Sysno::prctl,
                &[0x5356_4d41, 0, 0x1000, 4096, 0x2000],
                EINVAL,
                &[None, None, Some(b"foo")]
            ),
            r#"prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, 0x1000, 4096, "foo") = -1 EINVAL (Invalid argument)"#
        );
        fuzz(Sysno::prctl, &[16, 0x1000], 0, &[b"name", &[1; 8], b"x"]);
        fuzz(
            Sysno::prctl,
            &[0x5356_4d41, 0, 0x1000, 4096, 0x2000],
            0,
            &[b"name", &[1; 8], b"x"],
        );
    }

    #[test]
    fn groups() {
        let gids: Vec<u8> = [0u32, 4, 27].iter().flat_map(|g| g.to_le_bytes()).collect();
        assert_eq!(
            line(Sysno::getgroups, &[0, 0], 0, &[]),
            strace("getgroups(0, NULL)                      = 0")
        );
        assert_eq!(
            line(Sysno::getgroups, &[32, 0x1000], 0, &[]),
            strace("getgroups(32, [])                       = 0")
        );
        assert_eq!(
            line(Sysno::getgroups, &[32, 0x1000], 3, &[Some(&gids)]),
            strace("getgroups(32, [0, 4, 27])               = 3")
        );
        assert_eq!(
            line(Sysno::getgroups, &[1, 0x7ffe_53a9_fe30], EINVAL, &[]),
            strace("getgroups(1, 0x7ffe53a9fe30)            = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::getgroups, &[u64::MAX, 0x7ffe_53a9_fe30], EINVAL, &[]),
            strace("getgroups(-1, 0x7ffe53a9fe30)           = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::setgroups, &[3, 0x1000], 0, &[Some(&gids)]),
            strace("setgroups(3, [0, 4, 27])                = 0")
        );
        assert_eq!(
            line(Sysno::setgroups, &[0, 0], 0, &[]),
            strace("setgroups(0, NULL)                      = 0")
        );
        let many: Vec<u8> = (0u32..40).flat_map(u32::to_le_bytes).collect();
        let got = line(Sysno::getgroups, &[64, 0x1000], 40, &[Some(&many)]);
        assert!(
            got.starts_with("getgroups(64, [0, 1, 2, ") && got.ends_with(", 31, ...]) = 40"),
            "{got}"
        );
        fuzz(Sysno::getgroups, &[32, 0x1000], 3, &[&gids]);
        fuzz(Sysno::setgroups, &[3, 0x1000], 0, &[&gids]);
    }

    #[test]
    fn priorities() {
        assert_eq!(
            line(Sysno::getpriority, &[0, 0], 20, &[]),
            strace("getpriority(PRIO_PROCESS, 0)            = 20")
        );
        assert_eq!(
            line(Sysno::getpriority, &[2, 0], 40, &[]),
            strace("getpriority(PRIO_USER, 0)               = 40")
        );
        assert_eq!(
            line(Sysno::setpriority, &[0, 0, 0], 0, &[]),
            strace("setpriority(PRIO_PROCESS, 0, 0)         = 0")
        );
        assert_eq!(
            line(Sysno::setpriority, &[9, 0, 0], EINVAL, &[]),
            strace("setpriority(0x9 /* PRIO_??? */, 0, 0)   = -1 EINVAL (Invalid argument)")
        );
    }

    #[test]
    fn sysinfo() {
        let mut b: Vec<u8> = [
            3054u64,
            209_696,
            219_488,
            161_408,
            25_276_514_304,
            21_747_372_032,
            8_998_912,
            5_505_024,
            0,
            0,
        ]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
        b.extend(119u16.to_le_bytes());
        b.extend([0; 6]);
        b.extend([0u64, 0].iter().flat_map(|v| v.to_le_bytes()));
        b.extend(1u32.to_le_bytes());
        b.extend([0; 4]);
        assert_eq!(
            line(Sysno::sysinfo, &[0x1000], 0, &[Some(&b)]),
            "sysinfo({uptime=3054, loads=[209696, 219488, 161408], totalram=25276514304, freeram=21747372032, sharedram=8998912, bufferram=5505024, totalswap=0, freeswap=0, procs=119, totalhigh=0, freehigh=0, mem_unit=1}) = 0"
        );
        assert_eq!(
            line(Sysno::sysinfo, &[0], EFAULT, &[]),
            strace("sysinfo(NULL)                           = -1 EFAULT (Bad address)")
        );
        fuzz(Sysno::sysinfo, &[0x1000], 0, &[&b]);
    }

    #[test]
    fn scheduling() {
        assert_eq!(
            line(Sysno::sched_getscheduler, &[0], 0, &[]),
            strace("sched_getscheduler(0)                   = 0 (SCHED_OTHER)")
        );
        assert_eq!(
            line(Sysno::sched_getscheduler, &[0], 1_073_741_827, &[]),
            strace("sched_getscheduler(0)                   = 1073741827")
        );
        assert_eq!(
            line(Sysno::sched_getscheduler, &[99999], -3, &[]),
            strace("sched_getscheduler(99999)               = -1 ESRCH (No such process)")
        );
        assert_eq!(
            line(Sysno::sched_getparam, &[0, 0x1000], 0, &[Some(&le32(0))]),
            strace("sched_getparam(0, [0])                  = 0")
        );
        assert_eq!(
            line(Sysno::sched_getparam, &[0, 0], EINVAL, &[]),
            strace("sched_getparam(0, NULL)                 = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::sched_setparam, &[0, 0x1000], 0, &[Some(&le32(0))]),
            strace("sched_setparam(0, [0])                  = 0")
        );
        assert_eq!(
            line(
                Sysno::sched_setscheduler,
                &[0, 0, 0x1000],
                0,
                &[Some(&le32(0))]
            ),
            strace("sched_setscheduler(0, SCHED_OTHER, [0]) = 0")
        );
        assert_eq!(
            line(
                Sysno::sched_setscheduler,
                &[0, 0x4000_0003, 0x1000],
                0,
                &[Some(&le32(0))]
            ),
            strace("sched_setscheduler(0, 0x40000003 /* SCHED_??? */, [0]) = 0")
        );
        assert_eq!(
            line(Sysno::sched_get_priority_max, &[1], 99, &[]),
            strace("sched_get_priority_max(SCHED_FIFO)      = 99")
        );
        assert_eq!(
            line(Sysno::sched_get_priority_min, &[2], 1, &[]),
            strace("sched_get_priority_min(SCHED_RR)        = 1")
        );
        assert_eq!(
            line(Sysno::sched_get_priority_max, &[4], EINVAL, &[]),
            strace("sched_get_priority_max(SCHED_ISO)       = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::sched_get_priority_max, &[12], EINVAL, &[]),
            strace("sched_get_priority_max(0xc /* SCHED_??? */) = -1 EINVAL (Invalid argument)")
        );
    }

    #[test]
    fn affinity_and_io_priorities() {
        let mut set = [0u8; 128];
        // strace: sched_getaffinity(0, 128, [0 1]) = 8
        set[0] = 3;
        assert_eq!(
            line(
                Sysno::sched_getaffinity,
                &[0, 128, 0x1000],
                8,
                &[Some(&set[..8])]
            ),
            "sched_getaffinity(0, 128, [0 1]) = 8"
        );
        assert_eq!(
            line(Sysno::sched_getaffinity, &[0, 1, 0x1000], EINVAL, &[]),
            "sched_getaffinity(0, 1, 0x1000) = -1 EINVAL (Invalid argument)"
        );
        set[0] = 1;
        assert_eq!(
            line(
                Sysno::sched_setaffinity,
                &[0, 128, 0x1000],
                0,
                &[Some(&set)]
            ),
            strace("sched_setaffinity(0, 128, [0])          = 0")
        );
        set[0] = 3;
        assert_eq!(
            line(
                Sysno::sched_setaffinity,
                &[0, 8, 0x1000],
                0,
                &[Some(&set[..8])]
            ),
            strace("sched_setaffinity(0, 8, [0 1])          = 0")
        );
        assert_eq!(
            line(
                Sysno::sched_setaffinity,
                &[0, 8, 0x1000],
                EINVAL,
                &[Some(&[0; 8])]
            ),
            strace("sched_setaffinity(0, 8, [])             = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::sched_setaffinity, &[0, 8, 0], EFAULT, &[]),
            strace("sched_setaffinity(0, 8, NULL)           = -1 EFAULT (Bad address)")
        );
        assert_eq!(
            line(Sysno::sched_setaffinity, &[0, 0, 0x1000], EINVAL, &[]),
            strace("sched_setaffinity(0, 0, [])             = -1 EINVAL (Invalid argument)")
        );
        set[200 / 8] = 1 << (200 % 8);
        assert_eq!(
            line(
                Sysno::sched_setaffinity,
                &[0, 128, 0x1000],
                EINVAL,
                &[Some(&set)]
            ),
            "sched_setaffinity(0, 128, [0 1 200]) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::ioprio_set, &[1, 0, (3 << 13) | 7], 0, &[]),
            "ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 7)) = 0"
        );
        assert_eq!(
            line(Sysno::ioprio_set, &[3, 0, (5 << 13) | 1], EINVAL, &[]),
            "ioprio_set(IOPRIO_WHO_USER, 0, IOPRIO_PRIO_VALUE(0x5 /* IOPRIO_CLASS_??? */, 1)) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::ioprio_get, &[1, 0], 16388, &[]),
            strace(
                "ioprio_get(IOPRIO_WHO_PROCESS, 0)       = 16388 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4))"
            )
        );
        assert_eq!(
            line(Sysno::ioprio_get, &[1, 0], 0, &[]),
            strace(
                "ioprio_get(IOPRIO_WHO_PROCESS, 0)       = 0 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0))"
            )
        );
        assert_eq!(
            line(Sysno::ioprio_get, &[9, 0], EINVAL, &[]),
            strace("ioprio_get(0x9 /* IOPRIO_WHO_??? */, 0) = -1 EINVAL (Invalid argument)")
        );
        fuzz(Sysno::sched_setaffinity, &[0, 128, 0x1000], 0, &[&set]);
    }
}
