"""Dialogue whose words contradict its emotion label ("happy" on "I hate you").

English is scored with VADER (rule-based, its lexicon ships in the wheel). Chinese is
scored with SnowNLP: pure Python, its naive-Bayes sentiment model is bundled in the
package (no download, no network, no torch), and it is already a pinned dependency.
SnowNLP was trained on shopping reviews, so it is blunt on drama ("我恨你" can score
positive); a small lexicon of strong drama words corrects it, and only strong
contradictions with no word supporting the label are flagged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..schemas import Issue, StoryView
from .text import Names, has_cjk, issue, scenes_in_order

POSITIVE_LABELS = frozenset(
    "happy joyful joy tender loving love hopeful relieved grateful excited proud amused content "
    "cheerful delighted elated affectionate warm playful adoring thankful triumphant ecstatic "
    "开心 快乐 高兴 喜悦 欣喜 幸福 温柔 温暖 欣慰 感激 感动 希望 期待 "
    "释然 甜蜜 兴奋 宠溺 深情 满足 骄傲 自豪 爱 喜爱 愉快 得意".split()
)
NEGATIVE_LABELS = frozenset(
    "angry furious rage enraged afraid scared fearful terrified frightened sad grieving grief "
    "desperate bitter contempt contemptuous hateful disgusted anxious ashamed guilty jealous hurt "
    "despair despairing miserable heartbroken panicked resentful hostile sorrowful devastated "
    "愤怒 生气 恼怒 暴怒 害怕 恐惧 惊恐 畏惧 悲伤 伤心 难过 悲痛 哀伤 绝望 "
    "痛苦 怨恨 苦涩 轻蔑 鄙视 焦虑 嫉妒 愧疚 委屈 心碎 恐慌 憎恨 厌恶 不屑".split()
)
# Strong drama words SnowNLP misreads; longest first so 害怕 is not also counted as 怕.
_ZH_POSITIVE = tuple(
    "太好了 谢谢 感谢 幸福 开心 高兴 快乐 喜欢 放心 可爱 "
    "温暖 美好 成功 赢了 欢迎 哈哈 宝贝 平安 安心 爱 ".split()
)
_ZH_NEGATIVE = tuple(
    "不会原谅 骗子 混蛋 该死 去死 害死 可恶 讨厌 失望 "
    "绝望 痛苦 害怕 恐惧 救命 毁了 废物 闭嘴 伤心 难过 "
    "死了 背叛 畜生 恨 滚 杀 怕 哭 ".split()
)
_ZH_WORDS = sorted(
    [(w, 0) for w in _ZH_POSITIVE] + [(w, 1) for w in _ZH_NEGATIVE], key=lambda x: -len(x[0])
)
_NEGATORS = "不别没莫勿"
# Flag thresholds, lenient on purpose: sarcasm ("Great. Just great.") and love in grief
# ("I love you, Mom. Please don't go.") score high on words alone, so a negative label is
# only contradicted by a very positive score, and a Chinese flag also needs a lexicon word.
EN_FLAG = {1: -0.6, -1: 0.8}  # positive label: compound <= -0.6; negative label: >= 0.8
ZH_FLAG = {1: -1.0, -1: 1.5}
_LABEL_RE = re.compile(r"[a-z]+|[\u4e00-\u9fff]+")


def expected_polarity(label: str) -> int:
    """+1 or -1 for a known emotion label, 0 for one we do not check (neutral, surprised...)."""
    for word in _LABEL_RE.findall(label.casefold())[:2]:
        word = word.removesuffix("的")
        if word in POSITIVE_LABELS:
            return 1
        if word in NEGATIVE_LABELS:
            return -1
    return 0


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _snownlp(text: str) -> float:
    """SnowNLP's probability that a text is positive (its bundled model loads on first use)."""
    from snownlp import SnowNLP

    return float(SnowNLP(text).sentiments)


def _zh_lexicon(text: str) -> tuple[int, int]:
    """Counts of strong positive and negative words, skipping negated ones (别怕)."""
    counts = [0, 0]
    masked = text
    for word, side in _ZH_WORDS:
        start = 0
        while (i := masked.find(word, start)) >= 0:
            start = i + len(word)
            if i > 0 and masked[i - 1] in _NEGATORS and word[0] not in _NEGATORS:
                continue
            counts[side] += 1
        masked = masked.replace(word, "#" * len(word))
    return counts[0], counts[1]


def zh_score(text: str) -> tuple[float, int, int]:
    """Polarity in about -2..2: SnowNLP mapped to -1..1 plus 0.6 per strong word (two at most)."""
    pos, neg = _zh_lexicon(text)
    score = 2 * _snownlp(text) - 1 + 0.6 * (min(pos, 2) - min(neg, 2))
    return score, pos, neg


def contradicts(text: str, label: str, polarity: int | None = None) -> str | None:
    """Why a line contradicts its label (or the given polarity, +1 or -1), or None when
    it does not (or is not checked)."""
    polarity = expected_polarity(label) if polarity is None else polarity
    if polarity == 0 or not text.strip():
        return None
    if has_cjk(text):
        score, pos, neg = zh_score(text)
        words_for, words_against = (pos, neg) if polarity > 0 else (neg, pos)
        if words_for == 0 and words_against > 0 and score * polarity <= -abs(ZH_FLAG[polarity]):
            return f"the words score {score:+.2f} (SnowNLP + lexicon)"
        return None
    scores = _vader().polarity_scores(text)
    support, against = (
        (scores["pos"], scores["neg"]) if polarity > 0 else (scores["neg"], scores["pos"])
    )
    compound = float(scores["compound"])
    if support * 4 < against and compound * polarity <= -abs(EN_FLAG[polarity]):
        return f"the words score {compound:+.2f} (VADER compound)"
    return None


def check_sentiment(story: StoryView, names: Names) -> list[Issue]:
    """A line labelled with one polarity whose words strongly say the other."""
    out: list[Issue] = []
    for _, sid, scene in scenes_in_order(story):
        for line in scene.lines:
            why = contradicts(line.text, line.emotion)
            if why is None:
                continue
            fix = (
                f"'{line.emotion}' does not fit these words ({why}): change the label to the "
                "emotion the words carry, or rewrite the line to carry the labelled emotion."
            )
            out.append(issue(sid, "sentiment_mismatch", "medium", line.text, fix))
    return out


def word_valence(word: str) -> float:
    """A single English feeling word's valence in -1..1 from VADER's lexicon (0 if unknown)."""
    score = _vader().lexicon.get(word.lower())
    return max(-1.0, min(1.0, float(score) / 3.0)) if score is not None else 0.0
