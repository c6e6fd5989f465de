"""The rules that turn what a caller said into ticket fields, until the AI replaces them."""
import pytest

from domain.analysis import RuleAnalyzer, detect_language

CATEGORIES = {"Hardware": ["Laptop", "Impresora"], "Software": ["Correo", "ERP"], "Red": ["Wi-Fi", "VPN"]}


@pytest.mark.parametrize("text, category, subcategory", [
    ("La impresora del segundo piso no imprime", "Hardware", "Impresora"),
    ("My printer is jammed", "Hardware", "Impresora"),
    ("Outlook keeps asking for my password", "Software", "Correo"),
    ("No me conecta el wifi de la sala", "Red", "Wi-Fi"),
    ("La VPN da error 809", "Red", "VPN"),
    ("Something odd happened", None, None),
])
def test_category_comes_from_the_desks_own_subcategories(text, category, subcategory):
    facts = RuleAnalyzer().analyze(text, "es", CATEGORIES)
    assert (facts.category, facts.subcategory) == (category, subcategory)


def test_a_category_the_desk_lacks_is_never_invented():
    assert RuleAnalyzer().analyze("La impresora no imprime", "es", {"Red": ["VPN"]}).category is None


@pytest.mark.parametrize("text, impact, urgency", [
    ("El correo está caído para todos en la oficina", 1, 1),
    ("Nobody can log in, it is urgent", 1, 1),
    ("Mi equipo no puede abrir el ERP", 2, 2),
    ("My mouse is a bit slow", 3, 3),
])
def test_impact_and_urgency_follow_who_is_hit_and_how_hard(text, impact, urgency):
    facts = RuleAnalyzer().analyze(text, "es", CATEGORIES)
    assert (facts.impact, facts.urgency) == (impact, urgency)


def test_the_short_description_is_the_first_sentence_within_160_characters():
    facts = RuleAnalyzer().analyze("la vpn no conecta. Lo he intentado tres veces. Sigue igual.", "es", CATEGORIES)
    assert facts.short_description == "La vpn no conecta"
    assert facts.summary == "la vpn no conecta. Lo he intentado tres veces."
    long = RuleAnalyzer().analyze("palabra " * 60, "es", CATEGORIES).short_description
    assert len(long) <= 160 and long.endswith("...")


def test_language_is_told_by_its_words_and_falls_back_when_unclear():
    assert detect_language("No puedo abrir el correo desde esta mañana", "en") == "es"
    assert detect_language("I cannot open my email since this morning", "es") == "en"
    assert detect_language("VPN 809", "en") == "en"
