//! Synchronisation between threads and processes: futex.

use super::table::SyscallDef;

pub static DEFS: &[SyscallDef] = &[];
