"""How well a typed name matches a dotted name: exact, normalised, prefix, substring, typo.

`score_name(segments, name)` looks at the last segment first (exact 100, equal
but for underscores 92, prefix 75-85, substring 40-55, up to two edits -
transpositions included - 58 or 46, scattered letters ~20-30), then at the
earlier segments: each should start a later segment of the name, in order (or
be one edit away from one), and a query that spells the whole tail of the path
(`nn.Linear`) gets a bonus. Case counts only as a small bonus ("Normal" asks for
the class, "normal" for the function).
"""

from __future__ import annotations

Span = tuple[int, int]
EXACT, NORMALISED, PREFIX, BOUNDARY, SUBSTRING = 100.0, 92.0, 75.0, 55.0, 40.0
TYPO_BASE, TYPO_STEP = 70.0, 12.0
PATH_BONUS, SEGMENTS_BONUS, FUZZY_SEGMENTS_BONUS, SEGMENTS_MISSING = 25.0, 15.0, 6.0, -40.0


def max_edits(word: str) -> int:
    """Typos allowed in a word of this length: none below 4 letters, 2 from 7 on."""
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


def edit_distance(typed: str, other: str, limit: int) -> int:
    """Edits between two words, a transposition counting one (above `limit`: limit + 1).
    rapidfuzz is imported on first use: a search in plain words never needs it."""
    from rapidfuzz.distance import OSA

    return int(OSA.distance(typed, other, score_cutoff=limit))


def score_name(segments: list[str], name: str) -> tuple[float, tuple[Span, ...], bool]:
    """(score, highlighted spans, the query spells the whole end of the path)."""
    if not segments:
        return 0.0, (), False
    typed = segments[-1]
    lowered = [segment.lower() for segment in segments]
    tail_start = name.rfind(".") + 1
    tail = name[tail_start:]
    score, tail_spans = score_tail(lowered[-1], tail)
    if score <= 0:
        return 0.0, (), False
    score += 8.0 * _case_similarity(typed, tail)
    spans = [(tail_start + start, tail_start + end) for start, end in tail_spans]
    joined = ".".join(lowered)
    lname = name.lower()
    exact_path = lname == joined or (len(segments) > 1 and lname.endswith("." + joined))
    if len(segments) > 1:
        head = name[: max(tail_start - 1, 0)]
        prefix_spans = segment_prefixes(lowered[:-1], head)
        if prefix_spans is not None:
            score += SEGMENTS_BONUS
            spans = prefix_spans + spans
        elif fuzzy_segments(lowered[:-1], head):
            score += FUZZY_SEGMENTS_BONUS
        else:
            score += SEGMENTS_MISSING
    if exact_path:
        score += PATH_BONUS
    return score, tuple(spans), exact_path


def _case_similarity(typed: str, tail: str) -> float:
    """1.0 when the letters' case matches exactly, less the more it differs."""
    if typed == tail:
        return 1.0
    if typed[:1].isupper() and tail[:1].islower():
        return 0.0  # "Bernoulli" asks for the class, not bernoulli()
    if len(typed) != len(tail):
        return 0.5 if typed[:1] == tail[:1] else 0.0
    same = sum(1 for a, b in zip(typed, tail, strict=True) if a == b)
    return same / len(typed) * 0.9


def score_tail(last: str, tail: str) -> tuple[float, list[Span]]:
    lowered = tail.lower()
    if lowered == last:
        return EXACT, [(0, len(tail))]
    if lowered.replace("_", "") == last.replace("_", ""):
        return NORMALISED, [(0, len(tail))]
    if lowered.startswith(last):
        return PREFIX + 10 * len(last) / len(tail), [(0, len(last))]
    position = lowered.find(last)
    if position > 0:
        boundary = tail[position - 1] == "_" or tail[position].isupper()
        return (BOUNDARY if boundary else SUBSTRING), [(position, position + len(last))]
    allowed = max_edits(last)
    if allowed and abs(len(lowered) - len(last)) <= allowed:
        distance = edit_distance(last, lowered, allowed)
        if distance <= allowed:
            return TYPO_BASE - TYPO_STEP * distance, [(0, len(tail))]
    if allowed and len(lowered) > len(last):
        distance = edit_distance(last, lowered[: len(last)], 1)
        if distance <= 1:  # a typo in a prefix: "mulitnom"
            return TYPO_BASE - 2 * TYPO_STEP, [(0, len(last))]
    return _scattered(last, tail)


def _scattered(last: str, tail: str) -> tuple[float, list[Span]]:
    """Letters in order with gaps ("mltnml"); letters at word starts count extra."""
    if len(last) < 3:
        return 0.0, []
    lowered = tail.lower()
    spans: list[Span] = []
    position = 0
    bonus = 0
    for char in last:
        found = lowered.find(char, position)
        if found < 0:
            return 0.0, []
        if found == 0 or tail[found - 1] == "_" or tail[found].isupper():
            bonus += 2
        spans.append((found, found + 1))
        position = found + 1
    return 20.0 + bonus - 0.2 * (len(tail) - len(last)), spans


def segment_prefixes(segments: list[str], head: str) -> list[Span] | None:
    """Each query segment a prefix of a later name segment, in order; None otherwise."""
    spans: list[Span] = []
    offset = 0
    parts = head.split(".") if head else []
    index = 0
    for segment in segments:
        while index < len(parts) and not parts[index].lower().startswith(segment):
            offset += len(parts[index]) + 1
            index += 1
        if index == len(parts):
            return None
        spans.append((offset, offset + len(segment)))
        offset += len(parts[index]) + 1
        index += 1
    return spans


def fuzzy_segments(segments: list[str], head: str) -> bool:
    """Each query segment a prefix of, or a typo away from, a later name segment, in order."""
    parts = [part.lower() for part in head.split(".")] if head else []
    index = 0
    for segment in segments:
        allowed = max(max_edits(segment), 1 if len(segment) >= 3 else 0)
        while index < len(parts) and not (
            parts[index].startswith(segment)
            or edit_distance(segment, parts[index], allowed) <= allowed
        ):
            index += 1
        if index == len(parts):
            return False
        index += 1
    return True
