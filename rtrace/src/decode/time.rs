//! Clocks, timers and sleeping.

use super::table::SyscallDef;

pub static DEFS: &[SyscallDef] = &[];
