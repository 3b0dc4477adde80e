//! Waiting on descriptors: poll, select, epoll.

use super::table::SyscallDef;

pub static DEFS: &[SyscallDef] = &[];
