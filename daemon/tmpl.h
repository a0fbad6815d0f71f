/*
 * tmpl.h: ${name} templates, compiled once at config load.
 */
#ifndef PXED_TMPL_H
#define PXED_TMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

struct tmpl_seg {
	const char	*text;		/* literal text, or the variable name */
	size_t		 len;
	bool		 var;
};

struct tmpl {
	const char	*src;		/* as written */
	struct tmpl_seg	*segs;
	size_t		 nsegs;
};

/* Variables every template knows; hosts may define more. */
extern const char *const tmpl_builtin_vars[];
bool	 tmpl_is_builtin(const char *name, size_t len);

/*
 * Compile src into out.  "$$" is a literal "$"; "${" must be closed and
 * hold a name of [A-Za-z0-9_-].  On error, returns -1 with a message.
 */
int	 tmpl_compile(struct arena *a, const char *src, struct tmpl *out,
	    char *err, size_t errlen);

/*
 * Compile an iPXE script: ${name} is a pxed variable when is_var says
 * so; any other ${...} is an iPXE setting and stays as written when it
 * has a scope or type ('/', ':' or '.') or is one of iPXE's own setting
 * names; "$$" is a "$" (so "$${mac}" always reaches iPXE as "${mac}"),
 * and a lone "$" is itself.  Anything else is an error, with *line set.
 */
typedef bool (*tmpl_isvar_fn)(void *ctx, const char *name, size_t len);
int	 tmpl_compile_script(struct arena *a, const char *src,
	    tmpl_isvar_fn is_var, void *ctx, struct tmpl *out, int *line,
	    char *err, size_t errlen);
bool	 tmpl_is_ipxe_setting(const char *name, size_t len);
typedef bool (*tmpl_pass_fn)(const char *name, size_t len);

/*
 * Compile a boot loader's config (grub.cfg, pxelinux.cfg/default, ...):
 * as a script, but every ${name} must be a pxed variable; "$${" writes
 * "${" (GRUB's own variables), and "$" before anything but "{" or "$"
 * is itself ($root needs no escape).
 */
int	 tmpl_compile_loader(struct arena *a, const char *src,
	    tmpl_isvar_fn is_var, void *ctx, struct tmpl *out, int *line,
	    char *err, size_t errlen);

/* Look a variable up; NULL means "not mine": it is written back as ${name}. */
typedef const char *(*tmpl_lookup_fn)(void *ctx, const char *name, size_t len);

/* Render into buf (always NUL-terminated); returns the full length needed. */
size_t	 tmpl_render(const struct tmpl *t, tmpl_lookup_fn fn, void *ctx,
	    char *buf, size_t buflen);

#endif
