//! Signals: handlers, masks, sending.

use super::table::SyscallDef;
use crate::xlat;

pub static DEFS: &[SyscallDef] = &[];

xlat! {
    /// Signal numbers, `include/uapi/asm-generic/signal.h`.
    pub SIGNALS {
        SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL, SIGUSR1,
        SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGSTKFLT, SIGCHLD, SIGCONT, SIGSTOP,
        SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH,
        SIGIO, SIGPWR, SIGSYS,
    }
}

/// The name of a signal: `SIGKILL`, `SIGRT_3`, or the number.
#[must_use]
pub fn name(sig: i32) -> String {
    let Ok(n) = u64::try_from(sig) else { return sig.to_string() };
    match SIGNALS.name(n) {
        Some(name) => name.to_string(),
        None if (32..=64).contains(&sig) => format!("SIGRT_{}", sig - 32),
        None => sig.to_string(),
    }
}
