//! How results are summarised and shown: medians, number formatting, and the small
//! stdout table each benchmark prints under the command line that reproduces it.

use std::{fmt::Write as _, time::Duration};

/// The median of some measurements (the mean of the middle two for an even count).
///
/// # Panics
/// On an empty list: every benchmark takes at least one run.
pub fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.into_iter().collect();
    assert!(!v.is_empty(), "median of nothing");
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len().is_multiple_of(2) {
        f64::midpoint(v[mid - 1], v[mid])
    } else {
        v[mid]
    }
}

/// The smallest and largest of some measurements as `min..max`, each shown by `show`:
/// how much the runs behind a median spread.
pub fn range(values: impl IntoIterator<Item = f64>, show: impl Fn(f64) -> String) -> String {
    let (lo, hi) = values
        .into_iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    format!("{}..{}", show(lo), show(hi))
}

/// The median of durations, in seconds.
pub fn median_secs<'a>(values: impl IntoIterator<Item = &'a Duration>) -> f64 {
    median(values.into_iter().map(Duration::as_secs_f64))
}

/// The median of counts.
pub fn median_count(values: impl IntoIterator<Item = u64>) -> f64 {
    median(values.into_iter().map(as_f64))
}

/// A count as a float, for rates and ratios.
#[expect(clippy::cast_precision_loss, reason = "counts stay far below 2^52")]
pub fn as_f64(n: u64) -> f64 {
    n as f64
}

/// A float rounded to a whole count, for display.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "display only"
)]
pub fn as_count(x: f64) -> u64 {
    x.round().max(0.0) as u64
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rate or other large float, rounded and grouped.
pub fn grouped(x: f64) -> String {
    thousands(as_count(x))
}

/// A ratio such as `12.3x`.
pub fn times(ratio: f64) -> String {
    if ratio >= 100.0 {
        format!("{ratio:.0}x")
    } else {
        format!("{ratio:.2}x")
    }
}

/// The order configurations run in during round `round`: rotated each round, so that
/// no configuration always runs first (right after the machine was idle) or last.
pub fn rotated<T: Copy>(configs: &[T], round: usize) -> Vec<T> {
    let mut order = configs.to_vec();
    if !order.is_empty() {
        let shift = round % order.len();
        order.rotate_left(shift);
    }
    order
}

/// One benchmark's printed result.
pub struct Table {
    title: String,
    command: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    notes: Vec<String>,
}

impl Table {
    /// A table titled `title`, reproduced by `command`, with these column headers.
    pub fn new(title: impl Into<String>, command: impl Into<String>, headers: &[&str]) -> Self {
        Self {
            title: title.into(),
            command: command.into(),
            headers: headers.iter().map(|&h| h.to_owned()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// A line printed under the table.
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// Prints the table to stdout: first column left-aligned, the others right-aligned.
    pub fn print(&self) {
        let columns = self.headers.len();
        let width = |c: usize| {
            self.rows
                .iter()
                .filter_map(|r| r.get(c))
                .chain([&self.headers[c]])
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..columns).map(width).collect();
        let line = |cells: &[String]| {
            let mut out = String::new();
            for (c, cell) in cells.iter().enumerate() {
                let w = widths.get(c).copied().unwrap_or(0);
                if c == 0 {
                    let _ = write!(out, "{cell:<w$}");
                } else {
                    let _ = write!(out, "  {cell:>w$}");
                }
            }
            out.trim_end().to_owned()
        };
        println!("\n== {}", self.title);
        println!("$ {}", self.command);
        println!("{}", line(&self.headers));
        for row in &self.rows {
            println!("{}", line(row));
        }
        for note in &self.notes {
            println!("  {note}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert!((median([3.0, 1.0, 2.0]) - 2.0).abs() < 1e-12);
        assert!((median([4.0, 1.0, 2.0, 3.0]) - 2.5).abs() < 1e-12);
    }

    #[test]
    fn grouping() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn rotation() {
        assert_eq!(rotated(&[1, 2, 3], 0), vec![1, 2, 3]);
        assert_eq!(rotated(&[1, 2, 3], 4), vec![2, 3, 1]);
    }
}
