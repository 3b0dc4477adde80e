//! Waiting on descriptors: poll, select, epoll, and the descriptors made to be waited
//! on (eventfd, timerfd, inotify).

use std::io::Write as _;

use super::{
    Call, Capture,
    fs::{flags_dflt, i16_at, i32_at, u32_at, u64_at, xval},
    signal::sigset_at,
    table::{Arg, Cap, FD, INT, Len, Max, PATH, Ret, SyscallDef, UINT, ULONG, class},
    text,
    time::{
        ITIMERSPEC_IN, ITIMERSPEC_OUT, TIMESPEC_IN, TIMESPEC_SIZE, clock_id, enter_cap, exit_cap,
        write_struct, write_timespec, write_timeval,
    },
};
use crate::xlat;
use syscalls::Sysno;

xlat! {
    /// `poll` events, `include/uapi/asm-generic/poll.h`.
    pub POLL_EVENTS {
        POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLRDBAND,
        POLLWRNORM, POLLWRBAND, POLLMSG = 0x400, POLLREMOVE = 0x1000, POLLRDHUP,
        POLL_BUSY_LOOP = 0x8000,
    }
}

xlat! {
    /// `epoll` events, `include/uapi/linux/eventpoll.h`.
    pub EPOLL_EVENTS {
        EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLNVAL = 0x20, EPOLLRDNORM,
        EPOLLRDBAND, EPOLLWRNORM, EPOLLWRBAND, EPOLLMSG, EPOLLRDHUP, EPOLLEXCLUSIVE,
        // `libc` has EPOLLET as a negative `int`; the flag is bit 31 alone.
        EPOLLWAKEUP, EPOLLONESHOT, EPOLLET = 0x8000_0000_u32,
    }
}

xlat! {
    /// `epoll_ctl` operations.
    pub EPOLL_CTL_OPS { EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD }
}

xlat! {
    /// `epoll_create1` flags.
    pub EPOLL_CREATE_FLAGS { EPOLL_CLOEXEC }
}

xlat! {
    /// `eventfd2` flags, `include/uapi/linux/eventfd.h`.
    pub EFD_FLAGS { EFD_SEMAPHORE, EFD_CLOEXEC, EFD_NONBLOCK }
}

xlat! {
    /// `timerfd_create` and `timerfd_settime` flags (strace prints both from one set).
    pub TFD_FLAGS { TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET, TFD_CLOEXEC, TFD_NONBLOCK }
}

xlat! {
    /// `inotify_init1` flags, `include/uapi/linux/inotify.h`.
    pub INOTIFY_INIT_FLAGS { IN_NONBLOCK, IN_CLOEXEC }
}

xlat! {
    /// `inotify_add_watch` events and flags, `include/uapi/linux/inotify.h`.
    pub INOTIFY_FLAGS {
        IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_CLOSE_NOWRITE, IN_OPEN,
        IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF,
        IN_UNMOUNT, IN_Q_OVERFLOW, IN_IGNORED, IN_ONLYDIR, IN_DONT_FOLLOW, IN_EXCL_UNLINK,
        IN_MASK_CREATE, IN_MASK_ADD, IN_ISDIR, IN_ONESHOT,
    }
}

const POLLFD_SIZE: usize = 8;
const EPOLL_EVENT_SIZE: usize = 12;

/// An array that may be longer than what was printed: strace prints at most `-s`
/// elements, then `...`.
struct ArrayWriter {
    printed: usize,
    limit: usize,
}

impl ArrayWriter {
    fn new(out: &mut Vec<u8>, limit: usize) -> Self {
        out.push(b'[');
        ArrayWriter { printed: 0, limit }
    }

    /// Starts an element; false (after writing `...`) when the limit is reached.
    fn element(&mut self, out: &mut Vec<u8>) -> bool {
        if self.printed > 0 {
            out.extend_from_slice(b", ");
        }
        if self.printed == self.limit {
            out.extend_from_slice(b"...");
            self.printed += 1;
            return false;
        }
        self.printed += 1;
        true
    }

    /// Closes the array; `more` adds `...` when elements were left unread.
    fn finish(self, out: &mut Vec<u8>, more: bool) {
        if more && self.printed <= self.limit {
            if self.printed > 0 {
                out.extend_from_slice(b", ");
            }
            out.extend_from_slice(b"...");
        }
        out.push(b']');
    }
}

/// The captured `pollfd`s of argument 0 (`nfds` = argument 1).
fn pollfds<'e>(call: &Call<'e, '_>) -> Option<&'e [u8]> {
    call.capture(0, 0).bytes()
}

/// `[{fd=3, events=POLLIN}, {fd=-1}]`.
fn pollfd_array(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, nfds) = (call.arg(i), call.arg(i + 1) & 0xffff_ffff);
    let n = usize::try_from(nfds).unwrap_or(usize::MAX);
    let Some(b) = pollfds(call)
        .or((n == 0).then_some(&[][..]))
        .filter(|_| ptr != 0)
    else {
        call.pointer(ptr);
        return;
    };
    let max = call.max_elements();
    let mut array = ArrayWriter::new(call.out, max);
    let mut seen = 0;
    for entry in b.chunks_exact(POLLFD_SIZE).take(n) {
        seen += 1;
        if !array.element(call.out) {
            break;
        }
        let fd = i32_at(entry, 0).unwrap_or(-1);
        call.put("{fd=");
        text::decimal(call.out, fd);
        call.annotate_fd(fd);
        if fd >= 0 {
            call.put(", events=");
            let events = u64::from(i16_at(entry, 4).unwrap_or(0).cast_unsigned());
            flags_dflt(call.out, &POLL_EVENTS, events, "POLL???");
        }
        call.out.push(b'}');
    }
    array.finish(call.out, seen < n);
}

/// The ready entries: `[{fd=3, revents=POLLIN}]`; false when they were not captured.
fn write_revents(call: &mut Call<'_, '_>) -> bool {
    let nfds = usize::try_from(call.arg(1) & 0xffff_ffff).unwrap_or(usize::MAX);
    let Some(b) = pollfds(call) else { return false };
    let max = call.max_elements();
    let mut array = ArrayWriter::new(call.out, max);
    let mut ready = 0;
    let mut truncated = false;
    for entry in b.chunks_exact(POLLFD_SIZE).take(nfds) {
        let revents = i16_at(entry, 6).unwrap_or(0).cast_unsigned();
        if revents == 0 {
            continue;
        }
        ready += 1;
        if !array.element(call.out) {
            truncated = true;
            break;
        }
        let _ = write!(
            call.out,
            "{{fd={}, revents=",
            i32_at(entry, 0).unwrap_or(-1)
        );
        flags_dflt(call.out, &POLL_EVENTS, u64::from(revents), "POLL???");
        call.out.push(b'}');
    }
    // Ready entries past the captured ones.
    let more = !truncated && usize::try_from(call.ret()).is_ok_and(|r| r > ready);
    array.finish(call.out, more);
    true
}

/// `poll`'s return: `1 ([{fd=3, revents=POLLIN}])` or `0 (Timeout)`.
fn poll_ret(call: &mut Call<'_, '_>) {
    poll_like_ret(call, None);
}

/// `ppoll`'s return, with the time left: `1 ([...], left {tv_sec=0, tv_nsec=0})`.
fn ppoll_ret(call: &mut Call<'_, '_>) {
    let left = call.capture(2, 1);
    poll_like_ret(call, Some(left));
}

fn poll_like_ret(call: &mut Call<'_, '_>, left: Option<Capture<'_>>) {
    let ret = call.ret();
    text::decimal(call.out, ret);
    if ret == 0 {
        call.put(" (Timeout)");
        return;
    }
    let start = call.out.len();
    call.put(" (");
    if !write_revents(call) {
        call.out.truncate(start);
        return;
    }
    if let Some(b) = left.and_then(Capture::bytes).filter(|_| call.arg(2) != 0) {
        let mark = call.out.len();
        call.put(", left ");
        if write_timespec(call.out, b).is_none() {
            call.out.truncate(mark);
        }
    }
    call.out.push(b')');
}

/// `poll`'s timeout in milliseconds.
fn poll_nfds(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    text::decimal(call.out, call.arg(i) & 0xffff_ffff);
}

/// `ppoll`'s timeout, read before the call (the kernel writes the time left back).
fn ppoll_timeout(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_struct(call, ptr, cap, write_timespec);
}

/// A signal mask whose size is the next argument (`ppoll`, `epoll_pwait`).
fn sigmask_sized_by_next(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, size, cap) = (call.arg(i), call.arg(i + 1), call.capture(i, 0));
    sigset_at(call, ptr, size, cap.bytes(), 8);
}

/// The descriptors set in an `fd_set` of `nfds` bits, in order.
fn set_fds(bytes: &[u8], nfds: i32) -> impl Iterator<Item = usize> + '_ {
    let bits = usize::try_from(nfds).unwrap_or(0).min(bytes.len() * 8);
    (0..bits).filter(|&fd| bytes.get(fd / 8).is_some_and(|b| b & (1 << (fd % 8)) != 0))
}

/// Writes the descriptors in an `fd_set`: `[3 4]`; at most `limit` of them.
fn write_fd_set(out: &mut Vec<u8>, bytes: &[u8], nfds: i32, limit: usize) -> usize {
    out.push(b'[');
    let mut n = 0;
    for fd in set_fds(bytes, nfds).take(limit) {
        if n > 0 {
            out.push(b' ');
        }
        n += 1;
        text::decimal(out, fd);
    }
    out.push(b']');
    n
}

/// An `fd_set` argument as it was before the call; with `-y`, each descriptor with its
/// path (`[3</etc/hosts> 4<pipe:[1234]>]`), as strace prints the sets given (not those
/// returned).
fn fd_set_arg(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, nfds, cap) = (call.arg(i), call.arg_int(0), call.capture(i, 0));
    match cap.bytes() {
        Some(b) if ptr != 0 && nfds >= 0 => {
            call.out.push(b'[');
            for (n, fd) in set_fds(b, nfds).enumerate() {
                if n > 0 {
                    call.out.push(b' ');
                }
                text::decimal(call.out, fd);
                call.annotate_fd(i32::try_from(fd).unwrap_or(-1));
            }
            call.out.push(b']');
        }
        _ => call.pointer(ptr),
    }
}

/// The parts of `select`'s return, which lists at most as many descriptors as it
/// returned, as strace does (`select(5, [4], [4], NULL, NULL) = 1 (in [4])` when both
/// sets were one buffer).
struct ReadyList {
    left: usize,
    first: bool,
}

impl ReadyList {
    /// Writes `in [3]`-style parts for a set the call filled.
    fn set(&mut self, call: &mut Call<'_, '_>, what: &str, bytes: Option<&[u8]>) {
        let nfds = call.arg_int(0);
        let Some(b) = bytes else { return };
        if self.left == 0 || set_fds(b, nfds).next().is_none() {
            return;
        }
        call.put(if self.first { " (" } else { ", " });
        self.first = false;
        call.put(what);
        self.left -= write_fd_set(call.out, b, nfds, self.left);
    }
}

/// `select`-like return: `1 (in [3], out [4], left {tv_sec=0, tv_usec=0})`.
fn select_like_ret(
    call: &mut Call<'_, '_>,
    except: Option<Capture<'_>>,
    left: Capture<'_>,
    nsec: bool,
) {
    let ret = call.ret();
    text::decimal(call.out, ret);
    if ret == 0 {
        call.put(" (Timeout)");
        return;
    }
    let mut list = ReadyList {
        left: usize::try_from(ret).unwrap_or(0),
        first: true,
    };
    let (read, write) = (call.capture(1, 1), call.capture(2, 1));
    list.set(call, "in ", read.bytes());
    list.set(call, "out ", write.bytes());
    match except {
        Some(cap) => list.set(call, "except ", cap.bytes()),
        None => except_inferred(call, &mut list),
    }
    if let Some(b) = left.bytes().filter(|_| call.arg(4) != 0) {
        let mark = call.out.len();
        call.put(if list.first { " (left " } else { ", left " });
        let ok = if nsec {
            write_timespec(call.out, b)
        } else {
            write_timeval(call.out, b)
        };
        if ok.is_some() {
            list.first = false;
        } else {
            call.out.truncate(mark);
        }
    }
    if !list.first {
        call.out.push(b')');
    }
}

/// `pselect6` has one capture slot too few for the exceptfds the kernel returns. Its
/// ready descriptors are the ones the return counts beyond the read and write ones:
/// when that is every descriptor asked for, they are known; otherwise (rare) the first
/// descriptors asked for print, as an approximation.
fn except_inferred(call: &mut Call<'_, '_>, list: &mut ReadyList) {
    let known = |k: usize| call.arg(k) == 0 || call.capture(k, 1).bytes().is_some();
    if call.arg(3) == 0 || !known(1) || !known(2) {
        return;
    }
    let asked = call.capture(3, 0);
    list.set(call, "except ", asked.bytes());
}

fn select_ret(call: &mut Call<'_, '_>) {
    let (except, left) = (call.capture(3, 1), call.capture(4, 1));
    select_like_ret(call, Some(except), left, false);
}

fn pselect6_ret(call: &mut Call<'_, '_>) {
    let left = call.capture(4, 1);
    select_like_ret(call, None, left, true);
}

/// `select`'s timeout, read before the call (the kernel writes the time left back).
fn select_timeout(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_struct(call, ptr, cap, write_timeval);
}

fn pselect6_timeout(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_struct(call, ptr, cap, write_timespec);
}

/// `pselect6`'s last argument, `{const sigset_t *ss; size_t ss_len}`:
/// `{sigmask=NULL, sigsetsize=8}`. The set it points to would need a read through a
/// pointer in user memory, which captures cannot do, so a non-NULL mask prints as its
/// pointer.
fn write_pselect_sigmask(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    let (mask, size) = (u64_at(b, 0)?, u64_at(b, 8)?);
    out.extend_from_slice(b"{sigmask=");
    text::pointer(out, mask);
    let _ = write!(out, ", sigsetsize={size}}}");
    Some(())
}

fn pselect6_sigmask(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_struct(call, ptr, cap, write_pselect_sigmask);
}

/// Writes one `struct epoll_event` (packed on `x86_64`):
/// `{events=EPOLLIN, data={u32=3, u64=3}}`.
fn write_epoll_event(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    let (events, data) = (u32_at(b, 0)?, u64_at(b, 4)?);
    out.extend_from_slice(b"{events=");
    flags_dflt(out, &EPOLL_EVENTS, u64::from(events), "EPOLL???");
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the u32 member is the low half"
    )]
    {
        out.extend_from_slice(b", data={u32=");
        text::decimal(out, data as u32);
        out.extend_from_slice(b", u64=");
        text::decimal(out, data);
        out.extend_from_slice(b"}}");
    }
    Some(())
}

/// `epoll_ctl`'s event, which `EPOLL_CTL_DEL` ignores: strace prints its address then.
fn epoll_event_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    if call.arg(1) == libc::EPOLL_CTL_DEL as u64 {
        call.pointer(ptr);
    } else {
        write_struct(call, ptr, cap, write_epoll_event);
    }
}

/// The events `epoll_wait` returned: `[{events=EPOLLIN, data={u32=9, u64=9}}]`.
fn epoll_events_out(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let cap = call.capture(i, 0);
    let n = usize::try_from(call.ret()).unwrap_or(0);
    let bytes = match cap {
        _ if call.failed() || ptr == 0 => None,
        Capture::Empty if n == 0 => Some(&[][..]),
        _ => cap.bytes(),
    };
    let Some(b) = bytes else {
        call.pointer(ptr);
        return;
    };
    let max = call.max_elements();
    let mut array = ArrayWriter::new(call.out, max);
    let mut seen = 0;
    for entry in b.chunks_exact(EPOLL_EVENT_SIZE).take(n) {
        seen += 1;
        if !array.element(call.out) {
            break;
        }
        let _ = write_epoll_event(call.out, entry);
    }
    array.finish(call.out, seen < n);
}

fn epoll_ctl_op(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(
        call.out,
        &EPOLL_CTL_OPS,
        call.arg(i) & 0xffff_ffff,
        "EPOLL_CTL_???",
    );
}

fn epoll_create_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &EPOLL_CREATE_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "EPOLL_???",
    );
}

fn efd_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &EFD_FLAGS, call.arg(i) & 0xffff_ffff, "EFD_???");
}

fn tfd_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &TFD_FLAGS, call.arg(i) & 0xffff_ffff, "TFD_???");
}

/// `inotify_init1` flags and `inotify_add_watch`'s mask: strace prints both as an
/// `unsigned int` with `IN_???` for bits it cannot name.
fn inotify_init_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &INOTIFY_INIT_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "IN_???",
    );
}

fn inotify_mask(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &INOTIFY_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "IN_???",
    );
}

/// An `fd_set` read before the call (the kernel overwrites it) and after.
const FD_SET_CAPS: &[Cap] = &[
    Cap::Bytes {
        at_enter: true,
        len: Len::FdSetBits(0),
        max: Max::Slot,
    },
    Cap::Bytes {
        at_enter: false,
        len: Len::FdSetBits(0),
        max: Max::Slot,
    },
];
/// An `fd_set` read before the call only.
const FD_SET_ENTER_CAP: &[Cap] = &[Cap::Bytes {
    at_enter: true,
    len: Len::FdSetBits(0),
    max: Max::Slot,
}];
/// A timeout read before the call and after (the time left).
const TIMEOUT_CAPS_16: &[Cap] = &[enter_cap(TIMESPEC_SIZE), exit_cap(TIMESPEC_SIZE)];
/// `pollfd`s, read after the call: `events` is unchanged and `revents` filled.
const POLLFD_CAPS: &[Cap] = &[Cap::Bytes {
    at_enter: false,
    len: Len::Arg(1, 8),
    max: Max::Slot,
}];
/// Returned `epoll_event`s.
#[expect(clippy::cast_possible_truncation, reason = "12 bytes")]
const EPOLL_EVENTS_CAPS: &[Cap] = &[Cap::Bytes {
    at_enter: false,
    len: Len::Ret(EPOLL_EVENT_SIZE as u32),
    max: Max::Slot,
}];
/// A signal mask sized by argument 5.
const SIGMASK_5_CAPS: &[Cap] = &[Cap::Bytes {
    at_enter: false,
    len: Len::Arg(5, 1),
    max: Max::Slot,
}];

const POLLFDS: Arg = Arg::custom_with(pollfd_array, POLLFD_CAPS);
const NFDS: Arg = Arg::custom(poll_nfds);
const FD_SET: Arg = Arg::custom_with(fd_set_arg, FD_SET_CAPS);
const EPOLL_EVENTS_OUT: Arg = Arg::custom_with(epoll_events_out, EPOLL_EVENTS_CAPS);
const SIGMASK_5: Arg = Arg::custom_with(sigmask_sized_by_next, SIGMASK_5_CAPS);

pub static DEFS: &[SyscallDef] = &[
    SyscallDef {
        sysno: Sysno::poll,
        args: &[POLLFDS, NFDS, INT],
        ret: Ret::Custom(poll_ret),
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::ppoll,
        args: &[
            POLLFDS,
            NFDS,
            Arg::custom_with(ppoll_timeout, TIMEOUT_CAPS_16),
            Arg::custom_with(
                sigmask_sized_by_next,
                &[Cap::Bytes {
                    at_enter: false,
                    len: Len::Arg(4, 1),
                    max: Max::Slot,
                }],
            ),
            ULONG,
        ],
        ret: Ret::Custom(ppoll_ret),
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::select,
        args: &[
            INT,
            FD_SET,
            FD_SET,
            FD_SET,
            Arg::custom_with(select_timeout, TIMEOUT_CAPS_16),
        ],
        ret: Ret::Custom(select_ret),
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::pselect6,
        args: &[
            INT,
            FD_SET,
            FD_SET,
            // One slot short: the returned exceptfds is inferred (`except_inferred`).
            Arg::custom_with(fd_set_arg, FD_SET_ENTER_CAP),
            Arg::custom_with(pselect6_timeout, TIMEOUT_CAPS_16),
            Arg::custom_with(pselect6_sigmask, &[exit_cap(16)]),
        ],
        ret: Ret::Custom(pselect6_ret),
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::epoll_create,
        args: &[INT],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::epoll_create1,
        args: &[Arg::custom(epoll_create_flags)],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::epoll_ctl,
        args: &[
            FD,
            Arg::custom(epoll_ctl_op),
            FD,
            #[expect(clippy::cast_possible_truncation, reason = "12 bytes")]
            Arg::custom_with(epoll_event_in, &[exit_cap(EPOLL_EVENT_SIZE as u32)]),
        ],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::epoll_wait,
        args: &[FD, EPOLL_EVENTS_OUT, INT, INT],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::epoll_pwait,
        args: &[
            FD,
            EPOLL_EVENTS_OUT,
            INT,
            INT,
            Arg::custom_with(sigmask_sized_by_next, SIGMASK_5_CAPS),
            ULONG,
        ],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::epoll_pwait2,
        args: &[FD, EPOLL_EVENTS_OUT, INT, TIMESPEC_IN, SIGMASK_5, ULONG],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::eventfd2,
        args: &[UINT, Arg::custom(efd_flags)],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::eventfd,
        args: &[UINT],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::timerfd_create,
        args: &[Arg::custom(clock_id), Arg::custom(tfd_flags)],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::timerfd_settime,
        args: &[FD, Arg::custom(tfd_flags), ITIMERSPEC_IN, ITIMERSPEC_OUT],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::timerfd_gettime,
        args: &[FD, ITIMERSPEC_OUT],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::inotify_init,
        args: &[],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::inotify_init1,
        args: &[Arg::custom(inotify_init_flags)],
        ret: Ret::Int,
        class: class::DESC,
    },
    SyscallDef {
        sysno: Sysno::inotify_add_watch,
        args: &[FD, PATH, Arg::custom(inotify_mask)],
        ret: Ret::Int,
        class: class::DESC | class::FILE,
    },
    SyscallDef {
        sysno: Sysno::inotify_rm_watch,
        args: &[FD, INT],
        ret: Ret::Int,
        class: class::DESC,
    },
];

#[cfg(test)]
#[expect(
    clippy::too_many_lines,
    reason = "tests list one strace line after another"
)]
mod tests {
    use super::super::DecodeOptions;
    use super::super::fs::tests::{fuzz, line, line_with};
    use super::super::time::tests::{EFAULT, EINVAL, st, words};
    use syscalls::Sysno;

    const FDS: u64 = 0x7ffd_5c3a_1e40;
    const EINTR_NOHAND: i64 = -514;

    fn pollfds(entries: &[(i32, i16, i16)]) -> Vec<u8> {
        entries
            .iter()
            .flat_map(|&(fd, ev, rev)| {
                [
                    fd.to_le_bytes().as_slice(),
                    &ev.to_le_bytes(),
                    &rev.to_le_bytes(),
                ]
                .concat()
            })
            .collect()
    }

    const IN: i16 = 1;
    const PRI: i16 = 2;
    const OUT: i16 = 4;

    #[test]
    fn poll() {
        let one = pollfds(&[(3, IN, IN)]);
        assert_eq!(
            line(Sysno::poll, &[FDS, 1, 0], 1, &[Some(&one)]),
            st("poll([{fd=3, events=POLLIN}], 1, 0)     = 1 ([{fd=3, revents=POLLIN}])")
        );
        let three = pollfds(&[(3, IN, IN), (4, OUT | PRI, OUT), (-1, IN, 0)]);
        assert_eq!(
            line(Sysno::poll, &[FDS, 3, 100], 2, &[Some(&three)]),
            st(
                "poll([{fd=3, events=POLLIN}, {fd=4, events=POLLPRI|POLLOUT}, {fd=-1}], 3, 100) = 2 ([{fd=3, revents=POLLIN}, {fd=4, revents=POLLOUT}])"
            )
        );
        let idle = pollfds(&[(4, 0, 0)]);
        assert_eq!(
            line(Sysno::poll, &[FDS, 1, 0], 0, &[Some(&idle)]),
            st("poll([{fd=4, events=0}], 1, 0)          = 0 (Timeout)")
        );
        let unknown = pollfds(&[(1, 0x4000, 0)]);
        assert_eq!(
            line(Sysno::poll, &[FDS, 1, 0], 0, &[Some(&unknown)]),
            st("poll([{fd=1, events=0x4000 /* POLL??? */}], 1, 0) = 0 (Timeout)")
        );
        assert_eq!(
            line(Sysno::poll, &[0, 0, 1], 0, &[]),
            st("poll(NULL, 0, 1)                        = 0 (Timeout)")
        );
        assert_eq!(
            line(Sysno::poll, &[8, 1, 0], EFAULT, &[None]),
            st("poll(0x8, 1, 0)                         = -1 EFAULT (Bad address)")
        );
        let stdin = pollfds(&[(0, IN, 0)]);
        assert_eq!(
            line(Sysno::poll, &[FDS, 1, 5000], -516, &[Some(&stdin)]),
            st(
                "poll([{fd=0, events=POLLIN}], 1, 5000)  = ? ERESTART_RESTARTBLOCK (Interrupted by signal)"
            )
        );
    }

    #[test]
    fn poll_arrays_stop_at_the_string_limit() {
        let entries: Vec<(i32, i16, i16)> = (0..32)
            .map(|fd| (fd, IN | 0x4000, if fd < 4 { IN } else { 0x20 }))
            .collect();
        let b = pollfds(&entries);
        let got = line(Sysno::poll, &[FDS, 40, 0], 38, &[Some(&b)]);
        let events: Vec<String> = (0..32)
            .map(|fd| format!("{{fd={fd}, events=POLLIN|0x4000}}"))
            .collect();
        let revents: Vec<String> = (0..32)
            .map(|fd| {
                format!(
                    "{{fd={fd}, revents={}}}",
                    if fd < 4 { "POLLIN" } else { "POLLNVAL" }
                )
            })
            .collect();
        assert_eq!(
            got,
            format!(
                "poll([{}, ...], 40, 0) = 38 ([{}, ...])",
                events.join(", "),
                revents.join(", ")
            )
        );
        let opts = DecodeOptions {
            strsize: 2,
            ..DecodeOptions::default()
        };
        let three = pollfds(&[(3, IN, IN), (4, OUT, OUT), (5, OUT, OUT)]);
        assert_eq!(
            line_with(&opts, Sysno::poll, &[FDS, 3, 0], 3, &[Some(&three)]),
            "poll([{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}, ...], 3, 0) = 3 ([{fd=3, revents=POLLIN}, {fd=4, revents=POLLOUT}, ...])"
        );
    }

    #[test]
    fn ppoll() {
        let one = pollfds(&[(3, IN, IN)]);
        let zero = words(&[0, 0]);
        assert_eq!(
            line(
                Sysno::ppoll,
                &[FDS, 1, FDS + 64, 0, 8],
                1,
                &[Some(&one), Some(&zero), Some(&zero)]
            ),
            st(
                "ppoll([{fd=3, events=POLLIN}], 1, {tv_sec=0, tv_nsec=0}, NULL, 8) = 1 ([{fd=3, revents=POLLIN}], left {tv_sec=0, tv_nsec=0})"
            )
        );
        let w = pollfds(&[(4, IN, 0)]);
        let usr1 = (1u64 << 9).to_le_bytes();
        assert_eq!(
            line(
                Sysno::ppoll,
                &[FDS, 1, FDS + 64, FDS + 96, 8],
                0,
                &[Some(&w), Some(&zero), Some(&zero), Some(&usr1)]
            ),
            st("ppoll([{fd=4, events=POLLIN}], 1, {tv_sec=0, tv_nsec=0}, [USR1], 8) = 0 (Timeout)")
        );
        let two = pollfds(&[(3, IN, IN), (4, PRI | OUT, OUT)]);
        let (before, left) = (words(&[1, 500]), words(&[0, 999_999_649]));
        assert_eq!(
            line(
                Sysno::ppoll,
                &[FDS, 2, FDS + 64, FDS + 96, 8],
                2,
                &[Some(&two), Some(&before), Some(&left), Some(&usr1)]
            ),
            st(
                "ppoll([{fd=3, events=POLLIN}, {fd=4, events=POLLPRI|POLLOUT}], 2, {tv_sec=1, tv_nsec=500}, [USR1], 8) = 2 ([{fd=3, revents=POLLIN}, {fd=4, revents=POLLOUT}], left {tv_sec=0, tv_nsec=999999649})"
            )
        );
        assert_eq!(
            line(Sysno::ppoll, &[FDS, 1, 0, 0, 8], 1, &[Some(&one)]),
            st("ppoll([{fd=3, events=POLLIN}], 1, NULL, NULL, 8) = 1 ([{fd=3, revents=POLLIN}])")
        );
        assert_eq!(
            line(Sysno::ppoll, &[FDS, 1, 0, 1, 8], EFAULT, &[Some(&one)]),
            st("ppoll([{fd=3, events=POLLIN}], 1, NULL, 0x1, 8) = -1 EFAULT (Bad address)")
        );
        let five = words(&[5, 0]);
        assert_eq!(
            line(
                Sysno::ppoll,
                &[FDS, 1, FDS + 64, 0, 8],
                EINTR_NOHAND,
                &[Some(&pollfds(&[(0, IN, 0)])), Some(&five), Some(&five)]
            ),
            st(
                "ppoll([{fd=0, events=POLLIN}], 1, {tv_sec=5, tv_nsec=0}, NULL, 8) = ? ERESTARTNOHAND (To be restarted if no handler)"
            )
        );
    }

    #[test]
    fn given_descriptors_show_their_paths_with_y() {
        // The record's process (42) opened 3 and 4 while traced; strace annotates the
        // descriptors given, not those returned.
        let paths = super::super::fdpath::FdPaths::default();
        paths.opened(42, 3, libc::AT_FDCWD, b"/etc/hosts");
        paths.opened(42, 4, libc::AT_FDCWD, b"/etc/passwd");
        let opts = DecodeOptions {
            fd_paths: Some(std::rc::Rc::new(paths)),
            ..DecodeOptions::default()
        };
        let two = pollfds(&[(3, IN, IN), (4, OUT, 0)]);
        assert_eq!(
            line_with(&opts, Sysno::poll, &[FDS, 2, 0], 1, &[Some(&two)]),
            st(
                "poll([{fd=3</etc/hosts>, events=POLLIN}, {fd=4</etc/passwd>, events=POLLOUT}], 2, 0) = 1 ([{fd=3, revents=POLLIN}])"
            )
        );
        let (r, w) = (fd_set(&[3]), fd_set(&[4]));
        assert_eq!(
            line_with(
                &opts,
                Sysno::select,
                &[5, FDS, FDS + 8, 0, 0],
                1,
                &[Some(&r), Some(&r), Some(&w), Some(&w)]
            ),
            st("select(5, [3</etc/hosts>], [4</etc/passwd>], NULL, NULL) = 1 (in [3])")
        );
    }

    /// An `fd_set` (one long) holding `fds`.
    fn fd_set(fds: &[u32]) -> [u8; 8] {
        fds.iter().fold(0u64, |m, fd| m | 1 << fd).to_le_bytes()
    }

    #[test]
    fn select() {
        let (r, w) = (fd_set(&[3]), fd_set(&[4]));
        let tv = words(&[0, 0]);
        assert_eq!(
            line(
                Sysno::select,
                &[5, FDS, FDS + 8, 0, FDS + 16],
                2,
                &[
                    Some(&r),
                    Some(&r),
                    Some(&w),
                    Some(&w),
                    None,
                    None,
                    Some(&tv),
                    Some(&tv)
                ]
            ),
            st(
                "select(5, [3], [4], NULL, {tv_sec=0, tv_usec=0}) = 2 (in [3], out [4], left {tv_sec=0, tv_usec=0})"
            )
        );
        let (before, empty) = (fd_set(&[4]), fd_set(&[]));
        let tv = words(&[0, 1000]);
        assert_eq!(
            line(
                Sysno::select,
                &[5, FDS, 0, 0, FDS + 16],
                0,
                &[
                    Some(&before),
                    Some(&empty),
                    None,
                    None,
                    None,
                    None,
                    Some(&tv),
                    Some(&words(&[0, 0]))
                ]
            ),
            st("select(5, [4], NULL, NULL, {tv_sec=0, tv_usec=1000}) = 0 (Timeout)")
        );
        let (ex, tv, left) = (fd_set(&[3, 4]), words(&[2, 1000]), words(&[2, 998]));
        assert_eq!(
            line(
                Sysno::select,
                &[5, FDS, 0, FDS + 8, FDS + 16],
                1,
                &[
                    Some(&r),
                    Some(&r),
                    None,
                    None,
                    Some(&ex),
                    Some(&empty),
                    Some(&tv),
                    Some(&left)
                ]
            ),
            st(
                "select(5, [3], NULL, [3 4], {tv_sec=2, tv_usec=1000}) = 1 (in [3], left {tv_sec=2, tv_usec=998})"
            )
        );
        assert_eq!(
            line(Sysno::select, &[5, FDS, 0, 0, 0], 1, &[Some(&r), Some(&r)]),
            st("select(5, [3], NULL, NULL, NULL)        = 1 (in [3])")
        );
        // Sets asked for but not ready at the end print nothing.
        let p0 = fd_set(&[3]);
        assert_eq!(
            line(
                Sysno::select,
                &[5, FDS, FDS + 8, FDS + 16, FDS + 24],
                1,
                &[
                    Some(&p0),
                    Some(&p0),
                    Some(&p0),
                    Some(&empty),
                    Some(&p0),
                    Some(&empty),
                    Some(&words(&[0, 0])),
                    Some(&words(&[0, 0]))
                ]
            ),
            st(
                "select(5, [3], [3], [3], {tv_sec=0, tv_usec=0}) = 1 (in [3], left {tv_sec=0, tv_usec=0})"
            )
        );
        // One buffer for both sets: the return lists one descriptor, as it counts.
    }

    #[test]
    fn select_failures() {
        let r = fd_set(&[3]);
        let four = fd_set(&[4]);
        assert_eq!(
            line(
                Sysno::select,
                &[5, FDS, FDS, 0, 0],
                1,
                &[Some(&four), Some(&four), Some(&four), Some(&four)]
            ),
            st("select(5, [4], [4], NULL, NULL)         = 1 (in [4])")
        );
        let big = fd_set(&[]);
        assert_eq!(
            line(
                Sysno::select,
                &[1025, FDS, 0, 0, 1],
                EFAULT,
                &[Some(&[big; 17].concat())]
            ),
            st("select(1025, [], NULL, NULL, 0x1)       = -1 EFAULT (Bad address)")
        );
        assert_eq!(
            line(Sysno::select, &[1025, 1, 0, 0, 0], EFAULT, &[None]),
            st("select(1025, 0x1, NULL, NULL, NULL)     = -1 EFAULT (Bad address)")
        );
        let hundred = [[0u8; 8], (1u64 << 36).to_le_bytes()].concat();
        assert_eq!(
            line(
                Sysno::select,
                &[101, FDS, 0, 0, FDS + 16],
                -9,
                &[
                    Some(&hundred),
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some(&words(&[0, 0]))
                ]
            ),
            st(
                "select(101, [100], NULL, NULL, {tv_sec=0, tv_usec=0}) = -1 EBADF (Bad file descriptor)"
            )
        );
        assert_eq!(
            line(
                Sysno::select,
                &[u64::MAX, 0x7ffe_6990_1280, 0, 0, FDS],
                EINVAL,
                &[
                    Some(&r),
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some(&words(&[0, 0]))
                ]
            ),
            st(
                "select(-1, 0x7ffe69901280, NULL, NULL, {tv_sec=0, tv_usec=0}) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            line(
                Sysno::select,
                &[1, FDS, 0, 0, FDS + 16],
                EINTR_NOHAND,
                &[
                    Some(&fd_set(&[0])),
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some(&words(&[5, 0])),
                    Some(&words(&[4, 9]))
                ]
            ),
            st(
                "select(1, [0], NULL, NULL, {tv_sec=5, tv_usec=0}) = ? ERESTARTNOHAND (To be restarted if no handler)"
            )
        );
    }

    #[test]
    fn pselect6() {
        let (r, w, empty) = (fd_set(&[3]), fd_set(&[4]), fd_set(&[]));
        let ts = words(&[0, 0]);
        let nomask = words(&[0, 8]);
        assert_eq!(
            line(
                Sysno::pselect6,
                &[5, FDS, FDS + 8, 0, FDS + 16, 0],
                2,
                &[
                    Some(&r),
                    Some(&r),
                    Some(&w),
                    Some(&w),
                    None,
                    Some(&ts),
                    Some(&ts)
                ]
            ),
            st(
                "pselect6(5, [3], [4], NULL, {tv_sec=0, tv_nsec=0}, NULL) = 2 (in [3], out [4], left {tv_sec=0, tv_nsec=0})"
            )
        );
        assert_eq!(
            line(
                Sysno::pselect6,
                &[5, FDS, 0, 0, FDS + 16, FDS + 32],
                1,
                &[
                    Some(&r),
                    Some(&r),
                    None,
                    None,
                    None,
                    Some(&ts),
                    Some(&ts),
                    Some(&nomask)
                ]
            ),
            st(
                "pselect6(5, [3], NULL, NULL, {tv_sec=0, tv_nsec=0}, {sigmask=NULL, sigsetsize=8}) = 1 (in [3], left {tv_sec=0, tv_nsec=0})"
            )
        );
        assert_eq!(
            line(
                Sysno::pselect6,
                &[4, FDS, 0, 0, FDS + 16, 0],
                0,
                &[
                    Some(&r),
                    Some(&empty),
                    None,
                    None,
                    None,
                    Some(&ts),
                    Some(&ts)
                ]
            ),
            st("pselect6(4, [3], NULL, NULL, {tv_sec=0, tv_nsec=0}, NULL) = 0 (Timeout)")
        );
        let usr1 = words(&[0x7fff_0119_5370, 8]);
        assert_eq!(
            line(
                Sysno::pselect6,
                &[5, FDS, 0, 0, FDS + 16, FDS + 32],
                0,
                &[
                    Some(&w),
                    Some(&empty),
                    None,
                    None,
                    None,
                    Some(&ts),
                    Some(&ts),
                    Some(&usr1)
                ]
            ),
            // strace reads the set too: `{sigmask=[USR1], sigsetsize=8}`.
            "pselect6(5, [4], NULL, NULL, {tv_sec=0, tv_nsec=0}, {sigmask=0x7fff01195370, sigsetsize=8}) = 0 (Timeout)"
        );
        assert_eq!(
            line(
                Sysno::pselect6,
                &[5, FDS, 0, 0, FDS + 16, 1],
                EFAULT,
                &[Some(&empty), None, None, None, None, Some(&ts), None, None]
            ),
            st("pselect6(5, [], NULL, NULL, {tv_sec=0, tv_nsec=0}, 0x1) = -1 EFAULT (Bad address)")
        );
        let (ex, before, left) = (
            fd_set(&[3, 4]),
            words(&[2, 1_000_000]),
            words(&[2, 998_738]),
        );
        assert_eq!(
            line(
                Sysno::pselect6,
                &[5, FDS, 0, FDS + 8, FDS + 16, FDS + 32],
                1,
                &[
                    Some(&r),
                    Some(&r),
                    None,
                    None,
                    Some(&ex),
                    Some(&before),
                    Some(&left),
                    Some(&nomask)
                ]
            ),
            st(
                "pselect6(5, [3], NULL, [3 4], {tv_sec=2, tv_nsec=1000000}, {sigmask=NULL, sigsetsize=8}) = 1 (in [3], left {tv_sec=2, tv_nsec=998738})"
            )
        );
        // The ready exceptfds are inferred from the count.
        let oob = fd_set(&[5]);
        assert_eq!(
            line(
                Sysno::pselect6,
                &[6, FDS, 0, FDS + 8, 0, 0],
                2,
                &[Some(&r), Some(&r), None, None, Some(&oob)]
            ),
            "pselect6(6, [3], NULL, [5], NULL, NULL) = 2 (in [3], except [5])"
        );
    }

    fn epoll_events(entries: &[(u32, u64)]) -> Vec<u8> {
        entries
            .iter()
            .flat_map(|&(ev, data)| [ev.to_le_bytes().as_slice(), &data.to_le_bytes()].concat())
            .collect()
    }

    #[test]
    fn epoll() {
        assert_eq!(
            line(Sysno::epoll_create, &[10], 5, &[]),
            st("epoll_create(10)                        = 5")
        );
        assert_eq!(
            line(Sysno::epoll_create1, &[0o2_000_000], 6, &[]),
            st("epoll_create1(EPOLL_CLOEXEC)            = 6")
        );
        assert_eq!(
            line(Sysno::epoll_create1, &[0], 7, &[]),
            st("epoll_create1(0)                        = 7")
        );
        assert_eq!(
            line(Sysno::epoll_create1, &[0x10], EINVAL, &[]),
            st("epoll_create1(0x10 /* EPOLL_??? */)     = -1 EINVAL (Invalid argument)")
        );
        let ev = epoll_events(&[(1, 3)]);
        assert_eq!(
            line(Sysno::epoll_ctl, &[5, 1, 3, FDS], 0, &[Some(&ev)]),
            st("epoll_ctl(5, EPOLL_CTL_ADD, 3, {events=EPOLLIN, data={u32=3, u64=3}}) = 0")
        );
        let ev = epoll_events(&[(0x8000_2004, 0x1122_3344_5566_7788)]);
        assert_eq!(
            line(Sysno::epoll_ctl, &[5, 1, 4, FDS], 0, &[Some(&ev)]),
            st(
                "epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLOUT|EPOLLRDHUP|EPOLLET, data={u32=1432778632, u64=1234605616436508552}}) = 0"
            )
        );
        assert_eq!(
            line(Sysno::epoll_ctl, &[5, 2, 4, 0], 0, &[None]),
            st("epoll_ctl(5, EPOLL_CTL_DEL, 4, NULL)    = 0")
        );
        // The event of a DEL is not read: its address prints, whatever it holds.
        assert_eq!(
            line(Sysno::epoll_ctl, &[5, 2, 4, FDS], 0, &[Some(&ev)]),
            st("epoll_ctl(5, EPOLL_CTL_DEL, 4, 0x7ffd5c3a1e40) = 0")
        );
        let ev = epoll_events(&[(0, 0x1122_3344_5566_7788)]);
        assert_eq!(
            line(Sysno::epoll_ctl, &[5, 7, 4, FDS], EINVAL, &[Some(&ev)]),
            st(
                "epoll_ctl(5, 0x7 /* EPOLL_CTL_??? */, 4, {events=0, data={u32=1432778632, u64=1234605616436508552}}) = -1 EINVAL (Invalid argument)"
            )
        );
        let ev = epoll_events(&[(0x0400_0005, 0)]);
        assert_eq!(
            line(Sysno::epoll_ctl, &[6, 1, 7, FDS], 0, &[Some(&ev)]),
            st(
                "epoll_ctl(6, EPOLL_CTL_ADD, 7, {events=EPOLLIN|EPOLLOUT|0x4000000, data={u32=0, u64=0}}) = 0"
            )
        );
        let got = epoll_events(&[(1, 9)]);
        assert_eq!(
            line(Sysno::epoll_wait, &[5, FDS, 32, u64::MAX], 1, &[Some(&got)]),
            st("epoll_wait(5, [{events=EPOLLIN, data={u32=9, u64=9}}], 32, -1) = 1")
        );
        assert_eq!(
            line(Sysno::epoll_wait, &[6, FDS, 32, 0], 0, &[]),
            st("epoll_wait(6, [], 32, 0)                = 0")
        );
        assert_eq!(
            line(Sysno::epoll_wait, &[5, 1, 32, 0], EFAULT, &[]),
            st("epoll_wait(5, 0x1, 32, 0)               = -1 EFAULT (Bad address)")
        );
        assert_eq!(
            line(Sysno::epoll_wait, &[99, 0x7fff_0119_51e0, 32, 0], -9, &[]),
            st("epoll_wait(99, 0x7fff011951e0, 32, 0)   = -1 EBADF (Bad file descriptor)")
        );
        let usr1 = (1u64 << 9).to_le_bytes();
        let three = epoll_events(&[(1, 3)]);
        assert_eq!(
            line(
                Sysno::epoll_pwait,
                &[5, FDS, 32, 0, FDS + 512, 8],
                1,
                &[Some(&three), Some(&usr1)]
            ),
            st("epoll_pwait(5, [{events=EPOLLIN, data={u32=3, u64=3}}], 32, 0, [USR1], 8) = 1")
        );
        assert_eq!(
            line(
                Sysno::epoll_pwait,
                &[5, FDS, 32, 0, 0, 8],
                1,
                &[Some(&three), None]
            ),
            st("epoll_pwait(5, [{events=EPOLLIN, data={u32=3, u64=3}}], 32, 0, NULL, 8) = 1")
        );
        let seven = epoll_events(&[(1, 7)]);
        assert_eq!(
            line(
                Sysno::epoll_pwait2,
                &[5, FDS, 4, FDS + 64, 0, 8],
                1,
                &[Some(&seven), Some(&words(&[0, 0]))]
            ),
            st(
                "epoll_pwait2(5, [{events=EPOLLIN, data={u32=7, u64=7}}], 4, {tv_sec=0, tv_nsec=0}, NULL, 8) = 1"
            )
        );
        assert_eq!(
            line(
                Sysno::epoll_pwait2,
                &[5, FDS, 4, 0, 0, 8],
                1,
                &[Some(&seven)]
            ),
            st("epoll_pwait2(5, [{events=EPOLLIN, data={u32=7, u64=7}}], 4, NULL, NULL, 8) = 1")
        );
    }

    #[test]
    fn epoll_wait_beyond_the_captured_events() {
        // A slot holds 21 events; more returned print `...` after them.
        let many: Vec<(u32, u64)> = (0..21).map(|i| (5, i)).collect();
        let got = line(
            Sysno::epoll_wait,
            &[6, FDS, 64, 0],
            30,
            &[Some(&epoll_events(&many))],
        );
        assert!(
            got.ends_with("{events=EPOLLIN|EPOLLOUT, data={u32=20, u64=20}}, ...], 64, 0) = 30"),
            "{got}"
        );
    }

    #[test]
    fn inotify() {
        assert_eq!(
            line(Sysno::inotify_init1, &[0o4000], 3, &[]),
            st("inotify_init1(IN_NONBLOCK)              = 3")
        );
        assert_eq!(
            line(Sysno::inotify_init1, &[1], EINVAL, &[]),
            st("inotify_init1(0x1 /* IN_??? */)         = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::inotify_init1, &[0o2_000_020], EINVAL, &[]),
            st("inotify_init1(IN_CLOEXEC|0x10)          = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::inotify_init, &[], 4, &[]),
            st("inotify_init()                          = 4")
        );
        assert_eq!(
            line(
                Sysno::inotify_add_watch,
                &[3, 0x1000, 0x1_0000_0100],
                1,
                &[Some(b"/")]
            ),
            st("inotify_add_watch(3, \"/\", IN_CREATE)    = 1"),
            "the mask is an unsigned int"
        );
        assert_eq!(
            line(
                Sysno::inotify_add_watch,
                &[3, 0x1000, 0x8100_0300],
                -2,
                &[Some(b"/nonexistent")]
            ),
            st(
                "inotify_add_watch(3, \"/nonexistent\", IN_CREATE|IN_DELETE|IN_ONLYDIR|IN_ONESHOT) = -1 ENOENT (No such file or directory)"
            )
        );
        assert_eq!(
            line(
                Sysno::inotify_add_watch,
                &[3, 0x1000, 0x10_0000],
                EINVAL,
                &[Some(b"/")]
            ),
            st("inotify_add_watch(3, \"/\", 0x100000 /* IN_??? */) = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::inotify_rm_watch, &[3, 0xffff_ffff], EINVAL, &[]),
            st("inotify_rm_watch(3, -1)                 = -1 EINVAL (Invalid argument)")
        );
    }

    #[test]
    fn eventfd_and_timerfd() {
        assert_eq!(
            line(Sysno::eventfd2, &[3, 0o2_004_000], 8, &[]),
            st("eventfd2(3, EFD_CLOEXEC|EFD_NONBLOCK)   = 8")
        );
        assert_eq!(
            line(Sysno::eventfd2, &[0, 0], 9, &[]),
            st("eventfd2(0, 0)                          = 9")
        );
        assert_eq!(
            line(Sysno::eventfd2, &[0, 0x10], EINVAL, &[]),
            st("eventfd2(0, 0x10 /* EFD_??? */)         = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::eventfd, &[7], 11, &[]),
            st("eventfd(7)                              = 11")
        );
        assert_eq!(
            line(Sysno::timerfd_create, &[1, 0o2_004_000], 12, &[]),
            st("timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC|TFD_NONBLOCK) = 12")
        );
        assert_eq!(
            line(Sysno::timerfd_create, &[0, 0x10], EINVAL, &[]),
            st("timerfd_create(CLOCK_REALTIME, 0x10 /* TFD_??? */) = -1 EINVAL (Invalid argument)")
        );
        let its = words(&[0, 0, 1, 0]);
        let old = words(&[0, 0, 0, 999_977_837]);
        assert_eq!(
            line(
                Sysno::timerfd_settime,
                &[12, 0, FDS, 0],
                0,
                &[Some(&its), None]
            ),
            st(
                "timerfd_settime(12, 0, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=1, tv_nsec=0}}, NULL) = 0"
            )
        );
        assert_eq!(
            line(
                Sysno::timerfd_settime,
                &[12, 1, FDS, FDS + 32],
                0,
                &[Some(&its), Some(&old)]
            ),
            st(
                "timerfd_settime(12, TFD_TIMER_ABSTIME, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=1, tv_nsec=0}}, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=999977837}}) = 0"
            )
        );
        assert_eq!(
            line(
                Sysno::timerfd_gettime,
                &[12, FDS],
                0,
                &[Some(&words(&[0, 0, 0, 0]))]
            ),
            st(
                "timerfd_gettime(12, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=0}}) = 0"
            )
        );
    }

    #[test]
    fn blocked_calls_split_where_strace_does() {
        use super::super::time::tests::split;
        let fd3 = pollfds(&[(3, IN, 0)]);
        assert_eq!(
            split(Sysno::poll, &[FDS, 1, 100], 0, &[Some(&fd3)]),
            (
                "poll([{fd=3, events=POLLIN}], 1, 100 <unfinished ...>".to_string(),
                "<... poll resumed>) = 0 (Timeout)".to_string()
            )
        );
        assert_eq!(
            split(Sysno::epoll_wait, &[5, FDS, 4, 100], 0, &[]),
            (
                "epoll_wait(5,  <unfinished ...>".to_string(),
                "<... epoll_wait resumed>[], 4, 100) = 0".to_string()
            )
        );
        let empty = 0u64.to_le_bytes();
        assert_eq!(
            split(
                Sysno::epoll_pwait,
                &[5, FDS, 4, 100, FDS + 64, 8],
                0,
                &[None, Some(&empty)]
            )
            .1,
            "<... epoll_pwait resumed>[], 4, 100, [], 8) = 0"
        );
    }

    #[test]
    fn garbage_and_short_captures_do_not_panic() {
        let junk: Vec<u8> = (0..=255).rev().collect();
        for nr in [
            Sysno::poll,
            Sysno::ppoll,
            Sysno::select,
            Sysno::pselect6,
            Sysno::epoll_ctl,
            Sysno::epoll_wait,
            Sysno::epoll_pwait,
        ] {
            for nfds in [0, 1, 7, 64, 100_000, u64::MAX] {
                fuzz(
                    nr,
                    &[nfds, FDS, FDS, FDS, FDS, FDS],
                    3,
                    &[junk.as_slice(); 8],
                );
                fuzz(
                    nr,
                    &[nfds, FDS, FDS, FDS, FDS, FDS],
                    i64::MAX,
                    &[junk.as_slice(); 8],
                );
            }
        }
    }
}
