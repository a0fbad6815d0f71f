/*
 * conf_value.c: the parsers of one configuration value (booleans,
 * numbers, addresses, MACs and MAC patterns, subnets, DHCP option
 * values, names).  They know nothing of files or lines: each says yes or
 * no, and the caller words the message, so --explain and the tests can
 * use them too.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_int.h"

bool
conf_value_parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	size_t	i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(s, yes[i]) == 0) {
			*b = true;
			return true;
		}
	for (i = 0; no[i] != NULL; i++)
		if (strcasecmp(s, no[i]) == 0) {
			*b = false;
			return true;
		}
	return false;
}

bool
conf_value_parse_ulong(const char *s, unsigned long min, unsigned long max,
    unsigned long *v)
{
	char		*end;
	unsigned long	 n;

	/* strtoul() would take " -1" as a huge number. */
	if (*s == '\0' || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return false;
	*v = n;
	return true;
}

bool
conf_value_parse_ip(const char *s, struct in_addr *ip)
{
	return inet_pton(AF_INET, s, ip) == 1;
}

int
conf_value_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned	i;

	for (i = 0; i < 6; i++) {
		int	hi, lo;

		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]))
			return -1;
		hi = isdigit((unsigned char)s[0]) ? s[0] - '0' :
		    (tolower((unsigned char)s[0]) - 'a' + 10);
		lo = isdigit((unsigned char)s[1]) ? s[1] - '0' :
		    (tolower((unsigned char)s[1]) - 'a' + 10);
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s == '\0' ? 0 : -1;
}

int
conf_value_parse_macpat(const char *s, struct conf_macpat *p)
{
	char	buf[64], *tok, *save = NULL;
	size_t	n = 0;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ":-", &save); tok != NULL;
	    tok = strtok_r(NULL, ":-", &save)) {
		unsigned long	v;
		char		*end;

		if (n >= 6)
			return -1;
		if (strcmp(tok, "*") == 0) {
			p->val[n] = p->mask[n] = 0;
		} else {
			if (strlen(tok) != 2 || !isxdigit((unsigned char)tok[0])
			    || !isxdigit((unsigned char)tok[1]))
				return -1;
			v = strtoul(tok, &end, 16);
			p->val[n] = (uint8_t)v;
			p->mask[n] = 0xff;
		}
		n++;
	}
	/* "52:54:00:*" is short for the rest of the bytes as wildcards. */
	if (n == 0 || (n < 6 && strcmp(s + strlen(s) - 1, "*") != 0))
		return -1;
	for (; n < 6; n++)
		p->val[n] = p->mask[n] = 0;
	return 0;
}

/* "10.1.0.0/16", or an address alone for /32. */
bool
conf_value_parse_subnet(const char *s, struct conf_subnet *net)
{
	char		 tmp[64], *slash;
	unsigned long	 plen = 32;
	struct in_addr	 ip;

	if (strlen(s) >= sizeof(tmp))
		return false;
	strcpy(tmp, s);
	if ((slash = strchr(tmp, '/')) != NULL) {
		*slash = '\0';
		if (!conf_value_parse_ulong(slash + 1, 0, 32, &plen))
			return false;
	}
	if (!conf_value_parse_ip(tmp, &ip))
		return false;
	net->mask = plen == 0 ? 0 : 0xffffffffU << (32 - plen);
	net->net = ntohl(ip.s_addr) & net->mask;
	return true;
}

/*
 * "ADDRESS:PORT" for IPv4, "[ADDRESS]:PORT" for IPv6 (the form of a URL,
 * RFC 3986 3.2.2), the port from 1.
 */
bool
conf_value_parse_addrport(const char *s, struct netaddr *ip, uint16_t *port)
{
	char		 host[64], *colon, *h = host;
	unsigned long	 v;

	snprintf(host, sizeof(host), "%s", s);
	if ((colon = strrchr(host, ':')) == NULL)
		return false;
	*colon = '\0';
	if (host[0] == '[') {
		if (colon == host + 1 || colon[-1] != ']')
			return false;
		colon[-1] = '\0';
		h = host + 1;
	}
	if (netaddr_pton(h, ip) == -1 ||
	    (ip->family == AF_INET6) != (h != host) ||
	    !conf_value_parse_ulong(colon + 1, 1, 65535, &v))
		return false;
	*port = (uint16_t)v;
	return true;
}

int
conf_value_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
conf_optval_hex(const char *s, uint8_t *buf, size_t cap, size_t *n,
    char *err, size_t errlen)
{
	const char	*p = s + (s[0] == '0' ? 2 : 4);

	while (*p != '\0') {
		int	hi, lo;

		if (*p == ':' || *p == ' ' || *p == '-') {
			p++;
			continue;
		}
		hi = conf_value_hexval((unsigned char)p[0]);
		lo = p[1] != '\0' ? conf_value_hexval((unsigned char)p[1]) :
		    -1;
		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "\"%s\": bad hex digits "
			    "(write byte pairs such as hex:0a0b)", s);
			return -1;
		}
		if (*n >= cap)
			return 1;
		buf[(*n)++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	return 0;
}

static int
conf_optval_ips(const char *s, uint8_t *buf, size_t cap, size_t *n,
    char *err, size_t errlen)
{
	char	tmp[CONF_MAX_OPTLEN], *tok, *save = NULL;

	if (strlen(s + 3) >= sizeof(tmp))
		return 1;
	strcpy(tmp, s + 3);
	for (tok = strtok_r(tmp, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		struct in_addr	ip;

		if (!conf_value_parse_ip(tok, &ip)) {
			snprintf(err, errlen, "\"%s\": \"%s\" is not an "
			    "IPv4 address", s, tok);
			return -1;
		}
		if (*n + 4 > cap)
			return 1;
		memcpy(buf + *n, &ip, 4);
		*n += 4;
	}
	if (*n == 0) {
		snprintf(err, errlen, "\"%s\": no address", s);
		return -1;
	}
	return 0;
}

static int
conf_optval_uint(const char *s, uint8_t *buf, size_t *n, char *err,
    size_t errlen)
{
	unsigned	bytes = s[1] == '8' ? 1 : s[1] == '1' ? 2 : 4;
	unsigned long	max = bytes == 1 ? 0xff : bytes == 2 ? 0xffff :
	    0xffffffffUL;
	unsigned long	v;
	unsigned	i;

	if (!conf_value_parse_ulong(strchr(s, ':') + 1, 0, max, &v)) {
		snprintf(err, errlen, "\"%s\": not a number from 0 to %lu", s,
		    max);
		return -1;
	}
	for (i = 0; i < bytes; i++)
		buf[(*n)++] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	return 0;
}

/*
 * An option value: "hex:0a0b0c" or "0x0a:0b" (bytes), "ip:a.b.c.d,..."
 * (addresses), "u8:N", "u16:N", "u32:N" (big-endian numbers), "text:..."
 * or anything else (text as written).  The helpers return 1 for "too
 * long", which has one message for every form.
 */
int
conf_value_parse_optval(struct arena *a, const char *s, const uint8_t **data,
    size_t *len, char *err, size_t errlen)
{
	uint8_t		 buf[CONF_MAX_OPTLEN];
	size_t		 n = 0;
	int		 r;

	if (strncasecmp(s, "hex:", 4) == 0 || strncasecmp(s, "0x", 2) == 0)
		r = conf_optval_hex(s, buf, sizeof(buf), &n, err, errlen);
	else if (strncasecmp(s, "ip:", 3) == 0)
		r = conf_optval_ips(s, buf, sizeof(buf), &n, err, errlen);
	else if (strncasecmp(s, "u8:", 3) == 0 ||
	    strncasecmp(s, "u16:", 4) == 0 || strncasecmp(s, "u32:", 4) == 0)
		r = conf_optval_uint(s, buf, &n, err, errlen);
	else {
		const char	*t = s;

		if (strncasecmp(s, "text:", 5) == 0)
			t += 5;
		n = strlen(t);
		r = n > sizeof(buf);
		if (r == 0)
			memcpy(buf, t, n);
	}
	if (r < 0)
		return -1;
	if (r > 0) {
		snprintf(err, errlen, "\"%.40s...\": longer than %d bytes", s,
		    CONF_MAX_OPTLEN);
		return -1;
	}
	*data = arena_memdup(a, buf, n);
	*len = n;
	return 0;
}

/* Tag, boot and host names. */
bool
conf_value_validname(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.' && *s != ':')
			return false;
	return true;
}

bool
conf_value_validhostname(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > 253 || s[0] == '-' || s[0] == '.')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.')
			return false;
	return true;
}
