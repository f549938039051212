"""The default target set: every reference target sourced, and pointing the KPI's way."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from u4ssc.core.scoring import SCORED, direction_of

EXAMPLE = Path(__file__).parents[1] / "examples" / "cities.csv"


def test_every_reference_target_names_a_publication_and_its_address(official):
    for output_id, target in official.target_set.targets.items():
        if target.kind == "reference":
            assert "https://" in target.source, output_id
            assert target.note, output_id


def test_every_target_points_the_way_of_its_kpi(official):
    for output in official.outputs:
        target = official.target_set.get(output.id)
        if target is None or target.value is None:
            continue
        scored_in = direction_of(output, target)
        if scored_in == "yes/no":
            assert output.unit.lower() in ("yes/no", "yes or no"), output.id
        elif scored_in == "approach":
            assert output.indicator.code == "SC: SH: SI: 1C"
        else:
            assert scored_in == output.direction, output.id


def test_reference_targets_alone_lift_the_example_coverage_well_above_28_percent(official):
    result = official.score(str(EXAMPLE))
    scored = np.count_nonzero(result.scores.coverage == SCORED)
    assert scored / result.scores.coverage.size > 0.37


def test_every_scored_row_names_its_targets_kind_and_source(official):
    frame = official.score(str(EXAMPLE)).to_frame()
    scored = frame[frame["points"].notna()]
    assert len(scored) == 516
    assert set(scored["target_kind"]) == {"official", "reference"}
    assert (scored["target_source"].str.len() > 10).all()
    housing = scored[scored["code"] == "SC: SH: HO: 2A"]
    assert (housing["target"] == 30).all()
    assert housing["target_source"].str.contains("30 % of its total income").all()


def test_a_target_given_without_a_source_names_where_it_came_from(official, tmp_path, build):
    import arithmetic

    path = tmp_path / "mine.csv"
    path.write_text("code,target\nEC: ICT: WS: 1C,80\n", encoding="utf-8")
    frame = official.score(str(EXAMPLE), targets=path).to_frame()
    water = frame[frame["code"] == "EC: ICT: WS: 1C"]
    assert set(zip(water["target_kind"], water["target_source"], strict=True)) == {
        ("user", "mine.csv, line 2")
    }
    # A plugin's target without a source is named after its plugin.
    target = build(arithmetic=arithmetic).target_set.get("AR: OP: MX: 1C")
    assert (target.kind, target.source) == ("local", "plugin 'arithmetic'")


def test_the_scoring_docs_explain_every_kind_of_target_the_peer_rule_and_trends():
    from u4ssc.core.targets import KINDS
    from u4ssc.core.trends import PROGRESS

    text = (EXAMPLE.parents[1] / "docs" / "scoring.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"| `{kind}` |" in text, kind
    for heading in ("## Peer targets: the performance of leading cities", "## Progress over time"):
        assert heading in text
    assert "**Caveats.**" in text
    for status in PROGRESS:
        assert f"`{status}`" in text, status
