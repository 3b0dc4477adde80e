//! strace's textual atoms: quoted and escaped strings, numbers, pointers, flag sets.
//! Everything writes into a reused `Vec<u8>`, so formatting a line allocates nothing.

use std::{cell::Cell, io::Write as _};

use super::xlat::Xlat;

/// How named constants print (`-X`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum XlatStyle {
    /// The names: `O_RDONLY|O_CLOEXEC` (strace's default, `-X abbrev`).
    #[default]
    Abbrev,
    /// The numbers: `0x80000` (`-X raw`).
    Raw,
    /// The numbers, the names in a comment: `0x80000 /* O_RDONLY|O_CLOEXEC */`
    /// (`-X verbose`).
    Verbose,
}

thread_local! {
    /// The style of the line being printed. The printers of constants are many and
    /// deep (a flag set inside a struct inside an array); like strace's global
    /// `xlat_verbosity`, the style is set once per line by [`use_style`], from the
    /// decode options, rather than passed to each of them.
    static STYLE: Cell<XlatStyle> = const { Cell::new(XlatStyle::Abbrev) };
}

/// The style constants print in on this thread now.
#[must_use]
pub fn style() -> XlatStyle {
    STYLE.with(Cell::get)
}

/// Makes constants print in `style` on this thread until the guard drops.
#[must_use = "the style lasts as long as the guard"]
pub fn use_style(style: XlatStyle) -> StyleGuard {
    StyleGuard {
        previous: STYLE.with(|s| s.replace(style)),
    }
}

/// Restores the style that was in force before [`use_style`].
pub struct StyleGuard {
    previous: XlatStyle,
}

impl Drop for StyleGuard {
    fn drop(&mut self) {
        STYLE.with(|s| s.set(self.previous));
    }
}

/// A number as a constant's value prints: strace's `%#x`, `%d`, `%u` or `%#o`.
#[derive(Clone, Copy, Debug)]
pub enum Number {
    Hex(u64),
    Signed(i64),
    Unsigned(u64),
    Octal(u64),
}

/// Writes a [`Number`].
pub fn number(out: &mut Vec<u8>, n: Number) {
    match n {
        Number::Hex(v) => hex(out, v),
        Number::Signed(v) => decimal(out, v),
        Number::Unsigned(v) => decimal(out, v),
        Number::Octal(v) => octal(out, v),
    }
}

/// Writes ` /* text */`.
pub fn comment(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(b" /* ");
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(b" */");
}

/// Writes a constant known by one name (`AT_FDCWD`, `SIG_IGN`, `RLIM64_INFINITY`):
/// the name, the number, or the number with the name in a comment, as `-X` says
/// (strace's `print_xlat`).
pub fn named(out: &mut Vec<u8>, name: &str, value: Number) {
    match style() {
        XlatStyle::Abbrev => out.extend_from_slice(name.as_bytes()),
        XlatStyle::Raw => number(out, value),
        XlatStyle::Verbose => {
            number(out, value);
            comment(out, name);
        }
    }
}

/// Writes a value whose names `names` writes (open's access mode and flags, a mode's
/// type and permissions): the names, the number, or the number with the names in a
/// comment, as `-X` says. The names print abbreviated even under `-X verbose`.
pub fn composite(out: &mut Vec<u8>, value: Number, names: impl FnOnce(&mut Vec<u8>)) {
    match style() {
        XlatStyle::Abbrev => names(out),
        XlatStyle::Raw => number(out, value),
        XlatStyle::Verbose => {
            number(out, value);
            out.extend_from_slice(b" /* ");
            let _abbrev = use_style(XlatStyle::Abbrev);
            names(out);
            out.extend_from_slice(b" */");
        }
    }
}

/// How strings print (`-x`, `-xx`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HexStrings {
    /// Printable ASCII as is, the rest escaped (strace's default).
    #[default]
    Off,
    /// A string with any byte that is neither printable ASCII nor one of `\t \n \v
    /// \f \r` prints wholly as `\xNN` (`-x`); text prints as text.
    NonAscii,
    /// Every byte as `\xNN` (`-xx`).
    All,
}

/// Writes `bytes` as a quoted C string, strace style: `\t \n \v \f \r \" \\` escaped,
/// printable ASCII as is, other bytes in octal (three digits when a digit follows).
pub fn quoted(out: &mut Vec<u8>, bytes: &[u8], hex: HexStrings) {
    let is_text = |c: &u8| matches!(c, 0x20..=0x7e | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let all_hex =
        hex == HexStrings::All || (hex == HexStrings::NonAscii && !bytes.iter().all(is_text));
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    if all_hex {
        for &c in bytes {
            hex_escape(out, c);
        }
        out.push(b'"');
        return;
    }
    let mut rest = bytes;
    while !rest.is_empty() {
        // Runs of bytes that print as themselves go in one copy.
        let plain = plain_run(rest);
        out.extend_from_slice(&rest[..plain]);
        let Some((&c, after)) = rest[plain..].split_first() else {
            break;
        };
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0b => out.extend_from_slice(b"\\v"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => {
                // Octal, three digits when a digit follows (so it cannot join it).
                let next_is_octal_digit = after.first().is_some_and(|n| (b'0'..=b'7').contains(n));
                out.push(b'\\');
                if next_is_octal_digit || c >= 0o100 {
                    out.push(b'0' + (c >> 6));
                }
                if next_is_octal_digit || c >= 0o10 {
                    out.push(b'0' + ((c >> 3) & 7));
                }
                out.push(b'0' + (c & 7));
            }
        }
        rest = after;
    }
    out.push(b'"');
}

/// Whether a byte prints as itself in a quoted string: printable ASCII but `"` and `\`.
fn is_plain(c: u8) -> bool {
    matches!(c, 0x20..=0x7e) && c != b'"' && c != b'\\'
}

/// The length of the run of [`is_plain`] bytes that `bytes` begins with, found eight
/// bytes at a time: strings are mostly long plain runs (a page of HTML, a header).
fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    // Each term sets the high bit of the bytes it matches. A term may also mark bytes
    // above (later than) one it truly matches, through a borrow or a carry, but never
    // one below: so the lowest mark of all is the first byte that is not plain.
    let zero_bytes = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS;
    let mut at = 0;
    while let Some(word) = bytes.get(at..at + 8) {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
        let del_or_high = (w.wrapping_add(ONES) | w) & HIGHS;
        let quote = zero_bytes(w ^ (ONES * u64::from(b'"')));
        let backslash = zero_bytes(w ^ (ONES * u64::from(b'\\')));
        let marks = control | del_or_high | quote | backslash;
        if marks != 0 {
            return at + marks.trailing_zeros() as usize / 8;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|&c| !is_plain(c))
        .unwrap_or(bytes.len() - at)
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

fn hex_escape(out: &mut Vec<u8>, c: u8) {
    out.extend_from_slice(&[
        b'\\',
        b'x',
        HEX_DIGITS[usize::from(c >> 4)],
        HEX_DIGITS[usize::from(c & 0xf)],
    ]);
}

/// Writes a pointer as strace does: `NULL` or `0x...`.
pub fn pointer(out: &mut Vec<u8>, p: u64) {
    if p == 0 {
        out.extend_from_slice(b"NULL");
    } else {
        hex(out, p);
    }
}

/// Writes `0x...`, or `0` for zero (C's `%#lx`).
pub fn hex(out: &mut Vec<u8>, v: u64) {
    if v == 0 {
        out.push(b'0');
        return;
    }
    let digits = (64 - v.leading_zeros()).div_ceil(4) as usize;
    let mut buf = [0u8; 18];
    buf[0] = b'0';
    buf[1] = b'x';
    for (i, digit) in buf[2..2 + digits].iter_mut().rev().enumerate() {
        *digit = HEX_DIGITS[((v >> (4 * i)) & 0xf) as usize];
    }
    out.extend_from_slice(&buf[..2 + digits]);
}

/// Writes an octal mode as strace does: `0644`, `0` for zero.
pub fn octal(out: &mut Vec<u8>, v: u64) {
    out.push(b'0');
    if v != 0 {
        octal_digits(out, v, 1);
    }
}

/// Writes `v` in octal, zero-padded to `width` digits.
pub fn octal_digits(out: &mut Vec<u8>, mut v: u64, width: usize) {
    let mut digits = [b'0'; 22];
    let mut start = digits.len();
    while v != 0 {
        start -= 1;
        digits[start] = b'0' + (v & 7) as u8;
        v >>= 3;
    }
    out.extend_from_slice(&digits[start.min(digits.len().saturating_sub(width))..]);
}

/// Writes a decimal number.
pub fn decimal(out: &mut Vec<u8>, v: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// Writes a `clock_t` as strace does: the ticks, then, unless zero or under `-X raw`,
/// the seconds in a comment (`2 /* 0.02 s */`).
pub fn clock_ticks(out: &mut Vec<u8>, ticks: u64) {
    decimal(out, ticks);
    // SAFETY: sysconf only reads a constant.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let Ok(per_second @ 1..) = u64::try_from(per_second) else {
        return;
    };
    if ticks == 0 || style() == XlatStyle::Raw {
        return;
    }
    let width = (per_second - 1).to_string().len();
    let _ = write!(
        out,
        " /* {}.{:0width$} s */",
        ticks / per_second,
        ticks % per_second
    );
}

/// Writes the names of the bits of `value` that `set` names, joined by `|`, in the
/// set's order; returns the bits left unnamed.
pub fn flag_names(out: &mut Vec<u8>, set: &Xlat, value: u64) -> u64 {
    let start = out.len();
    let mut rest = value;
    for &(bits, name) in set.entries {
        // (No bit left, no entry can match.)
        if rest == 0 {
            break;
        }
        if bits != 0 && rest & bits == bits {
            if out.len() > start {
                out.push(b'|');
            }
            out.extend_from_slice(name.as_bytes());
            rest &= !bits;
        }
    }
    rest
}

/// Writes a flag set: names joined by `|`, then the unknown bits in hex; `0` when empty
/// (or `zero` if given, for sets that name zero, like `O_RDONLY`).
pub fn flags(out: &mut Vec<u8>, set: &Xlat, value: u64) {
    flag_set(out, set, value, None);
}

/// Writes a flag set as strace's `printflags` does, in the `-X` style: names joined by
/// `|` and the unknown bits in hex, or the number, or both; zero prints the set's zero
/// name or `0`; bits none of which has a name print as the number, with `dflt` in a
/// comment if given.
pub fn flag_set(out: &mut Vec<u8>, set: &Xlat, value: u64, dflt: Option<&str>) {
    let verbose = match style() {
        XlatStyle::Raw => return hex(out, value),
        XlatStyle::Abbrev => false,
        XlatStyle::Verbose => true,
    };
    if value == 0 {
        match set.zero {
            Some(name) if verbose => {
                out.push(b'0');
                comment(out, name);
            }
            Some(name) => out.extend_from_slice(name.as_bytes()),
            None => out.push(b'0'),
        }
        return;
    }
    if verbose {
        hex(out, value);
        out.extend_from_slice(b" /* ");
    }
    let start = out.len();
    let rest = flag_names(out, set, value);
    if out.len() == start {
        if verbose {
            out.truncate(start - b" /* ".len());
        } else {
            hex(out, rest);
        }
        if let Some(dflt) = dflt {
            comment(out, dflt);
        }
        return;
    }
    if rest != 0 {
        out.push(b'|');
        hex(out, rest);
    }
    if verbose {
        out.extend_from_slice(b" */");
    }
}

/// Writes the name of `value` in `set`, or its number (as `fallback` formats it), in
/// the `-X` style.
pub fn symbol(out: &mut Vec<u8>, set: &Xlat, value: u64, fallback: Fallback) {
    xval(out, set, value, fallback, None);
}

/// Writes a value from a set of values as strace's `printxval` does, in the `-X` style:
/// its name, its number (as `format` says), or both; a value without a name prints as
/// its number, with `dflt` in a comment if given.
pub fn xval(out: &mut Vec<u8>, set: &Xlat, value: u64, format: Fallback, dflt: Option<&str>) {
    let n = format.number(value);
    if let Some(name) = set.name(value) {
        named(out, name, n);
        return;
    }
    number(out, n);
    if let Some(dflt) = dflt
        && style() != XlatStyle::Raw
    {
        comment(out, dflt);
    }
}

/// How [`symbol`] and [`xval`] print a value's number.
#[derive(Clone, Copy, Debug)]
pub enum Fallback {
    /// As a C `int`.
    Decimal,
    Hex,
}

impl Fallback {
    /// `value` as this format prints it.
    #[must_use]
    pub fn number(self, value: u64) -> Number {
        match self {
            #[expect(clippy::cast_possible_truncation, reason = "C ints are the low half")]
            Fallback::Decimal => Number::Signed(i64::from((value as u32).cast_signed())),
            Fallback::Hex => Number::Hex(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(b: &[u8]) -> String {
        let mut v = Vec::new();
        quoted(&mut v, b, HexStrings::Off);
        String::from_utf8(v).unwrap()
    }

    proptest::proptest! {
        /// The word-at-a-time scan stops where a byte-at-a-time one does, whatever
        /// the bytes around the edges of plain ASCII (0x1f/0x20, 0x7e/0x7f, 0xff).
        #[test]
        fn plain_runs_end_at_the_first_byte_that_is_not_plain(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![0x00u8, 0x1f, 0x20, 0x21, b'"', b'\\', 0x7e, 0x7f, 0x80, 0xfe, 0xff]),
                    0x20u8..0x7f,
                    proptest::num::u8::ANY,
                ],
                0..40,
            )
        ) {
            let expected = bytes.iter().position(|&c| !is_plain(c)).unwrap_or(bytes.len());
            proptest::prop_assert_eq!(plain_run(&bytes), expected);
        }
    }

    #[test]
    fn octal_numbers_print_as_c_does() {
        let octal_of = |v, width| {
            let mut out = Vec::new();
            octal(&mut out, v);
            out.push(b' ');
            octal_digits(&mut out, v, width);
            String::from_utf8(out).unwrap()
        };
        // `%#o`, then `%0*o`.
        assert_eq!(octal_of(0, 2), "0 00");
        assert_eq!(octal_of(5, 2), "05 05");
        assert_eq!(octal_of(0o644, 2), "0644 644");
        assert_eq!(octal_of(0o104_755, 3), "0104755 104755");
        assert_eq!(
            octal_of(u64::MAX, 2),
            "01777777777777777777777 1777777777777777777777"
        );
    }

    #[test]
    fn escapes_like_strace() {
        assert_eq!(q(b"\x0c"), r#""\f""#);
        assert_eq!(q(b"\x7fELF\x02\x01\x01\0\0"), r#""\177ELF\2\1\1\0\0""#);
        assert_eq!(q(b"a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(q(b"\x001"), r#""\0001""#);
        assert_eq!(q(b"\x008"), r#""\08""#);
        assert_eq!(q(b"\xff"), r#""\377""#);
    }

    #[test]
    fn hex_modes() {
        // strace -x: a string with a non-text byte prints wholly in hex; text stays.
        let mut v = Vec::new();
        quoted(&mut v, b"ab\tc\x01\xff\n", HexStrings::NonAscii);
        assert_eq!(v, br#""\x61\x62\x09\x63\x01\xff\x0a""#);
        v.clear();
        quoted(&mut v, b"# Locale\n#", HexStrings::NonAscii);
        assert_eq!(v, br##""# Locale\n#""##);
        v.clear();
        quoted(&mut v, b"a", HexStrings::All);
        assert_eq!(v, br#""\x61""#);
    }

    #[test]
    fn numbers_and_pointers() {
        let mut v = Vec::new();
        pointer(&mut v, 0);
        v.push(b' ');
        pointer(&mut v, 0x7ffd_1234);
        v.push(b' ');
        octal(&mut v, 0o644);
        assert_eq!(v, b"NULL 0x7ffd1234 0644");
        v.clear();
        for x in [1, 0xf, 0x10, 0xdead_beef, u64::MAX] {
            hex(&mut v, x);
            v.push(b' ');
        }
        decimal(&mut v, -1_i64);
        v.push(b' ');
        decimal(&mut v, i64::MIN);
        v.push(b' ');
        decimal(&mut v, u64::MAX);
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "0x1 0xf 0x10 0xdeadbeef 0xffffffffffffffff \
             -1 -9223372036854775808 18446744073709551615"
        );
    }

    crate::xlat! {
        ACCESS { R_OK, W_OK, X_OK }
    }

    crate::xlat! {
        ACCESS_F zero "F_OK" { R_OK, W_OK, X_OK }
    }

    /// What `write` prints in each style: abbrev, raw, verbose.
    fn styles(write: impl Fn(&mut Vec<u8>)) -> [String; 3] {
        [XlatStyle::Abbrev, XlatStyle::Raw, XlatStyle::Verbose].map(|style| {
            let _style = use_style(style);
            let mut v = Vec::new();
            write(&mut v);
            String::from_utf8(v).unwrap()
        })
    }

    #[test]
    fn flag_sets_in_each_style() {
        // strace: access("f", R_OK|X_OK) / access("f", 0x5) / access("f", 0x5 /* R_OK|X_OK */)
        assert_eq!(
            styles(|v| flag_set(v, &ACCESS_F, 5, Some("?_OK"))),
            ["R_OK|X_OK", "0x5", "0x5 /* R_OK|X_OK */"]
        );
        // Zero: the zero name, `0`, `0 /* F_OK */`; without a zero name, `0` in each.
        assert_eq!(
            styles(|v| flag_set(v, &ACCESS_F, 0, Some("?_OK"))),
            ["F_OK", "0", "0 /* F_OK */"]
        );
        assert_eq!(styles(|v| flags(v, &ACCESS, 0)), ["0", "0", "0"]);
        // Unknown bits after the names; no name at all: the default in a comment,
        // which raw leaves out.
        assert_eq!(
            styles(|v| flag_set(v, &ACCESS, 0x14, Some("?_OK"))),
            ["R_OK|0x10", "0x14", "0x14 /* R_OK|0x10 */"]
        );
        assert_eq!(
            styles(|v| flag_set(v, &ACCESS, 0x30, Some("?_OK"))),
            ["0x30 /* ?_OK */", "0x30", "0x30 /* ?_OK */"]
        );
        assert_eq!(
            styles(|v| flags(v, &ACCESS, 0x30)),
            ["0x30", "0x30", "0x30"]
        );
    }

    #[test]
    fn values_in_each_style() {
        // strace: lseek(3, 0, SEEK_SET) / lseek(3, 0, 0) / lseek(3, 0, 0 /* SEEK_SET */)
        let whence = &super::super::xlat::SEEK_WHENCE;
        assert_eq!(
            styles(|v| xval(v, whence, 0, Fallback::Hex, Some("SEEK_???"))),
            ["SEEK_SET", "0", "0 /* SEEK_SET */"]
        );
        assert_eq!(
            styles(|v| xval(v, whence, 9, Fallback::Hex, Some("SEEK_???"))),
            ["0x9 /* SEEK_??? */", "0x9", "0x9 /* SEEK_??? */"]
        );
        assert_eq!(
            styles(|v| symbol(v, whence, 2, Fallback::Decimal)),
            ["SEEK_END", "2", "2 /* SEEK_END */"]
        );
        // AT_FDCWD prints as a C int.
        assert_eq!(
            styles(|v| named(v, "AT_FDCWD", Number::Signed(-100))),
            ["AT_FDCWD", "-100", "-100 /* AT_FDCWD */"]
        );
    }

    #[test]
    fn composite_values_name_their_parts_in_one_comment() {
        // strace: st_mode=S_IFREG|0644 / st_mode=0100644 / st_mode=0100644 /* S_IFREG|0644 */
        let mode = |v: &mut Vec<u8>| {
            composite(v, Number::Octal(0o100_644), |v| {
                v.extend_from_slice(b"S_IFREG|0644");
            });
        };
        assert_eq!(
            styles(mode),
            ["S_IFREG|0644", "0100644", "0100644 /* S_IFREG|0644 */"]
        );
        // The names inside print abbreviated, and the style is back afterwards.
        let _verbose = use_style(XlatStyle::Verbose);
        let mut v = Vec::new();
        composite(&mut v, Number::Hex(0x86), |v| {
            flag_set(v, &ACCESS, 6, None);
            v.extend_from_slice(b"|0x80");
        });
        v.push(b' ');
        flag_set(&mut v, &ACCESS, 6, None);
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "0x86 /* R_OK|W_OK|0x80 */ 0x6 /* R_OK|W_OK */"
        );
    }

    #[test]
    fn clock_ticks_in_each_style() {
        // strace: si_utime=2 /* 0.02 s */ (raw: si_utime=2)
        assert_eq!(
            styles(|v| clock_ticks(v, 2)),
            ["2 /* 0.02 s */", "2", "2 /* 0.02 s */"]
        );
        assert_eq!(styles(|v| clock_ticks(v, 0)), ["0", "0", "0"]);
        assert_eq!(styles(|v| clock_ticks(v, 250))[0], "250 /* 2.50 s */");
    }
}
