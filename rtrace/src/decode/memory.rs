//! Memory mappings and the program break: mmap, munmap, mprotect, mremap, brk, madvise,
//! msync and the mlock family.

use super::{
    Call,
    fs::{flags_dflt, xval},
    table::{Arg, Cap, FD, Len, Max, PTR, Ret, SyscallDef, ULONG, class},
    text,
    xlat::MMAP_PROT,
};
use crate::xlat;
use syscalls::Sysno;

xlat! {
    /// `mmap` mapping types (`MAP_TYPE` bits); zero is `MAP_FILE`.
    pub MAP_TYPES { MAP_FILE, MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE }
}

xlat! {
    /// `mmap` flags other than the type, in strace's order (`x86_64`).
    pub MAP_FLAGS {
        MAP_FIXED, MAP_ANONYMOUS, MAP_32BIT, MAP_NORESERVE, MAP_POPULATE, MAP_NONBLOCK,
        MAP_GROWSDOWN, MAP_DENYWRITE, MAP_EXECUTABLE, MAP_LOCKED, MAP_STACK, MAP_HUGETLB,
        MAP_SYNC, MAP_FIXED_NOREPLACE,
    }
}

xlat! {
    /// `mremap` flags, `include/uapi/linux/mman.h`.
    pub MREMAP_FLAGS { MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP }
}

xlat! {
    /// `msync` flags, in strace's order.
    pub MSYNC_FLAGS { MS_SYNC, MS_ASYNC, MS_INVALIDATE }
}

xlat! {
    /// `mlockall` flags.
    pub MLOCKALL_FLAGS { MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT = 4 }
}

xlat! {
    /// `mlock2` flags.
    pub MLOCK_FLAGS { MLOCK_ONFAULT = 1 }
}

xlat! {
    /// `madvise` advice, `include/uapi/asm-generic/mman-common.h`.
    pub MADVISE_ADVICE {
        MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED, MADV_FREE,
        MADV_REMOVE, MADV_DONTFORK, MADV_DOFORK, MADV_MERGEABLE, MADV_UNMERGEABLE,
        MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK,
        MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_POPULATE_WRITE,
        MADV_DONTNEED_LOCKED, MADV_COLLAPSE = 25, MADV_HWPOISON, MADV_SOFT_OFFLINE,
    }
}

/// `MAP_HUGE_SHIFT`: the huge page size's log2 sits in the flags' top six bits.
const MAP_HUGE_SHIFT: u32 = 26;
const MAP_HUGE_MASK: u64 = 0x3f;

fn prot(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &MMAP_PROT, call.arg(i) & 0xffff_ffff, "PROT_???");
}

/// `mmap` flags: the type, the flags, unknown bits, then `N<<MAP_HUGE_SHIFT`.
fn map_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let v = call.arg(i) & 0xffff_ffff;
    text::composite(call.out, text::Number::Hex(v), |out| {
        write_map_flags(out, v);
    });
}

/// Writes `mmap` flags by name.
fn write_map_flags(out: &mut Vec<u8>, v: u64) {
    let type_mask = libc::MAP_TYPE as u64;
    xval(out, &MAP_TYPES, v & type_mask, "MAP_???");
    let huge = (v >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
    let rest = v & !type_mask & !(MAP_HUGE_MASK << MAP_HUGE_SHIFT);
    if rest != 0 {
        out.push(b'|');
        text::flags(out, &MAP_FLAGS, rest);
    }
    if huge != 0 {
        out.push(b'|');
        text::decimal(out, huge);
        out.extend_from_slice(b"<<MAP_HUGE_SHIFT");
    }
}

fn mremap_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &MREMAP_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "MREMAP_???",
    );
}

/// `mremap`'s new address, printed only with `MREMAP_MAYMOVE|MREMAP_FIXED`.
fn mremap_new_address(call: &mut Call<'_, '_>, i: usize) {
    let both = (libc::MREMAP_MAYMOVE | libc::MREMAP_FIXED) as u64;
    if call.arg(i - 1) & both == both {
        call.next();
        call.pointer(call.arg(i));
    }
}

fn madvise_advice(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(
        call.out,
        &MADVISE_ADVICE,
        call.arg(i) & 0xffff_ffff,
        "MADV_???",
    );
}

fn msync_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &MSYNC_FLAGS, call.arg(i) & 0xffff_ffff, "MS_???");
}

fn mlockall_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &MLOCKALL_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "MCL_???",
    );
}

fn mlock2_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &MLOCK_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "MLOCK_???",
    );
}

const PROT: Arg = Arg::custom(prot);
const HEX_OFFSET: Arg = super::table::HEX;
const M: u16 = class::MEMORY;

const fn def(sysno: Sysno, args: &'static [Arg], ret: Ret) -> SyscallDef {
    SyscallDef {
        sysno,
        args,
        ret,
        class: M,
    }
}

/// The page size the kernel counts `mincore`'s vector in.
const PAGE_SIZE: u64 = 4096;

/// `mincore`'s vector: one byte per page of the range, `[1, 0, 0]`, at most `-s` of
/// them (then `...`); the pointer when the call failed.
fn mincore_vec(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let cap = call.capture(i, 0);
    let pages = usize::try_from(call.arg(i - 1).div_ceil(PAGE_SIZE)).unwrap_or(usize::MAX);
    let bytes = cap.bytes().unwrap_or(&[]);
    let shown = &bytes[..bytes.len().min(pages).min(call.max_elements())];
    if call.failed() || ptr == 0 || (shown.is_empty() && pages > 0) {
        call.pointer(ptr);
        return;
    }
    call.out.push(b'[');
    for (n, page) in shown.iter().enumerate() {
        if n > 0 {
            call.put(", ");
        }
        text::decimal(call.out, *page);
    }
    if pages > shown.len() {
        call.put(", ...");
    }
    call.out.push(b']');
}

/// The vector has a byte per page: `-s` + 1 bytes are all that can print, read from
/// the length's worth (which is more than the vector has, but it is the length the
/// table can name).
const MINCORE_VEC: Arg = Arg::custom_with(
    mincore_vec,
    &[Cap::Bytes {
        at_enter: false,
        len: Len::Arg(1, 1),
        max: Max::StrSize,
    }],
)
.output();

pub static DEFS: &[SyscallDef] = &[
    SyscallDef {
        sysno: Sysno::mmap,
        args: &[PTR, ULONG, PROT, Arg::custom(map_flags), FD, HEX_OFFSET],
        ret: Ret::Hex,
        class: M | class::DESC,
    },
    def(Sysno::munmap, &[PTR, ULONG], Ret::Int),
    def(Sysno::mprotect, &[PTR, ULONG, PROT], Ret::Int),
    def(Sysno::brk, &[PTR], Ret::Hex),
    def(
        Sysno::mremap,
        &[
            PTR,
            ULONG,
            ULONG,
            Arg::custom(mremap_flags),
            Arg::custom(mremap_new_address),
        ],
        Ret::Hex,
    ),
    def(
        Sysno::madvise,
        &[PTR, ULONG, Arg::custom(madvise_advice)],
        Ret::Int,
    ),
    def(
        Sysno::msync,
        &[PTR, ULONG, Arg::custom(msync_flags)],
        Ret::Int,
    ),
    def(Sysno::mlock, &[PTR, ULONG], Ret::Int),
    def(Sysno::munlock, &[PTR, ULONG], Ret::Int),
    def(
        Sysno::mlock2,
        &[PTR, ULONG, Arg::custom(mlock2_flags)],
        Ret::Int,
    ),
    def(Sysno::mlockall, &[Arg::custom(mlockall_flags)], Ret::Int),
    def(Sysno::munlockall, &[], Ret::Int),
    def(Sysno::mincore, &[PTR, ULONG, MINCORE_VEC], Ret::Int),
];

#[cfg(test)]
mod tests {
    use super::super::fs::tests::{line, strace};
    use syscalls::Sysno;

    const EINVAL: i64 = -22;
    const NEG1: u64 = u64::MAX;

    #[test]
    fn mmap() {
        assert_eq!(
            line(
                Sysno::mmap,
                &[0, 8192, 3, 0x22, NEG1, 0],
                0x7f9b_d3e5_c000,
                &[]
            ),
            strace(
                "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f9bd3e5c000"
            )
        );
        assert_eq!(
            line(Sysno::mmap, &[0, 4096, 1, 1, 3, 0], 0x7f9b_d3e5_b000, &[]),
            strace("mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0) = 0x7f9bd3e5b000")
        );
        assert_eq!(
            line(
                Sysno::mmap,
                &[0x7f9b_d3e5_c000, 4096, 5, 0x812, 3, 0x1000],
                0x7f9b_d3e5_c000,
                &[]
            ),
            strace(
                "mmap(0x7f9bd3e5c000, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x1000) = 0x7f9bd3e5c000"
            )
        );
        assert_eq!(
            line(
                Sysno::mmap,
                &[0, 4096, 0, 0x2_4122, NEG1, 0],
                0x7f9b_d3e5_a000,
                &[]
            ),
            strace(
                "mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_GROWSDOWN|MAP_STACK, -1, 0) = 0x7f9bd3e5a000"
            )
        );
        assert_eq!(
            line(Sysno::mmap, &[0, 4096, 1, 0x8_0003, 3, 0], -95, &[]),
            strace(
                "mmap(NULL, 4096, PROT_READ, MAP_SHARED_VALIDATE|MAP_SYNC, 3, 0) = -1 EOPNOTSUPP (Operation not supported)"
            )
        );
        assert_eq!(
            line(
                Sysno::mmap,
                &[0, 4096, 0x101, 0x800_a003, 3, 0],
                0x7f9b_d3c6_f000,
                &[]
            ),
            strace(
                "mmap(NULL, 4096, PROT_READ|0x100, MAP_SHARED_VALIDATE|MAP_POPULATE|MAP_LOCKED|2<<MAP_HUGE_SHIFT, 3, 0) = 0x7f9bd3c6f000"
            )
        );
        assert_eq!(
            line(Sysno::mmap, &[0, 4096, 1, 0, 3, 0], EINVAL, &[]),
            strace("mmap(NULL, 4096, PROT_READ, MAP_FILE, 3, 0) = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::mmap, &[0, 4096, 1, 0x5404_0022, NEG1, 0], -12, &[]),
            strace(
                "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT, -1, 0) = -1 ENOMEM (Cannot allocate memory)"
            )
        );
        assert_eq!(
            line(Sysno::mmap, &[0, 4096, 1, 0x11_0062, NEG1, 0], 0, &[]),
            strace(
                "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_32BIT|MAP_NONBLOCK|MAP_FIXED_NOREPLACE, -1, 0) = 0"
            )
        );
        assert_eq!(
            line(
                Sysno::mmap,
                &[0, 0, 0xffff_ffff, 0x3ff_fffc, NEG1, 0],
                EINVAL,
                &[]
            ),
            "mmap(NULL, 0, PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|PROT_GROWSDOWN|PROT_GROWSUP|0xfcfffff0, 0xc /* MAP_??? */|MAP_FIXED|MAP_ANONYMOUS|MAP_32BIT|MAP_NORESERVE|MAP_POPULATE|MAP_NONBLOCK|MAP_GROWSDOWN|MAP_DENYWRITE|MAP_EXECUTABLE|MAP_LOCKED|MAP_STACK|MAP_HUGETLB|MAP_SYNC|MAP_FIXED_NOREPLACE|0x3e00680, -1, 0) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::mmap, &[0x1000, 4096, 7, 0x12, 99, 0x10000], -9, &[]),
            strace(
                "mmap(0x1000, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, MAP_PRIVATE|MAP_FIXED, 99, 0x10000) = -1 EBADF (Bad file descriptor)"
            )
        );
    }

    #[test]
    fn protections_and_unmaps() {
        assert_eq!(
            line(Sysno::mprotect, &[0x7f9b_d3e5_c000, 4096, 1], 0, &[]),
            strace("mprotect(0x7f9bd3e5c000, 4096, PROT_READ) = 0")
        );
        assert_eq!(
            line(Sysno::mprotect, &[0x7f9b_d3e5_c000, 4096, 0], 0, &[]),
            strace("mprotect(0x7f9bd3e5c000, 4096, PROT_NONE) = 0")
        );
        assert_eq!(
            line(
                Sysno::mprotect,
                &[0x7f9b_d3e5_c000, 4096, 0x100_0007],
                EINVAL,
                &[]
            ),
            strace(
                "mprotect(0x7f9bd3e5c000, 4096, PROT_READ|PROT_WRITE|PROT_EXEC|PROT_GROWSDOWN) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            line(Sysno::mprotect, &[0x1000, 4096, 0x100], EINVAL, &[]),
            "mprotect(0x1000, 4096, 0x100 /* PROT_??? */) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::munmap, &[0x7f9b_d3e5_b000, 4096], 0, &[]),
            strace("munmap(0x7f9bd3e5b000, 4096)            = 0")
        );
        assert_eq!(
            line(Sysno::munmap, &[1, 4096], EINVAL, &[]),
            strace("munmap(0x1, 4096)                       = -1 EINVAL (Invalid argument)")
        );
    }

    #[test]
    fn brk() {
        assert_eq!(
            line(Sysno::brk, &[0], 0x5575_ae96_a000, &[]),
            strace("brk(NULL)                               = 0x5575ae96a000")
        );
        assert_eq!(
            line(Sysno::brk, &[0x1000], 0x5575_ae96_a000, &[]),
            strace("brk(0x1000)                             = 0x5575ae96a000")
        );
        assert_eq!(
            line(Sysno::brk, &[NEG1], 0x5575_ae96_a000, &[]),
            strace("brk(0xffffffffffffffff)                 = 0x5575ae96a000")
        );
    }

    #[test]
    fn mremap() {
        assert_eq!(
            line(Sysno::mremap, &[0x7f9b_d3e5_c000, 8192, 16384, 1], -14, &[]),
            strace("mremap(0x7f9bd3e5c000, 8192, 16384, MREMAP_MAYMOVE) = -1 EFAULT (Bad address)")
        );
        assert_eq!(
            line(Sysno::mremap, &[NEG1, 16384, 4096, 0], EINVAL, &[]),
            strace("mremap(0xffffffffffffffff, 16384, 4096, 0) = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(
                Sysno::mremap,
                &[NEG1, 4096, 4096, 3, 0x7f9b_d3c5_e000],
                EINVAL,
                &[]
            ),
            strace(
                "mremap(0xffffffffffffffff, 4096, 4096, MREMAP_MAYMOVE|MREMAP_FIXED, 0x7f9bd3c5e000) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            line(
                Sysno::mremap,
                &[0x7f9b_d3c5_e000, 4096, 4096, 5, 0],
                0x7f9b_d3c5_d000,
                &[]
            ),
            strace(
                "mremap(0x7f9bd3c5e000, 4096, 4096, MREMAP_MAYMOVE|MREMAP_DONTUNMAP) = 0x7f9bd3c5d000"
            )
        );
        assert_eq!(
            line(Sysno::mremap, &[0x1000, 4096, 4096, 2, 0x2000], EINVAL, &[]),
            strace("mremap(0x1000, 4096, 4096, MREMAP_FIXED) = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(
                Sysno::mremap,
                &[0x1000, 4096, 4096, 0x80, 0x2000],
                EINVAL,
                &[]
            ),
            strace(
                "mremap(0x1000, 4096, 4096, 0x80 /* MREMAP_??? */) = -1 EINVAL (Invalid argument)"
            )
        );
    }

    #[test]
    fn advice_sync_and_locks() {
        let a = 0x7f9b_d3e5_b000;
        assert_eq!(
            line(Sysno::madvise, &[a, 4096, 4], 0, &[]),
            strace("madvise(0x7f9bd3e5b000, 4096, MADV_DONTNEED) = 0")
        );
        assert_eq!(
            line(Sysno::madvise, &[a, 4096, 0], 0, &[]),
            strace("madvise(0x7f9bd3e5b000, 4096, MADV_NORMAL) = 0")
        );
        assert_eq!(
            line(Sysno::madvise, &[a, 4096, 14], 0, &[]),
            strace("madvise(0x7f9bd3e5b000, 4096, MADV_HUGEPAGE) = 0")
        );
        assert_eq!(
            line(Sysno::madvise, &[a, 4096, 999], EINVAL, &[]),
            strace(
                "madvise(0x7f9bd3e5b000, 4096, 0x3e7 /* MADV_??? */) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            line(Sysno::msync, &[a, 4096, 4], 0, &[]),
            strace("msync(0x7f9bd3e5b000, 4096, MS_SYNC)    = 0")
        );
        assert_eq!(
            line(Sysno::msync, &[a, 4096, 7], EINVAL, &[]),
            strace(
                "msync(0x7f9bd3e5b000, 4096, MS_SYNC|MS_ASYNC|MS_INVALIDATE) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            line(Sysno::msync, &[a, 4096, 8], EINVAL, &[]),
            strace("msync(0x7f9bd3e5b000, 4096, 0x8 /* MS_??? */) = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::msync, &[a, 4096, 0], 0, &[]),
            "msync(0x7f9bd3e5b000, 4096, 0) = 0"
        );
        assert_eq!(
            line(Sysno::mlock, &[a, 4096], 0, &[]),
            strace("mlock(0x7f9bd3e5b000, 4096)             = 0")
        );
        assert_eq!(
            line(Sysno::munlock, &[a, 4096], 0, &[]),
            strace("munlock(0x7f9bd3e5b000, 4096)           = 0")
        );
        assert_eq!(
            line(Sysno::mlockall, &[3], 0, &[]),
            strace("mlockall(MCL_CURRENT|MCL_FUTURE)        = 0")
        );
        assert_eq!(line(Sysno::munlockall, &[], 0, &[]), "munlockall() = 0");
        assert_eq!(
            line(Sysno::mlock2, &[a, 4096, 1], 0, &[]),
            strace("mlock2(0x7f9bd3e5b000, 4096, MLOCK_ONFAULT) = 0")
        );
        assert_eq!(
            line(Sysno::mlock2, &[a, 4096, 0], 0, &[]),
            strace("mlock2(0x7f9bd3e5b000, 4096, 0)         = 0")
        );
    }

    #[test]
    fn mincore() {
        let mut vec = [0u8; 33];
        (vec[0], vec[5]) = (1, 1);
        assert_eq!(
            line(
                Sysno::mincore,
                &[0x7fe4_65a1_5000, 12288, 0x1000],
                0,
                &[Some(&vec)]
            ),
            strace("mincore(0x7fe465a15000, 12288, [1, 0, 0]) = 0")
        );
        assert_eq!(
            line(
                Sysno::mincore,
                &[0x7fe4_65a1_5000, 163_840, 0x1000],
                0,
                &[Some(&vec)]
            ),
            "mincore(0x7fe465a15000, 163840, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...]) = 0"
        );
        assert_eq!(
            line(
                Sysno::mincore,
                &[0x7fe4_65a1_5000, 4097, 0x1000],
                0,
                &[Some(&vec)]
            ),
            strace("mincore(0x7fe465a15000, 4097, [1, 0])   = 0")
        );
        assert_eq!(
            line(
                Sysno::mincore,
                &[0x7fe4_65a1_5001, 4096, 0x7ffc_3ca6_1f40],
                -22,
                &[Some(&vec)]
            ),
            strace("mincore(0x7fe465a15001, 4096, 0x7ffc3ca61f40) = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::mincore, &[0x7fe4_65a1_5000, 4096, 0], -14, &[]),
            strace("mincore(0x7fe465a15000, 4096, NULL)     = -1 EFAULT (Bad address)")
        );
        assert_eq!(
            line(Sysno::mincore, &[0x7fe4_65a1_5000, 0, 0x1000], 0, &[]),
            strace("mincore(0x7fe465a15000, 0, [])          = 0")
        );
    }
}
