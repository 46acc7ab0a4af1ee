# Sourced by scripts/test.sh: starts OpenSSH's sshd on a spare 127.0.0.1 port
# with a throwaway host key, for the offsite-copy (SFTP) tests. A local user
# « coffresftp » (created once, when run as root) logs in with a user key or
# with a random password chosen once per machine (kept root-only in
# /var/lib/coffre-test, so that test runs started side by side — several
# trees on one machine — never change it under each other); its SFTP folder is
# $COFFRE_TEST_TMP/sftp. Exports COFFRE_TEST_SFTP_{HOST,PORT,USER,KEY,
# PASSWORD,DIR,HOSTKEY,PID} and registers coffre_sshd_stop. As root it also
# mounts a 2 MiB tmpfs, $COFFRE_TEST_SFTP_FULLDIR, for the disk-full tests
# (the test user writes there, over SFTP or as a folder).

coffre_sshd_start() {
	local d="$COFFRE_TEST_TMP/sshd" user port pw i
	mkdir -p "$d"
	if [ "$(id -u)" -eq 0 ]; then
		user=coffresftp
		mkdir -p /var/lib/coffre-test && chmod 0700 /var/lib/coffre-test
		pw=$({
			flock 9
			id "$user" >/dev/null 2>&1 ||
				useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
			f=/var/lib/coffre-test/sftp-password
			[ -s "$f" ] || (umask 077 && echo "SENTINELLE-sftp-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')" >"$f")
			echo "$user:$(cat "$f")" | chpasswd
			cat "$f"
		} 9>/var/lib/coffre-test/.lock)
		mkdir -p /run/sshd && chmod 0755 /run/sshd
		# The test user must be able to walk down to its folder.
		chmod 0711 "$COFFRE_TEST_TMP"
	else
		# Without root sshd can only log in the current user, by key.
		user=$(id -un)
		pw=""
	fi
	mkdir -p "$COFFRE_TEST_TMP/sftp"
	chown "$user" "$COFFRE_TEST_TMP/sftp"
	if [ "$(id -u)" -eq 0 ] && mkdir -p "$COFFRE_TEST_TMP/sftp/plein" &&
		mount -t tmpfs -o size=2m,mode=0777 coffre-plein "$COFFRE_TEST_TMP/sftp/plein" 2>/dev/null; then
		COFFRE_SSHD_MOUNT="$COFFRE_TEST_TMP/sftp/plein"
		export COFFRE_TEST_SFTP_FULLDIR="$COFFRE_SSHD_MOUNT"
	fi
	rm -f "$d/host_ed25519" "$d/host_ed25519.pub" "$d/user_key" "$d/user_key.pub"
	ssh-keygen -q -t ed25519 -N "" -f "$d/host_ed25519"
	ssh-keygen -q -t ed25519 -N "" -f "$d/user_key"
	cp "$d/user_key.pub" "$d/authorized_keys"
	chmod 0755 "$d"
	chmod 0644 "$d/authorized_keys"
	for i in $(seq 1 20); do
		port=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
		cat >"$d/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $d/host_ed25519
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication $([ -n "$pw" ] && echo yes || echo no)
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers $user
X11Forwarding no
AllowTcpForwarding no
Subsystem sftp internal-sftp
ForceCommand internal-sftp
CONF
		/usr/sbin/sshd -D -f "$d/sshd_config" -E "$d/sshd.log" &
		COFFRE_SSHD_PID=$!
		local up=0 j
		for j in $(seq 1 50); do
			if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
			kill -0 "$COFFRE_SSHD_PID" 2>/dev/null || break
			sleep 0.1
		done
		if [ "$up" = 1 ]; then
			export COFFRE_TEST_SFTP_HOST=127.0.0.1 COFFRE_TEST_SFTP_PORT=$port COFFRE_TEST_SFTP_USER=$user
			export COFFRE_TEST_SFTP_KEY="$d/user_key" COFFRE_TEST_SFTP_DIR="$COFFRE_TEST_TMP/sftp"
			export COFFRE_TEST_SFTP_HOSTKEY="$d/host_ed25519.pub" COFFRE_TEST_SFTP_PID="$COFFRE_SSHD_PID"
			[ -n "$pw" ] && export COFFRE_TEST_SFTP_PASSWORD="$pw"
			return 0
		fi
		kill "$COFFRE_SSHD_PID" 2>/dev/null || true
		wait "$COFFRE_SSHD_PID" 2>/dev/null || true
	done
	echo "sshd.sh: sshd did not start, see $d/sshd.log" >&2
	return 1
}

coffre_sshd_stop() {
	if [ -n "${COFFRE_SSHD_PID:-}" ]; then
		kill "$COFFRE_SSHD_PID" 2>/dev/null || true
		wait "$COFFRE_SSHD_PID" 2>/dev/null || true
	fi
	if [ -n "${COFFRE_SSHD_MOUNT:-}" ]; then
		umount "$COFFRE_SSHD_MOUNT" 2>/dev/null || umount -l "$COFFRE_SSHD_MOUNT" 2>/dev/null || true
	fi
}

coffre_sshd_start
stops+=(coffre_sshd_stop)
