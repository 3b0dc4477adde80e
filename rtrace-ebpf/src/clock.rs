//! One reading of the two kernel clocks at the same instant, for userspace to turn the
//! `jiffies` calls are stamped with back into time. Never attached: userspace runs it
//! once through `BPF_PROG_TEST_RUN` and reads [`CLOCK_READING`].

use aya_ebpf::{
    helpers::{bpf_ktime_get_ns, generated::bpf_jiffies64},
    macros::{map, raw_tracepoint},
    maps::Array,
    programs::RawTracePointContext,
};

/// `[jiffies, CLOCK_MONOTONIC ns]`, written by [`clock_reading`].
#[map]
static CLOCK_READING: Array<u64> = Array::with_max_entries(2, 0);

#[raw_tracepoint(tracepoint = "sys_enter")]
pub fn clock_reading(_ctx: RawTracePointContext) -> i32 {
    // SAFETY: helpers without arguments.
    let (jiffies, ns) = unsafe { (bpf_jiffies64(), bpf_ktime_get_ns()) };
    for (index, value) in [(0, jiffies), (1, ns)] {
        if let Some(slot) = CLOCK_READING.get_ptr_mut(index) {
            // SAFETY: an array map value.
            unsafe { *slot = value };
        }
    }
    0
}
