//! Memory mappings and the program break.

use super::table::SyscallDef;

pub static DEFS: &[SyscallDef] = &[];
