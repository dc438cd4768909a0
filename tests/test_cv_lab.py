"""bench.cv_lab: replaying the pipeline's tail gives the same answers as parsing the whole message."""

from conftest import ROOT

from bench.cv_lab import Fold, pipeline_index
from bot.rasa_plugins.linear_blend import LinearBlend
from bot.tools.evaluation import full_intent, load_examples


def test_pipeline_index_reads_rasas_node_names():
    assert pipeline_index("run_bot.rasa_plugins.linear_blend.LinearBlend5") == 5
    assert pipeline_index("run_CountVectorsFeaturizer12") == 12


def test_tail_replay_equals_a_full_parse(parser, model_path):
    examples = load_examples(str(ROOT / "tests" / "nlu_holdout.yml"))[::3]
    fold = Fold(model_path, examples, parser=parser)
    assert "LinearBlend" in fold.tail[0][0], "the tail starts at the blend"
    replayed = [full_intent(p) for p in fold.run()]
    parsed = [full_intent(parser.parse(e.text)) for e in examples]
    assert replayed == parsed and len(set(parsed)) > 10

    # A replaced component is used instead of the trained one: a blend that ignores the linear model
    # gives DIET's answer, which differs from the blend's on some messages.
    blend = fold.component("LinearBlend")
    diet_only = LinearBlend({**blend._config, "intent_weight": 0.0}, None, None, blend._model)
    assert [full_intent(p) for p in fold.run({"LinearBlend": diet_only})] != replayed
