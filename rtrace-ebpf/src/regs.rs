//! Syscall arguments from the saved user registers (`struct pt_regs`, x86_64 layout).
//!
//! `raw_syscalls/sys_enter` and `sys_exit` as raw tracepoints pass `struct pt_regs *`
//! as their first argument. On x86_64 the arguments sit in di, si, dx, r10, r8, r9 and
//! the syscall number in orig_ax; the entry code leaves them untouched until return,
//! so they can be read at exit too.

use aya_ebpf::helpers::bpf_probe_read_kernel;

/// `struct pt_regs` from bp (offset 32) to sp (offset 152 + 8).
#[repr(C)]
#[derive(Clone, Copy)]
struct SyscallRegs {
    bp: u64,
    _bx: u64,
    _r11: u64,
    r10: u64,
    r9: u64,
    r8: u64,
    _ax: u64,
    _cx: u64,
    dx: u64,
    si: u64,
    di: u64,
    orig_ax: u64,
    ip: u64,
    _cs: u64,
    _flags: u64,
    sp: u64,
}

/// The user registers an unwinder starts from (`-k`).
#[derive(Clone, Copy, Default)]
pub struct UserRegs {
    pub ip: u64,
    pub sp: u64,
    pub bp: u64,
}

/// A syscall's number, arguments and the user registers.
#[derive(Clone, Copy)]
pub struct Entry {
    pub nr: u64,
    pub args: [u64; 6],
    pub user: UserRegs,
}

const SYSCALL_REGS_OFFSET: usize = 32;

/// Reads the syscall number, the six arguments and the user registers.
#[inline(always)]
pub fn syscall_args(regs: *const u8) -> Option<Entry> {
    // SAFETY: `regs` is the tracepoint's pt_regs pointer; the read is checked.
    let r: SyscallRegs =
        unsafe { bpf_probe_read_kernel(regs.add(SYSCALL_REGS_OFFSET).cast::<SyscallRegs>()).ok()? };
    Some(Entry {
        nr: r.orig_ax,
        args: [r.di, r.si, r.dx, r.r10, r.r8, r.r9],
        user: UserRegs {
            ip: r.ip,
            sp: r.sp,
            bp: r.bp,
        },
    })
}

/// The same, from a `struct pt_regs *` the verifier knows by its BTF type (BTF-enabled
/// tracepoints): plain loads at the fields' offsets, no helper call. The instruction
/// and frame pointers only when `with_frame` (`-k`).
#[inline(always)]
pub fn syscall_args_btf(regs: *const u8, with_frame: bool) -> Entry {
    // SAFETY: `regs` is the tracepoint's typed pt_regs pointer; each load is one of its
    // u64 fields, which the verifier checks against the kernel's BTF.
    let at = |offset: usize| unsafe { core::ptr::read_volatile(regs.add(offset).cast::<u64>()) };
    let base = SYSCALL_REGS_OFFSET;
    let r10 = at(base + 24);
    let r9 = at(base + 32);
    let r8 = at(base + 40);
    let dx = at(base + 64);
    let si = at(base + 72);
    let di = at(base + 80);
    let orig_ax = at(base + 88);
    // The stack pointer always: stack captures read from it.
    let user = if with_frame {
        user_regs_btf(regs)
    } else {
        UserRegs {
            sp: at(base + SP),
            ..UserRegs::default()
        }
    };
    Entry {
        nr: orig_ax,
        args: [di, si, dx, r10, r8, r9],
        user,
    }
}

/// Offsets of ip and sp from [`SYSCALL_REGS_OFFSET`] (bp is at 0).
const IP: usize = 96;
const SP: usize = 120;

/// The user instruction, stack and frame pointers alone (also for a call's exit, whose
/// arguments enter kept).
#[inline(always)]
pub fn user_regs_btf(regs: *const u8) -> UserRegs {
    // SAFETY: as in syscall_args_btf.
    let at = |offset: usize| unsafe { core::ptr::read_volatile(regs.add(offset).cast::<u64>()) };
    UserRegs {
        ip: at(SYSCALL_REGS_OFFSET + IP),
        sp: at(SYSCALL_REGS_OFFSET + SP),
        bp: at(SYSCALL_REGS_OFFSET),
    }
}
