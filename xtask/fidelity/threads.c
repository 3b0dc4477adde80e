/* Three threads, each writing a file main opened for it, then a byte to a pipe that
 * main reads: every thread's own sequence of syscalls is the same from run to run. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int pipe_fds[2];

static void *work(void *arg)
{
    int fd = (int)(long)arg;
    write(fd, "written", 7);
    fsync(fd);
    close(fd);
    write(pipe_fds[1], "x", 1);
    return NULL;
}

int main(void)
{
    pthread_t threads[3];
    char byte, name[16];
    struct timespec pause = {0, 50 * 1000 * 1000};

    pipe(pipe_fds);
    for (long i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "thread%ld.txt", i);
        long fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        pthread_create(&threads[i], NULL, work, (void *)fd);
    }
    for (int i = 0; i < 3; i++)
        read(pipe_fds[0], &byte, 1);
    /* Let the threads finish exiting, so that joining them never waits. */
    nanosleep(&pause, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(threads[i], NULL);
    puts("done");
    return 0;
}
