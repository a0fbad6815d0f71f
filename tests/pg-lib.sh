# tests/pg-lib.sh: a PostgreSQL cluster of a test's own, sourced after
# tests/lib.sh.  pg_cluster_start DIR: initdb into DIR (as the postgres
# user, never root), listening on a Unix socket in DIR only (no TCP), a
# database "pxed" owned by the role "pxed"; sets PG_URL and PG_DIR.
# pg_cluster_stop: stops it (pg_ctl, by its data directory) and removes
# DIR.  pg_cluster_restart: stop and start again, same data.  psql_q SQL:
# one query, unaligned, no headers.

pg_bin() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

pg_as() {
	runuser -u "$PG_USER" -- "$@"
}

pg_cluster_start() {
	PG_DIR=$1
	PG_BIN=$(pg_bin) || pxed_skip "no PostgreSQL server (initdb)" \
	    postgresql
	command -v psql >/dev/null 2>&1 || pxed_skip "no psql" \
	    postgresql
	PG_USER=postgres
	getent passwd "$PG_USER" >/dev/null || pxed_skip "no postgres user" \
	    postgresql
	mkdir -p "$PG_DIR" && chown "$PG_USER" "$PG_DIR" &&
	    chmod 755 "$PG_DIR" || return 1
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U pxed \
	    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }
	pg_cluster_up || return 1
	pg_as "$PG_BIN/createdb" -h "$PG_DIR" -U pxed pxed || return 1
	PG_URL="postgresql:///pxed?host=$PG_DIR&user=pxed"
}

# Start the cluster made by pg_cluster_start (pg_ctl -w waits until it
# accepts connections, up to its own timeout).
pg_cluster_up() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
	    -t 60 -o "-k $PG_DIR -c listen_addresses= -c fsync=on" start \
	    >/dev/null || { tail -20 "$PG_DIR/server.log"; return 1; }
}

pg_cluster_down() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m "${1:-fast}" -w -t 60 \
	    stop >/dev/null 2>&1
}

pg_cluster_restart() {
	pg_cluster_down "${1:-fast}" && pg_cluster_up
}

pg_cluster_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	if [ -f "$PG_DIR/data/postmaster.pid" ]; then
		pg_cluster_down immediate
	fi
	rm -rf "$PG_DIR"
	PG_DIR=
}

psql_q() {
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$PG_URL" -c "$1"
}
