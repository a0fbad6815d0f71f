/*
 * netaddr.c: IP and socket addresses of either family (see netaddr.h).
 * The one place that switches on the address family, so that a module
 * handling addresses never has to.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "netaddr.h"

struct netaddr
netaddr_v4(struct in_addr v4)
{
	struct netaddr	a;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.u.v4 = v4;
	return a;
}

bool
netaddr_is_set(const struct netaddr *a)
{
	switch (a->family) {
	case AF_INET:
		return a->u.v4.s_addr != 0;
	case AF_INET6:
		return !IN6_IS_ADDR_UNSPECIFIED(&a->u.v6);
	default:
		return false;
	}
}

bool
netaddr_eq(const struct netaddr *a, const struct netaddr *b)
{
	if (a->family != b->family)
		return false;
	switch (a->family) {
	case AF_INET:
		return a->u.v4.s_addr == b->u.v4.s_addr;
	case AF_INET6:
		return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6)) == 0;
	default:
		return true;
	}
}

/* The family and the address bytes (not the union's padding). */
uint64_t
netaddr_hash_feed(uint64_t h, const struct netaddr *a)
{
	h = hash_update(h, &a->family, sizeof(a->family));
	if (a->family == AF_INET)
		h = hash_update(h, &a->u.v4, sizeof(a->u.v4));
	else if (a->family == AF_INET6)
		h = hash_update(h, &a->u.v6, sizeof(a->u.v6));
	return h;
}

size_t
netaddr_hash(const struct netaddr *a)
{
	return hash_final(netaddr_hash_feed(HASH_INIT, a));
}

const char *
netaddr_ntop(const struct netaddr *a, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	if (a->family != AF_INET && a->family != AF_INET6) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (inet_ntop(a->family, &a->u, buf, (socklen_t)len) == NULL)
		buf[0] = '\0';
	return buf;
}

const char *
netaddr_url_host(const struct netaddr *a, char *buf, size_t len)
{
	char	ip[INET6_ADDRSTRLEN];

	if (a->family != AF_INET6)
		return netaddr_ntop(a, buf, len);
	netaddr_ntop(a, ip, sizeof(ip));
	snprintf(buf, len, "[%s]", ip);
	return buf;
}

int
netaddr_pton(const char *s, struct netaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->u.v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->u.v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	a->family = AF_UNSPEC;
	return -1;
}

bool
netaddr_in_prefix(const struct netaddr *a, const struct netaddr *prefix,
    unsigned plen)
{
	const uint8_t	*x, *y;
	unsigned	 bits, i;
	uint8_t		 mask;

	if (a->family != prefix->family)
		return false;
	bits = a->family == AF_INET ? 32 : a->family == AF_INET6 ? 128 : 0;
	if (bits == 0 || plen > bits)
		return false;
	x = (const uint8_t *)&a->u;
	y = (const uint8_t *)&prefix->u;
	for (i = 0; i < plen / 8; i++)
		if (x[i] != y[i])
			return false;
	if (plen % 8 == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - plen % 8));
	return (x[i] & mask) == (y[i] & mask);
}

int
netaddr_from_sock(const struct sockaddr *sa, struct netaddr *a,
    uint16_t *port)
{
	const union netaddr_sock	*s = (const void *)sa;

	memset(a, 0, sizeof(*a));
	switch (sa->sa_family) {
	case AF_INET:
		a->family = AF_INET;
		a->u.v4 = s->sin.sin_addr;
		if (port != NULL)
			*port = ntohs(s->sin.sin_port);
		return 0;
	case AF_INET6:
		a->family = AF_INET6;
		a->u.v6 = s->sin6.sin6_addr;
		if (port != NULL)
			*port = ntohs(s->sin6.sin6_port);
		return 0;
	default:
		a->family = AF_UNSPEC;
		return -1;
	}
}

socklen_t
netaddr_to_sock(const struct netaddr *a, uint16_t port,
    union netaddr_sock *s)
{
	memset(s, 0, sizeof(*s));
	switch (a->family) {
	case AF_INET:
		s->sin.sin_family = AF_INET;
		s->sin.sin_addr = a->u.v4;
		s->sin.sin_port = htons(port);
		return sizeof(s->sin);
	case AF_INET6:
		s->sin6.sin6_family = AF_INET6;
		s->sin6.sin6_addr = a->u.v6;
		s->sin6.sin6_port = htons(port);
		return sizeof(s->sin6);
	default:
		return 0;
	}
}

const char *
netaddr_sock_str(const struct sockaddr *sa, char *buf, size_t len)
{
	struct netaddr	a;
	char		ip[INET6_ADDRSTRLEN];
	uint16_t	port;

	if (netaddr_from_sock(sa, &a, &port) == -1) {
		snprintf(buf, len, "-");
		return buf;
	}
	netaddr_ntop(&a, ip, sizeof(ip));
	if (a.family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", ip, (unsigned)port);
	else
		snprintf(buf, len, "%s:%u", ip, (unsigned)port);
	return buf;
}

socklen_t
netaddr_sock_len(const union netaddr_sock *s)
{
	switch (s->sa.sa_family) {
	case AF_INET:
		return sizeof(s->sin);
	case AF_INET6:
		return sizeof(s->sin6);
	default:
		return 0;
	}
}

bool
netaddr_sock_eq(const union netaddr_sock *a, const union netaddr_sock *b)
{
	struct netaddr	x, y;
	uint16_t	px, py;

	if (netaddr_from_sock(&a->sa, &x, &px) == -1 ||
	    netaddr_from_sock(&b->sa, &y, &py) == -1)
		return false;
	if (!netaddr_eq(&x, &y) || px != py)
		return false;
	return x.family != AF_INET6 ||
	    a->sin6.sin6_scope_id == b->sin6.sin6_scope_id;
}

size_t
netaddr_sock_hash(const union netaddr_sock *s)
{
	struct netaddr	a;
	uint16_t	port = 0;
	uint64_t	h;

	netaddr_from_sock(&s->sa, &a, &port);
	h = hash_update(netaddr_hash_feed(HASH_INIT, &a), &port, sizeof(port));
	return hash_final(h);
}

void
netaddr_sock_unmap(union netaddr_sock *s)
{
	struct in_addr	v4;
	uint16_t	port;

	if (s->sa.sa_family != AF_INET6 ||
	    !IN6_IS_ADDR_V4MAPPED(&s->sin6.sin6_addr))
		return;
	memcpy(&v4, &s->sin6.sin6_addr.s6_addr[12], sizeof(v4));
	port = s->sin6.sin6_port;
	memset(s, 0, sizeof(*s));
	s->sin.sin_family = AF_INET;
	s->sin.sin_addr = v4;
	s->sin.sin_port = port;
}
