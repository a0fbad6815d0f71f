/*
 * conf_int.h: what the conf*.c files share and nothing else includes: the
 * loader's state while one conf_load() runs, the error helpers, the table
 * of scalar settings and the thin wrappers that keep libconfuse inside
 * conf_confuse.c.  The other files see a section only as a struct cfg_t
 * pointer.
 */
#ifndef PXED_CONF_INT_H
#define PXED_CONF_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct cfg_t;

/* Titled sections whose header line the pre-scan records. */
enum conf_kind {
	KIND_MATCH, KIND_BOOT, KIND_HOST, KIND_RANGE, KIND_RANGE6, CONF_NKINDS
};

/* Where each option was set: keyed by the option instance. */
struct conf_lineent {
	const void		*opt;
	int			 line;
};

/* A tag or template variable used somewhere, checked once all is read. */
struct conf_use {
	const char		*name;
	size_t			 len;
	unsigned		 tag;
	struct conf_where	 where;
	const char		*what;
};

struct conf_loader {
	struct conf		*conf;
	struct conf_errors	*errs;
	struct arena		*a;
	const char		*file;		/* arena copy */

	struct conf_lineent	*lines;
	size_t			 lines_cap, lines_n;

	size_t			 cap_matches, cap_boots, cap_hosts, cap_tags;
	size_t			 cap_ranges, cap_ranges6;
	uint32_t		*tag_hash;	/* index + 1, open addressing */
	size_t			 tag_hash_size;

	struct conf_use		*tag_uses, *var_uses;
	size_t			 ntag_uses, cap_tag_uses;
	size_t			 nvar_uses, cap_var_uses;

	/* Header lines of titled sections, per keyword, in file order. */
	int			*sec_lines[CONF_NKINDS];
	size_t			 nsec_lines[CONF_NKINDS];
	size_t			 cap_sec_lines[CONF_NKINDS];
};

#define CONF_GROW(arr, n, cap) do {					\
	if ((n) == (cap)) {						\
		(cap) = (cap) ? (cap) * 2 : 16;				\
		(arr) = reallocarray((arr), (cap), sizeof(*(arr)));	\
		if ((arr) == NULL)					\
			fatal("conf: %s", #arr);			\
	}								\
} while (0)

/* conf.c: every message is "file:line: text", collected, never fatal. */
void	conf_error(struct conf_loader *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	conf_error_where(struct conf_loader *, const struct conf_where *,
	    const char *, ...) __attribute__((format(printf, 3, 4)));
void	conf_verror_at(struct conf_loader *, const char *, int, const char *,
	    va_list);

/* conf_confuse.c: libconfuse as a grammar, and where things were written. */
struct cfg_t	*conf_confuse_parse(struct conf_loader *, const char *, size_t,
		    bool);
void		 conf_confuse_free(struct cfg_t *);
const char	*conf_confuse_str(struct cfg_t *, const char *);
unsigned	 conf_confuse_size(struct cfg_t *, const char *);
const char	*conf_confuse_nstr(struct cfg_t *, const char *, unsigned);
struct cfg_t	*conf_confuse_sec(struct cfg_t *, const char *);
struct cfg_t	*conf_confuse_nsec(struct cfg_t *, const char *, unsigned);
const char	*conf_confuse_title(struct cfg_t *);
int		 conf_confuse_secline(const struct conf_loader *,
		    struct cfg_t *);
int		 conf_confuse_optline(const struct conf_loader *,
		    struct cfg_t *, const char *);
struct conf_where conf_confuse_at(const struct conf_loader *, struct cfg_t *,
		    const char *);
struct conf_where conf_confuse_sec_at(const struct conf_loader *,
		    struct cfg_t *, enum conf_kind, unsigned);
void		 conf_confuse_reset(struct conf_loader *);

/* conf_value.c: pure parsers of one value (the public ones are in conf.h). */
bool	conf_value_parse_bool(const char *, bool *);
bool	conf_value_parse_ulong(const char *, unsigned long, unsigned long,
	    unsigned long *);
bool	conf_value_parse_ip(const char *, struct in_addr *);
int	conf_value_parse_macpat(const char *, struct conf_macpat *);
bool	conf_value_parse_subnet(const char *, struct conf_subnet *);
bool	conf_value_parse_addrport(const char *, struct netaddr *, uint16_t *);
bool	conf_value_validname(const char *);
bool	conf_value_validhostname(const char *);

/* conf_expr.c: tags, their uses, and "if" expressions. */
int	conf_expr_tag(struct conf_loader *, const char *, size_t);
int	conf_expr_tag_setter(struct conf_loader *, const char *,
	    const struct conf_where *);
void	conf_expr_use_add(struct conf_use **, size_t *, size_t *,
	    const struct conf_use *);
int	conf_expr_compile(struct conf_loader *, const char *,
	    const struct conf_where *, struct conf_expr *);

/* conf_rules.c: match, boot and host sections of any file. */
void	conf_rules_compile(struct conf_loader *, struct cfg_t *);
int	conf_rules_options(struct conf_loader *, struct cfg_t *,
	    struct conf_optval **);

/*
 * conf_setting.c: the main file.  Scalar settings are rows of one table;
 * the libconfuse schema, the parsing with its messages, the defaults and
 * the man-page test all read it.
 */
enum conf_setting_type {
	CONF_SET_BOOL,		/* yes/no */
	CONF_SET_UINT,		/* min..max, times scale */
	CONF_SET_IP,		/* IPv4 or IPv6 literal (struct netaddr) */
	CONF_SET_STRING,
	CONF_SET_PATH,		/* absolute path */
	CONF_SET_ENUM,		/* one of names */
	CONF_SET_ADDRPORT,	/* ADDRESS:PORT or [V6]:PORT, port at off2 */
};

struct conf_setting_name {
	const char	*name;
	int		 value;
	bool		 alias;		/* accepted, not listed in messages */
};

struct conf_setting {
	const char		*section;	/* NULL: top level */
	const char		*key;
	enum conf_setting_type	 type;
	unsigned long		 min, max;	/* CONF_SET_UINT */
	unsigned long		 scale;		/* CONF_SET_UINT: 0 is 1 */
	const struct conf_setting_name *names;	/* CONF_SET_ENUM, NULL-ended */
	unsigned long		 def;		/* before scale */
	const char		*defstr;	/* STRING, PATH */
	size_t			 off, size;	/* the field in struct conf */
	size_t			 off2;		/* ADDRPORT: the port */
};

/* Row i of the table, NULL past the end. */
const struct conf_setting *conf_setting_row(size_t);
/* Typed getters for any section: 1 set, 0 absent, -1 invalid (reported). */
int	conf_setting_ulong(struct conf_loader *, struct cfg_t *, const char *,
	    unsigned long, unsigned long, unsigned long *);
int	conf_setting_bool(struct conf_loader *, struct cfg_t *, const char *,
	    bool *);
int	conf_setting_ip(struct conf_loader *, struct cfg_t *, const char *,
	    struct in_addr *);
void	conf_setting_defaults(struct conf *);
void	conf_setting_main(struct conf_loader *, struct cfg_t *,
	    const struct conf_args *);
/* conf_check.c: what holds only once every file is read. */
void	conf_check_all(struct conf_loader *);
void	conf_check_names(struct conf_loader *, const char *, void *, size_t,
	    size_t, size_t, size_t);

/*
 * conf_inet6.c: the IPv6 parts: dhcp's range6 sections and v6 settings,
 * a host's ip6 and duid, relay prefixes, option 60 parameters, and their
 * checks across files.
 */
void	conf_inet6_dhcp(struct conf_loader *, struct cfg_t *);
int	conf_inet6_host(struct conf_loader *, struct cfg_t *,
	    struct conf_host *);
bool	conf_inet6_relay(struct conf_loader *, const char *,
	    struct conf_cond *, size_t);
int	conf_inet6_bootparam(struct conf_loader *, struct cfg_t *,
	    struct conf_bootset *);
void	conf_inet6_check(struct conf_loader *);

#endif
