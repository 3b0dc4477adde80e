//! Syscall arguments from the saved user registers (`struct pt_regs`, x86_64 layout).
//!
//! `raw_syscalls/sys_enter` and `sys_exit` as raw tracepoints pass `struct pt_regs *`
//! as their first argument. On x86_64 the arguments sit in di, si, dx, r10, r8, r9 and
//! the syscall number in orig_ax; the entry code leaves them untouched until return,
//! so they can be read at exit too.

use aya_ebpf::helpers::bpf_probe_read_kernel;

/// `struct pt_regs` from r10 (offset 56) to orig_ax (offset 120 + 8).
#[repr(C)]
#[derive(Clone, Copy)]
struct SyscallRegs {
    r10: u64,
    r9: u64,
    r8: u64,
    _ax: u64,
    _cx: u64,
    dx: u64,
    si: u64,
    di: u64,
    orig_ax: u64,
}

const SYSCALL_REGS_OFFSET: usize = 56;

/// Reads the syscall number and the six arguments.
#[inline(always)]
pub fn syscall_args(regs: *const u8) -> Option<(u64, [u64; 6])> {
    // SAFETY: `regs` is the tracepoint's pt_regs pointer; the read is checked.
    let r: SyscallRegs = unsafe {
        bpf_probe_read_kernel(regs.add(SYSCALL_REGS_OFFSET).cast::<SyscallRegs>()).ok()?
    };
    Some((r.orig_ax, [r.di, r.si, r.dx, r.r10, r.r8, r.r9]))
}
