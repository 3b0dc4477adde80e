//! strace's `-k`: turns the registers and the user stack that the kernel copied at a
//! syscall into the backtrace lines that strace 6.1, built with libunwind 1.6, prints.
//!
//! Unwinding is framehop's, over the `.eh_frame` CFI of each mapped ELF file, with frame
//! pointers where a function has none. Naming follows libunwind's `unw_get_proc_name`:
//! the nearest `STT_FUNC` symbol at or below the address, from `.symtab` and `.dynsym`
//! alike and whatever its size, looked up one byte back for return addresses (inside the
//! call) and reported from the return address itself. Names are demangled as strace does
//! with libiberty: Rust first, without the hash, then C++ with parameters.
//!
//! Where libunwind 1.6 loses its way this goes on, rather than copy its mistakes: through
//! the vDSO (read from rtrace's own, the same image in every 64-bit process), and through
//! code whose segment starts off a page boundary in its file, as lld (Rust's linker since
//! 1.90) lays it out, where libunwind finds no unwind table and guesses from frame
//! pointers. A file deleted or replaced since it was mapped is still read, through
//! `/proc/PID/map_files`. Separate debug files (`.gnu_debuglink`, `.gnu_debugdata`) are
//! not read: libunwind 1.6 follows a debuglink only to `<dir>/.debug/` and
//! `/usr/lib/debug/<dir>/`, which Debian's build-id layout never fills.

use std::{
    cell::OnceCell,
    collections::hash_map::Entry,
    ffi::{CStr, OsStr, OsString},
    fs::{self, File},
    io::{self, Write},
    ops::Range,
    os::unix::{ffi::OsStrExt as _, fs::FileExt as _},
    sync::Arc,
};

use framehop::{
    FrameAddress, Module, ModuleSectionInfo, Unwinder as _,
    x86_64::{CacheX86_64, UnwindRegsX86_64, UnwinderX86_64},
};
use object::{
    Endianness, ReadCache, ReadRef,
    elf::{FileHeader64, PT_LOAD, SHN_ABS, SHN_UNDEF, SHT_DYNSYM, SHT_SYMTAB, STT_FUNC, Sym64},
    read::elf::{FileHeader as _, ProgramHeader as _, SectionHeader as _, SectionTable, Sym as _},
};
use rustc_hash::FxHashMap;

/// strace prints at most this many frames, then ` > too many stack frames`.
const MAX_FRAMES: usize = 256;

/// The page size of x86-64: mappings start at file offsets rounded down to it.
const PAGE_SIZE: u64 = 4096;

/// Past this many parsed files, those that no process maps any more are dropped.
const MAX_CACHED_IMAGES: usize = 256;

/// The calls that change where files are mapped (an exec replaces them all).
pub const MAPPING_CALLS: [syscalls::Sysno; 5] = [
    syscalls::Sysno::mmap,
    syscalls::Sysno::munmap,
    syscalls::Sysno::mremap,
    syscalls::Sysno::shmat,
    syscalls::Sysno::shmdt,
];

/// Whether a successful call of syscall `nr` can change which files are mapped where.
pub fn changes_mappings(nr: u32) -> bool {
    MAPPING_CALLS.iter().any(|&call| call as u32 == nr)
}

/// `vm.mmap_min_addr`'s default: no code is mapped below it.
const LOWEST_MAPPABLE: u64 = 0x10000;

/// How a frame without a symbol prints.
#[derive(Clone, Copy)]
enum Unnamed {
    /// `PATH() [0x..]`, in the stack after a call's line.
    Bare,
    /// `PATH(+0x0) [0x..]`, in the stack strace prints after a thread's end.
    ZeroOffset,
}

/// What the kernel copied at a call.
pub struct UserStack<'a> {
    /// The address after the `syscall` instruction.
    pub ip: u64,
    /// The stack pointer at the call.
    pub sp: u64,
    /// The frame pointer at the call, for code without unwind tables.
    pub bp: u64,
    /// The stack from `sp` upward: `stack[0]` is the byte at address `sp`.
    pub stack: &'a [u8],
}

impl UserStack<'_> {
    /// The 8 bytes at `address`, when all of them are inside the copy.
    fn word_at(&self, address: u64) -> Option<u64> {
        let start = usize::try_from(address.checked_sub(self.sp)?).ok()?;
        let bytes = self.stack.get(start..start.checked_add(8)?)?;
        Some(u64::from_le_bytes(bytes.try_into().ok()?))
    }
}

/// Unwinds and symbolizes user stacks, caching each process's mappings and each file's
/// unwind tables and symbols.
#[derive(Default)]
pub struct Backtracer {
    /// Each process's mappings, read at its first backtrace, and again when they
    /// change (see `refresh`).
    spaces: FxHashMap<u32, AddressSpace>,
    /// Child -> the process whose mappings it has: a fork's copy of its parent's (a
    /// vfork's are its parent's), until it maps something or execs. Its first stack
    /// may be its exec's, from before the exec: by the time it is unwound, /proc shows
    /// the new program.
    inherited: FxHashMap<u32, u32>,
    images: ImageCache,
    /// The current backtrace, kept to reuse its allocation.
    frames: Vec<FrameAddress>,
}

impl Backtracer {
    /// A backtracer with nothing read yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes the backtrace lines of a call of process `tgid` (pid as /proc shows it), each
    /// ` > ...\n`.
    ///
    /// When /proc/TGID/maps cannot be read (the process is gone) it writes nothing, as
    /// strace does: it then only complains on stderr that it could not open the maps.
    ///
    /// # Errors
    /// Only those of `out`.
    pub fn write(
        &mut self,
        tgid: u32,
        stack: &UserStack<'_>,
        out: &mut impl Write,
    ) -> io::Result<()> {
        self.write_styled(tgid, stack, Unnamed::Bare, None, out)
    }

    /// [`Self::write`] for a `vfork`'s stack. glibc's `vfork` pops its return address
    /// into a register (rdi) for the call, so that the child, which runs on the same
    /// stack, cannot overwrite it; framehop follows no unwind rule that names a
    /// register. The caller's frame is then `return_address` (rdi, the call's first
    /// argument) with the call's stack pointer.
    ///
    /// # Errors
    /// Only those of `out`.
    pub fn write_vfork(
        &mut self,
        tgid: u32,
        stack: &UserStack<'_>,
        return_address: u64,
        out: &mut impl Write,
    ) -> io::Result<()> {
        self.write_styled(tgid, stack, Unnamed::Bare, Some(return_address), out)
    }

    /// [`Self::write`] for a stack strace takes as the call enters (an exec's, an
    /// `exit_group`'s, printed after the thread's `+++` line): a frame without a symbol
    /// there prints `PATH(+0x0) [0x..]`.
    ///
    /// # Errors
    /// Only those of `out`.
    pub fn write_taken_at_enter(
        &mut self,
        tgid: u32,
        stack: &UserStack<'_>,
        out: &mut impl Write,
    ) -> io::Result<()> {
        self.write_styled(tgid, stack, Unnamed::ZeroOffset, None, out)
    }

    fn write_styled(
        &mut self,
        tgid: u32,
        stack: &UserStack<'_>,
        unnamed: Unnamed,
        vfork_return: Option<u64>,
        out: &mut impl Write,
    ) -> io::Result<()> {
        if !self.spaces.contains_key(&tgid)
            && let Some(parent) = self.inherited.get(&tgid)
            && let Some(space) = self.spaces.get_mut(parent)
        {
            space.unwind(stack, vfork_return, &mut self.frames);
            return space.write_frames(&self.frames, unnamed, out);
        }
        let (space, fresh) = match self.spaces.entry(tgid) {
            Entry::Occupied(entry) => (entry.into_mut(), false),
            Entry::Vacant(entry) => match AddressSpace::read(tgid, &mut self.images) {
                Ok(space) => (entry.insert(space), true),
                Err(_) => return Ok(()),
            },
        };
        space.unwind(stack, vfork_return, &mut self.frames);
        // Code in no known mapping may be a library dlopen'd since the maps were read; an
        // address that stays unmapped after a re-read is garbage, not worth another.
        if let Some(address) = space.first_unmapped(&self.frames)
            && !fresh
            && address != space.reread_for
            && let Ok(mut reread) = AddressSpace::read(tgid, &mut self.images)
        {
            reread.reread_for = address;
            *space = reread;
            space.unwind(stack, vfork_return, &mut self.frames);
        }
        space.write_frames(&self.frames, unnamed, out)
    }

    /// The process's mappings changed (or it exec'd): they are read again now, while
    /// it likely still runs (a short-lived one is gone by the time its next stack is
    /// unwound); if it is gone, those read before stay.
    pub fn refresh(&mut self, tgid: u32) {
        if let Ok(space) = AddressSpace::read(tgid, &mut self.images) {
            self.inherited.remove(&tgid);
            self.spaces.insert(tgid, space);
        }
    }

    /// Process `child` was forked by `parent`: until it maps something or execs, its
    /// code is where its parent's was.
    pub fn forked(&mut self, parent: u32, child: u32) {
        let origin = self.inherited.get(&parent).copied().unwrap_or(parent);
        if child != parent && self.spaces.contains_key(&origin) {
            self.inherited.insert(child, origin);
        }
    }

    /// The process ran another program (execve) or exited: what was read of it is
    /// dropped.
    pub fn forget(&mut self, tgid: u32) {
        self.spaces.remove(&tgid);
        self.inherited.remove(&tgid);
    }
}

/// A process's mappings, as /proc/TGID/maps lists them, and the unwinder over its code.
struct AddressSpace {
    /// In ascending address order, not overlapping.
    mappings: Vec<Mapping>,
    unwinder: UnwinderX86_64<Arc<[u8]>>,
    /// framehop's unwind rules by address; one per unwinder, as framehop tells unwinders
    /// apart by a 16-bit generation that wraps.
    rules: CacheX86_64,
    /// The unmapped address that made the last re-read, or 0.
    reread_for: u64,
}

impl AddressSpace {
    /// Reads the process's maps and the ELF files of its code.
    fn read(tgid: u32, images: &mut ImageCache) -> io::Result<Self> {
        let maps = fs::read(format!("/proc/{tgid}/maps"))?;
        // A process that has exited, not yet reaped, lists nothing.
        if maps.is_empty() {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        }
        let mut mappings = Vec::new();
        let mut unwinder = UnwinderX86_64::new();
        for entry in maps
            .split(|&byte| byte == b'\n')
            .filter_map(MapsEntry::parse)
        {
            let mapping = Mapping::new(&entry, images.image_for(tgid, &entry));
            if let Some(module) = mapping.unwind_module() {
                unwinder.add_module(module);
            }
            mappings.push(mapping);
        }
        images.release_unused();
        Ok(Self {
            mappings,
            unwinder,
            rules: CacheX86_64::new(),
            reread_for: 0,
        })
    }

    /// Unwinds `stack` into `frames`: one frame more than strace prints, if there is one,
    /// so that the writer can tell there were too many. With `vfork_return`, the frame
    /// after the first is the caller's at that return address (see
    /// [`Backtracer::write_vfork`]).
    fn unwind(
        &mut self,
        stack: &UserStack<'_>,
        vfork_return: Option<u64>,
        frames: &mut Vec<FrameAddress>,
    ) {
        frames.clear();
        let mut read_stack = |address| stack.word_at(address).ok_or(());
        let start = match vfork_return {
            Some(address) => {
                frames.push(FrameAddress::from_instruction_pointer(stack.ip));
                address
            }
            None => stack.ip,
        };
        let registers = UnwindRegsX86_64::new(start, stack.sp, stack.bp);
        let mut iter =
            self.unwinder
                .iter_frames(start, registers, &mut self.rules, &mut read_stack);
        while frames.len() <= MAX_FRAMES
            && let Ok(Some(frame)) = iter.next()
        {
            // The caller's frame is at a return address: named from inside its call.
            let frame = match frame {
                FrameAddress::InstructionPointer(address) if vfork_return.is_some() => {
                    FrameAddress::from_return_address(address).unwrap_or(frame)
                }
                other => other,
            };
            frames.push(frame);
        }
    }

    fn mapping_at(&self, address: u64) -> Option<&Mapping> {
        let after = self.mappings.partition_point(|m| m.start <= address);
        self.mappings[..after].last().filter(|m| address < m.end)
    }

    /// The address of the frame where strace's output stops, if it lies in no mapping.
    fn first_unmapped(&self, frames: &[FrameAddress]) -> Option<u64> {
        let last = frames
            .iter()
            .take(MAX_FRAMES)
            .map(|frame| frame.address())
            .find(|&address| !self.mapping_at(address).is_some_and(|m| m.is_code))?;
        self.mapping_at(last).is_none().then_some(last)
    }

    /// Writes strace's lines: one per frame up to the first outside named code.
    fn write_frames(
        &self,
        frames: &[FrameAddress],
        unnamed: Unnamed,
        out: &mut impl Write,
    ) -> io::Result<()> {
        for &frame in frames.iter().take(MAX_FRAMES) {
            let address = frame.address();
            // Below the lowest address the kernel maps (`vm.mmap_min_addr`): not a
            // return address but the end of the stack, as after a program's first
            // instruction, where the word at sp is argc.
            if address < LOWEST_MAPPABLE {
                return Ok(());
            }
            match self.mapping_at(address).filter(|m| m.is_code) {
                Some(mapping) => mapping.write_frame(frame, unnamed, out)?,
                None => return writeln!(out, " > unexpected_backtracing_error [{address:#x}]"),
            }
        }
        if frames.len() > MAX_FRAMES {
            out.write_all(b" > too many stack frames\n")?;
        }
        Ok(())
    }
}

/// One mapping of a process.
struct Mapping {
    start: u64,
    end: u64,
    file_offset: u64,
    /// Executable and named (a file, `[vdso]`): the only frames strace names; it stops at
    /// any other.
    is_code: bool,
    /// The name as the maps show it; only kept for code.
    path: Box<[u8]>,
    /// For code, the ELF image mapped and the load bias (address minus the file's own
    /// address), when the file could be read.
    image: Option<(Arc<ElfImage>, u64)>,
}

impl Mapping {
    fn new(entry: &MapsEntry<'_>, image: Option<Arc<ElfImage>>) -> Self {
        let is_code = entry.executable && !entry.path.is_empty();
        let image = image.and_then(|image| {
            let bias = image.load_bias(entry.start, entry.file_offset)?;
            Some((image, bias))
        });
        Self {
            start: entry.start,
            end: entry.end,
            file_offset: entry.file_offset,
            is_code,
            path: if is_code {
                entry.path.into()
            } else {
                Box::default()
            },
            image,
        }
    }

    /// framehop's module for this mapping's code, with the image's unwind tables.
    fn unwind_module(&self) -> Option<Module<Arc<[u8]>>> {
        let (image, bias) = self.image.as_ref()?;
        let sections = ModuleSections(&image.unwind);
        Some(Module::new(
            String::new(),
            self.start..self.end,
            *bias,
            sections,
        ))
    }

    /// Writes ` > PATH(SYMBOL+0xOFFSET) [0xFILE_OFFSET]`, or ` > PATH() [0xFILE_OFFSET]`.
    fn write_frame(
        &self,
        frame: FrameAddress,
        unnamed: Unnamed,
        out: &mut impl Write,
    ) -> io::Result<()> {
        let file_offset = frame.address() - self.start + self.file_offset;
        out.write_all(b" > ")?;
        out.write_all(&self.path)?;
        match self.symbol(frame) {
            Some((name, offset)) if !name.is_empty() => {
                out.write_all(b"(")?;
                write_symbol_name(name, out)?;
                writeln!(out, "+{offset:#x}) [{file_offset:#x}]")
            }
            _ => match unnamed {
                Unnamed::Bare => writeln!(out, "() [{file_offset:#x}]"),
                Unnamed::ZeroOffset => writeln!(out, "(+0x0) [{file_offset:#x}]"),
            },
        }
    }

    /// The frame's function and its offset there, as libunwind finds them: a return
    /// address is looked up one byte back, inside its call, and the offset counted from
    /// the return address itself.
    fn symbol(&self, frame: FrameAddress) -> Option<(&[u8], u64)> {
        let (image, bias) = self.image.as_ref()?;
        let lookup = frame.address_for_lookup();
        let (name, distance) = image.nearest_symbol(lookup.wrapping_sub(*bias))?;
        Some((name, distance + (frame.address() - lookup)))
    }
}

/// One line of /proc/PID/maps.
struct MapsEntry<'a> {
    /// The `START-END` field, which also names the file in `/proc/PID/map_files`.
    range: &'a [u8],
    start: u64,
    end: u64,
    executable: bool,
    file_offset: u64,
    file: FileId,
    /// The file's path, a name like `[vdso]`, or empty for anonymous memory.
    path: &'a [u8],
}

impl<'a> MapsEntry<'a> {
    /// Parses `START-END PERMS OFFSET MAJOR:MINOR INODE [PATH]`.
    fn parse(line: &'a [u8]) -> Option<Self> {
        let mut fields = line.splitn(6, |&byte| byte == b' ');
        let range = fields.next()?;
        let permissions = fields.next()?;
        let file_offset = hex(fields.next()?)?;
        let (major, minor) = split_at_byte(fields.next()?, b':')?;
        let inode = std::str::from_utf8(fields.next()?).ok()?.parse().ok()?;
        let path = fields.next().unwrap_or_default().trim_ascii_start();
        let (start, end) = split_at_byte(range, b'-')?;
        Some(Self {
            range,
            start: hex(start)?,
            end: hex(end)?,
            executable: permissions.get(2) == Some(&b'x'),
            file_offset,
            file: FileId {
                device: (hex(major)? << 32) | hex(minor)?,
                inode,
            },
            path,
        })
    }

    /// Opens the mapped file: the very file mapped through `/proc/PID/map_files`, else the
    /// path in the process's root, unless the maps say it was deleted since.
    fn open(&self, tgid: u32) -> io::Result<File> {
        let mut map_file = OsString::from(format!("/proc/{tgid}/map_files/"));
        map_file.push(OsStr::from_bytes(self.range));
        File::open(&map_file).or_else(|error| {
            if self.path.ends_with(b" (deleted)") {
                return Err(error);
            }
            let mut rooted = OsString::from(format!("/proc/{tgid}/root"));
            rooted.push(OsStr::from_bytes(self.path));
            File::open(rooted)
        })
    }
}

/// Splits `field` at the first `separator`.
fn split_at_byte(field: &[u8], separator: u8) -> Option<(&[u8], &[u8])> {
    let at = field.iter().position(|&byte| byte == separator)?;
    Some((&field[..at], &field[at + 1..]))
}

fn hex(field: &[u8]) -> Option<u64> {
    u64::from_str_radix(std::str::from_utf8(field).ok()?, 16).ok()
}

/// A file as the maps identify it: device and inode.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct FileId {
    device: u64,
    inode: u64,
}

/// Parsed ELF files, shared by every process that maps them.
#[derive(Default)]
struct ImageCache {
    by_file: FxHashMap<FileId, Arc<ElfImage>>,
    /// The kernel's vDSO, read once from rtrace's own memory.
    vdso: OnceCell<Option<Arc<ElfImage>>>,
}

impl ImageCache {
    /// The image of a mapping of code, when it is an ELF file that can be read.
    fn image_for(&mut self, tgid: u32, entry: &MapsEntry<'_>) -> Option<Arc<ElfImage>> {
        if !entry.executable {
            return None;
        }
        if entry.path == b"[vdso]" {
            return self.vdso.get_or_init(read_own_vdso).clone();
        }
        if !entry.path.starts_with(b"/") {
            return None;
        }
        if let Some(image) = self.by_file.get(&entry.file) {
            return Some(Arc::clone(image));
        }
        let image = Arc::new(ElfImage::load(entry.open(tgid).ok()?)?);
        self.by_file.insert(entry.file, Arc::clone(&image));
        Some(image)
    }

    /// Drops the images that no process maps any more, once there are many.
    fn release_unused(&mut self) {
        if self.by_file.len() > MAX_CACHED_IMAGES {
            self.by_file.retain(|_, image| Arc::strong_count(image) > 1);
        }
    }
}

/// Reads the vDSO out of rtrace's own memory: the kernel maps the same image into every
/// 64-bit process. Without its symbols, as libunwind, which looks for a file named
/// `[vdso]`, finds none.
fn read_own_vdso() -> Option<Arc<ElfImage>> {
    let maps = fs::read("/proc/self/maps").ok()?;
    let entry = maps
        .split(|&byte| byte == b'\n')
        .filter_map(MapsEntry::parse)
        .find(|entry| entry.path == b"[vdso]")?;
    let mut bytes = vec![0; usize::try_from(entry.end - entry.start).ok()?];
    File::open("/proc/self/mem")
        .ok()?
        .read_exact_at(&mut bytes, entry.start)
        .ok()?;
    let image = ElfImage::parse(&*bytes, entry.end - entry.start).ok()?;
    Some(Arc::new(ElfImage {
        symbols: Symbols::default(),
        ..image
    }))
}

/// What backtraces need of one ELF file.
struct ElfImage {
    /// libunwind finds no symbol farther than this below an address.
    file_size: u64,
    segments: Vec<LoadSegment>,
    unwind: UnwindSections,
    symbols: Symbols,
}

/// A `PT_LOAD` program header.
struct LoadSegment {
    file_offset: u64,
    address: u64,
    file_size: u64,
}

impl ElfImage {
    /// Reads a 64-bit ELF file: only its headers, symbol tables and unwind sections.
    fn load(file: File) -> Option<Self> {
        let file_size = file.metadata().ok()?.len();
        Self::parse(&ReadCache::new(file), file_size).ok()
    }

    fn parse<'data, R: ReadRef<'data>>(data: R, file_size: u64) -> object::Result<Self> {
        let header = FileHeader64::<Endianness>::parse(data)?;
        let endian = header.endian()?;
        let segments = header
            .program_headers(endian, data)?
            .iter()
            .filter(|segment| segment.p_type(endian) == PT_LOAD)
            .map(|segment| LoadSegment {
                file_offset: segment.p_offset(endian),
                address: segment.p_vaddr(endian),
                file_size: segment.p_filesz(endian),
            })
            .collect();
        let sections = header.sections(endian, data)?;
        Ok(Self {
            file_size,
            segments,
            unwind: UnwindSections::read(endian, data, &sections),
            symbols: Symbols::read(endian, data, &sections)?,
        })
    }

    /// The load bias of a mapping of this file at `start` from `file_offset`: the segment
    /// the loader mapped there (its offset rounded down to a page), else any holding that
    /// offset (a mapping split by mprotect), says which address the file gave it.
    fn load_bias(&self, start: u64, file_offset: u64) -> Option<u64> {
        let segment = self
            .segments
            .iter()
            .find(|s| s.file_offset & !(PAGE_SIZE - 1) == file_offset)
            .or_else(|| {
                self.segments
                    .iter()
                    .find(|s| (s.file_offset..s.file_offset + s.file_size).contains(&file_offset))
            })?;
        // The file's own address of the mapping's first byte is segment.address +
        // (file_offset - segment.file_offset).
        Some(
            start
                .wrapping_sub(segment.address)
                .wrapping_add(segment.file_offset)
                .wrapping_sub(file_offset),
        )
    }

    /// The nearest function at or below `address` (the file's own address) and the
    /// distance to it, when that is less than the file's size, as libunwind requires.
    fn nearest_symbol(&self, address: u64) -> Option<(&[u8], u64)> {
        let (name, distance) = self.symbols.nearest(address)?;
        (distance < self.file_size).then_some((name, distance))
    }
}

/// The sections framehop unwinds with, and those their pointers may be relative to.
struct UnwindSections {
    text: Option<Range<u64>>,
    got: Option<Range<u64>>,
    eh_frame: Option<Section>,
    eh_frame_hdr: Option<Section>,
}

/// A section's addresses in the file's own terms, and its bytes.
struct Section {
    addresses: Range<u64>,
    bytes: Arc<[u8]>,
}

impl UnwindSections {
    fn read<'data, R: ReadRef<'data>>(
        endian: Endianness,
        data: R,
        sections: &SectionTable<'data, FileHeader64<Endianness>, R>,
    ) -> Self {
        let addresses = |name: &[u8]| {
            let (_, section) = sections.section_by_name(endian, name)?;
            let start = section.sh_addr(endian);
            Some(start..start + section.sh_size(endian))
        };
        let section = |name: &[u8]| {
            let (_, section) = sections.section_by_name(endian, name)?;
            Some(Section {
                addresses: addresses(name)?,
                bytes: section.data(endian, data).ok()?.into(),
            })
        };
        Self {
            text: addresses(b".text"),
            got: addresses(b".got"),
            eh_frame: section(b".eh_frame"),
            eh_frame_hdr: section(b".eh_frame_hdr"),
        }
    }
}

/// framehop's view of an image's unwind sections. ELF addresses are relative to 0.
struct ModuleSections<'a>(&'a UnwindSections);

impl ModuleSectionInfo<Arc<[u8]>> for ModuleSections<'_> {
    fn base_svma(&self) -> u64 {
        0
    }

    fn section_svma_range(&mut self, name: &[u8]) -> Option<Range<u64>> {
        match name {
            b".text" => self.0.text.clone(),
            b".got" => self.0.got.clone(),
            b".eh_frame" => self.0.eh_frame.as_ref().map(|s| s.addresses.clone()),
            b".eh_frame_hdr" => self.0.eh_frame_hdr.as_ref().map(|s| s.addresses.clone()),
            _ => None,
        }
    }

    fn section_data(&mut self, name: &[u8]) -> Option<Arc<[u8]>> {
        match name {
            b".eh_frame" => self.0.eh_frame.as_ref().map(|s| Arc::clone(&s.bytes)),
            b".eh_frame_hdr" => self.0.eh_frame_hdr.as_ref().map(|s| Arc::clone(&s.bytes)),
            _ => None,
        }
    }
}

/// A file's functions by address, as libunwind chooses among them.
#[derive(Default)]
struct Symbols {
    /// Ascending, one per address.
    entries: Vec<Symbol>,
    /// The names, one after another.
    names: Vec<u8>,
}

struct Symbol {
    address: u64,
    /// The name's place in `Symbols::names`.
    name_start: u32,
    name_end: u32,
}

impl Symbols {
    /// Collects the defined `STT_FUNC` symbols of every `SHT_SYMTAB` and `SHT_DYNSYM`
    /// section. Of several at one address libunwind keeps the first it meets, in section
    /// then table order. (It would also take `SHN_ABS` ones, unrelocated; none are code.)
    fn read<'data, R: ReadRef<'data>>(
        endian: Endianness,
        data: R,
        sections: &SectionTable<'data, FileHeader64<Endianness>, R>,
    ) -> object::Result<Self> {
        let mut found: Vec<(u64, &[u8])> = Vec::new();
        for section in sections.iter() {
            let kind = section.sh_type(endian);
            if kind != SHT_SYMTAB && kind != SHT_DYNSYM {
                continue;
            }
            let table: &[Sym64<Endianness>] = section.data_as_array(endian, data)?;
            let strings = sections.section(section.link(endian))?.data(endian, data)?;
            found.extend(
                table
                    .iter()
                    .filter(|symbol| {
                        symbol.st_type() == STT_FUNC
                            && !matches!(symbol.st_shndx(endian), SHN_UNDEF | SHN_ABS)
                    })
                    .map(|symbol| {
                        let name = usize::try_from(symbol.st_name(endian))
                            .ok()
                            .and_then(|start| strings.get(start..))
                            .and_then(|tail| CStr::from_bytes_until_nul(tail).ok())
                            .map_or(&[][..], CStr::to_bytes);
                        (symbol.st_value(endian), name)
                    }),
            );
        }
        // Stable: the first met of one address stays first.
        found.sort_by_key(|&(address, _)| address);
        found.dedup_by_key(|&mut (address, _)| address);
        let mut symbols = Self::default();
        for (address, name) in found {
            symbols.push(address, name);
        }
        Ok(symbols)
    }

    /// Appends a symbol above all others.
    fn push(&mut self, address: u64, name: &[u8]) {
        let name_start = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.extend_from_slice(name);
        let name_end = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.entries.push(Symbol {
            address,
            name_start,
            name_end,
        });
    }

    /// The name of the last symbol at or below `address`, and the distance to it.
    fn nearest(&self, address: u64) -> Option<(&[u8], u64)> {
        let after = self.entries.partition_point(|s| s.address <= address);
        let symbol = self.entries[..after].last()?;
        let name = self
            .names
            .get(symbol.name_start as usize..symbol.name_end as usize)?;
        Some((name, address - symbol.address))
    }
}

/// Writes a function's name as strace does, through libiberty's `cplus_demangle` with
/// `DMGL_AUTO | DMGL_PARAMS`: a Rust name demangled without its hash, else a C++ name with
/// its parameters, else the name as it is.
fn write_symbol_name(name: &[u8], out: &mut impl Write) -> io::Result<()> {
    let Ok(text) = std::str::from_utf8(name) else {
        return out.write_all(name);
    };
    if is_rust_symbol(text)
        && let Ok(rust) = rustc_demangle::try_demangle(text)
    {
        return write!(out, "{rust:#}");
    }
    if text.starts_with("_Z")
        && let Ok(symbol) = cpp_demangle::Symbol::new(text)
        && let Ok(demangled) = symbol.demangle()
    {
        return out.write_all(demangled.as_bytes());
    }
    out.write_all(name)
}

/// Whether libiberty takes `name` for Rust's: v0 (`_R` and a capital), or legacy, which
/// looks like C++ but ends its path with a hash, `17h` and 16 hex digits, before the final
/// `E` (and a `.suffix` that may follow it).
fn is_rust_symbol(name: &str) -> bool {
    if let Some(v0) = name.strip_prefix("_R") {
        return v0.starts_with(|c: char| c.is_ascii_uppercase());
    }
    let Some(legacy) = name.strip_prefix("_ZN") else {
        return false;
    };
    let end = if legacy.ends_with('E') {
        legacy.len() - 1
    } else {
        match legacy.rfind("E.") {
            Some(end) => end,
            None => return false,
        }
    };
    end > 19 && legacy[..end][end - 19..].starts_with("17h")
}

#[cfg(test)]
mod tests {
    use std::{
        arch::asm,
        os::{fd::AsRawFd as _, unix::process::CommandExt as _},
        process::{Command, Stdio},
    };

    use super::*;

    /// Registers and stack of a point in this thread, as the kernel would copy them.
    struct Captured {
        ip: u64,
        sp: u64,
        bp: u64,
        stack: Vec<u8>,
    }

    impl Captured {
        fn user_stack(&self) -> UserStack<'_> {
            UserStack {
                ip: self.ip,
                sp: self.sp,
                bp: self.bp,
                stack: &self.stack,
            }
        }
    }

    /// Copies up to 16 KiB of the stack of process `pid` from `sp`, not past the end of
    /// the mapping that holds it, as the kernel side does.
    fn copy_stack(pid: u32, sp: u64) -> Vec<u8> {
        let maps = fs::read(format!("/proc/{pid}/maps")).unwrap();
        let end = maps
            .split(|&byte| byte == b'\n')
            .filter_map(MapsEntry::parse)
            .find(|entry| (entry.start..entry.end).contains(&sp))
            .unwrap()
            .end;
        let mut stack = vec![0; usize::try_from((end - sp).min(16 * 1024)).unwrap()];
        File::open(format!("/proc/{pid}/mem"))
            .unwrap()
            .read_exact_at(&mut stack, sp)
            .unwrap();
        stack
    }

    /// Captures its own registers at an instruction inside itself, then the stack above
    /// them while its frame still holds them.
    #[inline(never)]
    fn capture_here() -> Captured {
        let (ip, sp, bp): (u64, u64, u64);
        // SAFETY: only copies rip, rsp and rbp into registers; touches no memory.
        unsafe {
            asm!(
                "lea {ip}, [rip]",
                "mov {sp}, rsp",
                "mov {bp}, rbp",
                ip = out(reg) ip,
                sp = out(reg) sp,
                bp = out(reg) bp,
                options(nomem, nostack, preserves_flags),
            );
        }
        // Calls made from here on only write below sp.
        let stack = copy_stack(std::process::id(), sp);
        Captured { ip, sp, bp, stack }
    }

    /// Two nested callers that do work after the call, so that it is not a tail call.
    #[inline(never)]
    fn outer_caller(capture: fn() -> Captured) -> Captured {
        let captured = inner_caller(capture);
        std::hint::black_box(&captured);
        captured
    }

    #[inline(never)]
    fn inner_caller(capture: fn() -> Captured) -> Captured {
        let captured = std::hint::black_box(capture)();
        std::hint::black_box(&captured);
        captured
    }

    fn backtrace_of_self(captured: &Captured) -> String {
        let mut out = Vec::new();
        Backtracer::new()
            .write(std::process::id(), &captured.user_stack(), &mut out)
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Splits ` > PATH(NAME+0xOFFSET) [0xFILE_OFFSET]` into its parts.
    fn frame_parts(line: &str) -> Option<(&str, &str, u64, u64)> {
        let line = line.strip_prefix(" > ")?;
        let (path, rest) = line.split_once('(')?;
        let (name, rest) = rest.rsplit_once("+0x")?;
        let (offset, rest) = rest.split_once(") [0x")?;
        let file_offset = rest.strip_suffix(']')?;
        Some((
            path,
            name,
            u64::from_str_radix(offset, 16).ok()?,
            u64::from_str_radix(file_offset, 16).ok()?,
        ))
    }

    #[test]
    fn names_nested_functions_of_this_binary_in_order() {
        let captured = outer_caller(capture_here);
        let text = backtrace_of_self(&captured);
        let exe = std::env::current_exe().unwrap();
        let exe = exe.to_str().unwrap();
        let frames: Vec<_> = text.lines().map(|line| (line, frame_parts(line))).collect();
        let names: Vec<&str> = frames
            .iter()
            .filter_map(|(_, parts)| Some(parts.as_ref()?.1))
            .collect();
        let expected = [
            "rtrace::stack::tests::capture_here",
            "rtrace::stack::tests::inner_caller",
            "rtrace::stack::tests::outer_caller",
        ];
        assert_eq!(names.get(..3), Some(&expected[..]), "backtrace:\n{text}");
        for (line, parts) in &frames[..3] {
            assert_eq!(parts.unwrap().0, exe, "{line}");
        }
        // The first frame is the captured ip itself: its offset in the function is the
        // distance from the function's address, and its file offset holds the very bytes
        // that are in memory at ip.
        let (_, _, offset, file_offset) = frames[0].1.unwrap();
        let function = capture_here as fn() -> Captured as usize as u64;
        assert_eq!(offset, captured.ip - function, "{text}");
        let mut in_memory = [0; 16];
        let mut in_file = [0; 16];
        File::open("/proc/self/mem")
            .unwrap()
            .read_exact_at(&mut in_memory, captured.ip)
            .unwrap();
        File::open(exe)
            .unwrap()
            .read_exact_at(&mut in_file, file_offset)
            .unwrap();
        assert_eq!(in_memory, in_file, "{text}");
        // Unwinding goes on to where libc started the thread.
        let last = frames.last().unwrap().0;
        assert!(last.contains("/libc.so.6("), "{text}");
    }

    #[test]
    fn stops_at_code_in_no_named_mapping() {
        let mut captured = outer_caller(capture_here);
        // An ip in anonymous memory: the stack copy itself is heap.
        captured.ip = captured.stack.as_ptr() as u64;
        let text = backtrace_of_self(&captured);
        assert_eq!(
            text,
            format!(" > unexpected_backtracing_error [{:#x}]\n", captured.ip)
        );
    }

    #[test]
    fn rereads_the_maps_for_code_mapped_since() {
        let mut backtracer = Backtracer::new();
        let mut captured = outer_caller(capture_here);
        let mut out = Vec::new();
        let tgid = std::process::id();
        backtracer
            .write(tgid, &captured.user_stack(), &mut out)
            .unwrap();
        // Maps this binary's first page as code, as dlopen would map a library.
        let exe = std::env::current_exe().unwrap();
        let file = File::open(&exe).unwrap();
        // SAFETY: a new private read-only mapping of an open file, unmapped below.
        let code = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                4096,
                libc::PROT_READ | libc::PROT_EXEC,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        assert_ne!(code, libc::MAP_FAILED);
        captured.ip = code as u64 + 0x10;
        out.clear();
        let written = backtracer.write(tgid, &captured.user_stack(), &mut out);
        // SAFETY: unmaps the mapping made above, which nothing uses any more.
        unsafe { libc::munmap(code, 4096) };
        written.unwrap();
        let text = String::from_utf8(out).unwrap();
        let expected = format!(" > {}() [0x10]", exe.display());
        assert_eq!(text.lines().next(), Some(expected.as_str()), "{text}");
    }

    #[test]
    fn writes_nothing_for_a_process_that_is_gone() {
        let captured = capture_here();
        let mut out = Vec::new();
        // Above the largest pid_max (2^22).
        Backtracer::new()
            .write(u32::MAX, &captured.user_stack(), &mut out)
            .unwrap();
        assert!(out.is_empty());
    }

    /// Stops `program` under ptrace at its first entry into `syscall` and writes our
    /// backtrace of it, from the registers and stack there, as the kernel side would copy
    /// them.
    fn backtrace_at_first_syscall(program: &[&str], syscall: i64) -> String {
        let mut command = Command::new(program[0]);
        command.args(&program[1..]).stdout(Stdio::null());
        // SAFETY: the hook only makes the ptrace syscall, which is async-signal-safe.
        unsafe {
            command.pre_exec(|| match libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) {
                -1 => Err(io::Error::last_os_error()),
                _ => Ok(()),
            });
        }
        let pid = i32::try_from(command.spawn().unwrap().id()).unwrap();
        wait_for_stop(pid); // the SIGTRAP after execve
        // SAFETY: plain ptrace requests on our stopped tracee; PTRACE_GETREGS writes a
        // user_regs_struct, which `registers` is.
        let registers = unsafe {
            libc::ptrace(libc::PTRACE_SETOPTIONS, pid, 0, libc::PTRACE_O_EXITKILL);
            let mut registers: libc::user_regs_struct = std::mem::zeroed();
            // Syscall stops come in pairs, entry then exit.
            let mut entry = true;
            loop {
                libc::ptrace(libc::PTRACE_SYSCALL, pid, 0, 0);
                wait_for_stop(pid);
                libc::ptrace(libc::PTRACE_GETREGS, pid, 0, &raw mut registers);
                if entry && registers.orig_rax == syscall.cast_unsigned() {
                    break registers;
                }
                entry = !entry;
            }
        };
        let tgid = pid.cast_unsigned();
        let stack = copy_stack(tgid, registers.rsp);
        let user_stack = UserStack {
            ip: registers.rip,
            sp: registers.rsp,
            bp: registers.rbp,
            stack: &stack,
        };
        let mut out = Vec::new();
        Backtracer::new()
            .write(tgid, &user_stack, &mut out)
            .unwrap();
        // SAFETY: kills and reaps our own child.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
            libc::waitpid(pid, std::ptr::null_mut(), 0);
        }
        String::from_utf8(out).unwrap()
    }

    fn wait_for_stop(pid: i32) {
        let mut status = 0;
        // SAFETY: waits for our own child into a local.
        assert_eq!(unsafe { libc::waitpid(pid, &raw mut status, 0) }, pid);
        assert!(libc::WIFSTOPPED(status), "status {status:#x}");
    }

    /// strace's backtrace lines for the first call of `syscall_name` of `program`.
    fn strace_backtrace(program: &[&str], syscall_name: &str) -> String {
        let log = std::env::temp_dir().join(format!(
            "rtrace-stack-{}-{syscall_name}.strace",
            std::process::id()
        ));
        let status = Command::new("strace")
            .args(["-qq", "-k", "-e", &format!("trace={syscall_name}"), "-o"])
            .arg(&log)
            .args(program)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "strace {program:?}: {status}");
        let text = fs::read_to_string(&log).unwrap();
        fs::remove_file(&log).unwrap();
        let mut lines = text
            .lines()
            .skip_while(|line| !line.starts_with(syscall_name));
        lines.next();
        let mut backtrace = String::new();
        for line in lines.take_while(|line| line.starts_with(" > ")) {
            backtrace.push_str(line);
            backtrace.push('\n');
        }
        backtrace
    }

    /// Compares our backtrace with strace's for the first `syscall` of `program`.
    fn assert_matches_strace(program: &[&str], syscall: i64, syscall_name: &str) {
        let theirs = strace_backtrace(program, syscall_name);
        let ours = backtrace_at_first_syscall(program, syscall);
        assert!(theirs.lines().count() > 2, "strace printed:\n{theirs}");
        assert_eq!(
            ours, theirs,
            "\nexpected (strace -k):\n{theirs}\nactual (rtrace):\n{ours}"
        );
    }

    #[test]
    fn matches_strace_for_coreutils() {
        assert_matches_strace(&["/bin/echo", "hi"], libc::SYS_write, "write");
        assert_matches_strace(&["/bin/ls", "/"], libc::SYS_getdents64, "getdents64");
    }

    #[test]
    fn parses_maps_lines() {
        let line = b"7f12a000-7f12c000 r-xp 00026000 fe:01 247030     /usr/lib/a b.so (deleted)";
        let entry = MapsEntry::parse(line).unwrap();
        assert_eq!((entry.start, entry.end), (0x7f12_a000, 0x7f12_c000));
        assert_eq!(entry.range, b"7f12a000-7f12c000");
        assert!(entry.executable);
        assert_eq!(entry.file_offset, 0x26000);
        assert_eq!(entry.file.device, 0xfe_0000_0001);
        assert_eq!(entry.file.inode, 247_030);
        assert_eq!(entry.path, b"/usr/lib/a b.so (deleted)");
        let anonymous = MapsEntry::parse(b"7f12a000-7f12c000 rw-p 00000000 00:00 0 ").unwrap();
        assert!(!anonymous.executable);
        assert_eq!(anonymous.path, b"");
        assert!(MapsEntry::parse(b"").is_none());
    }

    fn segment(file_offset: u64, address: u64, file_size: u64) -> LoadSegment {
        LoadSegment {
            file_offset,
            address,
            file_size,
        }
    }

    fn image(segments: Vec<LoadSegment>, symbols: Symbols) -> ElfImage {
        ElfImage {
            file_size: 0x10_0000,
            segments,
            unwind: UnwindSections {
                text: None,
                got: None,
                eh_frame: None,
                eh_frame_hdr: None,
            },
            symbols,
        }
    }

    #[test]
    fn load_bias_follows_the_segment_mapped() {
        // lld's layout: code at a file offset that is not page-aligned, one page lower in
        // the file than in memory (as in /usr/bin/rustc-built binaries).
        let lld = image(
            vec![segment(0, 0, 0x13538), segment(0x13540, 0x14540, 0x3d8a0)],
            Symbols::default(),
        );
        assert_eq!(
            lld.load_bias(0x5555_0001_4000, 0x13000),
            Some(0x5555_0000_0000)
        );
        assert_eq!(lld.load_bias(0x5555_0000_0000, 0), Some(0x5555_0000_0000));
        // A non-PIE executable maps at the addresses it names.
        let fixed = image(
            vec![
                segment(0, 0x40_0000, 0x1000),
                segment(0x1000, 0x40_1000, 0x5000),
            ],
            Symbols::default(),
        );
        assert_eq!(fixed.load_bias(0x40_1000, 0x1000), Some(0));
        // A mapping split by mprotect, from inside a segment.
        assert_eq!(fixed.load_bias(0x40_3000, 0x3000), Some(0));
        assert_eq!(fixed.load_bias(0x40_9000, 0x9000), None);
    }

    #[test]
    fn symbols_are_the_nearest_below_whatever_their_size() {
        let mut symbols = Symbols::default();
        symbols.push(0x1000, b"first");
        symbols.push(0x2000, b"");
        symbols.push(0x3000, b"third");
        let image = image(Vec::new(), symbols);
        assert_eq!(image.nearest_symbol(0xfff), None);
        assert_eq!(image.nearest_symbol(0x1000), Some((&b"first"[..], 0)));
        assert_eq!(image.nearest_symbol(0x1fff), Some((&b"first"[..], 0xfff)));
        assert_eq!(image.nearest_symbol(0x2004), Some((&b""[..], 4)));
        assert_eq!(
            image.nearest_symbol(0x5_0000),
            Some((&b"third"[..], 0x4_d000))
        );
        // Not as far as the file's size.
        assert_eq!(image.nearest_symbol(0x10_3000), None);
    }

    #[test]
    fn return_addresses_are_named_from_inside_their_call() {
        let mut symbols = Symbols::default();
        symbols.push(0x1139, b"finish");
        symbols.push(0x1147, b"caller");
        let mapping = Mapping {
            start: 0x5555_0000_1000,
            end: 0x5555_0000_2000,
            file_offset: 0x1000,
            is_code: true,
            path: Box::from(&b"/tmp/noret"[..]),
            image: Some((Arc::new(image(Vec::new(), symbols)), 0x5555_0000_0000)),
        };
        // strace: " > /tmp/noret(finish+0xe) [0x1147]", a noreturn call that ends finish.
        let mut out = Vec::new();
        let frame = FrameAddress::from_return_address(0x5555_0000_1147).unwrap();
        mapping.write_frame(frame, Unnamed::Bare, &mut out).unwrap();
        assert_eq!(out, b" > /tmp/noret(finish+0xe) [0x1147]\n");
        out.clear();
        let frame = FrameAddress::from_instruction_pointer(0x5555_0000_1147);
        mapping.write_frame(frame, Unnamed::Bare, &mut out).unwrap();
        assert_eq!(out, b" > /tmp/noret(caller+0x0) [0x1147]\n");
    }

    #[test]
    fn a_frame_without_a_symbol_prints_bare_or_with_a_zero_offset_after_an_exit() {
        let mapping = Mapping {
            start: 0x5555_0000_1000,
            end: 0x5555_0000_2000,
            file_offset: 0x1000,
            is_code: true,
            path: Box::from(&b"/usr/bin/dash"[..]),
            image: Some((
                Arc::new(image(Vec::new(), Symbols::default())),
                0x5555_0000_0000,
            )),
        };
        // strace -f -k sh -c 'echo': "dash() [0x466f]" after a call's line, and
        // "dash(+0x0) [0x468b]" in the stack of exit_group, after the "+++" line.
        let frame = FrameAddress::from_return_address(0x5555_0000_166f).unwrap();
        let mut out = Vec::new();
        mapping.write_frame(frame, Unnamed::Bare, &mut out).unwrap();
        assert_eq!(out, b" > /usr/bin/dash() [0x166f]\n");
        out.clear();
        mapping
            .write_frame(frame, Unnamed::ZeroOffset, &mut out)
            .unwrap();
        assert_eq!(out, b" > /usr/bin/dash(+0x0) [0x166f]\n");
    }

    fn demangled(name: &str) -> String {
        let mut out = Vec::new();
        write_symbol_name(name.as_bytes(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn demangles_like_libiberty() {
        assert_eq!(
            demangled("_ZN1r9level_two17h0465417054ec45e4E"),
            "r::level_two"
        );
        assert_eq!(
            demangled("_ZN3std2rt10lang_start28_$u7b$$u7b$closure$u7d$$u7d$17ha86af84d9cc65291E"),
            "std::rt::lang_start::{{closure}}"
        );
        assert_eq!(
            demangled("_RNvNtCsjrHSEGnQ3l9_3std2rt19lang_start_internal"),
            "std::rt::lang_start_internal"
        );
        assert_eq!(demangled("_ZN3foo3barEi"), "foo::bar(int)");
        assert_eq!(demangled("_ZNK3foo3barEv"), "foo::bar() const");
        assert_eq!(demangled("__libc_start_main"), "__libc_start_main");
        assert_eq!(demangled("_Zgarbage"), "_Zgarbage");
    }

    #[test]
    fn tells_rust_symbols_as_libiberty_does() {
        assert!(is_rust_symbol("_ZN1r9level_two17h0465417054ec45e4E"));
        assert!(is_rust_symbol(
            "_ZN1r9level_two17h0465417054ec45e4E.llvm.123"
        ));
        assert!(is_rust_symbol("_RNvCs123_1r3foo"));
        assert!(!is_rust_symbol("_ZN3foo3barEv"));
        assert!(!is_rust_symbol("_ZN3foo3barE"));
        assert!(!is_rust_symbol("_Rfoo"));
        assert!(!is_rust_symbol("main"));
    }
}
