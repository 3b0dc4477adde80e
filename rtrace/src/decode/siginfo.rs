//! Delivered signals as strace prints them:
//! `--- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_USER, si_pid=10348, si_uid=0} ---`.
//!
//! Which `siginfo_t` union member is meaningful depends on the signal and `si_code`
//! (`include/uapi/asm-generic/siginfo.h`); the field offsets are `x86_64`'s.

use std::io::Write as _;

use super::{signal, text, xlat::Xlat};
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

fn i32_at(info: &[u8], off: usize) -> i32 {
    info.get(off..off + 4)
        .map_or(0, |b| i32::from_le_bytes(b.try_into().expect("4 bytes")))
}

fn u64_at(info: &[u8], off: usize) -> u64 {
    info.get(off..off + 8)
        .map_or(0, |b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
}

/// The `si_code` set for a signal's positive codes.
fn fault_codes(signo: i32) -> Option<&'static Xlat> {
    match signo {
        libc::SIGSEGV => Some(&SEGV_CODES),
        libc::SIGBUS => Some(&BUS_CODES),
        libc::SIGILL => Some(&ILL_CODES),
        libc::SIGFPE => Some(&FPE_CODES),
        libc::SIGTRAP => Some(&TRAP_CODES),
        _ => None,
    }
}

/// Writes `--- SIGNAME {...} ---` (without a newline) for a delivered signal;
/// `info` is the raw `siginfo_t`, if the kernel passed one.
pub fn format_signal(out: &mut Vec<u8>, signo: i32, info: Option<&[u8]>) {
    let _ = write!(out, "--- {} {{si_signo=", signal::name(signo));
    signal::write_name(out, signo);
    out.extend_from_slice(b", si_code=");
    let Some(info) = info else {
        text::named(out, "SI_KERNEL", text::Number::Hex(0x80));
        out.extend_from_slice(b"} ---");
        return;
    };
    let code = i32_at(info, 8);
    #[expect(
        clippy::cast_sign_loss,
        reason = "codes are matched as the set stores them"
    )]
    let code_bits = i64::from(code) as u64;
    let set = if code > 0 && code != 0x80 {
        match signo {
            libc::SIGCHLD => Some(&CLD_CODES),
            libc::SIGPOLL => Some(&POLL_CODES),
            _ => fault_codes(signo),
        }
    } else {
        Some(&SI_CODES)
    };
    match set.and_then(|s| s.name(code_bits)) {
        Some(n) => text::named(out, n, text::Number::Hex(code.cast_unsigned().into())),
        None => text::decimal(out, code),
    }
    let pid = i32_at(info, 16);
    let uid = i32_at(info, 20).cast_unsigned();
    if code > 0 && code != 0x80 {
        if signo == libc::SIGCHLD {
            let status = i32_at(info, 24);
            let _ = write!(out, ", si_pid={pid}, si_uid={uid}, si_status=");
            if code == 1 {
                text::decimal(out, status);
            } else {
                signal::write_name(out, status);
            }
            out.extend_from_slice(b", si_utime=");
            text::clock_ticks(out, u64_at(info, 32));
            out.extend_from_slice(b", si_stime=");
            text::clock_ticks(out, u64_at(info, 40));
        } else if fault_codes(signo).is_some() {
            out.extend_from_slice(b", si_addr=");
            text::pointer(out, u64_at(info, 16));
        } else if signo == libc::SIGPOLL {
            let _ = write!(
                out,
                ", si_band={}, si_fd={}",
                u64_at(info, 16).cast_signed(),
                i32_at(info, 24)
            );
        }
    } else if code == -2 {
        // SI_TIMER
        let _ = write!(
            out,
            ", si_timerid={pid:#x}, si_overrun={uid}, si_int={}, si_ptr=",
            i32_at(info, 24)
        );
        text::pointer(out, u64_at(info, 24));
    } else if code == 0x80 && fault_codes(signo).is_some() {
        out.extend_from_slice(b", si_addr=");
        text::pointer(out, u64_at(info, 16));
    } else if code == 0x80 {
        // SI_KERNEL without a fault: no more fields.
    } else {
        let _ = write!(out, ", si_pid={pid}, si_uid={uid}");
        if code == -1 || code == -3 {
            let _ = write!(out, ", si_int={}, si_ptr=", i32_at(info, 24));
            text::pointer(out, u64_at(info, 24));
        }
    }
    out.extend_from_slice(b"} ---");
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
    fn short_or_missing_siginfo_does_not_panic() {
        for len in 0..48 {
            let info = vec![0xffu8; len];
            let _ = line(libc::SIGSEGV, Some(&info));
            let _ = line(libc::SIGCHLD, Some(&info));
        }
        assert!(line(libc::SIGSTOP, None).starts_with("--- SIGSTOP {"));
    }
}
