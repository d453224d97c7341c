// The few Linux calls the engine's process layer needs that Swift's Glibc module does not
// import (posix_spawn's session flag and closefrom, pipe2, pidfd, epoll), behind plain
// prototypes: the definitions are compiled with _GNU_SOURCE in cprocess.c.
#ifndef CPROCESS_H
#define CPROCESS_H

#include <sys/types.h>

/// Spawns `path` with `argv` and `envp` in a new session (so the child leads its own process
/// group), every signal at its default disposition and unblocked, `in`/`out`/`err` as its
/// standard streams and every other descriptor closed. Returns 0 and sets `*pid`, or an errno.
int cprocess_spawn(const char *path, char *const argv[], char *const envp[],
                   int in, int out, int err, pid_t *pid);

/// A close-on-exec pipe; each end non-blocking when asked. Returns 0, or -1 with errno.
int cprocess_pipe(int fds[2], int nonblockingRead, int nonblockingWrite);

/// A pidfd for `pid` (Linux 5.3+). Returns the descriptor, or -1 with errno.
int cprocess_pidfd_open(pid_t pid);

/// Reaps the process behind `pidfd` if it has exited, without blocking. Sets `*signaled` (0:
/// exited with `*status`, 1: killed by signal `*status`). Returns 0; 1 when it has not exited
/// yet (a wake-up that was not its exit); -1 with errno.
int cprocess_reap_pidfd(int pidfd, int *signaled, int *status);

/// Blocks until `pid` exits and reaps it (kernels without pidfd). Same results.
int cprocess_reap_pid(pid_t pid, int *signaled, int *status);

/// A close-on-exec epoll instance, or -1 with errno.
int cprocess_epoll_create(void);

/// Arms `fd` for one event (readable, or writable when `writable`); `add` for its first
/// registration. Hang-ups and errors are always reported. Returns 0, or -1 with errno.
int cprocess_epoll_arm(int epoll, int fd, int writable, int add);

/// Removes `fd` from the instance (before it is closed). Returns 0, or -1 with errno.
int cprocess_epoll_remove(int epoll, int fd);

/// Watches `fd` for readability, level-triggered (the reactor's own wake-up). Returns 0, or -1.
int cprocess_epoll_watch(int epoll, int fd);

/// A close-on-exec, non-blocking eventfd, or -1 with errno.
int cprocess_eventfd(void);

/// Adds one to the eventfd's counter (wakes its reader).
void cprocess_eventfd_signal(int fd);

/// Resets the eventfd's counter.
void cprocess_eventfd_drain(int fd);

/// Names the calling thread (at most 15 bytes are kept), for ps, top and /proc.
void cprocess_name_thread(const char *name);

/// Waits for events; writes the descriptor of each into `fds` (at most `max`). Returns the
/// count, or -1 with errno.
int cprocess_epoll_wait(int epoll, int *fds, int max, int timeout);

#endif
