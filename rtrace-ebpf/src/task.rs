//! Who is running: the current task's ids, and the `task_struct` offsets (from the
//! kernel's BTF, set by the loader) that the programs read fields at.

use aya_ebpf::helpers::{bpf_get_current_pid_tgid, bpf_get_current_task, bpf_probe_read_kernel};

/// Offset of `exit_code` in `struct task_struct`; 0 when unknown.
#[unsafe(no_mangle)]
pub static TASK_EXIT_CODE_OFFSET: u32 = 0;
/// Offset of `pid` in `struct task_struct`; 0 when unknown.
#[unsafe(no_mangle)]
pub static TASK_PID_OFFSET: u32 = 0;
/// Offset of `tgid` in `struct task_struct`; 0 when unknown.
#[unsafe(no_mangle)]
pub static TASK_TGID_OFFSET: u32 = 0;

/// Offsets on the way from the current task to a descriptor's inode number:
/// `task_struct.files`, `files_struct.fdt`, `fdtable.max_fds`, `fdtable.fd`,
/// `file.f_inode`, `inode.i_ino`. Zero (`files` unknown): no lookups.
#[unsafe(no_mangle)]
pub static TASK_FILES_OFFSET: u32 = 0;
#[unsafe(no_mangle)]
pub static FILES_FDT_OFFSET: u32 = 0;
#[unsafe(no_mangle)]
pub static FDTABLE_MAX_FDS_OFFSET: u32 = 0;
#[unsafe(no_mangle)]
pub static FDTABLE_FD_OFFSET: u32 = 0;
#[unsafe(no_mangle)]
pub static FILE_INODE_OFFSET: u32 = 0;
#[unsafe(no_mangle)]
pub static INODE_INO_OFFSET: u32 = 0;

/// The inode number of the current task's descriptor `fd` (low 32 bits, which is all a
/// pipe's or socket's has), or 0. Six kernel reads: only for the few calls that make
/// pipes and sockets. A socket's description is kept too when `keep` says which
/// (`-yy`, see [`crate::sockets::keep`]).
#[inline(never)]
pub fn fd_inode(fd: u32, keep: crate::sockets::Keep) -> u32 {
    let files_offset = global(&TASK_FILES_OFFSET);
    if files_offset == 0 {
        return 0;
    }
    // SAFETY: a helper without arguments.
    let task = unsafe { bpf_get_current_task() };
    let fdt = read_kernel(read_kernel(task, files_offset), global(&FILES_FDT_OFFSET));
    let max_fds = read_kernel(fdt, global(&FDTABLE_MAX_FDS_OFFSET)) & 0xffff_ffff;
    if u64::from(fd) >= max_fds {
        return 0;
    }
    let file = read_kernel(read_kernel(fdt, global(&FDTABLE_FD_OFFSET)), fd * 8);
    let inode = read_kernel(file, global(&FILE_INODE_OFFSET));
    #[expect(clippy::cast_possible_truncation, reason = "pipe and socket inodes are 32-bit")]
    let ino = read_kernel(inode, global(&INODE_INO_OFFSET)) as u32;
    if keep != crate::sockets::Keep::None && ino != 0 {
        crate::sockets::keep(file, ino, keep);
    }
    ino
}

/// The word at `base + offset` in kernel memory; 0 when `base` is 0 or the read fails.
#[inline(always)]
pub fn read_kernel(base: u64, offset: u32) -> u64 {
    if base == 0 {
        return 0;
    }
    // SAFETY: a checked kernel read; a bad address returns an error, taken as 0.
    unsafe { bpf_probe_read_kernel((base + u64::from(offset)) as *const u64) }.unwrap_or(0)
}

/// A global written once by the loader, before attaching. Globals live in the frozen
/// `.rodata` map, so the verifier knows their values as constants.
#[inline(always)]
pub fn global(g: &u32) -> u32 {
    // SAFETY: a plain static; the volatile read keeps the compiler from folding the
    // build-time value in.
    unsafe { core::ptr::read_volatile(g) }
}

/// `(tgid, tid)` of the current task. (Reading them from `bpf_get_current_task_btf`
/// instead costs the same here: that helper is not inlined on this kernel either.)
#[inline(always)]
pub fn current() -> (u32, u32) {
    let pid_tgid = bpf_get_current_pid_tgid();
    #[expect(clippy::cast_possible_truncation, reason = "the low half is the tid")]
    let tid = pid_tgid as u32;
    ((pid_tgid >> 32) as u32, tid)
}
