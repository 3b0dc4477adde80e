//! The maps shared by the programs, and the counters userspace reads at exit.

use aya_ebpf::{
    bindings::BPF_F_MMAPABLE,
    macros::map,
    maps::{Array, HashMap, PerCpuArray, RingBuf},
};
use rtrace_common::{
    COMM_LEN, CaptureSpec, EnterCaptures, InFlight, MAX_SYSCALLS, TARGETS_PER_ENTRY, counter,
};

/// The traced set: byte `tgid % 64` of entry `tgid / 64` is nonzero when the thread
/// group is traced. An array with a byte per possible pid (userspace sizes it from
/// `kernel.pid_max`), not a hash: every syscall of every process on the machine asks it
/// first, and an array lookup compiles to a bounds check and a load. Bytes, not bits:
/// the programs (forks, execs) and userspace (attach, exits) each store their own, and
/// never undo each other's. 64 to an entry, since an array takes at least 8 bytes an
/// entry (4 MiB for systemd's 4Mi pids, not 32). Userspace writes it through a mapping.
#[map]
pub static TARGETS: Array<[u8; TARGETS_PER_ENTRY as usize]> =
    Array::with_max_entries(1 << 9, BPF_F_MMAPABLE);

/// Watched process names (`-P NAME`, zero-padded `comm`s) -> `comm_match` kind: a
/// process that takes such a name (exec) or is forked with it joins `TARGETS`.
#[map]
pub static WATCHED_NAMES: HashMap<[u8; COMM_LEN], u8> = HashMap::with_max_entries(256, 0);

/// What each thread is inside of, indexed by `tid & INFLIGHT_MASK`. An array, not a
/// hash: no lock and no allocation on the per-syscall path. Userspace sizes it and maps
/// it into its memory to see blocked calls without a syscall per thread.
#[map]
pub static INFLIGHT: Array<InFlight> = Array::with_max_entries(65536, BPF_F_MMAPABLE);

/// `INFLIGHT`'s size minus one (a power of two); set by the loader.
#[unsafe(no_mangle)]
static INFLIGHT_MASK: u32 = 65535;

/// The in-flight slot of a thread.
#[inline(always)]
pub fn inflight_slot(tid: u32) -> Option<*mut InFlight> {
    // SAFETY: a global written once by the loader.
    let mask = unsafe { core::ptr::read_volatile(&INFLIGHT_MASK) };
    INFLIGHT.get_ptr_mut(tid & mask)
}

/// The number of the last syscall thread `tid` entered, plus one; 0 when its in-flight
/// slot is another thread's. Enter writes the number, exit frees the slot and leaves it.
#[inline(always)]
pub fn last_call(tid: u32) -> u32 {
    // SAFETY: an array map value, read only.
    inflight_slot(tid).map_or(0, |slot| unsafe {
        let owner = (*slot).tid;
        if owner == tid || owner == 0 {
            (*slot).nr.wrapping_add(1)
        } else {
            0
        }
    })
}

/// Argument memory read at enter, keyed by tid, for syscalls whose spec asks for it.
#[map]
pub static ENTER_DATA: HashMap<u32, EnterCaptures> = HashMap::with_max_entries(4096, 0);

/// Per-CPU scratch to build [`EnterCaptures`] before storing it (too big for the stack).
#[map]
pub static ENTER_SCRATCH: PerCpuArray<EnterCaptures> = PerCpuArray::with_max_entries(1, 0);

/// Per syscall number: which arguments to capture. Written by userspace.
#[map]
pub static CAPTURE_SPECS: Array<CaptureSpec> = Array::with_max_entries(MAX_SYSCALLS, 0);

/// Records to userspace. Userspace sets the size at load.
#[map]
pub static RING: RingBuf = RingBuf::with_byte_size(1 << 24, 0);

/// Per-CPU event counters, indexed by [`counter`].
#[map]
pub static COUNTERS: PerCpuArray<u64> = PerCpuArray::with_max_entries(counter::COUNT, 0);

/// Adds one to a per-CPU counter.
#[inline(always)]
pub fn count(index: u32) {
    if let Some(slot) = COUNTERS.get_ptr_mut(index) {
        // SAFETY: per-CPU value, and programs do not preempt each other on one CPU.
        unsafe { *slot += 1 };
    }
}

/// Adds a thread group to the traced set. Not 0: the id of every task outside
/// rtrace's PID namespace (see `task::current`).
#[inline(always)]
pub fn add_target(tgid: u32) {
    if tgid == 0 {
        return;
    }
    match TARGETS.get_ptr_mut(tgid / TARGETS_PER_ENTRY) {
        // SAFETY: an array map value; a one-byte store, inside it.
        Some(entry) => unsafe { (*entry)[(tgid % TARGETS_PER_ENTRY) as usize] = 1 },
        None => count(counter::LOST),
    }
}

/// Whether the current task's thread group is traced.
#[inline(always)]
pub fn is_traced(tgid: u32) -> bool {
    TARGETS
        .get(tgid / TARGETS_PER_ENTRY)
        .is_some_and(|entry| entry[(tgid % TARGETS_PER_ENTRY) as usize] != 0)
}

/// Whether the current task's name is watched: exactly, or by one of its prefixes.
#[inline(always)]
pub fn current_name_is_watched() -> bool {
    let Ok(comm) = aya_ebpf::helpers::bpf_get_current_comm() else {
        return false;
    };
    // SAFETY: a hash lookup by a stack key; the value is only compared.
    if unsafe { WATCHED_NAMES.get(&comm) }.is_some() {
        return true;
    }
    let mut key = [0u8; COMM_LEN];
    for len in 1..COMM_LEN {
        let c = comm[len - 1];
        if c == 0 {
            break;
        }
        key[len - 1] = c;
        // SAFETY: as above.
        if unsafe { WATCHED_NAMES.get(&key) } == Some(&rtrace_common::comm_match::PREFIX) {
            return true;
        }
    }
    false
}
