//! Finds struct member offsets in the kernel's BTF (`/sys/kernel/btf/vmlinux`), so the
//! kernel programs can read fields whose place changes between kernel builds.
//!
//! Only what rtrace needs: walk the type section, find a struct by name, find a
//! member (looking through anonymous structs and unions) and return its byte offset.
//! The layout is the kernel's `include/uapi/linux/btf.h`.

use std::fs;

const BTF_MAGIC: u16 = 0xeb9f;
const KIND_STRUCT: u32 = 4;
const KIND_UNION: u32 = 5;

/// Offsets of the `struct task_struct` fields the kernel programs read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskOffsets {
    pub exit_code: u32,
    pub pid: u32,
    pub tgid: u32,
}

/// What the kernel programs read at offsets the kernel build decides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KernelOffsets {
    pub task: TaskOffsets,
    pub file: FileOffsets,
    pub exec: ExecOffsets,
    pub socket: rtrace_common::SocketOffsets,
    /// Where a task's number in a PID namespace is (`ino` and `dev` left 0).
    pub pid_ns: rtrace_common::PidNamespace,
    pub group_exit: GroupExitOffsets,
}

/// Reads the offsets from the kernel's BTF; zeros (unknown) where it has none.
#[must_use]
pub fn kernel_offsets() -> KernelOffsets {
    let Ok(data) = fs::read("/sys/kernel/btf/vmlinux") else {
        return KernelOffsets::default();
    };
    let Some(btf) = Btf::parse(&data) else {
        return KernelOffsets::default();
    };
    KernelOffsets {
        task: task_offsets(&btf),
        file: file_offsets(&btf),
        exec: exec_offsets(&btf),
        socket: socket_offsets(&btf).unwrap_or_default(),
        pid_ns: pid_namespace_offsets(&btf).unwrap_or_default(),
        group_exit: group_exit_offsets(&btf).unwrap_or_default(),
    }
}

fn task_offsets(btf: &Btf<'_>) -> TaskOffsets {
    let field = |name| btf.member_offset("task_struct", name).unwrap_or(0);
    TaskOffsets {
        exit_code: field("exit_code"),
        pid: field("pid"),
        tgid: field("tgid"),
    }
}

/// Offsets on the way from a task to a descriptor's inode number (see the kernel
/// programs' `fd_inode`): all zero when one is missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileOffsets {
    pub task_files: u32,
    pub files_fdt: u32,
    pub fdtable_max_fds: u32,
    pub fdtable_fd: u32,
    pub file_inode: u32,
    pub inode_ino: u32,
}

fn file_offsets(btf: &Btf<'_>) -> FileOffsets {
    let found = || {
        Some(FileOffsets {
            task_files: btf.member_offset("task_struct", "files")?,
            files_fdt: btf.member_offset("files_struct", "fdt")?,
            fdtable_max_fds: btf.member_offset("fdtable", "max_fds")?,
            fdtable_fd: btf.member_offset("fdtable", "fd")?,
            file_inode: btf.member_offset("file", "f_inode")?,
            inode_ino: btf.member_offset("inode", "i_ino")?,
        })
    };
    found().unwrap_or_default()
}

/// Where an exec keeps its path and its new argv strings (see the kernel programs'
/// `fill_in_exec`): all zero when one is missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExecOffsets {
    pub binprm_filename: u32,
    pub task_mm: u32,
    pub mm_arg_start: u32,
    pub mm_arg_end: u32,
}

fn exec_offsets(btf: &Btf<'_>) -> ExecOffsets {
    let found = || {
        Some(ExecOffsets {
            binprm_filename: btf.member_offset("linux_binprm", "filename")?,
            task_mm: btf.member_offset("task_struct", "mm")?,
            mm_arg_start: btf.member_offset("mm_struct", "arg_start")?,
            mm_arg_end: btf.member_offset("mm_struct", "arg_end")?,
        })
    };
    found().unwrap_or_default()
}

/// Where a process's exit as a whole is marked (see the kernel programs'
/// `kills_the_group`): `task_struct.signal`, then `signal_struct.flags` and
/// `group_exit_code`. All zero when one is missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupExitOffsets {
    pub task_signal: u32,
    pub flags: u32,
    pub code: u32,
}

fn group_exit_offsets(btf: &Btf<'_>) -> Option<GroupExitOffsets> {
    Some(GroupExitOffsets {
        task_signal: btf.member_offset("task_struct", "signal")?,
        flags: btf.member_offset("signal_struct", "flags")?,
        code: btf.member_offset("signal_struct", "group_exit_code")?,
    })
}

/// Where a socket's description is, from its file (see the kernel programs'
/// `sockets::keep`); `None` when one is missing.
fn socket_offsets(btf: &Btf<'_>) -> Option<rtrace_common::SocketOffsets> {
    let socket_in_alloc = btf.member_offset("socket_alloc", "socket")?;
    Some(rtrace_common::SocketOffsets {
        file_private_data: btf.member_offset("file", "private_data")?,
        socket_type: btf.member_offset("socket", "type")?,
        socket_sk: btf.member_offset("socket", "sk")?,
        socket_inode: btf
            .member_offset("socket_alloc", "vfs_inode")?
            .checked_sub(socket_in_alloc)?,
        sock_family: btf.member_offset("sock_common", "skc_family")?,
        sock_num: btf.member_offset("sock_common", "skc_num")?,
        sock_dport: btf.member_offset("sock_common", "skc_dport")?,
        sock_rcv_saddr: btf.member_offset("sock_common", "skc_rcv_saddr")?,
        sock_daddr: btf.member_offset("sock_common", "skc_daddr")?,
        sock_socket: btf.member_offset("sock", "sk_socket")?,
        sock_protocol: btf.member_offset("sock", "sk_protocol")?,
        sock_v6_rcv_saddr: btf
            .member_offset("sock_common", "skc_v6_rcv_saddr")
            .unwrap_or(0),
        sock_v6_daddr: btf
            .member_offset("sock_common", "skc_v6_daddr")
            .unwrap_or(0),
        unix_addr: btf.member_offset("unix_sock", "addr")?,
        unix_peer: btf.member_offset("unix_sock", "peer")?,
        unix_address_len: btf.member_offset("unix_address", "len")?,
        unix_address_name: btf.member_offset("unix_address", "name")?,
        inode_ino: btf.member_offset("inode", "i_ino")?,
    })
}

/// Where a task's number in a PID namespace is (see the kernel programs' `task_ids`);
/// `None` when one is missing.
fn pid_namespace_offsets(btf: &Btf<'_>) -> Option<rtrace_common::PidNamespace> {
    let upid_ns = btf.member_offset("upid", "ns")?;
    Some(rtrace_common::PidNamespace {
        task_thread_pid: btf.member_offset("task_struct", "thread_pid")?,
        task_group_leader: btf.member_offset("task_struct", "group_leader")?,
        pid_level: btf.member_offset("pid", "level")?,
        pid_numbers: btf.member_offset("pid", "numbers")?,
        // `struct upid` is a number and a pointer.
        upid_size: upid_ns + 8,
        upid_ns,
        ns_inum: btf.member_offset("pid_namespace", "ns")?
            + btf.member_offset("ns_common", "inum")?,
        ..Default::default()
    })
}

struct Btf<'a> {
    types: &'a [u8],
    strings: &'a [u8],
    /// Byte offset in `types` of each type id (index 0 is id 1).
    offsets: Vec<usize>,
}

fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(off..off + 4)?.try_into().ok()?))
}

impl<'a> Btf<'a> {
    fn parse(data: &'a [u8]) -> Option<Self> {
        if u16::from_le_bytes(data.get(0..2)?.try_into().ok()?) != BTF_MAGIC {
            return None;
        }
        let hdr_len = u32_at(data, 4)? as usize;
        let (type_off, type_len) = (u32_at(data, 8)? as usize, u32_at(data, 12)? as usize);
        let (str_off, str_len) = (u32_at(data, 16)? as usize, u32_at(data, 20)? as usize);
        let types = data.get(hdr_len + type_off..hdr_len + type_off + type_len)?;
        let strings = data.get(hdr_len + str_off..hdr_len + str_off + str_len)?;
        let mut offsets = Vec::new();
        let mut pos = 0;
        while pos + 12 <= types.len() {
            offsets.push(pos);
            let info = u32_at(types, pos + 4)?;
            let vlen = (info & 0xffff) as usize;
            let extra = match (info >> 24) & 0x1f {
                // int, var, decl_tag
                1 | 14 | 17 => 4,
                // array
                3 => 12,
                // struct, union, datasec, enum64: 12 bytes a member
                4 | 5 | 15 | 19 => 12 * vlen,
                // enum, func_proto
                6 | 13 => 8 * vlen,
                // ptr, fwd, typedef, modifiers, func, float, type_tag
                _ => 0,
            };
            pos += 12 + extra;
        }
        Some(Btf {
            types,
            strings,
            offsets,
        })
    }

    fn name(&self, off: u32) -> &'a [u8] {
        let rest = self.strings.get(off as usize..).unwrap_or_default();
        &rest[..rest.iter().position(|&c| c == 0).unwrap_or(rest.len())]
    }

    /// Follows typedefs and modifiers to the underlying type id.
    fn resolve(&self, mut id: u32) -> Option<u32> {
        for _ in 0..32 {
            let pos = *self.offsets.get((id as usize).checked_sub(1)?)?;
            match (u32_at(self.types, pos + 4)? >> 24) & 0x1f {
                8..=11 | 18 => id = u32_at(self.types, pos + 8)?,
                _ => return Some(id),
            }
        }
        None
    }

    fn member_offset(&self, struct_name: &str, member: &str) -> Option<u32> {
        let id = self.offsets.iter().enumerate().find_map(|(i, &pos)| {
            let info = u32_at(self.types, pos + 4)?;
            let is_struct = (info >> 24) & 0x1f == KIND_STRUCT && info & 0xffff != 0;
            (is_struct && self.name(u32_at(self.types, pos)?) == struct_name.as_bytes())
                .then_some(u32::try_from(i + 1).ok()?)
        })?;
        self.find_member(id, member.as_bytes(), 0)
    }

    fn find_member(&self, id: u32, member: &[u8], base_bits: u32) -> Option<u32> {
        let pos = *self.offsets.get((id as usize).checked_sub(1)?)?;
        let info = u32_at(self.types, pos + 4)?;
        let kind_flag = info >> 31 != 0;
        for m in 0..(info & 0xffff) as usize {
            let mpos = pos + 12 + 12 * m;
            let name_off = u32_at(self.types, mpos)?;
            let ty = u32_at(self.types, mpos + 4)?;
            let raw = u32_at(self.types, mpos + 8)?;
            let bits = base_bits + if kind_flag { raw & 0x00ff_ffff } else { raw };
            if name_off == 0 {
                let inner = self.resolve(ty)?;
                let ipos = *self.offsets.get((inner as usize).checked_sub(1)?)?;
                let kind = (u32_at(self.types, ipos + 4)? >> 24) & 0x1f;
                if (kind == KIND_STRUCT || kind == KIND_UNION)
                    && let Some(found) = self.find_member(inner, member, bits)
                {
                    return Some(found);
                }
            } else if self.name(name_off) == member {
                return Some(bits / 8);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_btf() {
        assert!(Btf::parse(b"not btf at all, not at all").is_none());
        assert!(Btf::parse(&[]).is_none());
    }

    #[test]
    fn finds_the_way_to_a_descriptors_inode_on_this_kernel() {
        if std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
            let off = kernel_offsets().file;
            assert!(off.task_files > 64, "{off:?}");
            // fdtable starts with max_fds, then the array; an inode's number follows
            // its mode, flags and pointers.
            assert_eq!((off.fdtable_max_fds, off.fdtable_fd), (0, 8), "{off:?}");
            assert!(off.file_inode > 0 && off.inode_ino > 8, "{off:?}");
        }
    }

    #[test]
    fn finds_where_an_exec_keeps_its_path_and_argv_on_this_kernel() {
        if std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
            let off = kernel_offsets().exec;
            assert!(off.binprm_filename > 0 && off.task_mm > 64, "{off:?}");
            // arg_start and arg_end are neighbours, inside mm_struct's anonymous struct.
            assert_eq!(off.mm_arg_end, off.mm_arg_start + 8, "{off:?}");
        }
    }

    #[test]
    fn finds_what_a_socket_is_from_its_file_on_this_kernel() {
        if std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
            let off = kernel_offsets().socket;
            assert!(off.file_private_data > 0 && off.socket_sk > 0, "{off:?}");
            // sock_common: the addresses first, then the ports, then the family.
            assert_eq!(off.sock_daddr, 0, "{off:?}");
            assert_eq!(off.sock_rcv_saddr, 4, "{off:?}");
            assert!(off.sock_family > off.sock_num, "{off:?}");
            // IPv6's addresses after the family; sk_protocol past sock_common.
            assert!(
                off.sock_v6_rcv_saddr == off.sock_v6_daddr + 16
                    && off.sock_v6_daddr > off.sock_family,
                "{off:?}"
            );
            assert!(off.sock_protocol > off.sock_v6_rcv_saddr, "{off:?}");
            // unix_sock begins with its struct sock; unix_address with refcnt and len.
            assert!(
                off.unix_addr > off.sock_socket && off.unix_peer > off.unix_addr,
                "{off:?}"
            );
            assert_eq!(
                (off.unix_address_len, off.unix_address_name),
                (4, 8),
                "{off:?}"
            );
        }
    }

    #[test]
    fn finds_a_tasks_number_in_a_pid_namespace_on_this_kernel() {
        if std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
            let off = kernel_offsets().pid_ns;
            // struct pid: a refcount, then its level; its numbers last, 16 bytes each.
            assert_eq!(off.pid_level, 4, "{off:?}");
            assert!(off.pid_numbers > off.pid_level, "{off:?}");
            assert_eq!((off.upid_ns, off.upid_size), (8, 16), "{off:?}");
            assert!(
                off.task_thread_pid > off.task_group_leader && off.ns_inum > 0,
                "{off:?}"
            );
            assert_eq!((off.ino, off.dev), (0, 0), "the loader's to fill in");
        }
    }

    #[test]
    fn finds_exit_code_on_this_kernel() {
        // Every kernel rtrace supports ships BTF; task_struct.exit_code sits well inside.
        if std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
            let off = kernel_offsets().task;
            for (name, v) in [
                ("exit_code", off.exit_code),
                ("pid", off.pid),
                ("tgid", off.tgid),
            ] {
                assert!(v > 64 && v < 16384, "implausible offset of {name}: {v}");
            }
            assert_eq!(
                off.tgid,
                off.pid + 4,
                "pid and tgid are neighbours in task_struct"
            );
        }
    }

    #[test]
    fn finds_where_a_process_exit_is_marked_on_this_kernel() {
        if std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
            let off = kernel_offsets().group_exit;
            assert!(off.task_signal > 64, "{off:?}");
            assert!(
                off.flags > 0 && off.code > 0 && off.flags != off.code,
                "{off:?}"
            );
        }
    }
}
