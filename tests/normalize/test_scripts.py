"""Every script gets words, sentences and roles that mean what they mean in English."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail import CompareConfig, LoadedText, Role, SourceFormat, compare, load_bytes, prepare_document
from copytrail.normalize import match_words, normalise_for_match
from copytrail.normalize.scripts import count_words, ends_sentence, fold, has_unspaced

# Three sentences of a Chinese news story (WMT 2021, guardian.44758), as issue 9 measured them.
ZH = (
    "利比亚：12 月 24 日选举总统的计划近乎流产\n\n"
    "周日，利比亚计划了很久的 12 月 24 日举行首次总统选举的可能性似乎接近破灭，此前，监督投票的机构表示，"
    "由于法律方面仍存在疑问，无法宣布批准的候选人。在距离选举不到两周、几乎没有竞选时间的情况下，"
    "推迟选举对国际社会抱有的重新统一这个严重分裂国家的希望是个沉重的打击。\n\n"
    "外国势力也会担心民主的整体势头会消失。"
)
JA = (
    "リビア大統領選挙、延期の公算\n\n"
    "リビアが初の大統領選挙を念願の12月24日に実施する見込みは、日曜日に、投票監督機関が継続する法的懸念を理由に"
    "承認された候補者を発表することができないと述べたことで、破綻寸前と見られた。"
    "選挙まで２週間を切り、選挙運動の時間がほぼない中、延期となれば、徹底的に分断された国の統一を望む"
    "国際社会にとって大きな打撃となるだろう。\n\n"
    "また、外国勢力は民主化に向けた全体的な勢いが消散しかねないと恐れることになる。"
)
AR = (
    "سامي يعمل في المدينة\n\n"
    "كان سامي يربح الكثير من المال في عمله الجديد في وسط المدينة. كان يريد أن يشتري بيتا كبيرا لعائلته قبل الشتاء. "
    "قالت ليلى إن الطقس أصبح حارا جدا هذا الأسبوع.\n\n"
    "هل أنت بخير؟ نعم، أنا بخير وأعمل كثيرا في المكتب كل يوم."
)


def doc(text: str):
    return prepare_document(LoadedText("t", text, SourceFormat.TEXT, "utf-8", len(text)))


def words_config() -> CompareConfig:
    return CompareConfig(embedder="none", explain=False)


def test_fold_matches_what_writers_add_or_leave_out() -> None:
    # Arabic: vowel marks and tatweel are optional.
    assert fold("كَتَبَ الْوَلَدُ") == fold("كتب الولد")
    assert fold("كـــتب") == fold("كتب")
    # Greek final sigma and German sharp s fold like their other forms; Cyrillic lower-cases.
    assert fold("ΟΔΟΣ") == fold("οδος") == fold("οδοσ")
    assert fold("Straße") == fold("STRASSE")
    assert fold("МОСКВА") == "москва"
    # Fullwidth digits and letters are their ASCII selves; a decomposed accent composes.
    assert fold("２０２２年ＡＢＣ") == "2022年abc"
    assert fold("cafe\u0301") == fold("café")


def test_combining_marks_stay_inside_words() -> None:
    # Devanagari vowel signs are marks (not \w): they must not cut a word in two.
    assert match_words(normalise_for_match("यह एक वाक्य है।")) == ["यह", "एक", "वाक्य", "है"]
    assert match_words(normalise_for_match("Привет, мир!")) == ["привет", "мир"]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=200))
def test_latin_text_words_are_whitespace_words(text: str) -> None:
    """English results cannot move: for scripts with spaces, words and counts are the old ``split()``."""
    norm = normalise_for_match(text)
    assert match_words(norm) == norm.split()
    assert count_words(text) == len(text.split())


def test_unspaced_scripts_match_by_character_and_count_in_english_words() -> None:
    assert match_words(normalise_for_match("外国势力，也会担心。")) == list("外国势力也会担心")
    assert match_words(normalise_for_match("2022年的GDP增长")) == ["2022", "年", "的", "gdp", "增", "长"]
    assert has_unspaced("ロシア") and has_unspaced("ภาษาไทย") and not has_unspaced("Москва")
    # 18 Chinese characters say about what 11 English words say ("Foreign powers will also
    # fear the overall momentum towards democracy could dissipate" has 12).
    assert 9 <= count_words("外国势力也会担心民主的整体势头会消失。") <= 12
    # A Chinese sentence is many words, not one whitespace token.
    assert count_words(ZH.split("\n\n")[1]) > 40
    assert count_words("2022年") == 2


def test_sentence_ends_beyond_ascii() -> None:
    terminals = (".", "!", "?")
    assert ends_sentence("我们走吧。", terminals)
    assert ends_sentence("他说：「我们走吧。」", terminals)
    assert ends_sentence("هل أنت بخير؟", terminals)
    assert ends_sentence("यह एक वाक्य है।", terminals)
    assert not ends_sentence("利比亚：12 月 24 日选举总统的计划近乎流产", terminals)


def test_sentences_are_cut_in_chinese_japanese_hindi_and_arabic() -> None:
    def sentences(text: str) -> list[str]:
        return [s.text for s in doc(text).segments]

    # A closing quote belongs to the sentence it closes, not to the next one.
    assert sentences("他说：「我们走吧。」然后走了。") == ["他说：「我们走吧。」", "然后走了。"]
    assert sentences("今日は晴れ！明日は？") == ["今日は晴れ！", "明日は？"]
    assert sentences("यह एक लंबा वाक्य है। यह दूसरा वाक्य है।") == ["यह एक लंबा वाक्य है।", "यह दूसरा वाक्य है।"]
    assert sentences("هل أنت بخير؟ نعم أنا بخير.") == ["هل أنت بخير؟", "نعم أنا بخير."]
    # Thai ends a sentence with a space; Latin words between Thai ones do not cut.
    assert sentences("ฉันรักคุณมาก ฉันไปตลาดทุกวัน") == ["ฉันรักคุณมาก", "ฉันไปตลาดทุกวัน"]
    assert sentences("ฉันใช้ iPhone ทุกวัน") == ["ฉันใช้ iPhone ทุกวัน"]


@pytest.mark.parametrize("text", [ZH, JA, AR], ids=["zh", "ja", "ar"])
def test_story_text_is_not_taken_for_chrome(text: str) -> None:
    segments = doc(text).segments
    assert segments[0].role is Role.HEADING
    # Every sentence of the prose paragraph is story (a Chinese sentence used to be one
    # whitespace "word", hence navigation). The short last paragraph follows the English
    # rule: under 12 words after the last prose line is a footer (ZH's counts 11).
    body = [s for s in segments if s.block == 1]
    assert len(body) >= 2
    assert all(s.role is Role.STORY for s in body), [(s.role, s.reason) for s in segments]
    assert not any(s.reason == "navigation" for s in segments)


@pytest.mark.parametrize("text", [ZH, JA, AR], ids=["zh", "ja", "ar"])
def test_a_document_against_itself_is_a_duplicate(text: str) -> None:
    data = text.encode()
    report = compare(load_bytes(data, name="a.txt"), load_bytes(data, name="b.txt"), config=words_config())
    assert report.relation.value == "duplicate"
    assert report.coverage.a == report.coverage.b == 1.0


def test_a_chinese_light_edit_is_a_near_duplicate_and_another_story_unrelated() -> None:
    edited = ZH
    swaps = {"很久": "很长时间", "沉重": "严重", "几乎": "", "周日": "周六", "选举": "投票", "国际社会": "世界"}
    for old, new in swaps.items():
        edited = edited.replace(old, new)
    report = compare(load_bytes(ZH.encode(), name="a"), load_bytes(edited.encode(), name="b"), config=words_config())
    assert report.relation.value == "near_duplicate"
    # Words alone share nothing across Chinese and Japanese: with language identification
    # off that reads "unrelated"; with it on (the default) the report says words alone
    # cannot cover two languages, rather than "unrelated".
    other = load_bytes(JA.encode(), name="b")
    report = compare(load_bytes(ZH.encode(), name="a"), other, config=replace(words_config(), languages=False))
    assert report.relation.value == "unrelated"
    report = compare(load_bytes(ZH.encode(), name="a"), other, config=words_config())
    assert (report.languages.a, report.languages.b) == ("zh", "ja")
    assert report.relation.value == "not_covered"


def test_arabic_with_and_without_vowel_marks_is_the_same_text() -> None:
    marked = AR.replace("كان", "كَانَ").replace("المدينة", "المـــدينة")
    report = compare(load_bytes(AR.encode(), name="a"), load_bytes(marked.encode(), name="b"), config=words_config())
    assert report.relation.value == "duplicate"


def test_quotes_in_other_scripts_are_found() -> None:
    from copytrail.explain.quotes import extract_quotes

    texts = {
        "他说：“我们必须在十二月之前完成这项工作。”": "我们必须在十二月之前完成这项工作。",
        "彼は「この仕事を十二月までに終えねばならない」と述べた。": "この仕事を十二月までに終えねばならない",
        "Он сказал: «Мы должны закончить эту работу до декабря».": "Мы должны закончить эту работу до декабря",
        "Er sagte: „Wir müssen diese Arbeit bis Dezember beenden.“": "Wir müssen diese Arbeit bis Dezember beenden.",
    }
    for text, inner in texts.items():
        assert [q.text for q in extract_quotes(text)] == [inner]
    # Too short to be a quote: two words' worth of Chinese.
    assert extract_quotes("他说“好的”。") == []


def test_gists_of_unspaced_text_are_cut_to_a_line() -> None:
    from copytrail.explain import gist
    from copytrail.records import Span

    d = doc(ZH)
    body = d.segments[1]
    line = gist(d, Span(body.start, body.end))
    assert line.endswith(" …") and len(line) <= 34
    assert body.text.startswith(line[:-2])


def test_a_clause_added_to_a_chinese_sentence_is_found() -> None:
    from copytrail.align.gaps import unmatched_clauses

    short = doc("外国势力也会担心民主的整体势头会消失。").segments[0]
    text = "外国势力也会担心民主的整体势头会消失，尤其是在冬季的战斗预计放缓的时候。"
    longer = doc(text).segments[0]
    spans = unmatched_clauses(longer, short, text)
    assert [text[s.start : s.end] for s in spans] == ["尤其是在冬季的战斗预计放缓的时候"]
    assert unmatched_clauses(short, longer, short.text) == []


def test_pair_features_see_chinese_words_and_fullwidth_numbers() -> None:
    from copytrail.align.features import FEATURE_NAMES, numbers, pair_features

    assert numbers("增长２０２２年") == numbers("2022年") == {"2022"}
    a, b = "外国势力也会担心民主的势头。", "他们需要决定临时政府是否继续。"
    same = dict(zip(FEATURE_NAMES, pair_features(a, a, 0.0)))
    other = dict(zip(FEATURE_NAMES, pair_features(a, b, 0.0)))
    assert same["bigram_min"] == same["trigram_min"] == 1.0 and same["number_mismatch"] == 0.0
    assert other["bigram_max"] == other["trigram_max"] == 0.0


def test_rarity_mass_of_unspaced_text_counts_its_words() -> None:
    from copytrail.align.evidence import sentence_mass

    sentence = "外国势力也会担心民主的整体势头会消失。"
    assert sentence_mass(sentence) == count_words(sentence) == 11
    # Latin text still goes word by word through wordfreq: the commonest words weigh ~0.
    assert sentence_mass("the the the") < 0.5


def test_report_diffs_mark_the_changed_characters_not_the_whole_clause() -> None:
    from copytrail.report.html import word_diff

    a, b = "利比亚计划了很久的选举。", "利比亚计划了很长时间的选举。"
    marked_a, marked_b = word_diff(a, b)
    assert ["".join(a[s:e] for s, e in marked_a), "".join(b[s:e] for s, e in marked_b)] == ["久", "长时间"]
    # English keeps its word-level diff.
    assert word_diff("the long vote", "the short vote") == ([(4, 8)], [(4, 9)])


_ASCII_TEXT = st.text(alphabet=st.characters(max_codepoint=127), max_size=120)


@settings(max_examples=400, deadline=None)
@given(_ASCII_TEXT)
def test_ascii_fast_paths_answer_as_the_general_ones(text: str) -> None:
    """ASCII text skips the regexes of normalise, has_unspaced and split_extra_sentences; it gets their answers."""
    from copytrail.normalize.scripts import _NON_WORD, _UNSPACED, _split_at_marks, split_extra_sentences

    assert normalise_for_match.__wrapped__(text) == _NON_WORD.sub(" ", fold(text)).strip()
    assert has_unspaced(text) is (_UNSPACED.search(text) is not None)
    spans = [(s, e) for s in range(0, len(text) + 1, 7) for e in (s + 3, s + 11) if e <= len(text)]
    assert split_extra_sentences(text, spans) == _split_at_marks(text, spans)
