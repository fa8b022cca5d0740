#!/usr/bin/env bash
# Dev/test/CI Apache Kafka broker: a single KRaft node (broker+controller) on
# loopback, with the jars fetched from Maven Central (scripts/kafka/pom.xml).
#
# Usage: scripts/kafka.sh start|stop|restart|status|reset|fetch|logs
#
#   fetch    download the broker jars into $KAFKA_HOME_CACHE/libs (once)
#   start    fetch if needed, format storage if needed, start the broker in the
#            background, wait until it serves metadata; prints the bootstrap
#            address on stdout (last line). Idempotent.
#   stop     SIGTERM, wait up to $KAFKA_STOP_TIMEOUT s, then SIGKILL.
#   restart  stop + start.
#   status   exit 0 if the broker is running and answering, 1 otherwise.
#   reset    stop and wipe the data (topics, offsets); keeps the jars.
#   logs     print the last 100 lines of the broker log.
#   topics ARGS...  run Kafka's TopicCommand against the broker, e.g.
#            scripts/kafka.sh topics --create --topic orders --partitions 3
#            scripts/kafka.sh topics --list
#   groups ARGS...  run Kafka's ConsumerGroupCommand, e.g. groups --list
#
# Environment (all optional):
#   KAFKA_HOME_CACHE        cache dir (default: <repo>/.cache/kafka)
#   KAFKA_PORT              client listener port       (default 9092)
#   KAFKA_CONTROLLER_PORT   KRaft controller port      (default 9093)
#   KAFKA_HEAP_OPTS         JVM heap (default "-Xmx512m -Xms256m")
#   KAFKA_START_TIMEOUT     seconds to wait for readiness (default 60)
#   KAFKA_STOP_TIMEOUT      seconds to wait for a graceful stop (default 30)
#   KAFKA_AUTO_CREATE_TOPICS  auto.create.topics.enable (default false: code
#                           and tests must create their topics explicitly,
#                           as in production)
#   KAFKA_LOG_LEVEL         root log level of the broker (default INFO)
#
# Data persists across stop/start; the broker config is rewritten on each
# start, so port changes take effect on the next start.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
POM="$SCRIPT_DIR/kafka/pom.xml"

CACHE="${KAFKA_HOME_CACHE:-$REPO_ROOT/.cache/kafka}"
LIBS="$CACHE/libs"
DATA="$CACHE/data"
LOGDIR="$CACHE/logs"
CONF="$CACHE/server.properties"
LOG4J_CONF="$CACHE/log4j2.properties"
TOOLS_LOG4J_CONF="$CACHE/tools-log4j2.properties"
PIDFILE="$CACHE/kafka.pid"
LOGFILE="$LOGDIR/kafka.out"
CLUSTER_ID_FILE="$CACHE/cluster.id"
FETCH_MARKER="$LIBS/.fetched"

HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
BOOTSTRAP="$HOST:$PORT"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
AUTO_CREATE="${KAFKA_AUTO_CREATE_TOPICS:-false}"
LOG_LEVEL="${KAFKA_LOG_LEVEL:-INFO}"

log() { echo "kafka.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH ($2)"; }

# ---------------------------------------------------------------- fetch ----

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

is_fetched() {
  [[ -f "$FETCH_MARKER" ]] && [[ "$(cat "$FETCH_MARKER")" == "$(pom_hash)" ]]
}

cmd_fetch() {
  if is_fetched; then
    log "jars already fetched in $LIBS"
    return 0
  fi
  [[ -z "$(running_pid)" ]] || die "the broker is running on old jars; run '$0 stop' first"
  need mvn "install Maven 3"
  need java "install a JDK 17+"
  log "fetching Kafka jars from Maven Central into $LIBS ..."
  rm -rf "$LIBS"
  mkdir -p "$LIBS"
  # -B: batch mode (no progress bars). Output goes to a file (maven 3.8 still
  # emits stray ANSI resets with -q) and is shown only on failure.
  local mvnlog="$CACHE/fetch.log"
  if ! mvn -q -B -Dstyle.color=never -f "$POM" \
      dependency:copy-dependencies -DoutputDirectory="$LIBS" -DincludeScope=runtime \
      >"$mvnlog" 2>&1; then
    cat "$mvnlog" >&2
    rm -rf "$LIBS"
    die "maven failed to fetch the Kafka jars (log: $mvnlog)"
  fi
  # copy-dependencies with a pom-packaged project leaves no target/, but be tidy.
  rm -rf "$SCRIPT_DIR/kafka/target"
  ls "$LIBS"/kafka_2.13-*.jar >/dev/null 2>&1 || die "kafka_2.13 jar missing after fetch"
  pom_hash >"$FETCH_MARKER"
  log "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars"
}

# ---------------------------------------------------------------- state ----

# Prints the pid of our running broker, or nothing.
running_pid() {
  [[ -f "$PIDFILE" ]] || return 0
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if kill -0 "$pid" 2>/dev/null \
     && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'; then
    echo "$pid"
  fi
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Broker answers a metadata request and lists itself (node 1).
broker_answers() {
  port_open "$PORT" || return 1
  if command -v kcat >/dev/null 2>&1; then
    kcat -L -b "$BOOTSTRAP" -m 5 2>/dev/null | grep -Eq "broker 1 at .*:$PORT"
  else
    # No kcat: rely on the port plus the server's own "started" log line.
    grep -q 'Kafka Server started' "$LOGFILE" 2>/dev/null
  fi
}

# ---------------------------------------------------------------- start ----

write_config() {
  mkdir -p "$DATA" "$LOGDIR"
  cat >"$CONF" <<EOF
# Generated by scripts/kafka.sh on every start -- edits are overwritten.
node.id=1
process.roles=broker,controller
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
# Static single-voter quorum: survives a change of KAFKA_CONTROLLER_PORT
# without reformatting (a dynamic --standalone quorum records the endpoint).
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT

log.dirs=$DATA
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=$AUTO_CREATE
delete.topic.enable=true

# Small footprint for dev/CI.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
# Must be > 1 MiB per cleaner thread (the 128 MiB default is wasteful here).
log.cleaner.dedupe.buffer.size=2097152
log.segment.bytes=67108864
log.retention.hours=24
EOF

  cat >"$LOG4J_CONF" <<EOF
# Generated by scripts/kafka.sh -- log4j2 config for the dev broker.
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = $LOG_LEVEL
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = $LOG_LEVEL
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
logger.zk.name = org.apache.zookeeper
logger.zk.level = WARN
# Always keep the startup line that the no-kcat readiness check looks for.
logger.raftserver.name = kafka.server.KafkaRaftServer
logger.raftserver.level = INFO
EOF
}

# Sets JAVA_CMD (an array: safe with spaces, no glob expansion of the classpath).
java_cmd() {
  local -a heap
  read -r -a heap <<<"$HEAP_OPTS"
  JAVA_CMD=(java "${heap[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$LOG4J_CONF" "-Dkafka.logs.dir=$LOGDIR"
    -cp "$LIBS/*")
}

format_storage() {
  if [[ -f "$DATA/meta.properties" ]]; then
    return 0
  fi
  local cid
  if [[ -s "$CLUSTER_ID_FILE" ]]; then
    cid="$(cat "$CLUSTER_ID_FILE")"
  else
    cid="$("${JAVA_CMD[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    [[ -n "$cid" ]] || die "could not generate a cluster id"
    echo "$cid" >"$CLUSTER_ID_FILE"
  fi
  log "formatting storage in $DATA (cluster id $cid)"
  if ! "${JAVA_CMD[@]}" kafka.tools.StorageTool format -t "$cid" -c "$CONF" \
      >"$LOGDIR/format.log" 2>&1; then
    grep -v '^\s' "$LOGDIR/format.log" | tail -n 20 >&2
    die "storage format failed (log: $LOGDIR/format.log)"
  fi
}

cmd_start() {
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    if broker_answers; then
      log "already running (pid $pid)"
      echo "$BOOTSTRAP"
      return 0
    fi
    log "pid $pid exists but does not answer yet; waiting"
  else
    rm -f "$PIDFILE"
    need java "install a JDK 17+"
    port_open "$PORT" && die "port $PORT is in use by another process (set KAFKA_PORT)"
    port_open "$CONTROLLER_PORT" && die "port $CONTROLLER_PORT is in use by another process (set KAFKA_CONTROLLER_PORT)"
    cmd_fetch
    write_config
    java_cmd
    format_storage
    log "starting broker on $BOOTSTRAP (log: $LOGFILE)"
    : >"$LOGFILE"
    nohup "${JAVA_CMD[@]}" kafka.Kafka "$CONF" </dev/null >>"$LOGFILE" 2>&1 &
    pid=$!
    echo "$pid" >"$PIDFILE"
  fi

  local start=$SECONDS
  until broker_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      grep -v $'^\t' "$LOGFILE" | tail -n 30 >&2 || true
      die "broker exited during startup (see $LOGFILE)"
    fi
    if (( SECONDS - start >= START_TIMEOUT )); then
      grep -v $'^\t' "$LOGFILE" | tail -n 30 >&2 || true
      die "broker not ready after ${START_TIMEOUT}s (still running as pid $pid; see $LOGFILE)"
    fi
    sleep 0.5
  done
  log "ready after $((SECONDS - start))s (pid $pid)"
  echo "$BOOTSTRAP"
}

# ----------------------------------------------------------------- stop ----

cmd_stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if (( waited >= STOP_TIMEOUT * 10 )); then
      log "no graceful stop after ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$PIDFILE"
  log "stopped"
}

cmd_status() {
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]] && broker_answers; then
    echo "running (pid $pid) on $BOOTSTRAP"
    return 0
  fi
  if [[ -n "$pid" ]]; then
    echo "process $pid alive but not answering on $BOOTSTRAP"
  else
    echo "not running"
  fi
  return 1
}

cmd_reset() {
  cmd_stop
  log "wiping $DATA"
  rm -rf "$DATA" "$CLUSTER_ID_FILE" "$LOGDIR"
}

cmd_logs() { tail -n 100 "$LOGFILE"; }

# Runs a Kafka CLI tool main class against the running broker.
run_tool() {
  local main="$1"; shift
  need java "install a JDK 17+"
  is_fetched || cmd_fetch
  cat >"$TOOLS_LOG4J_CONF" <<'CONF'
status = warn
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stderr.ref = STDERR
CONF
  exec java -Xmx256m "-Dlog4j2.configurationFile=$TOOLS_LOG4J_CONF" -cp "$LIBS/*" \
    "$main" --bootstrap-server "$BOOTSTRAP" "$@"
}

case "${1:-}" in
  fetch)   cmd_fetch ;;
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status)  cmd_status ;;
  reset)   cmd_reset ;;
  logs)    cmd_logs ;;
  topics)  shift; run_tool org.apache.kafka.tools.TopicCommand "$@" ;;
  groups)  shift; run_tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand "$@" ;;
  *) echo "usage: $0 start|stop|restart|status|reset|fetch|logs|topics ARGS|groups ARGS" >&2; exit 2 ;;
esac
