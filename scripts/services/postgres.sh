# shellcheck shell=bash
# Sourced by scripts/test.sh: a throwaway PostgreSQL cluster on 127.0.0.1 for
# the ODBC store's tests (internal/store/odbcstore), reached through the real
# psqlODBC driver. Exports COFFRE_TEST_PG_HOST, _PORT, _USER and _PASSWORD
# (the password holds ; = { } on purpose: the connection-string quoting is
# under test) and appends pg_test_stop to `stops`.

pg_test_register_drivers() {
	# Debian's packages register themselves; a minimal install may not have.
	if ! odbcinst -q -d -n "PostgreSQL Unicode" >/dev/null 2>&1 && [ -f /usr/share/psqlodbc/odbcinst.ini.template ]; then
		odbcinst -i -d -f /usr/share/psqlodbc/odbcinst.ini.template >/dev/null
	fi
	if ! odbcinst -q -d -n "SQLite3" >/dev/null 2>&1 && [ -f /usr/share/sqliteodbc/unixodbc.ini ]; then
		odbcinst -i -d -f /usr/share/sqliteodbc/unixodbc.ini >/dev/null
	fi
}

pg_test_start() {
	local bindir
	bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
		echo "postgres.sh: PostgreSQL introuvable (/usr/lib/postgresql/*/bin) : installez le paquet postgresql" >&2
		return 1
	fi
	pg_test_register_drivers

	PG_TEST_DIR="$COFFRE_TEST_TMP/postgres"
	mkdir -p "$PG_TEST_DIR"
	local as=()
	if [ "$(id -u)" = 0 ]; then
		# initdb refuses to run as root: the cluster belongs to postgres, who
		# must be able to reach it through the test folder.
		chmod a+x "$COFFRE_TEST_TMP"
		chown postgres: "$PG_TEST_DIR"
		as=(runuser -u postgres --)
	fi
	PG_TEST_AS=("${as[@]}")
	PG_TEST_BIN=$bindir
	local pwfile="$PG_TEST_DIR/superuser.pw"
	head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$pwfile"
	[ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
	"${as[@]}" "$bindir/initdb" -D "$PG_TEST_DIR/data" -U postgres --pwfile="$pwfile" \
		--auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PG_TEST_DIR/initdb.log" 2>&1 || {
		cat "$PG_TEST_DIR/initdb.log" >&2
		return 1
	}

	local port tries=0
	while :; do
		port=$((20000 + RANDOM % 40000))
		tries=$((tries + 1))
		if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			continue # taken
		fi
		if "${as[@]}" "$bindir/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PG_TEST_DIR -c fsync=off" start >/dev/null; then
			break
		fi
		if [ $tries -ge 5 ]; then
			cat "$PG_TEST_DIR/server.log" >&2
			return 1
		fi
	done

	local i
	for i in $(seq 60); do
		"$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" && break
		sleep 0.5
	done

	export COFFRE_TEST_PG_HOST=127.0.0.1
	export COFFRE_TEST_PG_PORT=$port
	export COFFRE_TEST_PG_USER=coffre
	export COFFRE_TEST_PG_PASSWORD='Pa;ss=w{o}rd é;x='
	# The password goes to psql on stdin, never on a command line.
	local sqlpw=${COFFRE_TEST_PG_PASSWORD//\'/\'\'}
	"${as[@]}" "$bindir/psql" -q -v ON_ERROR_STOP=1 -h "$PG_TEST_DIR" -p "$port" -U postgres -d postgres >/dev/null <<-SQL || return 1
		CREATE ROLE coffre LOGIN CREATEDB PASSWORD '$sqlpw';
		GRANT pg_read_all_stats, pg_signal_backend TO coffre;
	SQL
	stops+=(pg_test_stop)
}

pg_test_stop() {
	[ -n "${PG_TEST_DIR:-}" ] && [ -d "$PG_TEST_DIR/data" ] || return 0
	"${PG_TEST_AS[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

pg_test_start
