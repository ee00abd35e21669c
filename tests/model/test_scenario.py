import base64
import json
import zlib

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from traitlets import Bool, Enum, Float, Int, TraitError

from zswap_widgets.model.config import Config
from zswap_widgets.model.scenario import PREFIX, from_code, to_code


def _value(trait):
    m = trait.metadata
    if isinstance(trait, Enum):
        return st.sampled_from(list(trait.values))
    if isinstance(trait, Bool):
        return st.sampled_from([None, True, False])
    if isinstance(trait, Int):
        s = st.integers(m["min"], m["max"])
        return st.one_of(st.none(), s) if trait.allow_none else s
    if isinstance(trait, Float):
        return st.floats(m["min"], m["max"], allow_nan=False)
    raise AssertionError(trait)


@st.composite
def configs(draw):
    names = draw(st.sets(st.sampled_from(list(Config.knobs()))))
    values = {n: draw(_value(Config.knobs()[n])) for n in names}
    try:
        return Config(**values)
    except TraitError:
        assume(False)


@settings(max_examples=150, deadline=None)
@given(configs())
def test_round_trip_is_identical(config):
    code = to_code(config)
    assert code.startswith(PREFIX)
    back = from_code(code)
    assert back == config
    assert back.to_dict() == config.to_dict()  # floats bit for bit, None kept as None


def test_default_config_has_a_short_code():
    assert from_code(to_code(Config())) == Config()
    assert len(to_code(Config())) < 20


def test_code_survives_whitespace_from_pasting():
    code = to_code(Config(kernel="patches-1-3", max_pool_percent=20, patch6=True))
    pasted = "  " + code[:10] + "\n" + code[10:] + " "
    assert from_code(pasted) == Config(kernel="patches-1-3", max_pool_percent=20, patch6=True)


def _pack(obj) -> str:
    return _pack_text(json.dumps(obj))


def _pack_text(text: str) -> str:
    raw = zlib.compress(text.encode(), 9)
    return PREFIX + base64.urlsafe_b64encode(raw).decode()


@pytest.mark.parametrize(
    ("code", "error", "words"),
    [
        ("", ValueError, "does not start with 'zsw1:'"),
        ("zsw2:abc", ValueError, "does not start with 'zsw1:'"),
        ("zsw1:!!!not-base64", ValueError, "damaged"),
        ("zsw1:" + base64.urlsafe_b64encode(b"plain").decode(), ValueError, "damaged"),
        (_pack([1, 2]), ValueError, "not a dict"),
        (_pack({"max_pool_percent": 400}), TraitError, "max_pool_percent = 400"),
        (_pack({"nonsense": 1}), TraitError, "unknown parameter 'nonsense'"),
        (
            _pack({"kernel": "v6.18", "allocator": "zbud"}),
            TraitError,
            "kernel v6.18 has only zsmalloc",
        ),
        ("zsw1:" + "A" * 5000, ValueError, "at most"),
        (_pack_text("[" * 30000 + "]" * 30000), ValueError, "nested too deeply"),
        (_pack({"alloc_mib": True}), TraitError, "scenario code: alloc_mib = True is not allowed"),
        (_pack({"patch6": 1}), TraitError, "scenario code: patch6 = 1 is not allowed"),
        (_pack({"seed": [1]}), TraitError, r"scenario code: seed = \[1\] is not allowed"),
    ],
)
def test_bad_codes_say_what_is_wrong(code, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(")):
        from_code(code)


def test_a_code_is_a_string():
    with pytest.raises(ValueError, match="string"):
        from_code(b"zsw1:abc")  # type: ignore[arg-type]
