//! strace's time columns: `-t`, `-tt`, `-ttt` (when the line's event happened) and
//! `-r` (since the line before) lead a line; `-T` (time spent in the call) ends it.
//!
//! Times come from the kernel programs as `CLOCK_MONOTONIC` nanoseconds: a call's
//! enter, its exit, a signal's delivery, a thread's end. Wall-clock time is that plus
//! the offset between the two clocks, taken once at start.

use std::io::Write as _;

/// `-t`, `-tt` or `-ttt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Absolute {
    Off,
    /// `-t`: `12:53:30`, local time.
    Seconds,
    /// `-tt`: `12:53:30.123456`.
    Micros,
    /// `-ttt`: `1795784010.123456`, seconds since the epoch.
    Epoch,
}

impl Absolute {
    /// From the number of `-t`s given.
    #[must_use]
    pub fn from_count(count: u8) -> Self {
        match count {
            0 => Absolute::Off,
            1 => Absolute::Seconds,
            2 => Absolute::Micros,
            _ => Absolute::Epoch,
        }
    }
}

/// The time columns asked for, and what they need to remember between lines.
#[derive(Debug)]
pub struct Timestamps {
    absolute: Absolute,
    relative: bool,
    durations: bool,
    /// `CLOCK_REALTIME` minus `CLOCK_MONOTONIC`, in nanoseconds.
    wall_offset: i128,
    /// The previous line's time, for `-r`.
    previous: Option<u64>,
    /// The last whole second formatted as local `HH:MM:SS`, and its text.
    clock_face: Option<(i64, [u8; 8])>,
}

impl Timestamps {
    /// The columns of `-t`/`-tt`/`-ttt` (`absolute`), `-r` and `-T`.
    #[must_use]
    pub fn new(absolute: Absolute, relative: bool, durations: bool) -> Self {
        Timestamps {
            absolute,
            relative,
            durations,
            wall_offset: i128::from(clock_ns(libc::CLOCK_REALTIME))
                - i128::from(clock_ns(libc::CLOCK_MONOTONIC)),
            previous: None,
            clock_face: None,
        }
    }

    /// No time columns.
    #[must_use]
    pub fn none() -> Self {
        Timestamps::new(Absolute::Off, false, false)
    }

    /// Whether any column is shown: calls must then be timed to the nanosecond.
    #[must_use]
    pub fn any(&self) -> bool {
        self.leads() || self.durations
    }

    /// Whether lines start with a time.
    #[must_use]
    pub fn leads(&self) -> bool {
        self.absolute != Absolute::Off || self.relative
    }

    /// Whether calls end with the time they took (`-T`).
    #[must_use]
    pub fn durations(&self) -> bool {
        self.durations
    }

    /// Writes the leading columns for a line whose event happened at `mono_ns`:
    /// `12:53:30.123456 `, `     0.000323 `, or both as `12:53:30 (+     0.000323) `.
    pub fn lead(&mut self, out: &mut Vec<u8>, mono_ns: u64) {
        if self.absolute != Absolute::Off {
            let wall = i128::from(mono_ns) + self.wall_offset;
            let secs = i64::try_from(wall.div_euclid(1_000_000_000)).unwrap_or(0);
            let micros = u32::try_from(wall.rem_euclid(1_000_000_000) / 1000).unwrap_or(0);
            match self.absolute {
                Absolute::Seconds => out.extend_from_slice(&self.face(secs)),
                Absolute::Micros => {
                    out.extend_from_slice(&self.face(secs));
                    out.push(b'.');
                    micros_6(out, micros);
                }
                Absolute::Epoch => {
                    out.extend_from_slice(itoa::Buffer::new().format(secs).as_bytes());
                    out.push(b'.');
                    micros_6(out, micros);
                }
                Absolute::Off => {}
            }
            out.push(b' ');
        }
        if self.relative {
            let since = self
                .previous
                .map_or(0, |p| i128::from(mono_ns) - i128::from(p));
            self.previous = Some(mono_ns);
            let boxed = self.absolute != Absolute::Off;
            if boxed {
                out.extend_from_slice(b"(+");
            }
            seconds_micros(out, since, 6);
            out.extend_from_slice(if boxed { b") " } else { b" " });
        }
    }

    /// Writes ` <0.000031>` for a call that entered at `enter_ns` and returned at
    /// `exit_ns` (`-T`).
    pub fn duration(out: &mut Vec<u8>, enter_ns: u64, exit_ns: u64) {
        out.extend_from_slice(b" <");
        seconds_micros(out, i128::from(exit_ns) - i128::from(enter_ns), 0);
        out.push(b'>');
    }

    /// Local `HH:MM:SS` of `secs` since the epoch, worked out once per second.
    fn face(&mut self, secs: i64) -> [u8; 8] {
        if let Some((cached, text)) = self.clock_face
            && cached == secs
        {
            return text;
        }
        // SAFETY: localtime_r fills the zeroed struct it is given.
        let tm = unsafe {
            let mut tm: libc::tm = std::mem::zeroed();
            let t: libc::time_t = secs;
            libc::localtime_r(&raw const t, &raw mut tm);
            tm
        };
        let mut text = [0u8; 8];
        let _ = write!(
            &mut text[..],
            "{:02}:{:02}:{:02}",
            tm.tm_hour,
            tm.tm_min,
            tm.tm_sec
        );
        self.clock_face = Some((secs, text));
        text
    }
}

/// `SSS.uuuuuu` from nanoseconds (`-` first when negative), the seconds right-aligned
/// in `width` columns as strace's `%6ld`.
fn seconds_micros(out: &mut Vec<u8>, ns: i128, width: usize) {
    let negative = ns < 0;
    let ns = ns.unsigned_abs();
    let mut digits = itoa::Buffer::new();
    let secs = digits.format(ns / 1_000_000_000);
    let shown = secs.len() + usize::from(negative);
    out.resize(out.len() + width.saturating_sub(shown), b' ');
    if negative {
        out.push(b'-');
    }
    out.extend_from_slice(secs.as_bytes());
    out.push(b'.');
    micros_6(out, u32::try_from(ns % 1_000_000_000 / 1000).unwrap_or(0));
}

/// Six digits, zero-padded.
fn micros_6(out: &mut Vec<u8>, micros: u32) {
    let mut digits = itoa::Buffer::new();
    let text = digits.format(micros);
    out.resize(out.len() + 6usize.saturating_sub(text.len()), b'0');
    out.extend_from_slice(text.as_bytes());
}

/// The time on `clock`, in nanoseconds.
fn clock_ns(clock: libc::clockid_t) -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime fills the struct.
    unsafe { libc::clock_gettime(clock, &raw mut ts) };
    ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(t: &mut Timestamps, ns: u64) -> String {
        let mut out = Vec::new();
        t.lead(&mut out, ns);
        String::from_utf8(out).unwrap()
    }

    /// A clock whose wall time is the monotonic one plus `offset` ns.
    fn at_offset(absolute: Absolute, relative: bool, offset: i128) -> Timestamps {
        let mut t = Timestamps::new(absolute, relative, false);
        t.wall_offset = offset;
        t
    }

    #[test]
    fn epoch_seconds_with_microseconds() {
        let mut t = at_offset(Absolute::Epoch, false, 1_795_784_000_000_000_000);
        assert_eq!(lead(&mut t, 10_112_790_999), "1795784010.112790 ");
        assert_eq!(lead(&mut t, 10_000_000_000), "1795784010.000000 ");
    }

    #[test]
    fn local_clock_faces_follow_the_seconds() {
        let mut t = at_offset(Absolute::Micros, false, 0);
        let a = lead(&mut t, 3_000_000_001_000);
        let b = lead(&mut t, 3_001_000_042_000);
        // HH:MM:SS.uuuuuu, whatever the zone; one second apart.
        for (text, micros) in [(&a, "000001"), (&b, "000042")] {
            assert_eq!(text.len(), 16, "{text:?}");
            assert_eq!(&text[2..3], ":");
            assert_eq!(&text[5..6], ":");
            assert_eq!(&text[9..], format!("{micros} "));
        }
        assert_ne!(a[..8], b[..8]);
        let mut t = at_offset(Absolute::Seconds, false, 0);
        assert_eq!(lead(&mut t, 3_000_000_001_000).len(), 9);
    }

    #[test]
    fn relative_times_are_since_the_line_before() {
        let mut t = at_offset(Absolute::Off, true, 0);
        assert_eq!(lead(&mut t, 5_000_000_000), "     0.000000 ");
        assert_eq!(lead(&mut t, 5_000_535_900), "     0.000535 ");
        assert_eq!(lead(&mut t, 7_250_000_000), "     2.249464 ");
        // Lines come in exit order: a call that entered before the last line's did.
        assert_eq!(lead(&mut t, 7_249_000_000), "    -0.001000 ");
    }

    #[test]
    fn absolute_and_relative_together_box_the_relative() {
        let mut t = at_offset(Absolute::Epoch, true, 0);
        assert_eq!(lead(&mut t, 1_000_000), "0.001000 (+     0.000000) ");
        assert_eq!(lead(&mut t, 1_323_000), "0.001323 (+     0.000323) ");
    }

    #[test]
    fn durations_as_seconds_and_microseconds() {
        let mut out = Vec::new();
        Timestamps::duration(&mut out, 1_000, 200_167_000);
        assert_eq!(out, b" <0.200166>");
        out.clear();
        Timestamps::duration(&mut out, 0, 12_000_031_000);
        assert_eq!(out, b" <12.000031>");
    }
}
