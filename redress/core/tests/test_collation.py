from types import SimpleNamespace

from redress.core.collation import person_key, vietnamese_key


def test_letters_with_marks_and_d_bar_follow_their_base_letter():
    words = ["Đỗ", "Dương", "Ân", "An", "Ăn", "Bình", "Ơn", "Ôn", "On", "Uy", "Ưu", "Vũ"]
    assert sorted(words, key=vietnamese_key) == [
        "An",
        "Ăn",
        "Ân",
        "Bình",
        "Dương",
        "Đỗ",
        "On",
        "Ôn",
        "Ơn",
        "Uy",
        "Ưu",
        "Vũ",
    ]


def test_tones_only_break_ties():
    assert sorted(["má", "mạ", "ma", "mà", "mã", "mả", "mai"], key=vietnamese_key) == [
        "ma",
        "mà",
        "mả",
        "mã",
        "má",
        "mạ",
        "mai",
    ]


def test_people_are_listed_by_given_name_then_family_name():
    def person(given, family, username):
        return SimpleNamespace(first_name=given, last_name=family, get_username=lambda: username)

    people = [
        person("Mai", "Trần Thị", "c"),
        person("Anh", "Võ Quốc", "b"),
        person("Đức", "Lê", "d"),
        person("Dũng", "Phạm", "a"),
    ]
    assert [p.get_username() for p in sorted(people, key=person_key)] == ["b", "a", "d", "c"]
