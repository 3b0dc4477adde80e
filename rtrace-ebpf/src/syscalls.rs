//! `raw_syscalls/sys_enter` and `sys_exit`, attached as raw tracepoints.
//!
//! TP_PROTO of both: `(struct pt_regs *regs, long id_or_ret)`. Enter stashes the call
//! in [`INFLIGHT`] (and its enter-time captures in [`ENTER_DATA`]); exit turns the
//! stash into one [`SyscallRecord`].

use aya_ebpf::{
    helpers::{bpf_get_current_pid_tgid, bpf_get_smp_processor_id, bpf_ktime_get_ns},
    macros::raw_tracepoint,
    programs::RawTracePointContext,
};
use rtrace_common::{
    CaptureSpec, InFlight, RecordHeader, SLOT_COUNT, SyscallRecord,
    capture_when, counter, kind, record_flags, spec_flags,
};

use crate::{
    capture::{Slots, capture},
    maps::{
        CAPTURE_SPECS, ENTER_DATA, ENTER_SCRATCH, INFLIGHT, RING, count, is_traced,
    },
    regs::syscall_args,
};

#[raw_tracepoint(tracepoint = "sys_enter")]
pub fn sys_enter(ctx: RawTracePointContext) -> i32 {
    try_sys_enter(&ctx).unwrap_or(0)
}

#[raw_tracepoint(tracepoint = "sys_exit")]
pub fn sys_exit(ctx: RawTracePointContext) -> i32 {
    try_sys_exit(&ctx).unwrap_or(0)
}

#[inline(always)]
fn split_pid_tgid() -> (u32, u32) {
    let pid_tgid = bpf_get_current_pid_tgid();
    #[expect(clippy::cast_possible_truncation, reason = "the low half is the tid")]
    let tid = pid_tgid as u32;
    ((pid_tgid >> 32) as u32, tid)
}

#[inline(always)]
fn spec_for(nr: u64) -> Option<&'static CaptureSpec> {
    #[expect(clippy::cast_possible_truncation, reason = "checked against the array size")]
    CAPTURE_SPECS.get(nr as u32)
}

fn try_sys_enter(ctx: &RawTracePointContext) -> Option<i32> {
    let (tgid, tid) = split_pid_tgid();
    if !is_traced(tgid) {
        return None;
    }
    let (_, args) = syscall_args(ctx.arg::<*const u8>(0))?;
    let nr: u64 = ctx.arg(1);
    let now = unsafe { bpf_ktime_get_ns() };
    let spec = spec_for(nr);
    let flags = spec.map_or(0, |s| s.flags);

    if flags & spec_flags::NO_RETURN != 0 {
        emit(tgid, tid, nr, &args, 0, now, 0, kind::SYSCALL_NO_RETURN, spec);
        return None;
    }
    let entry = InFlight { nr, args, enter_ns: now };
    if INFLIGHT.insert(&tid, &entry, 0).is_err() {
        count(counter::INFLIGHT_FULL);
        return None;
    }
    if flags & spec_flags::HAS_ENTER_SLOTS != 0
        && let Some(spec) = spec
    {
        stash_enter_captures(tid, spec, &args);
    }
    None
}

#[inline(always)]
fn stash_enter_captures(tid: u32, spec: &CaptureSpec, args: &[u64; 6]) {
    let Some(scratch) = ENTER_SCRATCH.get_ptr_mut(0) else {
        return;
    };
    // SAFETY: per-CPU scratch, not shared while this program runs.
    let slots = unsafe {
        Slots { metas: (*scratch).slots.as_mut_ptr(), data: (*scratch).data.as_mut_ptr().cast() }
    };
    slots.clear();
    for i in 0..SLOT_COUNT {
        let slot = &spec.slots[i];
        if slot.when == capture_when::ENTER {
            capture(slots, i, slot, args, 0);
        }
    }
    // SAFETY: scratch points to a valid EnterCaptures.
    if ENTER_DATA.insert(&tid, unsafe { &*scratch }, 0).is_err() {
        count(counter::INFLIGHT_FULL);
    }
}

fn try_sys_exit(ctx: &RawTracePointContext) -> Option<i32> {
    let (tgid, tid) = split_pid_tgid();
    if !is_traced(tgid) {
        return None;
    }
    let ret: i64 = ctx.arg(1);
    // SAFETY: the entry is copied out before it is removed.
    let (nr, args, enter_ns, flags) = if let Some(entry) = unsafe { INFLIGHT.get(&tid) } {
        let e = *entry;
        let _ = INFLIGHT.remove(&tid);
        (e.nr, e.args, e.enter_ns, 0)
    } else {
        // Attached while the call was in progress: the registers still hold its args.
        let (nr, args) = syscall_args(ctx.arg::<*const u8>(0))?;
        (nr, args, 0, record_flags::ENTER_MISSED)
    };
    let spec = spec_for(nr);
    emit(tgid, tid, nr, &args, ret, enter_ns, flags, kind::SYSCALL, spec);
    if spec.is_some_and(|s| s.flags & spec_flags::HAS_ENTER_SLOTS != 0) {
        let _ = ENTER_DATA.remove(&tid);
    }
    None
}

/// Reserves, fills and submits one record; counts it lost when the ring is full.
#[expect(clippy::too_many_arguments, reason = "one flat call on the hot path")]
#[inline(always)]
fn emit(
    tgid: u32,
    tid: u32,
    nr: u64,
    args: &[u64; 6],
    ret: i64,
    enter_ns: u64,
    flags: u32,
    record_kind: u32,
    spec: Option<&CaptureSpec>,
) {
    let Some(mut entry) = RING.reserve::<SyscallRecord>(0) else {
        count(counter::LOST);
        return;
    };
    let rec = entry.as_mut_ptr();
    // SAFETY: `rec` is a reserved, exclusively owned SyscallRecord in the ring.
    unsafe {
        (*rec).header = RecordHeader {
            kind: record_kind,
            tid,
            tgid,
            cpu: bpf_get_smp_processor_id(),
            ts_ns: bpf_ktime_get_ns(),
        };
        #[expect(clippy::cast_possible_truncation, reason = "syscall numbers fit in u32")]
        {
            (*rec).nr = nr as u32;
        }
        (*rec).flags = flags;
        (*rec).ret = ret;
        (*rec).args = *args;
        (*rec).enter_ns = enter_ns;
        let slots =
            Slots { metas: (*rec).slots.as_mut_ptr(), data: (*rec).data.as_mut_ptr().cast() };
        slots.clear();
        if let Some(spec) = spec {
            let at_enter = record_kind == kind::SYSCALL_NO_RETURN;
            for i in 0..SLOT_COUNT {
                let slot = &spec.slots[i];
                if slot.when == capture_when::ENTER && !at_enter {
                    copy_enter_slot(slots, i, tid);
                } else {
                    capture(slots, i, slot, args, ret);
                }
            }
        }
    }
    entry.submit(0);
}

/// Copies slot `i` of the thread's stashed enter captures into `slots`.
#[inline(never)]
fn copy_enter_slot(slots: Slots, i: usize, tid: u32) {
    let Some(stash) = ENTER_DATA.get_ptr_mut(&tid) else {
        return;
    };
    // SAFETY: a live map value of type EnterCaptures, checked non-null.
    let from = unsafe {
        Slots { metas: (*stash).slots.as_mut_ptr(), data: (*stash).data.as_mut_ptr().cast() }
    };
    slots.copy_slot(from, i);
}
