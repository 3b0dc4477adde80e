//! The syscall table: one row per decoded syscall, naming how each argument prints,
//! what memory it needs captured, how the return value prints, and its classes.
//!
//! Rows are data. The same row drives both sides: [`capture_specs`] turns the rows'
//! capture requests into the `CAPTURE_SPECS` map the kernel programs read, and
//! [`super::format`] prints the record with the row's printers. A new decoder is a
//! new row and needs no eBPF change.

use std::sync::OnceLock;

use rtrace_common::{
    CaptureSpec, LONG_CAPTURE_BYTES, MAX_SYSCALLS, SLOT_COUNT, SLOT_SIZE, SlotSpec, capture_kind,
    capture_when, len_kind, spec_flags,
};
use syscalls::Sysno;

use super::{
    Call, DecodeOptions,
    dump::{self, Direction},
};
use crate::filter::TracedSet;

/// Syscall classes, as strace's `-e trace=%file` and friends name them.
pub mod class {
    pub const FILE: u16 = 1 << 0;
    pub const DESC: u16 = 1 << 1;
    pub const NETWORK: u16 = 1 << 2;
    pub const PROCESS: u16 = 1 << 3;
    pub const MEMORY: u16 = 1 << 4;
    pub const SIGNAL: u16 = 1 << 5;
    pub const IPC: u16 = 1 << 6;
    pub const CLOCK: u16 = 1 << 7;
}

/// How one argument prints.
#[derive(Clone, Copy)]
pub enum Print {
    /// `int`, signed decimal.
    Int,
    /// A process or thread id: with `-Y`, its name after it (`1234<php-fpm>`).
    Pid,
    /// `long`, signed decimal.
    Long,
    /// `unsigned int`.
    Uint,
    /// `unsigned long` / `size_t`.
    Ulong,
    /// `0x...` (or `0`).
    Hex,
    /// `NULL` or `0x...`.
    Ptr,
    /// A file descriptor.
    Fd,
    /// A directory fd of the `*at` calls: `AT_FDCWD` or a number.
    DirFd,
    /// A path or other string the kernel reads: printed whole (up to the slot).
    Path,
    /// A string limited by `-s`.
    Str,
    /// A buffer of bytes printed as a string, `len` bytes long, limited by `-s`; when
    /// `out` and the call failed, only the pointer prints.
    Buf { len: BufLen, out: bool },
    /// A printer of its own; it writes its separator with [`Call::next`] (and may
    /// print nothing at all, for arguments that only some calls have).
    Custom(fn(&mut Call<'_, '_>, usize)),
}

/// The length of a [`Print::Buf`] buffer, as the user sees it.
#[derive(Clone, Copy, Debug)]
pub enum BufLen {
    /// The value of argument N.
    Arg(u8),
    /// The return value.
    Ret,
}

/// Where a capture's length comes from.
#[derive(Clone, Copy, Debug)]
pub enum Len {
    /// A fixed number of bytes.
    Fixed(u32),
    /// Argument N times an element size.
    Arg(u8, u32),
    /// The return value times an element size.
    Ret(u32),
    /// The `u32` that argument N points to.
    DerefU32(u8),
    /// An `fd_set` of argument N bits.
    FdSetBits(u8),
}

/// The most bytes a capture keeps.
#[derive(Clone, Copy, Debug)]
pub enum Max {
    /// A whole slot.
    Slot,
    /// `-s` bytes (plus one, to know whether there was more).
    StrSize,
}

/// User memory an argument needs read; each takes one slot, in order.
#[derive(Clone, Copy, Debug)]
pub enum Cap {
    /// A NUL-terminated string, up to a slot.
    Path,
    /// A NUL-terminated string, up to `-s` bytes.
    Str,
    /// Bytes at the argument's pointer.
    Bytes { at_enter: bool, len: Len, max: Max },
    /// An iovec array of `len` entries and its buffers (takes the remaining slots).
    Iovec { len: Len },
    /// A `struct msghdr`, its name, iovecs and buffers (takes the remaining slots).
    Msghdr,
    /// A NULL-terminated array of string pointers (execve's argv), read at enter: the
    /// array in one slot, the strings packed into the `region` slots after it.
    StrArray { region: u8 },
    /// The number of pointers before the NULL of a pointer array (execve's envp), read
    /// at enter, as a `u32`.
    PtrCount,
    /// The number of directory entries in the `getdents` buffer the call filled (its
    /// return value in bytes), as a `u32`.
    DirentCount,
    /// `len` bytes at `offset` from the user stack pointer, read at enter
    /// (`rt_sigreturn`'s signal frame).
    Stack { offset: u16, len: u32 },
    /// `len` bytes at `offset` past the argument's pointer, read at exit: the rest of
    /// a struct longer than a slot (`struct utsname`).
    BytesAt { offset: u16, len: u32 },
}

impl Cap {
    /// Slots the capture takes.
    #[must_use]
    pub const fn width(self) -> usize {
        match self {
            Cap::StrArray { region } => 1 + region as usize,
            _ => 1,
        }
    }
}

/// One argument: how it prints and what it needs captured.
#[derive(Clone, Copy)]
pub struct Arg {
    pub print: Print,
    pub caps: &'static [Cap],
    /// The kernel fills it: a call shown before it returns (`<unfinished ...>`) stops
    /// before this argument, and the `<... resumed>` part starts with it.
    pub out: bool,
}

impl Arg {
    #[must_use]
    pub const fn plain(print: Print) -> Self {
        Arg {
            print,
            caps: &[],
            out: false,
        }
    }

    #[must_use]
    pub const fn with(print: Print, caps: &'static [Cap]) -> Self {
        Arg {
            print,
            caps,
            out: false,
        }
    }

    #[must_use]
    pub const fn custom(f: fn(&mut Call<'_, '_>, usize)) -> Self {
        Arg::plain(Print::Custom(f))
    }

    #[must_use]
    pub const fn custom_with(f: fn(&mut Call<'_, '_>, usize), caps: &'static [Cap]) -> Self {
        Arg {
            print: Print::Custom(f),
            caps,
            out: false,
        }
    }

    /// Marks an argument the kernel fills (see [`Arg::out`]).
    #[must_use]
    pub const fn output(self) -> Self {
        Arg { out: true, ..self }
    }

    /// Whether the kernel fills this argument: marked so, a buffer the kernel writes, or
    /// a capture whose length only the return value tells.
    #[must_use]
    pub fn is_output(&self) -> bool {
        self.out
            || matches!(self.print, Print::Buf { out: true, .. })
            || self.caps.iter().any(|c| {
                matches!(
                    c,
                    Cap::Bytes {
                        len: Len::Ret(_),
                        ..
                    } | Cap::Iovec { len: Len::Ret(_) }
                )
            })
    }
}

pub const INT: Arg = Arg::plain(Print::Int);
pub const PID: Arg = Arg::plain(Print::Pid);
pub const LONG: Arg = Arg::plain(Print::Long);
pub const UINT: Arg = Arg::plain(Print::Uint);
pub const ULONG: Arg = Arg::plain(Print::Ulong);
pub const HEX: Arg = Arg::plain(Print::Hex);
pub const PTR: Arg = Arg::plain(Print::Ptr);
pub const FD: Arg = Arg::plain(Print::Fd);
pub const DIRFD: Arg = Arg::plain(Print::DirFd);
pub const PATH: Arg = Arg::with(Print::Path, &[Cap::Path]);
pub const STR: Arg = Arg::with(Print::Str, &[Cap::Str]);

/// A buffer the kernel reads, `len` = argument N.
#[must_use]
pub const fn in_buf(len_arg: u8) -> Arg {
    Arg {
        out: false,
        print: Print::Buf {
            len: BufLen::Arg(len_arg),
            out: false,
        },
        caps: match len_arg {
            1 => &[Cap::Bytes {
                at_enter: false,
                len: Len::Arg(1, 1),
                max: Max::StrSize,
            }],
            2 => &[Cap::Bytes {
                at_enter: false,
                len: Len::Arg(2, 1),
                max: Max::StrSize,
            }],
            _ => &[Cap::Bytes {
                at_enter: false,
                len: Len::Arg(3, 1),
                max: Max::StrSize,
            }],
        },
    }
}

/// A buffer the kernel fills; its length is the return value.
pub const OUT_BUF: Arg = Arg {
    out: true,
    print: Print::Buf {
        len: BufLen::Ret,
        out: true,
    },
    caps: &[Cap::Bytes {
        at_enter: false,
        len: Len::Ret(1),
        max: Max::StrSize,
    }],
};

/// How the return value prints.
#[derive(Clone, Copy)]
pub enum Ret {
    /// Signed decimal.
    Int,
    /// A process or thread id, as [`Print::Pid`].
    Pid,
    /// `0x...`: addresses (`mmap`, `brk`).
    Hex,
    /// Never returns: `= ?`.
    NoReturn,
    /// A printer for the successful return (after `= `); errors print the usual way.
    Custom(fn(&mut Call<'_, '_>)),
}

/// One syscall's row.
#[derive(Clone, Copy)]
pub struct SyscallDef {
    pub sysno: Sysno,
    pub args: &'static [Arg],
    pub ret: Ret,
    pub class: u16,
}

/// A row with its captures placed in slots.
pub struct Compiled {
    pub def: &'static SyscallDef,
    /// First slot of each argument's captures; the entry after the last argument's is
    /// where its captures end.
    pub first_slot: [u8; 7],
}

/// Every decoded row, from each family's table.
fn all_defs() -> impl Iterator<Item = &'static SyscallDef> {
    super::families().iter().flat_map(|family| family.iter())
}

/// Compiles rows into a table indexed by syscall number.
fn compile(defs: impl Iterator<Item = &'static SyscallDef>) -> Vec<Option<Compiled>> {
    let mut t: Vec<Option<Compiled>> = (0..MAX_SYSCALLS).map(|_| None).collect();
    for def in defs {
        let nr = usize::try_from(def.sysno.id()).expect("syscall numbers are positive");
        let mut first_slot = [0u8; 7];
        let mut next = 0u8;
        for (i, arg) in def.args.iter().enumerate().take(6) {
            first_slot[i] = next;
            let width: usize = arg.caps.iter().map(|c| c.width()).sum();
            next += u8::try_from(width).expect("few captures per argument");
        }
        first_slot[def.args.len().min(6)] = next;
        assert!(
            usize::from(next) <= SLOT_COUNT,
            "{} captures too much",
            def.sysno.name()
        );
        if let Some(entry) = t.get_mut(nr) {
            assert!(entry.is_none(), "two rows for {}", def.sysno.name());
            *entry = Some(Compiled { def, first_slot });
        }
    }
    t
}

/// The compiled table, indexed by syscall number.
pub fn table() -> &'static [Option<Compiled>] {
    static TABLE: OnceLock<Vec<Option<Compiled>>> = OnceLock::new();
    TABLE.get_or_init(|| compile(all_defs()))
}

/// The table `-v` decodes with: the rows of [`super::unabbreviated_rows`] in place of
/// those for the same calls (they capture more of what `-v` prints).
fn unabbreviated_table() -> &'static [Option<Compiled>] {
    static TABLE: OnceLock<Vec<Option<Compiled>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let overrides = super::unabbreviated_rows();
        let replaced = |def: &&SyscallDef| overrides.iter().any(|o| o.sysno == def.sysno);
        compile(
            all_defs()
                .filter(|def| !replaced(def))
                .chain(overrides.iter()),
        )
    })
}

/// The table the options decode with.
#[must_use]
pub fn table_for(opts: &DecodeOptions) -> &'static [Option<Compiled>] {
    if opts.unabbreviated {
        unabbreviated_table()
    } else {
        table()
    }
}

/// The row for a syscall number, as the options decode it.
#[must_use]
pub fn lookup(nr: u32, opts: &DecodeOptions) -> Option<&'static Compiled> {
    table_for(opts).get(usize::try_from(nr).ok()?)?.as_ref()
}

fn len_spec(len: Len) -> (u8, u8, u32) {
    match len {
        Len::Fixed(n) => (len_kind::FIXED, 0, n),
        Len::Arg(a, size) => (len_kind::ARG, a, size),
        Len::Ret(size) => (len_kind::RET, 0, size),
        Len::DerefU32(a) => (len_kind::ARG_DEREF_U32, a, 1),
        Len::FdSetBits(a) => (len_kind::FD_SET_BITS, a, 1),
    }
}

fn slot_spec(cap: Cap, ptr_arg: u8, opts: &DecodeOptions) -> SlotSpec {
    let strsize = u32::try_from(opts.strsize.saturating_add(1)).unwrap_or(u32::MAX);
    #[expect(clippy::cast_possible_truncation, reason = "all three are small")]
    let (slot, long, path) = (
        SLOT_SIZE as u32,
        LONG_CAPTURE_BYTES as u32,
        rtrace_common::PATH_MAX as u32,
    );
    let (kind, when, ptr_arg, (len_kind, len_arg, elem_size), max) = match cap {
        // A path that fills its slot is read again, whole (see `LongPathRecord`).
        Cap::Path => (
            capture_kind::STR,
            capture_when::EXIT,
            ptr_arg,
            (0, 0, 0),
            path,
        ),
        Cap::Str => (
            capture_kind::STR,
            capture_when::EXIT,
            ptr_arg,
            (0, 0, 0),
            strsize.min(slot),
        ),
        Cap::Bytes { at_enter, len, max } => {
            let max = match max {
                Max::Slot => slot,
                // A buffer read at exit may be longer than its slot: the rest comes in
                // a record of its own (see `LongCaptureRecord`).
                Max::StrSize if !at_enter => strsize.min(long),
                Max::StrSize => strsize.min(slot),
            };
            let when = if at_enter {
                capture_when::ENTER
            } else {
                capture_when::EXIT
            };
            (capture_kind::BYTES, when, ptr_arg, len_spec(len), max)
        }
        // Each iovec's data up to -s: what a slot does not hold comes as for a buffer.
        Cap::Iovec { len } => (
            capture_kind::IOVEC,
            capture_when::EXIT,
            ptr_arg,
            len_spec(len),
            strsize.min(long),
        ),
        Cap::Msghdr => (
            capture_kind::MSGHDR,
            capture_when::EXIT,
            ptr_arg,
            (0, 0, 0),
            strsize.min(long),
        ),
        // Strings up to -s + 1 characters and their NUL: one more than printed tells
        // that a string was cut.
        Cap::Stack { len, .. } => (
            capture_kind::BYTES,
            capture_when::ENTER,
            rtrace_common::PTR_FROM_STACK,
            (len_kind::FIXED, 0, len),
            slot,
        ),
        Cap::BytesAt { len, .. } => (
            capture_kind::BYTES,
            capture_when::EXIT,
            ptr_arg,
            (len_kind::FIXED, 0, len),
            slot,
        ),
        Cap::PtrCount => (
            capture_kind::PTR_COUNT,
            capture_when::ENTER,
            ptr_arg,
            (0, 0, 0),
            slot,
        ),
        Cap::DirentCount => (
            capture_kind::DIRENT_COUNT,
            capture_when::EXIT,
            ptr_arg,
            (len_kind::RET, 0, 1),
            u32::MAX,
        ),
        Cap::StrArray { region } => (
            capture_kind::STR_ARRAY,
            capture_when::ENTER,
            ptr_arg,
            (0, 0, u32::from(region)),
            strsize.saturating_add(1).min(slot),
        ),
    };
    SlotSpec {
        kind,
        when,
        ptr_arg,
        len_kind,
        len_arg,
        _pad: 0,
        ptr_offset: match cap {
            Cap::Stack { offset, .. } | Cap::BytesAt { offset, .. } => offset,
            _ => 0,
        },
        elem_size,
        max,
    }
}

/// The capture spec of every syscall that needs one, for the kernel's `CAPTURE_SPECS`
/// map; calls outside `traced` are marked skipped, but for those `-y` must see.
#[must_use]
pub fn capture_specs(opts: &DecodeOptions, traced: &TracedSet) -> Vec<(u32, CaptureSpec)> {
    let mut specs = Vec::new();
    for (nr, entry) in table_for(opts).iter().enumerate() {
        let Some(compiled) = entry else { continue };
        let def = compiled.def;
        let mut spec = CaptureSpec::default();
        if matches!(def.ret, Ret::NoReturn) {
            spec.flags |= spec_flags::NO_RETURN;
        }
        for (i, arg) in def.args.iter().enumerate().take(6) {
            let mut next_slot = usize::from(compiled.first_slot[i]);
            for &cap in arg.caps {
                let slot = next_slot;
                next_slot += cap.width();
                #[expect(clippy::cast_possible_truncation, reason = "i < 6")]
                let s = slot_spec(cap, i as u8, opts);
                if s.when == capture_when::ENTER {
                    spec.flags |= spec_flags::HAS_ENTER_SLOTS;
                }
                assert!(
                    !matches!(cap, Cap::Iovec { .. } | Cap::Msghdr | Cap::DirentCount)
                        || slot < rtrace_common::WALKING_KINDS_BELOW_SLOT,
                    "{}: the kernel walks iovecs, msghdrs and dirents only in the first slots",
                    def.sysno.name()
                );
                assert!(
                    !matches!(cap, Cap::StrArray { .. } | Cap::PtrCount)
                        || s.when == capture_when::ENTER,
                    "{}: string arrays and pointer counts are read at enter",
                    def.sysno.name()
                );
                spec.slots[slot] = s;
                // A string array's region slots are filled with it: they are copied
                // from the enter stash at exit like their array slot.
                for region_slot in slot + 1..slot + cap.width() {
                    spec.slots[region_slot] = SlotSpec {
                        when: s.when,
                        ..SlotSpec::default()
                    };
                }
                // Iovec and msghdr captures fill the slots after their own.
                let used = if matches!(cap, Cap::Iovec { .. } | Cap::Msghdr) {
                    SLOT_COUNT
                } else {
                    slot + cap.width()
                };
                let used = u32::try_from(used).expect("few slots");
                spec.record_slots = spec.record_slots.max(used);
            }
        }
        if let Some(flag) = dump_flag(opts, u32::try_from(nr).expect("table is small")) {
            // The data is dumped whole, whatever -s says, on the descriptors asked for.
            spec.flags |= flag;
            for slot in &mut spec.slots {
                let data = [
                    capture_kind::BYTES,
                    capture_kind::IOVEC,
                    capture_kind::MSGHDR,
                ];
                if slot.ptr_arg == 1 && slot.when == capture_when::EXIT && data.contains(&slot.kind)
                {
                    #[expect(clippy::cast_possible_truncation, reason = "128 KiB")]
                    {
                        slot.max = LONG_CAPTURE_BYTES as u32;
                    }
                }
            }
        }
        if spec != CaptureSpec::default() {
            specs.push((u32::try_from(nr).expect("table is small"), spec));
        }
    }
    for (nrs, flag) in flagged_calls(opts, traced) {
        for nr in nrs {
            match specs.iter_mut().find(|(n, _)| *n == nr) {
                Some((_, spec)) => spec.flags |= flag,
                None => specs.push((
                    nr,
                    CaptureSpec {
                        flags: flag,
                        ..CaptureSpec::default()
                    },
                )),
            }
        }
    }
    specs
}

/// The flag that has the kernel send call `nr`'s data whole on the descriptors `-e read=`
/// or `-e write=` dumps, when a set asks for the call's direction.
fn dump_flag(opts: &DecodeOptions, nr: u32) -> Option<u32> {
    let dumps = opts.dumps.as_ref()?;
    [
        (Direction::Read, &dumps.read, spec_flags::DUMP_READ),
        (Direction::Write, &dumps.write, spec_flags::DUMP_WRITE),
    ]
    .into_iter()
    .find(|(direction, set, _)| !set.is_empty() && dump::direction(nr) == Some(*direction))
    .map(|(_, _, flag)| flag)
}

/// The calls each kernel-side flag applies to (see [`spec_flags`]), as the options ask.
fn flagged_calls(opts: &DecodeOptions, traced: &TracedSet) -> Vec<(Vec<u32>, u32)> {
    let numbers = |calls: &[Sysno]| -> Vec<u32> {
        calls
            .iter()
            .map(|s| u32::try_from(s.id()).expect("positive"))
            .collect()
    };
    let forks = numbers(&[Sysno::clone, Sysno::clone3, Sysno::fork, Sysno::vfork]);
    // execveat's path is relative to its descriptor; the exec's copy of it is not.
    let exec_path = numbers(&[Sysno::execve]);
    // -y: the kernel tells the inode numbers of the pipes and sockets calls make, which
    // /proc may no longer show when the line is decoded. (Their descriptors are the
    // first capture of the pair calls: slot 0.)
    // -yy: what accept made, what connect connected, and what listen made listen, is
    // kept by the kernel too, for sockets that close before their lines are decoded.
    let (kept_sockets, connected_sockets, listeners) = if opts
        .fd_paths
        .as_ref()
        .is_some_and(|p| p.describes_sockets())
    {
        (
            numbers(&[Sysno::accept, Sysno::accept4]),
            numbers(&[Sysno::connect]),
            numbers(&[Sysno::listen]),
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let (made_fds, made_pairs) = if opts.fd_paths.is_some() {
        (
            numbers(&[Sysno::socket, Sysno::accept, Sysno::accept4]),
            numbers(&[Sysno::pipe, Sysno::pipe2, Sysno::socketpair]),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    vec![
        (forks, spec_flags::FORKS),
        (exec_path, spec_flags::EXEC_PATH),
        (kept_sockets, spec_flags::RET_FD_SOCKET),
        (connected_sockets, spec_flags::ARG0_FD_SOCKET),
        (listeners, spec_flags::ARG0_FD_LISTENER),
        (made_fds, spec_flags::RET_FD_INODE),
        (made_pairs, spec_flags::SLOT0_FD_INODE),
        (
            traced
                .skipped()
                .filter(|&nr| opts.fd_paths.is_none() || !super::fdpath::tracks(nr))
                .filter(|&nr| opts.comms.is_none() || !super::comm::tracks(nr))
                .collect(),
            spec_flags::SKIP,
        ),
    ]
}
