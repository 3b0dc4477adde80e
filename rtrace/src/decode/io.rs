//! Reading and writing descriptors: read/write and their positioned and vector forms,
//! seeking, duplicating, pipes, `fcntl`, `ioctl`, directory reads and in-kernel copies.

use super::{
    Call, Capture,
    fs::{
        bracketed_int, flags_dflt, i16_at, i32_at, i64_at, struct_cap, u16_at, u32_at, u64_at,
        write_open_flags, xval,
    },
    table::{Arg, Cap, FD, LONG, Len, Max, OUT_BUF, Ret, SyscallDef, UINT, ULONG, class, in_buf},
    text,
    xlat::{OPEN_FLAGS, SEEK_WHENCE},
};
use crate::xlat;
use syscalls::Sysno;

xlat! {
    /// `dup3` flags.
    pub DUP3_FLAGS { O_CLOEXEC }
}

xlat! {
    /// `splice`/`tee` flags, `include/linux/splice.h`.
    pub SPLICE_FLAGS { SPLICE_F_MOVE, SPLICE_F_NONBLOCK, SPLICE_F_MORE, SPLICE_F_GIFT }
}

xlat! {
    /// `fallocate` modes, `include/uapi/linux/falloc.h`.
    pub FALLOC_FLAGS {
        FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_NO_HIDE_STALE = 4,
        FALLOC_FL_COLLAPSE_RANGE, FALLOC_FL_ZERO_RANGE, FALLOC_FL_INSERT_RANGE,
        FALLOC_FL_UNSHARE_RANGE,
    }
}

xlat! {
    /// `fadvise64` advice, `include/uapi/linux/fadvise.h` (`x86_64` values).
    pub FADVISE_ADVICE {
        POSIX_FADV_NORMAL, POSIX_FADV_RANDOM, POSIX_FADV_SEQUENTIAL, POSIX_FADV_WILLNEED,
        POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE,
    }
}

xlat! {
    /// `preadv2`/`pwritev2` flags, `include/uapi/linux/fs.h`.
    pub RWF_FLAGS { RWF_HIPRI, RWF_DSYNC, RWF_SYNC, RWF_NOWAIT, RWF_APPEND }
}

xlat! {
    /// `fcntl` commands, `include/uapi/asm-generic/fcntl.h` and `linux/fcntl.h`.
    pub FCNTL_CMDS {
        F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETLK, F_SETLK, F_SETLKW, F_SETOWN,
        F_GETOWN, F_SETSIG = 10, F_GETSIG = 11, F_SETOWN_EX = 15, F_GETOWN_EX = 16,
        F_GETOWNER_UIDS = 17, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_SETLEASE,
        F_GETLEASE, F_NOTIFY, F_DUPFD_CLOEXEC, F_SETPIPE_SZ, F_GETPIPE_SZ, F_ADD_SEALS,
        F_GET_SEALS, F_GET_RW_HINT = 1035, F_SET_RW_HINT = 1036, F_GET_FILE_RW_HINT = 1037,
        F_SET_FILE_RW_HINT = 1038,
    }
}

xlat! {
    /// `fcntl` descriptor flags.
    pub FD_FLAGS { FD_CLOEXEC }
}

xlat! {
    /// Lock types of `struct flock` and leases.
    pub LOCK_TYPES { F_RDLCK, F_WRLCK, F_UNLCK }
}

xlat! {
    /// `F_NOTIFY` events, `include/uapi/linux/fcntl.h`.
    pub DNOTIFY_FLAGS {
        DN_ACCESS = 0x1, DN_MODIFY = 0x2, DN_CREATE = 0x4, DN_DELETE = 0x8, DN_RENAME = 0x10,
        DN_ATTRIB = 0x20, DN_MULTISHOT = 0x8000_0000_u32,
    }
}

xlat! {
    /// File seals, `include/uapi/linux/fcntl.h`.
    pub SEALS {
        F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_WRITE, F_SEAL_FUTURE_WRITE,
        F_SEAL_EXEC,
    }
}

xlat! {
    /// `F_SETOWN_EX` owner types.
    pub OWNER_TYPES { F_OWNER_TID = 0, F_OWNER_PID = 1, F_OWNER_PGRP = 2 }
}

// ---------------------------------------------------------------------------------
// Vectors.

/// How an iovec array's buffers print.
#[derive(Clone, Copy)]
enum IovData {
    /// Input to the kernel: every buffer, whatever the result.
    Written,
    /// Filled by the kernel: the return value spread over the buffers; only the
    /// pointers when the call failed.
    Read,
}

/// An iovec array: `[{iov_base="hello", iov_len=5}, ...]`; its count is the next arg.
fn iovecs(call: &mut Call<'_, '_>, i: usize, data: IovData) {
    call.next();
    let ptr = call.arg(i);
    #[expect(clippy::cast_possible_truncation, reason = "iovcnt is an int")]
    let count = call.arg(i + 1) as u32 as usize;
    let arr = call.capture(i, 0);
    let Some(arr) = arr.bytes().filter(|_| ptr != 0) else {
        call.pointer(ptr);
        return;
    };
    let decode = match data {
        IovData::Written => true,
        IovData::Read => !call.failed(),
    };
    let mut remaining = match data {
        IovData::Written => u64::MAX,
        #[expect(clippy::cast_sign_loss, reason = "checked non-negative")]
        IovData::Read => call.ret().max(0) as u64,
    };
    call.out.push(b'[');
    let shown = count.min(arr.len() / 16).min(call.max_elements());
    for j in 0..shown {
        let (Some(base), Some(len)) = (u64_at(arr, j * 16), u64_at(arr, j * 16 + 8)) else {
            break;
        };
        if j > 0 {
            call.put(", ");
        }
        call.put("{iov_base=");
        if decode && base != 0 {
            let n = len.min(remaining);
            remaining -= n;
            let total = usize::try_from(n).unwrap_or(usize::MAX);
            match call.capture(i, 1 + j).bytes() {
                Some(b) => call.quoted_buf(b, total),
                None if total == 0 => call.quoted_buf(&[], 0),
                None => call.pointer(base),
            }
        } else {
            call.pointer(base);
        }
        call.put(", iov_len=");
        text::decimal(call.out, len);
        call.out.push(b'}');
    }
    if count > shown {
        if shown > 0 {
            call.put(", ");
        }
        call.put("...");
    }
    call.out.push(b']');
}

fn written_iovecs(call: &mut Call<'_, '_>, i: usize) {
    iovecs(call, i, IovData::Written);
}

fn read_iovecs(call: &mut Call<'_, '_>, i: usize) {
    iovecs(call, i, IovData::Read);
}

const IOVEC_CAPS: &[Cap] = &[Cap::Iovec {
    len: Len::Arg(2, 1),
}];
const READ_IOV: Arg = Arg::custom_with(read_iovecs, IOVEC_CAPS);
const WRITE_IOV: Arg = Arg::custom_with(written_iovecs, IOVEC_CAPS);

/// An argument strace does not print (`preadv2`'s high offset word).
fn hidden(_: &mut Call<'_, '_>, _: usize) {}

fn rwf_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &RWF_FLAGS, call.arg(i) & 0xffff_ffff, "RWF_???");
}

// ---------------------------------------------------------------------------------
// Seeks, dups, pipes, copies.

fn whence(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(
        call.out,
        &SEEK_WHENCE,
        call.arg(i) & 0xffff_ffff,
        "SEEK_???",
    );
}

fn dup3_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &DUP3_FLAGS, call.arg(i) & 0xffff_ffff, "O_???");
}

fn pipe_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &OPEN_FLAGS, call.arg(i) & 0xffff_ffff, "O_???");
}

/// The two descriptors `pipe` wrote: `[3, 4]`.
fn pipe_fds(call: &mut Call<'_, '_>, i: usize) {
    call.new_fd_pair(i, "pipe:");
}

/// Writes `[N]` from a captured `loff_t`, or the pointer.
fn bracketed_i64(call: &mut Call<'_, '_>, bytes: Option<&[u8]>, ptr: u64) {
    match bytes.and_then(|b| i64_at(b, 0)) {
        Some(v) if ptr != 0 => {
            call.out.push(b'[');
            text::decimal(call.out, v);
            call.out.push(b']');
        }
        _ => call.pointer(ptr),
    }
}

/// An offset the kernel reads and does not report back: `[7]` (as it was at entry).
fn offset_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let b = call.capture(i, 0).bytes();
    bracketed_i64(call, b, ptr);
}

/// `sendfile`'s offset: `[3] => [8]` when the call moved it.
fn offset_in_out(call: &mut Call<'_, '_>, i: usize) {
    offset_in(call, i);
    let ptr = call.arg(i);
    if ptr != 0 && !call.failed() && call.ret() != 0 {
        let after = call.capture(i, 1).bytes();
        call.put(" => ");
        bracketed_i64(call, after, ptr);
    }
}

const OFF_AT_ENTER: Cap = Cap::Bytes {
    at_enter: true,
    len: Len::Fixed(8),
    max: Max::Slot,
};
const OFFSET_IN: Arg = Arg::custom_with(offset_in, &[OFF_AT_ENTER]);
const OFFSET_IN_OUT: Arg = Arg::custom_with(offset_in_out, &[OFF_AT_ENTER, struct_cap(8)]);

fn splice_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &SPLICE_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "SPLICE_F_???",
    );
}

fn falloc_mode(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &FALLOC_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "FALLOC_FL_???",
    );
}

xlat! {
    /// `sync_file_range` flags, `include/uapi/linux/fs.h`.
    pub SYNC_FILE_RANGE_FLAGS {
        SYNC_FILE_RANGE_WAIT_BEFORE = 1, SYNC_FILE_RANGE_WRITE = 2,
        SYNC_FILE_RANGE_WAIT_AFTER = 4,
    }
}

fn sync_file_range_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &SYNC_FILE_RANGE_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "SYNC_FILE_RANGE_???",
    );
}

fn fadvise(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(
        call.out,
        &FADVISE_ADVICE,
        call.arg(i) & 0xffff_ffff,
        "POSIX_FADV_???",
    );
}

// ---------------------------------------------------------------------------------
// getdents.

/// A directory buffer: `0x55... /* 4 entries */`, with the count of entries the kernel
/// program made by walking their `d_reclen` (at offset 16 in both `linux_dirent` and
/// `linux_dirent64`).
fn dirents(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    call.pointer(ptr);
    if call.failed() {
        return;
    }
    let count = match call.capture(i, 0) {
        Capture::Data(b) => u32_at(b, 0),
        // Nothing read: the call returned no entries.
        Capture::Empty if call.ret() == 0 => Some(0),
        _ => None,
    };
    if let Some(count) = count {
        call.put(" /* ");
        text::decimal(call.out, count);
        call.put(" entries */");
    }
}

const DIRENTS: Arg = Arg::custom_with(dirents, &[Cap::DirentCount]).output();

// ---------------------------------------------------------------------------------
// fcntl.

/// `struct flock` of `x86_64`: `l_type`, `l_whence` (shorts), `l_start`, `l_len`, `l_pid`.
fn write_flock(call: &mut Call<'_, '_>, b: &[u8], with_pid: bool) -> Option<()> {
    let (kind, whence) = (i16_at(b, 0)?, i16_at(b, 2)?);
    let (start, len, pid) = (i64_at(b, 8)?, i64_at(b, 16)?, i32_at(b, 24)?);
    call.put("{l_type=");
    #[expect(clippy::cast_sign_loss, reason = "values print as unsigned hex")]
    xval(call.out, &LOCK_TYPES, u64::from(kind as u16), "F_???");
    call.put(", l_whence=");
    #[expect(clippy::cast_sign_loss, reason = "values print as unsigned hex")]
    xval(call.out, &SEEK_WHENCE, u64::from(whence as u16), "SEEK_???");
    call.put(", l_start=");
    text::decimal(call.out, start);
    call.put(", l_len=");
    text::decimal(call.out, len);
    if with_pid {
        call.put(", l_pid=");
        text::decimal(call.out, pid);
    }
    call.out.push(b'}');
    Some(())
}

/// `fcntl` commands as the argument register holds them.
mod cmd {
    pub const DUPFD: u64 = libc::F_DUPFD as u64;
    pub const GETFD: u64 = libc::F_GETFD as u64;
    pub const SETFD: u64 = libc::F_SETFD as u64;
    pub const GETFL: u64 = libc::F_GETFL as u64;
    pub const SETFL: u64 = libc::F_SETFL as u64;
    pub const GETLK: u64 = libc::F_GETLK as u64;
    pub const SETLK: u64 = libc::F_SETLK as u64;
    pub const SETLKW: u64 = libc::F_SETLKW as u64;
    pub const SETOWN: u64 = libc::F_SETOWN as u64;
    pub const GETOWN: u64 = libc::F_GETOWN as u64;
    pub const SETSIG: u64 = 10;
    pub const GETSIG: u64 = 11;
    pub const SETOWN_EX: u64 = 15;
    pub const GETOWN_EX: u64 = 16;
    pub const OFD_GETLK: u64 = libc::F_OFD_GETLK as u64;
    pub const OFD_SETLK: u64 = libc::F_OFD_SETLK as u64;
    pub const OFD_SETLKW: u64 = libc::F_OFD_SETLKW as u64;
    pub const SETLEASE: u64 = libc::F_SETLEASE as u64;
    pub const GETLEASE: u64 = libc::F_GETLEASE as u64;
    pub const NOTIFY: u64 = libc::F_NOTIFY as u64;
    pub const DUPFD_CLOEXEC: u64 = libc::F_DUPFD_CLOEXEC as u64;
    pub const SETPIPE_SZ: u64 = libc::F_SETPIPE_SZ as u64;
    pub const GETPIPE_SZ: u64 = libc::F_GETPIPE_SZ as u64;
    pub const ADD_SEALS: u64 = libc::F_ADD_SEALS as u64;
    pub const GET_SEALS: u64 = libc::F_GET_SEALS as u64;
}

fn fcntl_cmd(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(call.out, &FCNTL_CMDS, call.arg(i) & 0xffff_ffff, "F_???");
}

/// `fcntl`'s third argument, as its command reads it (nothing for the `F_GET*` ones).
fn fcntl_arg(call: &mut Call<'_, '_>, i: usize) {
    let v = call.arg(i);
    let low = v & 0xffff_ffff;
    match call.arg(i - 1) & 0xffff_ffff {
        cmd::GETFD
        | cmd::GETFL
        | cmd::GETOWN
        | cmd::GETSIG
        | cmd::GETLEASE
        | cmd::GETPIPE_SZ
        | cmd::GET_SEALS => {}
        cmd::SETFD => {
            call.next();
            flags_dflt(call.out, &FD_FLAGS, low, "FD_???");
        }
        cmd::SETFL => {
            call.next();
            text::composite(call.out, text::Number::Hex(low), |out| {
                write_open_flags(out, low);
            });
        }
        cmd::DUPFD | cmd::DUPFD_CLOEXEC | cmd::SETOWN | cmd::SETPIPE_SZ => {
            call.next();
            text::decimal(call.out, call.arg_int(i));
        }
        cmd::SETSIG => {
            call.next();
            text::symbol(
                call.out,
                &super::signal::SIGNALS,
                low,
                text::Fallback::Decimal,
            );
        }
        cmd::SETLEASE => {
            call.next();
            xval(call.out, &LOCK_TYPES, low, "F_???");
        }
        cmd::NOTIFY => {
            call.next();
            flags_dflt(call.out, &DNOTIFY_FLAGS, low, "DN_???");
        }
        cmd::ADD_SEALS => {
            call.next();
            flags_dflt(call.out, &SEALS, low, "F_SEAL_???");
        }
        c @ (cmd::SETLK
        | cmd::SETLKW
        | cmd::OFD_SETLK
        | cmd::OFD_SETLKW
        | cmd::GETLK
        | cmd::OFD_GETLK) => {
            call.next();
            let out_param = c == cmd::GETLK || c == cmd::OFD_GETLK;
            let cap = call.capture(i, 0);
            let printed = match cap.bytes() {
                Some(b) if v != 0 && !(out_param && call.failed()) => {
                    write_flock(call, b, out_param).is_some()
                }
                _ => false,
            };
            if !printed {
                call.pointer(v);
            }
        }
        c @ (cmd::SETOWN_EX | cmd::GETOWN_EX) => {
            call.next();
            let cap = call.capture(i, 0);
            let owner = cap
                .bytes()
                .and_then(|b| Some((i32_at(b, 0)?, i32_at(b, 4)?)));
            match owner {
                Some((kind, pid)) if v != 0 && !(c == cmd::GETOWN_EX && call.failed()) => {
                    call.put("{type=");
                    #[expect(clippy::cast_sign_loss, reason = "prints as unsigned hex")]
                    xval(
                        call.out,
                        &OWNER_TYPES,
                        u64::from(kind as u32),
                        "F_OWNER_???",
                    );
                    call.put(", pid=");
                    text::decimal(call.out, pid);
                    call.out.push(b'}');
                }
                _ => call.pointer(v),
            }
        }
        _ => {
            call.next();
            text::hex(call.out, v);
        }
    }
}

/// `fcntl`'s return: `0x8002 (flags O_RDWR|O_LARGEFILE)` for `F_GETFL` and friends.
fn fcntl_ret(call: &mut Call<'_, '_>) {
    #[expect(clippy::cast_sign_loss, reason = "flag results print unsigned")]
    let v = call.ret() as u64;
    match call.arg(1) & 0xffff_ffff {
        cmd::GETFL => {
            text::hex(call.out, v);
            call.put(" (flags ");
            // strace names these flags whatever -X says.
            let _names = text::use_style(text::XlatStyle::Abbrev);
            write_open_flags(call.out, v);
            call.out.push(b')');
        }
        cmd::GETFD if v != 0 => {
            text::hex(call.out, v);
            call.put(" (flags ");
            flags_dflt(call.out, &FD_FLAGS, v, "FD_???");
            call.out.push(b')');
        }
        cmd::GET_SEALS if v != 0 => {
            text::hex(call.out, v);
            call.put(" (seals ");
            flags_dflt(call.out, &SEALS, v, "F_SEAL_???");
            call.out.push(b')');
        }
        cmd::GETLEASE => {
            text::hex(call.out, v);
            if let Some(name) = LOCK_TYPES.name(v) {
                call.put(" (");
                call.put(name);
                call.out.push(b')');
            }
        }
        _ => text::decimal(call.out, call.ret()),
    }
}

// ---------------------------------------------------------------------------------
// ioctl.

/// How an `ioctl` request's argument prints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IoctlArg {
    /// No argument.
    None,
    /// An `int` value.
    Int,
    /// A value strace names the request for but does not decode: the argument in hex,
    /// as for requests it does not know.
    Hex,
    /// An `int` the kernel reads: `[1]`.
    InInt,
    /// An `int` the kernel writes: `[0]`, or the pointer on failure.
    OutInt,
    /// A terminal's settings the kernel reads or writes, in one of its layouts.
    Termios { out: bool, layout: TermLayout },
    /// Modem line bits the kernel reads or writes: `[TIOCM_DTR|TIOCM_RTS]`.
    ModemBits { out: bool },
    /// A `struct winsize` the kernel reads or writes.
    Winsize { out: bool },
    /// `TCFLSH`'s queue selector.
    Flush,
    /// `TCXONC`'s action.
    FlowAction,
    /// Inode flags (`FS_IOC_GETFLAGS` writes them, `FS_IOC_SETFLAGS` reads them).
    InodeFlags { out: bool },
}

/// The structures terminal settings come in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TermLayout {
    /// The kernel's `struct termios`: 32-bit flags, 19 control characters (`TCGETS`).
    Termios,
    /// `struct termios2`: a `termios` and the input and output speeds (`TCGETS2`).
    Termios2,
    /// The old `struct termio`: 16-bit flags, 8 control characters (`TCGETA`).
    Termio,
}

/// A request whose argument is terminal settings.
#[expect(clippy::cast_possible_truncation, reason = "ioctl requests are 32-bit")]
const fn termios(
    code: libc::Ioctl,
    name: &'static str,
    out: bool,
    layout: TermLayout,
) -> (u32, &'static str, IoctlArg) {
    (code as u32, name, IoctlArg::Termios { out, layout })
}

/// A request whose argument is modem line bits.
#[expect(clippy::cast_possible_truncation, reason = "ioctl requests are 32-bit")]
const fn modem(code: libc::Ioctl, name: &'static str, out: bool) -> (u32, &'static str, IoctlArg) {
    (code as u32, name, IoctlArg::ModemBits { out })
}

/// Known requests: the value, strace's name, and how the argument prints.
#[expect(clippy::cast_possible_truncation, reason = "ioctl requests are 32-bit")]
const IOCTLS: &[(u32, &str, IoctlArg)] = &[
    termios(libc::TCGETS, "TCGETS", true, TermLayout::Termios),
    termios(
        libc::TCSETS,
        "SNDCTL_TMR_START or TCSETS",
        false,
        TermLayout::Termios,
    ),
    termios(
        libc::TCSETSW,
        "SNDCTL_TMR_STOP or TCSETSW",
        false,
        TermLayout::Termios,
    ),
    termios(
        libc::TCSETSF,
        "SNDCTL_TMR_CONTINUE or TCSETSF",
        false,
        TermLayout::Termios,
    ),
    termios(libc::TCGETS2, "TCGETS2", true, TermLayout::Termios2),
    termios(libc::TCSETS2, "TCSETS2", false, TermLayout::Termios2),
    termios(libc::TCSETSW2, "TCSETSW2", false, TermLayout::Termios2),
    termios(libc::TCSETSF2, "TCSETSF2", false, TermLayout::Termios2),
    termios(libc::TCGETA, "TCGETA", true, TermLayout::Termio),
    termios(libc::TCSETA, "TCSETA", false, TermLayout::Termio),
    termios(libc::TCSETAW, "TCSETAW", false, TermLayout::Termio),
    termios(libc::TCSETAF, "TCSETAF", false, TermLayout::Termio),
    modem(libc::TIOCMGET, "TIOCMGET", true),
    modem(libc::TIOCMSET, "TIOCMSET", false),
    modem(libc::TIOCMBIS, "TIOCMBIS", false),
    modem(libc::TIOCMBIC, "TIOCMBIC", false),
    (
        libc::TIOCGWINSZ as u32,
        "TIOCGWINSZ",
        IoctlArg::Winsize { out: true },
    ),
    (
        libc::TIOCSWINSZ as u32,
        "TIOCSWINSZ",
        IoctlArg::Winsize { out: false },
    ),
    (libc::FIONREAD as u32, "FIONREAD", IoctlArg::OutInt),
    (libc::TIOCOUTQ as u32, "TIOCOUTQ", IoctlArg::OutInt),
    (libc::TIOCGPGRP as u32, "TIOCGPGRP", IoctlArg::OutInt),
    (libc::TIOCGSID as u32, "TIOCGSID", IoctlArg::OutInt),
    (libc::TIOCGPTN as u32, "TIOCGPTN", IoctlArg::OutInt),
    (libc::TIOCGETD as u32, "TIOCGETD", IoctlArg::OutInt),
    (libc::TIOCSETD as u32, "TIOCSETD", IoctlArg::InInt),
    (libc::TIOCGPTPEER as u32, "TIOCGPTPEER", IoctlArg::Hex),
    (libc::TIOCGSERIAL as u32, "TIOCGSERIAL", IoctlArg::Hex),
    (libc::FIOQSIZE as u32, "FIOQSIZE", IoctlArg::Hex),
    (libc::FIONBIO as u32, "FIONBIO", IoctlArg::InInt),
    (libc::FIOASYNC as u32, "FIOASYNC", IoctlArg::InInt),
    (libc::TIOCSPGRP as u32, "TIOCSPGRP", IoctlArg::InInt),
    (libc::TIOCSPTLCK as u32, "TIOCSPTLCK", IoctlArg::InInt),
    (libc::FIOCLEX as u32, "FIOCLEX", IoctlArg::None),
    (libc::FIONCLEX as u32, "FIONCLEX", IoctlArg::None),
    (libc::TIOCNOTTY as u32, "TIOCNOTTY", IoctlArg::None),
    (libc::TIOCEXCL as u32, "TIOCEXCL", IoctlArg::None),
    (libc::TIOCNXCL as u32, "TIOCNXCL", IoctlArg::None),
    (libc::TIOCSCTTY as u32, "TIOCSCTTY", IoctlArg::Int),
    (libc::TCSBRK as u32, "TCSBRK", IoctlArg::Int),
    (libc::TCSBRKP as u32, "TCSBRKP", IoctlArg::Int),
    (libc::TCFLSH as u32, "TCFLSH", IoctlArg::Flush),
    (libc::TCXONC as u32, "TCXONC", IoctlArg::FlowAction),
    (
        libc::FS_IOC_GETFLAGS as u32,
        "FS_IOC_GETFLAGS",
        IoctlArg::InodeFlags { out: true },
    ),
    (
        libc::FS_IOC_SETFLAGS as u32,
        "FS_IOC_SETFLAGS",
        IoctlArg::InodeFlags { out: false },
    ),
    // `_IOW(0x94, 9, int)`, `include/uapi/linux/fs.h`: the argument is the source fd.
    (0x4004_9409, "BTRFS_IOC_CLONE or FICLONE", IoctlArg::Int),
];

xlat! {
    /// Inode flags, `include/uapi/linux/fs.h` (`0x1000` prints as `FS_INDEX_FL`).
    pub INODE_FLAGS {
        FS_SECRM_FL = 0x1, FS_UNRM_FL = 0x2, FS_COMPR_FL = 0x4, FS_SYNC_FL = 0x8,
        FS_IMMUTABLE_FL = 0x10, FS_APPEND_FL = 0x20, FS_NODUMP_FL = 0x40,
        FS_NOATIME_FL = 0x80, FS_DIRTY_FL = 0x100, FS_COMPRBLK_FL = 0x200,
        FS_NOCOMP_FL = 0x400, FS_ENCRYPT_FL = 0x800, FS_INDEX_FL = 0x1000,
        FS_IMAGIC_FL = 0x2000, FS_JOURNAL_DATA_FL = 0x4000, FS_NOTAIL_FL = 0x8000,
        FS_DIRSYNC_FL = 0x1_0000, FS_TOPDIR_FL = 0x2_0000, FS_HUGE_FILE_FL = 0x4_0000,
        FS_EXTENT_FL = 0x8_0000, FS_VERITY_FL = 0x10_0000, FS_EA_INODE_FL = 0x20_0000,
        FS_EOFBLOCKS_FL = 0x40_0000, FS_NOCOW_FL = 0x80_0000, FS_DAX_FL = 0x200_0000,
        FS_INLINE_DATA_FL = 0x1000_0000, FS_PROJINHERIT_FL = 0x2000_0000,
        FS_CASEFOLD_FL = 0x4000_0000, FS_RESERVED_FL = 0x8000_0000_u32,
    }
}

xlat! {
    /// Modem lines, `include/uapi/asm-generic/termios.h`.
    pub MODEM_BITS {
        TIOCM_LE, TIOCM_DTR, TIOCM_RTS, TIOCM_ST, TIOCM_SR, TIOCM_CTS, TIOCM_CAR, TIOCM_RNG,
        TIOCM_DSR, TIOCM_OUT1 = 0x2000, TIOCM_OUT2 = 0x4000, TIOCM_LOOP = 0x8000,
    }
}

xlat! {
    /// `TCFLSH` queues.
    pub TCFLSH_QUEUES { TCIFLUSH, TCOFLUSH, TCIOFLUSH }
}

xlat! {
    /// `TCXONC` actions.
    pub TCXONC_ACTIONS { TCOOFF, TCOON, TCIOFF, TCION }
}

xlat! {
    /// `c_iflag` bits, `include/uapi/asm-generic/termbits.h`.
    pub TERM_IFLAGS {
        IGNBRK, BRKINT, IGNPAR, PARMRK, INPCK, ISTRIP, INLCR, IGNCR, ICRNL, IUCLC, IXON,
        IXANY, IXOFF, IMAXBEL, IUTF8,
    }
}

xlat! {
    /// `c_oflag` bits other than the delay fields.
    pub TERM_OFLAGS { OPOST, OLCUC, ONLCR, OCRNL, ONOCR, ONLRET, OFILL, OFDEL }
}

xlat! {
    /// `c_oflag` `NLDLY` values.
    pub TERM_NLDLY { NL0, NL1 }
}

xlat! {
    /// `c_oflag` `CRDLY` values.
    pub TERM_CRDLY { CR0, CR1, CR2, CR3 }
}

xlat! {
    /// `c_oflag` `TABDLY` values (`TAB3` prints as `XTABS`).
    pub TERM_TABDLY { TAB0, TAB1, TAB2, XTABS }
}

xlat! {
    /// `c_oflag` `BSDLY` values.
    pub TERM_BSDLY { BS0, BS1 }
}

xlat! {
    /// `c_oflag` `VTDLY` values.
    pub TERM_VTDLY { VT0, VT1 }
}

xlat! {
    /// `c_oflag` `FFDLY` values.
    pub TERM_FFDLY { FF0, FF1 }
}

xlat! {
    /// `c_cflag` speeds (`CBAUD`).
    pub BAUD_RATES {
        B0, B50, B75, B110, B134, B150, B200, B300, B600, B1200, B1800, B2400, B4800, B9600,
        B19200, B38400, BOTHER, B57600, B115200, B230400, B460800, B500000, B576000, B921600,
        B1000000, B1152000, B1500000, B2000000, B2500000, B3000000, B3500000, B4000000,
    }
}

xlat! {
    /// `c_cflag` character sizes.
    pub TERM_CSIZE { CS5, CS6, CS7, CS8 }
}

xlat! {
    /// `c_cflag` bits other than the speed and size fields.
    pub TERM_CFLAGS { CSTOPB, CREAD, PARENB, PARODD, HUPCL, CLOCAL, CMSPAR, CRTSCTS }
}

xlat! {
    /// `c_lflag` bits.
    pub TERM_LFLAGS {
        ISIG, ICANON, XCASE, ECHO, ECHOE, ECHOK, ECHONL, NOFLSH, IEXTEN, ECHOCTL, ECHOPRT,
        ECHOKE, FLUSHO, PENDIN, TOSTOP, EXTPROC,
    }
}

/// strace's `printflags` with no default: nothing at all for zero.
fn term_flags(out: &mut Vec<u8>, set: &super::xlat::Xlat, v: u64) {
    if v != 0 {
        text::flags(out, set, v);
    }
}

/// Writes a delay or speed field: its name, or `0x... /* dflt */`; then `|`.
fn term_field(out: &mut Vec<u8>, set: &super::xlat::Xlat, v: u64, dflt: &str) {
    xval(out, set, v, dflt);
    out.push(b'|');
}

xlat! {
    /// Line disciplines, `include/uapi/linux/tty.h`.
    LINE_DISCIPLINES {
        N_TTY = 0, N_SLIP = 1, N_MOUSE = 2, N_PPP = 3, N_STRIP = 4, N_AX25 = 5, N_X25 = 6,
        N_6PACK = 7, N_MASC = 8, N_R3964 = 9, N_PROFIBUS_FDL = 10, N_IRDA = 11,
        N_SMSBLOCK = 12, N_HDLC = 13, N_SYNC_PPP = 14, N_HCI = 15, N_GIGASET_M101 = 16,
        N_SLCAN = 17, N_PPS = 18, N_V253 = 19, N_CAIF = 20, N_GSM0710 = 21, N_TI_WL = 22,
        N_TRACESINK = 23, N_TRACEROUTER = 24, N_NCI = 25, N_SPEAKUP = 26, N_NULL = 27,
        N_MCTP = 28, N_DEVELOPMENT = 29,
    }
}

/// The names of `c_cc`'s slots, by index (`include/uapi/asm-generic/termbits.h`); the
/// kernel's `struct termios` has 19, the last two unnamed.
const CONTROL_CHARS: [&str; 17] = [
    "VINTR", "VQUIT", "VERASE", "VKILL", "VEOF", "VTIME", "VMIN", "VSWTC", "VSTART", "VSTOP",
    "VSUSP", "VEOL", "VREPRINT", "VDISCARD", "VWERASE", "VLNEXT", "VEOL2",
];
/// `NCCS` of the kernel's `struct termios`.
const KERNEL_NCCS: usize = 19;
/// `NCC` of `struct termio`.
const TERMIO_NCC: usize = 8;
/// Where `struct termios2` keeps `c_ispeed` (after a `termios`; `c_ospeed` follows).
const TERMIOS2_ISPEED_AT: usize = 36;
/// Bytes of `struct termios2`, the largest layout: what `ioctl` captures.
const TERMIOS2_SIZE: u32 = 44;

/// Terminal settings: `{c_iflag=ICRNL|IXON, c_oflag=..., ...}`; `whole`, with `c_line`,
/// `c_cc` and (`termios2`) the speeds, as strace's `-v` prints them.
fn write_termios(out: &mut Vec<u8>, b: &[u8], layout: TermLayout, whole: bool) -> Option<()> {
    let flag = |i: usize| -> Option<u64> {
        Some(match layout {
            TermLayout::Termio => u64::from(u16_at(b, 2 * i)?),
            TermLayout::Termios | TermLayout::Termios2 => u64::from(u32_at(b, 4 * i)?),
        })
    };
    let (input, output, control, local) = (flag(0)?, flag(1)?, flag(2)?, flag(3)?);
    let tc = |v: libc::tcflag_t| u64::from(v);
    out.extend_from_slice(b"{c_iflag=");
    term_flags(out, &TERM_IFLAGS, input);
    out.extend_from_slice(b", c_oflag=");
    let mut rest = output;
    for (set, mask, dflt) in [
        (&TERM_NLDLY, tc(libc::NLDLY), "NL?"),
        (&TERM_CRDLY, tc(libc::CRDLY), "CR?"),
        (&TERM_TABDLY, tc(libc::TABDLY), "TAB?"),
        (&TERM_BSDLY, tc(libc::BSDLY), "BS?"),
        (&TERM_VTDLY, tc(libc::VTDLY), "VT?"),
        (&TERM_FFDLY, tc(libc::FFDLY), "FF?"),
    ] {
        term_field(out, set, rest & mask, dflt);
        rest &= !mask;
    }
    term_flags(out, &TERM_OFLAGS, rest);
    out.extend_from_slice(b", c_cflag=");
    let (cbaud, csize) = (tc(libc::CBAUD), tc(libc::CSIZE));
    let ibshift = libc::IBSHIFT;
    term_field(out, &BAUD_RATES, control & cbaud, "B???");
    let ibaud = (control >> ibshift) & cbaud;
    if ibaud != 0 {
        match BAUD_RATES.name(ibaud) {
            Some(name) => out.extend_from_slice(name.as_bytes()),
            None => text::hex(out, ibaud),
        }
        out.extend_from_slice(b"<<IBSHIFT|");
    }
    term_field(out, &TERM_CSIZE, control & csize, "CS?");
    term_flags(
        out,
        &TERM_CFLAGS,
        control & !(cbaud | (cbaud << ibshift) | csize),
    );
    out.extend_from_slice(b", c_lflag=");
    term_flags(out, &TERM_LFLAGS, local);
    if !whole {
        out.extend_from_slice(b", ...}");
        return Some(());
    }
    let (line_at, chars) = match layout {
        TermLayout::Termio => (8, TERMIO_NCC),
        TermLayout::Termios | TermLayout::Termios2 => (16, KERNEL_NCCS),
    };
    let line = *b.get(line_at)?;
    let chars = b.get(line_at + 1..line_at + 1 + chars)?;
    out.extend_from_slice(b", c_line=");
    xval(out, &LINE_DISCIPLINES, u64::from(line), "N_???");
    out.extend_from_slice(b", c_cc=[");
    for (k, &c) in chars.iter().enumerate() {
        if k > 0 {
            out.extend_from_slice(b", ");
        }
        out.push(b'[');
        match CONTROL_CHARS.get(k) {
            Some(name) => out.extend_from_slice(name.as_bytes()),
            None => text::decimal(out, k),
        }
        out.extend_from_slice(b"]=");
        text::hex(out, u64::from(c));
    }
    out.push(b']');
    if layout == TermLayout::Termios2 {
        out.extend_from_slice(b", c_ispeed=");
        text::decimal(out, u32_at(b, TERMIOS2_ISPEED_AT)?);
        out.extend_from_slice(b", c_ospeed=");
        text::decimal(out, u32_at(b, TERMIOS2_ISPEED_AT + 4)?);
    }
    out.push(b'}');
    Some(())
}

/// `struct winsize`: `{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}`.
fn write_winsize(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    let fields = [u16_at(b, 0)?, u16_at(b, 2)?, u16_at(b, 4)?, u16_at(b, 6)?];
    let names = ["{ws_row=", ", ws_col=", ", ws_xpixel=", ", ws_ypixel="];
    for (name, v) in names.into_iter().zip(fields) {
        out.extend_from_slice(name.as_bytes());
        text::decimal(out, v);
    }
    out.push(b'}');
    Some(())
}

fn ioctl_lookup(req: u32) -> Option<&'static (u32, &'static str, IoctlArg)> {
    IOCTLS.iter().find(|(code, _, _)| *code == req)
}

/// The request: its name, or `_IOC(_IOC_READ, 0x78, 0x5, 0x4)`.
fn ioctl_request(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    #[expect(clippy::cast_possible_truncation, reason = "requests are 32-bit")]
    let req = call.arg(i) as u32;
    text::composite(call.out, text::Number::Hex(req.into()), |out| {
        write_ioctl_request(out, req);
    });
}

/// Writes a request's name, or `_IOC(_IOC_READ, 0x78, 0x5, 0x4)`.
fn write_ioctl_request(out: &mut Vec<u8>, req: u32) {
    if let Some(&(_, name, _)) = ioctl_lookup(req) {
        out.extend_from_slice(name.as_bytes());
        return;
    }
    let dir = match req >> 30 {
        0 => "_IOC_NONE",
        1 => "_IOC_WRITE",
        2 => "_IOC_READ",
        _ => "_IOC_READ|_IOC_WRITE",
    };
    out.extend_from_slice(b"_IOC(");
    out.extend_from_slice(dir.as_bytes());
    for field in [(req >> 8) & 0xff, req & 0xff, (req >> 16) & 0x3fff] {
        out.extend_from_slice(b", ");
        text::hex(out, u64::from(field));
    }
    out.push(b')');
}

/// The argument, as the request reads it; unknown requests print it in hex.
fn ioctl_arg(call: &mut Call<'_, '_>, i: usize) {
    #[expect(clippy::cast_possible_truncation, reason = "requests are 32-bit")]
    let req = call.arg(i - 1) as u32;
    let v = call.arg(i);
    let Some(&(_, _, kind)) = ioctl_lookup(req) else {
        call.next();
        text::hex(call.out, v);
        return;
    };
    if kind == IoctlArg::None {
        return;
    }
    call.next();
    match kind {
        IoctlArg::None => {}
        IoctlArg::Int => text::decimal(call.out, call.arg_int(i)),
        IoctlArg::Hex => text::hex(call.out, v),
        IoctlArg::InInt | IoctlArg::OutInt => {
            if kind == IoctlArg::OutInt && call.failed() {
                call.pointer(v);
            } else {
                let cap = call.capture(i, 0);
                bracketed_int(call, cap, v);
            }
        }
        IoctlArg::Termios { out, .. } | IoctlArg::Winsize { out } => {
            let layout = match kind {
                IoctlArg::Termios { layout, .. } => Some(layout),
                _ => None,
            };
            let cap = call.capture(i, if layout.is_some() { 2 } else { 1 });
            let printed = match cap.bytes() {
                Some(b) if v != 0 && !(out && call.failed()) => match layout {
                    Some(layout) => write_termios(call.out, b, layout, call.opts.unabbreviated),
                    None => write_winsize(call.out, b),
                }
                .is_some(),
                _ => false,
            };
            if !printed {
                call.pointer(v);
            }
        }
        IoctlArg::InodeFlags { out } => {
            let flags = call.capture(i, 0).bytes().and_then(|b| u32_at(b, 0));
            match flags {
                Some(f) if v != 0 && !(out && call.failed()) => {
                    call.out.push(b'[');
                    flags_dflt(call.out, &INODE_FLAGS, u64::from(f), "FS_???_FL");
                    call.out.push(b']');
                }
                _ => call.pointer(v),
            }
        }
        IoctlArg::ModemBits { out } => {
            let bits = call.capture(i, 0).bytes().and_then(|b| u32_at(b, 0));
            match bits {
                Some(bits) if v != 0 && !(out && call.failed()) => {
                    call.out.push(b'[');
                    text::flags(call.out, &MODEM_BITS, u64::from(bits));
                    call.out.push(b']');
                }
                _ => call.pointer(v),
            }
        }
        IoctlArg::Flush => xval(call.out, &TCFLSH_QUEUES, v & 0xffff_ffff, "TC???"),
        IoctlArg::FlowAction => xval(call.out, &TCXONC_ACTIONS, v & 0xffff_ffff, "TC???"),
    }
}

/// `ioctl`'s argument captures: an int, a `struct winsize`, terminal settings (as many
/// bytes as the largest layout has: a smaller one's buffer is read past its end, which
/// only fails, printing the pointer, where it ends a mapping).
const IOCTL_ARG: Arg = Arg::custom_with(
    ioctl_arg,
    &[struct_cap(4), struct_cap(8), struct_cap(TERMIOS2_SIZE)],
);

// ---------------------------------------------------------------------------------
// Rows.

const D: u16 = class::DESC;

const fn def(sysno: Sysno, args: &'static [Arg], class: u16) -> SyscallDef {
    SyscallDef {
        sysno,
        args,
        ret: Ret::Int,
        class,
    }
}

pub static DEFS: &[SyscallDef] = &[
    def(Sysno::read, &[FD, OUT_BUF, ULONG], D),
    def(Sysno::write, &[FD, in_buf(2), ULONG], D),
    def(Sysno::pread64, &[FD, OUT_BUF, ULONG, LONG], D),
    def(Sysno::pwrite64, &[FD, in_buf(2), ULONG, LONG], D),
    def(Sysno::readv, &[FD, READ_IOV, UINT], D),
    def(Sysno::writev, &[FD, WRITE_IOV, UINT], D),
    def(Sysno::preadv, &[FD, READ_IOV, UINT, LONG], D),
    def(Sysno::pwritev, &[FD, WRITE_IOV, UINT, LONG], D),
    def(
        Sysno::preadv2,
        &[
            FD,
            READ_IOV,
            UINT,
            LONG,
            Arg::custom(hidden),
            Arg::custom(rwf_flags),
        ],
        D,
    ),
    def(
        Sysno::pwritev2,
        &[
            FD,
            WRITE_IOV,
            UINT,
            LONG,
            Arg::custom(hidden),
            Arg::custom(rwf_flags),
        ],
        D,
    ),
    def(Sysno::lseek, &[FD, LONG, Arg::custom(whence)], D),
    def(Sysno::dup, &[FD], D),
    def(Sysno::dup2, &[FD, FD], D),
    def(Sysno::dup3, &[FD, FD, Arg::custom(dup3_flags)], D),
    def(
        Sysno::pipe,
        &[Arg::custom_with(pipe_fds, &[struct_cap(8)])],
        D,
    ),
    def(
        Sysno::pipe2,
        &[
            Arg::custom_with(pipe_fds, &[struct_cap(8)]),
            Arg::custom(pipe_flags),
        ],
        D,
    ),
    SyscallDef {
        sysno: Sysno::fcntl,
        args: &[
            FD,
            Arg::custom(fcntl_cmd),
            Arg::custom_with(fcntl_arg, &[struct_cap(32)]),
        ],
        ret: Ret::Custom(fcntl_ret),
        class: D,
    },
    def(
        Sysno::ioctl,
        &[FD, Arg::custom(ioctl_request), IOCTL_ARG],
        D,
    ),
    def(Sysno::getdents64, &[FD, DIRENTS, UINT], D),
    def(Sysno::getdents, &[FD, DIRENTS, UINT], D),
    def(
        Sysno::sendfile,
        &[FD, FD, OFFSET_IN_OUT, ULONG],
        D | class::NETWORK,
    ),
    def(
        Sysno::copy_file_range,
        &[FD, OFFSET_IN, FD, OFFSET_IN, ULONG, UINT],
        D,
    ),
    def(
        Sysno::splice,
        &[
            FD,
            OFFSET_IN,
            FD,
            OFFSET_IN,
            ULONG,
            Arg::custom(splice_flags),
        ],
        D,
    ),
    def(Sysno::tee, &[FD, FD, ULONG, Arg::custom(splice_flags)], D),
    def(
        Sysno::vmsplice,
        &[FD, WRITE_IOV, ULONG, Arg::custom(splice_flags)],
        D,
    ),
    def(
        Sysno::fallocate,
        &[FD, Arg::custom(falloc_mode), LONG, LONG],
        D,
    ),
    def(Sysno::fadvise64, &[FD, LONG, LONG, Arg::custom(fadvise)], D),
    def(Sysno::readahead, &[FD, LONG, ULONG], D),
    def(
        Sysno::sync_file_range,
        &[FD, LONG, LONG, Arg::custom(sync_file_range_flags)],
        D,
    ),
];

#[cfg(test)]
#[expect(
    clippy::too_many_lines,
    reason = "tests list one strace line after another"
)]
mod tests {
    use super::super::DecodeOptions;
    use super::super::fs::tests::{fuzz, line, line_with, strace};
    use syscalls::Sysno;

    const EBADF: i64 = -9;
    const EINVAL: i64 = -22;
    const ENOTTY: i64 = -25;
    const EFAULT: i64 = -14;

    #[test]
    fn read_and_write() {
        assert_eq!(
            line(
                Sysno::write,
                &[3, 0x1000, 61],
                61,
                &[Some(b"hello world, this is a long line of")]
            ),
            strace(r#"write(3, "hello world, this is a long line"..., 61) = 61"#)
        );
        assert_eq!(
            line(
                Sysno::write,
                &[3, 0x1000, 6],
                6,
                &[Some(b"\x01\x02\x7f\xff\x009")]
            ),
            strace(r#"write(3, "\1\2\177\377\09", 6)          = 6"#)
        );
        assert_eq!(
            line(Sysno::read, &[3, 0x1000, 0], 0, &[]),
            strace(r#"read(3, "", 0)                          = 0"#)
        );
        assert_eq!(
            line(Sysno::read, &[u64::MAX, 0x7ffc_38b1_87c0, 10], EBADF, &[]),
            strace("read(-1, 0x7ffc38b187c0, 10)            = -1 EBADF (Bad file descriptor)")
        );
        assert_eq!(
            line(Sysno::pwrite64, &[3, 0x1000, 3, 100], 3, &[Some(b"abc")]),
            strace(r#"pwrite64(3, "abc", 3, 100)              = 3"#)
        );
        assert_eq!(
            line(
                Sysno::pread64,
                &[3, 0x1000, 10, 0],
                10,
                &[Some(b"hello worl")]
            ),
            strace(r#"pread64(3, "hello worl", 10, 0)         = 10"#)
        );
        assert_eq!(
            line(
                Sysno::pread64,
                &[3, 0x1000, 100, 0],
                100,
                &[Some(b"hello world, this is a long line of")]
            ),
            strace(r#"pread64(3, "hello world, this is a long line"..., 100, 0) = 100"#)
        );
        let opts = DecodeOptions {
            strsize: 3,
            ..DecodeOptions::default()
        };
        assert_eq!(
            line_with(&opts, Sysno::read, &[3, 0x1000, 10], 5, &[Some(b"abcd")]),
            r#"read(3, "abc"..., 10) = 5"#
        );
    }

    fn iov(entries: &[(u64, u64)]) -> Vec<u8> {
        entries
            .iter()
            .flat_map(|&(b, l)| b.to_le_bytes().into_iter().chain(l.to_le_bytes()))
            .collect()
    }

    #[test]
    #[expect(
        clippy::too_many_lines,
        reason = "one assertion per observed strace line"
    )]
    fn vectors() {
        let arr: &[u8] = &iov(&[(0x10, 5), (0x20, 6)]);
        assert_eq!(
            line(
                Sysno::writev,
                &[3, 0x1000, 2],
                11,
                &[Some(arr), Some(b"hello"), Some(b" world")]
            ),
            strace(
                r#"writev(3, [{iov_base="hello", iov_len=5}, {iov_base=" world", iov_len=6}], 2) = 11"#
            )
        );
        assert_eq!(
            line(
                Sysno::writev,
                &[u64::MAX, 0x1000, 2],
                EBADF,
                &[Some(arr), Some(b"hello"), Some(b" world")]
            ),
            strace(
                r#"writev(-1, [{iov_base="hello", iov_len=5}, {iov_base=" world", iov_len=6}], 2) = -1 EBADF (Bad file descriptor)"#
            )
        );
        let arr: &[u8] = &iov(&[(0x7ffc_38b1_87bd, 3), (0x7ffc_38b1_87b3, 10)]);
        assert_eq!(
            line(
                Sysno::readv,
                &[3, 0x1000, 2],
                13,
                &[Some(arr), Some(b"hel"), Some(b"lo world, ")]
            ),
            strace(
                r#"readv(3, [{iov_base="hel", iov_len=3}, {iov_base="lo world, ", iov_len=10}], 2) = 13"#
            )
        );
        assert_eq!(
            line(
                Sysno::readv,
                &[u64::MAX, 0x1000, 2],
                EBADF,
                &[Some(arr), Some(b"hel"), Some(b"lo world, ")]
            ),
            strace(
                "readv(-1, [{iov_base=0x7ffc38b187bd, iov_len=3}, {iov_base=0x7ffc38b187b3, iov_len=10}], 2) = -1 EBADF (Bad file descriptor)"
            )
        );
        // The return value spreads over the buffers; exhausted ones print "".
        let arr: &[u8] = &iov(&[(0x10, 3), (0x20, 10), (0x30, 10)]);
        assert_eq!(
            line(
                Sysno::readv,
                &[5, 0x1000, 3],
                5,
                &[
                    Some(arr),
                    Some(b"bas"),
                    Some(b"h\nxxxxxxxx"),
                    Some(b"yyyyyyyyyy")
                ]
            ),
            strace(
                r#"readv(5, [{iov_base="bas", iov_len=3}, {iov_base="h\n", iov_len=10}, {iov_base="", iov_len=10}], 3) = 5"#
            )
        );
        // -s applies to each buffer.
        let arr: &[u8] = &iov(&[(0x10, 50), (0x20, 10)]);
        assert_eq!(
            line(
                Sysno::readv,
                &[3, 0x1000, 2],
                60,
                &[
                    Some(arr),
                    Some(b"hello world, hello worldong line of"),
                    Some(b"runcation\n")
                ]
            ),
            strace(
                r#"readv(3, [{iov_base="hello world, hello worldong line"..., iov_len=50}, {iov_base="runcation\n", iov_len=10}], 2) = 60"#
            )
        );
        let arr: &[u8] = &iov(&[(0x10, 0)]);
        assert_eq!(
            line(Sysno::readv, &[3, 0x1000, 1], 0, &[Some(arr)]),
            strace(r#"readv(3, [{iov_base="", iov_len=0}], 1) = 0"#)
        );
        assert_eq!(
            line(Sysno::readv, &[3, 0, 0], 0, &[]),
            strace("readv(3, NULL, 0)                       = 0")
        );
        assert_eq!(
            line(Sysno::readv, &[3, 1, 2], EFAULT, &[]),
            strace("readv(3, 0x1, 2)                        = -1 EFAULT (Bad address)")
        );
        let arr: &[u8] = &iov(&[(0, 5)]);
        assert_eq!(
            line(Sysno::writev, &[1, 0x1000, 1], 5, &[Some(arr)]),
            strace("writev(1, [{iov_base=NULL, iov_len=5}], 1) = 5")
        );
        let arr: &[u8] = &iov(&[(0x10, 3), (0x20, 10)]);
        assert_eq!(
            line(
                Sysno::preadv,
                &[3, 0x1000, 2, 0],
                13,
                &[Some(arr), Some(b"\0\0\0"), Some(&[0; 10])]
            ),
            strace(
                r#"preadv(3, [{iov_base="\0\0\0", iov_len=3}, {iov_base="\0\0\0\0\0\0\0\0\0\0", iov_len=10}], 2, 0) = 13"#
            )
        );
        let arr: &[u8] = &iov(&[(0x10, 5), (0x20, 6)]);
        assert_eq!(
            line(
                Sysno::pwritev,
                &[3, 0x1000, 2, 7],
                11,
                &[Some(arr), Some(b"hello"), Some(b" world")]
            ),
            strace(
                r#"pwritev(3, [{iov_base="hello", iov_len=5}, {iov_base=" world", iov_len=6}], 2, 7) = 11"#
            )
        );
        assert_eq!(
            line(
                Sysno::pwritev2,
                &[3, 0x1000, 2, u64::MAX, u64::MAX, 0],
                11,
                &[Some(arr), Some(b"hello"), Some(b" world")]
            ),
            strace(
                r#"pwritev2(3, [{iov_base="hello", iov_len=5}, {iov_base=" world", iov_len=6}], 2, -1, 0) = 11"#
            )
        );
        let arr: &[u8] = &iov(&[(0x10, 3), (0x20, 10)]);
        assert_eq!(
            line(
                Sysno::preadv2,
                &[3, 0x1000, 2, 0, 0, 8],
                13,
                &[Some(arr), Some(b"\0\0\0"), Some(&[0; 10])]
            ),
            strace(
                r#"preadv2(3, [{iov_base="\0\0\0", iov_len=3}, {iov_base="\0\0\0\0\0\0\0\0\0\0", iov_len=10}], 2, 0, RWF_NOWAIT) = 13"#
            )
        );
        // More iovecs than the captured array holds.
        let arr: &[u8] = &iov(&[(0x10, 1); 16]);
        let got = line(
            Sysno::writev,
            &[1, 0x1000, 40],
            16,
            &[Some(arr), Some(b"a")],
        );
        assert!(
            got.starts_with(
                r#"writev(1, [{iov_base="a", iov_len=1}, {iov_base=0x10, iov_len=1}, "#
            ),
            "{got}"
        );
        assert!(
            got.ends_with("{iov_base=0x10, iov_len=1}, ...], 40) = 16"),
            "{got}"
        );
        fuzz(
            Sysno::readv,
            &[3, 0x1000, 3],
            23,
            &[&iov(&[(0x10, 3), (0x20, 10)]), b"abc", b"defghij"],
        );
        fuzz(Sysno::writev, &[3, 0x1000, 99], 23, &[&[0xff; 256], b"abc"]);
    }

    #[test]
    fn seeks() {
        assert_eq!(
            line(Sysno::lseek, &[3, 0, 0], 0, &[]),
            "lseek(3, 0, SEEK_SET) = 0"
        );
        assert_eq!(
            line(Sysno::lseek, &[3, 5, 1], 5, &[]),
            "lseek(3, 5, SEEK_CUR) = 5"
        );
        assert_eq!(
            line(Sysno::lseek, &[3, 0, 7], EINVAL, &[]),
            strace("lseek(3, 0, 0x7 /* SEEK_??? */)         = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::lseek, &[3, u64::MAX, 0], EINVAL, &[]),
            strace("lseek(3, -1, SEEK_SET)                  = -1 EINVAL (Invalid argument)")
        );
    }

    #[test]
    fn dups_and_pipes() {
        assert_eq!(line(Sysno::dup, &[3], 4, &[]), "dup(3) = 4");
        assert_eq!(
            line(Sysno::dup, &[u64::MAX], EBADF, &[]),
            "dup(-1) = -1 EBADF (Bad file descriptor)"
        );
        assert_eq!(line(Sysno::dup2, &[3, 10], 10, &[]), "dup2(3, 10) = 10");
        assert_eq!(
            line(Sysno::dup3, &[3, 11, 0o2_000_000], 11, &[]),
            "dup3(3, 11, O_CLOEXEC) = 11"
        );
        assert_eq!(
            line(Sysno::dup3, &[3, 12, 0], 12, &[]),
            "dup3(3, 12, 0) = 12"
        );
        let fds: &[u8] = &[5i32.to_le_bytes(), 6i32.to_le_bytes()].concat();
        assert_eq!(
            line(Sysno::pipe2, &[0x1000, 0], 0, &[Some(fds)]),
            "pipe2([5, 6], 0) = 0"
        );
        assert_eq!(
            line(Sysno::pipe2, &[0x1000, 0o2_004_000], 0, &[Some(fds)]),
            strace("pipe2([5, 6], O_NONBLOCK|O_CLOEXEC)     = 0")
        );
        assert_eq!(
            line(Sysno::pipe2, &[1, 0], EFAULT, &[]),
            strace("pipe2(0x1, 0)                           = -1 EFAULT (Bad address)")
        );
        assert_eq!(
            line(Sysno::pipe, &[0x1000], 0, &[Some(fds)]),
            "pipe([5, 6]) = 0"
        );
        assert_eq!(
            line(Sysno::pipe, &[0], EFAULT, &[]),
            strace("pipe(NULL)                              = -1 EFAULT (Bad address)")
        );
        assert_eq!(
            line(Sysno::pipe, &[0x1000], 0, &[Some(&fds[..5])]),
            "pipe(0x1000) = 0"
        );
    }

    fn flock(kind: i16, whence: i16, start: i64, len: i64, pid: i32) -> [u8; 32] {
        let mut b = [0u8; 32];
        b[0..2].copy_from_slice(&kind.to_le_bytes());
        b[2..4].copy_from_slice(&whence.to_le_bytes());
        b[8..16].copy_from_slice(&start.to_le_bytes());
        b[16..24].copy_from_slice(&len.to_le_bytes());
        b[24..28].copy_from_slice(&pid.to_le_bytes());
        b
    }

    #[test]
    fn fcntl() {
        let f = |args: &[u64], ret: i64| line(Sysno::fcntl, args, ret, &[]);
        assert_eq!(
            f(&[3, 3], 0x8002),
            "fcntl(3, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)"
        );
        assert_eq!(
            f(&[5, 3], 0x8000),
            "fcntl(5, F_GETFL) = 0x8000 (flags O_RDONLY|O_LARGEFILE)"
        );
        assert_eq!(
            f(&[3, 4, 0o6000], 0),
            "fcntl(3, F_SETFL, O_RDONLY|O_APPEND|O_NONBLOCK) = 0"
        );
        assert_eq!(
            f(&[3, 4, 0x8000_0002], 0),
            "fcntl(3, F_SETFL, O_RDWR|0x80000000) = 0"
        );
        assert_eq!(f(&[3, 1], 0), "fcntl(3, F_GETFD) = 0");
        assert_eq!(f(&[3, 1], 1), "fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)");
        assert_eq!(f(&[3, 2, 1], 0), "fcntl(3, F_SETFD, FD_CLOEXEC) = 0");
        assert_eq!(f(&[3, 2, 3], 0), "fcntl(3, F_SETFD, FD_CLOEXEC|0x2) = 0");
        assert_eq!(f(&[3, 2, 8], 0), "fcntl(3, F_SETFD, 0x8 /* FD_??? */) = 0");
        assert_eq!(f(&[3, 0, 20], 20), "fcntl(3, F_DUPFD, 20) = 20");
        assert_eq!(f(&[3, 1030, 30], 30), "fcntl(3, F_DUPFD_CLOEXEC, 30) = 30");
        assert_eq!(f(&[9, 1032], 65536), "fcntl(9, F_GETPIPE_SZ) = 65536");
        assert_eq!(
            f(&[9, 1031, 65536], 65536),
            "fcntl(9, F_SETPIPE_SZ, 65536) = 65536"
        );
        assert_eq!(f(&[3, 8, 0], 0), "fcntl(3, F_SETOWN, 0) = 0");
        assert_eq!(f(&[3, 9], 1), "fcntl(3, F_GETOWN) = 1");
        assert_eq!(f(&[3, 10, 0], 0), "fcntl(3, F_SETSIG, 0) = 0");
        assert_eq!(f(&[5, 10, 29], 0), "fcntl(5, F_SETSIG, SIGIO) = 0");
        assert_eq!(f(&[3, 1025], 2), "fcntl(3, F_GETLEASE) = 0x2 (F_UNLCK)");
        assert_eq!(
            f(&[3, 1024, 0], -11),
            "fcntl(3, F_SETLEASE, F_RDLCK) = -1 EAGAIN (Resource temporarily unavailable)"
        );
        assert_eq!(
            f(&[5, 1024, 7], EINVAL),
            strace("fcntl(5, F_SETLEASE, 0x7 /* F_??? */)   = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            f(&[3, 1026, 0x8000_0001], -20),
            "fcntl(3, F_NOTIFY, DN_ACCESS|DN_MULTISHOT) = -1 ENOTDIR (Not a directory)"
        );
        assert_eq!(
            f(&[6, 1033, 0x1f], 0),
            "fcntl(6, F_ADD_SEALS, F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE|F_SEAL_FUTURE_WRITE) = 0"
        );
        assert_eq!(
            f(&[6, 1033, 0x100], EINVAL),
            "fcntl(6, F_ADD_SEALS, 0x100 /* F_SEAL_??? */) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(f(&[6, 1034], 0), "fcntl(6, F_GET_SEALS) = 0");
        assert_eq!(
            f(&[6, 1034], 0x1f),
            "fcntl(6, F_GET_SEALS) = 0x1f (seals F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE|F_SEAL_FUTURE_WRITE)"
        );
        assert_eq!(
            f(&[3, 12345, 7], EINVAL),
            strace("fcntl(3, 0x3039 /* F_??? */, 0x7)       = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            f(&[u64::MAX, 3], EBADF),
            "fcntl(-1, F_GETFL) = -1 EBADF (Bad file descriptor)"
        );
        let setlk = flock(1, 0, 0, 10, 0);
        assert_eq!(
            line(Sysno::fcntl, &[3, 6, 0x1000], 0, &[Some(&setlk)]),
            "fcntl(3, F_SETLK, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=10}) = 0"
        );
        let getlk = flock(2, 0, 0, 10, 0);
        assert_eq!(
            line(Sysno::fcntl, &[3, 5, 0x1000], 0, &[Some(&getlk)]),
            "fcntl(3, F_GETLK, {l_type=F_UNLCK, l_whence=SEEK_SET, l_start=0, l_len=10, l_pid=0}) = 0"
        );
        assert_eq!(
            line(
                Sysno::fcntl,
                &[u64::MAX, 5, 0x7ffd_fbe6_55d0],
                EBADF,
                &[Some(&getlk)]
            ),
            strace("fcntl(-1, F_GETLK, 0x7ffdfbe655d0)      = -1 EBADF (Bad file descriptor)")
        );
        assert_eq!(
            line(
                Sysno::fcntl,
                &[u64::MAX, 6, 0x1000],
                EBADF,
                &[Some(&flock(0, 0, 0, 0, 0))]
            ),
            "fcntl(-1, F_SETLK, {l_type=F_RDLCK, l_whence=SEEK_SET, l_start=0, l_len=0}) = -1 EBADF (Bad file descriptor)"
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, 6, 0], EFAULT, &[]),
            "fcntl(3, F_SETLK, NULL) = -1 EFAULT (Bad address)"
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, 37, 0x1000], 0, &[Some(&getlk)]),
            "fcntl(3, F_OFD_SETLK, {l_type=F_UNLCK, l_whence=SEEK_SET, l_start=0, l_len=10}) = 0"
        );
        let owner: &[u8] = &[1i32.to_le_bytes(), 5i32.to_le_bytes()].concat();
        assert_eq!(
            line(Sysno::fcntl, &[5, 15, 0x1000], 0, &[Some(owner)]),
            "fcntl(5, F_SETOWN_EX, {type=F_OWNER_PID, pid=5}) = 0"
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, 16, 0x1000], 0, &[Some(&[0; 8])]),
            "fcntl(3, F_GETOWN_EX, {type=F_OWNER_TID, pid=0}) = 0"
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, 16, 0], EFAULT, &[]),
            "fcntl(3, F_GETOWN_EX, NULL) = -1 EFAULT (Bad address)"
        );
        fuzz(Sysno::fcntl, &[3, 5, 0x1000], 0, &[&getlk]);
        fuzz(Sysno::fcntl, &[3, 16, 0x1000], 0, &[owner]);
    }

    #[test]
    fn ioctl_modem_lines() {
        let dtr_rts = 0x6i32.to_le_bytes();
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x5415, 0x1000], 0, &[Some(&dtr_rts)]),
            "ioctl(3, TIOCMGET, [TIOCM_DTR|TIOCM_RTS]) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[4, 0x5415, 0x7ffd_3bc7_cc70], ENOTTY, &[]),
            "ioctl(4, TIOCMGET, 0x7ffd3bc7cc70) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        let dtr = 0x2i32.to_le_bytes();
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x5416, 0x1000], 0, &[Some(&dtr)]),
            "ioctl(3, TIOCMBIS, [TIOCM_DTR]) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x5417, 0x1000], ENOTTY, &[Some(&dtr)]),
            "ioctl(3, TIOCMBIC, [TIOCM_DTR]) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
    }

    #[test]
    fn ioctl_requests_named_but_not_decoded_print_their_argument_in_hex() {
        let zero = 0i32.to_le_bytes();
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x5424, 0x1000], 0, &[Some(&zero)]),
            "ioctl(3, TIOCGETD, [0]) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x5423, 0x1000], 0, &[Some(&zero)]),
            "ioctl(3, TIOCSETD, [0]) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x5441, 0x102], -5, &[]),
            "ioctl(3, TIOCGPTPEER, 0x102) = -1 EIO (Input/output error)"
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x541e, 0x7f51_7933_5130], ENOTTY, &[]),
            "ioctl(3, TIOCGSERIAL, 0x7f5179335130) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x5460, 0], ENOTTY, &[]),
            "ioctl(3, FIOQSIZE, 0) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        assert_eq!(
            line(Sysno::ioctl, &[4, 0x5460, 0x7f51_795a_9600], 0, &[]),
            "ioctl(4, FIOQSIZE, 0x7f51795a9600) = 0"
        );
    }

    #[test]
    #[expect(
        clippy::too_many_lines,
        reason = "one assertion per observed strace line"
    )]
    fn ioctl() {
        let zero = 0i32.to_le_bytes();
        let one = 1i32.to_le_bytes();
        assert_eq!(
            line(Sysno::ioctl, &[9, 0x541b, 0x1000], 0, &[Some(&zero)]),
            "ioctl(9, FIONREAD, [0]) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[9, 0x5421, 0x1000], 0, &[Some(&one)]),
            "ioctl(9, FIONBIO, [1]) = 0"
        );
        assert_eq!(
            line(
                Sysno::ioctl,
                &[u64::MAX, 0x541b, 0x7ffd_fbe6_5584],
                EBADF,
                &[Some(&zero)]
            ),
            "ioctl(-1, FIONREAD, 0x7ffdfbe65584) = -1 EBADF (Bad file descriptor)"
        );
        assert_eq!(
            line(Sysno::ioctl, &[7, 0x541b, 0], EFAULT, &[]),
            "ioctl(7, FIONREAD, NULL) = -1 EFAULT (Bad address)"
        );
        assert_eq!(
            line(Sysno::ioctl, &[7, 0x5410, 0x1000], ENOTTY, &[Some(&zero)]),
            "ioctl(7, TIOCSPGRP, [0]) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        assert_eq!(
            line(Sysno::ioctl, &[0, 0x5401, 0x7ffc_38b1_8660], ENOTTY, &[]),
            strace(
                "ioctl(0, TCGETS, 0x7ffc38b18660)        = -1 ENOTTY (Inappropriate ioctl for device)"
            )
        );
        let mut t = [0u8; 36];
        t[0..4].copy_from_slice(&0o2400u32.to_le_bytes()); // ICRNL|IXON
        t[4..8].copy_from_slice(&0o5u32.to_le_bytes()); // OPOST|ONLCR
        t[8..12].copy_from_slice(&0o277u32.to_le_bytes()); // B38400|CS8|CREAD
        t[12..16].copy_from_slice(&0o105_073u32.to_le_bytes());
        let termios = "{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}";
        assert_eq!(
            line(
                Sysno::ioctl,
                &[7, 0x5401, 0x1000],
                0,
                &[None, None, Some(&t)]
            ),
            format!("ioctl(7, TCGETS, {termios}) = 0")
        );
        assert_eq!(
            line(
                Sysno::ioctl,
                &[7, 0x5402, 0x1000],
                0,
                &[None, None, Some(&t)]
            ),
            format!("ioctl(7, SNDCTL_TMR_START or TCSETS, {termios}) = 0")
        );
        let mut t = [0xffu8; 36];
        assert_eq!(
            line(
                Sysno::ioctl,
                &[5, 0x5402, 0x1000],
                ENOTTY,
                &[None, None, Some(&t)]
            ),
            "ioctl(5, SNDCTL_TMR_START or TCSETS, {c_iflag=IGNBRK|BRKINT|IGNPAR|PARMRK|INPCK|ISTRIP|INLCR|IGNCR|ICRNL|IUCLC|IXON|IXANY|IXOFF|IMAXBEL|IUTF8|0xffff8000, c_oflag=NL1|CR3|XTABS|BS1|VT1|FF1|OPOST|OLCUC|ONLCR|OCRNL|ONOCR|ONLRET|OFILL|OFDEL|0xffff0000, c_cflag=B4000000|B4000000<<IBSHIFT|CS8|CSTOPB|CREAD|PARENB|PARODD|HUPCL|CLOCAL|CMSPAR|CRTSCTS|0x2ff0e000, c_lflag=ISIG|ICANON|XCASE|ECHO|ECHOE|ECHOK|ECHONL|NOFLSH|IEXTEN|ECHOCTL|ECHOPRT|ECHOKE|FLUSHO|PENDIN|TOSTOP|EXTPROC|0xfffe2000, ...}) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        t = [0; 36];
        t[4..8].copy_from_slice(&0x100u32.to_le_bytes());
        t[8..12].copy_from_slice(&0x10_0000u32.to_le_bytes());
        assert_eq!(
            line(
                Sysno::ioctl,
                &[5, 0x5403, 0x1000],
                ENOTTY,
                &[None, None, Some(&t)]
            ),
            "ioctl(5, SNDCTL_TMR_STOP or TCSETSW, {c_iflag=, c_oflag=NL1|CR0|TAB0|BS0|VT0|FF0|, c_cflag=B0|CS5|0x100000, c_lflag=, ...}) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        t[8..12].copy_from_slice(&0x1_0000u32.to_le_bytes());
        assert_eq!(
            line(
                Sysno::ioctl,
                &[5, 0x5403, 0x1000],
                ENOTTY,
                &[None, None, Some(&t)]
            ),
            "ioctl(5, SNDCTL_TMR_STOP or TCSETSW, {c_iflag=, c_oflag=NL1|CR0|TAB0|BS0|VT0|FF0|, c_cflag=B0|B50<<IBSHIFT|CS5|, c_lflag=, ...}) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        let ws: &[u8] = &[24u16, 80, 0, 0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<_>>();
        assert_eq!(
            line(Sysno::ioctl, &[7, 0x5413, 0x1000], 0, &[None, Some(ws)]),
            "ioctl(7, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[7, 0x5414, 0x1000], 0, &[None, Some(ws)]),
            "ioctl(7, TIOCSWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[7, 0x5413, 0], EFAULT, &[]),
            "ioctl(7, TIOCGWINSZ, NULL) = -1 EFAULT (Bad address)"
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x5451], 0, &[]),
            "ioctl(3, FIOCLEX) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x5450], 0, &[]),
            "ioctl(3, FIONCLEX) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[7, 0x540e, 0], -1, &[]),
            "ioctl(7, TIOCSCTTY, 0) = -1 EPERM (Operation not permitted)"
        );
        assert_eq!(
            line(Sysno::ioctl, &[7, 0x540b, 0], 0, &[]),
            "ioctl(7, TCFLSH, TCIFLUSH) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[7, 0x540a, 1], 0, &[]),
            "ioctl(7, TCXONC, TCOON) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[6, 0x8004_5430, 0x1000], 0, &[Some(&zero)]),
            "ioctl(6, TIOCGPTN, [0]) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x1234_5678, 0x42], ENOTTY, &[]),
            strace(
                "ioctl(3, _IOC(_IOC_NONE, 0x56, 0x78, 0x1234), 0x42) = -1 ENOTTY (Inappropriate ioctl for device)"
            )
        );
        assert_eq!(
            line(
                Sysno::ioctl,
                &[3, 0x8004_7805, 0x7ffc_38b1_86ac],
                ENOTTY,
                &[]
            ),
            "ioctl(3, _IOC(_IOC_READ, 0x78, 0x5, 0x4), 0x7ffc38b186ac) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        assert_eq!(
            line(
                Sysno::ioctl,
                &[3, 0x4004_7805, 0x7ffc_38b1_86ac],
                ENOTTY,
                &[]
            ),
            "ioctl(3, _IOC(_IOC_WRITE, 0x78, 0x5, 0x4), 0x7ffc38b186ac) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x7805, 0], ENOTTY, &[]),
            "ioctl(3, _IOC(_IOC_NONE, 0x78, 0x5, 0), 0) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, 0xc010_5678, 0], ENOTTY, &[]),
            "ioctl(3, _IOC(_IOC_READ|_IOC_WRITE, 0x56, 0x78, 0x10), 0) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        assert_eq!(
            line(
                Sysno::ioctl,
                &[6, 0x4008_6602, 0x1000],
                0,
                &[Some(&0x8_1010u32.to_le_bytes())]
            ),
            "ioctl(6, FS_IOC_SETFLAGS, [FS_IMMUTABLE_FL|FS_INDEX_FL|FS_EXTENT_FL]) = 0"
        );
        assert_eq!(
            line(
                Sysno::ioctl,
                &[6, 0x8008_6601, 0x1000],
                0,
                &[Some(&0x8_0010u32.to_le_bytes())]
            ),
            "ioctl(6, FS_IOC_GETFLAGS, [FS_IMMUTABLE_FL|FS_EXTENT_FL]) = 0"
        );
        assert_eq!(
            line(
                Sysno::ioctl,
                &[6, 0x4008_6602, 0x1000],
                -95,
                &[Some(&0x8000_0000u32.to_le_bytes())]
            ),
            "ioctl(6, FS_IOC_SETFLAGS, [FS_RESERVED_FL]) = -1 EOPNOTSUPP (Operation not supported)"
        );
        fuzz(
            Sysno::ioctl,
            &[7, 0x5401, 0x1000],
            0,
            &[&one, ws, &[0xff; 36]],
        );
        fuzz(
            Sysno::ioctl,
            &[7, 0x5413, 0x1000],
            0,
            &[&one, ws, &[0xff; 36]],
        );
    }

    #[test]
    fn readahead_and_sync_file_range() {
        assert_eq!(
            line(Sysno::readahead, &[3, 0, 4096], 0, &[]),
            strace("readahead(3, 0, 4096)                   = 0")
        );
        assert_eq!(
            line(Sysno::readahead, &[99, 1, 2], EBADF, &[]),
            strace("readahead(99, 1, 2)                     = -1 EBADF (Bad file descriptor)")
        );
        assert_eq!(
            line(Sysno::sync_file_range, &[3, 0, 0, 7], 0, &[]),
            "sync_file_range(3, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE|SYNC_FILE_RANGE_WRITE|SYNC_FILE_RANGE_WAIT_AFTER) = 0"
        );
        assert_eq!(
            line(Sysno::sync_file_range, &[3, 0, 0, 0], 0, &[]),
            strace("sync_file_range(3, 0, 0, 0)             = 0")
        );
        assert_eq!(
            line(Sysno::sync_file_range, &[3, 0, 0, 8], EINVAL, &[]),
            "sync_file_range(3, 0, 0, 0x8 /* SYNC_FILE_RANGE_??? */) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::sync_file_range, &[3, u64::MAX, 0, 0], EINVAL, &[]),
            strace("sync_file_range(3, -1, 0, 0)            = -1 EINVAL (Invalid argument)")
        );
    }

    #[test]
    fn ficlone_names_both_requests_and_prints_the_source_fd() {
        // cp's reflink attempt, strace 6.1.
        assert_eq!(
            line(Sysno::ioctl, &[4, 0x4004_9409, 3], -95, &[]),
            "ioctl(4, BTRFS_IOC_CLONE or FICLONE, 3) = -1 EOPNOTSUPP (Operation not supported)"
        );
    }

    #[test]
    fn getdents() {
        let buf: &[u8] = &5u32.to_le_bytes();
        assert_eq!(
            line(
                Sysno::getdents64,
                &[14, 0x7ffc_38b1_0650, 32768],
                120,
                &[Some(buf)]
            ),
            strace("getdents64(14, 0x7ffc38b10650 /* 5 entries */, 32768) = 120")
        );
        assert_eq!(
            line(Sysno::getdents64, &[14, 0x7ffc_38b1_0650, 32768], 0, &[]),
            strace("getdents64(14, 0x7ffc38b10650 /* 0 entries */, 32768) = 0")
        );
        assert_eq!(
            line(
                Sysno::getdents64,
                &[u64::MAX, 0x7ffc_38b1_0650, 32768],
                EBADF,
                &[]
            ),
            strace("getdents64(-1, 0x7ffc38b10650, 32768)   = -1 EBADF (Bad file descriptor)")
        );
        assert_eq!(
            line(
                Sysno::getdents,
                &[3, 0x1000, 32768],
                48,
                &[Some(&2u32.to_le_bytes())]
            ),
            "getdents(3, 0x1000 /* 2 entries */, 32768) = 48"
        );
        // The count could not be made (a fault): no comment, as strace without memory.
        assert_eq!(
            line(Sysno::getdents64, &[3, 0x1000, 32768], 48, &[None]),
            "getdents64(3, 0x1000, 32768) = 48"
        );
        fuzz(Sysno::getdents64, &[3, 0x1000, 32768], 256, &[buf]);
    }

    #[test]
    fn copies() {
        let off = |v: i64| v.to_le_bytes();
        assert_eq!(
            line(Sysno::sendfile, &[15, 3, 0, 5], 5, &[]),
            strace("sendfile(15, 3, NULL, 5)                = 5")
        );
        assert_eq!(
            line(
                Sysno::sendfile,
                &[15, 3, 0x1000, 5],
                5,
                &[Some(&off(3)), Some(&off(8))]
            ),
            strace("sendfile(15, 3, [3] => [8], 5)          = 5")
        );
        assert_eq!(
            line(
                Sysno::sendfile,
                &[15, u64::MAX, 0x1000, 5],
                EBADF,
                &[Some(&off(8)), Some(&off(8))]
            ),
            strace("sendfile(15, -1, [8], 5)                = -1 EBADF (Bad file descriptor)")
        );
        assert_eq!(
            line(Sysno::copy_file_range, &[3, 0, 15, 0, 5, 0], 5, &[]),
            strace("copy_file_range(3, NULL, 15, NULL, 5, 0) = 5")
        );
        assert_eq!(
            line(
                Sysno::copy_file_range,
                &[3, 0x1000, 15, 0x2000, 5, 0],
                5,
                &[Some(&off(2)), Some(&off(0))]
            ),
            strace("copy_file_range(3, [2], 15, [0], 5, 0)  = 5")
        );
        assert_eq!(
            line(
                Sysno::splice,
                &[3, 0x1000, 13, 0, 4, 1],
                4,
                &[Some(&off(7))]
            ),
            strace("splice(3, [7], 13, NULL, 4, SPLICE_F_MOVE) = 4")
        );
        assert_eq!(
            line(Sysno::splice, &[9, 0, 15, 0, 4, 6], 4, &[]),
            strace("splice(9, NULL, 15, NULL, 4, SPLICE_F_NONBLOCK|SPLICE_F_MORE) = 4")
        );
        assert_eq!(
            line(Sysno::splice, &[9, 0x1000, 15, 0, 4, 0], EFAULT, &[None]),
            "splice(9, 0x1000, 15, NULL, 4, 0) = -1 EFAULT (Bad address)"
        );
        assert_eq!(
            line(Sysno::tee, &[3, 4, 100, 2], 100, &[]),
            "tee(3, 4, 100, SPLICE_F_NONBLOCK) = 100"
        );
        let pieces: &[u8] = &iov(&[(0x10, 4)]);
        assert_eq!(
            line(
                Sysno::vmsplice,
                &[7, 0x1000, 1, 0],
                4,
                &[Some(pieces), Some(b"abcd")]
            ),
            r#"vmsplice(7, [{iov_base="abcd", iov_len=4}], 1, 0) = 4"#
        );
        assert_eq!(
            line(
                Sysno::vmsplice,
                &[7, 0x1000, 1, 2],
                -11,
                &[Some(pieces), Some(b"abcd")]
            ),
            r#"vmsplice(7, [{iov_base="abcd", iov_len=4}], 1, SPLICE_F_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable)"#
        );
        assert_eq!(
            line(Sysno::fallocate, &[3, 0, 0, 4096], 0, &[]),
            strace("fallocate(3, 0, 0, 4096)                = 0")
        );
        assert_eq!(
            line(Sysno::fallocate, &[3, 3, 0, 4096], 0, &[]),
            strace("fallocate(3, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE, 0, 4096) = 0")
        );
        assert_eq!(
            line(Sysno::fadvise64, &[3, 0, 0, 2], 0, &[]),
            strace("fadvise64(3, 0, 0, POSIX_FADV_SEQUENTIAL) = 0")
        );
        assert_eq!(
            line(Sysno::fadvise64, &[3, 0, 100, 4], 0, &[]),
            strace("fadvise64(3, 0, 100, POSIX_FADV_DONTNEED) = 0")
        );
        fuzz(Sysno::sendfile, &[15, 3, 0x1000, 5], 5, &[&off(1), &off(2)]);
    }
}
