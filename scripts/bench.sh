#!/usr/bin/env bash
# Proxy-path benchmark on loopback. In one run it loads the same static backend (NGINX answering a
# fixed JSON user from memory) directly, through NGINX as a reverse proxy, through stock Spring Cloud
# Gateway (scripts/bench/stock-scg: a bare route, then the same route with SCG's RedisRateLimiter or
# its LocalResponseCache), and through the Sluice gateway jar with its rate limiting and response
# cache switched on and off, with wrk; then writes req/s, p50/p99, proxy RSS and proxy CPU into
# docs/benchmarks.md (between the "bench:results" markers; the rest of that file is hand-written and
# kept), with the targets each pair of rows is compared against.
#
# Usage:  scripts/bench.sh
#         BENCH_SCENARIOS="direct sluice" BENCH_DURATION=30s scripts/bench.sh
#
# Scenarios (BENCH_SCENARIOS, default all of them in this order):
#   direct               the backend itself
#   nginx                NGINX as a reverse proxy
#   stock_scg            stock SCG, bare route
#   stock_scg_ratelimit  stock SCG, RequestRateLimiter/RedisRateLimiter keyed by X-API-Key
#                        (profile "ratelimit"; limits far above the load, nothing refused)
#   stock_scg_cache      stock SCG, LocalResponseCache=60s,10MB (profile "cache"): every request a hit
#   sluice_bare          Sluice's proxy path alone: authentication, rate limiting and the cache off
#                        (SLUICE_API_KEYS_ENABLED=false, SLUICE_RATELIMIT_ENABLED=false,
#                        SLUICE_CACHE_ENABLED=false), the row to set beside stock SCG's bare route
#   sluice               Sluice, auth + rate limit on, cache off (SLUICE_CACHE_ENABLED=false)
#   sluice_no_ratelimit  Sluice, auth on, rate limit off, cache off (+ SLUICE_RATELIMIT_ENABLED=false)
#   sluice_cache_redis   Sluice, auth + rate limit on, cache on, near cache off
#                        (SLUICE_CACHE_NEAR_CACHE_ENABLED=false): every request a Redis cache hit
#   sluice_cache_near    the same with the near cache on (the default): hits from memory
#   sluice_jvm_defaults  the sluice scenario (cache off) with the JVM's defaults instead of the
#                        image's memory budget, to show what that budget costs
# Every Sluice scenario but the last runs the JVM as gateway/Dockerfile does: the image's
# JDK_JAVA_OPTIONS and ENTRYPOINT flags and its MALLOC_ARENA_MAX, read from the Dockerfile.
# Every Sluice scenario raises the admin key's plan (partner, 10,000/s) to 1,000,000/s, like the
# stock limiter's, so a fast run is never refused. Authentication (X-API-Key, the admin key) stays on
# in all of them but sluice_bare: sluice.api-keys.enabled=false also ends rate limiting, which
# counts against the authenticated key, so authentication alone cannot be measured.
#
# Environment (all optional):
#   BENCH_SCENARIOS     scenarios to run, in order (default: all of the above, in that order)
#   BENCH_THREADS       wrk threads (2)          BENCH_CONNECTIONS  wrk connections (64)
#   BENCH_DURATION      measured run per target (15s)
#   BENCH_WARMUP_MIN / BENCH_WARMUP_MAX   warm-up per target in seconds (90 / 180): 10 s wrk rounds
#                       with the same settings until one is within 5% of the one before (a JIT
#                       needs minutes on a busy 2-core machine), at least MIN, at most MAX
#   BENCH_JAVA_OPTS     JVM options for stock SCG and sluice_jvm_defaults (default: none, the
#                       JVM's defaults)
#   BENCH_SLUICE_JAVA_OPTS  JVM options of the other Sluice scenarios (default: gateway/Dockerfile's)
#   BENCH_GATEWAY_JAR   Sluice gateway jar (default: gateway/target/gateway.jar)
#   BENCH_DOC           results file (default: docs/benchmarks.md); BENCH_DOC=- prints only
#   BENCH_PORT_BASE     first of the loopback ports used (default 18090; uses the next 5: NGINX
#                       proxy, stock SCG, Sluice, Sluice management, Redis)
#   BENCH_PROFILE=1     record each Java gateway with JDK Flight Recorder during its measured run and
#                       add the hottest frames to the report (costs some throughput; leave it off
#                       for the headline figures)
#   BENCH_QUIET_WAIT    seconds to wait, at most, for the 1-minute load average to drop below
#                       BENCH_QUIET_LOAD (default 300 s, 1.0) before starting; the run goes ahead
#                       anyway afterwards and the report records the load
#
# Adding a scenario: write a function scenario_<name> that starts its target (start_* helpers;
# start_sluice and start_stock_scg take extra VAR=value environment arguments), calls
# `measure <name> "<label>" <url> <pid> [<expected X-Cache>]` and stops what it started (stop_pid),
# then add <name> to the default of BENCH_SCENARIOS, and its rows to report() if it has a target.
#
# Needs root (or sudo) only to apt-get install wrk/nginx/redis-server when missing. NGINX and Redis
# are never started as system services: each runs in the foreground with its own config on a
# loopback port and is stopped on exit (trap), like every other process this script starts.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

ALL_SCENARIOS="direct nginx stock_scg sluice_bare stock_scg_ratelimit stock_scg_cache sluice sluice_no_ratelimit sluice_cache_redis sluice_cache_near sluice_jvm_defaults"
SCENARIOS="${BENCH_SCENARIOS:-$ALL_SCENARIOS}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
WARMUP_MIN="${BENCH_WARMUP_MIN:-90}"
WARMUP_MAX="${BENCH_WARMUP_MAX:-180}"
DURATION="${BENCH_DURATION:-15s}"
JAVA_OPTS_BENCH="${BENCH_JAVA_OPTS:-}"
# The JVM settings of the gateway image: JDK_JAVA_OPTIONS, the ENTRYPOINT's flags, MALLOC_ARENA_MAX.
image_java_opts() {
  local dockerfile="$ROOT/gateway/Dockerfile"
  sed -n 's/.*JDK_JAVA_OPTIONS="\([^"]*\)".*/\1/p' "$dockerfile"
  sed -n 's/^ENTRYPOINT \[\(.*\)\]/\1/p' "$dockerfile" | tr ',' '\n' | tr -d ' "' | grep '^-' || true
}
SLUICE_JAVA_OPTS="${BENCH_SLUICE_JAVA_OPTS:-$(image_java_opts | tr '\n' ' ' | sed 's/ *$//')}"
IMAGE_MALLOC_ARENA_MAX="$(sed -n 's/.*MALLOC_ARENA_MAX=\([0-9]*\).*/\1/p' "$ROOT/gateway/Dockerfile")"
GATEWAY_JAR="${BENCH_GATEWAY_JAR:-$ROOT/gateway/target/gateway.jar}"
DOC="${BENCH_DOC:-$ROOT/docs/benchmarks.md}"
PORT_BASE="${BENCH_PORT_BASE:-18090}"
QUIET_WAIT="${BENCH_QUIET_WAIT:-300}"
PROFILE="${BENCH_PROFILE:-}"
QUIET_LOAD="${BENCH_QUIET_LOAD:-1.0}"

BACKEND_PORT=$PORT_BASE
NGINX_PORT=$((PORT_BASE + 1))
SCG_PORT=$((PORT_BASE + 2))
SLUICE_PORT=$((PORT_BASE + 3))
SLUICE_MANAGEMENT_PORT=$((PORT_BASE + 4))
REDIS_PORT=$((PORT_BASE + 5))
# A path every gateway routes (Sluice routes /api/users/**); the backend answers any path.
REQUEST_PATH="/api/users/00000000-0000-4000-8000-000000000001"
STARTUP_TIMEOUT=240

WORK="$(mktemp -d /tmp/sluice-bench.XXXXXX)"
RESULTS="$WORK/results.tsv"
ADMIN_API_KEY="sk_live_$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || true)"
INTERNAL_AUTH_SECRET="$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 64 || true)"
STARTED_PIDS=()
BACKEND_PID=""
BODY_BYTES="?"
REDIS_URL_BENCH=""
STOCK_SCG_BUILT=""
SCENARIO="" # the scenario running, which names its gateway's log
# The admin key's plan (partner: 10,000/s, burst 20,000) raised for every Sluice scenario, as the
# stock SCG limiter's: a gateway serving more than 10,000 req/s would otherwise answer 429s, which are
# cheaper than proxying and would flatter its row. Every request is still counted in Redis.
SLUICE_BENCH_PLAN=(
  SLUICE_RATELIMIT_PLANS_PARTNER_SECOND_LIMIT=1000000
  SLUICE_RATELIMIT_PLANS_PARTNER_SECOND_WINDOW=1s
  SLUICE_RATELIMIT_PLANS_PARTNER_SECOND_BURST=1000000
)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Processes: everything started here is recorded and stopped on exit, whatever happens.

stop_pid() {
  local pid=$1 i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do # at most 30 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid did not stop in 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local code=$? pid
  trap - EXIT INT TERM
  for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
  log "stopped everything; logs and raw wrk output in $WORK"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts "$@" in the background with its output in $WORK/<name>.log; sets LAST_PID.
spawn() {
  local name=$1
  shift
  "$@" >"$WORK/$name.log" 2>&1 &
  LAST_PID=$!
  STARTED_PIDS+=("$LAST_PID")
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits until $1 answers 200 (with the API key header), at most STARTUP_TIMEOUT seconds, and fails
# early if pid $2 dies.
wait_ok() {
  local url=$1 pid=$2 deadline=$((SECONDS + STARTUP_TIMEOUT)) code
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || return 1
    code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 -H "X-API-Key: $ADMIN_API_KEY" "$url" || true)
    [[ "$code" == 200 ]] && return 0
    sleep 0.5
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# Tools

ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v curl >/dev/null || missing+=(curl)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  apt_install "${missing[@]}"
}

ensure_redis_server() {
  command -v redis-server >/dev/null || apt_install redis-server
}

# Installs Debian packages without letting their maintainer scripts start or enable services.
apt_install() {
  local sudo="" created_policy=""
  [[ $EUID -ne 0 ]] && sudo="sudo"
  log "installing $* with apt-get"
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
  [[ -n "$created_policy" ]] && $sudo rm -f /usr/sbin/policy-rc.d
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    local unit
    for unit in nginx redis-server; do
      $sudo systemctl disable --now "$unit" >/dev/null 2>&1 || true
    done
  fi
}

# ---------------------------------------------------------------------------------------------
# Targets

render_nginx_conf() { # template port -> path of the rendered config
  local template=$1 port=$2
  local out="$WORK/nginx-$template"
  sed -e "s#@WORK@#$WORK#g" -e "s#@PORT@#$port#g" -e "s#@BACKEND_PORT@#$BACKEND_PORT#g" \
    "$ROOT/scripts/bench/nginx/$template" >"$out"
  mkdir -p "$WORK/nginx-backend-tmp" "$WORK/nginx-proxy-tmp"
  echo "$out"
}

start_backend() {
  local conf
  conf=$(render_nginx_conf backend.conf "$BACKEND_PORT")
  spawn nginx-backend nginx -p "$WORK" -e "$WORK/nginx-backend.error.log" -c "$conf" -g 'daemon off;'
  BACKEND_PID=$LAST_PID
  wait_ok "http://127.0.0.1:$BACKEND_PORT$REQUEST_PATH" "$BACKEND_PID" || die "the backend did not start"
  BODY_BYTES=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$BACKEND_PORT$REQUEST_PATH")
  log "backend (NGINX static JSON) on 127.0.0.1:$BACKEND_PORT, pid $BACKEND_PID"
}

start_nginx_proxy() {
  local conf
  conf=$(render_nginx_conf proxy.conf "$NGINX_PORT")
  spawn nginx-proxy nginx -p "$WORK" -e "$WORK/nginx-proxy.error.log" -c "$conf" -g 'daemon off;'
  wait_ok "http://127.0.0.1:$NGINX_PORT$REQUEST_PATH" "$LAST_PID" || die "NGINX proxy did not start"
}

build_stock_scg() { # once per run
  [[ -n "$STOCK_SCG_BUILT" ]] && return 0
  local pom="$ROOT/scripts/bench/stock-scg/pom.xml"
  log "building stock Spring Cloud Gateway (./mvnw -f scripts/bench/stock-scg/pom.xml package)"
  "$ROOT/mvnw" -B -q -f "$pom" -DskipTests package >&2
  STOCK_SCG_BUILT=1
}

# Starts stock SCG; extra VAR=value arguments go to its environment (SPRING_PROFILES_ACTIVE=...).
start_stock_scg() {
  build_stock_scg
  local log_name="${SCENARIO:-stock_scg}"
  # shellcheck disable=SC2086 # JVM options are words
  spawn "$log_name" env SERVER_PORT=$SCG_PORT BACKEND_URI="http://127.0.0.1:$BACKEND_PORT" "$@" \
    java $JAVA_OPTS_BENCH -jar "$ROOT/scripts/bench/stock-scg/target/stock-scg.jar"
  wait_ok "http://127.0.0.1:$SCG_PORT$REQUEST_PATH" "$LAST_PID" ||
    die "stock SCG did not proxy within ${STARTUP_TIMEOUT}s; see $WORK/$log_name.log"
}

# Starts Sluice's gateway with the static backend as its only user-service instance, the raised
# admin plan (SLUICE_BENCH_PLAN) and a Redis of the benchmark's own (started here when needed).
# Extra VAR=value arguments are passed to the gateway's environment (the scenarios' switches).
start_sluice() {
  [[ -f "$GATEWAY_JAR" ]] || die "$GATEWAY_JAR is missing; build it: ./mvnw -B -q -DskipTests package"
  [[ -n "$REDIS_URL_BENCH" ]] || start_redis
  local log_name="${SCENARIO:-sluice}" arena=()
  local arena_max="${SLUICE_MALLOC_ARENA_MAX-$IMAGE_MALLOC_ARENA_MAX}"
  [[ -n "$arena_max" ]] && arena=("MALLOC_ARENA_MAX=$arena_max")
  # shellcheck disable=SC2086
  env SERVER_PORT=$SLUICE_PORT MANAGEMENT_SERVER_PORT=$SLUICE_MANAGEMENT_PORT \
    USER_SERVICE_URIS="http://127.0.0.1:$BACKEND_PORT" REDIS_URL="$REDIS_URL_BENCH" \
    ADMIN_API_KEY="$ADMIN_API_KEY" INTERNAL_AUTH_SECRET="$INTERNAL_AUTH_SECRET" \
    "${arena[@]}" "${SLUICE_BENCH_PLAN[@]}" "$@" \
    java ${SLUICE_JVM_OPTS-$SLUICE_JAVA_OPTS} -jar "$GATEWAY_JAR" >"$WORK/$log_name.log" 2>&1 &
  LAST_PID=$!
  STARTED_PIDS+=("$LAST_PID")
  wait_ok "http://127.0.0.1:$SLUICE_PORT$REQUEST_PATH" "$LAST_PID" ||
    die "Sluice did not proxy $REQUEST_PATH with 200 within ${STARTUP_TIMEOUT}s; see $WORK/$log_name.log"
}

# A Redis of the benchmark's own, shared by the scenarios that need one (started once, stopped on
# exit); sets REDIS_URL_BENCH once it accepts connections.
start_redis() {
  ensure_redis_server
  spawn redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize no
  local pid=$LAST_PID i
  for ((i = 0; i < 100; i++)); do # at most 10 s
    kill -0 "$pid" 2>/dev/null || die "Redis did not start; see $WORK/redis.log"
    port_free "$REDIS_PORT" || break
    sleep 0.1
  done
  port_free "$REDIS_PORT" && die "Redis did not listen on 127.0.0.1:$REDIS_PORT within 10 s"
  REDIS_URL_BENCH="redis://127.0.0.1:$REDIS_PORT"
  log "Redis on 127.0.0.1:$REDIS_PORT, pid $pid"
}

# ---------------------------------------------------------------------------------------------
# Measurement

# Resident set size in MiB of a process plus its children (NGINX's workers): field $2 of /proc.
rss_mib() { # pid field(VmRSS|VmHWM)
  local pid=$1 field=$2 total=0 p kb
  for p in $pid $(pgrep -P "$pid" || true); do
    kb=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo $((total / 1024))
}

# CPU time (user + system, clock ticks) of a process plus its children.
cpu_ticks() {
  local pid=$1 total=0 p t
  for p in $pid $(pgrep -P "$pid" || true); do
    t=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

to_ms() { # wrk latency (e.g. 812.00us, 1.23ms, 1.05s) -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n = n * 60000; else if (v ~ /s$/) n = n * 1000
    printf "%.2f", n }'
}

WRK_CMD=""

# Loads the target in 10 s rounds until throughput settles; prints the seconds spent.
warm_up() {
  local name=$1 url=$2 spent=0 previous=0 rps
  while ((spent < WARMUP_MAX)); do
    rps=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d10s --timeout 5s -H "X-API-Key: $ADMIN_API_KEY" "$url" |
      tee -a "$WORK/$name.warmup.txt" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
    spent=$((spent + 10))
    log "  warm-up round: ${rps:-0} req/s"
    if ((spent >= WARMUP_MIN)) &&
      awk -v a="${rps:-0}" -v b="$previous" 'BEGIN { d = a - b; exit !(b > 0 && d * d <= b * b * 0.0025) }'; then
      break
    fi
    previous=${rps:-0}
  done
  echo "$spent"
}
# The X-Cache header of one request to $1 (empty when there is none).
x_cache_of() {
  curl -s -o /dev/null -D - -m 5 -H "X-API-Key: $ADMIN_API_KEY" "$1" |
    awk -F': *' 'tolower($1) == "x-cache" { sub(/\r$/, "", $2); print $2 }' || true
}

# Sluice's cache counters from its management port, as "hit=.. miss=.. stale=.. bypass=.. near=..".
sluice_cache_counts() {
  curl -s -m 5 "http://127.0.0.1:$SLUICE_MANAGEMENT_PORT/actuator/prometheus" |
    awk '/^sluice_cache_requests_total\{/ { if (match($0, /result="[a-z]+"/)) {
           r = substr($0, RSTART + 8, RLENGTH - 9); c[r] += $NF } }
         /^sluice_cache_near_hits_total\{/ { c["near"] += $NF }
         END { printf "hit=%d miss=%d stale=%d bypass=%d near=%d", c["hit"], c["miss"], c["stale"], c["bypass"], c["near"] }' || true
}

# Warms the target up, then measures it; appends a row to $RESULTS. With a fifth argument (Sluice
# only), the first measured response must carry that X-Cache value (a warning otherwise), and the
# gateway's cache counters during the measured run are logged.
measure() {
  local name=$1 label=$2 url=$3 pid=$4 expect_cache=${5:-}
  local out="$WORK/$name.wrk.txt" ticks0 ticks1 seconds status x_cache counts0="" counts1=""
  status=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H "X-API-Key: $ADMIN_API_KEY" "$url" || true)
  [[ "$status" == 200 ]] || log "warning: $label answers $status, not 200"
  WRK_CMD="wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency --timeout 5s -H 'X-API-Key: <admin key>' <url>"
  log "$label: warming up ($url)"
  local warmed
  warmed=$(warm_up "$name" "$url")
  local jvm=""
  [[ -n "$PROFILE" && "$(basename "$(readlink -f "/proc/$pid/exe")")" == java ]] && jvm=1
  [[ -n "$jvm" ]] && jdk_tool jcmd "$pid" JFR.start name=bench settings=profile >/dev/null
  if [[ -n "$expect_cache" ]]; then
    x_cache=$(x_cache_of "$url")
    [[ "$x_cache" == "$expect_cache" ]] ||
      log "warning: $label: first measured response has X-Cache: ${x_cache:-(none)}, not $expect_cache"
    counts0=$(sluice_cache_counts)
  fi
  ticks0=$(cpu_ticks "$pid")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency --timeout 5s \
    -H "X-API-Key: $ADMIN_API_KEY" "$url" >"$out" 2>&1
  ticks1=$(cpu_ticks "$pid")
  [[ -n "$expect_cache" ]] && counts1=$(sluice_cache_counts)
  [[ -n "$jvm" ]] && jdk_tool jcmd "$pid" JFR.stop name=bench filename="$WORK/$name.jfr" >/dev/null
  seconds=$(awk '/requests in/ { v = $(NF - 2); sub(/,$/, "", v); print v }' "$out")
  local rps p50 p99 errors non2xx rss hwm cores
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  errors=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")
  rss=$(rss_mib "$pid" VmRSS)
  hwm=$(rss_mib "$pid" VmHWM)
  cores=$(awk -v t=$((ticks1 - ticks0)) -v hz="$(getconf CLK_TCK)" -v s="${seconds%s}" \
    'BEGIN { if (s > 0) printf "%.2f", t / hz / s; else print "?" }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$label" "${rps:-0}" "$p50" \
    "$p99" "$rss" "$hwm" "$cores" "${non2xx:-0}" "${errors:-0}" "$warmed" >>"$RESULTS"
  log "$label: warm-up ${warmed}s, ${rps:-0} req/s, p50 ${p50} ms, p99 ${p99} ms, RSS ${rss} MiB (peak ${hwm}), CPU ${cores} cores, non-2xx ${non2xx:-0}, socket errors ${errors:-0}"
  if [[ -n "$counts0" && -n "$counts1" ]]; then
    local counts
    counts=$(awk -v a="$counts0" -v b="$counts1" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
      for (i = 1; i <= n; i++) { split(x[i], p, "="); split(y[i], q, "="); printf "%s%s %d", (i > 1 ? ", " : ""), p[1], q[2] - p[2] } }')
    printf '%s\t%s\t%s\n' "$name" "${x_cache:-(none)}" "$counts" >>"$WORK/cache.tsv"
    log "$label: cache results during the measured run: $counts"
  fi
}

# ---------------------------------------------------------------------------------------------
# Scenarios

scenario_direct() {
  measure direct "backend directly (NGINX static JSON)" \
    "http://127.0.0.1:$BACKEND_PORT$REQUEST_PATH" "$BACKEND_PID"
}

scenario_nginx() {
  start_nginx_proxy
  local pid=$LAST_PID
  measure nginx "NGINX reverse proxy" "http://127.0.0.1:$NGINX_PORT$REQUEST_PATH" "$pid"
  stop_pid "$pid"
}

scenario_stock_scg() {
  start_stock_scg
  local pid=$LAST_PID
  measure stock_scg "stock Spring Cloud Gateway, bare route" \
    "http://127.0.0.1:$SCG_PORT$REQUEST_PATH" "$pid"
  stop_pid "$pid"
}

# Stock SCG's RequestRateLimiter with its RedisRateLimiter, keyed by X-API-Key, against the
# benchmark's Redis; its limits are far above the load, so every request is counted, none refused.
scenario_stock_scg_ratelimit() {
  [[ -n "$REDIS_URL_BENCH" ]] || start_redis
  start_stock_scg SPRING_PROFILES_ACTIVE=ratelimit REDIS_URL="$REDIS_URL_BENCH"
  local pid=$LAST_PID
  measure stock_scg_ratelimit "stock Spring Cloud Gateway, RedisRateLimiter" \
    "http://127.0.0.1:$SCG_PORT$REQUEST_PATH" "$pid"
  stop_pid "$pid"
}

# Stock SCG's LocalResponseCache (in-memory, per route): after the first request every one is a hit.
scenario_stock_scg_cache() {
  start_stock_scg SPRING_PROFILES_ACTIVE=cache
  local pid=$LAST_PID
  measure stock_scg_cache "stock Spring Cloud Gateway, LocalResponseCache hit" \
    "http://127.0.0.1:$SCG_PORT$REQUEST_PATH" "$pid"
  stop_pid "$pid"
}

# Sluice's proxy path alone, as stock SCG's bare route: no authentication (callers anonymous), no
# rate limiting, no cache. Request id, access log, metrics and tracing, load balancing, retries and
# the circuit breaker stay on: they are part of every Sluice route.
scenario_sluice_bare() {
  start_sluice SLUICE_API_KEYS_ENABLED=false SLUICE_RATELIMIT_ENABLED=false SLUICE_CACHE_ENABLED=false
  local pid=$LAST_PID
  measure sluice_bare "Sluice gateway, bare route (auth, rate limit, cache off)" \
    "http://127.0.0.1:$SLUICE_PORT$REQUEST_PATH" "$pid"
  stop_pid "$pid"
}

# Authentication and rate limiting on, the response cache off (with it on, every request of the
# benchmark would be a cache hit).
scenario_sluice() {
  start_sluice SLUICE_CACHE_ENABLED=false
  local pid=$LAST_PID
  measure sluice "Sluice gateway, auth + rate limit on, cache off" \
    "http://127.0.0.1:$SLUICE_PORT$REQUEST_PATH" "$pid"
  stop_pid "$pid"
}

# The same without rate limiting, to show what the limiter costs.
scenario_sluice_no_ratelimit() {
  start_sluice SLUICE_CACHE_ENABLED=false SLUICE_RATELIMIT_ENABLED=false
  local pid=$LAST_PID
  measure sluice_no_ratelimit "Sluice gateway, auth on, rate limit off, cache off" \
    "http://127.0.0.1:$SLUICE_PORT$REQUEST_PATH" "$pid"
  stop_pid "$pid"
}

# The cache on (its default) and the near cache off: every request a Redis cache hit.
scenario_sluice_cache_redis() {
  start_sluice SLUICE_CACHE_ENABLED=true SLUICE_CACHE_NEAR_CACHE_ENABLED=false
  local pid=$LAST_PID
  measure sluice_cache_redis "Sluice gateway, auth + rate limit on, Redis cache hit" \
    "http://127.0.0.1:$SLUICE_PORT$REQUEST_PATH" "$pid" HIT
  stop_pid "$pid"
}

# The cache as it ships (near cache on): hits answered from the gateway's memory, Redis asked once
# per near-cache TTL.
scenario_sluice_cache_near() {
  start_sluice SLUICE_CACHE_ENABLED=true SLUICE_CACHE_NEAR_CACHE_ENABLED=true
  local pid=$LAST_PID
  measure sluice_cache_near "Sluice gateway, auth + rate limit on, near-cache hit" \
    "http://127.0.0.1:$SLUICE_PORT$REQUEST_PATH" "$pid" HIT
  stop_pid "$pid"
}

# The sluice scenario with the JVM's defaults (as stock SCG runs) instead of the image's budget.
scenario_sluice_jvm_defaults() {
  local SLUICE_JVM_OPTS="$JAVA_OPTS_BENCH" SLUICE_MALLOC_ARENA_MAX=""
  start_sluice SLUICE_CACHE_ENABLED=false
  local pid=$LAST_PID
  measure sluice_jvm_defaults "Sluice gateway, auth + rate limit on, cache off, JVM defaults" \
    "http://127.0.0.1:$SLUICE_PORT$REQUEST_PATH" "$pid"
  stop_pid "$pid"
}

# ---------------------------------------------------------------------------------------------
# Report

# A tool from the JDK that runs java (jcmd, jfr).
jdk_tool() {
  local tool=$1
  shift
  "$(dirname "$(readlink -f "$(command -v java)")")/$tool" "$@"
}

# For each JFR recording of a measured run: the most frequent top-of-stack frames, and the share of
# samples with a Sluice frame anywhere in the stack.
profile_summary() {
  local file name samples
  for file in "$WORK"/*.jfr; do
    [[ -f "$file" ]] || continue
    name=$(basename "$file" .jfr)
    samples="$WORK/$name.samples.txt"
    jdk_tool jfr print --events jdk.ExecutionSample "$file" >"$samples" 2>/dev/null || continue
    echo
    echo "JFR execution samples of \`$name\` during its measured run (\`BENCH_PROFILE=1\`), top of stack:"
    echo
    echo '```'
    { awk '/stackTrace = \[/ { getline; gsub(/^ +/, ""); sub(/ +line:.*/, ""); top[$0]++; n++ }
      END { for (f in top) printf "%5.1f%%  %s\n", 100 * top[f] / n, f }' "$samples" |
      sort -rn | head -20; } || true
    echo '```'
    if grep -q 'io\.sluice\.' "$samples"; then
      echo
      echo "Sluice frames anywhere in the sampled stacks of \`$name\`:"
      echo
      echo '```'
      { awk '/stackTrace = \[/ { n++; delete seen; inside = 1; next }
        inside && /^ +\]/ { inside = 0; next }
        inside && /io\.sluice\./ { f = $0; gsub(/^ +/, "", f); sub(/ +line:.*/, "", f)
          if (!(f in seen)) { seen[f] = 1; hits[f]++ } }
        END { for (f in hits) printf "%5.1f%%  %s\n", 100 * hits[f] / n, f }' "$samples" |
        sort -rn | head -20; } || true
      echo '```'
    fi
  done
}

value_of() { awk -F'\t' -v n="$1" -v c="$2" '$1 == n { print $c }' "$RESULTS"; }

report() {
  local nginx_rps
  nginx_rps=$(value_of nginx 3)
  echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC') by \`scripts/bench.sh\`."
  echo
  echo "- Machine: $(nproc) CPU cores ($(lscpu 2>/dev/null | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "- Load average (1, 5, 15 min) before the run: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Versions: $(java -version 2>&1 | head -1), $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -1 | awk '{ print "wrk " $2 }'), Sluice gateway jar $(basename "$GATEWAY_JAR") built $(date -u -r "$GATEWAY_JAR" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || echo '?') at commit $(git -C "$(dirname "$GATEWAY_JAR")" rev-parse --short HEAD 2>/dev/null || echo '?'), stock SCG: Spring Boot 4.0.7 / Spring Cloud 2025.1.2"
  echo "- Load: \`$WRK_CMD\` after a warm-up with the same settings in 10 s rounds until a round is within 5% of the one before (at least ${WARMUP_MIN} s, at most ${WARMUP_MAX} s; the table shows how long); wrk, proxies and backend share the same cores, all on 127.0.0.1"
  echo "- Request: \`GET $REQUEST_PATH\` with an \`X-API-Key\` header; the backend answers any path with a fixed ${BODY_BYTES}-byte JSON user (no \`Cache-Control\`, so both gateways' caches may store it)"
  echo "- Sluice: the admin key's plan raised to 1,000,000 req/s (like the stock limiter's), a Redis of the benchmark's own; Redis's CPU is not in the CPU column"
  echo "- JVM options: stock SCG and the JVM-defaults row \`${JAVA_OPTS_BENCH:-(none: JVM defaults)}\`; the other Sluice rows run as the gateway image does (gateway/Dockerfile): \`$SLUICE_JAVA_OPTS\` with \`MALLOC_ARENA_MAX=$IMAGE_MALLOC_ARENA_MAX\`"
  echo "- RSS: \`VmRSS\` (and peak \`VmHWM\`) from \`/proc/<pid>/status\` right after the measured run, NGINX summed over master and workers; CPU: user + system time of the target during the measured run, in cores"
  echo
  echo "| target | req/s | vs NGINX proxy | p50 ms | p99 ms | RSS MiB | peak RSS MiB | CPU cores | non-2xx | socket errors | warm-up s |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  local name label rps p50 p99 rss hwm cores non2xx errors warmed ratio
  while IFS=$'\t' read -r name label rps p50 p99 rss hwm cores non2xx errors warmed; do
    ratio="-"
    [[ -n "$nginx_rps" && "$nginx_rps" -gt 0 ]] && ratio=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { printf "%.2fx", a / b }')
    echo "| $label | $rps | $ratio | $p50 | $p99 | $rss | $hwm | $cores | $non2xx | $errors | $warmed |"
  done <"$RESULTS"
  redis_notes
  local targets
  targets=$(target_lines)
  if [[ -n "$targets" ]]; then
    echo
    echo "Targets (issues: 2 cores, 64 connections; \`sluice_bare\` is Sluice's proxy path alone, \`sluice\` the same with auth + rate limit on, cache off):"
    echo
    echo "$targets"
  fi
  profile_summary
}

# What the Sluice rows really measured: the cache rows' X-Cache results, and whether a gateway fell
# back from Redis (slower than its 50 ms budgets when the machine is saturated).
redis_notes() {
  local name first counts lines=""
  if [[ -s "$WORK/cache.tsv" ]]; then
    echo
    echo "X-Cache results of the Sluice cache rows during their measured runs (\`sluice.cache.requests\` and \`sluice.cache.near.hits\`; a cache row measures hits only when miss, stale and bypass are close to 0):"
    echo
    while IFS=$'\t' read -r name first counts; do
      echo "- \`$name\`: first response $first; $counts"
    done <"$WORK/cache.tsv"
  fi
  for name in $SCENARIOS; do
    [[ "$name" == sluice* && -f "$WORK/$name.log" ]] || continue
    local what=""
    grep -q 'Rate limiting degraded' "$WORK/$name.log" && what="rate limiting fell back to its local limits"
    grep -q 'Response cache bypassed' "$WORK/$name.log" && what="${what:+$what, and }the cache bypassed Redis"
    [[ -n "$what" ]] || continue
    lines+="- \`$name\`: $what"$'\n'
  done
  if [[ -n "$lines" ]]; then
    echo
    echo "Redis answered slower than the gateway's budget (50 ms) at some point of these runs (warm-up included), so part of their requests took the degraded path:"
    echo
    printf '%s' "$lines"
  fi
}

# "- <what> >= <min>x: <ratio>x, met|MISSED" comparing the req/s of two scenarios (a min of "-":
# no target, the ratio only); nothing unless both ran.
target_ratio() { # what numerator-scenario denominator-scenario min
  local a b
  a=$(value_of "$2" 3)
  b=$(value_of "$3" 3)
  [[ -n "$a" && -n "$b" && "$b" -gt 0 ]] || return 0
  awk -v w="$1" -v a="$a" -v b="$b" -v m="$4" 'BEGIN { r = a / b
    if (m == "-") printf "- %s: %.2fx (no target)\n", w, r
    else printf "- %s >= %sx: %.2fx, %s\n", w, m, r, (r >= m ? "met" : "MISSED") }'
}

# "- <what> p99 <= 5 ms: ..." and "- <what> RSS <= 256 MiB: ..." for one scenario, if it ran.
target_latency_memory() { # scenario what
  local p99 rss
  p99=$(value_of "$1" 5)
  rss=$(value_of "$1" 6)
  [[ -n "$p99" ]] || return 0
  awk -v w="$2" -v p="$p99" -v r="$rss" 'BEGIN {
    printf "- %s p99 <= 5 ms: %.2f ms, %s\n", w, p, (p <= 5 ? "met" : "MISSED")
    printf "- %s RSS <= 256 MiB: %d MiB, %s\n", w, r, (r <= 256 ? "met" : "MISSED") }'
}

# The targets whose rows are in this run.
target_lines() {
  target_ratio "Sluice proxy path (bare route) vs NGINX proxy" sluice_bare nginx 0.5
  target_ratio "Sluice proxy path (bare route) vs stock SCG bare route" sluice_bare stock_scg -
  target_latency_memory sluice_bare "Sluice proxy path (bare route)"
  target_ratio "Sluice auth + rate limit on vs NGINX proxy" sluice nginx -
  target_latency_memory sluice "Sluice auth + rate limit on"
  target_ratio "Sluice auth + rate limit on vs stock SCG with RedisRateLimiter" sluice stock_scg_ratelimit 1.0
  target_ratio "Sluice rate limit on vs off (aim)" sluice sluice_no_ratelimit 0.9
  target_ratio "Sluice cache hit as shipped (near cache on) vs stock SCG LocalResponseCache hit" sluice_cache_near stock_scg_cache 0.8
  target_ratio "Sluice Redis-only cache hit (near cache off) vs stock SCG LocalResponseCache hit" sluice_cache_redis stock_scg_cache -
  target_ratio "Sluice Redis cache hit vs cache off" sluice_cache_redis sluice -
  target_ratio "Sluice near-cache hit vs cache off" sluice_cache_near sluice -
}

write_doc() {
  local begin="<!-- bench:results:begin -->" end="<!-- bench:results:end -->" body="$WORK/report.md"
  report >"$body"
  if [[ "$DOC" == "-" ]]; then
    cat "$body"
    return
  fi
  if [[ ! -f "$DOC" ]] || ! grep -qF "$begin" "$DOC"; then
    mkdir -p "$(dirname "$DOC")"
    printf '# Benchmarks\n\n%s\n%s\n' "$begin" "$end" >>"$DOC"
  fi
  awk -v begin="$begin" -v end="$end" -v body="$body" '
    $0 == begin { print; while ((getline line < body) > 0) print line; skip = 1; next }
    $0 == end { skip = 0 }
    !skip { print }' "$DOC" >"$WORK/doc.md"
  cp "$WORK/doc.md" "$DOC"
  log "wrote the results to $DOC"
  cat "$body" >&2
}

# Other work on the machine skews every figure; give it a bounded chance to finish first.
wait_for_quiet() {
  local deadline=$((SECONDS + QUIET_WAIT)) load
  while ((SECONDS < deadline)); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    awk -v l="$load" -v q="$QUIET_LOAD" 'BEGIN { exit !(l < q) }' && return 0
    log "load average $load >= $QUIET_LOAD; waiting (at most $((deadline - SECONDS)) s more)"
    sleep 15
  done
  log "warning: the machine is still busy (load $(cut -d' ' -f1 /proc/loadavg)); figures will be low"
}

# ---------------------------------------------------------------------------------------------

main() {
  ensure_tools
  command -v java >/dev/null || die "java is not on the PATH"
  local port
  for port in $(seq "$PORT_BASE" $((PORT_BASE + 5))); do
    port_free "$port" || die "port $port is in use; set BENCH_PORT_BASE to move the benchmark's ports"
  done
  wait_for_quiet
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  local scenario
  for scenario in $SCENARIOS; do
    declare -F "scenario_$scenario" >/dev/null || die "unknown scenario: $scenario (known: $ALL_SCENARIOS)"
  done
  : >"$RESULTS"
  start_backend
  for scenario in $SCENARIOS; do
    SCENARIO=$scenario
    "scenario_$scenario"
  done
  write_doc
}

main "$@"
