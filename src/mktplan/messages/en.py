"""Every message of every command in English, keyed by stable codes; zh.py holds the same keys.

``{name}`` fills in a value, ``{name!r}`` quotes it, ``{n:plural/row/rows}`` picks the English
plural of a count. A key ending in ``.hint`` is the hint shown under its message.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # files and YAML
    "file.not_found": "{what} file not found",
    "file.not_found.hint": "check the path and spelling",
    "file.is_directory": "this is a directory, not a {what} file",
    "file.is_directory.hint": "name the YAML file itself, e.g. plans/q3.yaml",
    "file.too_large": "{what} file is {size} bytes, larger than any plan",
    "file.over_limit": "{what} file is over {max} bytes, larger than any plan",
    "file.unreadable": "cannot read the {what} file: {why}",
    "file.kind.char_device": "a character device",
    "file.kind.block_device": "a block device",
    "file.kind.fifo": "a named pipe (FIFO)",
    "file.kind.socket": "a socket",
    "file.kind.other": "not a regular file",
    "file.unreadable.hint": (
        "check that the user running mktplan may read the file and open its folders (ls -l)"
    ),
    "file.not_utf8": "the {what} file is not UTF-8 (byte {byte} at offset {offset})",
    "file.not_utf8.hint": "save the file as UTF-8; most editors offer it under 'Save with encoding'",
    "file.bad_unicode": (
        "the {what} file starts with a {encoding} byte-order mark but is not valid {encoding} "
        "(at byte offset {offset})"
    ),
    "file.nul_bytes": "the {what} file contains NUL bytes; it is not a text file",
    "yaml.nul_escape": "a quoted value writes a NUL character (an escape such as \\0 or \\x00); "
    "no store can keep it",
    "yaml.nul_escape.hint": "remove the escape from the value",
    "file.empty": "the plan file is empty",
    "file.empty.hint": "start from `mktplan init plan.yaml`, which writes a commented starter plan",
    "yaml.too_many_values": (
        "the document expands to more than {max} values "
        "(an alias bomb or a file far larger than any plan)"
    ),
    "yaml.too_many_values.hint": "write the values out instead of nesting anchors and aliases",
    "yaml.tag_mismatch": "the value {value!r} does not match its tag !!{tag}",
    "yaml.tag_mismatch.hint": "remove the tag and write the value plainly",
    "yaml.merge_key": "merge keys (<<) are not supported in plans",
    "yaml.merge_key.hint": "write the shared fields out in each entry",
    "yaml.tag_not_allowed": "the YAML tag {tag!r} is not allowed in a plan",
    "yaml.tag_not_allowed.hint": "remove the tag; plans use plain YAML values only",
    "yaml.too_many_digits": "the number {start}… has {digits} digits, more than any plan value",
    "yaml.too_many_digits.hint": (
        "write the number the plan means; money and targets are far shorter"
    ),
    "yaml.complex_key": "a mapping key must be a plain value, not a list or mapping",
    "yaml.duplicate_key": "duplicate key {key}",
    "yaml.duplicate_key_at": "duplicate key {key} (first at line {first})",
    "yaml.equal_keys": ("the keys {first} and {key} are different in YAML but one key to mktplan"),
    "yaml.equal_keys_at": (
        "the keys {first} (line {line}) and {key} are different in YAML but one key to mktplan"
    ),
    "yaml.equal_keys.hint": (
        'keys here are names or dates, not numbers or true/false: quote them ("{key}") or '
        "rename one"
    ),
    "yaml.duplicate_key.hint": "each key may appear once in a mapping; merge the two entries",
    "yaml.unknown_alias": "unknown alias *{alias}",
    "yaml.too_deep": "the document nests deeper than {depth} levels",
    "yaml.too_deep.hint": "a plan is a few levels deep; check the indentation",
    "yaml.tab": "line {line} is indented with a tab; YAML indents with spaces only",
    "yaml.tab.hint": (
        "replace the tab at the start of the line with spaces (two per level, as the "
        "lines around it)"
    ),
    "yaml.no_space_after_colon": (
        "missing space after the colon in `{source}`: YAML reads `key:value` as one piece of text"
    ),
    "yaml.reserved_start": (
        "the value {value!r} starts with {char!r}, which YAML reserves: a value "
        "starting with %, @, `, *, &, !, | or > must be quoted"
    ),
    "yaml.reserved_start.hint": "quote it: `{fixed}`",
    "yaml.two_documents": "the file holds more than one YAML document",
    "yaml.two_documents.hint": "a plan file holds one plan; remove the '---' separator",
    "yaml.colon_in_value": (
        "the value of `{field}:` holds a colon and a space ({value}): YAML reads it as another "
        "key and value, and is not valid here"
    ),
    "yaml.invalid": "not valid YAML: {problem}",
    "yaml.invalid.hint": "check indentation, colons and quotes on this line and the one before",
    # the plan model
    "validate.not_a_plan_mapping": "the plan must be a YAML mapping with plan:, budget: and modules:",
    "validate.not_a_plan_mapping.hint": "start from `mktplan init plan.yaml` for a commented example",
    "validate.unknown_field": "unknown field {field!r}",
    "validate.unknown_field_close": "unknown field {field!r}; did you mean {close!r}?",
    "validate.unknown_field_no_space": (
        "unknown field {field!r}: a missing space after the colon makes `key:value` one piece "
        "of text"
    ),
    "validate.hint_space_after_colon": "write it with a space after the colon: `{fixed}`",
    "validate.hint_rename": "rename it to {close!r}",
    "validate.hint_known_fields": "known fields here: {fields}",
    "validate.missing_field": "missing required field {field!r}",
    "validate.hint_add_field": "add `{field}:` under {parent}; see docs/plan-format.md",
    "validate.hint_add_field_top": "add `{field}:` under the top level; see docs/plan-format.md",
    "validate.not_allowed": "{value} is not allowed for {field!r}",
    "validate.hint_use_one_of": "use one of {expected}",
    "validate.choices": "{head} or {last}",
    "validate.fits_no_type": "{value} for {field!r} is not {kinds}",
    "validate.kinds_or": "{head} or {last}",
    "validate.kind_number": "a number",
    "validate.kind_whole_number": "a whole number",
    "validate.kind_text": "text",
    "validate.kind_date": "a date",
    "validate.kind_other": "a value of the right kind",
    "validate.bad_date": "{value} is not a valid date for {field!r}",
    "validate.bad_date_why": "{value} is not a valid date for {field!r} ({why})",
    "validate.no_modules": "`modules` is empty: a plan needs at least one module",
    "validate.no_modules.hint": (
        "write at least one module under `modules:`, in place of `[]`: `- id: online` with "
        "name, owner, goal and kpis (see docs/plan-format.md)"
    ),
    "validate.list_too_short": "{field!r} needs at least {limit} entries",
    "validate.date_why.day": "that month has no such day",
    "validate.date_why.month": "the month is not 01-12",
    "validate.date_why.year": "the year holds something other than the digits 0-9",
    "validate.date_why.month_digits": "the month holds something other than the digits 0-9",
    "validate.date_why.day_digits": "the day holds something other than the digits 0-9",
    "validate.date_why.separator": "its parts are not separated by `-`",
    "validate.date_why.short": "too short: the month and the day take two digits each",
    "validate.date_why.long": "too long",
    "validate.date_why.day_first": "the day comes first",
    "validate.date_why.space": "a space before or after the date",
    "validate.hint_date_space": "write it without the space: {date}",
    "validate.hint_date_order": "write it as YYYY-MM-DD, the year first: {date}",
    "validate.hint_date_order_either": (
        "write it as YYYY-MM-DD, the year first: {date}, or {other} if the month comes first"
    ),
    "validate.date_why.after": "something follows the day",
    "validate.hint_dates": (
        "write dates as YYYY-MM-DD, e.g. 2024-06-20, a day that exists in the calendar"
    ),
    "validate.not_finite": "{value} is not a finite number for {field!r}",
    "validate.not_a_number": "{value} is not a number for {field!r}",
    "validate.too_many_places": ("{value} has more than {limit} decimal places for {field!r}"),
    "validate.too_many_places.hint": (
        "round it to at most {limit} decimal places (millionths are the finest amount kept)"
    ),
    "validate.too_many_digits": "{value} has more than {limit} digits for {field!r}",
    "validate.too_many_digits.hint": "write it with at most {limit} digits",
    "validate.empty_field": "{field!r} is empty",
    "validate.empty_field.hint": "write its value after `{field}:`",
    "validate.key_empty": "a key under {field!r} is empty (null)",
    "validate.key_empty.hint": "write a name before the colon: `null`, `~` or nothing there is no name",
    "validate.key_number.hint": (
        'quote the key if it is meant as text: "{key}"; inside `{{…}}` a comma ends a value, '
        "so `target: 5,000000` makes 000000 a key: write numbers there without commas"
    ),
    "validate.key_not_text": "the key {key} under {field!r} is not text",
    "validate.key_not_text.hint": 'put the key in quotes if it is meant as text: "{key}"',
    "validate.string_type.bool_hint": (
        'YAML reads true and false as yes-or-no values: put text in quotes, e.g. "true"'
    ),
    "validate.string_type.number_hint": 'put text that looks like a number in quotes: "2024"',
    "validate.number_underscore": (
        "{value} is text, not a number, for {field!r}: YAML reads digits joined by _ as text"
    ),
    "validate.number_underscore.hint": "write {number}, without _ between the digits",
    "validate.number_digits": (
        "{value} is text, not a number, for {field!r}: YAML and editors read only the digits "
        "0-9 as a number, not full-width digits or those of other scripts"
    ),
    "validate.number_exponent": (
        "{value} is text, not a number, for {field!r}: written as text (in quotes or after `!`),"
        " a number with an exponent is not read as one by YAML or editors"
    ),
    "validate.number_text.hint": "write {number}",
    "validate.date_is_number": "{value} is a number, not a date, for {field!r}",
    "validate.date_with_time": "{value!r} has a time of day; {field!r} takes a date alone",
    "validate.date_with_time.hint": "write the day alone, as YYYY-MM-DD: {date}",
    "validate.date_is_number.hint": "write the date as YYYY-MM-DD: {date}, if that is the day meant",
    "validate.hint_plain_number": (
        "write a plain number such as 35000 or 12.5, without units or thousands commas"
    ),
    "validate.hint_roi": (
        "ROI targets are written as the return per 1 spent: write {number} for {written} "
        "(a plain number, no colon)"
    ),
    "validate.hint_ratio": "write the ratio {written} as one number: {number} (1:{number})",
    "validate.hint_scaled": (
        "write {number} for {written}: numbers are written out in full, and the unit belongs "
        "in the KPI's `unit:`"
    ),
    "validate.hint_percent": (
        'write {number} for {written}: a KPI with `unit: "%"` counts in percent points'
    ),
    "validate.hint_grouped": "write {number}: no currency sign and no thousands separators",
    "validate.hint_money_percent": (
        "write {number} if that is the amount: `{field}` is money in the plan's currency, not a"
        " percentage"
    ),
    "validate.hint_money_percent_of_total": (
        "write {amount} for {number} % of the budget total ({number} % of {total} is {amount}),"
        " or {number} if that is the amount: `{field}` is money in the plan's currency, not a"
        " percentage"
    ),
    "validate.hint_money_not_negative": (
        "write `{field}` as an amount of money, 0 or more, in the plan's currency (e.g. 35000)"
    ),
    "validate.hint_alert_percent": (
        "write how many percent, 0 or more: `{field}: 30%` (or 30) means 30 %"
    ),
    "validate.hint_at_least": "write a number of at least {limit}",
    "validate.hint_greater_than": "write a number greater than {limit}",
    "validate.hint_at_most": "write a number of at most {limit}",
    "validate.hint_less_than": "write a number less than {limit}",
    "validate.bad_id": "{value} is not a valid {field!r}",
    "validate.hint_currency": "write the currency's ISO 4217 code in capitals, e.g. CNY or USD",
    "validate.currency_alias": (
        "{value!r} is not an ISO 4217 currency code: it is a name of {code}, and KPIs in {code} "
        "would count as another currency"
    ),
    "validate.currency_alias.hint": (
        "write {code}, its ISO 4217 code (KPI units may still say {value})"
    ),
    "validate.formula_mixes_units": (
        "the formula {formula!r} of KPI {kpi!r} adds or subtracts {left} and {right}"
    ),
    "validate.formula_unit_mismatch": (
        "KPI {kpi!r} is in {unit!r}, but its formula {formula!r} gives {found}"
    ),
    "validate.formula_units.hint": (
        "check the formula's names and the KPIs' units: a % or ratio divides like by like "
        "(orders / visits), money comes from money (spend / clicks is a cost per click)"
    ),
    "validate.dimension.rate": "a rate (a pure number)",
    "validate.dimension.money": "money",
    "validate.dimension.count": "a count",
    "validate.dimension.money_per": "money per count",
    "validate.dimension.count_per_money": "a count per unit of money",
    "validate.dimension.other": "a product of money and counts",
    "validate.currency_unknown": "{value!r} is not an ISO 4217 currency code",
    "validate.hint_plan_id": (
        "a plan id uses letters, digits, '-', '_' and '.', starting with a letter or digit, "
        "e.g. 2026-q1-growth"
    ),
    "validate.hint_ids": (
        "ids use letters, digits and underscores and start with a letter, e.g. online_sales"
    ),
    "validate.not_mapping": "{field!r} must be a mapping of fields, not {type}",
    "validate.hint_mapping": "write `key: value` pairs, indented under this field",
    "validate.not_list": "{field!r} must be a list",
    "validate.kind.empty": "empty",
    "validate.kind.bool": "true or false",
    "validate.kind.number": "a number",
    "validate.kind.date": "a date",
    "validate.kind.list": "a list",
    "validate.kind.text": "text",
    "validate.hint_list": "write each item on its own line starting with '- '",
    "validate.pydantic_field": "{field!r}: {why}",
    "validate.hint_owner": (
        "name exactly one accountable person (负责人); list others under `collaborators`"
    ),
    "validate.hint_goal": "state the module's SMART goal: metric, number, unit and date",
    "validate.hint_due": "a date in the plan period, written YYYY-MM-DD",
    "validate.hint_date": "a date written YYYY-MM-DD",
    "validate.owner_list": (
        "{n} owners given; a module or action has exactly one accountable owner"
    ),
    "validate.owner_empty": "the owner is empty; name the one person accountable",
    "validate.owner_placeholder": (
        "{owner!r} is a placeholder, not an owner; name the one person accountable"
    ),
    "validate.owner_several": (
        "{owner!r} names more than one owner; exactly one person is accountable"
    ),
    "bounds.too_large": (
        "{name} {value} is out of range: mktplan stores values up to a trillion ({max}) either "
        "way, so a report could not add it up"
    ),
    "bounds.too_large.hint": (
        "check for extra zeros or an exponent such as 1e27; write the number the plan means"
    ),
    "bounds.too_small": (
        "{name} {value} is smaller than a millionth, the finest step mktplan stores, so it "
        "would read as 0"
    ),
    "bounds.too_small.hint": (
        "write 0 for nothing, or the value in a larger unit (e.g. percent points)"
    ),
    "bounds.date_outside": "{name} {value} is outside {first}–{last}, the years a plan can cover",
    "bounds.date_outside.hint": "check the year; dates are written YYYY-MM-DD, e.g. 2024-06-20",
    "formula.string_not_allowed": (
        "strings are not allowed at position {position}; a formula uses KPI ids, numbers, "
        "spend, revenue, + - * / and parentheses"
    ),
    "formula.char_not_allowed": (
        "{char!r} is not allowed at position {position}; a formula uses KPI ids, numbers, "
        "spend, revenue, + - * / and parentheses"
    ),
    "formula.attribute": (
        "{name!r}: a KPI is named `kpi` or `module.kpi`; attributes are not allowed"
    ),
    "formula.dunder": "{name!r}: names starting with '__' are not allowed",
    "formula.not_operator": "{op} is not an operator here",
    "formula.ends_early": "the formula ends where a value was expected",
    "formula.divide_by_zero": "a division by 0, which has no value on any day",
    "formula.divide_by_zero.hint": "divide by the KPI or number meant (orders / visitors)",
    "formula.call": "function calls such as {name}(…) are not allowed",
    "formula.too_deep": "parentheses nest deeper than {depth} levels",
    "formula.unclosed": "a '(' is not closed",
    "formula.unexpected": "unexpected {token!r} at position {position}",
    "formula.too_long": "the formula is longer than {length} characters",
    "formula.empty": "the formula is empty",
    # the rules
    "validate.vague_goal": (
        "module {module!r}: {reason}. A SMART goal is specific, measurable, achievable, "
        "relevant and time-bound: a metric, a number, a unit and a date"
    ),
    "validate.vague_goal.hint": (
        'rewrite it measurably, e.g. "brand keyword searches +30 % by 30 Sep 2023" or '
        '"9 月 30 日前品牌词搜索量提升 30%"; the numbers are checked by the module\'s KPIs'
    ),
    "validate.cut_by_comment.hint": (
        "` #` starts a comment in YAML, so only {value!r} was read: quote the goal, `{fixed}`"
    ),
    "validate.vague_phrase": (
        "the goal {goal!r} is vague: {phrase!r} is a known unmeasurable phrasing ({label}) "
        "and the goal names no number"
    ),
    "validate.no_quantity": (
        "the goal {goal!r} is not measurable: it names no number apart from dates, event "
        "names and groups (双11, 618, Q3, 2025 say when, 95后, 25-35岁, tier-1 say who, "
        "not how much)"
    ),
    "validate.no_measurable_kpi": (
        "module {module!r} has no KPI with a numeric target and a due date, so its goal "
        "cannot be measured"
    ),
    "validate.no_measurable_kpi.hint": (
        "give at least one KPI `target:` (a number) and `due:` (a date in the plan period)"
    ),
    "validate.reserve_range_inverted": "reserve_range min {low} % is above max {high} %",
    "validate.reserve_range_inverted.hint": "swap the two bounds",
    "validate.reserve_out_of_range": (
        "the reserve is {share} % of the total; it must be between {low} % and {high} %"
    ),
    "validate.reserve_out_of_range.hint": (
        "set reserve between {low_amount} and {high_amount} (应急预备金 {low}–{high} %)"
    ),
    "validate.budget_overrun": (
        "module budgets ({allocated}) plus the reserve ({reserve}) come to {sum}, more than "
        "the total {total}"
    ),
    "validate.budget_overrun.hint": "cut module budgets by {cut} or raise the total",
    "validate.lines_mismatch": (
        "budget lines ({lines}) plus the reserve ({reserve}) come to {sum}, not the total {total}"
    ),
    "validate.lines_mismatch.hint_add": "add {amount} across the lines",
    "validate.lines_mismatch.hint_remove": "remove {amount} across the lines",
    "validate.reserve_listed_as_line": (
        "budget line {line!r} ({amount}) is the reserve listed again: lines plus the reserve "
        "come to {sum}, not the total {total}"
    ),
    "validate.reserve_listed_as_line.hint": (
        "remove the line {line!r}: the reserve is `budget.reserve` and is not listed under "
        "`lines`, which add up to the total minus the reserve"
    ),
    "validate.module_without_budget": (
        "module {module!r} has no budget but its actions plan {planned}"
    ),
    "validate.module_without_budget.hint": (
        "give the module a `budget:` at least as large as its actions' budgets"
    ),
    "validate.actions_over_budget": (
        "actions of module {module!r} plan {planned}, more than its budget {budget}"
    ),
    "validate.actions_over_budget.hint": ("cut action budgets by {cut} or raise the module budget"),
    "validate.budget_unplanned": (
        "actions of module {module!r} plan {planned} of its {budget}; more than half the "
        "budget is unplanned"
    ),
    "validate.budget_unplanned.hint": (
        "add the actions the rest of the money is for, or lower the budget"
    ),
    "validate.period_inverted": "the plan ends ({end}) before it starts ({start})",
    "validate.swap_start_end": "swap start and end",
    "validate.plan_period": "the plan period {start} – {end}",
    "validate.move_between": "move it between {start} and {end}",
    "validate.kpi_due_outside": "KPI {kpi!r} is due {due}, outside {span}",
    "validate.kpi_due_outside.hint": "set a due date between {start} and {end}",
    "validate.action_start_outside": "action {action!r} starts {day}, outside {span}",
    "validate.action_end_outside": "action {action!r} ends {day}, outside {span}",
    "validate.action_inverted": "action {action!r} ends ({end}) before it starts ({start})",
    "validate.action_finished_early": (
        "action {action!r} finished ({finished}) before it started ({start})"
    ),
    "validate.action_finished_early.hint": "check the actual finish date",
    "validate.milestone_outside": "milestone {milestone!r} on {date} is outside {span}",
    "validate.review_outside": "review of {date} is outside {span}",
    "validate.review_outside.hint": "date it between {start} and {end}",
    "validate.approval_after_end": "approval by {name} is dated {date}, after the plan ends",
    "validate.approval_after_end.hint": "an approval comes before or during the plan",
    "validate.what_module": "module",
    "validate.what_plan_kpi": "plan-level KPI",
    "validate.what_module_kpi": "{module} KPI",
    "validate.what_module_named": "module {module!r}",
    "validate.what_action_named": "action {action!r}",
    "validate.what_the_plan": "the plan",
    "validate.duplicate_id": "{what} id {id!r} is used twice (first at {first})",
    "validate.duplicate_id.hint": "ids must be unique; rename one of them",
    "validate.fixed_too_long.hint": "shorten the source's fixed {kind}: a name, not a text",
    "validate.scaled_unit": (
        "KPI {kpi!r} has the scaled unit {unit!r}, but actuals are always read in whole units "
        "(1.2万 in an export is 12,000), so its target and actuals would differ by the scale"
    ),
    "validate.scaled_unit.hint": (
        "write the unit without its scale (the currency or count alone) and the target in "
        "whole units: 100万 is 1000000"
    ),
    "validate.rate_summed": (
        "KPI {kpi!r} is a rate ({unit}) whose daily values would be added up (aggregation "
        "sum, the default): 2 % and 3 % on two days would read 5 %"
    ),
    "validate.rate_summed_given": (
        "KPI {kpi!r} is a rate ({unit}) whose daily values would be added up (aggregation "
        "sum): 2 % and 3 % on two days would read 5 %"
    ),
    "validate.rate_summed.hint": (
        "set `aggregation: last` for a level (a growth rate, a satisfaction score), `mean` "
        "with `weight:` for a rate per row, or write it as a formula of sums "
        "(`formula: orders / visitors`)"
    ),
    "validate.missing_unit": "KPI {kpi!r} has no unit",
    "validate.missing_unit.hint": 'add `unit:` such as count, CNY or "%"',
    "validate.missing_source": "KPI {kpi!r} has no data source (数据来源)",
    "validate.missing_source.hint": (
        "add `source:` naming the system or sheet its numbers come from"
    ),
    "validate.weight_formula": (
        "KPI {kpi!r} is weighted by {weight!r}, a formula KPI: weights come from stored rows, "
        "and formula KPIs have none"
    ),
    "validate.weight_formula.hint": (
        "weight by a measured KPI exported in the same rows (e.g. impressions)"
    ),
    "validate.did_you_mean": "; did you mean {name!r}?",
    "validate.weight_unknown": "KPI {kpi!r} is weighted by {weight!r}, which is not a KPI{suggestion}",
    "validate.weight_unknown.hint": (
        "name a KPI of the same module (or `module.kpi`) whose values weight the mean"
    ),
    "validate.role_other_currency": (
        "KPI {kpi!r} has `role: {role}` and unit {unit!r}, which is {currency}: {role} is "
        "added up with the plan's other {role} KPIs in {plan}, and mktplan converts no currency"
    ),
    "validate.role_other_currency.hint": (
        "record it in {plan} (the amount your finance ledger books), or drop `role:` and "
        "track it as a KPI of its own"
    ),
    "validate.percent_times_100": (
        'KPI {kpi!r} has unit "%" and its formula {formula!r} multiplies by 100: a % '
        "formula is its ratio times 100 already, so this one would read 100 times too high"
    ),
    "validate.percent_times_100.hint": (
        "write the ratio alone (orders / visits); mktplan shows 0.03 as 3 %"
    ),
    "validate.rate_line_column": (
        "KPI {kpi!r} is a rate, and source {source!r} gives its column {column!r} the budget "
        "line of column {line!r}: a day and channel's lines are added up, and rates of two "
        "lines are no sum (2 % + 3 % is not 5 %)"
    ),
    "validate.rate_line_column.hint": (
        "map {line!r} as the source's `channel:` (each line then a channel of its own, where "
        "a weighted rate is a ratio of sums), or record the rate's numerator and denominator"
    ),
    "validate.rate_lines_of_sources": (
        "KPI {kpi!r} is a rate, and its sources store it under different budget lines "
        "({sources}): a day and channel's lines are added up, and rates of two lines are no sum"
    ),
    "validate.rate_lines_of_sources.hint": (
        "give those sources a fixed `channel:` each instead of a line, or record the rate's "
        "numerator and denominator"
    ),
    "validate.weight_not_mean": "KPI {kpi!r} has a weight but aggregation {aggregation!r}",
    "validate.weight_not_mean.hint": "a weight applies to `aggregation: mean` only",
    "validate.target_far_from_baseline": (
        "KPI {kpi!r} targets {target}, more than 10× its baseline {baseline}"
    ),
    "validate.target_far_from_baseline.hint": (
        "check for a slipped digit; an achievable target is part of SMART"
    ),
    "validate.bad_formula": "KPI {kpi!r}: formula {formula!r}: {reason}",
    "validate.bad_formula.hint": (
        "a formula uses KPI ids, numbers, spend, revenue, + - * / and parentheses"
    ),
    "validate.formula_unknown": (
        "KPI {kpi!r}: formula refers to {name!r}, which is not a KPI{suggestion}"
    ),
    "validate.formula_unknown.hint": (
        "use a KPI id of this module, `module.kpi`, a plan-level id, spend or revenue"
    ),
    "validate.formula_no_role": (
        "KPI {kpi!r}: formula uses {role!r} but {where} has no KPI with role: {role}"
    ),
    "validate.formula_no_role.hint": "mark the KPI that records it with `role: {role}`",
    "validate.formula_cycle": "formulas refer to each other in a circle: {cycle}",
    "validate.formula_cycle.hint": "one KPI of the circle must be measured, not computed",
    "validate.alert_unknown_kpi": ("alert refers to KPI {kpi!r}, which does not exist{suggestion}"),
    "validate.alert_unknown_kpi.hint": (
        "name the KPI as `module.kpi`, or by its bare id at plan level"
    ),
    "validate.alert_no_condition": "alert has no condition",
    "validate.alert_no_condition.hint": (
        "add one of below_target, above_target, below_pace (percent) or above, below (value)"
    ),
    "validate.alert_no_target": "alert {condition} on {kpi!r}, which has no target",
    "validate.alert_no_target.hint": (
        "give the KPI a target, or use `above:`/`below:` with a value"
    ),
    "validate.alert_always": (
        "alert on {kpi!r} fires on every value: each condition fires on its own, and every "
        "value is above {above} or below {below}"
    ),
    "validate.alert_always.hint": (
        "to watch outside a band, make `above:` the upper bound (above: {below}, below: "
        "{above}); to watch one side, keep one condition"
    ),
    "validate.alert_pace_on_level": (
        "alert below_pace on {kpi!r}: a level has no pace line (its pace is its attainment)"
    ),
    "validate.alert_pace_on_level.hint": (
        "use below_target for levels, rates and ratio formulas; below_pace fits KPIs that "
        "add up (sum, or formulas adding such KPIs)"
    ),
    "validate.use_one_of": "use one of: {ids}",
    "validate.review_unknown_module": "review refers to module {module!r}, which does not exist",
    "validate.review_unknown_kpi": (
        "review refers to KPI {kpi!r}, which does not exist{suggestion}"
    ),
    "validate.review_unknown_kpi.hint": "name the KPI as `module.kpi`",
    "validate.review_other_module": (
        "review of module {module!r} is about KPI {kpi!r}, a KPI of module {kpi_module!r}: "
        "the report lists it under both modules"
    ),
    "validate.review_other_module.hint": (
        "write `module: {kpi_module}` if the review is about that module, or name a KPI of "
        "the module reviewed"
    ),
    "validate.source_without_map": (
        "source {source!r} routes rows by {column!r} but has no `modules:` map"
    ),
    "validate.source_without_map.hint": "add `modules: {{cell value: module id}}`",
    "validate.source_without_module_by": (
        "source {source!r} has a `modules:` map but no `module_by:` column"
    ),
    "validate.source_without_module_by.hint": "name the column whose value picks the module",
    "validate.source_unknown_module": "source {source!r}: module {module!r} does not exist",
    "validate.source_routes_unknown": (
        "source {source!r} routes {value!r} to module {module!r}, which does not exist"
    ),
    "validate.source_column_unknown": (
        "source {source!r} maps column {column!r} to {kpi!r}, which is not a KPI{suggestion}"
    ),
    "validate.source_column_unknown.hint": (
        "map to a KPI id of the routed modules, or `module.kpi`"
    ),
    "validate.source_column_formula": (
        "source {source!r} maps column {column!r} to {kpis}, {n:plural/a formula KPI/formula KPIs}"
    ),
    "validate.source_column_formula.hint": (
        "formula KPIs are computed from their inputs; map the inputs instead"
    ),
    "validate.source_problem": "source {source!r}: {why}",
    "validate.source_scale_not_a_number": (
        "scale {word} is not a number or one of K, M, 千, 万, 亿"
    ),
    "validate.source_scale_not_positive": "scale {word} must be above 0",
    "validate.source_date_format_unreadable": (
        "date_format {format!r} is not a strftime pattern Python can read dates with"
    ),
    "validate.source_date_format_lacks": (
        "date_format {format!r} reads no {part}, so no cell can give a whole date"
    ),
    "validate.source_date_format.hint": (
        "write strftime codes for the day, month and year as the export writes them: %d, %m or "
        "%b, %Y or %y — e.g. %m/%d/%Y, %d.%m.%Y, %b %d, %Y (no %-d)"
    ),
    "validate.date_part_day": "day",
    "validate.date_part_month": "month",
    "validate.date_part_year": "year",
    "validate.source_table_from_one": "there is no table {table}: tables are numbered from 1",
    "validate.source_table_from_one.hint": (
        "write `table: 1` for the first table of the file, or the table's title"
    ),
    "validate.department_owner": (
        "{what} is owned by {owner!r}, which looks like a department or team, not a person"
    ),
    "validate.department_owner.hint": (
        "name the one person who answers for it (负责人); list the team under `collaborators`"
    ),
    "validate.department_owner.plan_hint": (
        "name the one person who answers for the whole plan (负责人); teams go under a module's"
        " or an action's `collaborators`"
    ),
    "validate.no_approvals": "the plan has no approvals (审批); it has not been signed off",
    "validate.no_approvals.hint": (
        "add `approvals:` with role, name and date for the department head and management"
    ),
    "validate.checkpoints_on_level": ("KPI {kpi!r} has checkpoints but is a level, not cumulative"),
    "validate.checkpoints_on_level.hint": (
        "checkpoints phase a target that adds up over time: a KPI with aggregation sum, or a "
        "formula that only adds or subtracts such KPIs; drop them here"
    ),
    "validate.checkpoints_without_target": "KPI {kpi!r} has checkpoints but no target",
    "validate.checkpoints_without_target.hint": "add `target:`; checkpoints are steps towards it",
    "validate.checkpoint_not_number": (
        "checkpoint {day} of KPI {kpi!r} is {raw!r}, neither a number nor a share of the target"
    ),
    "validate.checkpoint_not_number.hint": (
        "write a cumulative value (150000) or a share of the target (15%)"
    ),
    "validate.checkpoint_not_a_value": (
        "this checkpoint is {value}, neither a number nor a share of the target"
    ),
    "validate.checkpoint_outside": (
        "checkpoint {day} of KPI {kpi!r} lies outside its window {start} … {due}"
    ),
    "validate.checkpoint_outside.hint": (
        "date checkpoints between the plan start and the KPI's due date"
    ),
    "validate.checkpoint_out_of_range": (
        "checkpoint {day} of KPI {kpi!r} is {value}, outside 0 … the target {target}"
    ),
    "validate.checkpoint_out_of_range.hint": (
        "a checkpoint is the cumulative value planned by that date, at most the target "
        "(at most 100%)"
    ),
    "validate.checkpoint_on_due": (
        "checkpoint {day} of KPI {kpi!r} is {value}, but {day} is its due date, where the "
        "target {target} is planned"
    ),
    "validate.checkpoint_on_due.hint": (
        "the target curve ends at (due date, target): change the target to the value planned "
        "for the due date, or move the checkpoint earlier; on the due date only the target "
        "itself (100%) may stand"
    ),
    "validate.checkpoint_decreasing": (
        "checkpoint {day} of KPI {kpi!r} ({value}) is below the one of {previous_day} ({previous})"
    ),
    "validate.checkpoint_decreasing.hint": (
        "checkpoints are cumulative: each is at least the one before it"
    ),
    "validate.goal_target_mismatch": (
        "module {module!r}: the goal names {said}, which matches none of its KPI targets "
        "({targets})"
    ),
    "validate.goal_target_mismatch.hint": (
        "bring the goal and the targets back in line: one of them was changed alone"
    ),
    "validate.percent_as_fraction": (
        "KPI {kpi!r} is in percent points but targets {target}: that is {target} %, not {meant} %"
    ),
    "validate.percent_as_fraction.hint": (
        "write {meant} for {meant} % (a percent KPI counts in percent points)"
    ),
    "validate.late_approval": (
        "approval by {name} is dated {date}, after the plan started on {start}"
    ),
    "validate.late_approval.hint": (
        "a plan is approved before it starts; check the date, or record why it was late"
    ),
    "plan.not_valid": "the plan is not valid: {first}",
    "plan.not_valid_more": (
        "the plan is not valid: {first} (and {more} more; run `mktplan validate {plan}`)"
    ),
}

MESSAGES.update(
    {
        # the command line
        "cli.error": "error",
        "cli.warning": "warning",
        "cli.same_in_rows": " (the same on {n} rows)",
        "cli.hint_label": "hint: ",
        "cli.usage": "{command}: {what}. Hint: `{command} -h` lists its arguments and options.",
        "cli.missing_argument": "the argument {name} is missing",
        "cli.missing_option": "the option {name} is missing",
        "cli.no_such_option": "there is no option {name}",
        "cli.no_such_option_near": "there is no option {name} (did you mean {near}?)",
        "cli.bad_value": "invalid value for {name}: {why}",
        "cli.option_needs_value": "the option {name} needs a value",
        "cli.extra_arguments": "unexpected extra argument(s): {extra}",
        "cli.not_one_of": "{name} takes one of {choices}, not '{value}'",
        "cli.no_such_command": "there is no command {name!r}",
        "cli.error_hint": " Hint: {hint}.",
        "cli.ok": "ok",
        "validate.file_counts": "{errors} {errors:plural/error/errors}",
        "validate.file_counts_warnings": (
            "{errors} {errors:plural/error/errors}, {warnings} {warnings:plural/warning/warnings}"
        ),
        "validate.summary": (
            "{plans} {plans:plural/plan/plans} checked: {valid} valid, {invalid} invalid "
            "({errors} {errors:plural/error/errors}, {warnings} {warnings:plural/warning/warnings})"
        ),
        "validate.github_hint": ". Hint: {hint}",
        "init.wrote": "wrote {path}; check it with: mktplan validate {path}",
        "init.exists": "the file exists already",
        "init.exists.hint": "pick another path or pass --force",
        "init.directory": "this is a directory",
        "init.directory.hint": "name the file to write",
        "init.unwritable": "cannot write the plan: {why}",
    }
)

MESSAGES.update(
    {
        # mktplan diff
        "diff.md_heading": "### mktplan diff: {old} → {new}",
        "diff.summary": "{n} {n:plural/change/changes}: {areas}",
        "diff.area_count": "{n} {area}",
        "diff.list_separator": ", ",
        "diff.summary_careful": (
            "; {mark} {n} to review carefully (they change numbers or grades already reported)"
        ),
        "diff.budget_totals": "Budget totals",
        "diff.days": "{days} {n:plural/day/days}",
        "diff.invalid_side": "{label} is not a valid plan ({errors} {errors:plural/error/errors})",
        "diff.invalid_side.hint": "fix the errors listed, or compare with another revision",
        "diff.kind.added": "added",
        "diff.kind.removed": "removed",
        "diff.kind.changed": "changed",
        "diff.area.plan": "plan",
        "diff.area.budget": "budget",
        "diff.area.module": "module",
        "diff.area.kpi": "kpi",
        "diff.area.action": "action",
        "diff.area.alert": "alert",
        "diff.area.source": "source",
        "diff.area.review": "review",
        "diff.area.milestone": "milestone",
        "diff.area.approval": "approval",
        "diff.group.grading": "Grading rules",
        "diff.group.mapping": "Data mapping",
        "diff.group.targets": "Targets and dates",
        "diff.group.money": "Money",
        "diff.group.people": "People",
        "diff.group.text": "Descriptions",
        "diff.header.area": "area",
        "diff.header.item": "item",
        "diff.header.field": "field",
        "diff.header.old": "old",
        "diff.header.new": "new",
        "diff.header.change": "change",
        "diff.total_header.budget": "budget",
        "diff.total_header.old": "old",
        "diff.total_header.new": "new",
        "diff.total_header.change": "change",
        "diff.total.total": "total budget",
        "diff.total.reserve": "reserve",
        "diff.total.reserve_share": "reserve %",
        "diff.total.allocated": "allocated to modules",
        "diff.total.unallocated": "unallocated",
    }
)

MESSAGES.update(
    {
        # mktplan ingest and mktplan log
        "ingest.already_ingested": "{name}: already ingested (same content and mapping); nothing changed",
        "ingest.no_dates": "no dates",
        "ingest.more_kpis": " and {n} more (`mktplan log PLAN --format json` lists all)",
        "ingest.file_line": (
            "{name} ({source}): {rows} {rows:plural/row/rows} read; {new} new, {changed} changed, "
            "{unchanged} unchanged; {span}; {kpis} {kpis:plural/KPI/KPIs}: {named}"
        ),
        "ingest.line": "line {first}",
        "ingest.lines": "lines {first}–{last}",
        "ingest.skipped": "skipped {where}: {reason}",
        "ingest.more_skipped": "… and {n} more skipped (`--format json` lists all)",
        "ingest.rejected_skipped_dry": (
            "{rows} {rows:plural/row/rows} would be rejected and skipped; no rejects file "
            "written (dry run)"
        ),
        "ingest.rejected_skipped": (
            "{rows} {rows:plural/row/rows} rejected and skipped; listed in {where}"
        ),
        "ingest.earlier_rejects": (
            "{path} lists rows an earlier ingest with --skip-invalid rejected; this one "
            "rejected none: delete it once those rows are dealt with"
        ),
        "ingest.dry_run": "dry run: nothing written to {store}",
        "ingest.stored": "ingest run {run} stored in {store}",
        "ingest.more_problems": "… and {n} more {n:plural/problem/problems} not listed",
        "ingest.rows_rejected": (
            "{rows} {rows:plural/row/rows} rejected in {files}; nothing was stored"
        ),
        "ingest.rows_rejected_all.hint": (
            "no row holds a value that could be stored, so --skip-invalid would store "
            "nothing: fix the rows listed above (or the source's mapping)"
        ),
        "ingest.rows_rejected.hint": (
            "fix the rows listed above, or pass --skip-invalid to store the good rows and "
            "write the rejected ones to <file>.rejects.csv"
        ),
        "log.no_store": "no store yet: nothing has been ingested for this plan",
        "log.no_store.hint": "run `mktplan ingest {plan} FILE...` first, or pass --store",
        "log.no_runs": "no ingest runs for plan {plan} in {store}",
        "log.run": "run {id}  {when}  {command}",
    }
)

MESSAGES.update(
    {
        # the summary paragraph (i18n.summary_sentences): at most three sentences
        "summary.none_graded": "As of {as_of} no KPI with a target has data yet.",
        "summary.standing": "As of {as_of}, {on_track} of {graded} KPIs are on track.",
        "summary.standing_final": (
            "As of {as_of}, every KPI is past its due date: {achieved} of {finished} achieved "
            "the target."
        ),
        "summary.standing_finished_only": (
            "As of {as_of}, {achieved} of {finished} KPIs past their due date achieved the "
            "target; the running ones have no data yet."
        ),
        "summary.standing_both": (
            "As of {as_of}, {on_track} of {running} running KPIs are on track, and "
            "{achieved} of {finished} past their due date achieved the target."
        ),
        "summary.gap": "Furthest behind is {name} (owner {owner}) at {score} {measure}, {status}",
        "summary.gap.pace": "of its pace",
        "summary.gap.attainment": "of its target",
        "summary.gap.unscored": "Furthest behind is {name} (owner {owner}), {side} its target {target}, {status}",
        "summary.gap.below": "below",
        "summary.gap.above": "above",
        "summary.channel_drop": "; channel {channel} fell most this period ({before} → {now})",
        "summary.channel_rise": "; channel {channel} rose most this period ({before} → {now})",
        "summary.burn": (
            "Spent {spent} of {budget} {currency} ({used}) with {elapsed} of the time elapsed"
        ),
        "summary.overspend": (
            "; at the recent rate spend is forecast to pass the budget by {overspend} {currency}"
        ),
        "summary.overspent": "; spend is over the budget by {overspend} {currency}",
        "summary.end": ".",
        # the weekly report's plan changes
        "weekly.plan_change": "{subject}: {field} {old} → {new}",
        "weekly.brief_section": "{title}:",
        "weekly.brief_alert": "- [{severity}] {message} ({owner}, respond by {deadline})",
        "weekly.named_item": "{name} ({id})",
        "weekly.plan_change_delta": "{subject}: {field} {old} → {new} ({delta})",
        "weekly.change_field.target": "target",
        "weekly.change_field.due": "due",
        "weekly.change_field.owner": "owner",
        "weekly.change_field.budget": "budget",
        "weekly.change_field.total": "total budget",
        "weekly.change_field.reserve": "reserve",
        "weekly.change_field.amount": "amount",
        # KPI units by their code (numbers.unit_label): a unit column, a chart's axis
        "unit.count": "count",
        "unit.ratio": "ratio",
    }
)

MESSAGES.update(
    {
        # pydantic's checks of single values
        "validate.greater_than": "{value} is too small for {field!r}: it must be more than {limit}",
        "validate.greater_than_equal": "{value} is too small for {field!r}: it must be at least {limit}",
        "validate.less_than": "{value} is too large for {field!r}: it must be less than {limit}",
        "validate.less_than_equal": "{value} is too large for {field!r}: it must be at most {limit}",
        "validate.string_type": "{value} is not text for {field!r}",
        "validate.bool_type": "{value} is not true or false for {field!r}",
        "validate.bool_parsing": "{value} is not true or false for {field!r}",
        "validate.int_type": "{value} is not a whole number for {field!r}",
    }
)

MESSAGES.update(
    {
        # mktplan diff: the command line and git
        "diff.usage": "give either two plan files or one plan and --rev",
        "diff.usage.hint": "mktplan diff OLD.yaml NEW.yaml, or mktplan diff PLAN.yaml --rev HEAD~1",
        "diff.no_git": "git is not installed or not on PATH",
        "diff.no_git.hint": "install git to use --rev",
        "diff.not_a_rev": "{rev!r} is not a revision",
        "diff.not_a_rev.hint": "name a commit, e.g. --rev HEAD~1",
        "diff.no_folder": "the plan's folder does not exist",
        "diff.not_a_repo": "not inside a git repository, so --rev has nothing to compare with",
        "diff.not_a_repo.hint": "compare two files instead: mktplan diff OLD.yaml NEW.yaml",
        "diff.unknown_rev": "unknown revision {rev!r}",
        "diff.unknown_rev.hint": (
            "name a commit, branch or tag that exists, e.g. --rev HEAD~1 or --rev main"
        ),
        "diff.not_at_rev": "{path} is not in revision {rev!r} under this path",
        "diff.not_at_rev.hint": (
            "the plan was added after {rev}, or is misspelt; if it was renamed or copied"
            " from another file, compare two files: git show {rev}:OLD_PATH > old.yaml,"
            " then mktplan diff old.yaml {path}"
        ),
        "diff.not_utf8": "{label} is not UTF-8",
        "diff.not_utf8.hint": "plans are UTF-8 text files",
    }
)

MESSAGES.update(
    {
        # ingest: the most common reasons a row or cell is refused
        "ingest.rejected_cell": "{value!r}: {why}",
        "ingest.rejected_cells": "{first!r} … {last!r}: {why}",
        "ingest.separator_ambiguous": (
            "ambiguous in a file separated by semicolons, or by tabs with decimal commas in "
            "it, as spreadsheets set to a European language save them: there 1,234 is one "
            "point two three four and 1.234 is a "
            "thousand two hundred and thirty-four; export the numbers without thousands "
            "separators, or the file separated by commas"
        ),
        "ingest.not_a_number": (
            "not a number; write e.g. 1234, 1,234.50, 2.1%, ¥35,000, 1.2万 or (1,200) for a "
            "negative"
        ),
        "ingest.excel_error": (
            "the spreadsheet's formula failed in this cell: fix it in the sheet and export "
            "again, or write - where the day has no value"
        ),
        "ingest.no_date": "no date",
        "ingest.not_a_date": (
            "not a date; write 2024-06-10, 2024/6/10, 2024年6月10日, 20240610, Oct 1, 2023 or "
            "6/10 (the order read from the column) or set the source's `date_format:`"
        ),
        "ingest.date_and_hour": (
            "a date and an hour (YYYYMMDDHH), not a date: export by day (GA4: the dimension "
            'Date), or, in a source whose KPIs add up, set `date_format: "%Y%m%d%H"` (each '
            "hour's row then adds to its day; a rate's hours are not averaged)"
        ),
        "ingest.period_number": (
            "a number, not a date: a column that numbers days, weeks or periods (GA4's "
            '"Nth day", a week number) holds no dates; export the report with a date per row '
            "(GA4: the dimension Date)"
        ),
        "ingest.not_calendar_date": "not a calendar date ({why})",
        "ingest.no_kpi_id": "no KPI id",
        "ingest.unknown_kpi": "unknown KPI {kpi!r}",
        "ingest.unknown_kpi_close": "unknown KPI {kpi!r}; did you mean {close!r}?",
        "ingest.unknown_kpi_two": "unknown KPI {kpi!r}; did you mean {first!r} or {second!r}?",
        "ingest.formula_kpi": "{kpi!r} is a formula KPI ({formula}); ingest its inputs instead",
    }
)

MESSAGES.update(
    {
        # report: its own usage errors, refusals and lines
        "report.bad_as_of": "--as-of must be a date like 2023-07-31, not {value!r}",
        "report.bad_as_of.hint": "write the date as YYYY-MM-DD",
        "report.as_of_range": "--as-of must be a date from {first} to {last}, not {value!r}",
        "report.as_of_range.hint": (
            "plans lie in 2000–2099: give a day in or after the plan's period, like 2023-07-31"
        ),
        "report.format_against_name": (
            "--format {format} does not match {out!r}, a file name for the {found} format"
        ),
        "report.format_against_name.hint": (
            "drop --format to write {found}, or give the file the extension of {format}"
        ),
        "report.format_from_name": "cannot tell the format from the file name {out!r}",
        "report.format_from_name.hint": (
            "pass --format md|xlsx|json|table or use .md, .xlsx, .json or .txt"
        ),
        "report.brief_stdout_only": "the brief report prints to standard output only",
        "report.brief_stdout_only.hint": (
            "drop --out and redirect: mktplan report … --format brief > brief.txt"
        ),
        "report.xlsx_needs_out": "an xlsx report needs --out",
        "report.xlsx_needs_out.hint": "add --out reports/ or --out report.xlsx",
        "report.template_md_only": "--template applies to --format md only",
        "report.template_md_only.hint": "drop --template or use --format md",
        "report.template_missing": "the template file does not exist",
        "report.template_missing.hint": "name a .md.j2 file",
        "report.template_is_directory": "the template is a directory, not a file",
        "report.template_is_directory.hint": "name a .md.j2 file, not its folder",
        "report.template_not_regular": "the template is not a regular file (a device or a pipe)",
        "report.template_not_regular.hint": "name a .md.j2 file",
        "report.no_store": "there is no store at {store}",
        "report.store_empty": "the store {store} holds no observation of plan {plan!r}",
        "report.empty_refused": "{why}, so every KPI would show no data; no report written",
        "report.empty_refused.hint": (
            "check --store or MKTPLAN_STORE, load exports with `mktplan ingest {plan} FILE…`, "
            "or add --allow-empty to report the plan without data"
        ),
        "report.empty_note": (
            "note: {why}, so every KPI shows no data; load exports with: "
            "mktplan ingest {plan} FILE…"
        ),
        "report.results_not_saved": (
            "note: the KPI results were not saved in the store for BI views: {why}"
        ),
        "report.numbers_out_of_range": "cannot report numbers this large or small: {fields}",
        "report.numbers_out_of_range_more": (
            "cannot report numbers this large or small: {fields} and {more} more"
        ),
        "report.numbers_out_of_range.hint": (
            "a report works with magnitudes between 1E-300 and 1E+300; check these fields for "
            "a slipped exponent"
        ),
        "report.number_overflow": "cannot compute or format a number of this report ({kind})",
        "report.number_overflow.hint": (
            "check the plan's targets and budgets for a slipped exponent (magnitudes between "
            "1E-300 and 1E+300 work)"
        ),
        "report.wrote": "wrote {path}",
        "report.alerts_at": "{n} {n:plural/alert/alerts} at {level} or worse",
        "report.out_protected": (
            "--out names {what} ({other}); writing the report there would destroy it"
        ),
        "report.out_protected.hint": "choose another file name, or a folder such as reports/",
        "report.protected.plan": "the plan",
        "report.protected.store": "the store",
        "report.protected.journal": "the store's journal",
        "report.protected.template": "the template",
        "report.out_not_own": (
            "--out names an existing file that is not a report written by mktplan; it is left "
            "as it was"
        ),
        "report.out_not_own.hint": (
            "choose another file name or a folder such as reports/, or add --force to replace "
            "the file"
        ),
        "report.out_is_directory": "the output path is a directory",
        "report.out_not_regular": (
            "--out names {kind}, not a regular file; the report is written to a new file "
            "renamed over its path, which would replace it, so nothing was written"
        ),
        "report.out_not_regular.hint": (
            "name a regular file or a folder such as reports/, or leave out --out to print "
            "the report (md, json) to standard output"
        ),
        "report.out_is_directory.hint": "end it with / or name a file",
        "report.cannot_write": "cannot write the report: {why}",
        "report.cannot_write.hint": "check the folder exists and is writable",
        "report.cannot_finish.hint": "check there is space and the folder is writable",
        # cron: the weekly run's own lines (each after `mktplan cron: `)
        "cron.inbox_not_folder": "inbox {inbox} is not a folder",
        "cron.role.inbox": "inbox",
        "cron.same_folder": (
            "the {first} and {second} folders are one folder, {folder}: give each its own "
            "(done/ and rejected/ may sit inside the inbox)"
        ),
        "cron.role.done": "done",
        "cron.role.rejected": "rejected",
        "cron.role.reports": "reports",
        "cron.folder_not_folder": "the {role} folder {folder} is not a folder",
        "cron.folder_unusable": "the {role} folder {folder} cannot be used: {why}",
        "cron.ingested_not_moved": (
            "{file} was ingested but stays in the inbox: cannot move it to {folder}: {why}"
        ),
        "cron.rejected_not_moved": (
            "{file} was rejected and stays in the inbox: cannot move it to {folder}: {why}"
        ),
        "cron.error_file_head": (
            "{name}: rejected by mktplan ingest ({how}, exit {code}) at {stamp}"
        ),
        "cron.long_format": "long format",
        "cron.source_by_name": (
            "Under mktplan cron a file goes through the source its name holds: rename it "
            "{name} (`.{source}.` before the extension), and drop it into the inbox again."
        ),
        "cron.error_file_failed": "rejected {file}; cannot write its .error.txt: {why}",
        "cron.rejected": "rejected {file} (see {file}.error.txt)",
        "cron.replaced_while_ingested": (
            "left {file} in the inbox: a new file took its name while it was being ingested; "
            "the next run takes it"
        ),
        "cron.still_written": (
            "left {file} in the inbox: it changed in the last {settle} s, so it is still being "
            "written; the next run takes it"
        ),
        "cron.plan_invalid": "the plan {plan} is not valid; nothing ingested",
        "cron.locked": "another run holds the inbox lock; skipped",
        "cron.cannot_lock": "cannot lock the inbox {inbox}, so nothing was ingested: {why}",
        "cron.report_failed": "the {format} report failed",
        "cron.alerts": "alerts at {level} or worse; reports: {files}",
        "cron.alert_line": "{severity}: {kpi} (owner {owner}, respond by {respond_by}): {text}",
        "cron.ingest_killed": (
            "the ingest of {file} was killed ({how}: out of memory, a shutdown) before it "
            "finished; the file stays in the inbox for the next run, which ingests it, or "
            "recognises it if it was stored"
        ),
        "cron.ingest_interrupted": (
            "the ingest of {file} was interrupted before it stored anything, so it stays in "
            "the inbox for the next run"
        ),
        "cron.ingest_interrupted_more": (
            "the ingest of {file} was interrupted before it stored anything, so it and the "
            "{after} {after:plural/file/files} after it stay in the inbox for the next run"
        ),
        "cron.store_unavailable": (
            "the store could not be used, so {file} stays in the inbox for the next run: {why}"
        ),
        "cron.store_unavailable_more": (
            "the store could not be used, so {file} and the {after} "
            "{after:plural/file/files} after it stay in the inbox for the next run: {why}"
        ),
    }
)

MESSAGES.update(
    {
        # diff: the one-line description of an added or removed entry, and budget line items
        "diff.describe.target": "target {value}",
        "diff.describe.due": "due {date}",
        "diff.describe.budget": "budget {value}",
        "diff.describe.owner": "owner {owner}",
        "diff.describe.kpis": "{n} {n:plural/KPI/KPIs}",
        "diff.describe.actions": "{n} {n:plural/action/actions}",
        "diff.describe.alert": "{conditions} ({severity})",
        "diff.budget_line": "line {line}",
    }
)

MESSAGES.update(
    {
        # ingest: the less common reasons a cell is refused
        "ingest.too_large": "too large: values must stay below {max}",
        "ingest.too_large_scaled": (
            "too large after scaling by {scale}: values must stay below {max}"
        ),
        "ingest.currency_mismatch": (
            "a value in {found}, but this column's KPI is in {currency}; convert it to "
            "{currency} first, or map the column to a KPI in {found}"
        ),
        "ingest.year_not_day": (
            "a year, not a day: a row standing for a whole year is not a day's value; export by day"
        ),
        "ingest.date_range": (
            "a date range: a row standing for a week or a month is not a day's value; export by "
            "day, or declare the source's `period: week` or `period: month`"
        ),
        "ingest.date_incomplete": (
            "not a date on its own: its year or its day/month order is missing (a column of "
            "such dates is read against the plan period)"
        ),
        "ingest.date_order_mixed": (
            "the column mixes day-first and month-first dates (one has a day above 12 first, "
            "another second); set the source's `date_format:`"
        ),
        "ingest.date_order_unknown": (
            "day/month order cannot be told: no day in this column is above 12; set the "
            "source's `date_format:`, e.g. %m/%d/%Y or %d/%m/%Y"
        ),
        "ingest.no_year": "a date without a year",
        "ingest.year_outside_period": (
            "a date without a year, and {day} falls in no year of the plan period {start} … {end}"
        ),
        "ingest.year_ambiguous": (
            "a date without a year that could be in {first} or {second} of the plan period; "
            "export the year too"
        ),
        "ingest.date_format_mismatch": "does not match the source's date_format {format!r}",
    }
)

MESSAGES.update(
    {
        # ingest: Parquet files and the tables of a file
        "ingest.parquet.hint": (
            "write the file again with pyarrow, pandas (to_parquet), DuckDB or Spark, or export CSV"
        ),
        "ingest.parquet.unreadable": "not a readable Parquet file ({why})",
        "ingest.parquet.no_columns": "the Parquet file has no columns",
        "ingest.parquet.nested_column": (
            "the column {column!r} holds {kind} values, which are not cells of a table"
        ),
        "ingest.parquet.nested_column.hint": (
            "map a column of numbers, text or dates, or flatten the column before exporting"
        ),
        "ingest.parquet.broken_near": "cannot read the Parquet file near row {row} ({why})",
        "ingest.parquet.broken": "cannot read the Parquet file ({why})",
        "ingest.header_row_beyond": "header_row {row} is beyond the end of the file",
        "ingest.header_row_beyond.hint": (
            "give the line number of the header row as a text editor shows it"
        ),
        "ingest.ambiguous_lower_header": (
            "the column {column!r} is ambiguous: the two-level header on lines {upper}–{lower} "
            "has it under more than one upper header ({choices})"
        ),
        "ingest.ambiguous_lower_header.hint": (
            "map it by both headers, as `upper/lower` (e.g. `{example}`), so it names one column"
        ),
        "ingest.table_label": "{number}{named} (header on line {line})",
        "ingest.table_list": "{first}; {rest}",
        "ingest.several_tables": "the file holds {n} tables: {found}",
        "ingest.several_tables.hint": (
            "pick one with `table:` in the source (its title or its number), e.g. "
            "table: {example}; tables are never summed together"
        ),
        "ingest.table_further_down": (
            "this line repeats the date column's header {name!r}: another table starts here, "
            "below the file's first MiB, where tables are looked for"
        ),
        "ingest.table_further_down.hint": (
            "tables are never summed together: save each table as a file of its own, or cut "
            "the file above this line"
        ),
        "ingest.table_not_found": "the source's table {table!r} is not in the file; it holds: {found}",
        "ingest.table_not_found.hint": "give `table:` as one of these titles or numbers",
        "ingest.table_unreadable": "cannot read the table below line {line}: {why}",
        "ingest.open_quote": (
            "a double quote opened in the row on this line is never closed: the rest of the "
            "file would be one value"
        ),
        "ingest.open_quote.hint": (
            'close the quote, or write a quote inside a quoted value twice ("")'
        ),
        "ingest.table_unreadable.hint": (
            "every row needs as many fields as the header; quote values that hold the "
            "delimiter {delimiter!r}"
        ),
    }
)

MESSAGES["ingest.cannot_read_file"] = "cannot read the file: {why}"
MESSAGES["ingest.cannot_read_file.hint"] = (
    "check that the user running mktplan may read the file and open its folders (ls -l)"
)
MESSAGES["ingest.export_missing"] = "the file does not exist"
MESSAGES["ingest.export_missing.hint"] = "check the path"
MESSAGES["ingest.export_is_directory"] = "this is a directory, not an export"
MESSAGES["diff.budget_item"] = "budget"

MESSAGES.update(
    {
        # alert sentences of the report (render/text.py)
        "alert.budget_line": "Budget line {name}",
        "alert.module": "Module {name} ({code})",
        "alert.over_budget": "{subject} spent {actual} of its budget {budget} ({share})",
        "alert.forecast_over_budget": (
            "{subject} is forecast to spend {actual} by {end}, over its budget {budget} "
            "(spent {spent} so far)"
        ),
        "alert.subject": "{name} ({kpi}) is {actual}",
        "alert.gap_all": "all",
        "alert.below_target": "{subject}, {gap} below target {reference} (alert below {threshold})",
        "alert.above_target": "{subject}, {gap} above target {reference} (alert above {threshold})",
        "alert.below_pace": (
            "{subject}, {gap} below the pace line {reference} (alert below {threshold})"
        ),
        "alert.above": "{subject}, above {threshold}",
        "alert.below": "{subject}, below {threshold}",
    }
)

MESSAGES.update(
    {
        # why rows of an input were skipped (stored as codes, see store/records.skip_reason)
        "ingest.skip.totals_row": "a totals row ({column}: {label!r})",
        "ingest.skip.summary_row": "a summary row: its values are the sum of the other rows",
        "ingest.skip.above_header": "above the header on line {line} ({kinds})",
        "ingest.skip.list": "{first}, {rest}",
        "ingest.skip.kind.sep_hint": "Excel's sep= hint",
        "ingest.skip.kind.comments": "# comments",
        "ingest.skip.kind.blank": "blank lines",
        "ingest.skip.kind.other_table": "another table",
        "ingest.skip.kind.titles": "titles or date ranges",
        "ingest.skip.kind.rows": "rows of several cells",
    }
)

MESSAGES.update(
    {
        # ingest refusals of the layout stage (ingest/layout.py) and of a wide file's columns
        "ingest.duplicate_column": "the column {column!r} appears twice (columns {first} and {second})",
        "ingest.duplicate_column.hint": "rename or remove one of them so each mapped column is named once",
        "ingest.no_such_source": "the plan has no source {source!r}",
        "ingest.no_such_source.hint": "sources in the plan: {known}",
        "ingest.no_sources": "none; the plan has no `sources:`",
        "ingest.parquet_lacks_columns": (
            "source {source!r} needs {n:plural/column/columns} {missing}, which the Parquet file lacks"
        ),
        "ingest.parquet_lacks_columns.hint": "its columns: {columns}; fix the source's column names",
        "ingest.file_lacks_columns": (
            "source {source!r} needs {n:plural/column/columns} {missing}, which the file lacks "
            "(line {line} was taken as the header: no line within the first 50 holds all the columns)"
        ),
        "ingest.file_lacks_columns.hint": (
            "the header on line {line}: {columns}; fix the source's column names, or set "
            "`header_row:` to the header's line{undated}"
        ),
        "ingest.file_lacks_columns.no_date": (
            "; without a date column each row covers the whole report range: export the report "
            "by day (Google Ads: Segment > Time > Day)"
        ),
        "ingest.not_long_format": "not long format (date,kpi,value) and no --source given",
        "ingest.pass_source": "pass {options}",
        "ingest.either": "{first} or {rest}",
        "ingest.no_source_matches": "no source of the plan matches its header; sources: {sources}",
        "ingest.write_long_format": (
            "write it as date,kpi,value[,channel,note], or declare a `sources:` entry"
        ),
        "ingest.period_column": (
            "the date column {column!r} holds weeks or months, and source {source!r} reads days"
        ),
        "ingest.period_column.hint": (
            "declare `period: week` (or month) in the source to store each row's value on the day "
            "the export names for it; weekly values then count in the week they start"
        ),
        "ingest.column_and_fixed": (
            "source {source!r} gives both a {kind} column ({column!r}) and a fixed {kind}"
        ),
        "ingest.column_and_fixed.hint": (
            "keep one: `{kind}: COLUMN` reads it per row, `fixed: {{{kind}: ...}}` gives every "
            "row the same"
        ),
        "ingest.column_currency": "the column {column!r} is in {found}, but {kpi!r} is in {currency}",
        "ingest.column_currency.hint": (
            "export the report in {currency}, or map the column to a KPI whose unit is {found}"
        ),
        "ingest.bad_scale": "source {source!r}: {why}",
        "ingest.bad_scale.hint": "write scale: {{Header: 1000}} or K, M, 千, 万, 亿",
        "ingest.outside_period": "outside the plan period {start} … {end}",
        "ingest.row_spans_days.day": (
            "the row covers {first} … {last} ({days} days), not one day: export by day (Meta Ads "
            "Manager: Breakdown › By time › Day), or declare the source's `period: week` or "
            "`month` for weekly or monthly rows"
        ),
        "ingest.row_spans_days.day.long": (
            "the row covers {first} … {last} ({days} days), not one day: export by day (Meta Ads "
            "Manager: Breakdown › By time › Day)"
        ),
        "ingest.row_spans_days.week": (
            "the row covers {first} … {last} ({days} days), more than a week: export by week"
        ),
        "ingest.row_spans_days.month": (
            "the row covers {first} … {last} ({days} days), more than a month: export by month"
        ),
        "ingest.row_ends_before_it_starts": "the row ends on {last}, before it starts on {first}",
        "ingest.key_text_too_long": (
            "too long: {size} bytes in UTF-8, and a channel, budget line or ref holds at most "
            "{most} bytes (about {chinese} Chinese characters); shorten it"
        ),
        "ingest.date_not_number": (
            "a date where a number belongs: the export's program may have formatted a number "
            "as a date (Excel shows 3.95 as Mar-95); format the column as numbers and export "
            "it again"
        ),
        "ingest.nul_in_text": (
            "holds a NUL character (a zero byte), which no store keeps in text: remove it"
        ),
    }
)

MESSAGES["ingest.no_files"] = "no export files given"
MESSAGES["ingest.no_files.hint"] = "mktplan ingest PLAN FILE... (or --history to list runs)"
MESSAGES["ingest.history_with_files"] = (
    "--history lists the ingest runs and reads no files: {files} would not be ingested"
)
MESSAGES["ingest.history_with_files.hint"] = (
    "run `mktplan ingest PLAN FILE...` to ingest, and `mktplan log PLAN` (or --history "
    "without files) to list the runs"
)
MESSAGES["cli.lock_timeout_range"] = (
    "--lock-timeout must be a number of seconds from 0 to {most} (about 24 days), not {given}"
)

MESSAGES.update(
    {
        # files an export reader refuses (ingest/readers.py)
        "ingest.zip_not_csv": "this is a zip file (an .xlsx workbook?), not a CSV export",
        "ingest.zip_not_csv.hint": "give an .xlsx workbook its .xlsx name, or export CSV",
        "ingest.binary": (
            "not a text export: it holds binary data ({run} or more zero bytes in a row from "
            "byte {offset})"
        ),
        "ingest.binary.hint": (
            "a file padded with NUL bytes was cut off or damaged while being saved or copied; "
            "download or export it again"
        ),
        "ingest.xls": "old .xls workbooks are not supported",
        "ingest.xls.hint": "save the export as .xlsx or CSV",
        "ingest.unknown_encoding": "unknown encoding {encoding!r}",
        "ingest.unknown_encoding.hint": "use utf-8, utf-8-sig, gbk or gb18030",
        "ingest.not_text_encoding": "{encoding!r} is no encoding of text files",
        "ingest.utf16": (
            "the file looks like UTF-16 without a byte-order mark (every other byte is zero)"
        ),
        "ingest.utf16.hint": "pass --encoding utf-16-le (or utf-16-be)",
        "ingest.utf16_marked": (
            "the file starts with a UTF-16 byte-order mark, but encoding {encoding!r} was given"
        ),
        "ingest.utf16_marked.hint": (
            "drop --encoding (or the source's encoding:): a file with a byte-order mark is read "
            "by it"
        ),
        "ingest.no_byte_order_mark": (
            "encoding {encoding!r} needs a byte-order mark at the start of the file, and this "
            "file has none"
        ),
        "ingest.no_byte_order_mark.hint": (
            "name the byte order instead (--encoding, or the source's encoding:): {codec}-le "
            "or {codec}-be"
        ),
        "ingest.empty_file": "the file is empty or has no header row",
        "ingest.empty_file.hint": "the first line names the columns, e.g. date,kpi,value",
        "ingest.header_row_blank": "header_row {row} is blank or beyond the end of the file",
        "ingest.header_row_blank.hint": (
            "give the line number of the header row as a text editor shows it"
        ),
        "ingest.unknown_file_encoding": "cannot tell the file's encoding",
        "ingest.unknown_file_encoding.hint": "pass --encoding, e.g. --encoding gb18030",
        "ingest.header_unreadable": "cannot read the header row: {why}",
        "ingest.header_unreadable.hint": (
            "the header line must name the columns, e.g. date,kpi,value"
        ),
        "ingest.invalid_encoding": "not valid {encoding}: the bytes {found} at byte offset {byte}",
        "ingest.invalid_encoding.hint": (
            "pass the right --encoding, e.g. --encoding gb18030 or --encoding utf-8"
        ),
        "ingest.too_many_fields": (
            "{count} fields where the header has {width}; field {field} is {extra!r}"
        ),
        "ingest.csv_unreadable": "cannot read the CSV: {why}",
        "ingest.xlsx_unreadable": "not a readable .xlsx workbook ({why})",
        "ingest.xlsx_unreadable.hint": "open it in Excel and save it again as .xlsx, or export CSV",
        "ingest.xlsx_too_large": "its parts inflate to {size} bytes, more than the {max} read",
        "ingest.xlsx_zip_bomb": (
            "its part {part} inflates {size} bytes from {packed}, more than {ratio} times "
            "(a zip bomb)"
        ),
        "ingest.xlsx_refused": "refused: {why}",
        "ingest.xlsx_refused.hint": (
            "a real export is far smaller; export the data as CSV, or split the workbook"
        ),
        "ingest.no_readable_sheet": (
            "the workbook has no readable sheet (its sheet parts are missing)"
        ),
        "ingest.no_such_sheet": "the workbook has no sheet {sheet!r}",
        "ingest.no_such_sheet.hint": "sheets: {sheets}",
        "ingest.empty_sheet": "the sheet is empty or has no header row",
        "ingest.header_row_beyond_sheet": (
            "header_row {row} is empty or beyond the end of the sheet"
        ),
    }
)

MESSAGES.update(
    {
        # pipes, the rejects file, a file that changes while read
        "ingest.stream_too_long": "the stream goes on past {max} bytes; stopped there",
        "ingest.stream_too_long.hint": "save the export to a file and ingest the file",
        "ingest.stream_unreadable": "cannot read the stream: {why}",
        "ingest.rejects_in_pipe": (
            "rows were rejected in a pipe, and a pipe has no folder for its rejects file; "
            "nothing was stored"
        ),
        "ingest.rejects_in_pipe.hint": (
            "save the export to a file and ingest the file with --skip-invalid"
        ),
        "ingest.rejects_unwritable": "cannot write the rejects file: {why}; nothing was stored",
        "ingest.rejects_is_input": (
            "this is where the rows this ingest rejects would be written, and it is one of "
            "the files being ingested: writing the rejects would replace it, so nothing was "
            "stored or written"
        ),
        "ingest.rejects_not_ours": (
            "this is where the rows this ingest rejects would be written, and the file there "
            "does not start as mktplan's rejects files do (a UTF-8 line {header}; one saved "
            "again by a spreadsheet program may not): writing the rejects would replace it, "
            "so nothing was stored or written"
        ),
        "ingest.rejects_is_input.hint": (
            "rename that file (an export named like a rejects file), or move it out of the "
            "folder, and ingest again"
        ),
        "ingest.rejects_not_regular": (
            "the rejects file's path is {kind}, not a regular file; writing the rejects file "
            "would replace it, so nothing was stored or written"
        ),
        "ingest.rejects_not_regular.hint": (
            "rename the export (its rejected rows go to <name>.rejects.csv beside it), or "
            "ingest without --skip-invalid"
        ),
        "ingest.rejects_unwritable.hint": (
            "make the input's folder writable (and the rejects path a plain file), or ingest "
            "without --skip-invalid"
        ),
        "ingest.changed_while_read": "the file changed while it was being read",
        "ingest.changed_while_read.hint": "ingest it again once whatever writes it has finished",
    }
)

MESSAGES.update(
    {
        # why a cell or row of an export was rejected (ingest/cells.py, ingest/mapping.py)
        "ingest.unsaved_formula": (
            "a formula without a saved result; open the file in Excel and save it, so the value "
            "is stored"
        ),
        "ingest.two_signs": "more than one sign; write -5 or (5) for a negative",
        "ingest.two_units": "more than one unit in one value",
        "ingest.money_and_percent": "a value cannot be both money and a percentage",
        "ingest.invalid_number": "not a number",
        "ingest.money_for_unit": (
            "a value in {found} for {kpi!r}, whose unit {unit!r} names no currency; give the "
            "value to a KPI in {found}, write the number without a currency, or, if the KPI "
            "is money, name its currency in its unit (USD, USD per click, 元/次)"
        ),
        "ingest.currency_mismatch_kpi": (
            "a value in {found}, but {kpi!r} is in {currency}; convert it to {currency} first, "
            "or give it to a KPI in {found}"
        ),
        "ingest.percent_for_unit": (
            "a percentage for {kpi!r}, whose unit is {unit}; write the number in the KPI's unit"
        ),
        "ingest.unit_not_set": "not set",
        "ingest.row_currency": (
            "a row in {found}, but the plan's money is in {expected}; export the report in "
            "{expected}"
        ),
        "store.owner_clash": (
            "source {source!r} would replace {n} {n:plural/value/values} stored by source "
            "{other!r} ({named}); nothing was stored"
        ),
        "store.owner_clash_more": (
            "source {source!r} would replace {n} {n:plural/value/values} stored by source "
            "{other!r} ({named} and {more} more); nothing was stored"
        ),
        "store.owner_clash_day": "{kpi} on {day}",
        "store.rate_split": (
            "{kpi!r} is a rate, and this file gives it on {day}{where} under {parts}, while the store "
            "holds it for that day and channel under {other} (from {file}): the two would be "
            "added up (2 % + 3 % is no rate of the two); nothing was stored"
        ),
        "store.rate_split_line": "budget line {line!r}",
        "store.rate_split_ref": "ref {ref!r}",
        "store.rate_split_channel": " in channel {channel}",
        "store.rate_split_none": "no budget line or ref",
        "store.rate_split.hint": (
            "give the rate the same budget line and ref as the stored value (the file then "
            "corrects it), map the column that tells the lines apart as the source's "
            "`channel:` (each line a channel of its own), or record the rate's numerator and "
            "denominator; to move the rate to this line on purpose, ingest again with --force "
            "(the stored value is kept in the history)"
        ),
        "store.owner_clash_channel": "{kpi} on {day} in channel {channel}",
        "store.owner_clash.hint": (
            "if both sources are right, give each its own channel (in the plan: sources: "
            "{{{source}: {{fixed: {{channel: ...}}}}}}) so their values sit side by side; to "
            "replace them on purpose, ingest again with --force"
        ),
        "store.owner_clash_long.hint": (
            "if both are right, give the long-format file a channel column "
            "(date,kpi,value,channel) so its values sit beside the source's; to replace them on "
            "purpose, ingest again with --force"
        ),
        "store.reread": (
            "this export's bytes were ingested before, read another way ({earlier}); read now "
            "(source {source!r}), its values would be added beside the {n} "
            "{n:plural/value/values} of that read which this one does not replace, and reports "
            "would count the export twice; nothing was stored"
        ),
        "store.reread_more": (
            "this export's bytes were ingested before, read other ways ({earlier} and {more} "
            "more {more:plural/read/reads}); read now (source {source!r}), its values would be "
            "added beside the {n} {n:plural/value/values} of those reads which this one does not "
            "replace, and reports would count the export twice; nothing was stored"
        ),
        "store.reread_earlier": (
            "run {run} of {when} as {name}, source {source!r}: {n} {n:plural/value/values} "
            "still stored"
        ),
        "store.reread.hint": (
            "if the earlier read was wrong (another --encoding, --sheet or --source, or a "
            "source mapping changed since), ingest again with --force: this read then replaces "
            "the values the earlier one stored (they are kept in the store's history); to keep "
            "the earlier read, leave this file out or ingest it as it was read then"
        ),
        "ingest.row_currency_kpis": (
            "a row in {found}, but the KPIs of its money columns are in {expected}; export the "
            "report in {expected}"
        ),
        "ingest.not_a_currency": "not a currency; the plan's money is in {expected}",
        "ingest.no_route": "no module for this value; the source routes: {known}",
        "ingest.in_module": "module {module!r}",
        "ingest.in_plan": "the plan",
        "ingest.no_kpi_for_column": "{where} has no KPI {kpi!r} to take this column",
        "ingest.formula_column": "{kpi!r} is a formula KPI; it cannot be ingested",
        "ingest.rate_rows_weight_absent": (
            "{count} rows for rate {kpi!r} with the same date, channel, line and ref, and its "
            "weight {weight!r} is not in these rows: a rate is not averaged; export {weight!r} "
            "as a column beside it, or one row per date and channel"
        ),
        "ingest.rate_rows_weight_missing": (
            "{count} rows for rate {kpi!r} with the same date, channel, line and ref, and its "
            "weight {weight!r} is empty or not a number in some of them: fill in every row's "
            "{weight!r}, or export one row per date and channel"
        ),
        "ingest.rate_rows_weight_zero": (
            "{count} rows for rate {kpi!r} with the same date, channel, line and ref, and their "
            "weights {weight!r} add up to 0: their weighted mean is undefined; correct the "
            "weights, or export one row per date and channel"
        ),
        "ingest.rate_split": (
            "{kpi!r} is a rate, and this row ({parts}) shares its date and channel with rows "
            "of other budget lines or refs: their values would be added up (2 % + 3 % is no "
            "rate of the two); map that column as the source's `channel:` (each line then a "
            "channel of its own), or record the rate's numerator and denominator"
        ),
        "ingest.rate_rows": (
            "{count} rows for rate {kpi!r} with the same date, channel, line and ref: a rate is "
            "not averaged; export one row per date and channel (rows with different refs add "
            "up), or give the KPI a `weight:` exported in the same rows"
        ),
    }
)
MESSAGES["ingest.reading"] = "reading {name}"

MESSAGES.update(
    {
        # store: opening, locking and damage (store/failures.py, store/schema.py)
        "store.recovery.hint": (
            "check it with `sqlite3 {path} 'PRAGMA integrity_check'`; restore the file from a "
            "backup, or move it away and ingest the exports again into a new store"
        ),
        "store.damaged": "the store {path} is damaged ({detail}); mktplan cannot use it",
        "store.unreadable_value": "a stored value cannot be read: {why}",
        "store.not_a_store": "{path} is not a mktplan store ({detail})",
        "store.not_a_store.hint": (
            "point --store or MKTPLAN_STORE at a mktplan store file, or move this file away "
            "so a new store can be created"
        ),
        "store.other_tables": "an SQLite database with other tables: {tables}",
        "store.not_a_regular_file": (
            "the store path {path} is not a regular file (a device, pipe or socket), so it "
            "cannot hold a database"
        ),
        "store.not_a_regular_file.hint": (
            "give the path of a file, e.g. .mktplan/store.sqlite, with --store or MKTPLAN_STORE"
        ),
        "store.locked": (
            "another ingest holds the store {store}; gave up after waiting {seconds} s"
        ),
        "store.locked.hint": "wait for the other `mktplan ingest` to finish, then run again",
        "store.sum_overflow": (
            "the values of one KPI, day and channel add up beyond what the store {path} can "
            "sum exactly (9,223,372,036,854 in absolute size); nothing was written"
        ),
        "store.sum_overflow.hint": (
            "check the export for a value in the wrong unit (cents as units, a "
            "duplicated digit) and ingest it again"
        ),
        "store.not_sqlite": (
            "{path} is not a mktplan store: it is not an SQLite database, or a store whose "
            "first page is damaged ({detail})"
        ),
        "store.not_sqlite.hint": (
            "if it is not a store, point --store or MKTPLAN_STORE at one; if it was a "
            "store, {recovery}"
        ),
        "store.disk_full": "the disk holding the store {path} is full; nothing was written",
        "store.disk_full.hint": (
            "free some space on that disk (or move the store with --store) and run again"
        ),
        "store.read_only": "the store {path} cannot be written: {detail}",
        "store.read_only.hint": (
            "check the permissions of the file and of its folder (SQLite writes a -wal "
            "and a -shm file beside it)"
        ),
        "store.file_size_limit": (
            "the store {path} cannot grow: a file size limit of {limit} bytes "
            "(`ulimit -f`) stops it ({detail})"
        ),
        "store.file_size_limit.hint": (
            "raise the limit for this job (ulimit -f unlimited) or move the store"
        ),
        "store.io_error": "the disk refused to read or write the store {path} ({detail})",
        "store.io_error.hint": (
            "check that the disk is present and has free space, and keep the store on a local disk"
        ),
        "store.cannot_open": "cannot open the store {path}: {detail}",
        "store.cannot_open.hint": "check that its folder exists and is writable",
        "store.failed": "cannot use the store {path}: {detail}",
        "store.failed.hint": "check free disk space and that the store file is writable",
        "store.cannot_create_folder": "cannot create the store directory {folder}: {why}",
        "store.cannot_create_folder.hint": (
            "choose a writable place with --store or MKTPLAN_STORE"
        ),
        "store.is_directory": "the store path {path} is a directory",
        "store.is_directory.hint": "give the path of a file, e.g. .mktplan/store.sqlite",
        "store.no_wal": "cannot switch the store {path} to WAL mode (got {mode!r})",
        "store.no_wal.hint": (
            "keep the store on a local disk; network file systems do not support WAL"
        ),
        "store.newer_schema": (
            "the store {store} was written by a newer mktplan (schema version {version}; "
            "this mktplan knows versions up to {newest})"
        ),
        "store.newer_schema.hint": "upgrade mktplan, or point --store at another store",
        "store.no_plan_id": "cannot ingest without a plan id",
        "store.no_plan_id.hint": "give the plan an `id:`",
        "store.dry_run_copy": "cannot copy the store {path} for the dry run: {detail}",
        "store.dry_run_copy.hint": "check the free space in the temporary directory (TMPDIR)",
        # store: where it is (store/locate.py, store/postgres/__init__.py)
        "store.empty": "{where} is empty: it names no store",
        "store.unknown_uri": (
            "{where} {value!r} looks like a URI ({scheme}:), which mktplan cannot open: a "
            "store is a SQLite file or a PostgreSQL database"
        ),
        "store.unknown_uri.hint": (
            "give the path of a SQLite file (default .mktplan/store.sqlite beside the plan) or "
            "postgresql://user@host:port/dbname; a folder whose name ends in ':' can be given "
            "by its absolute path (/.../NAME:/store.sqlite)"
        ),
        "store.pg.no_driver": (
            "{where} {value!r} is a PostgreSQL store, but the PostgreSQL driver (psycopg) is "
            "not installed"
        ),
        "store.pg.no_driver.hint": (
            "install the PostgreSQL driver with: pip install 'mktplan[postgres]'"
        ),
        "store.pg.bad_uri": "{where} {value!r} is not a PostgreSQL URI libpq can read ({detail})",
        "store.pg.bad_uri.hint": (
            "write it as postgresql://user@host:port/dbname, or "
            "postgresql://user@/dbname?host=/run/postgresql for a local socket"
        ),
        # store: PostgreSQL's own failures (store/postgres/)
        "store.pg.refused_role": "the store {store} refused this role: {detail}",
        "store.pg.refused_role.hint": (
            "ingest and report need a writer role (docs/team-store.md shows the GRANTs); "
            "a read-only role is for BI tools"
        ),
        "store.pg.disk_full": (
            "the PostgreSQL server of the store {store} has no disk space left; nothing was written"
        ),
        "store.pg.disk_full.hint": "free space on the database server, then run again",
        "store.pg.unreachable": "cannot reach the store {store}: {detail}",
        "store.pg.unreachable.hint": (
            "check the host, port, database name and user in the URI; the password "
            "comes from PGPASSWORD or ~/.pgpass"
        ),
        "store.pg.failed": "the store {store} failed: {detail}",
        "store.pg.failed.hint": "nothing was written; check the server's log for the cause",
        "store.pg.refused_value": "the store {store} refused a value of the input: {detail}",
        "store.pg.refused_value.hint": (
            "nothing was written; correct that value in the export and ingest it again"
        ),
        "store.pg.value_too_long": (
            "the store {store} refused a value of the input as too long to be kept: {detail}"
        ),
        "store.pg.value_too_long.hint": (
            "nothing was written; a channel, budget line or ref is too long (the key of an "
            "observation holds at most about 2,700 bytes): shorten it where it comes from (the "
            "export, or the store being copied) and try again"
        ),
        "store.pg.other_tables": (
            "the store {store} is not a mktplan store: its schema holds other tables ({tables})"
        ),
        "store.pg.other_tables.hint": (
            "give mktplan its own database, or its own schema with "
            "?options=-csearch_path%3Dmktplan in the URI"
        ),
        "store.pg.newer_schema": (
            "the store {store} was written by a newer mktplan (PostgreSQL schema version "
            "{version}; this mktplan knows versions up to {newest})"
        ),
        # store copy (store/copy.py, mktplan store copy)
        "store.copy.same": "the source and destination are the same store {store}",
        "store.copy.same.hint": "name another store as the destination",
        "store.copy.no_source": "there is no store at {store}",
        "store.copy.no_source.hint": "check SRC",
        "store.copy.not_empty": (
            "the destination store {store} already holds plans ({plans}); nothing was copied"
        ),
        "store.copy.not_empty.hint": (
            "copy into a new, empty store (a new file, or a new database)"
        ),
        "store.copy.differs": "the copy in {target} differs from {source} after copying",
        "store.copy.differs.hint": (
            "drop the destination and copy again; report it if it happens twice"
        ),
        "store.copy.done": (
            "copied {n} {n:plural/plan/plans} into {store} ({counts}); both stores compare "
            "equal (sha256 {digest})"
        ),
    }
)

MESSAGES.update(
    {
        # templates: a report's Jinja2 template (render/markdown.py)
        "template.bundled_missing": "the bundled report templates are missing from this installation",
        "template.bundled_missing.hint": "reinstall mktplan, or pass your own template with --template",
        "template.not_found": "template not found: {name}",
        "template.not_found.hint": "a template may include only files in its own folder",
        "template.syntax": "template syntax error: {detail}",
        "template.syntax.hint": "see https://jinja.palletsprojects.com/templates/",
        "template.unsafe": "the template tried something unsafe: {detail}",
        "template.unsafe.hint": "templates may only read the report values",
        "template.error": "template error: {detail}",
        "template.error.hint": (
            "template values: ev, plan, L, lang, summary_kpis, tables; see the bundled report.md.j2"
        ),
        "template.not_utf8": "the template is not UTF-8 text",
        "template.not_utf8.hint": "save it as UTF-8",
        "template.unreadable": "cannot read the template: {why}",
        "template.unreadable.hint": "name a readable file",
        "template.failed": "the template failed: {kind}: {detail}",
        "template.failed.hint": (
            "check the expression in the template; the bundled report.md.j2 is an example"
        ),
    }
)

# The field names `mktplan diff` prints: the YAML's own in English.
MESSAGES.update(
    {
        "diff.field.above": "above",
        "diff.field.above_target": "above_target",
        "diff.field.actions": "actions",
        "diff.field.aggregation": "aggregation",
        "diff.field.alert_response_hours": "alert_response_hours",
        "diff.field.alerts": "alerts",
        "diff.field.amount": "amount",
        "diff.field.approvals": "approvals",
        "diff.field.at_risk": "at_risk",
        "diff.field.audience": "audience",
        "diff.field.background": "background",
        "diff.field.baseline": "baseline",
        "diff.field.below": "below",
        "diff.field.below_pace": "below_pace",
        "diff.field.below_target": "below_target",
        "diff.field.better": "better",
        "diff.field.budget": "budget",
        "diff.field.budget_alerts": "budget_alerts",
        "diff.field.cadence": "cadence",
        "diff.field.cause": "cause",
        "diff.field.channel": "channel",
        "diff.field.checkpoints": "checkpoints",
        "diff.field.collaborators": "collaborators",
        "diff.field.columns": "columns",
        "diff.field.currency": "currency",
        "diff.field.date": "date",
        "diff.field.date_format": "date_format",
        "diff.field.definition": "definition",
        "diff.field.due": "due",
        "diff.field.encoding": "encoding",
        "diff.field.end": "end",
        "diff.field.finished": "finished",
        "diff.field.fixed": "fixed",
        "diff.field.forecast_over_budget": "forecast_over_budget",
        "diff.field.formula": "formula",
        "diff.field.goal": "goal",
        "diff.field.header_row": "header_row",
        "diff.field.id": "id",
        "diff.field.issue": "issue",
        "diff.field.kpi": "kpi",
        "diff.field.kpis": "kpis",
        "diff.field.lang": "lang",
        "diff.field.line": "line",
        "diff.field.lines": "lines",
        "diff.field.max": "max",
        "diff.field.measure": "measure",
        "diff.field.message": "message",
        "diff.field.milestones": "milestones",
        "diff.field.min": "min",
        "diff.field.module": "module",
        "diff.field.module_by": "module_by",
        "diff.field.modules": "modules",
        "diff.field.name": "name",
        "diff.field.note": "note",
        "diff.field.on_track": "on_track",
        "diff.field.over_budget": "over_budget",
        "diff.field.owner": "owner",
        "diff.field.period": "period",
        "diff.field.plan": "plan",
        "diff.field.ref": "ref",
        "diff.field.reserve": "reserve",
        "diff.field.reserve_range": "reserve_range",
        "diff.field.reviews": "reviews",
        "diff.field.role": "role",
        "diff.field.scale": "scale",
        "diff.field.severity": "severity",
        "diff.field.sheet": "sheet",
        "diff.field.source": "source",
        "diff.field.sources": "sources",
        "diff.field.start": "start",
        "diff.field.status": "status",
        "diff.field.status_thresholds": "status_thresholds",
        "diff.field.table": "table",
        "diff.field.target": "target",
        "diff.field.total": "total",
        "diff.field.unit": "unit",
        "diff.field.weight": "weight",
    }
)

# validate: units, rates, thresholds and fractions that would give wrong numbers later
MESSAGES.update(
    {
        "validate.unit_like_percent": (
            "KPI {kpi!r} has unit {unit!r}, which is not read as percent: its values and "
            "target are plain numbers (a formula's ratio 0.04 stays 0.04, not 4 %)"
        ),
        "validate.unit_like_percent.hint": 'did you mean `unit: "%"`? (percent points: 5 is 5 %)',
        "validate.rates_added": (
            "KPI {kpi!r}: the formula {formula!r} adds up the rates {rates}: a sum or an "
            "average of rates is no rate of the whole (2 % on one channel and 3 % on another "
            "is not 5 %, nor 2.5 % unless both had as many visitors)"
        ),
        "validate.rates_added.hint": (
            "recompute the rate from sums of its counts, e.g. paying users ÷ visitors: "
            "(online.orders + offline.orders) / (online.visitors + offline.visitors); a "
            "difference of two rates (a.rate - b.rate, in points) is fine"
        ),
        "validate.rate_mean_unweighted": (
            "KPI {kpi!r} is a rate ({unit}) with `aggregation: mean` and no `weight:`: its "
            "days' and channels' rates are averaged as if each had as many visitors (2 % of "
            "100 and 4 % of 900 visitors is 3.8 %, not 3 %)"
        ),
        "validate.rate_mean_unweighted.hint": (
            "add `weight:` naming the KPI that counts its denominator (`weight: visitors`), or "
            "compute it as a formula of sums (`formula: orders / visitors`)"
        ),
        "validate.status_thresholds_inverted": (
            "status_thresholds: at_risk {at_risk} is above on_track {on_track}: a KPI would "
            "be on track before it is at risk"
        ),
        "validate.status_thresholds_inverted.hint": (
            "at_risk is the lower bound: swap them (on_track: {at_risk}, at_risk: {on_track})"
        ),
        "validate.status_threshold_percent": (
            "status_thresholds: {field} is {value}, but thresholds are fractions of the pace "
            "or target (0.9 is 90 %): {value} would ask for {value} times the target"
        ),
        "validate.status_threshold_percent.hint": "write {meant} for {value} %",
        "validate.status_threshold_above_one": (
            "status_thresholds: {field} is {value}: thresholds are fractions of the pace or "
            "target (0.9 is 90 %; 1.05 asks a KPI to run 5 % ahead), so {value} would call "
            "every KPI off track"
        ),
        "validate.status_threshold_above_one.hint": "write a fraction: 0.9 for 90 %",
        "validate.source_routed_qualified": (
            "source {source!r} picks each row's module by column {column!r}, but maps column "
            "{header!r} to {kpi!r}, a KPI of one module: every row's value would land in "
            "module {module!r}, whichever module the row names"
        ),
        "validate.source_routed_qualified.hint": (
            "write the bare id ({bare!r}), so each row's module gets its own value; a column "
            "for one module only belongs in a source with `module: {module}`"
        ),
        "validate.checkpoint_as_fraction": (
            "checkpoint {day} of KPI {kpi!r} is {value} ({unit}) of a target of {target}: "
            "that is {value}, not {meant} % of the target"
        ),
        "validate.checkpoint_as_fraction.hint": (
            "write a share of the target with %: `{day}: {meant}%`"
        ),
        "validate.alert_percent_as_fraction": (
            "alert {condition} on {kpi!r} is {value}: that is {value} %, not {meant} %"
        ),
        "validate.alert_percent_as_fraction.hint": (
            "alert thresholds count in percent points: write {meant} (or {meant}%) for "
            "{meant} %, or {value}% if {value} % is meant"
        ),
    }
)
