/*
 * netaddr.h: an IP address of either family, and a socket address of
 * either family, for everything that carries a client's or a server's
 * address between modules (UDP, TFTP, HTTP, templates, rules, leases).
 * IPv4 is what pxed serves today; IPv6 is an addition to this type, not
 * a rewrite of its users.
 */
#ifndef PXED_NETADDR_H
#define PXED_NETADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Long enough for "[v6-address]:65535" and a NUL. */
#define NETADDR_STRLEN	(INET6_ADDRSTRLEN + 8)

struct netaddr {
	sa_family_t	 family;	/* AF_INET, AF_INET6; AF_UNSPEC: none */
	union {
		struct in_addr	 v4;
		struct in6_addr	 v6;
	}		 u;
};

/* A socket address of either family, sized for both. */
union netaddr_sock {
	struct sockaddr		 sa;
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	struct sockaddr_storage	 ss;
};

/* An IPv4 address (network order); 0.0.0.0 gives an AF_INET zero. */
struct netaddr	netaddr_v4(struct in_addr v4);
/* Whether a is set (any family) and not the family's zero address. */
bool		netaddr_is_set(const struct netaddr *a);
bool		netaddr_eq(const struct netaddr *a, const struct netaddr *b);
/* A hash of the address (family and bytes), for hash tables. */
size_t		netaddr_hash(const struct netaddr *a);
/* Feed what netaddr_eq compares into a running hash (hash.h). */
uint64_t	netaddr_hash_feed(uint64_t h, const struct netaddr *a);
/* "10.0.0.1" or "2001:db8::1" into buf (>= NETADDR_STRLEN); buf. */
const char	*netaddr_ntop(const struct netaddr *a, char *buf, size_t len);
/*
 * The address as the host part of a URL (RFC 3986 3.2.2): "10.0.0.1" or
 * "[2001:db8::1]", into buf (>= NETADDR_STRLEN); buf.
 */
const char	*netaddr_url_host(const struct netaddr *a, char *buf,
		    size_t len);
/* Parse a literal of either family; -1 when it is neither. */
int		netaddr_pton(const char *s, struct netaddr *a);
/* Whether a lies in prefix/plen (same family only). */
bool		netaddr_in_prefix(const struct netaddr *a,
		    const struct netaddr *prefix, unsigned plen);

/* The address and port of a socket address; -1 for other families. */
int		netaddr_from_sock(const struct sockaddr *sa, struct netaddr *a,
		    uint16_t *port);
/* A socket address for a and port; its length, 0 for AF_UNSPEC. */
socklen_t	netaddr_to_sock(const struct netaddr *a, uint16_t port,
		    union netaddr_sock *s);
/* "10.0.0.1:69" or "[2001:db8::1]:69" into buf (>= NETADDR_STRLEN). */
const char	*netaddr_sock_str(const struct sockaddr *sa, char *buf,
		    size_t len);
/* The length of a socket address of s's family; 0 for other families. */
socklen_t	netaddr_sock_len(const union netaddr_sock *s);
/*
 * Whether a and b are one peer: family, address, port and, for IPv6, the
 * scope (one link-local address may sit on two links).
 */
bool		netaddr_sock_eq(const union netaddr_sock *a,
		    const union netaddr_sock *b);
/* A hash of what netaddr_sock_eq compares, for hash tables. */
size_t		netaddr_sock_hash(const union netaddr_sock *s);
/*
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 2.5.5.2), as a
 * dual-stack socket reports IPv4 peers, turned into the IPv4 address it
 * is; other addresses are left alone.
 */
void		netaddr_sock_unmap(union netaddr_sock *s);

#endif
