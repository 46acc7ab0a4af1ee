# Sourced by scripts/with-services.sh: starts SeaweedFS (`weed mini`: S3 and
# WebDAV in one process) on 127.0.0.1, every port random, data under
# $COFFRE_TEST_TMP/seaweedfs, one S3 identity whose secret changes at every
# start, and a bucket « coffre-test ». Exports COFFRE_TEST_S3_{ENDPOINT,
# BUCKET,ACCESS_KEY,SECRET_KEY}, COFFRE_TEST_WEBDAV_URL, COFFRE_TEST_WEED
# (the binary, for tests that start and kill their own server) and
# registers coffre_seaweedfs_stop.
#
# The binary is built once per machine from the Go module (its replace
# directives forbid `go install`; about 6 minutes on 2 cores) and kept
# outside the repository, keyed by version: $(go env GOCACHE)/../coffre-tools/.

COFFRE_WEED_VERSION=v0.0.0-20261109003541-7506e5f91cd6

coffre_weed_binary() {
	local dir bin src
	dir="$(go env GOCACHE)/../coffre-tools"
	bin="$dir/weed-$COFFRE_WEED_VERSION"
	if [ ! -x "$bin" ]; then
		mkdir -p "$dir"
		echo "seaweedfs.sh: building weed $COFFRE_WEED_VERSION once for this machine (several minutes)…" >&2
		src=$(go mod download -json "github.com/seaweedfs/seaweedfs@$COFFRE_WEED_VERSION" |
			sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || return 1
		[ -n "$src" ] || { echo "seaweedfs.sh: module not downloaded" >&2; return 1; }
		(cd "$src" && GOFLAGS=-mod=mod nice -n 10 go build -o "$bin.tmp.$$" ./weed) || { rm -f "$bin.tmp.$$"; return 1; }
		mv "$bin.tmp.$$" "$bin"
	fi
	echo "$bin"
}

coffre_seaweedfs_start() {
	local d="$COFFRE_TEST_TMP/seaweedfs" bin base i j p free secret up
	bin=$(coffre_weed_binary) || return 1
	mkdir -p "$d/data"
	secret="SENTINELLE-s3-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
	cat >"$d/s3.json" <<JSON
{"identities":[{"name":"coffre","credentials":[{"accessKey":"COFFRETEST","secretKey":"$secret"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
	chmod 0600 "$d/s3.json"
	for i in $(seq 1 20); do
		base=$((20000 + RANDOM % 35000))
		free=1
		for p in $(seq "$base" $((base + 10))); do
			if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then free=0; break; fi
		done
		[ "$free" = 1 ] || continue
		"$bin" mini -dir="$d/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
			-master.port="$base" -master.port.grpc=$((base + 1)) \
			-volume.port=$((base + 2)) -volume.port.grpc=$((base + 3)) \
			-filer.port=$((base + 4)) -filer.port.grpc=$((base + 5)) \
			-s3.port=$((base + 6)) -s3.port.grpc=$((base + 7)) -webdav.port=$((base + 8)) \
			-admin.port=$((base + 9)) -admin.port.grpc=$((base + 10)) -admin.port.legacy=0 -admin.ui=false \
			-s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$d/s3.json" -s3.domainName=localhost -bucket=coffre-test \
			>"$d/weed.log" 2>&1 &
		COFFRE_WEED_PID=$!
		up=0
		for j in $(seq 1 300); do
			if (exec 3<>"/dev/tcp/127.0.0.1/$((base + 6))") 2>/dev/null &&
				(exec 3<>"/dev/tcp/127.0.0.1/$((base + 8))") 2>/dev/null; then
				up=1
				break
			fi
			kill -0 "$COFFRE_WEED_PID" 2>/dev/null || break
			sleep 0.1
		done
		if [ "$up" = 1 ]; then
			export COFFRE_TEST_S3_ENDPOINT="http://127.0.0.1:$((base + 6))" COFFRE_TEST_S3_BUCKET=coffre-test
			export COFFRE_TEST_S3_ACCESS_KEY=COFFRETEST COFFRE_TEST_S3_SECRET_KEY="$secret"
			export COFFRE_TEST_WEBDAV_URL="http://127.0.0.1:$((base + 8))/" COFFRE_TEST_WEED="$bin"
			return 0
		fi
		kill "$COFFRE_WEED_PID" 2>/dev/null || true
		wait "$COFFRE_WEED_PID" 2>/dev/null || true
	done
	echo "seaweedfs.sh: weed did not start, see $d/weed.log" >&2
	return 1
}

coffre_seaweedfs_stop() {
	if [ -n "${COFFRE_WEED_PID:-}" ]; then
		kill "$COFFRE_WEED_PID" 2>/dev/null || true
		wait "$COFFRE_WEED_PID" 2>/dev/null || true
	fi
}

coffre_seaweedfs_start
stops+=(coffre_seaweedfs_stop)
