//! BPF maps mapped into rtrace's memory, read and written with plain loads and stores
//! without a syscall each: arrays made with `BPF_F_MMAPABLE`, and the ring buffer.

use std::{
    io,
    os::fd::{AsFd as _, AsRawFd as _},
    ptr::NonNull,
    sync::atomic::{AtomicU32, AtomicUsize, Ordering},
};

use aya::maps::MapData;

/// A mapping of a whole array's values.
pub struct MappedArray {
    base: NonNull<u8>,
    bytes: usize,
    /// Keeps the map (and so the mapping's object) alive.
    _map: MapData,
}

impl MappedArray {
    /// Maps `map`'s values, `bytes` of them, read-only or also writable.
    ///
    /// # Errors
    /// When mmap fails (a kernel without mmapable BPF arrays: before 5.5).
    pub fn new(map: MapData, bytes: usize, writable: bool) -> io::Result<Self> {
        let bytes = bytes.next_multiple_of(4096);
        let protection = if writable {
            libc::PROT_READ | libc::PROT_WRITE
        } else {
            libc::PROT_READ
        };
        // SAFETY: mapping a BPF array's fd shared, as the kernel allows for
        // BPF_F_MMAPABLE arrays; the length covers its values, page-rounded as the
        // kernel rounds them.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                protection,
                libc::MAP_SHARED,
                map.fd().as_fd().as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let base = NonNull::new(ptr.cast::<u8>()).ok_or_else(io::Error::last_os_error)?;
        Ok(MappedArray {
            base,
            bytes,
            _map: map,
        })
    }

    /// Where the values begin, as `T`s (a mapping begins on a page: aligned for any).
    #[must_use]
    pub fn values<T>(&self) -> *mut T {
        self.base.as_ptr().cast::<T>()
    }
}

impl Drop for MappedArray {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly what new() mapped.
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.bytes) };
    }
}

/// A BPF ring buffer, read through its mapping with the kernel's protocol (header
/// length word with busy and discard bits, 8-byte aligned records, data pages mapped
/// twice so that a record never wraps).
///
/// The consumer position is published to the kernel once per [`PUBLISH_EVERY`] bytes
/// read and when the ring is found empty, not after every record: the kernel reads it in
/// every reserve and commit, from every CPU that writes records, so each store is a
/// cache line those CPUs must fetch again.
pub struct MappedRing {
    /// The consumer position page, the one page the reader writes.
    consumer: NonNull<AtomicUsize>,
    /// The producer position page, followed by the data pages mapped twice.
    producer: NonNull<u8>,
    page: usize,
    /// Bytes of data; a power of two.
    size: usize,
    /// The next record's position.
    pos: usize,
    /// The last position the kernel was told.
    published: usize,
    /// The producer position last read.
    producer_seen: usize,
    /// Bytes of the record last handed out, skipped at the next call.
    pending: usize,
    /// Bytes read between two stores of the consumer position.
    publish_every: usize,
    /// The map mapped (none for a ring in plain memory).
    map: Option<MapData>,
}

/// Bytes read between two stores of the consumer position, at most: a small part of
/// the ring (a sixteenth of a small one), so that what is read frees room in time.
const PUBLISH_EVERY: usize = 256 << 10;

/// Record header bits (`BPF_RINGBUF_BUSY_BIT`, `BPF_RINGBUF_DISCARD_BIT`) and size.
const BUSY_BIT: u32 = 1 << 31;
const DISCARD_BIT: u32 = 1 << 30;
const HEADER_BYTES: usize = 8;

impl MappedRing {
    /// Maps `map`, a ring buffer of `size` bytes.
    ///
    /// # Errors
    /// When mmap fails.
    pub fn new(map: MapData, size: usize) -> io::Result<Self> {
        // SAFETY: sysconf on a constant.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
            .map_err(|_| io::Error::other("no page size"))?;
        if !size.is_power_of_two() || !size.is_multiple_of(page) {
            return Err(io::Error::other(format!(
                "ring size {size} is not a power of two pages"
            )));
        }
        let fd = map.fd().as_fd().as_raw_fd();
        // SAFETY: mapping a ring buffer map's fd as the kernel lays it out: the consumer
        // page writable at offset 0; from the next page, read-only, the producer page
        // and the data pages twice.
        let consumer = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                page,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd,
                0,
            )
        };
        if consumer == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: as above.
        let producer = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                page + 2 * size,
                libc::PROT_READ,
                libc::MAP_SHARED,
                fd,
                libc::off_t::try_from(page).unwrap_or(libc::off_t::MAX),
            )
        };
        if producer == libc::MAP_FAILED {
            let e = io::Error::last_os_error();
            // SAFETY: unmapping the page mapped above.
            unsafe { libc::munmap(consumer, page) };
            return Err(e);
        }
        let consumer =
            NonNull::new(consumer.cast::<AtomicUsize>()).ok_or_else(io::Error::last_os_error)?;
        let producer = NonNull::new(producer.cast::<u8>()).ok_or_else(io::Error::last_os_error)?;
        // SAFETY: mapped above as the kernel lays the ring out.
        Ok(unsafe { Self::from_parts(consumer, producer, page, size, Some(map)) })
    }

    /// A reader of the ring at `consumer` and `producer`; with `map`, it unmaps them
    /// when dropped.
    ///
    /// # Safety
    /// `consumer` is a writable page whose first word is the consumer position;
    /// `producer`, a page whose first word is the producer position, followed by the
    /// `size` bytes of data and the same bytes again; all valid as long as the reader.
    unsafe fn from_parts(
        consumer: NonNull<AtomicUsize>,
        producer: NonNull<u8>,
        page: usize,
        size: usize,
        map: Option<MapData>,
    ) -> Self {
        // SAFETY: as the caller says; the kernel writes it only at map creation.
        let pos = unsafe { consumer.as_ref() }.load(Ordering::Acquire);
        Self {
            consumer,
            producer,
            page,
            size,
            pos,
            published: pos,
            producer_seen: pos,
            pending: 0,
            publish_every: (size / 16).min(PUBLISH_EVERY),
            map,
        }
    }

    /// The next committed record, in the order they were reserved; `None` when the
    /// ring is empty or its next record is still being written.
    pub fn next(&mut self) -> Option<&[u8]> {
        self.pos += std::mem::take(&mut self.pending);
        if self.pos.wrapping_sub(self.published) >= self.publish_every {
            self.publish();
        }
        loop {
            if self.pos == self.producer_seen {
                // SAFETY: the producer page is mapped; the kernel stores it with release.
                self.producer_seen =
                    unsafe { self.producer.cast::<AtomicUsize>().as_ref() }.load(Ordering::Acquire);
                if self.pos == self.producer_seen {
                    self.publish();
                    return None;
                }
            }
            let offset = self.pos & (self.size - 1);
            // SAFETY: offset + the header lies in the first copy of the data pages; the
            // kernel commits a header with a full barrier (xchg), read with acquire.
            #[expect(
                clippy::cast_ptr_alignment,
                reason = "records start 8-byte aligned in page-aligned data"
            )]
            let header = unsafe {
                let at = self.producer.as_ptr().add(self.page + offset);
                (*at.cast::<AtomicU32>()).load(Ordering::Acquire)
            };
            if header & BUSY_BIT != 0 {
                self.publish();
                return None;
            }
            let len = (header & !(BUSY_BIT | DISCARD_BIT)) as usize;
            let stride = (HEADER_BYTES + len).next_multiple_of(8);
            if header & DISCARD_BIT != 0 {
                self.pos += stride;
                continue;
            }
            self.pending = stride;
            // SAFETY: a committed record of len bytes after its header; the data pages
            // are mapped twice, so it is contiguous even where it wraps. It is not
            // overwritten before the consumer position passes it.
            return Some(unsafe {
                std::slice::from_raw_parts(
                    self.producer
                        .as_ptr()
                        .add(self.page + offset + HEADER_BYTES),
                    len,
                )
            });
        }
    }

    /// Tells the kernel what has been read, freeing its room.
    fn publish(&mut self) {
        if self.published != self.pos {
            // SAFETY: the consumer page is mapped writable; the kernel loads it with
            // acquire before reusing the room.
            unsafe { self.consumer.as_ref() }.store(self.pos, Ordering::Release);
            self.published = self.pos;
        }
    }
}

impl std::os::fd::AsRawFd for MappedRing {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.map
            .as_ref()
            .map_or(-1, |map| map.fd().as_fd().as_raw_fd())
    }
}

impl Drop for MappedRing {
    fn drop(&mut self) {
        if self.map.is_none() {
            return;
        }
        // SAFETY: unmapping exactly what new() mapped.
        unsafe {
            libc::munmap(self.consumer.as_ptr().cast(), self.page);
            libc::munmap(self.producer.as_ptr().cast(), self.page + 2 * self.size);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ring in memory, laid out and written as the kernel does: a consumer page; a
    /// producer page, then the data pages mapped twice (a memfd's pages).
    struct Producer {
        consumer: *mut u8,
        base: *mut u8,
        page: usize,
        size: usize,
        head: usize,
    }

    #[expect(
        clippy::cast_ptr_alignment,
        reason = "the mappings start on pages, and records 8-byte aligned in them"
    )]
    impl Producer {
        fn new(size: usize) -> Self {
            // SAFETY: plain mappings of fresh memory, checked; the data pages' second
            // mapping lands right after the first (MAP_FIXED inside a reserved range).
            unsafe {
                let page = usize::try_from(libc::sysconf(libc::_SC_PAGESIZE)).unwrap();
                let anonymous = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS;
                let rw = libc::PROT_READ | libc::PROT_WRITE;
                let consumer = libc::mmap(std::ptr::null_mut(), page, rw, anonymous, -1, 0);
                assert_ne!(consumer, libc::MAP_FAILED);
                let fd = libc::memfd_create(c"ring".as_ptr(), 0);
                assert!(fd >= 0);
                assert_eq!(
                    libc::ftruncate(fd, libc::off_t::try_from(page + size).unwrap()),
                    0
                );
                let base = libc::mmap(
                    std::ptr::null_mut(),
                    page + 2 * size,
                    libc::PROT_NONE,
                    anonymous,
                    -1,
                    0,
                );
                assert_ne!(base, libc::MAP_FAILED);
                let shared = libc::MAP_SHARED | libc::MAP_FIXED;
                assert_eq!(libc::mmap(base, page + size, rw, shared, fd, 0), base);
                let second = base.cast::<u8>().add(page + size).cast();
                assert_eq!(
                    libc::mmap(
                        second,
                        size,
                        rw,
                        shared,
                        fd,
                        libc::off_t::try_from(page).unwrap()
                    ),
                    second
                );
                libc::close(fd);
                Producer {
                    consumer: consumer.cast(),
                    base: base.cast(),
                    page,
                    size,
                    head: 0,
                }
            }
        }

        fn reader(&self) -> MappedRing {
            // SAFETY: the pages as the kernel lays them out, alive as long as `self`,
            // which the tests keep past the reader.
            unsafe {
                MappedRing::from_parts(
                    NonNull::new(self.consumer.cast()).unwrap(),
                    NonNull::new(self.base).unwrap(),
                    self.page,
                    self.size,
                    None,
                )
            }
        }

        /// Writes a record at the head with header bits `bits`, and publishes the new
        /// head; returns where the record's header is.
        fn push(&mut self, payload: &[u8], bits: u32) -> usize {
            let at = self.head;
            // SAFETY: the header and payload lie within the data and its second
            // mapping (a record is shorter than the ring).
            unsafe {
                let header = self.base.add(self.page + (at & (self.size - 1)));
                header
                    .cast::<u32>()
                    .write(u32::try_from(payload.len()).unwrap() | bits);
                std::ptr::copy_nonoverlapping(
                    payload.as_ptr(),
                    header.add(HEADER_BYTES),
                    payload.len(),
                );
            }
            self.head += (HEADER_BYTES + payload.len()).next_multiple_of(8);
            // SAFETY: the producer page's first word.
            unsafe { (*self.base.cast::<AtomicUsize>()).store(self.head, Ordering::Release) };
            at
        }

        /// Commits the record whose header is at `at`: clears its busy bit.
        fn commit(&self, at: usize) {
            // SAFETY: a header written by push.
            unsafe {
                let header = self
                    .base
                    .add(self.page + (at & (self.size - 1)))
                    .cast::<u32>();
                header.write(header.read() & !BUSY_BIT);
            }
        }

        /// What the reader told the kernel it has read up to.
        fn consumer_position(&self) -> usize {
            // SAFETY: the consumer page's first word.
            unsafe { (*self.consumer.cast::<AtomicUsize>()).load(Ordering::Acquire) }
        }
    }

    impl Drop for Producer {
        fn drop(&mut self) {
            // SAFETY: unmapping what new() mapped.
            unsafe {
                libc::munmap(self.consumer.cast(), self.page);
                libc::munmap(self.base.cast(), self.page + 2 * self.size);
            }
        }
    }

    #[test]
    fn records_come_in_order_past_discarded_ones_until_one_still_written() {
        let mut producer = Producer::new(1 << 16);
        producer.push(b"a", 0);
        producer.push(b"bb", DISCARD_BIT);
        let busy = producer.push(b"ccc", BUSY_BIT);
        let mut ring = producer.reader();
        assert_eq!(ring.next(), Some(&b"a"[..]));
        assert_eq!(ring.next(), None);
        // What was read, discarded record included, is freed for the kernel.
        assert_eq!(producer.consumer_position(), busy);
        producer.commit(busy);
        assert_eq!(ring.next(), Some(&b"ccc"[..]));
        assert_eq!(ring.next(), None);
        assert_eq!(producer.consumer_position(), producer.head);
    }

    #[test]
    fn the_kernel_is_told_what_was_read_per_batch_and_when_the_ring_is_empty() {
        // A 64 KiB ring: told every 4 KiB.
        let mut producer = Producer::new(1 << 16);
        for i in 0..100u8 {
            producer.push(&[i; 56], 0);
        }
        let mut ring = producer.reader();
        for i in 0..64u8 {
            assert_eq!(ring.next(), Some(&[i; 56][..]));
        }
        assert_eq!(producer.consumer_position(), 0);
        assert_eq!(ring.next(), Some(&[64; 56][..]));
        assert_eq!(producer.consumer_position(), 64 * 64);
        while ring.next().is_some() {}
        assert_eq!(producer.consumer_position(), 100 * 64);
    }

    #[test]
    fn a_record_across_the_rings_end_reads_whole() {
        let mut producer = Producer::new(4096);
        let mut ring = producer.reader();
        for _ in 0..3 {
            producer.push(&[7; 1000], 0);
        }
        while ring.next().is_some() {}
        let payload: Vec<u8> = (0..2000u32)
            .map(|i| u8::try_from(i % 251).unwrap())
            .collect();
        let at = producer.push(&payload, 0);
        assert!((at & 4095) + 2008 > 4096, "the record wraps");
        assert_eq!(ring.next(), Some(&payload[..]));
        assert_eq!(ring.next(), None);
    }
}
