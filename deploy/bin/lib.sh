# Shared functions of the run, stop and test commands. Sourced, never executed.
# Everything the commands create lives under .run/ (state) and .venv/ (Python).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="${THGOV_RUN_DIR:-$ROOT/.run}"
VENV="${THGOV_VENV:-$ROOT/.venv}"
PYTHON_BIN="${THGOV_PYTHON:-python3.11}"

PG_PORT="${THGOV_PG_PORT:-5433}"
REDIS_PORT="${THGOV_REDIS_PORT:-6380}"
SOLR_PORT="${THGOV_SOLR_PORT:-8983}"
WEB_PORT="${THGOV_WEB_PORT:-5000}"
DB_USER="ckan_thgov"

DEBIAN_PACKAGES=(postgresql postgresql-contrib libpq-dev redis-server chromium chromium-driver fonts-thai-tlwg curl)

# Pids started by this invocation: on failure they are stopped again, so nothing is left half-started.
STARTED_PIDFILES=()

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() {
    printf '\033[1;31mERROR:\033[0m %s\n' "$1" >&2
    [ $# -gt 1 ] && printf '       fix: %s\n' "$2" >&2
    exit 1
}

rollback_started() {
    local rc=$?
    if [ $rc -ne 0 ] && [ ${#STARTED_PIDFILES[@]} -gt 0 ]; then
        echo "Stopping what this run started after the failure..." >&2
        local f
        for f in "${STARTED_PIDFILES[@]}"; do stop_pidfile "$f" || true; done
    fi
    return $rc
}
trap rollback_started EXIT

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Run a command as the PostgreSQL owner: postgres refuses to run as root.
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pid_alive() { [ -f "$1" ] && kill -0 "$(head -n1 "$1")" 2>/dev/null; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Refuse a port another program holds, naming the program when we can.
require_free_port() {
    local port=$1 what=$2 env=$3
    if port_in_use "$port"; then
        local holder
        holder="$(ss -ltnp "sport = :$port" 2>/dev/null | awk 'NR>1{print $NF}' | head -n1 || true)"
        die "$what cannot start: port $port on 127.0.0.1 is already in use${holder:+ by $holder}." \
            "stop that program, or choose another port: $env=<port> make run (and the same for make test)"
    fi
}

stop_pidfile() {
    local f=$1
    pid_alive "$f" || { rm -f "$f"; return 0; }
    local pid; pid="$(head -n1 "$f")"
    kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
}

wait_for() {  # wait_for SECONDS DESCRIPTION LOG -- command...
    local secs=$1 what=$2 log=$3; shift 4
    local i
    for i in $(seq 1 $((secs * 2))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.5
    done
    [ -f "$log" ] && { echo "--- last lines of $log ---" >&2; tail -n 30 "$log" >&2; }
    die "$what did not answer within ${secs}s." "read $log"
}

# --- Debian packages, Java and Maven -------------------------------------------------------

ensure_debian_packages() {
    local missing=() p
    for p in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "Installing Debian packages: ${missing[*]}"
        as_root apt-get update -qq >/dev/null || die "apt-get update failed." "check the network and /etc/apt/sources.list"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$RUN/apt.log" 2>&1 \
            || { tail -n 20 "$RUN/apt.log" >&2; die "apt-get install ${missing[*]} failed." "read $RUN/apt.log"; }
        # Debian starts a system-wide redis on 6379 after install; ours runs on its own port.
    fi
    command -v java >/dev/null || die "Java not found: Solr 9 needs Java 17 or newer." "apt-get install openjdk-17-jdk-headless"
    local jv; jv="$(java -version 2>&1 | awk -F'"' '/version/{print $2}' | cut -d. -f1)"
    [ "${jv:-0}" -ge 17 ] || die "Java $jv found; Solr 9 needs Java 17 or newer." "apt-get install openjdk-17-jdk-headless and select it with update-alternatives"
    command -v mvn >/dev/null || die "Maven not found: it resolves Solr from Maven Central." "apt-get install maven"
}

# --- Python ------------------------------------------------------------------------------

ensure_venv() {
    command -v "$PYTHON_BIN" >/dev/null || die "$PYTHON_BIN not found: CKAN 2.12 runs here on Python 3.11." "install Python 3.11 or set THGOV_PYTHON=/path/to/python3.11"
    if [ ! -x "$VENV/bin/python" ]; then
        say "Creating the virtualenv $VENV"
        "$PYTHON_BIN" -m venv "$VENV"
    fi
    local stamp="$VENV/.thgov-installed" want
    want="$(cat "$ROOT/pyproject.toml" "$ROOT/setup.py" | sha256sum | cut -c1-16)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        say "Installing the project and its pinned dependencies into $VENV"
        "$VENV/bin/pip" install -q --upgrade "pip<25" "setuptools>=68,<81" wheel >"$RUN/pip.log" 2>&1 \
            || { tail -n 20 "$RUN/pip.log" >&2; die "pip could not upgrade itself." "read $RUN/pip.log"; }
        "$VENV/bin/pip" install -q -e "$ROOT[dev]" >>"$RUN/pip.log" 2>&1 \
            || { tail -n 30 "$RUN/pip.log" >&2; die "pip install of the project failed." "read $RUN/pip.log"; }
        echo "$want" >"$stamp"
    fi
    export PATH="$VENV/bin:$PATH"
}

# The extension's message catalogues are compiled here, never committed (.gitignore has *.mo).
compile_translations() {
    local i18n="$ROOT/ckanext-thgov/ckanext/thgov/i18n" po mo
    for po in "$i18n"/*/LC_MESSAGES/ckanext-thgov.po; do
        mo="${po%.po}.mo"
        [ "$mo" -nt "$po" ] && continue
        say "Compiling the translations ${po#"$ROOT"/}"
        "$VENV/bin/pybabel" compile -f -i "$po" -o "$mo" >"$RUN/babel.log" 2>&1 \
            || { cat "$RUN/babel.log" >&2; die "the catalogue $po does not compile." "fix the entries named above"; }
    done
}

# CKAN serves the JavaScript strings (/api/i18n/<lang>) from files built out of core's and the
# extensions' catalogues under ckan.storage_path; gunicorn does not build them, so we do.
build_js_translations() {
    ckan -c "$1" translation js >"$RUN/ckan/js-i18n.log" 2>&1 \
        || { tail -n 20 "$RUN/ckan/js-i18n.log" >&2; die "building the JavaScript translations failed." "read $RUN/ckan/js-i18n.log"; }
}

# --- PostgreSQL --------------------------------------------------------------------------

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }

start_postgres() {
    local bin data="$RUN/pg/data" log="$RUN/pg/postgres.log"
    bin="$(pg_bin)"; [ -n "$bin" ] || die "PostgreSQL binaries not found." "apt-get install postgresql"
    mkdir -p "$RUN/pg"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$RUN/pg"
    if [ ! -f "$data/PG_VERSION" ]; then
        say "Creating a PostgreSQL cluster in $data"
        as_pg "$bin/initdb" -D "$data" -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 \
            >"$RUN/pg/initdb.log" 2>&1 || { cat "$RUN/pg/initdb.log" >&2; die "initdb failed." "read $RUN/pg/initdb.log"; }
    fi
    if pid_alive "$data/postmaster.pid" && [ -S "$RUN/pg/.s.PGSQL.$PG_PORT" ]; then
        say "PostgreSQL already running on 127.0.0.1:$PG_PORT"
    else
        require_free_port "$PG_PORT" PostgreSQL THGOV_PG_PORT
        say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
        as_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
            -o "-p $PG_PORT -k $RUN/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
            || { tail -n 20 "$log" >&2; die "PostgreSQL did not start." "read $log"; }
        STARTED_PIDFILES+=("$data/postmaster.pid")
    fi
    # The role's password is generated once and kept out of the repository.
    [ -s "$RUN/pg/password" ] || { umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$RUN/pg/password"; }
    DB_PASSWORD="$(cat "$RUN/pg/password")"
    psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'" | grep -q 1 \
        || psql_admin -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'" >/dev/null
    psql_admin -c "ALTER ROLE $DB_USER PASSWORD '$DB_PASSWORD'" >/dev/null
}

psql_admin() { as_pg psql -h "$RUN/pg" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

ensure_database() {
    local db=$1
    psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
        || psql_admin -c "CREATE DATABASE $db OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0" >/dev/null
}

db_url() { echo "postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$1"; }

# --- Redis -------------------------------------------------------------------------------

start_redis() {
    local dir="$RUN/redis"; mkdir -p "$dir"
    if pid_alive "$dir/redis.pid"; then say "Redis already running on 127.0.0.1:$REDIS_PORT"; return; fi
    command -v redis-server >/dev/null || die "redis-server not found." "apt-get install redis-server"
    require_free_port "$REDIS_PORT" Redis THGOV_REDIS_PORT
    say "Starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes --save '' --appendonly no \
        --daemonize yes --pidfile "$dir/redis.pid" --dir "$dir" --logfile "$dir/redis.log" \
        || die "redis-server did not start." "read $dir/redis.log"
    wait_for 20 Redis "$dir/redis.log" -- redis-cli -p "$REDIS_PORT" ping
    STARTED_PIDFILES+=("$dir/redis.pid")
}

# --- Solr --------------------------------------------------------------------------------

build_solr() {
    local dir="$ROOT/deploy/solr" cp="$ROOT/deploy/solr/target/classpath.txt"
    if [ ! -s "$cp" ] || [ "$dir/pom.xml" -nt "$cp" ] || [ -n "$(find "$dir/src" -newer "$cp" -type f | head -n1)" ]; then
        say "Resolving Apache Solr 9 from Maven Central and building the Solr node (~/.m2 caches it)"
        (cd "$dir" && mvn -q -B package -DskipTests) >"$RUN/maven.log" 2>&1 \
            || { tail -n 30 "$RUN/maven.log" >&2; die "Maven could not resolve or build Solr." "read $RUN/maven.log; check that Maven Central is reachable and ~/.m2 is writable"; }
        touch "$cp"   # Maven leaves an unchanged classpath file as it was: without this, every start rebuilt
    fi
}

prepare_solr_home() {
    local home="$RUN/solr/home" core configset
    mkdir -p "$home/lib"
    cp "$ROOT/deploy/solr/solr.xml" "$home/solr.xml"
    # thgov: the portal's configset. The other two exist for the relevance benchmark
    # (bench/search_relevance.py): CKAN's stock text analysis, and Lucene's Thai tokenizer
    # instead of ICU's, each derived the same way so only the analysis differs. bench_index and
    # bench_latency hold the generated datasets of the indexing and latency benchmarks.
    write_configset thgov
    write_configset thgov-stock --stock
    write_configset thgov-thaitok --tokenizer thai
    # ckan_test_peer: the second portal of the ckanapi round trip (tests/browser/test_ckanapi_round_trip.py).
    for core in ckan:thgov ckan_test:thgov ckan_test_peer:thgov bench:thgov bench_stock:thgov-stock \
            bench_thaitok:thgov-thaitok bench_index:thgov bench_latency:thgov; do
        configset="${core#*:}"; core="${core%%:*}"
        mkdir -p "$home/cores/$core"
        printf 'name=%s\nconfigSet=%s\n' "$core" "$configset" >"$home/cores/$core/core.properties"
    done
    printf 'thgov.pf=\nthgov.pf2=\n' >>"$home/cores/bench_stock/core.properties"
}

# One digest of the Solr home's files matching the find tests given.
solr_files_digest() {
    find "$RUN/solr/home" \( "$@" \) -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum | sha256sum
}

solr_home_digest() { solr_files_digest -name '*.xml' -o -name '*.txt' -o -name 'core.properties'; }

# What decides the content of an index: the schemas and the word lists their analyzers read.
solr_index_digest() { solr_files_digest -name 'schema.xml' -o -name '*.txt'; }

write_configset() {
    local conf="$RUN/solr/home/configsets/$1/conf"; shift
    mkdir -p "$conf"
    cp "$ROOT/deploy/solr/configset/conf/"* "$conf/"
    "$VENV/bin/python" "$ROOT/deploy/solr/derive_schema.py" "$@" "$conf/schema.xml"
}

# True when Solr answers; fails fast (exit) when its JVM has died, instead of waiting out the timeout.
solr_up_or_dead() {
    pid_alive "$RUN/solr/solr.pid" || { tail -n 30 "$RUN/solr/solr.log" >&2; die "Solr exited during startup." "read $RUN/solr/solr.log"; }
    solr_answers
}

solr_answers() { curl -fsS "http://127.0.0.1:$SOLR_PORT/solr/admin/info/system?wt=json" >/dev/null; }

start_solr() {
    local dir="$RUN/solr" log="$RUN/solr/solr.log"
    mkdir -p "$dir"
    build_solr
    if pid_alive "$dir/solr.pid" && solr_answers; then
        # A running Solr keeps the schema it started with: restart it when the configsets changed.
        local before before_index; before="$(solr_home_digest)" before_index="$(solr_index_digest)"
        prepare_solr_home
        if [ "$before" = "$(solr_home_digest)" ]; then say "Solr already running on 127.0.0.1:$SOLR_PORT"; return; fi
        stop_pidfile "$dir/solr.pid"
        if [ "$before_index" != "$(solr_index_digest)" ]; then
            # Lucene refuses documents whose fields changed type under existing segments, so the
            # indexes start empty; `make run` then rebuilds the portal's index from the database.
            say "The Solr schema changed: restarting Solr with empty indexes"
            rm -rf "$dir/data"
        else
            say "The Solr configuration changed (not its schemas): restarting Solr, indexes kept"
        fi
    fi
    stop_pidfile "$dir/solr.pid"
    require_free_port "$SOLR_PORT" Solr THGOV_SOLR_PORT
    prepare_solr_home
    say "Starting Solr 9 on 127.0.0.1:$SOLR_PORT"
    (cd "$dir" && exec nohup java -Xms256m -Xmx${THGOV_SOLR_HEAP:-768m} -Dfile.encoding=UTF-8 \
        -Dsolr.log.dir="$dir" -Dsolr.data.home="$dir/data" \
        -cp "$ROOT/deploy/solr/target/classes:$(cat "$ROOT/deploy/solr/target/classpath.txt")" \
        th.go.thgov.solr.SolrNode "$dir/home" "$SOLR_PORT" >"$log" 2>&1) &
    echo $! >"$dir/solr.pid"
    STARTED_PIDFILES+=("$dir/solr.pid")
    wait_for 120 Solr "$log" -- solr_up_or_dead
    curl -fsS "http://127.0.0.1:$SOLR_PORT/solr/admin/cores?action=STATUS&core=ckan&wt=json&indent=false" | grep -q '"name":"ckan"' \
        || { tail -n 40 "$log" >&2; die "Solr is up but the core 'ckan' did not load." "read $log"; }
}

start_services() {
    mkdir -p "$RUN"
    ensure_debian_packages
    ensure_venv
    compile_translations
    start_postgres
    start_redis
    start_solr
}

# --- CKAN configuration ------------------------------------------------------------------

# The portal's ckan.ini: generated once (fresh secrets), then our shared settings merged in.
write_portal_ini() {
    local ini="$RUN/ckan/ckan.ini"
    mkdir -p "$RUN/ckan" "$RUN/storage"
    if [ ! -f "$ini" ]; then
        (umask 077; ckan generate config "$ini" >/dev/null)
    fi
    ckan config-tool "$ini" -f "$ROOT/deploy/ckan/settings.ini" >/dev/null
    ckan config-tool "$ini" \
        "sqlalchemy.url=$(db_url ckan)" \
        "solr_url=http://127.0.0.1:$SOLR_PORT/solr/ckan" \
        "ckan.redis.url=redis://127.0.0.1:$REDIS_PORT/0" \
        "ckan.site_url=http://127.0.0.1:$WEB_PORT" \
        "ckan.storage_path=$RUN/storage" >/dev/null
    CKAN_INI="$ini"; export CKAN_INI
}

# Environment for test.ini: a separate database, Solr core and Redis database.
export_test_env() {
    export CKAN_SQLALCHEMY_URL="$(db_url ckan_test)"
    export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/ckan_test"
    export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/1"
    export CKAN_STORAGE_PATH="$RUN/test-storage"
    # A second, empty portal for the ckanapi round trip: its own database, Solr core and Redis database.
    export THGOV_PEER_SQLALCHEMY_URL="$(db_url ckan_test_peer)"
    export THGOV_PEER_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/ckan_test_peer"
    export THGOV_PEER_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/2"
    export THGOV_RUN_DIR="$RUN"
    mkdir -p "$RUN/test-storage"
}
