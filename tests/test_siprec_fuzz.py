"""Property (issue 23, point 2): whatever an SRS answers, the SIPREC client's threads live on, the session ends in a
defined state, what it keeps stays bounded, and the next session to a well-behaved SRS works. Generated hostile
answers go through the real UDP, TCP and TLS paths (tests/support/siprec_fuzz.py says how, and what is checked);
secure sessions (over TLS) get SDP answers with generated crypto lines too.

`CI_CASES` generated cases, a third per transport, then the findings of the issue, the same on every run (the default
hypothesis profile is derandomized); `python -m benchmarks.fuzz_siprec --cases 5000` plays thousands.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.support.siprec_fuzz import TRANSPORTS, Case, FuzzRig, cases, finding_cases

CI_CASES = 300


def test_no_answer_of_an_srs_breaks_the_sip_client() -> None:
    with FuzzRig() as rig:
        # A third of the generated cases per transport, by construction: how often one value of a strategy is drawn
        # is not something to assert on (in a full run the three came out 50/130/133 against 100 each alone).
        for transport in TRANSPORTS:

            @settings(max_examples=CI_CASES // len(TRANSPORTS), database=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                             HealthCheck.large_base_example])
            @given(cases(transports=(transport,)))
            def one_case(case: Case) -> None:
                rig.run(case)

            one_case()
        for case in finding_cases():
            rig.run(case)

    counts = rig.counts
    assert counts["cases"] >= CI_CASES + len(finding_cases()), counts
    for transport in TRANSPORTS:
        assert sum(n for key, n in counts.items() if key.startswith(f"{transport} ")) >= CI_CASES // len(TRANSPORTS), \
            counts
    # The bounds were reached, and malformed messages dropped with a note, not only well-formed ones played.
    for reached in ("with a malformed message dropped", "with more provisional answers than kept",
                    "with more notes than kept"):
        assert counts[reached] > 0, counts
    # The secure path was played too (the findings' secure cases at least, whatever is drawn): answers refused for
    # their crypto lines, and one whose line was taken.
    assert counts["secure"] >= sum(case.secure for case in finding_cases()), counts
    assert counts["secure, refused for its crypto lines"] > 0, counts
    assert counts["secure, SRTP sent"] > 0, counts
