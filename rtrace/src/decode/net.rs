//! Sockets: creation, addresses, connections, messages.

use super::table::SyscallDef;

pub static DEFS: &[SyscallDef] = &[];
