//! Processes and threads: ids, exit, exec, clone, wait.

use super::table::{INT, Ret, SyscallDef, class};
use syscalls::Sysno;

pub static DEFS: &[SyscallDef] = &[
    SyscallDef { sysno: Sysno::exit_group, args: &[INT], ret: Ret::NoReturn, class: class::PROCESS },
    SyscallDef { sysno: Sysno::exit, args: &[INT], ret: Ret::NoReturn, class: class::PROCESS },
    SyscallDef { sysno: Sysno::getpid, args: &[], ret: Ret::Int, class: class::PROCESS },
];
