# shellcheck shell=bash
# Shared by the examples' run scripts (sourced, not run): the Pulumi CLI check, a local backend, and the emulator.

# Exits with advice when the Pulumi CLI is missing; $1 names the script for the message.
require_pulumi() {
    if ! command -v pulumi >/dev/null 2>&1; then
        cat >&2 <<MESSAGE
$1 needs the Pulumi CLI, and \`pulumi\` is not on your PATH.
Install it with
    curl -fsSL https://get.pulumi.com | sh
(or see https://www.pulumi.com/docs/iac/download-install/), open a new shell, and run this again.
The tests (.ci/run) do not need it.
MESSAGE
        exit 127
    fi
}

# Keeps the stack's state in the folder $1, with a passphrase that only protects the emulator's throwaway key.
use_local_backend() {
    mkdir -p "$1"
    export PULUMI_BACKEND_URL="file://$1"
    export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-examples-local-only}"
    export PULUMI_SKIP_UPDATE_CHECK=1
}

# Starts the emulator with python $1, logs in folder $2, key $3 and a live call $4; sets EMULATOR_URL and stops
# the emulator when the script exits.
start_emulator() {
    "$1" -m pulumi_telnyx_siprec.emulator --port 0 --api-key "$3" --call "$4" >"$2/emulator.out" 2>"$2/emulator.err" &
    emulator_pid=$!
    trap 'kill "$emulator_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 100); do
        [ -s "$2/emulator.out" ] && break
        kill -0 "$emulator_pid" 2>/dev/null || break
        sleep 0.1
    done
    EMULATOR_URL="$(head -n 1 "$2/emulator.out" 2>/dev/null || true)"
    if [ -z "$EMULATOR_URL" ]; then
        echo "the emulator did not start:" >&2
        cat "$2/emulator.err" >&2
        exit 1
    fi
    echo "emulator at $EMULATOR_URL, with call $4 in progress"
}

# Prints the connectors and sessions the emulator at $2 holds, with python $1.
show_emulator_state() {
    "$1" - "$2" <<'PY'
import json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1].removesuffix("/v2") + "/_emulator/state"))
for name, connector in state["connectors"].items():
    print(f"  connector {name}: {connector['host']}:{connector['port']}")
for session in state["sessions"]:
    print(f"  session {session['sid']} on {session['call_sid']}: {session['status']}, received {session['params']}")
if not state["connectors"] and not state["sessions"]:
    print("  (nothing)")
PY
}
