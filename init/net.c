/* The network a test expects: lo up, and on request one interface set up as
 * QEMU's user network (slirp) expects it. With ioctls on an AF_INET socket:
 * no netlink, no library. Bringing lo up is enough for both loopback
 * addresses: the kernel itself gives an up loopback device 127.0.0.1/8 and,
 * when it has IPv6, ::1. */
#include "init.h"
#include "format.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* QEMU's user network: the guest, its netmask, the gateway, the DNS proxy. */
#define USER_NET_ADDRESS 0x0a00020fu /* 10.0.2.15 */
#define USER_NET_NETMASK 0xffffff00u /* /24 */
#define USER_NET_GATEWAY 0x0a000202u /* 10.0.2.2 */
#define RESOLV_CONF "/etc/resolv.conf"
#define RESOLV_LINE "nameserver 10.0.2.3\n"

static void set_ipv4(struct sockaddr *sa, unsigned addr)
{
	*(struct sockaddr_in *)sa = (struct sockaddr_in){ .sin_family = AF_INET,
							  .sin_addr.s_addr = htonl(addr) };
}

static bool interface_up(int sock, const char *name)
{
	struct ifreq ifr = { 0 };
	format(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return false;
	/* Already up, as in a container that may not change it: done. */
	if (ifr.ifr_flags & IFF_UP)
		return true;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(sock, SIOCSIFFLAGS, &ifr) == 0;
}

static bool set_interface_address(int sock, const char *name, unsigned long request,
				  unsigned addr)
{
	struct ifreq ifr = { 0 };
	format(ifr.ifr_name, IFNAMSIZ, "%s", name);
	set_ipv4(&ifr.ifr_addr, addr);
	return ioctl(sock, request, &ifr) == 0;
}

static bool add_default_route(int sock, char *name)
{
	struct rtentry rt = { 0 };
	set_ipv4(&rt.rt_dst, 0);
	set_ipv4(&rt.rt_genmask, 0);
	set_ipv4(&rt.rt_gateway, USER_NET_GATEWAY);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = name;
	return ioctl(sock, SIOCADDRT, &rt) == 0 || errno == EEXIST;
}

/* A resolv.conf that already names a nameserver is the user's choice and is
 * kept (slirp forwards to any address); otherwise ours is appended, so
 * whatever else the file holds (search, options) stays. */
static void name_the_user_net_nameserver(void)
{
	if (file_contains(RESOLV_CONF, "nameserver"))
		return;
	int fd = open(RESOLV_CONF, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, RESOLV_LINE, sizeof RESOLV_LINE - 1) != sizeof RESOLV_LINE - 1)
		complain_errno("write %s (name lookups will fail)", RESOLV_CONF);
	if (fd >= 0)
		close(fd);
}

static void configure_user_network(int sock, char *iface)
{
	if (!interface_up(sock, iface)) {
		if (errno == ENODEV)
			complain("minroot.net=%s: no such network interface (is the driver of "
				 "QEMU's NIC, e.g. virtio-net or e1000, built in or loaded?)", iface);
		else
			complain_errno("bring up %s", iface);
		return;
	}
	if (!set_interface_address(sock, iface, SIOCSIFADDR, USER_NET_ADDRESS) ||
	    !set_interface_address(sock, iface, SIOCSIFNETMASK, USER_NET_NETMASK) ||
	    !add_default_route(sock, iface)) {
		complain_errno("configure %s as 10.0.2.15/24 via 10.0.2.2", iface);
		return;
	}
	name_the_user_net_nameserver();
}

/* iface: the one to configure for QEMU's user network, "" for none. A kernel
 * without IPv4 (no socket) has no lo to bring up: nothing to say then. The
 * raw system call: musl's socket() carries a fallback for kernels older
 * than 2.6.27 that PID 1 does not need. */
void set_up_network(char *iface)
{
	int sock = (int)syscall(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		if (*iface)
			complain_errno("minroot.net=%s: no IPv4 socket", iface);
		return;
	}
	if (!interface_up(sock, "lo"))
		complain_errno("bring up lo");
	if (*iface)
		configure_user_network(sock, iface);
	close(sock);
}
