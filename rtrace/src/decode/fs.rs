//! Files and paths: open, stat, access, directories, renames.

use super::{
    Call,
    table::{Arg, DIRFD, FD, MODE, PATH, Ret, SyscallDef, class},
    text,
    xlat::{OPEN_ACCESS_MODES, OPEN_FLAGS},
};
use syscalls::Sysno;

/// `open` flags: the access mode, then the other flags (`O_WRONLY|O_CREAT|O_TRUNC`).
pub fn open_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let v = call.arg(i) & 0xffff_ffff;
    let mode = v & 0o3;
    text::symbol(call.out, &OPEN_ACCESS_MODES, mode, text::Fallback::Hex);
    let rest = v & !0o3;
    if rest != 0 {
        call.out.push(b'|');
        text::flags(call.out, &OPEN_FLAGS, rest);
    }
}

/// `open`'s mode, printed only when the flags create a file.
pub fn open_mode(call: &mut Call<'_, '_>, i: usize) {
    let flags = call.arg(i - 1);
    #[expect(clippy::cast_sign_loss, reason = "flag constants")]
    let creates = flags & (libc::O_CREAT as u64 | 0o20_000_000) != 0;
    if creates {
        call.next();
        text::octal(call.out, call.arg(i) & 0o7777);
    }
}

const OPEN_FLAGS_ARG: Arg = Arg::custom(open_flags);
const OPEN_MODE_ARG: Arg = Arg::custom(open_mode);

pub static DEFS: &[SyscallDef] = &[
    SyscallDef {
        sysno: Sysno::openat,
        args: &[DIRFD, PATH, OPEN_FLAGS_ARG, OPEN_MODE_ARG],
        ret: Ret::Int,
        class: class::FILE | class::DESC,
    },
    SyscallDef {
        sysno: Sysno::open,
        args: &[PATH, OPEN_FLAGS_ARG, OPEN_MODE_ARG],
        ret: Ret::Int,
        class: class::FILE | class::DESC,
    },
    SyscallDef { sysno: Sysno::close, args: &[FD], ret: Ret::Int, class: class::DESC },
    SyscallDef { sysno: Sysno::mkdir, args: &[PATH, MODE], ret: Ret::Int, class: class::FILE },
];
