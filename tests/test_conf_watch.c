/*
 * test_conf_watch.c: watch-conf-dir on the loop's injected clock: a burst
 * of files is one reload once quiet, a continuous stream reloads at the
 * cap, editors' files are ignored, conf.d removed and made again is
 * watched again, the main file is watched, and a change then SIGHUP is
 * one reload, not two.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "conf_watch.h"
#include "ev.h"
#include "unit.h"

static uint64_t	fake_now;
static int	reloads;

static uint64_t
fake_clock(void)
{
	return fake_now;
}

static int
count_reload(void)
{
	reloads++;
	return 0;
}

/* Let time pass, then one turn of the loop: events, then timers. */
static void
after(unsigned ms)
{
	fake_now += ms;
	ev_run_once(0);
}

static void
burst(int from, int n)
{
	char	name[64];
	int	i;

	for (i = from; i < from + n; i++) {
		snprintf(name, sizeof(name), "conf.d/50-h%d.conf", i);
		unit_tree_file(name, "");
	}
}

static void
test_watch(void)
{
	struct conf	 c;
	char		 dir[400], mainf[400], path[512];
	const char	*tree = unit_tree_new();
	int		 i, during;

	fake_now = 1000;
	ev_set_clock(fake_clock);
	CU_ASSERT_FATAL(ev_init() == 0);
	snprintf(dir, sizeof(dir), "%s/conf.d", tree);
	snprintf(mainf, sizeof(mainf), "%s/pxed.conf", tree);
	memset(&c, 0, sizeof(c));
	c.watch_conf_dir = true;
	c.watch_delay_ms = 200;
	c.confdir = dir;
	c.main_file = mainf;
	reloads = 0;
	conf_watch_apply(&c, count_reload);
	CU_ASSERT_TRUE(conf_watch_active());

	/* A burst: one reload, 200 ms after the last change. */
	burst(0, 300);
	after(0);
	after(199);
	CU_ASSERT_EQUAL(reloads, 0);
	after(1);
	CU_ASSERT_EQUAL(reloads, 1);

	/* Editors' files and dotfiles: nothing. */
	unit_tree_file("conf.d/.50-h1.conf.swp", "x");
	unit_tree_file("conf.d/50-h1.conf~", "x");
	unit_tree_file("conf.d/README", "x");
	after(0);
	after(5000);
	CU_ASSERT_EQUAL(reloads, 1);

	/* A change every 100 ms for 5 s: a reload every 2 s (the cap). */
	for (i = 0; i < 50; i++) {
		burst(1000 + i, 1);
		after(100);
	}
	during = reloads - 1;
	CU_ASSERT(during >= 2 && during <= 3);
	after(200);
	CU_ASSERT_EQUAL(reloads, during + 2);

	/* The main file. */
	unit_tree_file("pxed.conf", "# edited\n");
	after(0);
	after(200);
	CU_ASSERT_EQUAL(reloads, during + 3);

	/* conf.d removed, made again: seen, and watched again. */
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(path), 0);
	after(0);
	after(200);
	CU_ASSERT_EQUAL(reloads, during + 4);
	CU_ASSERT_EQUAL(mkdir(dir, 0755), 0);
	after(0);
	after(200);
	CU_ASSERT_EQUAL(reloads, during + 5);
	burst(0, 1);
	after(0);
	after(200);
	CU_ASSERT_EQUAL(reloads, during + 6);

	/* A change, then a reload by SIGHUP (apply again): not reloaded twice. */
	burst(1, 1);
	after(0);
	conf_watch_apply(&c, count_reload);
	after(1000);
	CU_ASSERT_EQUAL(reloads, during + 6);

	/* watch-conf-dir = no. */
	c.watch_conf_dir = false;
	conf_watch_apply(&c, count_reload);
	CU_ASSERT_FALSE(conf_watch_active());
	ev_fini();
	ev_set_clock(NULL);
	unit_tree_free();
}

void
test_conf_watch_register(void)
{
	CU_pSuite	s = CU_add_suite("conf_watch", NULL, NULL);

	CU_add_test(s, "watch-conf-dir: debounce, cap, conf.d replaced",
	    test_watch);
}
