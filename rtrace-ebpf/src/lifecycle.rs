//! Thread lifecycle: `sched/sched_process_exit`, attached as a raw tracepoint.
//!
//! TP_PROTO: `(struct task_struct *p, ...)`; `p` is the exiting task, which is
//! also `current`. Its `exit_code` (the wait status) is read at the offset userspace
//! found in the kernel's BTF and passed in [`TASK_EXIT_CODE_OFFSET`].

use aya_ebpf::{
    helpers::{
        bpf_get_current_pid_tgid, bpf_get_smp_processor_id, bpf_ktime_get_ns,
        bpf_probe_read_kernel,
    },
    macros::raw_tracepoint,
    programs::RawTracePointContext,
};
use rtrace_common::{ExitRecord, RecordHeader, counter, exit_flags, kind};

use crate::maps::{RING, count, is_traced};

/// Offset of `exit_code` in `struct task_struct`; 0 when unknown.
#[unsafe(no_mangle)]
static TASK_EXIT_CODE_OFFSET: u32 = 0;

#[raw_tracepoint(tracepoint = "sched_process_exit")]
pub fn sched_process_exit(ctx: RawTracePointContext) -> i32 {
    try_sched_process_exit(&ctx).unwrap_or(0)
}

fn try_sched_process_exit(ctx: &RawTracePointContext) -> Option<i32> {
    let pid_tgid = bpf_get_current_pid_tgid();
    let tgid = (pid_tgid >> 32) as u32;
    #[expect(clippy::cast_possible_truncation, reason = "the low half is the tid")]
    let tid = pid_tgid as u32;
    if !is_traced(tgid) {
        return None;
    }
    // SAFETY: a global written once by the loader.
    let offset = unsafe { core::ptr::read_volatile(&TASK_EXIT_CODE_OFFSET) };
    let (exit_code, flags) = if offset == 0 {
        (0, 0)
    } else {
        let task: *const u8 = ctx.arg(0);
        // SAFETY: a checked kernel read inside the exiting task_struct.
        match unsafe { bpf_probe_read_kernel(task.add(offset as usize).cast::<u32>()) } {
            Ok(code) => (code, exit_flags::EXIT_CODE_VALID),
            Err(_) => (0, 0),
        }
    };
    let record = ExitRecord {
        header: RecordHeader {
            kind: kind::THREAD_EXIT,
            tid,
            tgid,
            cpu: unsafe { bpf_get_smp_processor_id() },
            ts_ns: unsafe { bpf_ktime_get_ns() },
        },
        exit_code,
        flags,
    };
    if RING.output::<ExitRecord>(&record, 0).is_err() {
        count(counter::LOST);
    }
    None
}
