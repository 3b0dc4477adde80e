//! `raw_syscalls/sys_enter` and `sys_exit`. Enter stashes the call in the in-flight
//! array (and its enter-time captures in `ENTER_DATA`); exit turns the stash into one
//! [`SyscallRecord`].
//!
//! Attached as raw tracepoints by default (TP_PROTO of both: `(struct pt_regs *regs,
//! long id_or_ret)`); the classic tracepoint pair (`tp_sys_enter`, `tp_sys_exit`,
//! reading the `format` fields `id` at 8, `args[6]` at 16 and `ret` at 16) does the
//! same work, to compare the two attachment costs.

use aya_ebpf::{
    bindings::{BPF_RB_AVAIL_DATA, BPF_RB_FORCE_WAKEUP, BPF_RB_NO_WAKEUP},
    cty::c_void,
    helpers::{
        bpf_get_current_task, bpf_get_smp_processor_id, bpf_ktime_get_ns,
        generated::{bpf_jiffies64, bpf_loop, bpf_probe_read_user_str},
    },
    macros::{btf_tracepoint, map, raw_tracepoint, tracepoint},
    maps::{Array, PerCpuArray},
    programs::{BtfTracePointContext, RawTracePointContext, TracePointContext},
};
use rtrace_common::{
    CaptureSpec, DUMP_FD_LIMIT, DumpFds, EnterCaptures, InFlight, LONG_CAPTURE_BYTES,
    LONG_CAPTURE_DATA_OFFSET, LongCaptureRecord, LongPathRecord, PATH_MAX, RecordHeader,
    SLOT_COUNT, SLOT_SIZE, STACK_BYTES, STACK_PAGE, STACK_RECORD_DATA_OFFSET,
    SYSCALL_RECORD_DATA_OFFSET, StackRecord, SyscallRecord, capture_kind, capture_when, counter,
    kind, long_captures, record_flags, slot_status, spec_flags, stack_flags, syscall_record_size,
};

use crate::{
    capture::{Long, Slots, arg_at, capture, copy_words, long_capture},
    maps::{
        CAPTURE_SPECS, COUNTERS, ENTER_DATA, ENTER_SCRATCH, RING, count, inflight_slot, is_traced,
    },
    regs::{UserRegs, syscall_args, syscall_args_btf, user_regs_btf},
    sockets::Keep,
    task::{current, fd_inode, global, group_exit_code},
};

#[raw_tracepoint(tracepoint = "sys_enter")]
pub fn sys_enter(ctx: RawTracePointContext) -> i32 {
    let (tgid, tid) = current();
    if !is_traced(tgid) {
        return 0;
    }
    raw_enter_traced(ctx.arg::<*const u8>(0), ctx.arg(1), tgid, tid);
    0
}

/// The traced path of [`sys_enter`] (see [`btf_enter_traced`]).
#[inline(never)]
fn raw_enter_traced(regs: *const u8, nr: u64, tgid: u32, tid: u32) {
    if let Some(entry) = syscall_args(regs) {
        on_enter(tgid, tid, nr, entry.args, entry.user);
    }
}

#[raw_tracepoint(tracepoint = "sys_exit")]
pub fn sys_exit(ctx: RawTracePointContext) -> i32 {
    let (tgid, tid) = current();
    if !is_traced(tgid) {
        return 0;
    }
    raw_exit_traced(ctx.arg::<*const u8>(0), ctx.arg(1), tgid, tid);
    0
}

/// The traced path of [`sys_exit`] (see [`btf_enter_traced`]).
#[inline(never)]
fn raw_exit_traced(regs: *const u8, ret: i64, tgid: u32, tid: u32) {
    let user = if stacks_wanted() {
        syscall_args(regs).map_or(UserRegs::default(), |e| e.user)
    } else {
        UserRegs::default()
    };
    on_exit((tgid, tid), ret, user, || {
        syscall_args(regs).map(|e| (e.nr, e.args))
    });
}

/// The raw pair as BTF-enabled tracepoints: the same arguments, but `regs` is a typed
/// pointer read with plain loads instead of `bpf_probe_read_kernel`.
#[btf_tracepoint(function = "sys_enter")]
pub fn btf_sys_enter(ctx: BtfTracePointContext) -> i32 {
    let (tgid, tid) = current();
    if !is_traced(tgid) {
        return 0;
    }
    btf_enter_traced(ctx.arg::<*const u8>(0), ctx.arg(1), tgid, tid);
    0
}

/// The traced path of [`btf_sys_enter`], a function of its own (a BPF-to-BPF call):
/// the untraced path then runs in a small frame, with none of this one's set-up.
#[inline(never)]
fn btf_enter_traced(regs: *const u8, nr: u64, tgid: u32, tid: u32) {
    let entry = syscall_args_btf(regs, stacks_wanted());
    on_enter(tgid, tid, nr, entry.args, entry.user);
}

#[btf_tracepoint(function = "sys_exit")]
pub fn btf_sys_exit(ctx: BtfTracePointContext) -> i32 {
    let (tgid, tid) = current();
    if !is_traced(tgid) {
        return 0;
    }
    btf_exit_traced(ctx.arg::<*const u8>(0), ctx.arg(1), tgid, tid);
    0
}

/// The traced path of [`btf_sys_exit`] (see [`btf_enter_traced`]).
#[inline(never)]
fn btf_exit_traced(regs: *const u8, ret: i64, tgid: u32, tid: u32) {
    let user = if stacks_wanted() {
        user_regs_btf(regs)
    } else {
        UserRegs::default()
    };
    on_exit((tgid, tid), ret, user, || {
        let e = syscall_args_btf(regs, false);
        Some((e.nr, e.args))
    });
}

/// `raw_syscalls/sys_enter` format: `long id` at 8, `unsigned long args[6]` at 16.
#[tracepoint(category = "raw_syscalls", name = "sys_enter")]
pub fn tp_sys_enter(ctx: TracePointContext) -> u32 {
    let (tgid, tid) = current();
    if !is_traced(tgid) {
        return 0;
    }
    // SAFETY: reads inside the tracepoint record, at the format's offsets.
    if let (Ok(nr), Ok(args)) = unsafe { (ctx.read_at::<u64>(8), ctx.read_at::<[u64; 6]>(16)) } {
        // The classic record has no user registers: stack captures stay empty.
        on_enter(tgid, tid, nr, args, UserRegs::default());
    }
    0
}

/// `raw_syscalls/sys_exit` format: `long id` at 8, `long ret` at 16. A call whose
/// enter was missed has no args here: they print as zeros.
#[tracepoint(category = "raw_syscalls", name = "sys_exit")]
pub fn tp_sys_exit(ctx: TracePointContext) -> u32 {
    // SAFETY: reads inside the tracepoint record, at the format's offsets.
    let Ok(ret) = (unsafe { ctx.read_at::<i64>(16) }) else {
        return 0;
    };
    let (tgid, tid) = current();
    if !is_traced(tgid) {
        return 0;
    }
    let missed = || unsafe { ctx.read_at::<u64>(8) }.ok().map(|nr| (nr, [0; 6]));
    on_exit((tgid, tid), ret, UserRegs::default(), missed).map_or(0, |_| 0)
}

/// Nonzero: calls are timed in jiffies, not nanoseconds (see
/// `rtrace_common::CLOCK_JIFFIES`). Set by the loader.
#[unsafe(no_mangle)]
static CLOCK_JIFFIES: u32 = 0;

/// Nonzero: each syscall record comes after a [`StackRecord`] of its thread's user
/// stack (`-k`). Set by the loader.
#[unsafe(no_mangle)]
static STACK_TRACE: u32 = 0;

/// Whether calls are sent with their user stacks (`-k`).
#[inline(always)]
pub fn stacks_wanted() -> bool {
    global(&STACK_TRACE) != 0
}

/// Sends the user stack of the current thread, read page by page from its stack
/// pointer up, [`STACK_BYTES`] of it or up to the last page that can be read (the top
/// of the stack's mapping); counts it lost when the ring is full. `flags`: [`stack_flags`].
/// The record is built in this CPU's scratch and sent as long as what was read: a
/// worker's stack is a few KiB, or tens when a frame holds a buffer (PHP-FPM reads
/// its requests into 64 KiB on the stack), and the ring's records must have a size
/// known to the verifier when reserved.
#[inline(never)]
pub fn emit_stack(tgid: u32, tid: u32, user: UserRegs, flags: u32) {
    // SAFETY: a helper without arguments.
    let cpu = unsafe { bpf_get_smp_processor_id() };
    let Some(rec) = STACK_SCRATCH.get_ptr_mut(cpu) else {
        return;
    };
    // SAFETY: this CPU's StackRecord, which no other program uses while this one runs.
    // Each read writes at most a page at `len` < STACK_BYTES, inside `stack`'s
    // STACK_BYTES + STACK_PAGE bytes.
    let len = unsafe {
        (*rec).header = RecordHeader {
            kind: kind::STACK,
            tid,
            tgid,
            aux: flags,
            ts_ns: 0,
        };
        (*rec).ip = user.ip;
        (*rec).sp = user.sp;
        (*rec).bp = user.bp;
        let mut copy = StackCopy {
            cpu,
            _pad: 0,
            addr: user.sp,
            copied: 0,
            len: 0,
        };
        // In bpf_loop, whose step the verifier checks once: a plain loop of pages
        // that may each fail is one path per outcome to it. A page more than
        // STACK_BYTES holds, since sp is seldom at a page's start.
        bpf_loop(
            (STACK_BYTES / STACK_PAGE + 1) as u32,
            stack_page as *const () as *mut c_void,
            core::ptr::from_mut(&mut copy).cast::<c_void>(),
            0,
        );
        // (A bound the verifier can see.)
        #[expect(clippy::cast_possible_truncation, reason = "at most STACK_BYTES")]
        let len = (copy.len as usize).min(STACK_BYTES);
        (*rec).len = len as u64;
        len
    };
    // The reader reads the process's mappings as it unwinds: woken now, it reads them
    // before a short-lived process is gone.
    // SAFETY: the record's fixed part and the `len` bytes read, inside the value.
    unsafe {
        send_scratch(
            rec,
            STACK_RECORD_DATA_OFFSET + len,
            u64::from(BPF_RB_FORCE_WAKEUP),
        );
    }
}

/// Sends the first `len` bytes of a record built in a scratch map value (its fixed
/// part and what was read into it); counts it lost when the ring is full.
///
/// # Safety
/// `len` bytes from `rec` lie inside the value.
#[inline(always)]
unsafe fn send_scratch<T>(rec: *const T, len: usize, flags: u64) {
    // SAFETY: as the caller says.
    let bytes = unsafe { core::slice::from_raw_parts(rec.cast::<u8>(), len) };
    if RING.output::<[u8]>(bytes, flags).is_err() {
        count(counter::LOST);
    }
}

/// Per CPU, the [`StackRecord`] being built (`-k`). The loader sizes it: an entry per
/// possible CPU with `-k`, one without.
#[map]
static STACK_SCRATCH: Array<StackRecord> = Array::with_max_entries(1, 0);

/// Where [`emit_stack`]'s copy stands, between two [`stack_page`] steps.
#[repr(C)]
struct StackCopy {
    /// The CPU whose `STACK_SCRATCH` entry is filled.
    cpu: u32,
    _pad: u32,
    /// The next user address to read.
    addr: u64,
    /// Bytes copied so far.
    copied: u64,
    /// Bytes up to the end of the last page that could be read.
    len: u64,
}

/// One `bpf_loop` step of [`emit_stack`]: copies the rest of the page at `addr`, or
/// up to [`STACK_BYTES`]; 1 stops the loop. A page the program never touched (deep in
/// a large buffer on the stack) is not there to read, and reads as the zeros it would
/// hold: the helper zeroes what it could not read. Past the stack's top, every page
/// fails, and the record ends at the last one read.
extern "C" fn stack_page(_index: u32, ctx: *mut c_void) -> i64 {
    // SAFETY: bpf_loop passes back the pointer to emit_stack's StackCopy.
    let copy = unsafe { &mut *ctx.cast::<StackCopy>() };
    #[expect(clippy::cast_possible_truncation, reason = "at most STACK_BYTES")]
    let copied = copy.copied as usize;
    if copied >= STACK_BYTES {
        return 1;
    }
    let Some(rec) = STACK_SCRATCH.get_ptr_mut(copy.cpu) else {
        return 1;
    };
    #[expect(clippy::cast_possible_truncation, reason = "below a page")]
    let chunk = STACK_PAGE - (copy.addr as usize & (STACK_PAGE - 1));
    let chunk = chunk.min(STACK_BYTES - copied);
    // SAFETY: this CPU's StackRecord; at most a page at `copied` < STACK_BYTES, inside
    // `stack`'s STACK_BYTES + STACK_PAGE bytes.
    let read = unsafe {
        let to = (*rec).stack.as_mut_ptr().add(copied & (STACK_BYTES - 1));
        bpf_probe_read_user_into(to, chunk, copy.addr)
    };
    copy.copied += chunk as u64;
    copy.addr += chunk as u64;
    if read.is_ok() {
        copy.len = copy.copied;
    }
    0
}

/// `bpf_probe_read_user` of `len` bytes at `from` into `to`.
#[inline(always)]
unsafe fn bpf_probe_read_user_into(to: *mut u8, len: usize, from: u64) -> Result<(), i64> {
    // SAFETY: the caller gives `len` writable bytes at `to`; the user read is checked.
    #[expect(clippy::cast_possible_truncation, reason = "at most two pages")]
    let rc = unsafe {
        aya_ebpf::helpers::generated::bpf_probe_read_user(to.cast(), len as u32, from as *const _)
    };
    if rc == 0 { Ok(()) } else { Err(rc) }
}

/// [`long_captures`] bits: which calls' buffers longer than a slot come whole (up to
/// the limit their spec's `max` sets) in a [`LongCaptureRecord`] before the call's
/// record. Set by the loader.
#[unsafe(no_mangle)]
static LONG_CAPTURES: u32 = 0;

/// The descriptors `-e read=` and `-e write=` dump. Set by the loader.
#[unsafe(no_mangle)]
static DUMP_FDS: DumpFds = DumpFds::NONE;

/// Whether `-e read=` or `-e write=` dumps the data of a call with these
/// [`spec_flags`] on descriptor `fd`.
#[inline(always)]
fn dumped(flags: u32, fd: u64) -> bool {
    let set = if flags & spec_flags::DUMP_READ != 0 {
        0
    } else if flags & spec_flags::DUMP_WRITE != 0 {
        1
    } else {
        return false;
    };
    // (A C int: -1 and the like are not descriptors.)
    let fd = fd & 0xffff_ffff;
    if fd >= 0x8000_0000 {
        return false;
    }
    // SAFETY: a global written once by the loader; indices inside its arrays.
    unsafe {
        if fd >= DUMP_FD_LIMIT as u64 {
            return core::ptr::read_volatile(&DUMP_FDS.beyond[set]) != 0;
        }
        let word = core::ptr::read_volatile(&DUMP_FDS.below[set][(fd / 64) as usize]);
        word & (1 << (fd % 64)) != 0
    }
}

/// The call a long capture is of, as its record names it.
#[repr(C)]
struct LongCall {
    tgid: u32,
    tid: u32,
    nr: u32,
    _pad: u32,
    enter_time: u64,
}

impl LongCall {
    #[inline(always)]
    fn of(call: &CallInfo<'_>) -> Self {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "syscall numbers fit in u32"
        )]
        LongCall {
            tgid: call.tgid,
            tid: call.tid,
            nr: call.nr as u32,
            _pad: 0,
            enter_time: call.enter_time,
        }
    }

    /// The header of the long capture of `slot` of this call.
    #[inline(always)]
    fn header(&self, slot: u64) -> RecordHeader {
        #[expect(clippy::cast_possible_truncation, reason = "a slot index")]
        RecordHeader {
            kind: kind::LONG_CAPTURE,
            tid: self.tid,
            tgid: self.tgid,
            aux: slot as u32,
            ts_ns: self.enter_time,
        }
    }
}

/// Sends, before the call's record, each of its buffers that is longer than a slot and
/// that `-s` asks more of.
#[inline(always)]
fn emit_long_captures(call: &CallInfo<'_>, spec: &CaptureSpec) {
    let of = LongCall::of(call);
    for i in 0..SLOT_COUNT {
        if i as u32 >= spec.record_slots {
            break;
        }
        match long_capture(i, &spec.slots[i], call.args, call.ret) {
            Some(Long::Bytes { ptr, len }) => emit_long_capture(&of, i as u64, ptr, len),
            Some(Long::Iovecs {
                array,
                count,
                first_slot,
                max,
            }) => emit_long_iovecs(&of, first_slot as u64, array, count, max),
            None => {}
        }
    }
}

/// The long captures of the `count` iovecs at `array` whose data fill the slots from
/// `first_slot`: each longer than a slot, up to `max` bytes of it.
#[inline(never)]
fn emit_long_iovecs(of: &LongCall, first_slot: u64, array: u64, count: u64, max: u64) {
    const ROOM: usize = SLOT_COUNT - 1;
    let mut iovecs = [0u64; 2 * ROOM];
    let count = if count > ROOM as u64 {
        ROOM as u64
    } else {
        count
    };
    if count == 0 {
        return;
    }
    // SAFETY: at most ROOM iovecs, 16 bytes each, into a stack array of that size.
    let rc = unsafe {
        aya_ebpf::helpers::generated::bpf_probe_read_user(
            iovecs.as_mut_ptr().cast(),
            (count * 16) as u32,
            array as *const c_void,
        )
    };
    if rc != 0 {
        return;
    }
    for j in 0..ROOM {
        let slot = first_slot + j as u64;
        if j as u64 >= count || slot >= SLOT_COUNT as u64 {
            break;
        }
        let (base, len) = (iovecs[2 * j], iovecs[2 * j + 1]);
        let len = if len > max { max } else { len };
        if base != 0 && len > SLOT_SIZE as u64 {
            emit_long_capture(of, slot, base, len);
        }
    }
}

/// Sends `len` bytes (at most [`LONG_CAPTURE_BYTES`]) of user memory at `ptr` as the
/// long capture of `slot` of call `of`. Nothing is sent when the memory cannot be read
/// whole: the slot's own bytes then print. Counted lost when the ring is full.
#[inline(never)]
fn emit_long_capture(of: &LongCall, slot: u64, ptr: u64, len: u64) {
    // SAFETY: a helper without arguments.
    let cpu = unsafe { bpf_get_smp_processor_id() };
    let Some(rec) = LONG_SCRATCH.get_ptr_mut(cpu) else {
        return;
    };
    let len = if len > LONG_CAPTURE_BYTES as u64 {
        LONG_CAPTURE_BYTES as u64
    } else {
        len
    };
    // SAFETY: this CPU's LongCaptureRecord, which no other program uses while this one
    // runs; the read writes `len` <= LONG_CAPTURE_BYTES bytes into `data`.
    unsafe {
        (*rec).header = of.header(slot);
        (*rec).nr = of.nr;
        (*rec).len = len;
        if bpf_probe_read_user_into((*rec).data.as_mut_ptr(), len as usize, ptr).is_err() {
            return;
        }
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "at most LONG_CAPTURE_BYTES"
    )]
    let sent = LONG_CAPTURE_DATA_OFFSET + len as usize;
    // SAFETY: the record's fixed part and the `len` bytes read, inside the value.
    unsafe { send_scratch(rec, sent, u64::from(BPF_RB_NO_WAKEUP)) };
}

/// Sends the path at `ptr`, up to [`PATH_MAX`] bytes, as the long capture of `slot` of
/// call `of`. Nothing is sent when it cannot be read or has no NUL within `PATH_MAX`:
/// the slot's own bytes then print, cut.
#[inline(never)]
fn emit_long_path(of: &LongCall, slot: u64, ptr: u64) {
    let Some(rec) = PATH_SCRATCH.get_ptr_mut(0) else {
        return;
    };
    // SAFETY: this CPU's LongPathRecord, which no other program uses while this one
    // runs; the helper writes at most PATH_MAX bytes into `data`.
    let read = unsafe {
        bpf_probe_read_user_str(
            (*rec).data.as_mut_ptr().cast::<c_void>(),
            PATH_MAX as u32,
            ptr as *const c_void,
        )
    };
    // The count includes the NUL; a path that fills PATH_MAX has none in it.
    let Ok(len @ 1..PATH_MAX) = usize::try_from(read).map(|n| n.saturating_sub(1)) else {
        return;
    };
    // SAFETY: as above; the fixed part and `len` bytes of the path are sent.
    unsafe {
        (*rec).header = of.header(slot);
        (*rec).nr = of.nr;
        (*rec).len = len as u64;
        send_scratch(
            rec,
            LONG_CAPTURE_DATA_OFFSET + len,
            u64::from(BPF_RB_NO_WAKEUP),
        );
    }
}

/// Per CPU, the [`LongPathRecord`] being built.
#[map]
static PATH_SCRATCH: PerCpuArray<LongPathRecord> = PerCpuArray::with_max_entries(1, 0);

/// Per CPU, the [`LongCaptureRecord`] being built. The loader sizes it: an entry per
/// possible CPU when `-s` asks more than a slot, one otherwise.
#[map]
static LONG_SCRATCH: Array<LongCaptureRecord> = Array::with_max_entries(1, 0);

/// Nonzero: syscall records carry their exit time (see `rtrace_common::STAMP_EXIT`).
/// Set by the loader.
#[unsafe(no_mangle)]
static STAMP_EXIT: u32 = 0;

/// The time a call entered, on the clock the loader chose.
#[inline(always)]
fn enter_time() -> u64 {
    if global(&CLOCK_JIFFIES) != 0 {
        // SAFETY: a helper without arguments.
        unsafe { bpf_jiffies64() }
    } else {
        // SAFETY: as above.
        unsafe { bpf_ktime_get_ns() }
    }
}

#[inline(always)]
fn spec_for(nr: u64) -> Option<&'static CaptureSpec> {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "checked against the array size"
    )]
    CAPTURE_SPECS.get(nr as u32)
}

#[inline(always)]
fn on_enter(tgid: u32, tid: u32, nr: u64, args: [u64; 6], user: UserRegs) -> Option<i32> {
    let now = enter_time();
    let spec = spec_for(nr);
    let flags = spec.map_or(0, |s| s.flags);

    if flags & spec_flags::NO_RETURN != 0 {
        // Its number stays in the slot, for the lines of what follows (-n): the exit
        // of a thread that called exit_group, the signal an exec brings.
        if let Some(slot) = inflight_slot(tid) {
            // SAFETY: an array map value; a slot another thread is in is left alone.
            unsafe {
                if (*slot).tid == 0 {
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "syscall numbers fit in u32"
                    )]
                    {
                        (*slot).nr = nr as u32;
                    }
                }
            }
        }
        let call = CallInfo {
            tgid,
            tid,
            nr,
            args: &args,
            ret: 0,
            enter_time: now,
            flags: 0,
            kind: kind::SYSCALL_NO_RETURN,
            stash: core::ptr::null(),
        };
        if stacks_wanted() && user.sp != 0 {
            emit_stack(tgid, tid, user, 0);
        }
        emit(&call, spec);
        return None;
    }
    let Some(slot) = inflight_slot(tid) else {
        return None;
    };
    #[expect(
        clippy::cast_possible_truncation,
        reason = "syscall numbers fit in u32"
    )]
    let entry = InFlight {
        tid,
        nr: nr as u32,
        args,
        enter_time: now,
    };
    // SAFETY: an array map value; only this thread uses its slot while it is in a call
    // (another live thread mapping to the same slot is detected at exit by `tid`).
    unsafe {
        if (*slot).tid != 0 && (*slot).tid != tid {
            count(counter::INFLIGHT_COLLISIONS);
        }
        *slot = entry;
    }
    if flags & spec_flags::HAS_ENTER_SLOTS != 0
        && let Some(spec) = spec
    {
        stash_enter_captures(tid, spec, &args, user.sp);
    }
    // An exec's stack is sent twice: strace shows the program's that made the call, and
    // for the command it launched (whose exec's enter it does not see), the new one's.
    if stacks_wanted() && user.sp != 0 && (nr == EXECVE || nr == EXECVEAT) {
        emit_stack(tgid, tid, user, stack_flags::AT_ENTER);
    }
    None
}

/// x86_64's `execve` and `execveat`.
const EXECVE: u64 = 59;
const EXECVEAT: u64 = 322;

#[inline(always)]
fn stash_enter_captures(tid: u32, spec: &CaptureSpec, args: &[u64; 6], sp: u64) {
    let Some(scratch) = ENTER_SCRATCH.get_ptr_mut(0) else {
        return;
    };
    // SAFETY: per-CPU scratch, not shared while this program runs.
    let slots = unsafe {
        Slots {
            metas: (*scratch).slots.as_mut_ptr(),
            data: (*scratch).data.as_mut_ptr().cast(),
            count: SLOT_COUNT,
        }
    };
    slots.clear();
    // SAFETY: as above; captures index the args, which the verifier allows in map
    // memory but not on the stack.
    let args = unsafe {
        copy_words(&raw mut (*scratch).args, args);
        &(*scratch).args
    };
    for i in 0..SLOT_COUNT {
        let slot = &spec.slots[i];
        if slot.when == capture_when::ENTER {
            capture::<true>(slots, i, slot, args, 0, sp);
        }
    }
    // Nothing read (the pointers were NULL, as recvfrom's address arguments usually
    // are): no stash, and at exit no lookup finds one. Storing copies the whole value.
    if slots.all_empty() {
        return;
    }
    // SAFETY: scratch points to a valid EnterCaptures.
    if ENTER_DATA.insert(&tid, unsafe { &*scratch }, 0).is_err() {
        count(counter::INFLIGHT_COLLISIONS);
    }
}

/// The exit of a traced thread's call. `missed_call` gives the number and args of a
/// call whose enter was not seen.
#[inline(always)]
fn on_exit(
    (tgid, tid): (u32, u32),
    ret: i64,
    user: UserRegs,
    missed_call: impl FnOnce() -> Option<(u64, [u64; 6])>,
) -> Option<i32> {
    let slot = inflight_slot(tid)?;
    // SAFETY: an array map value; copied out, then freed.
    let entry = unsafe {
        let e = *slot;
        if e.tid == tid {
            (*slot).tid = 0;
        }
        e
    };
    let (nr, args, enter_time, mut flags) = if entry.tid == tid {
        (u64::from(entry.nr), entry.args, entry.enter_time, 0)
    } else {
        // Attached while the call was in progress: the registers still hold its args.
        let (nr, args) = missed_call()?;
        (nr, args, 0, record_flags::ENTER_MISSED)
    };
    let spec = spec_for(nr);
    if spec.is_some_and(|s| s.flags & spec_flags::SKIP != 0) {
        return None;
    }
    // A new task's first return, from the clone that made it: not a call of its own.
    if flags & record_flags::ENTER_MISSED != 0
        && ret == 0
        && spec.is_some_and(|s| s.flags & spec_flags::FORKS != 0)
    {
        return None;
    }
    // Only for a call that is sent: the check reads the kernel three times.
    if is_interruption(ret) && process_exiting() {
        flags |= record_flags::PROCESS_EXITING;
    }
    let stash = if spec.is_some_and(|s| s.flags & spec_flags::HAS_ENTER_SLOTS != 0) {
        ENTER_DATA.get_ptr(&tid)
    } else {
        None
    };
    // A stash left by an earlier call of this tid (one whose exit was not seen, say
    // while the process was detached) is not this call's.
    // SAFETY: a live map value, only read.
    let stash = stash.filter(|&s| unsafe { (*s).args } == args);
    let call = CallInfo {
        tgid,
        tid,
        nr,
        args: &args,
        ret,
        enter_time,
        flags,
        kind: kind::SYSCALL,
        stash: stash.unwrap_or(core::ptr::null()),
    };
    if stacks_wanted() && user.sp != 0 {
        emit_stack(tgid, tid, user, 0);
    }
    if global(&LONG_CAPTURES) != 0
        && let Some(spec) = spec
        && (global(&LONG_CAPTURES) & long_captures::ALL != 0 || dumped(spec.flags, args[0]))
    {
        emit_long_captures(&call, spec);
    }
    emit(&call, spec);
    if stash.is_some() {
        let _ = ENTER_DATA.remove(&tid);
    }
    None
}

/// Whether a call's return is that of one a signal cut short: `EINTR`, or one of the
/// `ERESTART*` codes (512 to 516) the kernel turns into a restart or `EINTR`.
#[inline(always)]
fn is_interruption(ret: i64) -> bool {
    ret == -4 || (-516..=-512).contains(&ret)
}

/// Whether the current process is exiting as a whole.
#[inline(never)]
fn process_exiting() -> bool {
    // SAFETY: a helper without arguments.
    let task = unsafe { bpf_get_current_task() };
    group_exit_code(task).is_some()
}

/// The call's identity and result, as the record carries it.
struct CallInfo<'a> {
    tgid: u32,
    tid: u32,
    nr: u64,
    args: &'a [u64; 6],
    ret: i64,
    enter_time: u64,
    flags: u32,
    kind: u32,
    /// What enter read for this call, or null: nothing was stashed.
    stash: *const EnterCaptures,
}

/// Sends one record in the smallest size class that holds the spec's slots.
#[inline(always)]
fn emit(call: &CallInfo<'_>, spec: Option<&CaptureSpec>) {
    match spec.map_or(0, |s| s.record_slots) {
        0 => emit_sized::<0>(call, spec),
        1 => emit_sized::<1>(call, spec),
        2 => emit_sized::<2>(call, spec),
        3 | 4 => emit_sized::<4>(call, spec),
        _ => emit_sized::<SLOT_COUNT>(call, spec),
    }
}

/// Per CPU, the [`SyscallRecord`] being built.
#[map]
static RECORD_SCRATCH: PerCpuArray<SyscallRecord> = PerCpuArray::with_max_entries(1, 0);

/// Builds a record with up to `N` slots of data in this CPU's scratch and sends it as
/// long as its slots' data reaches; counts it lost when the ring is full. A read of 1
/// byte sends 161 bytes, not its size class's 384, and a writev of two buffers (33
/// bytes of each at the default `-s`) 673, not 2,176: the ring's memory is what
/// producers and reader stream through, and its every page and line costs both.
/// Wakes the reader only when the ring fills past [`WAKEUP_BYTES`]; otherwise the
/// reader's timer drains it.
#[inline(never)]
fn emit_sized<const N: usize>(call: &CallInfo<'_>, spec: Option<&CaptureSpec>) {
    let Some(rec) = RECORD_SCRATCH.get_ptr_mut(0) else {
        return;
    };
    // SAFETY: this CPU's record, which no other program uses while this one runs; the
    // fixed part and N slots of data are written (Slots::count = N bounds the data
    // writes), and what is sent lies inside it.
    unsafe {
        (*rec).header = RecordHeader {
            kind: call.kind,
            tid: call.tid,
            tgid: call.tgid,
            // The CPU would be a helper call that buys nothing the decoder uses; the
            // exit time, a clock read that only `-T` needs.
            aux: 0,
            ts_ns: exit_time(call),
        };
        #[expect(
            clippy::cast_possible_truncation,
            reason = "syscall numbers fit in u32"
        )]
        {
            (*rec).nr = call.nr as u32;
        }
        (*rec).flags = call.flags;
        (*rec).ret = call.ret;
        copy_words(&raw mut (*rec).args, call.args);
        (*rec).enter_time = call.enter_time;
        let slots = Slots {
            metas: (*rec).slots.as_mut_ptr(),
            data: (*rec).data.as_mut_ptr().cast(),
            count: N,
        };
        slots.clear();
        if let Some(spec) = spec {
            let at_enter = call.kind == kind::SYSCALL_NO_RETURN;
            for i in 0..N {
                let slot = &spec.slots[i];
                if slot.when == capture_when::ENTER && !at_enter {
                    copy_enter_slot(slots, i, call.stash);
                } else {
                    // The record's copy of the args: ring memory may be indexed.
                    capture::<false>(slots, i, slot, &(*rec).args, call.ret, 0);
                    // A path that filled its slot comes whole, in a record of its own
                    // sent before this one.
                    if slot.kind == capture_kind::STR
                        && slot.max as usize > SLOT_SIZE
                        && slots.status(i) == slot_status::TRUNCATED
                        && let Some(ptr) = arg_at(&(*rec).args, slot.ptr_arg)
                    {
                        emit_long_path(
                            &LongCall::of(call),
                            i as u64,
                            ptr + u64::from(slot.ptr_offset),
                        );
                    }
                }
            }
            (*rec).header.aux = made_inode(call, spec.flags, slots);
        }
        let len = SYSCALL_RECORD_DATA_OFFSET + slots.data_bytes(N);
        send_scratch(rec, len.min(syscall_record_size(N)), wakeup_flag());
    }
}

/// For the specs that ask (`-y`), the inode numbers of the pipes and sockets a
/// successful call made: the returned descriptor's, sent in the header (see
/// [`spec_flags::RET_FD_INODE`]); a pair's, after the pair in slot 0.
#[inline(always)]
fn made_inode(call: &CallInfo<'_>, flags: u32, slots: Slots) -> u32 {
    // A connect that succeeded or is under way (EINPROGRESS) has its addresses: keep
    // them (see [`spec_flags::ARG0_FD_SOCKET`]).
    if flags & spec_flags::ARG0_FD_SOCKET != 0 && (call.ret == 0 || call.ret == -EINPROGRESS) {
        #[expect(clippy::cast_possible_truncation, reason = "a descriptor")]
        fd_inode(call.args[0] as u32, Keep::Inet);
        return 0;
    }
    if flags & spec_flags::ARG0_FD_LISTENER != 0 && call.ret == 0 {
        #[expect(clippy::cast_possible_truncation, reason = "a descriptor")]
        fd_inode(call.args[0] as u32, Keep::Any);
        return 0;
    }
    if call.ret < 0 {
        return 0;
    }
    if flags & spec_flags::RET_FD_INODE != 0 {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a descriptor"
        )]
        let keep = if flags & spec_flags::RET_FD_SOCKET != 0 {
            Keep::Any
        } else {
            Keep::None
        };
        return fd_inode(call.ret as u32, keep);
    }
    if flags & spec_flags::SLOT0_FD_INODE != 0
        && let Some((first, second)) = slots.fd_pair()
    {
        slots.append_to_pair(fd_inode(first, Keep::None), fd_inode(second, Keep::None));
    }
    0
}

/// `-EINPROGRESS`: a non-blocking connect under way.
const EINPROGRESS: i64 = 115;

/// When the call returned, if asked for (`-T`); a call that does not return is sent at
/// its enter.
#[inline(always)]
fn exit_time(call: &CallInfo<'_>) -> u64 {
    if global(&STAMP_EXIT) == 0 {
        0
    } else if call.kind == kind::SYSCALL_NO_RETURN {
        call.enter_time
    } else {
        // SAFETY: a helper without arguments.
        unsafe { bpf_ktime_get_ns() }
    }
}

/// Ring fill (bytes) past which a record wakes the reader.
#[unsafe(no_mangle)]
static WAKEUP_BYTES: u64 = 1 << 20;

/// Records between two looks at the ring's fill, per CPU: a look reads the
/// consumer position, a cache line the reader writes as it consumes.
const WAKEUP_CHECK_EVERY: u64 = 16;

#[inline(always)]
fn wakeup_flag() -> u64 {
    let no_wakeup = u64::from(BPF_RB_NO_WAKEUP);
    let Some(submitted) = COUNTERS.get_ptr_mut(counter::SUBMITTED) else {
        return no_wakeup;
    };
    // SAFETY: a per-CPU value; programs do not preempt each other on one CPU.
    let n = unsafe {
        *submitted += 1;
        *submitted
    };
    if n % WAKEUP_CHECK_EVERY != 0 {
        return no_wakeup;
    }
    // SAFETY: a global written once by the loader.
    let mark = unsafe { core::ptr::read_volatile(&WAKEUP_BYTES) };
    if RING.query(u64::from(BPF_RB_AVAIL_DATA)) < mark {
        return no_wakeup;
    }
    // One forced wakeup per CPU per jiffy: the reader takes a while to be scheduled
    // and drain, and until it has, every further wakeup is an interrupt for nothing
    // (thousands a second under a busy service).
    let Some(last) = COUNTERS.get_ptr_mut(counter::LAST_WAKEUP) else {
        return no_wakeup;
    };
    // SAFETY: a helper without arguments; `last` is a per-CPU value, as above.
    unsafe {
        let now = bpf_jiffies64();
        if *last == now {
            return no_wakeup;
        }
        *last = now;
    }
    u64::from(BPF_RB_FORCE_WAKEUP)
}

/// Copies slot `i` of the call's stashed enter captures, if any, into `slots`.
#[inline(never)]
fn copy_enter_slot(slots: Slots, i: usize, stash: *const EnterCaptures) {
    if stash.is_null() {
        return;
    }
    // SAFETY: a live map value of type EnterCaptures, checked non-null; only read.
    let from = unsafe {
        Slots {
            metas: (*stash).slots.as_ptr().cast_mut(),
            data: (*stash).data.as_ptr().cast_mut().cast(),
            count: SLOT_COUNT,
        }
    };
    slots.copy_slot(from, i);
}
