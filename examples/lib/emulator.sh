# shellcheck shell=bash
# Shared by the examples' run scripts (sourced, not run): a virtualenv with the package, the local emulator, and
# stack operations through tools/stack.py (a Pulumi CLI from PATH, or one built from the Go module proxy).

lib_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Makes the virtualenv $1 (if needed) and installs into it what `pip install` is given in the other arguments,
# running pip in the virtualenv's parent folder (as `pulumi install` runs it in the project folder); prints the
# virtualenv's python.
ensure_venv() {
    local venv="$1"
    shift
    if [ ! -x "$venv/bin/python" ]; then
        echo "== creating the virtualenv $venv" >&2
        "${PYTHON:-python3}" -m venv "$venv" || return 1
    fi
    (cd "$(dirname "$venv")" && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" >&2) \
        || { echo "pip could not install $* into $venv" >&2; return 1; }
    echo "$venv/bin/python"
}

# Starts the emulator with python $1, logs in folder $2, key $3, and the emulator options after that; sets
# EMULATOR_URL and stops the emulator when the script exits.
start_emulator() {
    local python="$1" logs="$2" key="$3"
    shift 3
    mkdir -p "$logs"
    "$python" -m pulumi_telnyx_siprec.emulator --port 0 --api-key "$key" "$@" >"$logs/emulator.out" 2>"$logs/emulator.err" &
    emulator_pid=$!
    trap 'kill "$emulator_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 100); do
        [ -s "$logs/emulator.out" ] && break
        kill -0 "$emulator_pid" 2>/dev/null || break
        sleep 0.1
    done
    EMULATOR_URL="$(head -n 1 "$logs/emulator.out" 2>/dev/null || true)"
    if [ -z "$EMULATOR_URL" ]; then
        echo "the emulator did not start:" >&2
        cat "$logs/emulator.err" >&2
        exit 1
    fi
    echo "emulator at $EMULATOR_URL"
}

# Runs tools/stack.py with python $1 for the project folder $2 on the local backend folder $3; the rest are its
# arguments (--config K=V, --secret K=V, then operations: preview, up, refresh, destroy, outputs).
run_stack() {
    local python="$1" project="$2" backend="$3"
    shift 3
    PYTHONPATH="$lib_root${PYTHONPATH:+:$PYTHONPATH}" "$python" -m tools.stack --project "$project" \
        --backend "$backend" "$@"
}

# Prints the connectors, calls and sessions the emulator at $2 holds, with python $1.
show_emulator_state() {
    "$1" - "$2" <<'PY'
import json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1].removesuffix("/v2") + "/_emulator/state"))
for name, connector in state["connectors"].items():
    print(f"  connector {name}: {connector['host']}:{connector['port']}")
for sid, call in state["calls"].items():
    if call.get("connection_id"):
        print(f"  call {sid}: {call['from']} -> {call['to']}, {call['status']}, custom headers {call['custom_headers']}")
for session in state["sessions"]:
    print(f"  session {session['sid']} on {session['call_sid']}: {session['status']}, received {session['params']}")
    sip = session.get("sip") or {}
    if sip.get("skipped"):
        print(f"    SIP: {sip['skipped']}")
    elif sip.get("srs"):
        print(f"    SIP to {sip['srs']} over {sip['transport']}: {sip.get('state')}, answered "
              f"{sip.get('final_code')} {sip.get('final_reason') or ''}, RTP packets sent {list(sip.get('rtp_packets', []))}, "
              f"BYE answered {sip.get('bye_code')}")
        suites = [m.get("srtp_suite") for m in sip.get("answered_media", []) if m.get("srtp_suite")]
        if suites:
            print(f"    SRTP: {', '.join(suites)} (the suite of the crypto line the SRS answered, per stream)")
for cid, call in state.get("call_control_calls", {}).items():
    print(f"  Call Control call {cid}: {call['from']} -> {call['to']}, {call['state']}, custom headers "
          f"{call['custom_headers']}")
    for session in call["sessions"]:
        print(f"  SIPREC session on it: {session['status']}, received {session['params']}")
        sip = session.get("sip") or {}
        if sip.get("skipped"):
            print(f"    SIP: {sip['skipped']}")
        elif sip.get("srs"):
            print(f"    SIP to {sip['srs']} over {sip['transport']}: {sip.get('state')}, answered "
                  f"{sip.get('final_code')} {sip.get('final_reason') or ''}, RTP packets sent "
                  f"{list(sip.get('rtp_packets', []))}, BYE answered {sip.get('bye_code')}")
webhooks = [c["event"] for c in state["callbacks"] if c.get("call_control_id")]
if webhooks:
    print(f"  webhooks sent (signed): {', '.join(webhooks)}")
if not (state["connectors"] or state["sessions"] or state["calls"] or state.get("call_control_calls")):
    print("  (nothing)")
PY
}
