//! Syscall arguments from the saved user registers (`struct pt_regs`, x86_64 layout).
//!
//! `raw_syscalls/sys_enter` and `sys_exit` as raw tracepoints pass `struct pt_regs *`
//! as their first argument. On x86_64 the arguments sit in di, si, dx, r10, r8, r9 and
//! the syscall number in orig_ax; the entry code leaves them untouched until return,
//! so they can be read at exit too.

use aya_ebpf::helpers::bpf_probe_read_kernel;

/// `struct pt_regs` from r10 (offset 56) to sp (offset 152 + 8).
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
    _ip: u64,
    _cs: u64,
    _flags: u64,
    sp: u64,
}

/// A syscall's number, arguments and the user stack pointer.
#[derive(Clone, Copy)]
pub struct Entry {
    pub nr: u64,
    pub args: [u64; 6],
    pub sp: u64,
}

const SYSCALL_REGS_OFFSET: usize = 56;

/// Reads the syscall number, the six arguments and the stack pointer.
#[inline(always)]
pub fn syscall_args(regs: *const u8) -> Option<Entry> {
    // SAFETY: `regs` is the tracepoint's pt_regs pointer; the read is checked.
    let r: SyscallRegs =
        unsafe { bpf_probe_read_kernel(regs.add(SYSCALL_REGS_OFFSET).cast::<SyscallRegs>()).ok()? };
    Some(Entry {
        nr: r.orig_ax,
        args: [r.di, r.si, r.dx, r.r10, r.r8, r.r9],
        sp: r.sp,
    })
}

/// The same, from a `struct pt_regs *` the verifier knows by its BTF type (BTF-enabled
/// tracepoints): plain loads at the fields' offsets, no helper call.
#[inline(always)]
pub fn syscall_args_btf(regs: *const u8) -> Entry {
    // SAFETY: `regs` is the tracepoint's typed pt_regs pointer; each load is one of its
    // u64 fields, which the verifier checks against the kernel's BTF.
    let at = |offset: usize| unsafe { core::ptr::read_volatile(regs.add(offset).cast::<u64>()) };
    let base = SYSCALL_REGS_OFFSET;
    let r10 = at(base);
    let r9 = at(base + 8);
    let r8 = at(base + 16);
    let dx = at(base + 40);
    let si = at(base + 48);
    let di = at(base + 56);
    let orig_ax = at(base + 64);
    let sp = at(base + 96);
    Entry {
        nr: orig_ax,
        args: [di, si, dx, r10, r8, r9],
        sp,
    }
}
