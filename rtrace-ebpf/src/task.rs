//! Who is running: the current task's ids, and the `task_struct` offsets (from the
//! kernel's BTF, set by the loader) that the programs read fields at.

use aya_ebpf::helpers::bpf_get_current_pid_tgid;

/// Offset of `exit_code` in `struct task_struct`; 0 when unknown.
#[unsafe(no_mangle)]
pub static TASK_EXIT_CODE_OFFSET: u32 = 0;
/// Offset of `pid` in `struct task_struct`; 0 when unknown.
#[unsafe(no_mangle)]
pub static TASK_PID_OFFSET: u32 = 0;
/// Offset of `tgid` in `struct task_struct`; 0 when unknown.
#[unsafe(no_mangle)]
pub static TASK_TGID_OFFSET: u32 = 0;

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
