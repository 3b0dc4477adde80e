//! `-e read=SET`, `-e write=SET`: after the line of a call that read or wrote data on a
//! descriptor of the set, the data in hex and ASCII, as strace dumps it:
//!
//! ```text
//! write(1, "hi\n", 3)                     = 3
//!  | 00000  68 69 0a                                          hi.              |
//! ```
//!
//! An iovec array's buffers each come after a ` * N bytes in buffer I` line. The kernel
//! sends such calls' data whole (up to `rtrace_common::LONG_CAPTURE_BYTES` a buffer),
//! whatever `-s` says.

use rtrace_common::DumpFds;
use syscalls::Sysno;

use super::{
    Capture, DecodeOptions, SyscallEvent,
    table::{self, Cap},
};
use crate::filter::FdSet;

/// The descriptors whose data is dumped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dumps {
    /// `-e read=`: data read.
    pub read: FdSet,
    /// `-e write=`: data written.
    pub write: FdSet,
}

impl Dumps {
    /// The sets as the kernel tells descriptors apart.
    #[must_use]
    pub fn kernel_fds(&self) -> DumpFds {
        let (read, read_beyond) = self.read.bitmap();
        let (write, write_beyond) = self.write.bitmap();
        DumpFds {
            below: [read, write],
            beyond: [u64::from(read_beyond), u64::from(write_beyond)],
        }
    }
}

/// How a call's data lies: which of its arguments, and how much of it counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Data {
    /// A buffer in argument 1.
    Buffer,
    /// An iovec array in argument 1.
    Iovecs,
    /// The iovec array of a `struct msghdr` in argument 1.
    Message,
}

/// Whether a call reads or writes data, and where that data is. strace's list: calls
/// outside it (`sendmmsg`, `mq_timedsend`...) are not dumped.
fn data_of(nr: u32) -> Option<(Direction, Data)> {
    let sysno = Sysno::new(usize::try_from(nr).ok()?)?;
    Some(match sysno {
        Sysno::read | Sysno::pread64 | Sysno::recvfrom => (Direction::Read, Data::Buffer),
        Sysno::readv | Sysno::preadv | Sysno::preadv2 => (Direction::Read, Data::Iovecs),
        Sysno::recvmsg => (Direction::Read, Data::Message),
        Sysno::write | Sysno::pwrite64 | Sysno::sendto => (Direction::Write, Data::Buffer),
        Sysno::writev | Sysno::pwritev | Sysno::pwritev2 | Sysno::vmsplice => {
            (Direction::Write, Data::Iovecs)
        }
        Sysno::sendmsg => (Direction::Write, Data::Message),
        _ => return None,
    })
}

/// The way data goes in a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Into the process (`-e read=`).
    Read,
    /// Out of it (`-e write=`).
    Write,
}

/// Whether call `nr` reads or writes the data `-e read=` or `-e write=` dump, if it
/// does either.
#[must_use]
pub fn direction(nr: u32) -> Option<Direction> {
    data_of(nr).map(|(direction, _)| direction)
}

/// Writes the dump of `ev`'s data, if a set asks for it: after a successful call on a
/// descriptor of the set for its direction.
pub fn format_dumps(ev: &SyscallEvent<'_>, opts: &DecodeOptions, out: &mut Vec<u8>) {
    let Some(dumps) = &opts.dumps else {
        return;
    };
    let Some((direction, data)) = data_of(ev.nr) else {
        return;
    };
    // What a call was given to write dumps even when it failed, as strace's does.
    if !ev.returns || direction == Direction::Read && ev.failed() {
        return;
    }
    #[expect(clippy::cast_possible_truncation, reason = "a C int argument")]
    let fd = ev.args[0] as i32;
    let set = match direction {
        Direction::Read => &dumps.read,
        Direction::Write => &dumps.write,
    };
    if !set.contains(fd) {
        return;
    }
    let Some(compiled) = table::lookup(ev.nr, opts) else {
        return;
    };
    // The slot of the argument's capture read at exit: a recvmsg's name and length
    // before the call come first.
    let mut first = usize::from(compiled.first_slot[1]);
    for cap in compiled.def.args[1].caps {
        if !matches!(cap, Cap::Bytes { at_enter: true, .. }) {
            break;
        }
        first += cap.width();
    }
    let slot = |k: usize| ev.slots.get(first + k).copied().unwrap_or(Capture::Empty);
    // Reads count what the call returned; writes what they were given (strace's).
    #[expect(clippy::cast_sign_loss, reason = "a successful call's count")]
    let returned = ev.ret.max(0) as u64;
    match data {
        Data::Buffer => {
            let len = match direction {
                Direction::Read => returned,
                Direction::Write => ev.args[2],
            };
            if let Some(bytes) = slot(0).bytes() {
                hexdump(bytes, len, out);
            }
        }
        Data::Iovecs => {
            let limit = (direction == Direction::Read).then_some(returned);
            iovecs(slot(0), ev.args[2], limit, |j| slot(1 + j), out);
        }
        // The msghdr, its name, its iovec array, then the iovecs' data.
        Data::Message => {
            let count = slot(0).bytes().and_then(|m| u64_at(m, 24)).unwrap_or(0);
            let limit = (direction == Direction::Read).then_some(returned);
            iovecs(slot(2), count, limit, |j| slot(3 + j), out);
        }
    }
}

/// The buffers of an iovec array (captured in `array`, `count` entries), each after a
/// ` * N bytes in buffer I` line, up to `limit` bytes in all; the first empty buffer ends
/// them. `data(j)` is buffer `j`'s capture.
fn iovecs<'e>(
    array: Capture<'e>,
    count: u64,
    mut limit: Option<u64>,
    data: impl Fn(usize) -> Capture<'e>,
    out: &mut Vec<u8>,
) {
    let Some(array) = array.bytes() else {
        return;
    };
    for j in 0..usize::try_from(count).unwrap_or(usize::MAX) {
        let Some(mut len) = u64_at(array, j * 16 + 8) else {
            break;
        };
        if let Some(left) = &mut limit {
            len = len.min(*left);
            *left -= len;
        }
        if len == 0 {
            break;
        }
        out.extend_from_slice(b" * ");
        super::text::decimal(out, len);
        out.extend_from_slice(b" bytes in buffer ");
        super::text::decimal(out, j);
        out.push(b'\n');
        if let Some(bytes) = data(j).bytes() {
            hexdump(bytes, len, out);
        }
    }
}

/// The `u64` at `at` in `bytes`.
fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let word = bytes.get(at..at + 8)?;
    Some(u64::from_ne_bytes(word.try_into().ok()?))
}

/// The first `len` bytes of `bytes` (as many as were captured), 16 to a line:
/// ` | 00000  68 69 0a ... hi. |`.
fn hexdump(bytes: &[u8], len: u64, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let len = usize::try_from(len).unwrap_or(usize::MAX).min(bytes.len());
    for (row, chunk) in bytes[..len].chunks(16).enumerate() {
        out.extend_from_slice(b" | ");
        let offset = row * 16;
        for shift in (0..5).rev() {
            out.push(HEX[(offset >> (shift * 4)) & 0xf]);
        }
        out.extend_from_slice(b"  ");
        for i in 0..16 {
            match chunk.get(i) {
                Some(&b) => {
                    out.push(HEX[usize::from(b >> 4)]);
                    out.push(HEX[usize::from(b & 0xf)]);
                    out.push(b' ');
                }
                None => out.extend_from_slice(b"   "),
            }
            if i == 7 {
                out.push(b' ');
            }
        }
        out.push(b' ');
        for i in 0..16 {
            out.push(match chunk.get(i) {
                Some(&b) if (0x20..0x7f).contains(&b) => b,
                Some(_) => b'.',
                None => b' ',
            });
        }
        out.extend_from_slice(b" |\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dumped(bytes: &[u8], len: u64) -> String {
        let mut out = Vec::new();
        hexdump(bytes, len, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rows_as_strace_prints_them() {
        // strace -e write=1 of `echo hi`, and of a write of bytes 0 to 39.
        assert_eq!(
            dumped(b"hi\n", 3),
            " | 00000  68 69 0a                                          hi.              |\n"
        );
        let bytes: Vec<u8> = (0..40).collect();
        assert_eq!(
            dumped(&bytes, 40),
            " | 00000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  ................ |\n \
             | 00010  10 11 12 13 14 15 16 17  18 19 1a 1b 1c 1d 1e 1f  ................ |\n \
             | 00020  20 21 22 23 24 25 26 27                            !\"#$%&'         |\n"
        );
        // As much as was captured, of as much as counts.
        assert_eq!(dumped(b"hi\n", 2).lines().count(), 1);
        assert!(dumped(b"hi\n", 2).contains("68 69    "));
        assert_eq!(dumped(b"hi", 0), "");
    }
}
