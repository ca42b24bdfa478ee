"""The vague-goal detector: a SMART goal names a metric, a number, a unit and a date.

A goal is vague when, once its dates are taken out, no number is left ("improve brand
awareness by 2024" names a year, not a target). Known vague phrasings in English and
Chinese (simplified and traditional) get a message that quotes the phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from mktplan.i18n import Msg, msg
from mktplan.vocab import MEASURE_WORDS

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

# A number before a measure word counts something (2000名会员, 2000 家门店): not a year
_COUNTED = rf"(?!\s*(?:[万萬亿億元]|{MEASURE_WORDS}))"

# Dates and periods: they make a goal time-bound, not measurable.
_DATE_PATTERNS = [
    re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"),  # 2023-07-31, 2023/7/31
    re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"),  # 7/31, 31/07/2023 (not 1.6: a decimal)
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?(?:\s*,?\s*\d{{4}})?\b", re.I),
    re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:\s*,?\s*\d{{4}})?\b", re.I),
    re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{4}}\b", re.I),
    # ASCII edges, not \b: Chinese characters are word characters, so \b fails in "Q1完成".
    # Only a 19xx/20xx year may stand apart (FY 2025); a 2-digit one is glued (Q3'24, FY25),
    # since in "Q1 300万" and "Q1 10家" the number after the space is the quantity.
    re.compile(
        rf"(?<![A-Za-z0-9])(?:Q[1-4]|H[12]|FY)(?:\s*'?(?:19|20)\d{{2}}(?![\d.,%％]){_COUNTED}"
        r"|'?\d{2})(?![A-Za-z0-9])"
        r"|(?<![A-Za-z0-9])(?:19|20)\d{2}\s*(?:Q[1-4]|H[12])(?![A-Za-z0-9])",
        re.I,
    ),
    re.compile(r"(?<![A-Za-z0-9])(?:Q[1-4]|H[12])(?![A-Za-z0-9])", re.I),
    re.compile(r"\d{2,4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*[日号號])?"),
    re.compile(r"\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号號])?(?:\s*[前底末初中])?"),
    re.compile(r"第?[一二三四1-4]\s*季度"),
    re.compile(r"\b(?:by|in|before|until|till|of|during|for|end)\s+(?:19|20)\d{2}\b", re.I),
]

# A span of time says by when, not how much: "within 3 months", "30 天内", "第 12 周";
# unless it is the KPI's target ("to within 7 days" for a time-to-first-order KPI)
_SPAN_PATTERNS = [
    re.compile(
        r"\b(?:within|in|over|for|during|next|the\s+next)\s+(?:the\s+next\s+)?\d{1,3}\s*-?\s*"
        r"(?:days?|weeks?|months?|quarters?|years?)\b",
        re.I,
    ),
    re.compile(r"\d{1,3}\s*(?:个|個)?\s*(?:天|日|周|週|星期|月|季度|年)\s*(?:之|以)?\s*[内內]"),
    re.compile(r"第\s*\d{1,2}\s*[周週]"),
]

# M.D as shops name their sale days (9.9, 3.8, 5.20, 7.7, 12.12): month 1-12, day 1-31
_MONTH_DAY = r"(?<![\d.,])(?:1[0-2]|0?[1-9])\s*[.·]\s*(?:3[01]|[12]\d|0?[1-9])(?![\d.,])"
_EVENT_WORDS = (
    r"节|節|女王|女神|妇女|婦女|大促|促销|促銷|购物|購物|活动|活動|期间|期間|狂欢|狂歡|特卖|特賣"
    r"|秒杀|秒殺|会员日|會員日|店庆|店慶|专场|專場|黄金周|黃金周|国庆|國慶|晚会|晚會"
    r"|sale\b|day\b|festival|shopping|promo"
)

# a bare year; "2000 new registrations" is a quantity (and so is a KPI's target of 2000)
_BARE_YEAR = re.compile(rf"(?<![\d.,])(?:19|20)\d{{2}}(?![\d.,%％]){_COUNTED}(?!\s*[a-z])", re.I)

# Shopping festivals and other events named by numbers: 双11 is a date, not a target.
_EVENT_PATTERNS = [
    re.compile(r"双\s*(?:11|12|十一|十二)|双旦"),
    re.compile(
        r"(?<![\d.,])(?:618|520|1111|1212|11\.11|12\.12|6\.18|5\.20)(?![\d.,])"
        r"(?!\s*(?:[%％万萬亿億千元块人次个個单單件位倍]|个百分点"
        r"|(?!festival|sale|shopping|day|event|campaign)[a-z]))",
        re.I,
    ),
    # a month.day beside an event word (9.9 促销, 3.8 女神节, 7.7 sale) or alone: a date
    re.compile(rf"{_MONTH_DAY}\s*(?=(?:{_EVENT_WORDS}))", re.I),
    re.compile(rf"^\s*{_MONTH_DAY}\s*$"),
    # a month.day deadline: 3.31 前, 6.30 之前, 12.31 截止
    re.compile(rf"{_MONTH_DAY}\s*(?=(?:之前|以前|前|截止|为止|為止))"),
    # numbers that say who or where, not how much: tier-1 cities, tier 1 and 2 cities,
    # 2nd-tier cities, 一线城市, the 95后 cohort
    re.compile(
        r"(?<![A-Za-z0-9])tier[\s-]?[1-5](?:\s*(?:,|/|&|and|or|to|-)\s*[1-5])*(?![0-9])"
        r"|(?<![A-Za-z0-9])[1-5](?:st|nd|rd|th)[\s-]*tier\b|[1-5]\s*线(?=城市)",
        re.I,
    ),
    # a month-day after by, on, before (by 11-11; not 10-15 %, a range of a quantity)
    re.compile(
        r"\b(?:by|on|before|until|till)\s+(?:1[0-2]|0?[1-9])-(?:3[01]|[12]\d|0?[1-9])"
        r"(?!\s*[\d.,%％-])(?!\s*[a-z])",
        re.I,
    ),
    # an ordinal that names an occasion or a day: the 3rd anniversary, the 30th of September
    re.compile(
        r"\b\d{1,3}(?:st|nd|rd|th)[\s-]*(?:anniversary|birthday|edition|season|generation)\b"
        rf"|\b\d{{1,2}}(?:st|nd|rd|th)\s+of\s+(?:{_MONTHS})\b",
        re.I,
    ),
    # a season's collection (Spring 2024, SS25, AW 2024)
    re.compile(r"\b(?:spring|summer|autumn|fall|winter|ss|aw|fw)\s*'?(?:19|20)?\d{2}\b", re.I),
    # a product's or a release's number: the iPhone 16 launch, Mate 60 上市, version 2.0,
    # 2.0 版本, v3 (not eBay 500 orders: a count)
    re.compile(
        r"\b(?:[a-z]+[A-Z][A-Za-z]*|Galaxy|Pixel|Mate|Model|Xbox|PlayStation)\s+\d{1,3}"
        r"(?=\s*(?:(?i:launch|release|debut|premiere|pro|max|plus|ultra|mini|series)\b"
        r"|上市|发布|發布|首发|首發|新品|$|[,，。;；)）]))"
        r"|\b[Vv]ersion\s+\d{1,3}(?:\.\d+)*(?![\d.,%％])"
        r"|(?<![\d.,])\d{1,3}(?:\.\d+)+\s*(?=版|version)|\b[vV]\d{1,3}(?:\.\d+)*\b"
    ),
    # a holiday's length: 国庆7天长假, 5 天假期
    re.compile(r"\d{1,2}\s*[天日]\s*(?=小?长假|小?長假|假期|连假|連假|黄金周|黃金周)"),
    # a cohort is a decade or a half (80后, 95后, 00后); 后备, 后续 … begin a word, so in
    # "50 后备达人" 50 is a count
    re.compile(r"(?<![\d.,])[0-9][05]\s*[后後](?![\d备備续續期台臺端面勤])"),
    # an age band says who (25-35岁女性, 18岁以上, women aged 25-35, 18–24-year-olds), not
    # how much: "提升25-35岁女性的品牌知名度" is still a vague goal
    re.compile(
        r"(?<![\d.,])\d{1,2}\s*(?:[-–—~～至到]\s*\d{1,2}\s*)?(?:周岁|週歲|岁|歲)(?:及?以[上下])?"
    ),
    re.compile(
        r"\b(?:aged?|ages)\s+\d{1,2}(?:\s*(?:[-–—]|to)\s*\d{1,2}|\s*\+|\s+and\s+(?:over|up"
        r"|above|under|older|younger))?(?![\d.,%％])"
        r"|(?<![\d.,])\d{1,2}\s*(?:(?:[-–—]|to)\s*\d{1,2}\s*)?\+?[-\s]*(?:years?|yrs?)[-\s]*olds?\b"
        r"|\b(?:women|men|females?|males?|adults|mothers|moms|mums|parents|students)\s+"
        r"\d{1,2}\s*[-–—]\s*\d{1,2}(?![\d.,%％])",
        re.I,
    ),
    _BARE_YEAR,
]

# English numbers in words: two to ninety and zero (not "one", which is "one of the leading
# brands"), before a noun or percent as a digit would be (not "two-way", "seven-day"),
# twenty-five; one/a hundred, thousand, million, billion; a dozen; twice; tenfold, two-fold
_WORDS = (
    r"zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety"
)
# A round figure passed, the figure's digit and scale as groups (1-2: 破千万; 3: 过千):
# 破亿, 过亿, 上亿 are 100,000,000, 破万 10,000, 破千万 10,000,000, 过千 1,000 (not 过千度)
PASSED_FIGURE = re.compile(r"[破过過上]([十百千]?)([万萬亿億])|[破过過]([千百])(?!度)")
_NUMBER = re.compile(
    r"\d|[一二两兩三四五六七八九十百千万萬亿億]+\s*(?:[万萬亿億千百倍成]|个百分点|個百分點|%)|翻[一两兩]?番|翻倍"
    # an amount of money in Chinese numerals: 十五元, 二十块 (not 一元化, 二元论)
    r"|(?:[二两兩三四五六七八九十百千]|一[十百千])[一二两兩三四五六七八九十百千]*\s*[元块塊](?![化论論])"
    # a count or a rank in Chinese numerals: 三家门店, 五场活动, 前三名, 前十, 第一名 (not
    # 一个, "a": 打造一个品牌 names no quantity)
    # (not a span of time: 三个月内, 前两周, 前三天 say when)
    rf"|(?:[二两兩三四五六七八九十百千]|一[十百千])[一二两兩三四五六七八九十百千]*\s*{MEASURE_WORDS}"
    # (nor a number of digits: 两位数增长 is "double-digit growth")
    r"(?!\s*(?:月|星期|小时|小時|钟|鐘|季度|工作日|周|週|天|年|数|數))"
    r"|前[一二两兩三四五六七八九十]+(?:名|位|强|強|(?![一二两兩三四五六七八九十个個天日周週月年季小时時期]))"
    r"|第[一二三四五六七八九十]+[名位]"
    r"|百分之[零〇一二两兩三四五六七八九十百点點]+|一半|[减減]半"
    # a fraction: 三分之一, by a third, one-fifth, two-thirds (not a third party)
    r"|[一二两兩三四五六七八九十]+分之[一二两兩三四五六七八九十]+"
    r"|\b(?:by|to|of|than)\s+(?:a|one)[\s-]+(?:third|quarter|fifth|tenth)\b(?![\s-]*part)"
    r"|\b(?:one|two|three|four)[\s-](?:thirds?|quarters|fifths?|tenths?)\b(?![\s-]*part)"
    # a round figure passed: 破亿, 过亿, 上亿 (100,000,000), 破万, 过万, 上万, 破千万, 过千
    rf"|{PASSED_FIGURE.pattern}"
    # a rank: 排名第一, 位列第三 (as 第一名)
    r"|(?:排名|排行|位列|位居|名列)\s*第?\s*[一二三四五六七八九十]+"
    # a rank in English: rank first, ranked second, the number one brand (not "first-party",
    # "the first week", "customers come first": a rank needs its verb or "number")
    r"|\b(?:rank(?:s|ed|ing)?|place[sd]?|finish(?:es|ed)?)\s+(?:(?:in\s+)?the\s+)?"
    r"(?:first|second|third|top\s+(?:three|five|ten))\b(?!-)"
    r"|\b(?:be|become|becoming|remain|stay)\s+(?:the\s+)?number\s+(?:one|two|three)\b(?!-)"
    r"|\bnumber\s+(?:one|two|three)\s+(?:brand|player|seller|shop|store|spot|position|in)\b"
    # not idioms: double down, double-digit, the second half (a period), half-year
    r"|\b(?:double|triple|quadruple)\b(?![\s-]*(?:down|digits?|check|click)\b)"
    r"|(?<!first\s)(?<!second\s)\bhalf\b(?![\s-]*(?:years?|yearly|term|time)\b)|\bhalve[sd]?\b"
    rf"|\b(?:{_WORDS})(?:-(?:one|{_WORDS}))?\b(?=\s*(?:%|[a-z0-9]))(?!-)"
    r"|\b(?:one|a)\s+(?:hundred|thousand|million|billion)\b"
    rf"|\b(?:dozen|twice|(?:{_WORDS}|hundred|thousand)-?fold)\b",
    re.I,
)

VAGUE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\b(?:improve|raise|increase|boost|enhance|grow|build|strengthen|expand|drive)\b"
            r"[\w\s'’-]{0,25}\b(?:awareness|visibility|recognition|image|reputation|influence"
            r"|presence|exposure|mindshare)\b",
            re.I,
        ),
        "raise brand awareness",
    ),
    (
        re.compile(
            r"\b(?:improve|raise|increase|boost|enhance|deepen)\b[\w\s'’-]{0,25}"
            r"\b(?:stickiness|engagement|loyalty|retention|satisfaction|experience|activity)\b",
            re.I,
        ),
        "increase user stickiness",
    ),
    (
        re.compile(
            r"\b(?:grow|increase|boost|improve|lift|drive)\b[\w\s'’-]{0,25}"
            r"\b(?:sales|revenue|conversions?|traffic|growth|users)\b",
            re.I,
        ),
        "grow sales",
    ),
    (
        re.compile(
            r"\b(?:significantly|substantially|greatly|dramatically|considerably|a lot|"
            r"as much as possible|best effort|world[- ]class|market[- ]leading)\b",
            re.I,
        ),
        "significantly / as much as possible",
    ),
    (
        re.compile(
            r"(?:提升|提高|增强|增強|加强|加強|扩大|擴大|提昇|打造|塑造|强化|強化)[^,，。;；]{0,6}"
            r"(?:知名度|影响力|影響力|认知度|認知度|美誉度|美譽度|曝光度?|品牌形象|品牌力|存在感)"
        ),
        "提升品牌知名度 / 扩大影响力",
    ),
    (
        re.compile(
            r"(?:提升|提高|增强|增強|加强|加強|改善|优化|優化)[^,，。;；]{0,6}"
            r"(?:粘性|黏性|活跃度|活躍度|忠诚度|忠誠度|满意度|滿意度|体验|體驗|参与度|參與度)"
        ),
        "提高用户粘性",
    ),
    (
        re.compile(
            r"(?:大幅|显著|顯著|明显|明顯|尽可能|盡可能|尽量|儘量|全面|大力)"
            r"[^,，。;；]{0,6}(?:提升|提高|增长|增長|增加|扩大|擴大|改善)?"
        ),
        "大幅提升 / 尽可能",
    ),
    (
        re.compile(
            r"(?:提升|提高|增加|增长|增長|拉动|拉動|促进|促進)[^,，。;；]{0,6}(?:销量|銷量|销售|銷售|业绩|業績|转化|轉化|流量|用户|用戶)"
        ),
        "提升销量",
    ),
]


def strip_dates(text: str, *, spans: bool = True) -> str:
    """``text`` without its dates, periods, spans of time (unless ``spans`` is False) and
    number-named events and groups (双11, 618, Q3, 2025, within 3 months, 30 天内, tier-1, 95后)."""
    for pattern in _DATE_PATTERNS:
        text = pattern.sub(" ", text)
    for pattern in _SPAN_PATTERNS if spans else ():
        text = pattern.sub(" ", text)
    for pattern in _EVENT_PATTERNS:
        text = pattern.sub(" ", text)
    return text


_DIGITS = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?")
_SIGNS = frozenset("+-±×xX¥￥$€£")

# A digit glued to letters is part of a name (B2B, O2O, 5G, 3C, 1P, K12, Web3, COVID-19, 2H,
# H5), unless the letters are a magnitude, a unit or an ordinal (50k, 1M, 2.5bn, 5000w, 3x,
# 0.5pp, 24h, 1st) or say a rank (top3, No1); a letter prefix before digits and a Chinese
# unit or a sign (GMV2000万, NPS50+, CTR2%) names the metric, not the thing.
_GLUED = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z]+-(?=\d))?(?:[A-Za-z0-9]|(?<=\d)[.,](?=\d))+")
_MEASURED = re.compile(r"((?i:top|no|x)-?)?\d+(?:[.,]\d+)*([A-Za-z]*)")
_MAGNITUDES = frozenset(
    {"", "k", "K", "m", "M", "mm", "MM", "mn", "bn", "b", "w", "W", "kw", "x", "X"}
    | {"pp", "ppt", "pt", "pts", "bp", "bps", "pct", "st", "nd", "rd", "th"}
    | {"h", "hr", "hrs", "min", "mins", "s", "sec", "secs", "ms", "kg", "g", "km", "ml"}
)
_METRIC_NUMBER = re.compile(r"[A-Za-z]+-?\d+(?:[.,]\d+)*")
_UNIT_AFTER = re.compile(rf"[万萬亿億千百元块塊倍成%％+:：]|{MEASURE_WORDS}")


def _is_name(text: str, token: re.Match[str]) -> bool:
    """Whether ``token``, letters and digits glued together in ``text``, is a name."""
    word = token.group()
    if not any(c.isdigit() for c in word) or not any(c.isalpha() for c in word):
        return False
    if token.start() and text[token.start() - 1] in _SIGNS:
        return False  # $2B, +5k: an amount
    measured = _MEASURED.fullmatch(word)
    if measured and measured[2] in _MAGNITUDES:
        return False
    after = text[token.end() : token.end() + 1]
    return not (_METRIC_NUMBER.fullmatch(word) and after and _UNIT_AFTER.match(after))


def strip_names(text: str) -> str:
    """``text`` without the names that hold digits (B2B, 5G, 3C, K12, Web3, COVID-19)."""
    return _GLUED.sub(lambda m: " " if _is_name(text, m) else m.group(), text)


# a ratio (ROI 1:3, 投入产出比 1：3.5), not a time of day (10:00)
_RATIO = re.compile(r"(?<![\d.:])(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)(?![\d.:])")
_TIME = re.compile(r"(?:[01]?\d|2[0-3])[:：][0-5]\d")
_RATIO_WORD = re.compile(r"(?:roi|roas|ratio|比|率).{0,6}$", re.IGNORECASE | re.DOTALL)
# a 4.8-star store rating (not 5-star hotels: a kind of hotel, no quantity)
_RATED = re.compile(r"-stars?(?:[\s-]+[\w'’]+){0,2}?[\s-]+(?:ratings?|scores?)\b", re.IGNORECASE)
_RANKED = re.compile(r"(?:排名|排行|位列|位居|名列)\s*第?\s*$")


def names_quantity(text: str) -> bool:
    """Whether ``text`` (dates and events taken out) names a quantity: a number with its unit
    or noun ("5 %", "70 万元", "2,000 registrations"), a ratio ("ROI 1:3"), a sign or currency
    ("+30", "¥500") or a number in words. Digits in a name (B2B, 5G, Web3) are none."""
    text = strip_names(text)
    for ratio in _RATIO.finditer(text):
        time = _TIME.fullmatch(ratio.group(0).replace(" ", ""))
        if not time or _RATIO_WORD.search(text[: ratio.start()]):
            return True  # ROI 1:10 is a ratio, though 1:10 could be a time of day
    for match in _DIGITS.finditer(text):
        after = text[match.end() :].lstrip()[:1]
        before = text[: match.start()].rstrip()[-1:]
        if (after and (after.isalnum() or after in "%％")) or (before and before in _SIGNS):
            return True
        if after == "+" and _RATIO_WORD.search(text[: match.start()]):
            return True  # ROAS 4+: at least 4
        if _RANKED.search(text[: match.start()]):
            return True  # 排名第1, as 排名第一
        if _RATED.match(text, match.end()):
            return True  # a 4.8-star rating, a 5-point lift
    return bool(_NUMBER.search(_DIGITS.sub(" ", text)))


def names_target(text: str, targets: Iterable[Decimal]) -> bool:
    """Whether a number in ``text`` equals one of ``targets`` (the module's KPI targets)."""
    wanted = set(targets)
    return bool(wanted) and any(
        Decimal(match.group(0).replace(",", "").replace("，", "")) in wanted
        for match in _DIGITS.finditer(strip_names(text))
    )


def strip_dates_but_bare_years(text: str) -> str:
    """``text`` without its dates and events, as :func:`strip_dates` with ``spans=False``,
    but keeping a number that only looks like a year (2000 with no unit after it): a goal
    reaching a KPI's target of 2000 names the target, not the year 2000."""
    for pattern in _DATE_PATTERNS:
        text = pattern.sub(" ", text)
    for pattern in _EVENT_PATTERNS:
        if pattern is not _BARE_YEAR:
            text = pattern.sub(" ", text)
    return text


def vague_message(goal: str, targets: Iterable[Decimal] = ()) -> Msg | None:
    """Why ``goal`` is not measurable, as a catalogue sentence, or None when it names a
    quantity (see :func:`names_quantity`) or one of ``targets``, the module's KPI targets,
    which may be a span of time ("within 7 days")."""
    if names_quantity(strip_dates(goal)) or names_target(strip_dates_but_bare_years(goal), targets):
        return None
    for pattern, label in VAGUE_PATTERNS:
        match = pattern.search(goal)
        if match:
            return msg(
                "validate.vague_phrase", goal=goal, phrase=match.group(0).strip(), label=label
            )
    return msg("validate.no_quantity", goal=goal)


def vague_reason(goal: str, targets: Iterable[Decimal] = ()) -> str | None:
    """:func:`vague_message` in English."""
    found = vague_message(goal, targets)
    return None if found is None else found.render("en")
