#define _GNU_SOURCE
#include "cprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int cprocess_spawn(const char *path, char *const argv[], char *const envp[],
                   int in, int out, int err, pid_t *pid) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int result = posix_spawn_file_actions_init(&actions);
    if (result != 0) return result;
    result = posix_spawnattr_init(&attributes);
    if (result != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return result;
    }
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    // sigfillset leaves out glibc's two internal signals (32 and 33), and posix_spawn then sets
    // them to SIG_IGN in the child, which exec keeps: set their bits by hand so the command
    // gets every signal at its default, as after fork and exec.
    for (int sig = 32; sig <= 33; sig++) {
        const int bits = 8 * (int)sizeof(all.__val[0]);
        all.__val[(sig - 1) / bits] |= 1UL << ((sig - 1) % bits);
    }
    // Ignored signals (runbook ignores SIGPIPE) and the blocked mask survive exec: reset both.
    if ((result = posix_spawnattr_setsigmask(&attributes, &none)) == 0 &&
        (result = posix_spawnattr_setsigdefault(&attributes, &all)) == 0 &&
        (result = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                                        POSIX_SPAWN_SETSIGDEF)) == 0 &&
        (result = posix_spawn_file_actions_adddup2(&actions, in, 0)) == 0 &&
        (result = posix_spawn_file_actions_adddup2(&actions, out, 1)) == 0 &&
        (result = posix_spawn_file_actions_adddup2(&actions, err, 2)) == 0 &&
        // Descriptors another thread opened without O_CLOEXEC (a sibling's pipe) must not
        // leak into this child: a leaked write end would hold that sibling's output open.
        (result = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) == 0) {
        result = posix_spawn(pid, path, &actions, &attributes, argv, envp);
    }
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    return result;
}

int cprocess_pipe(int fds[2], int nonblockingRead, int nonblockingWrite) {
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    for (int end = 0; end < 2; end++) {
        if (!(end == 0 ? nonblockingRead : nonblockingWrite)) continue;
        int flags = fcntl(fds[end], F_GETFL);
        if (flags < 0 || fcntl(fds[end], F_SETFL, flags | O_NONBLOCK) != 0) {
            int saved = errno;
            close(fds[0]);
            close(fds[1]);
            errno = saved;
            return -1;
        }
    }
    return 0;
}

int cprocess_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int cprocess_reap(idtype_t type, id_t id, int options, int *signaled, int *status) {
    siginfo_t info = {0};
    int result;
    do { result = waitid(type, id, &info, WEXITED | options); } while (result != 0 && errno == EINTR);
    if (result != 0) return -1;
    if (info.si_pid == 0) return 1;  // WNOHANG, and it has not exited
    *signaled = info.si_code == CLD_EXITED ? 0 : 1;
    *status = info.si_status;
    return 0;
}

int cprocess_reap_pidfd(int pidfd, int *signaled, int *status) {
    return cprocess_reap(P_PIDFD, (id_t)pidfd, WNOHANG, signaled, status);
}

int cprocess_reap_pid(pid_t pid, int *signaled, int *status) {
    return cprocess_reap(P_PID, (id_t)pid, 0, signaled, status);
}

int cprocess_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int cprocess_epoll_arm(int epoll, int fd, int writable, int add) {
    struct epoll_event event = {0};
    event.events = (writable ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT;
    event.data.fd = fd;
    return epoll_ctl(epoll, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event);
}

int cprocess_epoll_remove(int epoll, int fd) {
    return epoll_ctl(epoll, EPOLL_CTL_DEL, fd, NULL);
}

int cprocess_epoll_watch(int epoll, int fd) {
    struct epoll_event event = {0};
    event.events = EPOLLIN;
    event.data.fd = fd;
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

int cprocess_eventfd(void) {
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

void cprocess_eventfd_signal(int fd) {
    uint64_t one = 1;
    while (write(fd, &one, sizeof one) < 0 && errno == EINTR) {}
}

void cprocess_eventfd_drain(int fd) {
    uint64_t count;
    while (read(fd, &count, sizeof count) < 0 && errno == EINTR) {}
}

void cprocess_name_thread(const char *name) {
    pthread_setname_np(pthread_self(), name);
}

int cprocess_epoll_wait(int epoll, int *fds, int max, int timeout) {
    struct epoll_event events[64];
    if (max > 64) max = 64;
    int count = epoll_wait(epoll, events, max, timeout);
    for (int i = 0; i < count; i++) fds[i] = events[i].data.fd;
    return count;
}
