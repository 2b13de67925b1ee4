"""Pure: an LLM's answer from the report's passages — what the model reads, and whether its reply may be served.

The model is asked when the extractive step is not sure of its answer (`Draft.sure` is False). It reads a few
passages only (the sentences that best match the question and the nearest figures' sentences, ~100-250 tokens:
on 2 cores reading the prompt is most of the model's time), each labelled with its report when several reports
are asked. Its reply is served only when
- every number in it stands in a passage it was shown and the clause stating it names what was asked
  (`app.verify_llm`: the question's words, its measure, its year). The words are those that say what is asked,
  not how (`asked_content`): particles, conjunctions, a colloquial verb the report never writes (托着, 搞了) and
  the body's own names are no content; a figure of "A、B各是x,y" is named by its own subject only,
- its words follow the passages (a reason or a list is the report's, not the model's), and
- it does not say that the report lacks the answer: such a reply is an abstention.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.answer import Citation, NumberCheck
from app.compose import Draft, names_a_person
from app.lookup import bigrams
from app.question import DERIVED, FIGURE, Question, in_order, in_report_year, report_names
from app.retrieve import Knowledge, Passage
from app.verify_llm import OFF_QUESTION, Focus, first_unsettled, missing_figures, verify_llm_answer
from ingest.numbers import ROLE_ORDINAL, ROLE_YEAR, UNITS, find_numbers

MAX_PASSAGE_CHARS = 260  # ~180 tokens of Chinese: what the model reads besides the question (~50 tokens/s)
MAX_PASSAGES = 4
MAX_ANSWER_CHARS = 300  # a direct reply (the scorer's bound too), not a pasted passage
FIGURE_REPLY_TOKENS = 48  # a figure and the clause around it (5-20 tokens on dev; a longer one rambles)
TEXT_REPLY_TOKENS = 160  # a reason or a short list
MIN_FOLLOWING = 0.7  # share of a reply's Chinese characters that must come from the passages or the question

# How a model says the report lacks the answer (the prompt asks for prompts.NO_ANSWER; small models vary it).
_NOT_FOUND = re.compile(
    r"没有找到|未找到|找不到|没有(?:直接)?(?:提到|提及|给出|写|说明|涉及|相关)|未(?:直接)?(?:提到|提及|给出|写|说明|涉及)|"
    r"并未提|无法(?:回答|确定|得知|判断)|不知道|无相关信息|没有.{0,6}(?:信息|内容|数据)|"
    r"\bnot (?:provided|mentioned|stated|found|specified|given|included)\b|"
    r"\bdoes(?:n't| not) (?:contain|mention|state|say|specify|provide|include)\b|\bno information\b|"
    r"\bcannot (?:be )?(?:determined|answer|find)\b|\b(?:don't|do not) know\b", re.I)
# characters that join the report's words in any answer: never a sign of the model's own knowledge
_JOINING = frozenset("的是了和与及或在为有共等其中约达到即并且也都被将从对按以于这该此其各每个项年月日没无未不否")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_ECHO_PREFIX = re.compile(r"^(?:(?:问题|问)[：:][^\n]*\n+)?(?:回答|答案|答)[：:]\s*")


@dataclass(frozen=True)
class Checked:
    """A model reply as the checks found it."""

    text: str  # the reply as it would be served (trimmed, at most MAX_ANSWER_CHARS)
    numbers: tuple[NumberCheck, ...] = ()
    citations: tuple[Citation, ...] = ()  # the shown passages it rests on
    not_found: bool = False  # the reply says the report does not hold the answer
    problems: tuple[str, ...] = ()  # what the retry tells the model; empty when it may be served

    @property
    def servable(self) -> bool:
        return not self.not_found and not self.problems


def may_answer(q: Question) -> bool:
    """Whether the model may answer this question from the passages at all: an English question with words the
    glossary cannot put in the report's terms ("How many zebra beds…") has parts no clause can be checked against."""
    return not (q.language == "en" and q.unmatched)


def select_passages(q: Question, draft: Draft, passages: Sequence[Passage], knowledge: Knowledge,
                    report_ids: Sequence[str]) -> list[Citation]:
    """What the model reads: the draft's own evidence, the nearest figures' sentences, then the sentences that best
    match the question, as long as they fit in MAX_PASSAGE_CHARS (the first always does)."""
    candidates = list(draft.citations) + list(draft.related)
    candidates += [Citation(s.text, s.section, s.report) for s, score in
                   knowledge.best_sentences(q, passages, report_ids, k=2 * MAX_PASSAGES) if score > 0]
    chosen: list[Citation] = []
    used = 0
    for c in candidates:
        if len(chosen) >= MAX_PASSAGES:
            break
        if _only_heading(c):
            continue  # "2．教育信息化建设项目。" under that heading: its label says it already
        if any(_squash(c.text) in _squash(o.text) or _squash(o.text) in _squash(c.text) for o in chosen):
            continue
        if chosen and used + len(c.text) > MAX_PASSAGE_CHARS:
            continue
        text = c.text if len(c.text) <= MAX_PASSAGE_CHARS else trimmed(c.text, q)
        chosen.append(Citation(text, c.section, c.report, c.highlights, c.table))
        used += len(text)
    return chosen


_PIECE_END = re.compile(r"(?<=[。；;！？!?\n])")


def trimmed(text: str, q: Question, limit: int = MAX_PASSAGE_CHARS) -> str:
    """A passage longer than the model should read (a form's whole head, a long paragraph), cut to its run of
    sentences or lines that best matches the question's words, at most `limit` characters, verbatim: on 2 cores
    every character read costs time, and what the model is shown is what its figures are verified against."""
    pieces = [p for p in _PIECE_END.split(text) if p]
    if len(pieces) < 2:
        return text[:limit]
    # each word asked counts by how few pieces hold it: the title names the project, one line its 执行率
    words = [bigrams(w) for t in (q.terms or (q.text,)) for w in t.split("|")[:1] if bigrams(w)]
    holds = [[bool(w & bigrams(p)) for w in words] for p in pieces]
    df = [max(1, sum(h[j] for h in holds)) for j in range(len(words))]
    scores = [sum(1 / df[j] for j, held in enumerate(h) if held) for h in holds]
    best = max(range(len(pieces)), key=lambda i: (scores[i], -i))
    start, end = best, best + 1
    while True:  # grow towards the better-matching neighbour while it fits
        options = [i for i in (start - 1, end) if 0 <= i < len(pieces)
                   and sum(len(p) for p in pieces[min(start, i):max(end, i + 1)]) <= limit]
        if not options:
            break
        i = max(options, key=lambda i: (scores[i], -abs(i - best)))
        start, end = min(start, i), max(end, i + 1)
    return "".join(pieces[start:end])[:limit].strip()


def passages_text(citations: Sequence[Citation], titles: dict[str, str]) -> str:
    """The passages as the prompt lists them: "[1]（section）text", with 《report title》 first when several reports
    are asked (`titles` maps report id -> title only then). A passage from the same report and section as the one
    before it goes without the label: the model read it once, and every token read costs time on 2 cores."""
    lines = []
    previous = None
    for i, c in enumerate(citations):
        title = f"《{titles[c.report]}》" if c.report in titles else ""
        section = c.section.split(" > ")[-1]
        label = f"{title}{f'（{section}）' if section else ''}"
        lines.append(f"[{i + 1}]{label if label != previous else ''}{c.text}")
        previous = label
    return "\n".join(lines)


def _only_heading(c: Citation) -> bool:
    """The passage is its own section's heading and nothing more."""
    text = _squash(c.text).rstrip("。.:：")
    return bool(text) and text in _squash(c.section.split(" > ")[-1])


def passage_focus(q: Question, knowledge: Knowledge | None = None, report_ids: Sequence[str] = (),
                  passages: Sequence[Passage] = (), dense: Mapping[str, float] | None = None) -> Focus:
    """What a figure of the model's reply must be tied to: the question's words, its measures and its years (no
    figure was chosen for it: the extractive step was not sure). With the knowledge, also the reports' years (a
    figure whose text names no year is of its report's) and the figures the lookup found to be of another year,
    kind or qualifier, or a part or narrower item than asked: the model may read a paraphrase the lookup missed,
    but does not overrule those."""
    # a question counting something ("多少职工") asks a count, not a sum of money or a share
    # (a change is said in its measure or as a share: "次均门诊费用涨了多少" -> 增长3.2%)
    kinds = tuple("" if a.change else a.kind or ("count" if a.object else "")
                  for a in q.asks) if q.intent in (FIGURE, DERIVED) else ()
    kinds = () if "" in kinds else kinds
    measure = _MEASURE_ASKED.search(q.original)
    report_years: tuple[tuple[str, int], ...] = ()
    vetoed: tuple[tuple[str, str], ...] = ()
    if knowledge is not None:
        reports = [knowledge.reports[r] for r in report_ids if r in knowledge.reports]
        report_years = tuple((r.id, r.year) for r in reports if r.year)
        if len({r.year for r in reports}) == 1 and reports[0].year:
            q = in_report_year(q, reports[0].year)  # 去年/今年 against the report's own year
        if q.intent == FIGURE:
            vetoed = _vetoed_by_lookup(q, knowledge, report_ids, passages, dense or {})
    # the words that say what is asked, not how (托着 -> 托, 搞了几场科普活动 -> 科普活动): the report's own words
    vocabulary = knowledge.report_text(list(report_ids)) if knowledge is not None else None
    bodies = tuple(n for r in report_ids if knowledge is not None and r in knowledge.reports
                   for n in report_names(knowledge.reports[r]))
    terms, required = asked_content(q.terms, vocabulary, bodies)
    asks: list[tuple[str, ...]] = []
    for a in q.asks if q.intent in (FIGURE, DERIVED) else ():
        if a.subject:
            words, needed = asked_content(a.subject, vocabulary, bodies)
            asks.append(words)
            required += needed
    distributed = _distributed(knowledge, report_ids) if knowledge is not None else ()
    return Focus((), terms, q.original, figure_question=False, kinds=kinds, years=q.years, tie_all=True,
                 measure=measure.group(1) if measure else "", report_years=report_years, vetoed=vetoed,
                 operands=q.operands if q.intent == DERIVED else (), asks=tuple(asks),
                 required=tuple(dict.fromkeys(required)), distributed=distributed)


def _distributed(knowledge: Knowledge, report_ids: Sequence[str]) -> tuple[tuple[str, str, str, str], ...]:
    """The figures of distributed statements ("A、B各是x,y") of these reports, as ingest split them: (sentence,
    number, the enumeration as written, the figure's own subject)."""
    wanted = set(report_ids)
    out = []
    for f in knowledge.figures:
        group = f.extra.get("group") if f.report in wanted else None
        if not group or not group.get("subjects"):
            continue
        enumerated = re.split(r"各|分别", group.get("clause", ""), maxsplit=1)[0]
        enumerated = enumerated[max((m.end() for m in re.finditer(r"[，,；;。：:]", enumerated)), default=0):]
        index = group.get("index", -1)
        if enumerated and 0 <= index < len(group["subjects"]):
            out.append((f.sentence, f.text, enumerated, group["subjects"][index]))
    return tuple(out)


# jieba's tags of a word that names a thing: nouns and names (n…), a verb used as a noun (培训, 救助), an
# abbreviation, a set phrase, an idiom, latin letters, a word it does not know
_NAMING_TAGS = ("n", "vn", "an", "j", "l", "i", "eng", "x")
# particles (着, 了, 的, 呢), conjunctions and prepositions (和, 比, 与, 在): never what is asked
_FUNCTION_TAGS = ("u", "y", "e", "o", "c", "p")
_LINKING = frozenset("是有为到给让把将")  # verbs that only link what is asked ("主管部门是谁", "提高到多少")


def asked_content(terms: Sequence[str], vocabulary: str | None,
                  body_names: Sequence[str] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The question's words that say what it asks, for tying a model's figure, and those of them that must stand
    whole in the figure's context.

    How a question asks is no part of what it asks: a particle, conjunction or preposition (托着 -> 托, 和…比) never
    is, nor is a one-character verb or adverb, or a pronoun or adverb of any length, that the report never writes
    (搞了几场科普活动 -> 科普活动, 弄了多少钱的项目 -> 项目). A word naming a thing stays though the report lacks it
    ("斑马床位": no clause can name it, so no figure is tied: the honest not-stated answer). A one-character verb the
    report writes as a word of its own (托 of 在托) stays, and must stand in the figure's context: the other words
    alone name a wider thing ("残疾人员49名" is not 在托).
    The reporting body named any way (`body_names`: 应急局 for …应急管理局, 中医院) is who reports, not what is asked:
    the report's clauses say 我局 or nothing.
    `vocabulary` is the reports' text; None (not known) keeps every word but the particles and requires none."""
    kept: list[str] = []
    required: list[str] = []
    for term in terms:
        if any(_names_body(term, name) for name in body_names):
            continue
        alternatives = term.split("|")
        pieces = [_asked_pieces(a, vocabulary) for a in alternatives]
        if len({len(p) for p in pieces}) != 1:  # the alternatives split differently: keep the term as asked
            kept.append(term)
            continue
        for parts in zip(*pieces):
            word = "|".join(dict.fromkeys(w for w, _ in parts))
            kept.append(word)
            if all(must for _, must in parts):
                required.append(word)
    if all(k in UNITS for k in kept):
        # nothing but ways of asking and a measure ("差了多少公里" -> 公里): every word stays asked
        return tuple(terms), ()
    return tuple(dict.fromkeys(kept)), tuple(dict.fromkeys(required))


def _written_alone(char: str, vocabulary: str, at_most: int = 30) -> bool:
    """The report writes this character as a word of its own somewhere ("在托" -> 托), not only inside other words
    (举办, 办理 -> 办 is no word of the report): read around its first occurrences."""
    import jieba

    for found, m in enumerate(re.finditer(re.escape(char), vocabulary)):
        if found >= at_most:
            break
        start = max(0, m.start() - 6)
        at = start
        for token in jieba.lcut(vocabulary[start:m.end() + 6]):
            if at == m.start() and token == char:
                return True
            at += len(token)
    return False


def _names_body(term: str, name: str) -> bool:
    """The term is the body's name or a short form of it: in the name (or its characters in order), at least three
    characters, ending as the name does (局, 院, 会, 中心 …): "应急局" for 梅州市梅江区应急管理局, "中医院" for 茂名市中医院."""
    return len(term) >= 3 and len(name) >= 3 and term[-1] == name[-1] and in_order(term, name)


def _asked_pieces(text: str, vocabulary: str | None) -> list[tuple[str, bool]]:
    """The runs of a term left when the words of asking are cut out, each with whether it must stand whole in a
    figure's context (`_must_stand`)."""
    import jieba.posseg

    pieces: list[tuple[str, bool]] = []
    run = ""
    for token in jieba.posseg.lcut(text):
        word, tag = token.word, token.flag
        named = tag.startswith(_NAMING_TAGS)
        asking = tag.startswith(_FUNCTION_TAGS) or word in _LINKING or (
            not named and vocabulary is not None and word not in vocabulary
            and (len(word) == 1 or tag.startswith(("d", "r"))))
        if asking:
            if run:
                pieces.append((run, _must_stand(run, verb, vocabulary)))
            run = ""
            continue
        run += word
        verb = tag.startswith("v") and not named
    if run:
        pieces.append((run, _must_stand(run, verb, vocabulary)))
    return pieces


def _must_stand(run: str, verb: bool, vocabulary: str | None) -> bool:
    """A verb of one character that the report writes as a word of its own (在托 -> 托) must stand in a figure's
    context; one the report writes only inside its words (举办, 住院) just counts with the others."""
    return len(run) == 1 and verb and vocabulary is not None and _written_alone(run, vocabulary)


# why the lookup finds a figure not to be the answer, where words alone cannot say otherwise (not "subject" or
# "object": a model reading the passage may see what the figure counts better than the word overlap did)
HARD_REASONS = frozenset({"kind", "qualifier", "year", "narrower", "part", "share"})
VETO_CANDIDATES = 20  # figures judged per ask


def _vetoed_by_lookup(q: Question, knowledge: Knowledge, report_ids: Sequence[str], passages: Sequence[Passage],
                      dense: Mapping[str, float]) -> tuple[tuple[str, str], ...]:
    from app.retrieve import passage_rank_of_figures

    index = knowledge.figure_index(list(report_ids))
    lookup = index.lookup(q, dense, passage_rank_of_figures(passages, index.figures), k=VETO_CANDIDATES)
    return tuple(dict.fromkeys((m.figure.sentence, m.figure.text) for matches in lookup.matches for m in matches
                               if not m.answers and m.why in HARD_REASONS))


# the measure word a question asks in: 多少张床 -> 张, 住几天 -> 天, 多少人次 -> 人次
_MEASURE_ASKED = re.compile(r"(?:多少|几)(人次|[\u4e00-\u9fff])")


def reply_tokens(q: Question) -> int:
    """The longest reply worth waiting for: a figure with its clause, or a short reason or list."""
    return FIGURE_REPLY_TOKENS if q.intent in (FIGURE, DERIVED) else TEXT_REPLY_TOKENS


def says_not_found(text: str) -> bool:
    """The reply says the report does not hold the answer."""
    return bool(_NOT_FOUND.search(text))


def clean_reply(text: str, question: str) -> str:
    """The reply without what small models put before the answer (the question repeated, "回答：")."""
    text = text.strip()
    if text.startswith(question) and len(text) > len(question):
        text = text[len(question):].lstrip()
    return _ECHO_PREFIX.sub("", text).strip()


def following(text: str, sources: Sequence[str], question: str = "") -> float:
    """Share of what the reply adds to the question that stands in the sources: its Chinese characters not in a
    two-character word of the question must each be in one of the sources (or be a joining character).

    "局长是本局的负责人" adds 本局的负责人 to "局长是谁？"; 负责人 is in no passage, so it follows only half-way.
    """
    text = "".join(text.split())
    grams: set[str] = set()
    for source in sources:
        grams |= bigrams(source)
    source_chars = set("".join(sources))
    asked = bigrams(question)
    in_words = lambda i, pool: text[max(0, i - 1):i + 1] in pool or text[i:i + 2] in pool  # noqa: E731
    added = [(i, ch) for i, ch in enumerate(text) if _CJK_CHAR.match(ch) and not in_words(i, asked)]
    if not added:  # the question's own words: an answer only with a figure (checked apart) or a yes or no
        return 1.0 if re.search(r"\d", text) or _NIL.search(text) or "有" in text or "是" in text else 0.0
    # a measure word right after a number ("143名") is the number's: it need only stand in the sources
    covered = sum(1 for i, ch in added if ch in _JOINING or in_words(i, grams)
                  or (i and text[i - 1].isdigit() and ch in source_chars))
    return covered / len(added)


def check_reply(reply: str, q: Question, shown: Sequence[Citation], focus: Focus) -> Checked:
    """Whether a reply from the passages may be served, and if not, each problem in words the model can act on."""
    text = _fit(clean_reply(reply, q.original))
    if not text:
        return Checked(text, problems=("回答是空的。",))
    if says_not_found(text):
        return Checked(text, not_found=True)
    if _bare(text) == _bare(q.original):  # "民政局今年买车了没有": the question, not an answer
        return Checked(text, problems=("回答只是重复了问题。请照报告原文回答问题。",))
    numbers = tuple(verify_llm_answer(text, shown, focus))
    problems = [number_problem(n) for n in numbers if not n.verified]
    figures = [n for n, t in zip(numbers, find_numbers(text)) if n.verified and t.role not in (ROLE_ORDINAL, ROLE_YEAR)]
    english = q.language == "en"
    chinese = len(_CJK_CHAR.findall(text))
    if q.intent in (FIGURE, DERIVED) and not figures and not _NIL.search(text):
        problems.append("没有给出所问的数字。报告原文写了就照抄数字和单位；没有写到就只回答：报告中没有找到相关信息。")
    elif q.intent == DERIVED and figures and not any(n.source.startswith("computed:") for n in figures):
        # a sum, a difference, last year's value: a figure the report states is not it, unless computed and shown
        problems.append("问题要计算：写出整个算式（如“A + B = C”），数字从报告原文照抄。")
    if chinese >= 4 and following(text, [c.text for c in shown], q.original) < MIN_FOLLOWING:
        problems.append("回答里有报告原文没有的说法。请照报告原文的说法回答，不要自己发挥。")
    elif english and chinese < 4 and not figures:
        # an English reply's words cannot be checked against the Chinese passages: only a verified figure can be
        problems.append("Give the figure the report states for this, copied exactly, or say: "
                        "The report does not state this.")
    cited = _rests_on(text, numbers, shown)
    if (not problems and _PERSON_ASKED.search(q.text) and not _BODY_ASKED.search(q.text)
            and not any(names_a_person(c.text) for c in cited)):
        # "项目负责人叫什么名字？" wants a person: "医院设备科" from "由医院设备科负责组织实施" is no one's name
        problems.append("问题问的是人名，报告原文没有写到时，只回答：报告中没有找到相关信息。")
    if problems:
        return Checked(text, numbers, problems=tuple(dict.fromkeys(problems)))
    return Checked(text, numbers, tuple(cited))


_NIL = re.compile(r"无|没有|未|不|\bno\b|\bnone\b|\bnot\b", re.I)  # "本年度无会议费支出": nil is an answer
# a question for a person ("院长是谁", "项目负责人叫什么名字"), not for a thing's name ("新建的小学叫什么")
_PERSON_ASKED = re.compile(r"是谁|谁是|姓名|姓什么|\bwho\b|(?:人|长|员|主任|书记)(?:叫什么|的名字)", re.I)
# ... but "主管部门是谁", "实施单位是谁" ask for a body: its name, not a person's
_BODY_ASKED = re.compile(r"(?:部门|单位|机构|机关|科室|处室|中心|[局院委办])(?:是谁|是哪)")


def reply_doomed(partial: str, q: Question, shown: Sequence[Citation], focus: Focus) -> bool:
    """A reply from the passages, still being written, that `check_reply` can no longer serve whatever follows:
    within what is always kept of it (the first third of MAX_ANSWER_CHARS) it already says that the report lacks
    the answer, or it states a complete number that stands in a passage about something else. Writing the rest
    only costs time. (A number stated nowhere is not enough: a lead may repeat a result its computation shows
    after it.)"""
    text = clean_reply(partial, q.original)
    if not text or q.original.startswith(text):
        return False  # nothing yet, or the question being repeated
    kept = text[:MAX_ANSWER_CHARS // 3]
    if says_not_found(kept) and not says_not_found(q.original):
        return True
    start, bad = first_unsettled(text, shown, focus)
    return bad is not None and bad.reason == OFF_QUESTION and start < len(kept)


# where a reply's sentence ends ("。", "!", a full stop that is no decimal point: "877.25万元." ends, "877." may grow)
_REPLY_END = re.compile(r"[。！？!?\n]|(?<!\d)\.")


def reply_done(partial: str, q: Question) -> bool:
    """A figure reply, still being written, that is complete: a sentence with a figure for every ask of the
    question. What a small model writes after that (a second answer, a comment) only costs time, and can only
    fail its checks."""
    if q.intent != FIGURE or any(a.change for a in q.asks):
        return False  # a derived reply, or a change, may give its result first and its computation after it
    text = clean_reply(partial, q.original)
    ends = [m.start() for m in _REPLY_END.finditer(text)]
    return len(ends) >= max(1, len(q.asks)) and bool(re.search(r"\d", text[:ends[-1]]))


def check_rephrase(reply: str, q: Question, shown: Sequence[Citation], focus: Focus) -> Checked:
    """Whether a rephrase of a sure extractive answer may be served: every number verified and tied, every chosen
    figure stated; the evidence holds the answer, so a reply that says otherwise is a problem, not an abstention."""
    text = clean_reply(reply, q.original)
    if not text or says_not_found(text):
        return Checked(text, problems=("报告中有答案（见已核验的要点），不要回答“没有找到”。",))
    numbers = tuple(verify_llm_answer(text, shown, focus))
    problems = [number_problem(n) for n in numbers if not n.verified]
    problems += [f"没有给出所问的数字“{m}”。" for m in missing_figures(text, focus)]
    if problems:
        return Checked(text[:600], numbers, problems=tuple(problems))
    # the evidence the answer rests on, then any other passage one of its numbers came from
    cited = list(focus.evidence) + [c for c in shown if c not in focus.evidence and any(n.source == c.text
                                                                                        for n in numbers)]
    return Checked(text[:600], numbers, tuple(cited or shown[:1]))


def number_problem(n: NumberCheck) -> str:
    """What the retry tells the model about one number it may not write."""
    if n.reason == OFF_QUESTION:
        return f"“{n.text}”不是问题所问的数字（它出自讲别的事情的句子），删掉它。"
    return f"“{n.text}”在报告原文中找不到，不要自己计算或改写数字。"


def _rests_on(text: str, numbers: Sequence[NumberCheck], shown: Sequence[Citation]) -> list[Citation]:
    """The shown passages a served reply rests on: those its numbers came from, else the one it follows most."""
    sources = {n.source for n in numbers if n.verified}
    cited = [c for c in shown if c.text in sources]
    if cited:
        return cited
    grams = bigrams(text)
    best = max(shown, key=lambda c: len(bigrams(c.text) & grams), default=None)
    return [best] if best is not None else []


def with_report(text: str, citations: Sequence[Citation], titles: dict[str, str], english: bool) -> str:
    """Lead with the report(s) the answer comes from ("据《…》：") when several reports are asked."""
    named = [titles[r] for r in dict.fromkeys(c.report for c in citations) if r in titles]
    if not named or any(t in text for t in named):
        return text
    if english:
        return f"According to {', '.join(f'《{t}》' for t in named)}: {text}"
    return f"据{''.join(f'《{t}》' for t in named)}：{text}"


def _fit(text: str) -> str:
    """At most MAX_ANSWER_CHARS, cut after a whole sentence where one ends in time."""
    if len(text) <= MAX_ANSWER_CHARS:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, MAX_ANSWER_CHARS)]
    return text[:ends[-1]] if ends and ends[-1] >= MAX_ANSWER_CHARS // 3 else text[:MAX_ANSWER_CHARS - 1] + "…"


def _bare(text: str) -> str:
    """The text without spaces and the punctuation that ends it."""
    return _squash(text).rstrip("？?。.！!")


def _squash(text: str) -> str:
    return "".join(text.split())
