//! Clocks, timers and sleeping; also the `struct timespec` / `struct timeval` printers
//! the poll, signal and ipc families share.

use std::io::Write as _;

use super::{
    Call, Capture,
    fs::{OUT_INT, flags_dflt, i32_at, i64_at, u64_at, xval},
    signal,
    table::{Arg, Cap, INT, Len, Max, PID, Ret, SyscallDef, UINT, class},
    text,
};
use crate::xlat;
use syscalls::Sysno;

xlat! {
    /// Clock ids, `include/uapi/linux/time.h`.
    pub CLOCK_IDS {
        CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
        CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,
        CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM, CLOCK_SGI_CYCLE = 10, CLOCK_TAI,
    }
}

xlat! {
    /// `clock_nanosleep` / `timer_settime` flags, `include/uapi/linux/time.h`.
    pub TIMER_FLAGS { TIMER_ABSTIME }
}

xlat! {
    /// Interval timers, `include/uapi/linux/time.h`.
    pub ITIMER_WHICH { ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF }
}

xlat! {
    /// `sigev_notify`, `include/uapi/asm-generic/siginfo.h`.
    pub SIGEV_NOTIFY { SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD, SIGEV_THREAD_ID }
}

/// Bytes of the structs read here (`x86_64`).
pub(crate) const TIMESPEC_SIZE: u32 = 16;
const ITIMER_SIZE: u32 = 32;
const TIMEZONE_SIZE: u32 = 8;
const SIGEVENT_SIZE: u32 = 64;

/// A struct the kernel reads or writes, captured once at exit.
pub(crate) const fn exit_cap(size: u32) -> Cap {
    Cap::Bytes {
        at_enter: false,
        len: Len::Fixed(size),
        max: Max::Slot,
    }
}

/// The same struct read before the call (in/out structs the kernel overwrites).
pub(crate) const fn enter_cap(size: u32) -> Cap {
    Cap::Bytes {
        at_enter: true,
        len: Len::Fixed(size),
        max: Max::Slot,
    }
}

/// Writes a two-field time struct: `{tv_sec=1, tv_nsec=2}`.
fn write_pair(out: &mut Vec<u8>, b: &[u8], off: usize, names: [&str; 2]) -> Option<()> {
    let (sec, frac) = (i64_at(b, off)?, i64_at(b, off + 8)?);
    out.push(b'{');
    out.extend_from_slice(names[0].as_bytes());
    out.push(b'=');
    text::decimal(out, sec);
    out.extend_from_slice(b", ");
    out.extend_from_slice(names[1].as_bytes());
    out.push(b'=');
    text::decimal(out, frac);
    out.push(b'}');
    Some(())
}

/// Writes `{tv_sec=1234, tv_nsec=5678}` from a captured `struct timespec`.
pub(crate) fn write_timespec(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    write_pair(out, b, 0, ["tv_sec", "tv_nsec"])
}

/// Writes `{tv_sec=1234, tv_usec=5678}` from a captured `struct timeval`.
pub(crate) fn write_timeval(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    write_pair(out, b, 0, ["tv_sec", "tv_usec"])
}

/// Writes `{it_interval={tv_sec=0, tv_nsec=0}, it_value={...}}`.
fn write_itimerspec(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    write_itimer(out, b, ["tv_sec", "tv_nsec"])
}

/// Writes `{it_interval={tv_sec=0, tv_usec=0}, it_value={...}}`.
fn write_itimerval(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    write_itimer(out, b, ["tv_sec", "tv_usec"])
}

fn write_itimer(out: &mut Vec<u8>, b: &[u8], names: [&str; 2]) -> Option<()> {
    out.extend_from_slice(b"{it_interval=");
    write_pair(out, b, 0, names)?;
    out.extend_from_slice(b", it_value=");
    write_pair(out, b, 16, names)?;
    out.push(b'}');
    Some(())
}

fn write_timezone(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    let (west, dst) = (i32_at(b, 0)?, i32_at(b, 4)?);
    let _ = write!(out, "{{tz_minuteswest={west}, tz_dsttime={dst}}}");
    Some(())
}

/// Writes a struct argument from its capture: `NULL`, the struct, or (when it could
/// not be read, or was too short) the pointer.
pub(crate) fn write_struct(
    call: &mut Call<'_, '_>,
    ptr: u64,
    cap: Capture<'_>,
    write: fn(&mut Vec<u8>, &[u8]) -> Option<()>,
) {
    let start = call.out.len();
    match cap.bytes() {
        Some(b) if ptr != 0 && write(call.out, b).is_some() => {}
        _ => {
            call.out.truncate(start);
            call.pointer(ptr);
        }
    }
}

/// A struct the kernel fills: printed when the call succeeded, else the pointer.
pub(crate) fn write_out_struct(
    call: &mut Call<'_, '_>,
    ptr: u64,
    cap: Capture<'_>,
    write: fn(&mut Vec<u8>, &[u8]) -> Option<()>,
) {
    if call.failed() {
        call.pointer(ptr);
    } else {
        write_struct(call, ptr, cap, write);
    }
}

/// A `struct timespec` the kernel reads.
pub(crate) fn timespec_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_struct(call, ptr, cap, write_timespec);
}

fn timespec_out(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_out_struct(call, ptr, cap, write_timespec);
}

fn timeval_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_struct(call, ptr, cap, write_timeval);
}

fn timeval_out(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_out_struct(call, ptr, cap, write_timeval);
}

fn timezone_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_struct(call, ptr, cap, write_timezone);
}

fn timezone_out(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_out_struct(call, ptr, cap, write_timezone);
}

/// A `struct itimerspec` the kernel reads (`timer_settime`, `timerfd_settime`).
pub(crate) fn itimerspec_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_struct(call, ptr, cap, write_itimerspec);
}

/// A `struct itimerspec` the kernel fills.
pub(crate) fn itimerspec_out(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_out_struct(call, ptr, cap, write_itimerspec);
}

fn itimerval_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_struct(call, ptr, cap, write_itimerval);
}

fn itimerval_out(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_out_struct(call, ptr, cap, write_itimerval);
}

/// A clock id: `CLOCK_MONOTONIC`, or `0xfffffffe /* CLOCK_??? */` (CPU clocks too).
pub(crate) fn clock_id(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(call.out, &CLOCK_IDS, call.arg(i) & 0xffff_ffff, "CLOCK_???");
}

/// `TIMER_ABSTIME` flags.
pub(crate) fn timer_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &TIMER_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "TIMER_???",
    );
}

fn itimer_which(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(
        call.out,
        &ITIMER_WHICH,
        call.arg(i) & 0xffff_ffff,
        "ITIMER_???",
    );
}

/// Whether a failed call was interrupted by a signal (`EINTR` or a restart code):
/// the calls that report the time left then wrote it.
pub(crate) fn interrupted(call: &Call<'_, '_>) -> bool {
    call.failed() && matches!(-call.ret(), 4 | 512 | 513 | 514 | 516)
}

/// The time left of `nanosleep`, which the kernel writes only when interrupted.
fn sleep_remaining(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    if interrupted(call) {
        write_struct(call, ptr, cap, write_timespec);
    } else {
        call.pointer(ptr);
    }
}

/// Writes a calendar time as strace does (`%FT%T%z` in local time):
/// `2026-11-27T05:31:53+0000`. Writes nothing when the C library cannot convert it.
pub(crate) fn write_date(out: &mut Vec<u8>, secs: i64) -> bool {
    let t: libc::time_t = secs;
    let mut tm = std::mem::MaybeUninit::<libc::tm>::zeroed();
    // SAFETY: both pointers are valid; localtime_r fills `tm` or returns NULL.
    let ok = unsafe { !libc::localtime_r(&raw const t, tm.as_mut_ptr()).is_null() };
    if !ok {
        return false;
    }
    // SAFETY: localtime_r succeeded, so `tm` is initialised.
    let tm = unsafe { tm.assume_init() };
    write_tm(out, &tm);
    true
}

/// Writes a broken-down time as `%FT%T%z`.
fn write_tm(out: &mut Vec<u8>, tm: &libc::tm) {
    let year = i64::from(tm.tm_year) + 1900;
    let off = tm.tm_gmtoff;
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.unsigned_abs() / 60;
    let _ = write!(
        out,
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}{:02}",
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        off / 60,
        off % 60
    );
}

/// `time`'s out-value: `[1795757513 /* 2026-11-27T05:31:53+0000 */]`.
fn time_out(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let value = call.capture(i, 0).bytes().and_then(|b| i64_at(b, 0));
    match value {
        Some(v) if ptr != 0 && !call.failed() => {
            let _ = write!(call.out, "[{v}");
            let start = call.out.len();
            call.put(" /* ");
            if write_date(call.out, v) {
                call.put(" */");
            } else {
                call.out.truncate(start);
            }
            call.out.push(b']');
        }
        _ => call.pointer(ptr),
    }
}

/// `time`'s return value: `1795757513 (2026-11-27T05:31:53+0000)`.
fn time_ret(call: &mut Call<'_, '_>) {
    let v = call.ret();
    text::decimal(call.out, v);
    let start = call.out.len();
    call.put(" (");
    if write_date(call.out, v) {
        call.out.push(b')');
    } else {
        call.out.truncate(start);
    }
}

/// `struct sigevent`: `{sigev_value={sival_int=1, sival_ptr=0x1}, sigev_signo=SIGALRM,
/// sigev_notify=SIGEV_SIGNAL}`.
fn write_sigevent(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    let (value, signo, notify) = (u64_at(b, 0)?, i32_at(b, 8)?, i32_at(b, 12)?);
    out.push(b'{');
    if value != 0 {
        #[expect(clippy::cast_possible_truncation, reason = "sival_int is the low half")]
        let _ = write!(out, "sigev_value={{sival_int={}, sival_ptr=", value as i32);
        text::pointer(out, value);
        out.extend_from_slice(b"}, ");
    }
    out.extend_from_slice(b"sigev_signo=");
    match notify {
        libc::SIGEV_SIGNAL | libc::SIGEV_THREAD | libc::SIGEV_THREAD_ID => {
            signal::write_name(out, signo);
        }
        _ => text::decimal(out, signo),
    }
    out.extend_from_slice(b", sigev_notify=");
    #[expect(clippy::cast_sign_loss, reason = "printed as the unsigned bit pattern")]
    xval(out, &SIGEV_NOTIFY, u64::from(notify as u32), "SIGEV_???");
    match notify {
        libc::SIGEV_THREAD_ID => {
            let _ = write!(out, ", sigev_notify_thread_id={}", i32_at(b, 16)?);
        }
        libc::SIGEV_THREAD => {
            let (function, attributes) = (u64_at(b, 16)?, u64_at(b, 24)?);
            out.extend_from_slice(b", sigev_notify_function=");
            text::pointer(out, function);
            out.extend_from_slice(b", sigev_notify_attributes=");
            text::pointer(out, attributes);
        }
        _ => {}
    }
    out.push(b'}');
    Some(())
}

fn sigevent_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    write_struct(call, ptr, cap, write_sigevent);
}

const TIMESPEC_CAP: &[Cap] = &[exit_cap(TIMESPEC_SIZE)];
const ITIMER_CAP: &[Cap] = &[exit_cap(ITIMER_SIZE)];

const CLOCK_ID: Arg = Arg::custom(clock_id);
const TIMER_FLAGS_ARG: Arg = Arg::custom(timer_flags);
/// A `struct timespec` the kernel reads.
pub(crate) const TIMESPEC_IN: Arg = Arg::custom_with(timespec_in, TIMESPEC_CAP);
const TIMESPEC_OUT: Arg = Arg::custom_with(timespec_out, TIMESPEC_CAP).output();
const TIMEVAL_IN: Arg = Arg::custom_with(timeval_in, TIMESPEC_CAP);
const TIMEVAL_OUT: Arg = Arg::custom_with(timeval_out, TIMESPEC_CAP).output();
const TIMEZONE_IN: Arg = Arg::custom_with(timezone_in, &[exit_cap(TIMEZONE_SIZE)]);
const TIMEZONE_OUT: Arg = Arg::custom_with(timezone_out, &[exit_cap(TIMEZONE_SIZE)]).output();
const SLEEP_REMAINING: Arg = Arg::custom_with(sleep_remaining, TIMESPEC_CAP).output();
/// A `struct itimerspec` the kernel reads.
pub(crate) const ITIMERSPEC_IN: Arg = Arg::custom_with(itimerspec_in, ITIMER_CAP);
/// A `struct itimerspec` the kernel fills.
pub(crate) const ITIMERSPEC_OUT: Arg = Arg::custom_with(itimerspec_out, ITIMER_CAP).output();
const ITIMERVAL_IN: Arg = Arg::custom_with(itimerval_in, ITIMER_CAP);
const ITIMERVAL_OUT: Arg = Arg::custom_with(itimerval_out, ITIMER_CAP).output();
const ITIMER_WHICH_ARG: Arg = Arg::custom(itimer_which);

pub static DEFS: &[SyscallDef] = &[
    SyscallDef {
        sysno: Sysno::clock_gettime,
        args: &[CLOCK_ID, TIMESPEC_OUT],
        ret: Ret::Int,
        class: class::CLOCK,
    },
    SyscallDef {
        sysno: Sysno::clock_getres,
        args: &[CLOCK_ID, TIMESPEC_OUT],
        ret: Ret::Int,
        class: class::CLOCK,
    },
    SyscallDef {
        sysno: Sysno::sched_rr_get_interval,
        args: &[PID, TIMESPEC_OUT],
        ret: Ret::Int,
        class: 0,
    },
    SyscallDef {
        sysno: Sysno::clock_settime,
        args: &[CLOCK_ID, TIMESPEC_IN],
        ret: Ret::Int,
        class: class::CLOCK,
    },
    SyscallDef {
        sysno: Sysno::gettimeofday,
        args: &[TIMEVAL_OUT, TIMEZONE_OUT],
        ret: Ret::Int,
        class: class::CLOCK,
    },
    SyscallDef {
        sysno: Sysno::settimeofday,
        args: &[TIMEVAL_IN, TIMEZONE_IN],
        ret: Ret::Int,
        class: class::CLOCK,
    },
    SyscallDef {
        sysno: Sysno::time,
        args: &[Arg::custom_with(time_out, &[exit_cap(8)]).output()],
        ret: Ret::Custom(time_ret),
        class: class::CLOCK,
    },
    SyscallDef {
        sysno: Sysno::nanosleep,
        args: &[TIMESPEC_IN, SLEEP_REMAINING],
        ret: Ret::Int,
        class: 0,
    },
    SyscallDef {
        sysno: Sysno::clock_nanosleep,
        args: &[CLOCK_ID, TIMER_FLAGS_ARG, TIMESPEC_IN, SLEEP_REMAINING],
        ret: Ret::Int,
        class: 0,
    },
    SyscallDef {
        sysno: Sysno::alarm,
        args: &[UINT],
        ret: Ret::Int,
        class: 0,
    },
    SyscallDef {
        sysno: Sysno::setitimer,
        args: &[ITIMER_WHICH_ARG, ITIMERVAL_IN, ITIMERVAL_OUT],
        ret: Ret::Int,
        class: 0,
    },
    SyscallDef {
        sysno: Sysno::getitimer,
        args: &[ITIMER_WHICH_ARG, ITIMERVAL_OUT],
        ret: Ret::Int,
        class: 0,
    },
    SyscallDef {
        sysno: Sysno::timer_create,
        args: &[
            CLOCK_ID,
            Arg::custom_with(sigevent_in, &[exit_cap(SIGEVENT_SIZE)]),
            OUT_INT.output(),
        ],
        ret: Ret::Int,
        class: 0,
    },
    SyscallDef {
        sysno: Sysno::timer_settime,
        args: &[INT, TIMER_FLAGS_ARG, ITIMERSPEC_IN, ITIMERSPEC_OUT],
        ret: Ret::Int,
        class: 0,
    },
    SyscallDef {
        sysno: Sysno::timer_gettime,
        args: &[INT, ITIMERSPEC_OUT],
        ret: Ret::Int,
        class: 0,
    },
    SyscallDef {
        sysno: Sysno::timer_getoverrun,
        args: &[INT],
        ret: Ret::Int,
        class: 0,
    },
    SyscallDef {
        sysno: Sysno::timer_delete,
        args: &[INT],
        ret: Ret::Int,
        class: 0,
    },
];

#[cfg(test)]
#[expect(
    clippy::too_many_lines,
    reason = "tests list one strace line after another"
)]
pub(crate) mod tests {
    use super::super::fs::tests::{fuzz, line};
    use syscalls::Sysno;

    /// strace's column padding removed: `alarm(0)     = 5` → `alarm(0) = 5`.
    pub(crate) fn st(s: &str) -> String {
        match s.find(")  ") {
            Some(at) => {
                let rest = s[at + 1..].trim_start();
                format!("{}) {rest}", &s[..at])
            }
            None => s.to_string(),
        }
    }

    /// Native-endian 64-bit words, as `struct timespec` and friends hold them.
    pub(crate) fn words(w: &[i64]) -> Vec<u8> {
        w.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// The `<unfinished ...>` line and the `<... resumed>` part (with its return) of a
    /// call, as shown when it blocks.
    pub(crate) fn split(
        nr: Sysno,
        args: &[u64],
        ret: i64,
        slots: &[Option<&[u8]>],
    ) -> (String, String) {
        use super::super::{
            DecodeOptions, Event, UNFINISHED, format_pending, format_resumed, format_return,
            parse_record,
        };
        let mut a = [0u64; 6];
        a[..args.len()].copy_from_slice(args);
        let rec = super::super::event::testing::syscall_record(
            u32::try_from(nr.id()).unwrap(),
            a,
            ret,
            slots,
        );
        let Event::Syscall(ev) = parse_record(&rec).unwrap() else {
            panic!("not a syscall")
        };
        let opts = DecodeOptions::default();
        let (mut unfinished, mut resumed) = (Vec::new(), Vec::new());
        format_pending(&ev, &opts, &mut unfinished, UNFINISHED);
        format_resumed(&ev, &opts, &mut resumed);
        resumed.push(b' ');
        format_return(&ev, &opts, &mut resumed);
        (
            String::from_utf8(unfinished).unwrap(),
            String::from_utf8(resumed).unwrap(),
        )
    }

    pub(crate) const EFAULT: i64 = -14;
    pub(crate) const EINVAL: i64 = -22;
    pub(crate) const ERESTART_RESTARTBLOCK: i64 = -516;
    const TP: u64 = 0x7ffc_e283_6090;

    #[test]
    fn clock_gettime_and_getres() {
        let ts = words(&[1587, 938_300_510]);
        assert_eq!(
            line(Sysno::clock_gettime, &[1, TP], 0, &[Some(&ts)]),
            st("clock_gettime(CLOCK_MONOTONIC, {tv_sec=1587, tv_nsec=938300510}) = 0")
        );
        assert_eq!(
            line(Sysno::clock_gettime, &[7, 1], EFAULT, &[None]),
            st("clock_gettime(CLOCK_BOOTTIME, 0x1)      = -1 EFAULT (Bad address)")
        );
        // The out-value of a failed call is its pointer even when memory was read.
        assert_eq!(
            line(Sysno::clock_gettime, &[99, TP], EINVAL, &[Some(&ts)]),
            st(
                "clock_gettime(0x63 /* CLOCK_??? */, 0x7ffce2836090) = -1 EINVAL (Invalid argument)"
            )
        );
        // CPU-time clocks of other processes are negative ids.
        let ts = words(&[0, 1_015_094]);
        assert_eq!(
            line(
                Sysno::clock_gettime,
                &[(-2i64).cast_unsigned(), TP],
                0,
                &[Some(&ts)]
            ),
            st("clock_gettime(0xfffffffe /* CLOCK_??? */, {tv_sec=0, tv_nsec=1015094}) = 0")
        );
        let res = words(&[0, 4_000_000]);
        assert_eq!(
            line(Sysno::clock_getres, &[6, TP], 0, &[Some(&res)]),
            st("clock_getres(CLOCK_MONOTONIC_COARSE, {tv_sec=0, tv_nsec=4000000}) = 0")
        );
        assert_eq!(
            line(Sysno::clock_getres, &[1, 0], 0, &[]),
            st("clock_getres(CLOCK_MONOTONIC, NULL)     = 0")
        );
        assert_eq!(
            line(
                Sysno::clock_settime,
                &[0, TP],
                EINVAL,
                &[Some(&words(&[5, 6]))]
            ),
            st(
                "clock_settime(CLOCK_REALTIME, {tv_sec=5, tv_nsec=6}) = -1 EINVAL (Invalid argument)"
            )
        );
    }

    #[test]
    fn short_or_missing_structs_print_the_pointer() {
        let short = [0u8; 12];
        assert_eq!(
            line(Sysno::clock_gettime, &[1, TP], 0, &[Some(&short)]),
            "clock_gettime(CLOCK_MONOTONIC, 0x7ffce2836090) = 0"
        );
        assert_eq!(
            line(Sysno::clock_gettime, &[1, TP], 0, &[]),
            "clock_gettime(CLOCK_MONOTONIC, 0x7ffce2836090) = 0"
        );
    }

    #[test]
    fn gettimeofday() {
        let tv = words(&[1_795_757_513, 110_870]);
        let tz = [0u8; 8];
        assert_eq!(
            line(
                Sysno::gettimeofday,
                &[TP, TP + 16],
                0,
                &[Some(&tv), Some(&tz)]
            ),
            st(
                "gettimeofday({tv_sec=1795757513, tv_usec=110870}, {tz_minuteswest=0, tz_dsttime=0}) = 0"
            )
        );
        assert_eq!(
            line(Sysno::gettimeofday, &[TP, 0], 0, &[Some(&tv), None]),
            st("gettimeofday({tv_sec=1795757513, tv_usec=110870}, NULL) = 0")
        );
        assert_eq!(
            line(Sysno::gettimeofday, &[0, 0], 0, &[]),
            st("gettimeofday(NULL, NULL)                = 0")
        );
        assert_eq!(
            line(Sysno::settimeofday, &[0, 0], 0, &[]),
            st("settimeofday(NULL, NULL)                = 0")
        );
    }

    /// The offset from UTC of local time at `secs`, as `localtime_r` says.
    fn local_offset(secs: i64) -> i64 {
        let mut tm = std::mem::MaybeUninit::<libc::tm>::zeroed();
        // SAFETY: valid pointers; the result is checked.
        let ok = unsafe { !libc::localtime_r(&raw const secs, tm.as_mut_ptr()).is_null() };
        assert!(ok);
        // SAFETY: localtime_r filled it.
        unsafe { tm.assume_init() }.tm_gmtoff
    }

    #[test]
    fn time_prints_the_date() {
        let secs = 1_795_757_513_i64;
        let got = line(Sysno::time, &[TP], secs, &[Some(&secs.to_le_bytes())]);
        if local_offset(secs) == 0 {
            assert_eq!(
                got,
                st(
                    "time([1795757513 /* 2026-11-27T05:31:53+0000 */]) = 1795757513 (2026-11-27T05:31:53+0000)"
                )
            );
            assert_eq!(
                line(Sysno::time, &[0], secs, &[]),
                st(
                    "time(NULL)                              = 1795757513 (2026-11-27T05:31:53+0000)"
                )
            );
        } else {
            assert!(got.starts_with("time([1795757513 /* 2026-11-27T"), "{got}");
        }
        assert_eq!(
            line(Sysno::time, &[1], EFAULT, &[]),
            st("time(0x1)                               = -1 EFAULT (Bad address)")
        );
    }

    #[test]
    fn dates_carry_the_local_offset() {
        // SAFETY: an all-zero tm is valid.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        (
            tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
        ) = (126, 10, 27, 0, 31, 53);
        tm.tm_gmtoff = -(5 * 3600 + 30 * 60);
        let mut out = Vec::new();
        super::write_tm(&mut out, &tm);
        assert_eq!(out, b"2026-11-27T00:31:53-0530");
    }

    #[test]
    fn nanosleep_prints_the_remainder_only_when_interrupted() {
        let req = words(&[0, 1_000_000]);
        let rem = words(&[4, 900_031_035]);
        assert_eq!(
            line(
                Sysno::nanosleep,
                &[TP, 0x7ffc_e283_6050],
                0,
                &[Some(&req), Some(&rem)]
            ),
            st("nanosleep({tv_sec=0, tv_nsec=1000000}, 0x7ffce2836050) = 0")
        );
        let req = words(&[5, 0]);
        assert_eq!(
            line(
                Sysno::nanosleep,
                &[TP, 0x7ffc_e283_6050],
                ERESTART_RESTARTBLOCK,
                &[Some(&req), Some(&rem)]
            ),
            st(
                "nanosleep({tv_sec=5, tv_nsec=0}, {tv_sec=4, tv_nsec=900031035}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)"
            )
        );
        assert_eq!(
            line(
                Sysno::nanosleep,
                &[TP, 0],
                ERESTART_RESTARTBLOCK,
                &[Some(&req), None]
            ),
            st(
                "nanosleep({tv_sec=5, tv_nsec=0}, NULL)  = ? ERESTART_RESTARTBLOCK (Interrupted by signal)"
            )
        );
        let bad = words(&[-1, 5]);
        assert_eq!(
            line(
                Sysno::nanosleep,
                &[TP, 0x7ffc_e283_6050],
                EINVAL,
                &[Some(&bad), Some(&rem)]
            ),
            st("nanosleep({tv_sec=-1, tv_nsec=5}, 0x7ffce2836050) = -1 EINVAL (Invalid argument)")
        );
    }

    #[test]
    fn clock_nanosleep() {
        let req = words(&[0, 1_000_000]);
        assert_eq!(
            line(Sysno::clock_nanosleep, &[0, 0, TP, 0], 0, &[Some(&req)]),
            st("clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=1000000}, NULL) = 0")
        );
        let abs = words(&[1587, 0]);
        assert_eq!(
            line(
                Sysno::clock_nanosleep,
                &[1, 1, TP, 0x7ffc_e283_6050],
                0,
                &[Some(&abs)]
            ),
            st(
                "clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, {tv_sec=1587, tv_nsec=0}, 0x7ffce2836050) = 0"
            )
        );
        assert_eq!(
            line(Sysno::clock_nanosleep, &[1, 2, TP, 0], 0, &[Some(&req)]),
            st(
                "clock_nanosleep(CLOCK_MONOTONIC, 0x2 /* TIMER_??? */, {tv_sec=0, tv_nsec=1000000}, NULL) = 0"
            )
        );
        assert_eq!(
            line(Sysno::clock_nanosleep, &[1, 3, TP, 0], 0, &[Some(&req)]),
            st(
                "clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME|0x2, {tv_sec=0, tv_nsec=1000000}, NULL) = 0"
            )
        );
        let req = words(&[5, 0]);
        let rem = words(&[4, 900_048_470]);
        assert_eq!(
            line(
                Sysno::clock_nanosleep,
                &[1, 0, TP, TP + 16],
                ERESTART_RESTARTBLOCK,
                &[Some(&req), Some(&rem)]
            ),
            st(
                "clock_nanosleep(CLOCK_MONOTONIC, 0, {tv_sec=5, tv_nsec=0}, {tv_sec=4, tv_nsec=900048470}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)"
            )
        );
    }

    #[test]
    fn blocked_sleeps_split_before_the_remainder() {
        let (req, rem) = (words(&[1, 0]), words(&[0, 996_788_916]));
        assert_eq!(
            split(
                Sysno::clock_nanosleep,
                &[0, 0, TP, TP + 16],
                ERESTART_RESTARTBLOCK,
                &[Some(&req), Some(&rem)]
            ),
            (
                "clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=0},  <unfinished ...>"
                    .to_string(),
                st(
                    "<... clock_nanosleep resumed>{tv_sec=0, tv_nsec=996788916}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)"
                )
            )
        );
    }

    #[test]
    fn alarm_and_itimers() {
        assert_eq!(
            line(Sysno::alarm, &[5], 0, &[]),
            st("alarm(5)                                = 0")
        );
        assert_eq!(
            line(Sysno::alarm, &[0], 5, &[]),
            st("alarm(0)                                = 5")
        );
        let new = words(&[0, 0, 1, 500]);
        let old = words(&[0, 0, 0, 0]);
        assert_eq!(
            line(
                Sysno::setitimer,
                &[0, TP, TP + 32],
                0,
                &[Some(&new), Some(&old)]
            ),
            st(
                "setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=1, tv_usec=500}}, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=0}}) = 0"
            )
        );
        assert_eq!(
            line(Sysno::setitimer, &[0, TP, 0], 0, &[Some(&new), None]),
            st(
                "setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=1, tv_usec=500}}, NULL) = 0"
            )
        );
        let cur = words(&[0, 0, 1, 446]);
        assert_eq!(
            line(Sysno::getitimer, &[0, TP], 0, &[Some(&cur)]),
            st(
                "getitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=1, tv_usec=446}}) = 0"
            )
        );
        assert_eq!(
            line(
                Sysno::getitimer,
                &[7, 0x7ffc_e283_6000],
                EINVAL,
                &[Some(&cur)]
            ),
            st("getitimer(0x7 /* ITIMER_??? */, 0x7ffce2836000) = -1 EINVAL (Invalid argument)")
        );
    }

    fn sigevent(value: u64, signo: i32, notify: i32, extra: &[u64]) -> Vec<u8> {
        let mut b = vec![0u8; 64];
        b[0..8].copy_from_slice(&value.to_le_bytes());
        b[8..12].copy_from_slice(&signo.to_le_bytes());
        b[12..16].copy_from_slice(&notify.to_le_bytes());
        for (k, v) in extra.iter().enumerate() {
            b[16 + 8 * k..24 + 8 * k].copy_from_slice(&v.to_le_bytes());
        }
        b
    }

    #[test]
    fn posix_timers() {
        let id = 0i32.to_le_bytes();
        let sev = sigevent(0x1234, libc::SIGALRM, libc::SIGEV_SIGNAL, &[]);
        assert_eq!(
            line(
                Sysno::timer_create,
                &[0, TP, TP + 64],
                0,
                &[Some(&sev), Some(&id)]
            ),
            st(
                "timer_create(CLOCK_REALTIME, {sigev_value={sival_int=4660, sival_ptr=0x1234}, sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL}, [0]) = 0"
            )
        );
        let sev = sigevent(0, 0, libc::SIGEV_NONE, &[]);
        assert_eq!(
            line(
                Sysno::timer_create,
                &[1, TP, TP + 64],
                0,
                &[Some(&sev), Some(&id)]
            ),
            st("timer_create(CLOCK_MONOTONIC, {sigev_signo=0, sigev_notify=SIGEV_NONE}, [0]) = 0")
        );
        let sev = sigevent(5, libc::SIGUSR1, libc::SIGEV_NONE, &[]);
        assert_eq!(
            line(
                Sysno::timer_create,
                &[1, TP, TP + 64],
                0,
                &[Some(&sev), Some(&id)]
            ),
            st(
                "timer_create(CLOCK_MONOTONIC, {sigev_value={sival_int=5, sival_ptr=0x5}, sigev_signo=10, sigev_notify=SIGEV_NONE}, [0]) = 0"
            )
        );
        let one = 1i32.to_le_bytes();
        let sev = sigevent(5, libc::SIGUSR1, libc::SIGEV_THREAD, &[0x10, 0]);
        assert_eq!(
            line(
                Sysno::timer_create,
                &[1, TP, TP + 64],
                0,
                &[Some(&sev), Some(&one)]
            ),
            st(
                "timer_create(CLOCK_MONOTONIC, {sigev_value={sival_int=5, sival_ptr=0x5}, sigev_signo=SIGUSR1, sigev_notify=SIGEV_THREAD, sigev_notify_function=0x10, sigev_notify_attributes=NULL}, [1]) = 0"
            )
        );
        let sev = sigevent(0x1234, libc::SIGALRM, libc::SIGEV_THREAD_ID, &[77]);
        assert_eq!(
            line(
                Sysno::timer_create,
                &[0, TP, 0x7ffe_0cd3_ecd0],
                EINVAL,
                &[Some(&sev), Some(&id)]
            ),
            st(
                "timer_create(CLOCK_REALTIME, {sigev_value={sival_int=4660, sival_ptr=0x1234}, sigev_signo=SIGALRM, sigev_notify=SIGEV_THREAD_ID, sigev_notify_thread_id=77}, 0x7ffe0cd3ecd0) = -1 EINVAL (Invalid argument)"
            )
        );
        let sev = sigevent(0x1234, libc::SIGALRM, 9, &[]);
        assert_eq!(
            line(
                Sysno::timer_create,
                &[0, TP, 0x7ffe_0cd3_ecd0],
                EINVAL,
                &[Some(&sev), None]
            ),
            st(
                "timer_create(CLOCK_REALTIME, {sigev_value={sival_int=4660, sival_ptr=0x1234}, sigev_signo=14, sigev_notify=0x9 /* SIGEV_??? */}, 0x7ffe0cd3ecd0) = -1 EINVAL (Invalid argument)"
            )
        );
        let three = 3i32.to_le_bytes();
        assert_eq!(
            line(Sysno::timer_create, &[0, 0, TP], 0, &[None, Some(&three)]),
            st("timer_create(CLOCK_REALTIME, NULL, [3]) = 0")
        );
        let its = words(&[0, 0, 10, 0]);
        let old = words(&[0, 0, 0, 0]);
        assert_eq!(
            line(
                Sysno::timer_settime,
                &[0, 0, TP, TP + 32],
                0,
                &[Some(&its), Some(&old)]
            ),
            st(
                "timer_settime(0, 0, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=10, tv_nsec=0}}, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=0}}) = 0"
            )
        );
        assert_eq!(
            line(
                Sysno::timer_settime,
                &[77, 1, TP, 0],
                EINVAL,
                &[Some(&old), None]
            ),
            st(
                "timer_settime(77, TIMER_ABSTIME, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=0}}, NULL) = -1 EINVAL (Invalid argument)"
            )
        );
        let cur = words(&[0, 0, 9, 999_976_185]);
        assert_eq!(
            line(Sysno::timer_gettime, &[0, TP], 0, &[Some(&cur)]),
            st(
                "timer_gettime(0, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=9, tv_nsec=999976185}}) = 0"
            )
        );
        assert_eq!(
            line(Sysno::timer_getoverrun, &[3], 0, &[]),
            st("timer_getoverrun(3)                     = 0")
        );
        assert_eq!(
            line(Sysno::timer_delete, &[77], EINVAL, &[]),
            st("timer_delete(77)                        = -1 EINVAL (Invalid argument)")
        );
    }

    #[test]
    fn garbage_and_short_captures_do_not_panic() {
        let ts = words(&[1, 2, 3, 4, 5, 6, 7, 8]);
        for nr in [
            Sysno::clock_gettime,
            Sysno::gettimeofday,
            Sysno::time,
            Sysno::nanosleep,
            Sysno::clock_nanosleep,
            Sysno::setitimer,
            Sysno::getitimer,
            Sysno::timer_create,
            Sysno::timer_settime,
        ] {
            fuzz(nr, &[1, TP, TP, TP, TP, TP], 0, &[&ts, &ts, &ts, &ts]);
            fuzz(nr, &[1, TP, TP, TP, TP, TP], -516, &[&ts, &ts, &ts, &ts]);
        }
        // Dates far outside what the C library converts.
        let _ = line(
            Sysno::time,
            &[TP],
            i64::MAX,
            &[Some(&i64::MIN.to_le_bytes())],
        );
    }
}
