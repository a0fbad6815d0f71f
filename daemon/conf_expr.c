/*
 * conf_expr.c: tags and "if" expressions.  Tags are numbered as they are
 * first named, by a match, a host or an expression; an expression is
 * compiled to reverse Polish notation over those numbers, which the rule
 * engine evaluates with a small stack.  Every use of a tag is recorded so
 * that conf_check.c can report a tag that is used but never set, once
 * every file is read.
 *
 * Grammar (lowest precedence first):
 *	or    := and { ("|" | "||") and }
 *	and   := unary { ("&" | "&&") unary }
 *	unary := "!" unary | "(" or ")" | TAG
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "hash.h"
#include "log.h"


/* Find or create a tag; returns its number or -1 past CONF_MAX_TAGS. */
int
conf_expr_tag(struct conf_loader *L, const char *name, size_t len)
{
	struct conf	*c = L->conf;
	size_t		 i;

	if (L->tag_hash == NULL) {
		L->tag_hash_size = 2 * CONF_MAX_TAGS;
		L->tag_hash = calloc(L->tag_hash_size, sizeof(*L->tag_hash));
		if (L->tag_hash == NULL)
			fatal("conf: tags");
	}
	i = hash_bytes(name, len) & (L->tag_hash_size - 1);
	while (L->tag_hash[i] != 0) {
		struct conf_tag	*t = &c->tags[L->tag_hash[i] - 1];

		if (strlen(t->name) == len && memcmp(t->name, name, len) == 0)
			return (int)(L->tag_hash[i] - 1);
		i = (i + 1) & (L->tag_hash_size - 1);
	}
	if (c->ntags >= CONF_MAX_TAGS)
		return -1;
	if (c->ntags == L->cap_tags) {
		L->cap_tags = L->cap_tags ? L->cap_tags * 2 : 32;
		c->tags = reallocarray(c->tags, L->cap_tags, sizeof(*c->tags));
		if (c->tags == NULL)
			fatal("conf: tags");
	}
	memset(&c->tags[c->ntags], 0, sizeof(c->tags[0]));
	c->tags[c->ntags].name = arena_strndup(L->a, name, len);
	L->tag_hash[i] = (uint32_t)c->ntags + 1;
	return (int)c->ntags++;
}

int
conf_expr_tag_setter(struct conf_loader *L, const char *name,
    const struct conf_where *w)
{
	int	t = conf_expr_tag(L, name, strlen(name));

	if (t < 0) {
		conf_error_where(L, w, "more than %d distinct tags",
		    CONF_MAX_TAGS);
		return -1;
	}
	if (!L->conf->tags[t].set) {
		L->conf->tags[t].set = true;
		L->conf->tags[t].set_where = *w;
	}
	return t;
}

void
conf_expr_use_add(struct conf_use **v, size_t *n, size_t *cap,
    const struct conf_use *u)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = reallocarray(*v, *cap, sizeof(**v));
		if (*v == NULL)
			fatal("conf: uses");
	}
	(*v)[(*n)++] = *u;
}

struct conf_exprp {
	struct conf_loader	*L;
	const char		*s;
	size_t			 pos;
	uint16_t		 ops[CONF_MAX_EXPR];
	size_t			 nops;
	unsigned		 depth;		/* '!' and '(' nested */
	struct conf_where	 where;
	char			 err[160];
};

static bool
conf_tagchar(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' ||
	    c == '.' || c == ':';
}

static void
conf_expr_skip(struct conf_exprp *p)
{
	while (isspace((unsigned char)p->s[p->pos]))
		p->pos++;
}

static bool
conf_expr_emit(struct conf_exprp *p, uint16_t op)
{
	if (p->nops >= CONF_MAX_EXPR) {
		snprintf(p->err, sizeof(p->err), "more than %d terms",
		    CONF_MAX_EXPR);
		return false;
	}
	p->ops[p->nops++] = op;
	return true;
}

static bool conf_expr_or(struct conf_exprp *);
static bool conf_expr_unary1(struct conf_exprp *);

/* Each '!' and '(' recurses: bound the nesting, and so the stack. */
static bool
conf_expr_unary(struct conf_exprp *p)
{
	bool	ok;

	if (p->depth >= CONF_MAX_EXPR) {
		snprintf(p->err, sizeof(p->err), "nested more than %d deep",
		    CONF_MAX_EXPR);
		return false;
	}
	p->depth++;
	ok = conf_expr_unary1(p);
	p->depth--;
	return ok;
}

static bool
conf_expr_unary1(struct conf_exprp *p)
{
	size_t	start;

	conf_expr_skip(p);
	if (p->s[p->pos] == '!') {
		p->pos++;
		return conf_expr_unary(p) && conf_expr_emit(p, EXPR_NOT);
	}
	if (p->s[p->pos] == '(') {
		p->pos++;
		if (!conf_expr_or(p))
			return false;
		conf_expr_skip(p);
		if (p->s[p->pos] != ')') {
			snprintf(p->err, sizeof(p->err), "missing ')' at "
			    "offset %zu", p->pos);
			return false;
		}
		p->pos++;
		return true;
	}
	start = p->pos;
	while (conf_tagchar(p->s[p->pos]))
		p->pos++;
	if (p->pos == start) {
		if (p->s[p->pos] == '\0')
			snprintf(p->err, sizeof(p->err), "a tag is missing at "
			    "the end");
		else
			snprintf(p->err, sizeof(p->err), "unexpected '%c' at "
			    "offset %zu", p->s[p->pos], p->pos);
		return false;
	} else {
		struct conf_use	u;
		int		t = conf_expr_tag(p->L, p->s + start,
		    p->pos - start);

		if (t < 0) {
			snprintf(p->err, sizeof(p->err), "more than %d "
			    "distinct tags", CONF_MAX_TAGS);
			return false;
		}
		memset(&u, 0, sizeof(u));
		u.tag = (unsigned)t;
		u.where = p->where;
		u.what = p->s;
		conf_expr_use_add(&p->L->tag_uses, &p->L->ntag_uses,
		    &p->L->cap_tag_uses, &u);
		return conf_expr_emit(p, (uint16_t)t);
	}
}

static bool
conf_expr_and(struct conf_exprp *p)
{
	if (!conf_expr_unary(p))
		return false;
	for (;;) {
		conf_expr_skip(p);
		if (p->s[p->pos] != '&')
			return true;
		p->pos++;
		if (p->s[p->pos] == '&')	/* "&&" reads naturally too */
			p->pos++;
		if (!conf_expr_unary(p) || !conf_expr_emit(p, EXPR_AND))
			return false;
	}
}

static bool
conf_expr_or(struct conf_exprp *p)
{
	if (!conf_expr_and(p))
		return false;
	for (;;) {
		conf_expr_skip(p);
		if (p->s[p->pos] != '|')
			return true;
		p->pos++;
		if (p->s[p->pos] == '|')
			p->pos++;
		if (!conf_expr_and(p) || !conf_expr_emit(p, EXPR_OR))
			return false;
	}
}

int
conf_expr_compile(struct conf_loader *L, const char *text,
    const struct conf_where *w, struct conf_expr *out)
{
	struct conf_exprp	*p = calloc(1, sizeof(*p));
	int			 rc = -1;

	if (p == NULL)
		fatal("conf: expr");
	/* Uses of tags point at the text: it must outlive the cfg_t. */
	text = arena_strdup(L->a, text);
	p->L = L;
	p->s = text;
	p->where = *w;
	if (conf_expr_or(p)) {
		conf_expr_skip(p);
		if (p->s[p->pos] == '\0')
			rc = 0;
		else
			snprintf(p->err, sizeof(p->err), "unexpected '%c' at "
			    "offset %zu", p->s[p->pos], p->pos);
	}
	if (rc == 0) {
		out->text = text;
		out->ops = arena_memdup(L->a, p->ops,
		    p->nops * sizeof(p->ops[0]));
		out->nops = p->nops;
	} else
		conf_error_where(L, w, "if = \"%s\": %s", text, p->err);
	free(p);
	return rc;
}
