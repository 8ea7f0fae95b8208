/* The command channel: a serial port that only run-qemu and init use
 * (minroot.channel=ttyS1). The kernel command line carries at most 31
 * words of 2047 bytes and no double quote; this port carries any argv, the
 * command's stdin with its end, window sizes, and the status line back.
 *
 * Bytes sent before the guest has opened the port and made it raw are lost,
 * so init announces itself and the host only then sends the request: a
 * magic, a 32-bit length and that many bytes (see request.h). */
#include "init.h"
#include "format.h"
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

#define REQUEST_WAIT_MS 60000 /* the host answers at once; this is for a port nobody serves */
#define RELAY_STOP_MS 2000

/* read(2) or write(2) until len bytes are moved; false at end of file or
 * on an error (a serial port moves a few bytes at a time). */
static bool move_all(int fd, void *buf, size_t len, bool writing)
{
	char *p = buf;
	while (len) {
		ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static bool read_exact(int fd, void *buf, size_t len)
{
	return move_all(fd, buf, len, false);
}

static bool write_all(int fd, const void *buf, size_t len)
{
	return move_all(fd, (void *)buf, len, true);
}

/* Raw: no echo, no line editing, no CR/LF translation, 8-bit clean. */
int channel_open(const char *name)
{
	char path[OPT_PATH_MAX];
	struct termios t;
	device_path(name, path, sizeof path);
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		complain_errno("open the command channel %s", path);
		return -1;
	}
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(fd, TCSANOW, &t);
	}
	say("command channel: announced on %s", path);
	if (!write_all(fd, CHANNEL_READY, sizeof CHANNEL_READY - 1)) {
		complain_errno("announce init on %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

static bool wait_readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	return poll(&p, 1, ms) == 1;
}

/* The request lives as long as init: one anonymous mapping, no malloc. */
bool channel_read_request(int fd, struct request *rq)
{
	unsigned char head[8];
	if (!wait_readable(fd, REQUEST_WAIT_MS) || !read_exact(fd, head, sizeof head) ||
	    memcmp(head, REQUEST_MAGIC, 4)) {
		complain("error: no request came on the command channel");
		return false;
	}
	uint32_t len = le32(head + 4);
	if (len > REQUEST_MAX_BYTES) {
		complain("error: the request on the command channel is too large (%u bytes)", len);
		return false;
	}
	size_t slots_at = ((size_t)len + 15) & ~(size_t)15;
	/* Every string may be one argument: enough pointer slots for all. */
	size_t nslots = 2 * ((size_t)len / 2 + 2);
	char *mem = mmap(NULL, slots_at + nslots * sizeof(char *), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		complain_errno("map %u bytes for the request", len);
		return false;
	}
	if (!read_exact(fd, mem, len)) {
		complain_errno("read the request from the command channel");
		return false;
	}
	say("command channel: a request of %u bytes", len);
	const char *problem = request_parse(mem, len, rq, (char **)(mem + slots_at), nslots);
	if (problem)
		complain("error: bad request on the command channel: %s", problem);
	return !problem;
}

/* Copies len bytes of a data frame into the command's stdin; once the
 * command has closed it (EPIPE), the rest is read and dropped. */
static bool forward_data(int chan, int *to, uint32_t len)
{
	char buf[4096];
	while (len) {
		size_t n = len < sizeof buf ? len : sizeof buf;
		if (!read_exact(chan, buf, n))
			return false;
		if (*to >= 0 && !write_all(*to, buf, n)) {
			close(*to);
			*to = -1;
		}
		len -= (uint32_t)n;
	}
	return true;
}

/* One frame from the host: stdin bytes, their end, or a window size. */
static bool relay_one_frame(int chan, const char *tty, int *to)
{
	unsigned char head[5], size[4];
	if (!read_exact(chan, head, sizeof head))
		return false;
	uint32_t len = le32(head + 1);
	if (head[0] == FRAME_WINSIZE && len == sizeof size) {
		if (!read_exact(chan, size, sizeof size))
			return false;
		if (*tty)
			set_console_size(tty, size[0] | size[1] << 8, size[2] | size[3] << 8);
		return true;
	}
	if (head[0] == FRAME_EOF && *to >= 0) {
		close(*to);
		*to = -1;
	}
	int drop = -1;
	return forward_data(chan, head[0] == FRAME_DATA ? to : &drop, len);
}

static bool send_frame(int chan, char type, const void *data, size_t len)
{
	unsigned char head[5] = { (unsigned char)type, (unsigned char)len, (unsigned char)(len >> 8),
				  (unsigned char)(len >> 16), (unsigned char)(len >> 24) };
	return write_all(chan, head, sizeof head) && write_all(chan, data, len);
}

/* A /dev/kmsg record starts "PRIORITY,": facility * 8 + level. */
static int record_level(const char *rec)
{
	return (int)(parse_decimal(rec) & 7);
}

/* Every record of the kernel log there is to read now, up to max_level,
 * to the host, whatever the console shows. */
static void forward_kernel_log(int chan, int kmsg, int max_level)
{
	char rec[2048];
	ssize_t n;
	while ((n = read(kmsg, rec, sizeof rec)) > 0 || (n < 0 && errno == EPIPE))
		if (n > 0 && record_level(rec) <= max_level)
			send_frame(chan, FRAME_KMSG, rec, (size_t)n);
}

/* Of the records from before the command, the levels the host gets. The
 * boot's 300-odd info lines would take the serial port a tenth of a second
 * under TCG, in front of the status: notices and worse (the kernel's
 * version, every warning), unless the console shows more (loglevel=7:
 * --verbose), or the kernel has KUnit built in (its parameters are in
 * /sys/module/kunit): its tests ran before init and printed their results
 * (KTAP) at info level, and the host judges them. */
static int boot_log_level(void)
{
	char printk[64] = "";
	read_small_file("/proc/sys/kernel/printk", printk, sizeof printk);
	if (parse_decimal(printk) >= LOG_DEBUG || access("/sys/module/kunit", F_OK) == 0)
		return LOG_DEBUG;
	return LOG_NOTICE;
}

/* Until init closes `stop`: frames from the host, kernel log to the host.
 * Then the log is drained once more, so nothing the kernel said before the
 * command ended is missing when init sends the status. */
static _Noreturn void relay(int chan, const char *tty, int to, int stop)
{
	int kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct pollfd p[3] = { { chan, POLLIN, 0 }, { stop, POLLIN, 0 }, { kmsg, POLLIN, 0 } };
	/* What came before the command at boot_log_level; from now on, everything. */
	if (kmsg >= 0)
		forward_kernel_log(chan, kmsg, boot_log_level());
	for (;;) {
		if (poll(p, kmsg >= 0 ? 3 : 2, -1) < 0 && errno != EINTR)
			break;
		if (p[2].revents)
			forward_kernel_log(chan, kmsg, LOG_DEBUG);
		if (p[1].revents)
			break;
		if (p[0].revents && !relay_one_frame(chan, tty, &to))
			p[0].fd = -1; /* the host is gone: keep the log going */
	}
	if (kmsg >= 0)
		forward_kernel_log(chan, kmsg, LOG_DEBUG);
	_exit(0);
}

/* A child of its own relays frames, so PID 1's loop stays one sigwaitinfo.
 * Returns the read end of the command's stdin, or -1 (no stdin frames);
 * r->stop is the end init closes to stop it. */
int channel_start_relay(int chan, const char *tty, bool stdin_follows, struct relay *r)
{
	int pipefd[2] = { -1, -1 }, stop[2];
	r->pid = -1;
	r->stop = -1;
	if ((stdin_follows && pipe2(pipefd, O_CLOEXEC) < 0) || pipe2(stop, O_CLOEXEC) < 0) {
		complain_errno("make a pipe for the command channel");
		return -1;
	}
	pid_t pid = fork_child();
	if (pid == 0) {
		/* Dies with everything else at shutdown; a command that stops
		 * reading its stdin must not kill it (window sizes still come). */
		sigset_t keep_pipe_blocked;
		sigemptyset(&keep_pipe_blocked);
		sigaddset(&keep_pipe_blocked, SIGPIPE);
		sigprocmask(SIG_SETMASK, &keep_pipe_blocked, NULL);
		if (pipefd[0] >= 0)
			close(pipefd[0]);
		close(stop[1]);
		relay(chan, tty, pipefd[1], stop[0]);
	}
	if (pid < 0)
		complain_errno("fork the command channel's relay");
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	close(stop[0]);
	r->pid = pid;
	r->stop = stop[1];
	return pipefd[0];
}

/* The relay forwards the last of the kernel log and ends; waited for, so
 * the status is the channel's last frame and no two writers mix. */
void channel_stop_relay(struct relay *r)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (r->stop >= 0)
		close(r->stop);
	long long deadline = monotonic_ms() + RELAY_STOP_MS;
	while (r->pid > 0 && waitpid(r->pid, NULL, WNOHANG) == 0 && monotonic_ms() < deadline)
		sigtimedwait(&chld, NULL, &(struct timespec){ 0, 50 * 1000000 });
	r->pid = -1;
	r->stop = -1;
}

void channel_send_status(int chan, const char *line, size_t len)
{
	if (!send_frame(chan, FRAME_STATUS, line, len))
		complain_errno("write the exit status to the command channel");
	tcdrain(chan);
}

/* When run-qemu's stdout is a file or a pipe, the command's output is kept
 * as written: no CR added before each LF by the terminal. */
void disable_output_crlf(const char *tty)
{
	struct termios t;
	int fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || tcgetattr(fd, &t) < 0 || (t.c_oflag &= ~(tcflag_t)ONLCR, 0) ||
	    tcsetattr(fd, TCSANOW, &t) < 0)
		complain_errno("turn off CR/LF output on %s", tty);
	if (fd >= 0)
		close(fd);
}
