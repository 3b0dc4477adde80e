//! strace's textual atoms: quoted and escaped strings, numbers, pointers, flag sets.
//! Everything writes into a reused `Vec<u8>`, so formatting a line allocates nothing.

use std::io::Write as _;

use super::xlat::Xlat;

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
    out.push(b'"');
    for (i, &c) in bytes.iter().enumerate() {
        if all_hex {
            hex_escape(out, c);
            continue;
        }
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0b => out.extend_from_slice(b"\\v"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0x20..=0x7e => out.push(c),
            _ => {
                let next_is_octal_digit =
                    bytes.get(i + 1).is_some_and(|n| (b'0'..=b'7').contains(n));
                if next_is_octal_digit {
                    let _ = write!(out, "\\{c:03o}");
                } else {
                    let _ = write!(out, "\\{c:o}");
                }
            }
        }
    }
    out.push(b'"');
}

fn hex_escape(out: &mut Vec<u8>, c: u8) {
    let _ = write!(out, "\\x{c:02x}");
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
    } else {
        let _ = write!(out, "{v:#x}");
    }
}

/// Writes an octal mode as strace does: `0644`, `0` for zero.
pub fn octal(out: &mut Vec<u8>, v: u64) {
    if v == 0 {
        out.push(b'0');
    } else {
        let _ = write!(out, "0{v:o}");
    }
}

/// Writes a decimal number.
pub fn decimal(out: &mut Vec<u8>, v: impl std::fmt::Display) {
    let _ = write!(out, "{v}");
}

/// Writes the names of the bits of `value` that `set` names, joined by `|`, in the
/// set's order; returns the bits left unnamed.
pub fn flag_names(out: &mut Vec<u8>, set: &Xlat, value: u64) -> u64 {
    let start = out.len();
    let mut rest = value;
    for &(bits, name) in set.entries {
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
    let start = out.len();
    let rest = flag_names(out, set, value);
    if rest != 0 {
        if out.len() > start {
            out.push(b'|');
        }
        hex(out, rest);
    } else if out.len() == start {
        match set.zero {
            Some(name) => out.extend_from_slice(name.as_bytes()),
            None => out.push(b'0'),
        }
    }
}

/// Writes the name of `value` in `set`, or its number (as `fallback` formats it).
pub fn symbol(out: &mut Vec<u8>, set: &Xlat, value: u64, fallback: Fallback) {
    if let Some(name) = set.name(value) {
        out.extend_from_slice(name.as_bytes());
        return;
    }
    match fallback {
        Fallback::Decimal => {
            #[expect(clippy::cast_possible_truncation, reason = "C ints are the low half")]
            decimal(out, (value as u32).cast_signed());
        }
        Fallback::Hex => hex(out, value),
    }
}

/// How [`symbol`] prints a value with no name.
#[derive(Clone, Copy, Debug)]
pub enum Fallback {
    Decimal,
    Hex,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(b: &[u8]) -> String {
        let mut v = Vec::new();
        quoted(&mut v, b, HexStrings::Off);
        String::from_utf8(v).unwrap()
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
    }
}
