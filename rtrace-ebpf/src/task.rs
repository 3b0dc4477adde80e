//! Who is running: the current task's ids, and the `task_struct` offsets (from the
//! kernel's BTF, set by the loader) that the programs read fields at.

use aya_ebpf::{
    bindings::bpf_pidns_info,
    helpers::{
        bpf_get_current_pid_tgid, bpf_get_current_task, bpf_probe_read_kernel,
        generated::bpf_get_ns_current_pid_tgid,
    },
};
use rtrace_common::PidNamespace;

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

/// Offsets of `task_struct.signal`, `signal_struct.flags` and `group_exit_code`; 0
/// when unknown.
#[unsafe(no_mangle)]
static TASK_SIGNAL_OFFSET: u32 = 0;
#[unsafe(no_mangle)]
static SIGNAL_FLAGS_OFFSET: u32 = 0;
#[unsafe(no_mangle)]
static SIGNAL_GROUP_EXIT_CODE_OFFSET: u32 = 0;

/// `signal_struct.flags`: the process is exiting as a whole.
const SIGNAL_GROUP_EXIT: u64 = 0x4;

/// The exit code of `task`'s process when it is exiting as a whole (an `exit_group`,
/// a fatal signal: every thread is then being killed); `None` otherwise, or when the
/// offsets are unknown. Three kernel reads.
#[inline(never)]
pub fn group_exit_code(task: u64) -> Option<u32> {
    let signal = read_kernel(task, nonzero(global(&TASK_SIGNAL_OFFSET))?);
    let flags = read_kernel(signal, global(&SIGNAL_FLAGS_OFFSET));
    #[expect(clippy::cast_possible_truncation, reason = "an int field")]
    let code = read_kernel(signal, global(&SIGNAL_GROUP_EXIT_CODE_OFFSET)) as u32;
    (signal != 0 && flags & SIGNAL_GROUP_EXIT != 0).then_some(code)
}

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
    #[expect(
        clippy::cast_possible_truncation,
        reason = "pipe and socket inodes are 32-bit"
    )]
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

/// rtrace's PID namespace; set by the loader (see [`PidNamespace`]).
#[unsafe(no_mangle)]
// SAFETY: a struct of integers, for which zero is a value (the initial namespace).
static PID_NS: PidNamespace = unsafe { core::mem::zeroed() };

/// `(tgid, tid)` of the current task, in rtrace's PID namespace; `(0, 0)`, which is
/// never traced, for a task outside it. (Reading them from `bpf_get_current_task_btf`
/// instead costs the same here: that helper is not inlined on this kernel either.)
#[inline(always)]
pub fn current() -> (u32, u32) {
    let ino = global(&PID_NS.ino);
    if ino != 0 {
        return current_in_namespace(global(&PID_NS.dev), ino);
    }
    let pid_tgid = bpf_get_current_pid_tgid();
    #[expect(clippy::cast_possible_truncation, reason = "the low half is the tid")]
    let tid = pid_tgid as u32;
    ((pid_tgid >> 32) as u32, tid)
}

/// [`current`] in a namespace other than the initial one: a helper call more.
#[inline(never)]
fn current_in_namespace(dev: u32, ino: u32) -> (u32, u32) {
    let mut ids = bpf_pidns_info { pid: 0, tgid: 0 };
    // SAFETY: the helper writes the struct it is given, of the size given.
    let rc = unsafe {
        bpf_get_ns_current_pid_tgid(
            u64::from(dev),
            u64::from(ino),
            &raw mut ids,
            size_of::<bpf_pidns_info>() as u32,
        )
    };
    if rc == 0 { (ids.tgid, ids.pid) } else { (0, 0) }
}

/// Whether rtrace runs in the initial PID namespace: ids are the kernel's.
#[inline(always)]
pub fn in_initial_namespace() -> bool {
    global(&PID_NS.ino) == 0
}

/// The kernel's thread id of the current task, whatever namespace rtrace runs in.
#[inline(always)]
pub fn current_kernel_tid() -> u32 {
    #[expect(clippy::cast_possible_truncation, reason = "the low half is the tid")]
    let tid = bpf_get_current_pid_tgid() as u32;
    tid
}

/// `(tgid, tid)` of `task` (not the current one), in rtrace's PID namespace; `None` for
/// a task outside it, or when the offsets are unknown.
#[inline(always)]
pub fn task_ids(task: u64) -> Option<(u32, u32)> {
    if in_initial_namespace() {
        let tid = read_kernel(task, nonzero(global(&TASK_PID_OFFSET))?) as u32;
        let tgid = read_kernel(task, nonzero(global(&TASK_TGID_OFFSET))?) as u32;
        return Some((tgid, tid));
    }
    let leader = read_kernel(task, nonzero(global(&PID_NS.task_group_leader))?);
    Some((number_in_namespace(leader)?, number_in_namespace(task)?))
}

/// `task`'s number in rtrace's namespace, when that is the namespace it lives in:
/// `thread_pid->numbers[thread_pid->level]`, whose `ns` is ours.
#[inline(always)]
fn number_in_namespace(task: u64) -> Option<u32> {
    let pid = read_kernel(task, nonzero(global(&PID_NS.task_thread_pid))?);
    let level = read_kernel(pid, global(&PID_NS.pid_level)) as u32;
    // A bound for the verifier; the kernel nests at most 32 deep.
    if pid == 0 || level > 32 {
        return None;
    }
    let upid = pid + u64::from(global(&PID_NS.pid_numbers) + level * global(&PID_NS.upid_size));
    let ns = read_kernel(upid, global(&PID_NS.upid_ns));
    let inum = read_kernel(ns, global(&PID_NS.ns_inum)) as u32;
    (ns != 0 && inum == global(&PID_NS.ino)).then(|| read_kernel(upid, 0) as u32)
}

fn nonzero(offset: u32) -> Option<u32> {
    (offset != 0).then_some(offset)
}
