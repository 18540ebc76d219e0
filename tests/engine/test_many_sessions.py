"""A program with several sessions under the genuine engine: each starts once with its own inputs, in parallel,
and `destroy` stops every one."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

from pulumi_telnyx_siprec.emulator import Emulator
from tests.support.engine import KEY, EngineStack, program_project

CALLS = [f"v3:many-{n}" for n in range(6)]


def test_several_sessions_start_once_each_and_destroy_stops_them_all(tmp_path: Path, cli: Path,
                                                                    emulator: Emulator) -> None:
    for call in CALLS:
        emulator.add_call(call)
    stack = EngineStack(program_project(tmp_path / "project", "many-sessions", "many"), tmp_path, cli=cli)
    stack.set_config({"telnyx:baseUrl": emulator.base_url, "calls": ",".join(CALLS)}, {"telnyx:apiKey": KEY})
    assert stack.preview().change_summary == {"create": len(CALLS) + 1}
    up = stack.up(parallel=16)
    starts = [r for r in emulator.state()["requests"] if r["route"] == "siprec.start"]
    by_call = {r["path"].split("/Calls/")[1].split("/")[0]: parse_qs(r["body"])["Track"][0] for r in starts}
    assert by_call == {call: ("inbound_track", "outbound_track", "both_tracks")[n % 3] for n, call in enumerate(CALLS)}
    sids = {s["sid"] for s in emulator.state()["sessions"]}
    assert set(up.outputs["sids"].value) == sids
    assert len(sids) == len(CALLS)
    stack.up(expect_no_changes=True)
    stack.destroy()
    assert {s["status"] for s in emulator.state()["sessions"]} == {"stopped"}
    assert len([r for r in emulator.state()["requests"] if r["route"] == "siprec.stop"]) == len(CALLS)
