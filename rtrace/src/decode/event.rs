//! Records as they come off the ring buffer, viewed in place without copying the
//! capture data.

use std::mem::size_of;

use rtrace_common::{
    ExitRecord, ForkRecord, LONG_CAPTURE_BYTES, LONG_CAPTURE_DATA_OFFSET, RecordHeader,
    SIGINFO_SIZE, SLOT_COUNT, SLOT_SIZE, STACK_BYTES, STACK_RECORD_DATA_OFFSET,
    SYSCALL_RECORD_DATA_OFFSET, SignalRecord, exit_flags, kind, record_flags, signal_flags,
    slot_status, stack_flags,
};

/// What one capture slot holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture<'a> {
    /// Not captured: no spec, a NULL pointer, or a short record.
    Empty,
    /// The bytes read (for strings, without the NUL).
    Data(&'a [u8]),
    /// A string longer than what was read: these bytes are its start.
    Truncated(&'a [u8]),
    /// The memory could not be read.
    Fault,
}

impl<'a> Capture<'a> {
    /// The captured bytes, if any were read.
    #[must_use]
    pub fn bytes(self) -> Option<&'a [u8]> {
        match self {
            Capture::Data(b) | Capture::Truncated(b) => Some(b),
            Capture::Empty | Capture::Fault => None,
        }
    }
}

/// A completed (or never-returning) syscall.
#[derive(Clone, Debug)]
pub struct SyscallEvent<'a> {
    pub tid: u32,
    pub tgid: u32,
    pub nr: u32,
    pub args: [u64; 6],
    /// Return value; meaningless when `returns` is false.
    pub ret: i64,
    /// False for calls sent at enter because they never return (`exit_group`).
    pub returns: bool,
    /// The enter was not seen: rtrace attached during the call.
    pub enter_missed: bool,
    /// Cut short (`EINTR`, `ERESTART*`) as its process was exiting as a whole: killed,
    /// or another thread's `exit_group`.
    pub process_exiting: bool,
    pub enter_time: u64,
    /// When the call returned (`CLOCK_MONOTONIC` ns); 0 unless `-T` asked the kernel
    /// to stamp it.
    pub exit_time: u64,
    /// The inode number of the pipe or socket the call made (for `-y`), read by the
    /// kernel as the call returned; 0 when none.
    pub made_inode: u32,
    pub slots: [Capture<'a>; SLOT_COUNT],
}

impl SyscallEvent<'_> {
    /// Whether the call failed (returned a negative errno).
    #[must_use]
    pub fn failed(&self) -> bool {
        self.returns && (-4095..0).contains(&self.ret)
    }
}

/// A thread exited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThreadExit {
    pub tid: u32,
    pub tgid: u32,
    /// Wait status, as `wait4` would report it; `None` when the kernel did not say.
    pub status: Option<u32>,
    /// When (`CLOCK_MONOTONIC` ns); 0 when no record said.
    pub time: u64,
    /// The thread's last syscall, when the kernel knew it (`-n`).
    pub last_call: Option<u32>,
}

/// A traced task created another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fork {
    pub parent_tid: u32,
    pub parent_tgid: u32,
    pub child_tid: u32,
    pub child_tgid: u32,
}

/// A signal delivered to a traced thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignalDelivery<'a> {
    pub tid: u32,
    pub tgid: u32,
    pub signo: i32,
    /// The raw `siginfo_t`, when the kernel passed one.
    pub siginfo: Option<&'a [u8]>,
    /// Sent to a task inside a syscall and ignored there: strace shows it once that
    /// call returns.
    pub held_by_call: bool,
    /// When it was delivered (`CLOCK_MONOTONIC` ns).
    pub time: u64,
    /// The thread's last syscall, when the kernel knew it (`-n`).
    pub last_call: Option<u32>,
}

/// One decoded record. Made per record on the stack, never boxed: the syscall variant
/// is the large and common one.
#[derive(Clone, Debug)]
#[expect(clippy::large_enum_variant, reason = "no allocation per record")]
pub enum Event<'a> {
    Syscall(SyscallEvent<'a>),
    Exit(ThreadExit),
    Fork(Fork),
    Signal(SignalDelivery<'a>),
    /// A process joined the traced set because its name is watched.
    TargetAdded {
        tid: u32,
        tgid: u32,
    },
    /// The user stack of the thread's next call (`-k`).
    Stack(UserStack<'a>),
    /// A buffer of the thread's next call, longer than its slot (`-s`).
    LongCapture(LongCapture<'a>),
}

/// A buffer of a call, as much as `-s` asks of it, sent before the call's record (whose
/// slot holds its first bytes only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LongCapture<'a> {
    pub tid: u32,
    pub tgid: u32,
    /// The call's number and enter time, as its record has them.
    pub nr: u32,
    pub enter_time: u64,
    /// The slot whose bytes these are.
    pub slot: usize,
    pub bytes: &'a [u8],
}

/// What the kernel copied of a thread's user state at a call, for `-k`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserStack<'a> {
    pub tid: u32,
    pub tgid: u32,
    /// The instruction after the `syscall`.
    pub ip: u64,
    /// The stack pointer: `stack[0]` is the byte at this address.
    pub sp: u64,
    /// The frame pointer.
    pub bp: u64,
    /// The stack from `sp` up, as far as it was read.
    pub stack: &'a [u8],
    /// Read as the call entered (an exec's, in the program that made it), not as it
    /// returned.
    pub at_enter: bool,
}

/// Long captures waiting for their calls' records.
#[derive(Debug, Default)]
pub struct HeldCaptures(Vec<HeldCapture>);

/// A [`LongCapture`], copied out of the ring.
#[derive(Debug)]
pub struct HeldCapture {
    tid: u32,
    nr: u32,
    enter_time: u64,
    slot: usize,
    bytes: Vec<u8>,
}

impl HeldCaptures {
    /// Keeps `long` until its call's record comes.
    pub fn keep(&mut self, long: &LongCapture<'_>) {
        self.0.push(HeldCapture {
            tid: long.tid,
            nr: long.nr,
            enter_time: long.enter_time,
            slot: long.slot,
            bytes: long.bytes.to_vec(),
        });
    }

    /// Takes what is held for `ev`'s thread: `ev`'s buffers, and any of a call whose
    /// record was lost (a thread's next record is the call they came before).
    pub fn take(&mut self, ev: &SyscallEvent<'_>) -> Vec<HeldCapture> {
        if self.0.iter().all(|c| c.tid != ev.tid) {
            return Vec::new();
        }
        let (mine, rest) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|c| c.tid == ev.tid);
        self.0 = rest;
        mine
    }
}

impl HeldCapture {
    /// Gives `ev` these bytes for their slot, if they are `ev`'s.
    pub fn fill<'a>(&'a self, ev: &mut SyscallEvent<'a>) {
        let ours = self.tid == ev.tid && self.nr == ev.nr && self.enter_time == ev.enter_time;
        if ours && let Some(slot) = ev.slots.get_mut(self.slot) {
            *slot = Capture::Data(&self.bytes);
        }
    }
}

/// Why a record could not be read.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecordError {
    #[error("record of {0} bytes is shorter than its header")]
    Short(usize),
    #[error("unknown record kind {0}")]
    UnknownKind(u32),
}

fn read<T: Copy>(bytes: &[u8], offset: usize) -> Option<T> {
    let end = offset.checked_add(size_of::<T>())?;
    let b = bytes.get(offset..end)?;
    // SAFETY: `b` has size_of::<T>() bytes; T is a plain integer struct (read_unaligned).
    Some(unsafe { b.as_ptr().cast::<T>().read_unaligned() })
}

/// Parses one record as the kernel wrote it.
///
/// # Errors
/// When the bytes are too short for the kind they claim, or the kind is unknown.
pub fn parse_record(bytes: &[u8]) -> Result<Event<'_>, RecordError> {
    let header: RecordHeader = read(bytes, 0).ok_or(RecordError::Short(bytes.len()))?;
    match header.kind {
        kind::SYSCALL | kind::SYSCALL_NO_RETURN => {
            parse_syscall(bytes, &header).map(Event::Syscall)
        }
        kind::THREAD_EXIT => {
            let rec: ExitRecord = read(bytes, 0).ok_or(RecordError::Short(bytes.len()))?;
            Ok(Event::Exit(ThreadExit {
                tid: header.tid,
                tgid: header.tgid,
                status: (rec.flags & exit_flags::EXIT_CODE_VALID != 0).then_some(rec.exit_code),
                time: header.ts_ns,
                last_call: header.aux.checked_sub(1),
            }))
        }
        kind::FORK => {
            let rec: ForkRecord = read(bytes, 0).ok_or(RecordError::Short(bytes.len()))?;
            Ok(Event::Fork(Fork {
                parent_tid: header.tid,
                parent_tgid: header.tgid,
                child_tid: rec.child_tid,
                child_tgid: rec.child_tgid,
            }))
        }
        kind::TARGET_ADDED => Ok(Event::TargetAdded {
            tid: header.tid,
            tgid: header.tgid,
        }),
        kind::SIGNAL => {
            let rec: SignalRecord = read(bytes, 0).ok_or(RecordError::Short(bytes.len()))?;
            let info_at = size_of::<RecordHeader>() + 8;
            Ok(Event::Signal(SignalDelivery {
                tid: header.tid,
                tgid: header.tgid,
                signo: i32::try_from(rec.signo).unwrap_or(i32::MAX),
                siginfo: (rec.flags & signal_flags::HAS_SIGINFO != 0)
                    .then(|| bytes.get(info_at..info_at + SIGINFO_SIZE))
                    .flatten(),
                held_by_call: rec.flags & signal_flags::HELD_BY_CALL != 0,
                time: header.ts_ns,
                last_call: header.aux.checked_sub(1),
            }))
        }
        kind::STACK => {
            let short = RecordError::Short(bytes.len());
            let ip: u64 = read(bytes, 24).ok_or(short.clone())?;
            let sp: u64 = read(bytes, 32).ok_or(short.clone())?;
            let bp: u64 = read(bytes, 40).ok_or(short.clone())?;
            let len: u64 = read(bytes, 48).ok_or(short.clone())?;
            // The record is as long as what was read; `len` says so too.
            let read = bytes.get(STACK_RECORD_DATA_OFFSET..).ok_or(short)?;
            let len = usize::try_from(len).unwrap_or(usize::MAX).min(STACK_BYTES);
            let stack = &read[..len.min(read.len())];
            Ok(Event::Stack(UserStack {
                tid: header.tid,
                tgid: header.tgid,
                ip,
                sp,
                bp,
                stack,
                at_enter: header.aux & stack_flags::AT_ENTER != 0,
            }))
        }
        kind::LONG_CAPTURE => {
            let short = RecordError::Short(bytes.len());
            let nr: u32 = read(bytes, 24).ok_or(short.clone())?;
            let len: u64 = read(bytes, 32).ok_or(short.clone())?;
            let read = bytes.get(LONG_CAPTURE_DATA_OFFSET..).ok_or(short)?;
            let len = usize::try_from(len)
                .unwrap_or(usize::MAX)
                .min(LONG_CAPTURE_BYTES);
            Ok(Event::LongCapture(LongCapture {
                tid: header.tid,
                tgid: header.tgid,
                nr,
                enter_time: header.ts_ns,
                slot: usize::try_from(header.aux).unwrap_or(usize::MAX),
                bytes: &read[..len.min(read.len())],
            }))
        }
        other => Err(RecordError::UnknownKind(other)),
    }
}

fn parse_syscall<'a>(
    bytes: &'a [u8],
    header: &RecordHeader,
) -> Result<SyscallEvent<'a>, RecordError> {
    // The fixed part as an array: reads at constant offsets in it cannot fail.
    let fixed: &[u8; SYSCALL_RECORD_DATA_OFFSET] =
        bytes.first_chunk().ok_or(RecordError::Short(bytes.len()))?;
    let short = || RecordError::Short(bytes.len());
    let nr: u32 = read(fixed, 24).ok_or_else(short)?;
    let flags: u32 = read(fixed, 28).ok_or_else(short)?;
    let ret: i64 = read(fixed, 32).ok_or_else(short)?;
    let args: [u64; 6] = read(fixed, 40).ok_or_else(short)?;
    let enter_time: u64 = read(fixed, 88).ok_or_else(short)?;
    let mut slots = [Capture::Empty; SLOT_COUNT];
    for (i, slot) in slots.iter_mut().enumerate() {
        let (Some(len), Some(status)) = (
            read::<u16>(fixed, 96 + i * 4),
            read::<u16>(fixed, 98 + i * 4),
        ) else {
            break;
        };
        let start = SYSCALL_RECORD_DATA_OFFSET + i * SLOT_SIZE;
        let len = usize::from(len).min(SLOT_SIZE);
        let data = bytes.get(start..start + len);
        *slot = match (status, data) {
            (slot_status::OK, Some(d)) => Capture::Data(d),
            (slot_status::TRUNCATED, Some(d)) => Capture::Truncated(d),
            (slot_status::FAULT, _) => Capture::Fault,
            _ => Capture::Empty,
        };
    }
    Ok(SyscallEvent {
        tid: header.tid,
        tgid: header.tgid,
        nr,
        args,
        ret,
        returns: header.kind == kind::SYSCALL,
        enter_missed: flags & record_flags::ENTER_MISSED != 0,
        process_exiting: flags & record_flags::PROCESS_EXITING != 0,
        enter_time,
        exit_time: header.ts_ns,
        made_inode: header.aux,
        slots,
    })
}

#[cfg(test)]
pub(crate) mod testing {
    //! Hand-made records for decoder tests.
    use rtrace_common::{RecordHeader, SLOT_COUNT, SlotMeta, SyscallRecord, kind, slot_status};

    /// Builds a syscall record as the kernel would, with `slots` as captured data.
    pub fn syscall_record(nr: u32, args: [u64; 6], ret: i64, slots: &[Option<&[u8]>]) -> Vec<u8> {
        let mut rec = SyscallRecord {
            header: RecordHeader {
                kind: kind::SYSCALL,
                tid: 42,
                tgid: 42,
                aux: 0,
                ts_ns: 2,
            },
            nr,
            flags: 0,
            ret,
            args,
            enter_time: 1,
            slots: [SlotMeta::default(); SLOT_COUNT],
            data: [[0; rtrace_common::SLOT_SIZE]; SLOT_COUNT],
        };
        for (i, s) in slots.iter().enumerate() {
            if let Some(bytes) = s {
                rec.data[i][..bytes.len()].copy_from_slice(bytes);
                rec.slots[i] = SlotMeta {
                    len: u16::try_from(bytes.len()).unwrap(),
                    status: slot_status::OK,
                };
            }
        }
        // SAFETY: SyscallRecord is plain data without padding holes.
        let bytes = unsafe {
            std::slice::from_raw_parts(
                std::ptr::from_ref(&rec).cast::<u8>(),
                std::mem::size_of::<SyscallRecord>(),
            )
        };
        bytes.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_syscall_record_with_slots() {
        let rec = testing::syscall_record(0, [3, 0x1000, 10, 0, 0, 0], 5, &[Some(b"hello")]);
        let Event::Syscall(ev) = parse_record(&rec).unwrap() else {
            panic!("not a syscall")
        };
        assert_eq!(ev.nr, 0);
        assert_eq!(ev.ret, 5);
        assert_eq!(ev.args[1], 0x1000);
        assert_eq!(ev.slots[0], Capture::Data(b"hello"));
        assert_eq!(ev.slots[1], Capture::Empty);
        assert!(ev.returns);
    }

    #[test]
    fn a_stack_record_gives_the_registers_and_the_bytes_read() {
        // As the kernel sends it: the fixed part, then the bytes read, 8-byte padded.
        let mut rec = vec![0u8; STACK_RECORD_DATA_OFFSET + 8];
        rec[..4].copy_from_slice(&kind::STACK.to_ne_bytes());
        rec[4..8].copy_from_slice(&7u32.to_ne_bytes());
        rec[8..12].copy_from_slice(&6u32.to_ne_bytes());
        rec[12..16].copy_from_slice(&stack_flags::AT_ENTER.to_ne_bytes());
        for (at, value) in [
            (24, 0x7f00_0000_1234u64),
            (32, 0x7ffd_0000),
            (40, 0x10),
            (48, 3),
        ] {
            rec[at..at + 8].copy_from_slice(&value.to_ne_bytes());
        }
        rec[STACK_RECORD_DATA_OFFSET..STACK_RECORD_DATA_OFFSET + 4].copy_from_slice(b"abcd");
        let Event::Stack(user) = parse_record(&rec).unwrap() else {
            panic!("not a stack")
        };
        assert_eq!((user.tid, user.tgid), (7, 6));
        assert_eq!(
            (user.ip, user.sp, user.bp),
            (0x7f00_0000_1234, 0x7ffd_0000, 0x10)
        );
        assert_eq!(user.stack, b"abc");
        assert!(user.at_enter);
        // A length past what the record holds is cut to it.
        rec[48..56].copy_from_slice(&u64::MAX.to_ne_bytes());
        let Event::Stack(user) = parse_record(&rec).unwrap() else {
            panic!("not a stack")
        };
        assert_eq!(user.stack.len(), 8);
        assert!(parse_record(&rec[..STACK_RECORD_DATA_OFFSET - 1]).is_err());
    }

    #[test]
    fn a_long_capture_names_its_call_and_slot() {
        let mut rec = vec![0u8; LONG_CAPTURE_DATA_OFFSET + 304];
        rec[..4].copy_from_slice(&kind::LONG_CAPTURE.to_ne_bytes());
        rec[4..8].copy_from_slice(&7u32.to_ne_bytes());
        rec[8..12].copy_from_slice(&6u32.to_ne_bytes());
        rec[12..16].copy_from_slice(&1u32.to_ne_bytes());
        rec[16..24].copy_from_slice(&99u64.to_ne_bytes());
        rec[24..28].copy_from_slice(&44u32.to_ne_bytes());
        rec[32..40].copy_from_slice(&300u64.to_ne_bytes());
        rec[LONG_CAPTURE_DATA_OFFSET..].fill(b'x');
        let Event::LongCapture(long) = parse_record(&rec).unwrap() else {
            panic!("not a long capture")
        };
        assert_eq!((long.tid, long.tgid, long.nr, long.slot), (7, 6, 44, 1));
        assert_eq!(long.bytes, [b'x'; 300]);
        let mut held = HeldCaptures::default();
        held.keep(&long);
        let mut call = testing::syscall_record(44, [0; 6], 300, &[Some(b"xx"), Some(b"yy")]);
        call[4..8].copy_from_slice(&7u32.to_ne_bytes());
        call[88..96].copy_from_slice(&99u64.to_ne_bytes());
        let Event::Syscall(ev) = parse_record(&call).unwrap() else {
            panic!("not a call")
        };
        // Another thread's call takes nothing.
        let other = SyscallEvent {
            tid: 8,
            ..ev.clone()
        };
        assert!(held.take(&other).is_empty());
        // Another call of the thread's (its record was lost) takes it, and is not given
        // the bytes.
        let later = SyscallEvent {
            enter_time: 100,
            ..ev.clone()
        };
        let taken = held.take(&later);
        assert_eq!(taken.len(), 1);
        let mut filled = later.clone();
        taken[0].fill(&mut filled);
        assert_eq!(filled.slots, later.slots);
        // Its own call has slot 1's bytes replaced.
        held.keep(&long);
        let taken = held.take(&ev);
        let mut filled = ev.clone();
        taken[0].fill(&mut filled);
        assert_eq!(filled.slots[0], Capture::Data(b"xx"));
        assert_eq!(filled.slots[1], Capture::Data(&[b'x'; 300]));
        assert!(held.take(&ev).is_empty());
        // A length past what the record holds is cut to it.
        rec[32..40].copy_from_slice(&u64::MAX.to_ne_bytes());
        let Event::LongCapture(long) = parse_record(&rec).unwrap() else {
            panic!("not a long capture")
        };
        assert_eq!(long.bytes.len(), 304);
    }

    #[test]
    fn short_records_are_errors_not_panics() {
        assert_eq!(parse_record(&[1, 0, 0]).unwrap_err(), RecordError::Short(3));
        let rec = testing::syscall_record(0, [0; 6], 0, &[]);
        for len in 0..200 {
            let _ = parse_record(&rec[..len]);
        }
    }
}
