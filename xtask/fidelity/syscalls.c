/* File, descriptor, memory and process calls made directly, each with results that
 * are the same from run to run, so that strace's and rtrace's lines can be compared
 * one for one. Errors are part of the point: they print too. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void files(void)
{
    char buf[64];
    struct stat st;
    int fd = open("work.txt", O_RDWR | O_CREAT | O_EXCL, 0600);
    write(fd, "0123456789abcdefghij", 20);
    pwrite(fd, "PW", 2, 4);
    pread(fd, buf, 8, 2);
    lseek(fd, 0, SEEK_END);
    lseek(fd, -5, SEEK_CUR);
    lseek(fd, 100, 7);
    struct iovec iov[2] = {{"vec", 3}, {"tor", 3}};
    writev(fd, iov, 2);
    pwritev(fd, iov, 2, 0);
    char a[4], b[4];
    struct iovec in[2] = {{a, sizeof a}, {b, sizeof b}};
    preadv(fd, in, 2, 0);
    readv(fd, in, 2);
    fstat(fd, &st);
    fchmod(fd, 0640);
    fchown(fd, 0, 0);
    ftruncate(fd, 12);
    fallocate(fd, 0, 0, 4096);
    fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0, 1);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    readahead(fd, 0, 4096);
    sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    flock(fd, LOCK_EX | LOCK_NB);
    flock(fd, LOCK_UN);
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 4};
    fcntl(fd, F_SETLK, &lk);
    fcntl(fd, F_GETLK, &lk);
    fcntl(fd, F_OFD_SETLK, &lk);
    fcntl(fd, F_GETFD);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK);
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    dup3(d, 20, O_CLOEXEC);
    close(20);
    close(d);
    fsync(fd);
    fdatasync(fd);
    syncfs(fd);
    close(fd);
    close(fd);

    mkdir("d", 0755);
    mkdirat(AT_FDCWD, "d/e", 0700);
    int dfd = open("d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    fchdir(dfd);
    chdir("..");
    mknodat(dfd, "fifo", S_IFIFO | 0644, 0);
    mknod("d/null", S_IFCHR | 0600, makedev(1, 3));
    symlinkat("../hello.txt", dfd, "link");
    readlinkat(dfd, "link", buf, sizeof buf);
    readlink("d/nonexistent", buf, sizeof buf);
    linkat(AT_FDCWD, "hello.txt", dfd, "hard", 0);
    renameat(dfd, "hard", dfd, "hard2");
    syscall(SYS_renameat2, dfd, "hard2", AT_FDCWD, "hello.txt", RENAME_NOREPLACE);
    fstatat(dfd, "link", &st, AT_SYMLINK_NOFOLLOW);
    struct statx sx;
    statx(dfd, "link", AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_SIZE, &sx);
    statx(AT_FDCWD, "missing", 0, STATX_ALL, &sx);
    faccessat(dfd, "fifo", W_OK, AT_EACCESS);
    syscall(SYS_faccessat2, dfd, "fifo", R_OK, AT_SYMLINK_NOFOLLOW);
    fchmodat(dfd, "fifo", 0600, 0);
    fchownat(dfd, "link", 0, 0, AT_SYMLINK_NOFOLLOW);
    truncate("hello.txt", 5);
    access("hello.txt", X_OK);
    umask(022);
    unlinkat(dfd, "link", 0);
    unlinkat(dfd, "e", AT_REMOVEDIR);
    unlinkat(dfd, "fifo", 0);
    unlinkat(dfd, "null", 0);
    close(dfd);
    rmdir("d");
    rmdir("tree");
    getcwd(buf, 4);
    creat("made.txt", 0644);
}

static void descriptors(void)
{
    int p[2];
    char buf[16];
    pipe2(p, O_CLOEXEC);
    write(p[1], "through a pipe", 14);
    read(p[0], buf, 7);
    read(p[0], buf, sizeof buf);
    close(p[1]);
    read(p[0], buf, sizeof buf);
    close(p[0]);
    int src = open("hello.txt", O_RDONLY);
    int dst = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    off_t off = 1;
    sendfile(dst, src, &off, 3);
    loff_t in = 0;
    copy_file_range(src, &in, dst, NULL, 4, 0);
    pipe(p);
    splice(src, &in, p[1], NULL, 2, SPLICE_F_MOVE);
    splice(p[0], NULL, dst, NULL, 2, 0);
    close(p[0]);
    close(p[1]);
    dup2(dst, 9);
    close(9);
    close(src);
    close(dst);
    int m = memfd_create("fidelity", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    ftruncate(m, 8192);
    close_range(m, m, 0);
    close_range(100, ~0U, CLOSE_RANGE_CLOEXEC);
}

static void memory(void)
{
    char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(p + 4096, 4096, PROT_NONE);
    madvise(p, 4096, MADV_DONTNEED);
    madvise(p, 4096, MADV_WILLNEED);
    mlock(p, 4096);
    munlock(p, 4096);
    unsigned char vec[3];
    mincore(p, 3 * 4096, vec);
    msync(p, 4096, MS_ASYNC);
    p = mremap(p, 3 * 4096, 6 * 4096, MREMAP_MAYMOVE);
    munmap(p, 6 * 4096);
    mmap((void *)0x10000, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    mmap(NULL, 4096, PROT_READ, MAP_SHARED, 99, 0);
    int fd = open("hello.txt", O_RDONLY);
    void *f = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    munmap(f, 4096);
    close(fd);
    sbrk(0);
    mlockall(MCL_CURRENT | MCL_FUTURE);
    munlockall();
    pkey_alloc(0, 0);
}

static void process(void)
{
    struct rlimit rl;
    struct rusage ru;
    getrlimit(RLIMIT_NOFILE, &rl);
    setrlimit(RLIMIT_NOFILE, &rl);
    prlimit(0, RLIMIT_CORE, NULL, &rl);
    getrusage(RUSAGE_CHILDREN, &ru);
    getpgid(0);
    setpgid(0, 0);
    getsid(0);
    prctl(PR_SET_NAME, "fidelity");
    char name[16];
    prctl(PR_GET_NAME, name);
    prctl(PR_GET_DUMPABLE);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    sched_yield();
    sched_getscheduler(0);
    struct sched_param sp;
    sched_getparam(0, &sp);
    sched_get_priority_max(SCHED_FIFO);
    getpriority(PRIO_PROCESS, 0);
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    setresgid(-1, -1, -1);
    setuid(0);
    int status;
    pid_t child = fork();
    if (child == 0)
        _exit(7);
    wait4(child, &status, 0, NULL);
    child = fork();
    if (child == 0) {
        char *argv[] = {"true", NULL};
        execv("/usr/bin/true", argv);
        _exit(127);
    }
    siginfo_t info;
    waitid(P_PID, child, &info, WEXITED);
    waitpid(-1, &status, WNOHANG);
}

int main(void)
{
    files();
    descriptors();
    memory();
    process();
    return 0;
}
