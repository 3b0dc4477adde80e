//! Delivered signals as strace prints them:
//! `--- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_USER, si_pid=10348, si_uid=0} ---`, and
//! the `si_code` names (`include/uapi/asm-generic/siginfo.h`). The `siginfo_t` prints as
//! in `rt_sigtimedwait` or `waitid`: strace has one printer for all of them, and so has
//! rtrace ([`signal::write_siginfo`]).

use std::io::Write as _;

use super::{signal, text};
use crate::xlat;

xlat! {
    /// `si_code` values any signal may carry (`SI_*`), `asm-generic/siginfo.h`.
    pub SI_CODES {
        SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1i32, SI_TIMER = -2i32, SI_MESGQ = -3i32,
        SI_ASYNCIO = -4i32, SI_SIGIO = -5i32, SI_TKILL = -6i32, SI_DETHREAD = -7i32,
        SI_ASYNCNL = -60i32,
    }
}

xlat! {
    /// `si_code` of SIGCHLD.
    pub CLD_CODES {
        CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_TRAPPED = 4, CLD_STOPPED = 5,
        CLD_CONTINUED = 6,
    }
}

xlat! {
    /// `si_code` of SIGSEGV.
    pub SEGV_CODES {
        SEGV_MAPERR = 1, SEGV_ACCERR = 2, SEGV_BNDERR = 3, SEGV_PKUERR = 4, SEGV_ACCADI = 5,
        SEGV_ADIDERR = 6, SEGV_ADIPERR = 7, SEGV_MTEAERR = 8, SEGV_MTESERR = 9,
        SEGV_CPERR = 10,
    }
}

xlat! {
    /// `si_code` of SIGBUS.
    pub BUS_CODES { BUS_ADRALN = 1, BUS_ADRERR = 2, BUS_OBJERR = 3, BUS_MCEERR_AR = 4, BUS_MCEERR_AO = 5 }
}

xlat! {
    /// `si_code` of SIGILL.
    pub ILL_CODES {
        ILL_ILLOPC = 1, ILL_ILLOPN = 2, ILL_ILLADR = 3, ILL_ILLTRP = 4, ILL_PRVOPC = 5,
        ILL_PRVREG = 6, ILL_COPROC = 7, ILL_BADSTK = 8, ILL_BADIADDR = 9,
    }
}

xlat! {
    /// `si_code` of SIGFPE.
    pub FPE_CODES {
        FPE_INTDIV = 1, FPE_INTOVF = 2, FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5,
        FPE_FLTRES = 6, FPE_FLTINV = 7, FPE_FLTSUB = 8, FPE_FLTUNK = 14, FPE_CONDTRAP = 15,
    }
}

xlat! {
    /// `si_code` of SIGTRAP.
    pub TRAP_CODES { TRAP_BRKPT = 1, TRAP_TRACE = 2, TRAP_BRANCH = 3, TRAP_HWBKPT = 4, TRAP_UNK = 5, TRAP_PERF = 6 }
}

xlat! {
    /// `si_code` of SIGPOLL / SIGIO.
    pub POLL_CODES { POLL_IN = 1, POLL_OUT = 2, POLL_MSG = 3, POLL_ERR = 4, POLL_PRI = 5, POLL_HUP = 6 }
}

/// Writes `--- SIGNAME {...} ---` (without a newline) for a delivered signal, its
/// `siginfo_t` as strace prints one anywhere ([`signal::write_siginfo`]); `info` is the
/// raw `siginfo_t`, if the kernel passed one.
pub fn format_signal(out: &mut Vec<u8>, signo: i32, info: Option<&[u8]>) {
    let _ = write!(out, "--- {} ", signal::name(signo));
    let start = out.len();
    if info.is_none_or(|info| signal::write_siginfo(out, info).is_none()) {
        out.truncate(start);
        out.extend_from_slice(b"{si_signo=");
        signal::write_name(out, signo);
        out.extend_from_slice(b", si_code=");
        text::named(out, "SI_KERNEL", text::Number::Hex(0x80));
        out.push(b'}');
    }
    out.extend_from_slice(b" ---");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn siginfo(signo: i32, code: i32, fields: &[(usize, &[u8])]) -> Vec<u8> {
        let mut v = vec![0u8; 48];
        v[0..4].copy_from_slice(&signo.to_le_bytes());
        v[8..12].copy_from_slice(&code.to_le_bytes());
        for (off, b) in fields {
            v[*off..*off + b.len()].copy_from_slice(b);
        }
        v
    }

    fn line(signo: i32, info: Option<&[u8]>) -> String {
        let mut out = Vec::new();
        format_signal(&mut out, signo, info);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn kill_from_another_process() {
        let info = siginfo(
            libc::SIGUSR2,
            0,
            &[(16, &10348i32.to_le_bytes()), (20, &0u32.to_le_bytes())],
        );
        assert_eq!(
            line(libc::SIGUSR2, Some(&info)),
            "--- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_USER, si_pid=10348, si_uid=0} ---"
        );
    }

    #[test]
    fn tgkill_and_child_exit() {
        let info = siginfo(
            libc::SIGTERM,
            -6,
            &[(16, &7i32.to_le_bytes()), (20, &1000u32.to_le_bytes())],
        );
        assert_eq!(
            line(libc::SIGTERM, Some(&info)),
            "--- SIGTERM {si_signo=SIGTERM, si_code=SI_TKILL, si_pid=7, si_uid=1000} ---"
        );
        let info = siginfo(
            libc::SIGCHLD,
            1,
            &[(16, &1235i32.to_le_bytes()), (24, &3i32.to_le_bytes())],
        );
        assert_eq!(
            line(libc::SIGCHLD, Some(&info)),
            "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=1235, si_uid=0, si_status=3, si_utime=0, si_stime=0} ---"
        );
    }

    #[test]
    fn faults_print_the_address() {
        let info = siginfo(libc::SIGSEGV, 1, &[(16, &0u64.to_le_bytes())]);
        assert_eq!(
            line(libc::SIGSEGV, Some(&info)),
            "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---"
        );
    }

    #[test]
    fn every_kind_of_siginfo_prints_as_in_a_call() {
        let info = siginfo(
            libc::SIGSYS,
            1,
            &[
                (16, &0x6000u64.to_le_bytes()),
                (24, &39i32.to_le_bytes()),
                (28, &0xc000_003e_u32.to_le_bytes()),
            ],
        );
        assert_eq!(
            line(libc::SIGSYS, Some(&info)),
            "--- SIGSYS {si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=0x6000, si_syscall=__NR_getpid, si_arch=AUDIT_ARCH_X86_64} ---"
        );
        let info = siginfo(libc::SIGUSR1, 77, &[]);
        assert_eq!(
            line(libc::SIGUSR1, Some(&info)),
            "--- SIGUSR1 {si_signo=SIGUSR1, si_code=0x4d} ---"
        );
        let mut info = siginfo(
            libc::SIGUSR2,
            -1,
            &[(16, &77i32.to_le_bytes()), (24, &9u64.to_le_bytes())],
        );
        info[4..8].copy_from_slice(&5i32.to_le_bytes());
        assert_eq!(
            line(libc::SIGUSR2, Some(&info)),
            "--- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_QUEUE, si_errno=EIO, si_pid=77, si_uid=0, si_int=9, si_ptr=0x9} ---"
        );
        let info = siginfo(libc::SIGUSR2, -3, &[(16, &77i32.to_le_bytes())]);
        assert_eq!(
            line(libc::SIGUSR2, Some(&info)),
            "--- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_MESGQ, si_pid=77, si_uid=0} ---"
        );
        let info = siginfo(
            libc::SIGUSR2,
            3,
            &[
                (16, &77i32.to_le_bytes()),
                (20, &5u32.to_le_bytes()),
                (24, &9u64.to_le_bytes()),
            ],
        );
        assert_eq!(
            line(libc::SIGUSR2, Some(&info)),
            "--- SIGUSR2 {si_signo=SIGUSR2, si_code=0x3, si_pid=77, si_uid=5, si_int=9, si_ptr=0x9} ---"
        );
    }

    #[test]
    fn short_or_missing_siginfo_does_not_panic() {
        for len in 0..48 {
            let info = vec![0xffu8; len];
            let _ = line(libc::SIGSEGV, Some(&info));
            let _ = line(libc::SIGCHLD, Some(&info));
        }
        assert!(line(libc::SIGSTOP, None).starts_with("--- SIGSTOP {"));
    }
}
