//! Reading and writing descriptors: read/write and their positioned and vector forms.

use super::table::{FD, OUT_BUF, Ret, SyscallDef, ULONG, class, in_buf};
use syscalls::Sysno;

pub static DEFS: &[SyscallDef] = &[
    SyscallDef { sysno: Sysno::read, args: &[FD, OUT_BUF, ULONG], ret: Ret::Int, class: class::DESC },
    SyscallDef { sysno: Sysno::write, args: &[FD, in_buf(2), ULONG], ret: Ret::Int, class: class::DESC },
];
