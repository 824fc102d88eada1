#!/bin/sh
# make bench-peer: the Docplanner mock's validated getSlots against a bare
# net/http handler writing the same answer (BenchmarkPeerGetSlots, one run,
# servers in turn over loopback), and against Prism on the mock's own
# document where npm can install it. Prism goes into a cache directory
# (PRISM_DIR), never into the repository; without npm, or when the install
# fails, the benchmark runs without it and says so.
set -eu
GO=${GO:-go}
version=${PRISM_VERSION:-5.14.2}
dir=${PRISM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/accord/prism-$version}
port=${PRISM_PORT:-4010}
doc=mocks/docplanner/apispec/openapi.yaml
prism=$dir/node_modules/.bin/prism

if [ ! -x "$prism" ]; then
	if command -v npm >/dev/null 2>&1; then
		echo "bench-peer: installing Prism $version into $dir"
		mkdir -p "$dir"
		if ! npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$version" >"$dir/install.log" 2>&1; then
			echo "bench-peer: Prism $version did not install (see $dir/install.log): Prism skipped"
		fi
	else
		echo "bench-peer: npm is absent: Prism skipped"
	fi
fi

if [ -x "$prism" ]; then
	log=$(mktemp)
	"$prism" mock --host 127.0.0.1 --port "$port" "$doc" >"$log" 2>&1 &
	pid=$!
	trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT INT TERM
	up=
	for _ in $(seq 1 60); do
		if grep -q 'Prism is listening' "$log"; then
			up=yes
			break
		fi
		if ! kill -0 $pid 2>/dev/null; then
			break
		fi
		sleep 1
	done
	if [ -n "$up" ]; then
		echo "bench-peer: Prism $version serving $doc on 127.0.0.1:$port"
		export ACCORD_PEER_PRISM="http://127.0.0.1:$port"
	else
		echo "bench-peer: Prism did not start (its log follows): Prism skipped"
		cat "$log"
	fi
fi

echo "bench-peer: load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
# Rounds of every server in turn, then the mock's own work in process.
$GO test -run '^$' -bench 'BenchmarkPeerGetSlots' -benchtime "${BENCH_PEER_ROUNDS:-3}x" -count 1 -timeout 10m ./internal/peerbench
$GO test -run '^$' -bench 'BenchmarkMockGetSlotsInProcess' -benchmem -count 1 -timeout 10m ./internal/peerbench
