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
        bpf_get_current_task, bpf_get_current_task_btf, bpf_get_current_uid_gid,
        bpf_get_smp_processor_id, bpf_ktime_get_ns, bpf_probe_read_kernel,
        generated::{bpf_probe_read_kernel as probe_read_kernel_raw, bpf_task_pt_regs},
    },
    macros::raw_tracepoint,
    programs::RawTracePointContext,
};
use rtrace_common::{
    ExitRecord, ForkRecord, RecordHeader, SIGINFO_SIZE, SLOT_COUNT, SLOT_SIZE, SignalRecord,
    capture_kind, capture_when, counter, exit_flags, kind, signal_flags, slot_status, spec_flags,
};

use crate::{
    capture::Slots,
    maps::{
        CAPTURE_SPECS, ENTER_DATA, RING, add_target, count, current_name_is_watched, inflight_slot,
        is_traced, last_call,
    },
    regs::syscall_args,
    syscalls::{emit_stack, stacks_wanted},
    task::{
        TASK_EXIT_CODE_OFFSET, current, current_kernel_tid, global, group_exit_code,
        in_initial_namespace, task_ids,
    },
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
        header: RecordHeader {
            aux: last_call(tid),
            ..header(kind::THREAD_EXIT, tgid, tid)
        },
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
    let Some((child_tgid, child_tid)) = task_ids(ctx.arg(1)) else {
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
pub fn sched_process_exec(ctx: RawTracePointContext) -> i32 {
    let (tgid, tid) = current();
    // Outside rtrace's PID namespace: no id to trace it by.
    if tgid == 0 {
        return 0;
    }
    if is_traced(tgid) {
        // `old_pid`, the kernel's id of the thread that exec'd, is this thread's unless
        // a thread other than the leader exec'd (it then takes the leader's id).
        #[expect(clippy::cast_possible_truncation, reason = "a pid_t")]
        let old_pid = ctx.arg::<u64>(1) as u32;
        if old_pid == current_kernel_tid() {
            fill_in_exec(tid, ctx.arg(2));
        } else if in_initial_namespace() {
            // (In another namespace, that id has no number rtrace knows: no fill-in.)
            fill_in_exec(old_pid, ctx.arg(2));
        }
        return 0;
    }
    if !current_name_is_watched() {
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

/// Offsets for [`fill_in_exec`], from the kernel's BTF (0 when unknown: no fill-in):
/// `linux_binprm.filename`, `task_struct.mm`, `mm_struct.arg_start` and `.arg_end`.
#[unsafe(no_mangle)]
static BINPRM_FILENAME_OFFSET: u32 = 0;
#[unsafe(no_mangle)]
static TASK_MM_OFFSET: u32 = 0;
#[unsafe(no_mangle)]
static MM_ARG_START_OFFSET: u32 = 0;
#[unsafe(no_mangle)]
static MM_ARG_END_OFFSET: u32 = 0;

/// Fills in, from what the exec made of them, the exec's arguments that its enter could
/// not read: a child after `fork` has its parent's file-backed pages (a literal path in
/// `.rodata`) mapped only once it touches them, and a BPF program cannot fault them in.
/// The path is the exec's own kernel copy (`bprm->filename`); argv's strings are on the
/// new stack, between `mm->arg_start` and `arg_end`, as the enter capture packs them.
/// `old_tid` is the exec'ing thread's id before the exec (the key of its stash).
#[inline(never)]
fn fill_in_exec(old_tid: u32, bprm: u64) {
    let mm_offset = global(&TASK_MM_OFFSET);
    let filename_offset = global(&BINPRM_FILENAME_OFFSET);
    if mm_offset == 0 || filename_offset == 0 {
        return;
    }
    let Some(slot) = inflight_slot(old_tid) else {
        return;
    };
    // SAFETY: an array map value, copied out.
    let entry = unsafe { *slot };
    if entry.tid != old_tid {
        return;
    }
    let (Some(spec), Some(stash)) = (
        CAPTURE_SPECS.get(entry.nr),
        ENTER_DATA.get_ptr_mut(&old_tid),
    ) else {
        return;
    };
    // SAFETY: a live map value; this thread's own stash, which only it writes.
    let slots = unsafe {
        if (*stash).args != entry.args {
            return;
        }
        Slots {
            metas: (*stash).slots.as_mut_ptr(),
            data: (*stash).data.as_mut_ptr().cast(),
            count: SLOT_COUNT,
        }
    };
    let read = |addr: u64| -> u64 {
        // SAFETY: a checked kernel read; a bad address gives 0.
        unsafe { bpf_probe_read_kernel(addr as *const u64) }.unwrap_or(0)
    };
    for i in 0..SLOT_COUNT {
        let slot = &spec.slots[i];
        if slot.when != capture_when::ENTER {
            continue;
        }
        if slot.kind == capture_kind::BYTES
            && spec.flags & spec_flags::EXEC_PATH != 0
            && slots.status(i) == slot_status::FAULT
        {
            let filename = read(bprm + u64::from(filename_offset));
            slots.read_kernel_str(i, filename);
        }
        if slot.kind == capture_kind::STR_ARRAY && slots.status(i + 1) == slot_status::TRUNCATED {
            // SAFETY: a helper without arguments.
            let mm = read(unsafe { bpf_get_current_task() } + u64::from(mm_offset));
            let start = read(mm + u64::from(global(&MM_ARG_START_OFFSET)));
            let end = read(mm + u64::from(global(&MM_ARG_END_OFFSET)));
            if mm == 0 || start == 0 || end < start {
                continue;
            }
            let region = slot.elem_size as usize;
            for k in 0..SLOT_COUNT - 1 {
                let at = i + 1 + k;
                if k >= region || at >= SLOT_COUNT {
                    break;
                }
                let from = start + (k * SLOT_SIZE) as u64;
                if from >= end {
                    slots.set(at, 0, slot_status::OK);
                } else {
                    slots.read_bytes(at, from, end - from);
                }
            }
        }
    }
}

/// TP_PROTO(int sig, struct kernel_siginfo *info, struct k_sigaction *ka); runs in the
/// thread that takes the signal.
#[raw_tracepoint(tracepoint = "signal_deliver")]
pub fn signal_deliver(ctx: RawTracePointContext) -> i32 {
    let (tgid, tid) = current();
    if !is_traced(tgid) {
        return 0;
    }
    if stacks_wanted() {
        emit_signal_stack(tgid, tid);
    }
    emit_signal(tgid, tid, ctx.arg(0), ctx.arg(1), 0, None);
    0
}

/// Sends the user stack the signal comes to (`-k`): strace prints it after the line.
#[inline(never)]
fn emit_signal_stack(tgid: u32, tid: u32) {
    // SAFETY: helpers on the current task, which is running: its saved user registers
    // are there, and the read of them is checked.
    let regs = unsafe { bpf_task_pt_regs(bpf_get_current_task_btf().cast()) };
    if let Some(entry) = syscall_args(regs as *const u8) {
        emit_stack(tgid, tid, entry.user, 0);
    }
}

/// `enum trace_signal_result`: the signal was queued for the task.
const TRACE_SIGNAL_DELIVERED: u64 = 0;
/// `enum trace_signal_result`: the signal was discarded because it is ignored.
const TRACE_SIGNAL_IGNORED: u64 = 1;

/// TP_PROTO(int sig, struct kernel_siginfo *info, struct task_struct *task, int group,
/// int result); runs in the sender. Two kinds of signal are reported here, as if
/// delivered to `task`, since strace shows them (ptrace sees every signal) and no
/// delivery ever will:
/// - one the target ignores (SIGCHLD by default), dropped here;
/// - one that kills the process by default (SIGTERM, SIGINT, SIGPIPE...), without a
///   ptracer: the kernel then marks the whole process for exit at once, and each of
///   its threads takes a SIGKILL in its place, without siginfo.
#[raw_tracepoint(tracepoint = "signal_generate")]
pub fn signal_generate(ctx: RawTracePointContext) -> i32 {
    let result: u64 = ctx.arg(4);
    let signo: u64 = ctx.arg(0);
    let task: u64 = ctx.arg(2);
    let result = result & 0xffff_ffff;
    if result != TRACE_SIGNAL_IGNORED && (result != TRACE_SIGNAL_DELIVERED || signo == SIGKILL) {
        return 0;
    }
    let Some((tgid, tid)) = task_ids(task) else {
        return 0;
    };
    // Untraced targets first: every signal on the machine comes here.
    if !is_traced(tgid) || (result == TRACE_SIGNAL_DELIVERED && !kills_the_group(task, signo)) {
        return 0;
    }
    // SAFETY: an array map value, read only.
    let in_call = inflight_slot(tid).is_some_and(|slot| unsafe { (*slot).tid } == tid);
    let flags = if in_call {
        signal_flags::HELD_BY_CALL
    } else {
        0
    };
    // Without siginfo (SEND_SIG_NOINFO: `send_sig`, as for SIGPIPE), the kernel queues
    // one from the sender, which runs this: SI_USER, its pid and uid.
    let (sender, _) = current();
    #[expect(clippy::cast_possible_truncation, reason = "the low half is the uid")]
    let uid = bpf_get_current_uid_gid() as u32;
    emit_signal(tgid, tid, signo, ctx.arg(1), flags, Some((sender, uid)));
    0
}

const SIGKILL: u64 = 9;

/// Whether `task`'s process was just marked for exit by signal `signo`: the kernel
/// does so as it queues a fatal signal (before this tracepoint), and the exit code is
/// the signal's number, which no `exit_group` status (`code << 8`) can be.
#[inline(always)]
fn kills_the_group(task: u64, signo: u64) -> bool {
    group_exit_code(task).is_some_and(|code| u64::from(code) == signo)
}

/// `siginfo_t.si_code` of a signal a process sent (`kill`).
const SI_USER: u32 = 0;

/// Sends a signal record with `flags`; `sender` (pid, uid) is named when the kernel
/// passed no siginfo.
#[inline(always)]
fn emit_signal(
    tgid: u32,
    tid: u32,
    signo: u64,
    info: *const u8,
    flags: u32,
    sender: Option<(u32, u32)>,
) {
    let Some(mut entry) = RING.reserve::<SignalRecord>(0) else {
        count(counter::LOST);
        return;
    };
    let rec = entry.as_mut_ptr();
    // SAFETY: a reserved, exclusively owned SignalRecord; the siginfo read is checked.
    unsafe {
        (*rec).header = RecordHeader {
            aux: last_call(tid),
            ..header(kind::SIGNAL, tgid, tid)
        };
        #[expect(clippy::cast_possible_truncation, reason = "signal numbers are small")]
        {
            (*rec).signo = signo as u32;
        }
        // SEND_SIG_NOINFO and SEND_SIG_PRIV are the small pointers 0 and 1.
        let ok = if info as usize > 1 {
            probe_read_kernel_raw(
                (*rec).siginfo.as_mut_ptr().cast::<c_void>(),
                SIGINFO_SIZE as u32,
                info.cast::<c_void>(),
            ) == 0
        } else if let (0, Some((pid, uid))) = (info as usize, sender) {
            // si_signo, si_errno, si_code, then (8-aligned) si_pid and si_uid.
            let words = (*rec).siginfo.as_mut_ptr().cast::<u32>();
            #[expect(clippy::cast_possible_truncation, reason = "signal numbers are small")]
            words.write_unaligned(signo as u32);
            words.add(1).write_unaligned(0);
            words.add(2).write_unaligned(SI_USER);
            words.add(3).write_unaligned(0);
            words.add(4).write_unaligned(pid);
            words.add(5).write_unaligned(uid);
            for i in 6..SIGINFO_SIZE / 4 {
                words.add(i).write_unaligned(0);
            }
            true
        } else {
            false
        };
        (*rec).flags = flags | if ok { signal_flags::HAS_SIGINFO } else { 0 };
    }
    entry.submit(0);
}
