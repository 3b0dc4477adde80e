//! The kernel clock calls are timed on, read back as time. `sys_enter` stamps each call
//! with `jiffies` (`bpf_jiffies64` is a load; `bpf_ktime_get_ns` reads the clock source,
//! which costs as much as the rest of the program), so the stuck view and
//! `--unfinished` see durations to the tick (1 to 10 ms), which is what they print.
//!
//! Userspace has no `jiffies` of its own: `/proc/timer_list` shows the kernel's
//! `jiffies` next to `now` (`CLOCK_MONOTONIC`), and two readings a little apart give the
//! tick rate. Where it cannot be read, calls are stamped in nanoseconds as before.

use std::{
    fs,
    sync::OnceLock,
    time::{Duration, Instant},
};

/// The tick rates Linux can be built with (`CONFIG_HZ`).
const TICK_RATES: [u64; 4] = [100, 250, 300, 1000];
/// How far apart the two readings are taken, at the least.
const CALIBRATION: Duration = Duration::from_millis(100);

/// `jiffies` and `CLOCK_MONOTONIC` (ns) at one moment, from `/proc/timer_list`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    jiffies: u64,
    ns: u64,
}

impl Reading {
    fn take() -> Option<Self> {
        parse_timer_list(&fs::read_to_string("/proc/timer_list").ok()?)
    }
}

/// The first `now at N nsecs` and `jiffies: N` lines of `/proc/timer_list`.
fn parse_timer_list(text: &str) -> Option<Reading> {
    let ns = text.lines().find_map(|l| {
        l.strip_prefix("now at ")?
            .strip_suffix(" nsecs")?
            .parse()
            .ok()
    })?;
    let jiffies = text
        .lines()
        .find_map(|l| l.strip_prefix("jiffies: ")?.trim().parse().ok())?;
    Some(Reading { jiffies, ns })
}

/// The tick rate two readings imply, if it is one Linux can have.
fn tick_rate(first: Reading, second: Reading) -> Option<u64> {
    let ticks = second.jiffies.checked_sub(first.jiffies)?;
    let ns = second.ns.checked_sub(first.ns).filter(|&ns| ns > 0)?;
    #[expect(clippy::cast_precision_loss, reason = "a rate estimate")]
    let measured = ticks as f64 * 1e9 / ns as f64;
    TICK_RATES.into_iter().find(|&hz| {
        #[expect(clippy::cast_precision_loss, reason = "small constants")]
        let hz = hz as f64;
        (measured - hz).abs() <= hz * 0.1
    })
}

/// How the kernel stamps calls, and how to turn stamps into time.
#[derive(Debug)]
pub enum KernelClock {
    /// `bpf_ktime_get_ns`: `CLOCK_MONOTONIC` nanoseconds.
    Nanoseconds,
    /// `bpf_jiffies64`, read back through two readings of `/proc/timer_list`.
    Jiffies {
        first: Reading,
        taken: Instant,
        /// A second reading and the tick rate, taken by [`KernelClock::calibrate`].
        rate: OnceLock<(Reading, u64)>,
    },
}

impl KernelClock {
    /// Jiffies when `/proc/timer_list` can be read; nanoseconds otherwise.
    #[must_use]
    pub fn new() -> Self {
        match Reading::take() {
            Some(first) => KernelClock::Jiffies {
                first,
                taken: Instant::now(),
                rate: OnceLock::new(),
            },
            None => KernelClock::Nanoseconds,
        }
    }

    /// Whether the kernel programs should stamp calls with `jiffies`.
    #[must_use]
    pub fn uses_jiffies(&self) -> bool {
        matches!(self, KernelClock::Jiffies { .. })
    }

    /// Takes the second reading and tells the tick rate, before tracing starts.
    ///
    /// Not later: `/proc/timer_list` lists every timer of every CPU, and on a machine
    /// with many a read takes tens of milliseconds in the kernel (87 ms here, for 281 KB).
    /// Taken while tracing, that stalled the daemon long enough for a busy process to
    /// fill the ring. If the rate cannot be told, durations stay unknown: there is no
    /// second try.
    pub fn calibrate(&self) {
        if let KernelClock::Jiffies { first, taken, rate } = self {
            if let Some(wait) = CALIBRATION.checked_sub(taken.elapsed()) {
                std::thread::sleep(wait);
            }
            if let Some(second) = Reading::take()
                && let Some(hz) = tick_rate(*first, second)
            {
                let _ = rate.set((second, hz));
            }
        }
    }

    /// How long ago a call stamped `stamp` entered; `None` when the tick rate could
    /// not be told (see [`KernelClock::calibrate`]).
    #[must_use]
    pub fn since(&self, stamp: u64) -> Option<Duration> {
        let now = now_ns();
        match self {
            KernelClock::Nanoseconds => Some(Duration::from_nanos(now.saturating_sub(stamp))),
            KernelClock::Jiffies { rate, .. } => {
                let &(reference, hz) = rate.get()?;
                Some(elapsed(reference, hz, stamp, now))
            }
        }
    }
}

impl Default for KernelClock {
    fn default() -> Self {
        Self::new()
    }
}

/// The time from a call stamped `stamp` (jiffies) to `now` (ns), given a reading and the
/// tick rate.
fn elapsed(reference: Reading, hz: u64, stamp: u64, now: u64) -> Duration {
    let tick_ns = 1_000_000_000 / hz;
    // The stamp's time on CLOCK_MONOTONIC, from the reading: jiffies move with it.
    let stamp_ns = if stamp >= reference.jiffies {
        reference.ns + (stamp - reference.jiffies) * tick_ns
    } else {
        reference
            .ns
            .saturating_sub((reference.jiffies - stamp) * tick_ns)
    };
    Duration::from_nanos(now.saturating_sub(stamp_ns))
}

/// How long thread `tid` has been off the CPU: the scheduler's clock now (the mark of
/// this thread, which is running) less the last start of that one, from
/// `/proc/.../sched` (kernels with `CONFIG_SCHED_DEBUG`). For a thread blocked in a
/// call that began before rtrace attached, this is how long it has waited at least.
#[must_use]
pub fn off_cpu_for(tid: u32) -> Option<Duration> {
    let last_start = |path: &str| exec_start_ms(&fs::read_to_string(path).ok()?);
    // A yield brings this thread's own mark up to now (the scheduler updates the
    // running thread's at ticks and switches only).
    // SAFETY: no arguments.
    unsafe { libc::sched_yield() };
    let now = last_start("/proc/thread-self/sched")?;
    let then = last_start(&format!("/proc/{tid}/sched"))?;
    Duration::try_from_secs_f64((now - then) / 1e3).ok()
}

/// `se.exec_start` of a `/proc/.../sched` text: milliseconds on the scheduler's clock.
fn exec_start_ms(text: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        (name.trim() == "se.exec_start").then(|| value.trim().parse().ok())?
    })
}

/// `CLOCK_MONOTONIC` now, in nanoseconds (the kernel's `bpf_ktime_get_ns`).
#[must_use]
pub fn now_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime fills the struct.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &raw mut ts) };
    u64::try_from(ts.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(ts.tv_nsec).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMER_LIST: &str = "Timer List Version: v0.10\n\
        HRTIMER_MAX_CLOCK_BASES: 8\n\
        now at 11285029097366 nsecs\n\
        \n\
        cpu: 0\n  .last_tick      : 11285024000000 nsecs\n\
        \x20 .idle_jiffies   : 4297713489\n\
        jiffies: 4297713491\n\
        \n\
        jiffies: 4297713492\n";

    #[test]
    fn reads_now_and_jiffies() {
        assert_eq!(
            parse_timer_list(TIMER_LIST),
            Some(Reading {
                jiffies: 4_297_713_491,
                ns: 11_285_029_097_366
            })
        );
        assert_eq!(parse_timer_list("now at 5 nsecs\n"), None);
    }

    #[test]
    fn tells_the_tick_rate() {
        let first = Reading {
            jiffies: 1000,
            ns: 1_000_000_000,
        };
        let after = |jiffies: u64, ms: u64| Reading {
            jiffies,
            ns: first.ns + ms * 1_000_000,
        };
        assert_eq!(tick_rate(first, after(1025, 100)), Some(250));
        assert_eq!(tick_rate(first, after(1026, 104)), Some(250));
        assert_eq!(tick_rate(first, after(1030, 100)), Some(300));
        assert_eq!(tick_rate(first, after(1100, 100)), Some(1000));
        assert_eq!(tick_rate(first, after(1010, 100)), Some(100));
        assert_eq!(tick_rate(first, after(1050, 100)), None);
        assert_eq!(tick_rate(first, first), None);
    }

    #[test]
    fn reads_the_last_start() {
        let text = "sleep (4242, #threads: 1)\n\
            -------------------------------------------------------------------\n\
            se.exec_start                                :      12266438.955887\n\
            se.vruntime                                  :             3.108546\n";
        assert_eq!(exec_start_ms(text), Some(12_266_438.955_887));
        assert_eq!(exec_start_ms("se.vruntime : 1\n"), None);
    }

    #[test]
    fn an_uncalibrated_clock_tells_no_duration_and_reads_nothing() {
        let clock = KernelClock::Jiffies {
            first: Reading { jiffies: 1, ns: 1 },
            taken: Instant::now(),
            rate: OnceLock::new(),
        };
        assert_eq!(clock.since(1), None);
        assert!(matches!(&clock, KernelClock::Jiffies { rate, .. } if rate.get().is_none()));
    }

    #[test]
    fn durations_from_jiffies() {
        let reference = Reading {
            jiffies: 5000,
            ns: 20_000_000_000,
        };
        // 250 Hz: a tick is 4 ms. A call stamped 100 ticks before the reading, seen
        // 0.5 s after it, has run 0.9 s.
        assert_eq!(
            elapsed(reference, 250, 4900, 20_500_000_000),
            Duration::from_millis(900)
        );
        assert_eq!(
            elapsed(reference, 250, 5010, 20_100_000_000),
            Duration::from_millis(60)
        );
        assert_eq!(
            elapsed(reference, 250, 6000, 20_000_000_000),
            Duration::ZERO
        );
    }
}
