import pytest

from dreamforge.dice import DiceExpression, DiceNotationError, parse


@pytest.mark.parametrize(
    ("notation", "expected"),
    [
        ("d20", DiceExpression(1, 20, 0)),
        ("2d6+3", DiceExpression(2, 6, 3)),
        ("4d6-1", DiceExpression(4, 6, -1)),
        (" 3D8 + 2 ", DiceExpression(3, 8, 2)),
        ("1d100", DiceExpression(1, 100, 0)),
    ],
)
def test_parse_valid_notation(notation, expected):
    assert parse(notation) == expected


@pytest.mark.parametrize("notation", ["2d", "d7", "101d6", "2d6*2"])
def test_parse_rejects_bad_notation(notation):
    with pytest.raises(DiceNotationError):
        parse(notation)


def test_expression_round_trips_to_text():
    for text in ("1d20", "2d6+3", "4d6-1"):
        assert str(parse(text)) == text


def test_expression_statistics():
    expression = parse("2d6+3")
    assert expression.minimum == 5
    assert expression.maximum == 15
    assert expression.average == 10.0
