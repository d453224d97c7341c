// The floor for runbook's fan-out (docs/performance.md, "Round 5"): what runbook must do per
// host, and nothing else, in C on one thread. Each child runs `sh -c` in its own session, gated
// on stdin; its start line is written and fsynced (one fsync covers every pending line) before
// its gate opens; stdout and stderr are drained; it is reaped through a pidfd (epoll); an end
// line is written. No error handling: a measuring tool, not a model for runbook's code.
//
//   cc -O2 -o /tmp/fanout-floor bench/fanout-floor.c
//   cd "$(mktemp -d)" && perf stat -e task-clock /tmp/fanout-floor 1000 50   # N hosts, P at once
//   (a third argument 0 skips the fsyncs)
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
extern char **environ;
typedef struct { pid_t pid; int pidfd, in, out, err, open; } Child;
static int journal, ep, pendingSync;
static void line(const char *ev, int i) { char b[256]; int n = snprintf(b, sizeof b, "{\"event\":\"%s\",\"step\":\"h%05d\"}\n", ev, i); write(journal, b, n); pendingSync = 1; }
int main(int argc, char **argv) {
    int n = atoi(argv[1]), p = atoi(argv[2]); int durable = argc > 3 ? atoi(argv[3]) : 1;
    journal = open("journal.jsonl", O_WRONLY|O_CREAT|O_TRUNC|O_APPEND|O_CLOEXEC, 0600);
    ep = epoll_create1(EPOLL_CLOEXEC);
    Child *c = calloc(n, sizeof *c);
    int started = 0, running = 0, done = 0;
    char *args[] = {"/bin/sh", "-c", "IFS= read -r g && [ \"$g\" = go ] || exit 125; true", NULL};
    posix_spawnattr_t attr; posix_spawnattr_init(&attr);
    sigset_t none, all; sigemptyset(&none); sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    sigset_t def; sigemptyset(&def); sigaddset(&def, SIGPIPE); posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID|POSIX_SPAWN_SETSIGMASK|POSIX_SPAWN_SETSIGDEF);
    signal(SIGPIPE, SIG_IGN);
    while (done < n) {
        int batch[64], nb = 0;
        while (running < p && started < n) {
            int i = started++; running++;
            line("stepStarted", i);
            int in[2], out[2], err[2];
            pipe2(in, O_CLOEXEC); pipe2(out, O_CLOEXEC); pipe2(err, O_CLOEXEC);
            posix_spawn_file_actions_t fa; posix_spawn_file_actions_init(&fa);
            posix_spawn_file_actions_adddup2(&fa, in[0], 0); posix_spawn_file_actions_adddup2(&fa, out[1], 1); posix_spawn_file_actions_adddup2(&fa, err[1], 2);
            posix_spawn(&c[i].pid, "/bin/sh", &fa, &attr, args, environ);
            posix_spawn_file_actions_destroy(&fa);
            close(in[0]); close(out[1]); close(err[1]);
            c[i].in = in[1]; c[i].out = out[0]; c[i].err = err[0]; c[i].open = 3;
            c[i].pidfd = syscall(SYS_pidfd_open, c[i].pid, 0);
            struct epoll_event e = {.events = EPOLLIN};
            e.data.u64 = (uint64_t)i << 2 | 0; epoll_ctl(ep, EPOLL_CTL_ADD, c[i].out, &e);
            e.data.u64 = (uint64_t)i << 2 | 1; epoll_ctl(ep, EPOLL_CTL_ADD, c[i].err, &e);
            e.data.u64 = (uint64_t)i << 2 | 2; epoll_ctl(ep, EPOLL_CTL_ADD, c[i].pidfd, &e);
            batch[nb++] = i;
        }
        if (pendingSync && durable) { fsync(journal); } pendingSync = 0;
        for (int k = 0; k < nb; k++) { write(c[batch[k]].in, "go\n", 3); close(c[batch[k]].in); }
        struct epoll_event ev[64];
        int m = epoll_wait(ep, ev, 64, -1);
        for (int k = 0; k < m; k++) {
            int i = ev[k].data.u64 >> 2, which = ev[k].data.u64 & 3;
            if (which < 2) {
                char buf[4096]; int fd = which == 0 ? c[i].out : c[i].err;
                if (read(fd, buf, sizeof buf) <= 0) { epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL); close(fd); c[i].open--; }
            } else {
                siginfo_t si; waitid(P_PIDFD, c[i].pidfd, &si, WEXITED);
                epoll_ctl(ep, EPOLL_CTL_DEL, c[i].pidfd, NULL); close(c[i].pidfd); c[i].open--;
            }
            if (c[i].open == 0) { line("stepSucceeded", i); running--; done++; }
        }
    }
    if (durable) fsync(journal);
    return 0;
}
