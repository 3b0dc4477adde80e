//! The kernel clock calls are timed on, read back as time. `sys_enter` stamps each call
//! with `jiffies` (`bpf_jiffies64` is a load; `bpf_ktime_get_ns` reads the clock source,
//! which costs as much as the rest of the program), so the stuck view and
//! `--unfinished` see durations to the tick (1 to 10 ms), which is what they print.
//!
//! Userspace has no `jiffies` of its own. One reading of `jiffies` and `CLOCK_MONOTONIC`
//! at the same instant (a tiny kernel program, run once; or, where the kernel cannot
//! run it, `/proc/timer_list`) tells both the tick rate and where the ticks are: the
//! kernel starts `jiffies` at `INITIAL_JIFFIES`, five minutes' worth of ticks before a
//! 32-bit wrap, and counts `HZ` a second from boot, as the monotonic clock counts
//! nanoseconds.

use std::{fs, sync::OnceLock, time::Duration};

/// The tick rates Linux can be built with (`CONFIG_HZ`).
const TICK_RATES: [u64; 4] = [100, 250, 300, 1000];
/// How far the ticks since boot may be from the monotonic clock, as time: `jiffies`
/// starts with the first tick, a moment after the clock.
const BOOT_SLACK: Duration = Duration::from_secs(30);

/// `jiffies` and `CLOCK_MONOTONIC` (ns) at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub jiffies: u64,
    pub ns: u64,
}

impl Reading {
    /// A reading from `/proc/timer_list` (slow on a busy host: it lists every timer).
    #[must_use]
    pub fn from_timer_list() -> Option<Self> {
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

/// The tick rate a reading implies: the one at which the ticks counted since
/// `INITIAL_JIFFIES` (`(u32)(-300 * HZ)`) took as long as the monotonic clock says.
fn tick_rate(reading: Reading) -> Option<u64> {
    let slack = BOOT_SLACK.as_nanos();
    TICK_RATES.into_iter().find(|&hz| {
        let initial = (1u64 << 32) - 300 * hz;
        let ticks = reading.jiffies.wrapping_sub(initial);
        let ticks_ns = u128::from(ticks) * 1_000_000_000 / u128::from(hz);
        ticks_ns.abs_diff(u128::from(reading.ns)) <= slack
    })
}

/// How the kernel stamps calls, and how to turn stamps into time.
#[derive(Debug)]
pub enum KernelClock {
    /// `bpf_ktime_get_ns`: `CLOCK_MONOTONIC` nanoseconds.
    Nanoseconds,
    /// `bpf_jiffies64`, read back through a reading and the tick rate it implies, set
    /// by [`KernelClock::calibrate`].
    Jiffies { rate: OnceLock<(Reading, u64)> },
}

impl KernelClock {
    /// Calls stamped with `jiffies`, read back once calibrated.
    #[must_use]
    pub fn jiffies() -> Self {
        KernelClock::Jiffies {
            rate: OnceLock::new(),
        }
    }

    /// Whether the kernel programs should stamp calls with `jiffies`.
    #[must_use]
    pub fn uses_jiffies(&self) -> bool {
        matches!(self, KernelClock::Jiffies { .. })
    }

    /// Takes the tick rate and reference from a reading, before tracing starts. If the
    /// rate cannot be told, durations stay unknown.
    pub fn calibrate(&self, reading: Option<Reading>) {
        if let KernelClock::Jiffies { rate } = self
            && let Some(reading) = reading
            && let Some(hz) = tick_rate(reading)
        {
            let _ = rate.set((reading, hz));
        }
    }

    /// How long ago a call stamped `stamp` entered; `None` when the tick rate could
    /// not be told (see [`KernelClock::calibrate`]).
    #[must_use]
    pub fn since(&self, stamp: u64) -> Option<Duration> {
        let now = now_ns();
        match self {
            KernelClock::Nanoseconds => Some(Duration::from_nanos(now.saturating_sub(stamp))),
            KernelClock::Jiffies { rate } => {
                let &(reference, hz) = rate.get()?;
                Some(elapsed(reference, hz, stamp, now))
            }
        }
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
///
/// Both marks are read on the CPU the thread last ran on: each CPU's scheduler clock
/// leaves out the time its interrupts took (and in a VM, the time the host took the
/// CPU away), so two CPUs' clocks drift apart, by seconds on a shared host.
#[must_use]
pub fn off_cpu_for(tid: u32) -> Option<Duration> {
    let last_start = |path: &str| exec_start_ms(&fs::read_to_string(path).ok()?);
    let _on_its_cpu = last_cpu(tid).and_then(PinnedToCpu::new);
    // A yield brings this thread's own mark up to now (the scheduler updates the
    // running thread's at ticks and switches only).
    // SAFETY: no arguments.
    unsafe { libc::sched_yield() };
    let now = last_start("/proc/thread-self/sched")?;
    let then = last_start(&format!("/proc/{tid}/sched"))?;
    Duration::try_from_secs_f64((now - then) / 1e3).ok()
}

/// The CPU thread `tid` last ran on: field 39 of `/proc/TID/stat`.
fn last_cpu(tid: u32) -> Option<usize> {
    let stat = fs::read_to_string(format!("/proc/{tid}/stat")).ok()?;
    // Fields from the third (the state), after the name in parentheses.
    let (_, fields) = stat.rsplit_once(')')?;
    fields.split_whitespace().nth(39 - 3)?.parse().ok()
}

/// The calling thread, moved to one CPU until dropped, when it may run there.
struct PinnedToCpu {
    before: libc::cpu_set_t,
}

impl PinnedToCpu {
    fn new(cpu: usize) -> Option<Self> {
        // SAFETY: cpu_set_t is a plain bit array, for which zeroes are a value; the
        // affinity calls are given its size, for this thread (0).
        unsafe {
            let mut before: libc::cpu_set_t = std::mem::zeroed();
            let size = std::mem::size_of::<libc::cpu_set_t>();
            if libc::sched_getaffinity(0, size, &raw mut before) != 0
                || !libc::CPU_ISSET(cpu, &before)
            {
                return None;
            }
            let mut only: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut only);
            (libc::sched_setaffinity(0, size, &raw const only) == 0)
                .then_some(PinnedToCpu { before })
        }
    }
}

impl Drop for PinnedToCpu {
    fn drop(&mut self) {
        // SAFETY: as in `new`, with the set read there.
        unsafe {
            libc::sched_setaffinity(
                0,
                std::mem::size_of::<libc::cpu_set_t>(),
                &raw const self.before,
            );
        }
    }
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
    fn tells_the_tick_rate_from_one_reading() {
        // This fixture's machine: 250 Hz, up 11285 s.
        let reading = parse_timer_list(TIMER_LIST).unwrap();
        assert_eq!(tick_rate(reading), Some(250));
        // Each rate, 2 s and 40 days after boot, the first tick 0.3 s after the clock.
        for hz in TICK_RATES {
            for uptime_ms in [2_000, 40 * 86_400_000] {
                let ns: u64 = uptime_ms * 1_000_000;
                let jiffies = (1u64 << 32) - 300 * hz + (ns - 300_000_000) * hz / 1_000_000_000;
                assert_eq!(tick_rate(Reading { jiffies, ns }), Some(hz), "{hz} Hz");
            }
        }
        // Nothing that fits: no rate.
        let odd = Reading {
            jiffies: 1_000,
            ns: 11_285_029_097_366,
        };
        assert_eq!(tick_rate(odd), None);
    }

    #[test]
    fn one_reading_tells_the_rate_two_readings_measure() {
        // /proc/timer_list is readable here (root). Two readings 200 ms apart measure
        // the rate the one reading tells.
        let first = Reading::from_timer_list().expect("reading /proc/timer_list");
        std::thread::sleep(Duration::from_millis(200));
        let second = Reading::from_timer_list().expect("reading /proc/timer_list");
        let hz = tick_rate(first).expect("a tick rate Linux can have");
        assert_eq!(tick_rate(second), Some(hz));
        #[expect(clippy::cast_precision_loss, reason = "a rate estimate")]
        let measured =
            (second.jiffies - first.jiffies) as f64 * 1e9 / (second.ns - first.ns) as f64;
        #[expect(clippy::cast_precision_loss, reason = "small constants")]
        let hz_f = hz as f64;
        assert!((measured - hz_f).abs() < hz_f * 0.15, "{measured} vs {hz}");
    }

    #[test]
    fn a_sleeping_thread_is_off_the_cpu_at_least_as_long_as_it_slept() {
        let (tx, rx) = std::sync::mpsc::channel();
        let sleeper = std::thread::spawn(move || {
            // SAFETY: no arguments.
            tx.send(unsafe { libc::gettid() }).unwrap();
            std::thread::sleep(Duration::from_millis(600));
        });
        let tid = u32::try_from(rx.recv().unwrap()).unwrap();
        std::thread::sleep(Duration::from_millis(400));
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        assert!(last_cpu(tid).is_some_and(|cpu| cpu < cpus.max(64)));
        let off = off_cpu_for(tid).expect("/proc/TID/sched");
        assert!((0.39..0.6).contains(&off.as_secs_f64()), "{off:?}");
        sleeper.join().unwrap();
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
    fn an_uncalibrated_clock_tells_no_duration() {
        let clock = KernelClock::jiffies();
        assert_eq!(clock.since(1), None);
        clock.calibrate(None);
        assert_eq!(clock.since(1), None);
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
