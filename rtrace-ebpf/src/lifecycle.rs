//! Task lifecycle: `sched/sched_process_exit`, `sched/sched_process_fork`,
//! `sched/sched_process_exec`,
//! `signal/signal_deliver` and `signal/signal_generate`, attached as raw tracepoints.
//!
//! Raw tracepoints pass the TP_PROTO arguments; `struct task_struct` fields are read at
//! the offsets userspace found in the kernel's BTF and passed in as globals (0 when
//! unknown).

use aya_ebpf::{
    cty::c_void,
    helpers::{
        bpf_get_smp_processor_id, bpf_ktime_get_ns, bpf_probe_read_kernel,
        generated::bpf_probe_read_kernel as probe_read_kernel_raw,
    },
    macros::raw_tracepoint,
    programs::RawTracePointContext,
};
use rtrace_common::{
    ExitRecord, ForkRecord, RecordHeader, SIGINFO_SIZE, SignalRecord, counter, exit_flags, kind,
    signal_flags,
};

use crate::{
    maps::{
        ENTER_DATA, RING, add_target, count, current_name_is_watched, inflight_slot, is_traced,
    },
    task::{TASK_EXIT_CODE_OFFSET, TASK_PID_OFFSET, TASK_TGID_OFFSET, current, global},
};

/// Nonzero: children forked by traced processes are traced too (`-f`).
#[unsafe(no_mangle)]
static FOLLOW_FORKS: u32 = 0;

#[inline(always)]
fn header(record_kind: u32, tgid: u32, tid: u32) -> RecordHeader {
    RecordHeader {
        kind: record_kind,
        tid,
        tgid,
        // SAFETY: helpers without arguments.
        aux: unsafe { bpf_get_smp_processor_id() },
        ts_ns: unsafe { bpf_ktime_get_ns() },
    }
}

/// Reads a u32 field of a task_struct at `offset`; `None` when the offset is unknown.
#[inline(always)]
fn task_u32(task: *const u8, offset: u32) -> Option<u32> {
    if offset == 0 {
        return None;
    }
    // SAFETY: a checked kernel read inside a task_struct the tracepoint handed us.
    unsafe { bpf_probe_read_kernel(task.add(offset as usize).cast::<u32>()).ok() }
}

/// TP_PROTO(struct task_struct *p, ...): `p` is the exiting task (also `current`).
#[raw_tracepoint(tracepoint = "sched_process_exit")]
pub fn sched_process_exit(ctx: RawTracePointContext) -> i32 {
    let (tgid, tid) = current();
    if !is_traced(tgid) {
        return 0;
    }
    // A thread killed inside a call (exit_group from another thread) never reaches
    // sys_exit: free its in-flight slot and what its enter stashed.
    if let Some(slot) = inflight_slot(tid) {
        // SAFETY: an array map value.
        unsafe {
            if (*slot).tid == tid {
                (*slot).tid = 0;
                let _ = ENTER_DATA.remove(&tid);
            }
        }
    }
    let (exit_code, flags) = match task_u32(ctx.arg(0), global(&TASK_EXIT_CODE_OFFSET)) {
        Some(code) => (code, exit_flags::EXIT_CODE_VALID),
        None => (0, 0),
    };
    let record = ExitRecord {
        header: header(kind::THREAD_EXIT, tgid, tid),
        exit_code,
        flags,
    };
    if RING.output::<ExitRecord>(&record, 0).is_err() {
        count(counter::LOST);
    }
    0
}

/// TP_PROTO(struct task_struct *parent, struct task_struct *child); runs in the parent.
/// A child process joins the traced set here, before it can run, so none of its calls
/// are missed: with `-f` when its parent is traced, or when its name (its parent's, at
/// fork) is watched.
#[raw_tracepoint(tracepoint = "sched_process_fork")]
pub fn sched_process_fork(ctx: RawTracePointContext) -> i32 {
    let (tgid, tid) = current();
    let parent_traced = is_traced(tgid);
    let child: *const u8 = ctx.arg(1);
    let (Some(child_tid), Some(child_tgid)) = (
        task_u32(child, global(&TASK_PID_OFFSET)),
        task_u32(child, global(&TASK_TGID_OFFSET)),
    ) else {
        return 0;
    };
    if child_tgid == tgid {
        // A new thread: traced with its process.
        if !parent_traced {
            return 0;
        }
    } else {
        let follow = parent_traced && global(&FOLLOW_FORKS) != 0;
        if !follow && !current_name_is_watched() {
            return 0;
        }
        add_target(child_tgid);
    }
    let record = ForkRecord {
        header: header(kind::FORK, tgid, tid),
        child_tid,
        child_tgid,
    };
    if RING.output::<ForkRecord>(&record, 0).is_err() {
        count(counter::LOST);
    }
    0
}

/// TP_PROTO(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm); runs in
/// the task that exec'd, its new name already set. A process that takes a watched name
/// joins the traced set here.
#[raw_tracepoint(tracepoint = "sched_process_exec")]
pub fn sched_process_exec(_ctx: RawTracePointContext) -> i32 {
    let (tgid, tid) = current();
    if is_traced(tgid) || !current_name_is_watched() {
        return 0;
    }
    add_target(tgid);
    if RING
        .output::<RecordHeader>(&header(kind::TARGET_ADDED, tgid, tid), 0)
        .is_err()
    {
        count(counter::LOST);
    }
    0
}

/// TP_PROTO(int sig, struct kernel_siginfo *info, struct k_sigaction *ka); runs in the
/// thread that takes the signal.
#[raw_tracepoint(tracepoint = "signal_deliver")]
pub fn signal_deliver(ctx: RawTracePointContext) -> i32 {
    let (tgid, tid) = current();
    if !is_traced(tgid) {
        return 0;
    }
    emit_signal(tgid, tid, ctx.arg(0), ctx.arg(1), 0);
    0
}

/// `enum trace_signal_result`: the signal was discarded because it is ignored.
const TRACE_SIGNAL_IGNORED: u64 = 1;

/// TP_PROTO(int sig, struct kernel_siginfo *info, struct task_struct *task, int group,
/// int result); runs in the sender. A signal the target ignores (SIGCHLD by default) is
/// dropped here and never delivered; strace still shows it (ptrace sees every signal),
/// so it is reported now, as if delivered to `task`.
#[raw_tracepoint(tracepoint = "signal_generate")]
pub fn signal_generate(ctx: RawTracePointContext) -> i32 {
    let result: u64 = ctx.arg(4);
    if result & 0xffff_ffff != TRACE_SIGNAL_IGNORED {
        return 0;
    }
    let task: *const u8 = ctx.arg(2);
    let (Some(tid), Some(tgid)) = (
        task_u32(task, global(&TASK_PID_OFFSET)),
        task_u32(task, global(&TASK_TGID_OFFSET)),
    ) else {
        return 0;
    };
    if !is_traced(tgid) {
        return 0;
    }
    // SAFETY: an array map value, read only.
    let in_call = inflight_slot(tid).is_some_and(|slot| unsafe { (*slot).tid } == tid);
    let flags = if in_call {
        signal_flags::HELD_BY_CALL
    } else {
        0
    };
    emit_signal(tgid, tid, ctx.arg(0), ctx.arg(1), flags);
    0
}

#[inline(always)]
fn emit_signal(tgid: u32, tid: u32, signo: u64, info: *const u8, flags: u32) {
    let Some(mut entry) = RING.reserve::<SignalRecord>(0) else {
        count(counter::LOST);
        return;
    };
    let rec = entry.as_mut_ptr();
    // SAFETY: a reserved, exclusively owned SignalRecord; the siginfo read is checked.
    unsafe {
        (*rec).header = header(kind::SIGNAL, tgid, tid);
        #[expect(clippy::cast_possible_truncation, reason = "signal numbers are small")]
        {
            (*rec).signo = signo as u32;
        }
        // SEND_SIG_NOINFO and SEND_SIG_PRIV are the small pointers 0 and 1.
        let ok = info as usize > 1
            && probe_read_kernel_raw(
                (*rec).siginfo.as_mut_ptr().cast::<c_void>(),
                SIGINFO_SIZE as u32,
                info.cast::<c_void>(),
            ) == 0;
        (*rec).flags = flags | if ok { signal_flags::HAS_SIGINFO } else { 0 };
    }
    entry.submit(0);
}
