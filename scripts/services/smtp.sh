# Sourced by scripts/test.sh: builds and starts the test SMTP server
# (internal/notify/smtptest, a separate process built on emersion/go-smtp)
# on a spare 127.0.0.1 port; every message it accepts lands as one .eml file
# in $COFFRE_TEST_TMP/mails. AUTH PLAIN with one user whose password changes
# at every start. Exports COFFRE_TEST_SMTP_{HOST,PORT,USER,PASSWORD,DIR} and
# registers coffre_smtp_stop.

coffre_smtp_start() {
	local bin="$COFFRE_TEST_TMP/bin/smtptest" dir="$COFFRE_TEST_TMP/mails" addr="$COFFRE_TEST_TMP/smtp.addr" i
	mkdir -p "$COFFRE_TEST_TMP/bin" "$dir"
	go build -o "$bin" ./internal/notify/smtptest
	COFFRE_TEST_SMTP_PASSWORD="SENTINELLE-smtp-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
	rm -f "$addr"
	SMTPTEST_PASSWORD="$COFFRE_TEST_SMTP_PASSWORD" "$bin" -dir "$dir" -user alertes@coffre.test -addr-file "$addr" \
		2>"$COFFRE_TEST_TMP/smtp.log" &
	COFFRE_SMTP_PID=$!
	for i in $(seq 1 100); do
		[ -s "$addr" ] && break
		kill -0 "$COFFRE_SMTP_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$addr" ]; then
		echo "smtp.sh: the test SMTP server did not start, see $COFFRE_TEST_TMP/smtp.log" >&2
		return 1
	fi
	local a
	a=$(cat "$addr")
	export COFFRE_TEST_SMTP_HOST=127.0.0.1 COFFRE_TEST_SMTP_PORT="${a##*:}"
	export COFFRE_TEST_SMTP_USER=alertes@coffre.test COFFRE_TEST_SMTP_PASSWORD COFFRE_TEST_SMTP_DIR="$dir"
}

coffre_smtp_stop() {
	if [ -n "${COFFRE_SMTP_PID:-}" ]; then
		kill "$COFFRE_SMTP_PID" 2>/dev/null || true
		wait "$COFFRE_SMTP_PID" 2>/dev/null || true
	fi
}

coffre_smtp_start
stops+=(coffre_smtp_stop)
