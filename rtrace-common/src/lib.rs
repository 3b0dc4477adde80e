//! Wire types shared by the kernel programs and the daemon: the records that cross the
//! ring buffer and the capture specs that userspace writes into a map.
//!
//! Every type is `#[repr(C)]` with explicit padding and a size assertion, so that the
//! eBPF object and the daemon agree byte for byte. Decoders rely on the offsets of
//! [`RecordHeader`] (every record starts with one) and on [`SyscallRecord`]'s layout.
#![no_std]

use core::mem::size_of;

/// Capture slots in one syscall record.
pub const SLOT_COUNT: usize = 8;
/// Bytes in one capture slot (a path, a buffer prefix, a struct).
pub const SLOT_SIZE: usize = 256;
/// Entries in the per-syscall capture spec array (x86_64 numbers stay below this).
pub const MAX_SYSCALLS: u32 = 512;
/// Slots where the walking capture kinds (iovec, msghdr, dirent count) may start: the
/// kernel programs only handle them there, to keep the verifier's work small.
pub const WALKING_KINDS_BELOW_SLOT: usize = 2;

/// Most directory entries a [`capture_kind::DIRENT_COUNT`] capture counts.
pub const MAX_COUNTED_DIRENTS: usize = 1 << 16;
/// Most pointers a [`capture_kind::PTR_COUNT`] capture counts.
pub const MAX_COUNTED_POINTERS: usize = 1024;
/// Most iovecs whose array a capture reads (the array fills one slot).
pub const MAX_IOVECS: usize = SLOT_SIZE / 16;

/// What a record is; the first field of [`RecordHeader`].
pub mod kind {
    /// A syscall that returned: [`super::SyscallRecord`].
    pub const SYSCALL: u32 = 1;
    /// A syscall that does not return (`exit`, `exit_group`), sent at enter.
    pub const SYSCALL_NO_RETURN: u32 = 2;
    /// A thread exited: [`super::ExitRecord`].
    pub const THREAD_EXIT: u32 = 3;
    /// A traced task forked or spawned a thread: [`super::ForkRecord`].
    pub const FORK: u32 = 4;
    /// A signal was delivered to a traced thread: [`super::SignalRecord`].
    pub const SIGNAL: u32 = 5;
    /// A process joined the traced set because its name is watched (`-P`): the header
    /// names it. A bare [`super::RecordHeader`].
    pub const TARGET_ADDED: u32 = 6;
    /// The user stack of the call whose record follows, for `-k`: [`super::StackRecord`].
    pub const STACK: u32 = 7;
    /// A [`super::LongCaptureRecord`]: one buffer of the call whose record follows, as
    /// much of it as `-s` asks beyond a slot.
    pub const LONG_CAPTURE: u32 = 8;
}

/// First bytes of every record.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecordHeader {
    /// One of [`kind`].
    pub kind: u32,
    /// Thread id (kernel pid) of the task the record is about.
    pub tid: u32,
    /// Thread group id (userspace pid).
    pub tgid: u32,
    /// A word whose meaning depends on the kind: in syscall records, the inode number
    /// of the socket the call returned (see [`spec_flags::RET_FD_INODE`]), 0 when none;
    /// in signal and exit records, the number of the task's last syscall plus one (0:
    /// unknown), as strace's `-n` shows it on their lines; in the others, the CPU that
    /// produced the record.
    pub aux: u32,
    /// `bpf_ktime_get_ns` when the record was produced. In syscall records, the
    /// exit's, and only when [`STAMP_EXIT`] asks for it (0 otherwise); their enter's is
    /// [`SyscallRecord::enter_time`].
    pub ts_ns: u64,
}
const _: () = assert!(size_of::<RecordHeader>() == 24);

/// State of one capture slot in a record.
pub mod slot_status {
    /// Nothing captured (no spec for the slot, or a NULL pointer).
    pub const EMPTY: u16 = 0;
    /// `len` bytes captured; for strings the NUL was found and is not counted.
    pub const OK: u16 = 1;
    /// Reading user memory failed: print the pointer, as strace does.
    pub const FAULT: u16 = 2;
    /// A string filled the slot without a NUL: it is longer than what was read.
    pub const TRUNCATED: u16 = 3;
}

/// How much of a slot holds data.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotMeta {
    /// Bytes captured.
    pub len: u16,
    /// One of [`slot_status`].
    pub status: u16,
}
const _: () = assert!(size_of::<SlotMeta>() == 4);

/// Bits of [`SyscallRecord::flags`].
pub mod record_flags {
    /// The enter event was not seen (rtrace attached while the call was in progress):
    /// args were read from the saved registers at exit, and there is no duration.
    pub const ENTER_MISSED: u32 = 1;
    /// The call was cut short (`EINTR`, `ERESTART*`) because its process is exiting
    /// as a whole: killed, or another thread called `exit_group`. strace never sees
    /// such a call return, and prints `= ?`.
    pub const PROCESS_EXITING: u32 = 2;
}

/// One syscall, sent when it returns (or at enter for calls that never return).
///
/// The decoder reads `nr`, `ret`, `args` and the slots; slot `i` holds `slots[i].len`
/// bytes at `data[i]`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SyscallRecord {
    pub header: RecordHeader,
    /// Syscall number.
    pub nr: u32,
    /// [`record_flags`] bits.
    pub flags: u32,
    /// Return value as the kernel gave it (negative errno on failure).
    pub ret: i64,
    pub args: [u64; 6],
    /// When the call entered, on the clock [`CLOCK_JIFFIES`] chose; 0 when the enter
    /// was missed.
    pub enter_time: u64,
    pub slots: [SlotMeta; SLOT_COUNT],
    pub data: [[u8; SLOT_SIZE]; SLOT_COUNT],
}
const _: () = assert!(size_of::<SyscallRecord>() == 128 + SLOT_COUNT * SLOT_SIZE);

/// Offset of the slot data in a [`SyscallRecord`].
pub const SYSCALL_RECORD_DATA_OFFSET: usize = 128;

/// Bytes of a [`SyscallRecord`] carrying its first `slots` slots whole. A call fills
/// the slots of its size class (0, 1, 2, 4 or 8) and its record is sent up to the end
/// of the data of its last slot that holds any: the decoder finds a slot's data at its
/// place, and a shorter record has none in the slots past its end.
#[must_use]
pub const fn syscall_record_size(slots: usize) -> usize {
    SYSCALL_RECORD_DATA_OFFSET + slots * SLOT_SIZE
}

/// Bytes of user stack a [`StackRecord`] carries at most: strace's `-k` unwinds
/// through the whole stack of a stopped process, rtrace through what the kernel copied
/// at the call. A PHP-FPM worker reads its requests into a 64 KiB buffer on its stack,
/// and its `main` is ~75 KiB above the reads.
pub const STACK_BYTES: usize = 128 << 10;

/// A traced call's user registers and stack, for `-k`: sent just before the call's
/// [`SyscallRecord`], from the same thread, as long as its fixed part and the `len`
/// bytes read.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct StackRecord {
    pub header: RecordHeader,
    /// The user instruction pointer: the instruction after the `syscall`.
    pub ip: u64,
    /// The user stack pointer: `stack[0]` was read from this address.
    pub sp: u64,
    /// The user frame pointer.
    pub bp: u64,
    /// Bytes of `stack` read: up to [`STACK_BYTES`], fewer where the stack's mapping
    /// ends (page by page, from `sp` up).
    pub len: u64,
    /// The stack, with a page of room past [`STACK_BYTES`] that is never filled: the
    /// verifier bounds each page read by the array, not by what is left.
    pub stack: [u8; STACK_BYTES + STACK_PAGE],
}

/// Bits of a [`StackRecord`]'s `header.aux`.
pub mod stack_flags {
    /// Read as the call entered (an exec's: the program that made the call), not as it
    /// returned.
    pub const AT_ENTER: u32 = 1;
}

/// The page size the stack is read in.
pub const STACK_PAGE: usize = 4096;

/// Bytes of the fixed part of a [`StackRecord`], before `stack`.
pub const STACK_RECORD_DATA_OFFSET: usize = 56;
const _: () = assert!(core::mem::offset_of!(StackRecord, stack) == STACK_RECORD_DATA_OFFSET);

/// Bytes of one buffer a [`LongCaptureRecord`] carries at most: `-s` beyond a slot's
/// [`SLOT_SIZE`] reads up to this much of a `read`'s or a `write`'s data.
pub const LONG_CAPTURE_BYTES: usize = 128 << 10;

/// A buffer of a traced call, read as the call returned, when `-s` asks for more of it
/// than its slot holds (`strace -s 4096` shows the whole of a 1,000-byte request): sent
/// just before the call's [`SyscallRecord`], from the same thread, as long as its fixed
/// part and the `len` bytes read. The record's slot holds the first [`SLOT_SIZE`] bytes
/// as always; the decoder prints these instead. `header.aux` is the slot's index and
/// `header.ts_ns` the call's `enter_time`, which the decoder matches with `nr`.
///
/// `N` is its room: [`LONG_CAPTURE_BYTES`], or [`PATH_MAX`] for a [`LongPathRecord`].
#[repr(C)]
#[derive(Clone, Copy)]
pub struct LongCaptureRecord<const N: usize = LONG_CAPTURE_BYTES> {
    pub header: RecordHeader,
    /// Syscall number.
    pub nr: u32,
    pub _pad: u32,
    /// Bytes of `data` read (for a path, its NUL not counted): at most `N`.
    pub len: u64,
    pub data: [u8; N],
}

/// Bytes of the fixed part of a [`LongCaptureRecord`], before `data`.
pub const LONG_CAPTURE_DATA_OFFSET: usize = 40;
const _: () = assert!(core::mem::offset_of!(LongCaptureRecord, data) == LONG_CAPTURE_DATA_OFFSET);

/// Bytes of a path a [`LongPathRecord`] carries at most, its NUL included: the
/// kernel's `PATH_MAX`, which no path a call takes reaches.
pub const PATH_MAX: usize = 4096;

/// A path longer than its slot, read again whole as the call returned: strace prints a
/// path whole, whatever `-s` says. A long capture with room for [`PATH_MAX`] bytes,
/// sent the same way: before the call's record, for the slot that the path filled
/// without its NUL.
pub type LongPathRecord = LongCaptureRecord<PATH_MAX>;

/// Name of the kernel global of [`long_captures`] bits: which calls send the buffers
/// their specs ask more of than a slot holds in [`LongCaptureRecord`]s.
pub const LONG_CAPTURES: &str = "LONG_CAPTURES";

/// Bits of the [`LONG_CAPTURES`] global.
pub mod long_captures {
    /// Every call's (`-s` beyond a slot).
    pub const ALL: u32 = 1;
    /// The calls on the descriptors `-e read=` and `-e write=` dump (see
    /// [`super::DumpFds`]).
    pub const DUMPED: u32 = 2;
}

/// Descriptors below this are told apart in [`DumpFds`]; those from it up count as one.
pub const DUMP_FD_LIMIT: usize = 4096;

/// The descriptors whose data `-e read=SET` and `-e write=SET` dump: the kernel sends
/// the data of their calls whole, whatever `-s` says. A kernel global, set by the loader.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DumpFds {
    /// `[read, write]`: bit `fd % 64` of word `fd / 64` is set when `fd` is in the set.
    pub below: [[u64; DUMP_FD_LIMIT / 64]; 2],
    /// `[read, write]`: nonzero when the set has descriptors from [`DUMP_FD_LIMIT`] up.
    pub beyond: [u64; 2],
}

impl DumpFds {
    /// No descriptor in either set.
    pub const NONE: DumpFds = DumpFds {
        below: [[0; DUMP_FD_LIMIT / 64]; 2],
        beyond: [0; 2],
    };
}

/// A thread left the kernel (`sched_process_exit`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ExitRecord {
    pub header: RecordHeader,
    /// Wait status as `wait4` reports it (exit code << 8, or the signal number).
    pub exit_code: u32,
    /// [`exit_flags`] bits.
    pub flags: u32,
}

/// A traced task created another (`sched_process_fork`). The header names the parent.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ForkRecord {
    pub header: RecordHeader,
    pub child_tid: u32,
    pub child_tgid: u32,
}
const _: () = assert!(size_of::<ForkRecord>() == 32);

/// Bytes of a task's `comm`, the key of the watched-names map.
pub const COMM_LEN: usize = 16;

/// How a watched name matches a task's `comm` (the value in the watched-names map).
pub mod comm_match {
    /// The whole name.
    pub const EXACT: u8 = 1;
    /// The name starts with the key (a `NAME*` pattern).
    pub const PREFIX: u8 = 2;
}

/// Bytes of `struct kernel_siginfo`.
pub const SIGINFO_SIZE: usize = 48;

/// A signal delivered to a traced thread (`signal_deliver`): the header names it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SignalRecord {
    pub header: RecordHeader,
    pub signo: u32,
    /// [`signal_flags`] bits.
    pub flags: u32,
    /// `struct kernel_siginfo` as the kernel filled it.
    pub siginfo: [u8; SIGINFO_SIZE],
}
const _: () = assert!(size_of::<SignalRecord>() == 80);

/// Bits of [`SignalRecord::flags`].
pub mod signal_flags {
    /// `siginfo` was read (the kernel passes none for some signals).
    pub const HAS_SIGINFO: u32 = 1;
    /// Seen when sent, not delivered (the target ignores it), while the target was
    /// inside a syscall: strace shows it after that call returns.
    pub const HELD_BY_CALL: u32 = 2;
}

/// Bits of [`ExitRecord::flags`].
pub mod exit_flags {
    /// `exit_code` was read from the task (its offset was known).
    pub const EXIT_CODE_VALID: u32 = 1;
}
const _: () = assert!(size_of::<ExitRecord>() == 32);

/// What one capture slot reads.
pub mod capture_kind {
    pub const NONE: u8 = 0;
    /// A NUL-terminated string at the pointer, up to `max` bytes.
    pub const STR: u8 = 1;
    /// `len` bytes at the pointer (see [`super::len_kind`]), up to `max`.
    pub const BYTES: u8 = 2;
    /// An iovec array (`len` entries) into this slot, then each iovec's data, up to
    /// `max` bytes each, into the following slots.
    pub const IOVEC: u8 = 3;
    /// A `struct msghdr` into this slot, its `msg_name` into the next one, its iovec
    /// array into the one after, and the iovecs' data into the rest.
    pub const MSGHDR: u8 = 4;
    /// A NULL-terminated array of string pointers (execve's argv) into this slot, then
    /// the strings, NUL-terminated and packed, into the next `elem_size` slots, each
    /// string up to `max` bytes.
    pub const STR_ARRAY: u8 = 5;
    /// The number of pointers before the NULL of a pointer array (execve's envp), as a
    /// `u32` in the slot; [`super::slot_status::TRUNCATED`] past [`super::MAX_COUNTED_POINTERS`].
    pub const PTR_COUNT: u8 = 6;
    /// The number of directory entries in a `getdents` buffer of `len` bytes, walked by
    /// their `d_reclen`, as a `u32` in the slot; [`super::slot_status::TRUNCATED`] past
    /// [`super::MAX_COUNTED_DIRENTS`].
    pub const DIRENT_COUNT: u8 = 7;
}

/// Where the length of a capture comes from.
pub mod len_kind {
    /// `elem_size` bytes.
    pub const FIXED: u8 = 0;
    /// `args[len_arg] * elem_size`.
    pub const ARG: u8 = 1;
    /// `ret * elem_size` when the call succeeded.
    pub const RET: u8 = 2;
    /// The `u32` that `args[len_arg]` points to (socklen_t in/out arguments).
    pub const ARG_DEREF_U32: u8 = 3;
    /// Bytes of an fd_set with `args[len_arg]` bits: round up to whole longs.
    pub const FD_SET_BITS: u8 = 4;
}

/// When a capture reads user memory.
pub mod capture_when {
    /// At exit: the kernel filled the memory (or it is input the kernel has read).
    pub const EXIT: u8 = 0;
    /// At enter: input the kernel overwrites (select's fd_sets) or loses (execve).
    pub const ENTER: u8 = 1;
}

/// One slot of a [`CaptureSpec`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotSpec {
    /// One of [`capture_kind`].
    pub kind: u8,
    /// One of [`capture_when`].
    pub when: u8,
    /// Index of the argument that holds the pointer.
    pub ptr_arg: u8,
    /// One of [`len_kind`].
    pub len_kind: u8,
    /// Index of the argument the length comes from.
    pub len_arg: u8,
    pub _pad: u8,
    /// Added to the pointer; with [`PTR_FROM_STACK`] as `ptr_arg`, the offset from the
    /// user stack pointer at enter.
    pub ptr_offset: u16,
    /// Multiplier (or fixed size) for the length, in bytes.
    pub elem_size: u32,
    /// Most bytes to read: at most [`SLOT_SIZE`] into the slot. A [`capture_kind::BYTES`]
    /// slot read at exit may ask for up to [`LONG_CAPTURE_BYTES`]: the rest comes in a
    /// [`LongCaptureRecord`] when [`LONG_CAPTURES`] is set.
    pub max: u32,
}
const _: () = assert!(size_of::<SlotSpec>() == 16);

/// A [`SlotSpec::ptr_arg`] that means "the user stack pointer at enter" (plus
/// `ptr_offset`): `rt_sigreturn`'s signal frame. Read at enter only.
pub const PTR_FROM_STACK: u8 = 6;

/// Bits of [`CaptureSpec::flags`].
pub mod spec_flags {
    /// The call does not return: send the record at enter.
    pub const NO_RETURN: u32 = 1;
    /// Some slot reads at enter: stash it until exit.
    pub const HAS_ENTER_SLOTS: u32 = 2;
    /// The call creates a task (clone, fork...): its return in the child, which has
    /// no enter, is not a call of the child's and is not sent.
    pub const FORKS: u32 = 4;
    /// Not shown (`-e trace=`): the call is tracked while in flight (the stuck view
    /// sees it) but sends no record.
    pub const SKIP: u32 = 8;
    /// The call returns a new descriptor (`socket`, `accept`): the record's
    /// `header.aux` carries its file's inode number, read as the call returns. Pipe and
    /// socket inode numbers are 32-bit (`get_next_ino`).
    pub const RET_FD_INODE: u32 = 16;
    /// The call writes two new descriptors to user memory, captured as slot 0's 8
    /// bytes (`pipe`, `socketpair`): their inode numbers follow them in the slot.
    pub const SLOT0_FD_INODE: u32 = 32;
    /// The call's path argument is what exec keeps as `linux_binprm.filename`
    /// (`execve`): when enter could not read the path, the exec fills it in.
    pub const EXEC_PATH: u32 = 64;
    /// With [`RET_FD_INODE`], `-yy`: the returned socket's protocol and addresses are
    /// kept by inode in the `SOCKETS` map (`accept`).
    pub const RET_FD_SOCKET: u32 = 128;
    /// `-yy`: once the call has set the addresses of the socket in argument 0
    /// (`connect`), they are kept as for [`RET_FD_SOCKET`] (internet sockets only).
    pub const ARG0_FD_SOCKET: u32 = 256;
    /// `-yy`: once the call has made the socket in argument 0 a listener (`listen`),
    /// what it is is kept as for [`RET_FD_SOCKET`]: a server's listener closed before
    /// its `accept` lines are decoded.
    pub const ARG0_FD_LISTENER: u32 = 512;
    /// `-e read=SET`: the data the call reads from the descriptor in argument 0 comes
    /// whole (see [`super::LongCaptureRecord`]) when [`super::DumpFds`] has it.
    pub const DUMP_READ: u32 = 1024;
    /// `-e write=SET`: as [`DUMP_READ`], for the data the call writes.
    pub const DUMP_WRITE: u32 = 2048;
}

/// What to capture for one syscall number; userspace fills the `CAPTURE_SPECS` map
/// from its syscall table.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureSpec {
    /// [`spec_flags`] bits.
    pub flags: u32,
    /// Slots the record carries: one past the highest slot used. The kernel sends the
    /// smallest record size class that holds them.
    pub record_slots: u32,
    pub slots: [SlotSpec; SLOT_COUNT],
}
const _: () = assert!(size_of::<CaptureSpec>() == 8 + 16 * SLOT_COUNT);

/// Per-thread state between enter and exit: what each thread is inside of, and since
/// when. Kept in an array indexed by `tid & mask`; `tid` says whose entry it is (0 =
/// free), so two live threads that share a slot are told apart.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct InFlight {
    /// The thread in the call; 0 when the slot is free.
    pub tid: u32,
    /// Syscall number.
    pub nr: u32,
    pub args: [u64; 6],
    /// When the call entered, on the clock [`CLOCK_JIFFIES`] chose.
    pub enter_time: u64,
}
const _: () = assert!(size_of::<InFlight>() == 64);

/// Name of the kernel global that picks the clock of `enter_time`: nonzero for
/// `jiffies` (`bpf_jiffies64`, a load: what the stuck view and `--unfinished` need),
/// zero for nanoseconds (`bpf_ktime_get_ns`, a clock source read that costs as much as
/// the rest of a `sys_enter`).
pub const CLOCK_JIFFIES: &str = "CLOCK_JIFFIES";

/// Name of the kernel global that, nonzero, stamps each syscall record with its exit
/// time (`bpf_ktime_get_ns`), for `-T`. Zero otherwise: the clock read is not free.
pub const STAMP_EXIT: &str = "STAMP_EXIT";

/// Slots read at enter, kept per thread until exit.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct EnterCaptures {
    /// The call's arguments (captures index them; map memory allows that).
    pub args: [u64; 6],
    pub slots: [SlotMeta; SLOT_COUNT],
    pub data: [[u8; SLOT_SIZE]; SLOT_COUNT],
}
const _: () = assert!(size_of::<EnterCaptures>() == 48 + 32 + SLOT_COUNT * SLOT_SIZE);

/// A socket as `accept` made it or `connect` connected it, kept by inode in the
/// `SOCKETS` map for `-yy`: a connection that closes before its lines are decoded (a
/// FastCGI request's, a resolver's query) is gone from `sock_diag` by then.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SocketInfo {
    /// `AF_UNIX`, `AF_INET` or `AF_INET6` (others are not kept).
    pub family: u16,
    /// `SOCK_STREAM`, `SOCK_DGRAM`...
    pub kind: u16,
    /// `AF_INET` and `AF_INET6`: `IPPROTO_TCP`, `IPPROTO_UDP` or `IPPROTO_UDPLITE`.
    pub protocol: u16,
    /// `AF_INET` and `AF_INET6`: the local and remote ports, host order.
    pub local_port: u16,
    pub remote_port: u16,
    pub _pad: u16,
    /// `AF_UNIX`: the peer's inode number, 0 when none.
    pub peer_inode: u32,
    /// `AF_INET6`: the local and remote addresses, network order; `AF_INET`: their
    /// first 4 bytes.
    pub local_addr: [u8; 16],
    pub remote_addr: [u8; 16],
    /// `AF_UNIX`: bytes of `path` (the bound name, `sun_path`; 0 when unnamed).
    pub path_len: u32,
    pub path: [u8; 108],
}
const _: () = assert!(size_of::<SocketInfo>() == 160);

impl SocketInfo {
    /// Nothing known yet.
    pub const EMPTY: Self = Self {
        family: 0,
        kind: 0,
        protocol: 0,
        local_port: 0,
        remote_port: 0,
        _pad: 0,
        peer_inode: 0,
        local_addr: [0; 16],
        remote_addr: [0; 16],
        path_len: 0,
        path: [0; 108],
    };
}

/// Where the fields [`SocketInfo`] holds are, from the kernel's BTF; set by the loader
/// as the `SOCKET_OFFSETS` global. `file_private_data` 0: unknown, nothing is kept.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SocketOffsets {
    /// `file.private_data` (a socket's file points to its `struct socket`).
    pub file_private_data: u32,
    /// `socket.type` and `socket.sk`.
    pub socket_type: u32,
    pub socket_sk: u32,
    /// `socket_alloc.vfs_inode` less `socket_alloc.socket`: a socket's inode.
    pub socket_inode: u32,
    /// `sock_common.skc_family`, `skc_num`, `skc_dport`, `skc_rcv_saddr`, `skc_daddr`
    /// (`struct sock` begins with its `sock_common`), `sock.sk_socket` and
    /// `sock.sk_protocol`.
    pub sock_family: u32,
    pub sock_num: u32,
    pub sock_dport: u32,
    pub sock_rcv_saddr: u32,
    pub sock_daddr: u32,
    pub sock_socket: u32,
    pub sock_protocol: u32,
    /// `sock_common.skc_v6_rcv_saddr` and `skc_v6_daddr`; 0 in a kernel without IPv6.
    pub sock_v6_rcv_saddr: u32,
    pub sock_v6_daddr: u32,
    /// `unix_sock.addr` and `unix_sock.peer`; `unix_address.len` and `unix_address.name`.
    pub unix_addr: u32,
    pub unix_peer: u32,
    pub unix_address_len: u32,
    pub unix_address_name: u32,
    /// `inode.i_ino`.
    pub inode_ino: u32,
}

/// rtrace's PID namespace, and where a task's number in it is (offsets from the kernel's
/// BTF); set by the loader as the `PID_NS` global. `ino` 0: rtrace runs in the initial
/// namespace, and ids are the kernel's. Otherwise (a container's tools, a pod's
/// sidecar) ids are that namespace's, as /proc shows them to rtrace, and tasks outside
/// it are not traced.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PidNamespace {
    /// `/proc/self/ns/pid`'s inode and device numbers.
    pub ino: u32,
    pub dev: u32,
    /// `task_struct.thread_pid` and `task_struct.group_leader`.
    pub task_thread_pid: u32,
    pub task_group_leader: u32,
    /// `pid.level` and `pid.numbers` (`struct upid` each: `upid.nr` first, `upid.ns`).
    pub pid_level: u32,
    pub pid_numbers: u32,
    pub upid_size: u32,
    pub upid_ns: u32,
    /// `pid_namespace.ns.inum`.
    pub ns_inum: u32,
}

/// Thread groups per entry of the `TARGETS` array, a byte each.
pub const TARGETS_PER_ENTRY: u32 = 64;

/// Indexes into the per-CPU counters array.
pub mod counter {
    /// Records lost because the ring buffer was full.
    pub const LOST: u32 = 0;
    /// In-flight entries overwritten by another thread sharing the slot (the call is
    /// still printed, from the registers at exit, without its enter time).
    pub const INFLIGHT_COLLISIONS: u32 = 1;
    /// Records submitted on this CPU: the ring's fill is looked at every
    /// `WAKEUP_CHECK_EVERY`th (a read of positions the reader writes as it consumes).
    pub const SUBMITTED: u32 = 2;
    /// Not a count: the jiffy of this CPU's last forced wakeup of the reader.
    pub const LAST_WAKEUP: u32 = 3;
    pub const COUNT: u32 = 4;
}

#[cfg(feature = "user")]
mod pod {
    // SAFETY: each type is repr(C), made only of integers and arrays of integers, with
    // explicit padding fields, so every bit pattern is valid.
    unsafe impl aya::Pod for super::CaptureSpec {}
    unsafe impl aya::Pod for super::SocketInfo {}
    unsafe impl aya::Pod for super::SocketOffsets {}
    unsafe impl aya::Pod for super::PidNamespace {}
    unsafe impl aya::Pod for super::DumpFds {}
}
