"""Every message of every command in Chinese, keyed as en.py (tests/test_messages.py checks
that both hold the same keys and that no Chinese text names a value the English lacks)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # files and YAML
    "file.not_found": "找不到计划文件",
    "file.not_found.hint": "检查路径和拼写",
    "file.is_directory": "这是一个文件夹，不是计划文件",
    "file.is_directory.hint": "写出 YAML 文件本身，例如 plans/q3.yaml",
    "file.too_large": "计划文件有 {size} 字节，超过任何计划的大小",
    "file.over_limit": "计划文件超过 {max} 字节，超过任何计划的大小",
    "file.unreadable": "无法读取计划文件：{why}",
    "file.kind.char_device": "字符设备",
    "file.kind.block_device": "块设备",
    "file.kind.fifo": "命名管道（FIFO）",
    "file.kind.socket": "套接字",
    "file.kind.other": "非普通文件",
    "file.unreadable.hint": "检查运行 mktplan 的用户能否读取该文件并进入其所在文件夹（ls -l）",
    "file.not_utf8": "计划文件不是 UTF-8 编码（偏移 {offset} 处的字节 {byte}）",
    "file.not_utf8.hint": "把文件另存为 UTF-8；多数编辑器在“编码保存”中提供此选项",
    "file.bad_unicode": "计划文件以 {encoding} 字节顺序标记开头，但不是有效的 {encoding}（字节偏移 {offset} 处）",
    "file.nul_bytes": "计划文件含有 NUL 字节，不是文本文件",
    "yaml.nul_escape": "带引号的值写出了 NUL 字符（\\0 或 \\x00 这样的转义），数据库无法保存",
    "yaml.nul_escape.hint": "删掉值里的这个转义",
    "file.empty": "计划文件是空的",
    "file.empty.hint": "从 `mktplan init plan.yaml --lang zh` 开始，它会写出带注释的示例计划",
    "yaml.too_many_values": "文档展开后超过 {max} 个值（别名炸弹，或文件远大于任何计划）",
    "yaml.too_many_values.hint": "把值直接写出来，不要嵌套锚点和别名",
    "yaml.tag_mismatch": "值 {value!r} 与它的标签 !!{tag} 不符",
    "yaml.tag_mismatch.hint": "去掉标签，直接写值",
    "yaml.merge_key": "计划不支持合并键（<<）",
    "yaml.merge_key.hint": "在每个条目中把共同字段写出来",
    "yaml.tag_not_allowed": "计划中不允许使用 YAML 标签 {tag!r}",
    "yaml.tag_not_allowed.hint": "去掉标签；计划只使用普通 YAML 值",
    "yaml.too_many_digits": "数字 {start}… 有 {digits} 位，超过任何计划值",
    "yaml.too_many_digits.hint": "写出计划真正要的数字；金额和目标值远没有这么长",
    "yaml.complex_key": "映射的键必须是普通值，不能是列表或映射",
    "yaml.duplicate_key": "键 {key} 重复",
    "yaml.duplicate_key_at": "键 {key} 重复（第一次出现在第 {first} 行）",
    "yaml.equal_keys": "键 {first} 和 {key} 在 YAML 中不同，但在 mktplan 中是同一个键",
    "yaml.equal_keys_at": "键 {first}（第 {line} 行）和 {key} 在 YAML 中不同，但在 mktplan 中是同一个键",
    "yaml.equal_keys.hint": '这里的键是名称或日期，不是数字或 true/false：给键加引号（"{key}"）或改名',
    "yaml.duplicate_key.hint": "同一映射中每个键只能出现一次；把两个条目合并",
    "yaml.unknown_alias": "未知的别名 *{alias}",
    "yaml.too_deep": "文档嵌套超过 {depth} 层",
    "yaml.too_deep.hint": "计划只有几层深；检查缩进",
    "yaml.tab": "第 {line} 行用制表符（Tab）缩进；YAML 只能用空格缩进",
    "yaml.tab.hint": "把行首的制表符换成空格（每层两个，与上下行一致）",
    "yaml.no_space_after_colon": "`{source}` 中冒号后缺少空格：YAML 会把 `键:值` 读成一整段文字",
    "yaml.reserved_start": (
        "值 {value!r} 以 YAML 保留字符 {char!r} 开头：以 %、@、`、*、&、!、| 或 > 开头的值"
        "必须加引号"
    ),
    "yaml.reserved_start.hint": "加上引号：`{fixed}`",
    "yaml.two_documents": "文件中有不止一个 YAML 文档",
    "yaml.two_documents.hint": "一个计划文件只放一个计划；删除 '---' 分隔线",
    "yaml.colon_in_value": (
        "`{field}:` 的值含有冒号加空格（{value}）：YAML 把它读作另一个键和值，此处无效"
    ),
    "yaml.invalid": "不是有效的 YAML：{problem}",
    "yaml.invalid.hint": "检查这一行和上一行的缩进、冒号和引号",
    # the plan model
    "validate.not_a_plan_mapping": "计划必须是包含 plan:、budget: 和 modules: 的 YAML 映射",
    "validate.not_a_plan_mapping.hint": "用 `mktplan init plan.yaml --lang zh` 生成带注释的示例",
    "validate.unknown_field": "未知字段 {field!r}",
    "validate.unknown_field_close": "未知字段 {field!r}；是不是想写 {close!r}？",
    "validate.unknown_field_no_space": "未知字段 {field!r}：冒号后缺少空格，`键:值` 成了一整段文字",
    "validate.hint_space_after_colon": "在冒号后加一个空格：`{fixed}`",
    "validate.hint_rename": "改名为 {close!r}",
    "validate.hint_known_fields": "此处可用的字段：{fields}",
    "validate.missing_field": "缺少必填字段 {field!r}",
    "validate.hint_add_field": "在 {parent} 下添加 `{field}:`；参见 docs/plan-format.md",
    "validate.hint_add_field_top": "在最外层添加 `{field}:`；参见 docs/plan-format.md",
    "validate.not_allowed": "{field!r} 不允许取值 {value}",
    "validate.hint_use_one_of": "可选值：{expected}",
    "validate.choices": "{head} 或 {last}",
    "validate.fits_no_type": "{field!r} 的值 {value} 不是{kinds}",
    "validate.kinds_or": "{head}或{last}",
    "validate.kind_number": "数字",
    "validate.kind_whole_number": "整数",
    "validate.kind_text": "文字",
    "validate.kind_date": "日期",
    "validate.kind_other": "正确类型的值",
    "validate.bad_date": "{value} 不是 {field!r} 的有效日期",
    "validate.bad_date_why": "{value} 不是 {field!r} 的有效日期（{why}）",
    "validate.no_modules": "`modules` 为空：计划至少需要一个模块",
    "validate.no_modules.hint": (
        "把 `[]` 换成至少一个模块：`- id: online`，并写 name、owner、goal 和 kpis"
        "（见 docs/plan-format.md）"
    ),
    "validate.list_too_short": "{field!r} 至少需要 {limit} 项",
    "validate.date_why.day": "该月没有这一天",
    "validate.date_why.month": "月份不在 01-12 之间",
    "validate.date_why.year": "年份里有 0-9 以外的字符",
    "validate.date_why.month_digits": "月份里有 0-9 以外的字符",
    "validate.date_why.day_digits": "日里有 0-9 以外的字符",
    "validate.date_why.separator": "年月日之间不是用 `-` 分隔",
    "validate.date_why.short": "太短：月和日各写两位",
    "validate.date_why.long": "太长",
    "validate.date_why.day_first": "日在前，年在后",
    "validate.date_why.space": "日期前后有空格",
    "validate.hint_date_space": "去掉空格：{date}",
    "validate.hint_date_order": "按 YYYY-MM-DD 写，年份在前：{date}",
    "validate.hint_date_order_either": "按 YYYY-MM-DD 写，年份在前：{date}；若月份在前则为 {other}",
    "validate.date_why.after": "日期后面还有别的字符",
    "validate.hint_dates": "日期写作 YYYY-MM-DD，例如 2024-06-20，且必须是日历上存在的日子",
    "validate.not_finite": "{value} 不是 {field!r} 的有限数值",
    "validate.not_a_number": "{value} 不是 {field!r} 的数字",
    "validate.too_many_places": "{field!r} 的值 {value} 超过 {limit} 位小数",
    "validate.too_many_places.hint": "四舍五入到最多 {limit} 位小数（最小只保存到百万分之一）",
    "validate.too_many_digits": "{field!r} 的值 {value} 超过 {limit} 位数字",
    "validate.too_many_digits.hint": "最多写 {limit} 位数字",
    "validate.empty_field": "{field!r} 为空",
    "validate.empty_field.hint": "在 `{field}:` 后面写上它的值",
    "validate.key_empty": "{field!r} 下有一个键为空（null）",
    "validate.key_empty.hint": "在冒号前写上名称：`null`、`~` 或空白都不是名称",
    "validate.key_number.hint": (
        '若键本是文字请加引号："{key}"；在 `{{…}}` 里逗号会结束一个值，`target: 5,000000` '
        "会把 000000 当成键：那里的数字不要写千分位逗号"
    ),
    "validate.key_not_text": "{field!r} 下的键 {key} 不是文字",
    "validate.key_not_text.hint": '如果键是文字，请加引号："{key}"',
    "validate.string_type.bool_hint": 'YAML 把 true/false 读作真假值：文字请加引号，例如 "true"',
    "validate.string_type.number_hint": '像数字的文字请加引号，例如 "2024"',
    "validate.number_underscore": "{field!r} 的值 {value} 是文字而不是数字：YAML 把用 _ 连接的数字读作文字",
    "validate.number_underscore.hint": "写作 {number}，数字之间不加 _",
    "validate.number_digits": (
        "{field!r} 的值 {value} 是文字而不是数字：YAML 和编辑器只把半角数字 0-9 读作数字，全角数字和其他文字的数字不算"
    ),
    "validate.number_exponent": (
        "{field!r} 的值 {value} 是文字而不是数字：写成文字（加引号或在 ! 之后）的指数写法，YAML 和编辑器都不读作数字"
    ),
    "validate.number_text.hint": "写作 {number}",
    "validate.date_is_number": "{field!r} 的值 {value} 是数字而不是日期",
    "validate.date_with_time": "{value!r} 带有时刻；{field!r} 只写日期",
    "validate.date_with_time.hint": "只写日期，格式 YYYY-MM-DD：{date}",
    "validate.date_is_number.hint": "日期写作 YYYY-MM-DD：如果指的是那一天，写作 {date}",
    "validate.hint_plain_number": "写一个纯数字，例如 35000 或 12.5，不带单位和千位分隔符",
    "validate.hint_roi": "ROI 目标写作每投入 1 的回报：{written} 写作 {number}（纯数字，不带冒号）",
    "validate.hint_ratio": "把比例 {written} 写成一个数：{number}（即 1:{number}）",
    "validate.hint_scaled": "{written} 写作 {number}：数字要完整写出，单位写在 KPI 的 `unit:` 中",
    "validate.hint_percent": '{written} 写作 {number}：`unit: "%"` 的 KPI 以百分点计数',
    "validate.hint_grouped": "写作 {number}：不带货币符号和千位分隔符",
    "validate.hint_money_percent": (
        "若金额就是 {number}，写作 {number}：`{field}` 是以计划币种计的金额，不是百分比"
    ),
    "validate.hint_money_percent_of_total": (
        "若指总预算的 {number} %，写作 {amount}（{total} 的 {number} % 是 {amount}）；"
        "若金额就是 {number}，写作 {number}：`{field}` 是以计划币种计的金额，不是百分比"
    ),
    "validate.hint_money_not_negative": "`{field}` 写金额，0 或以上，以计划的币种计（如 35000）",
    "validate.hint_alert_percent": "写百分之几，0 或以上：`{field}: 30%`（或 30）表示 30 %",
    "validate.hint_at_least": "写一个不小于 {limit} 的数",
    "validate.hint_greater_than": "写一个大于 {limit} 的数",
    "validate.hint_at_most": "写一个不大于 {limit} 的数",
    "validate.hint_less_than": "写一个小于 {limit} 的数",
    "validate.bad_id": "{value} 不是有效的 {field!r}",
    "validate.hint_currency": "货币写 ISO 4217 代码（大写），例如 CNY 或 USD",
    "validate.currency_alias": (
        "{value!r} 不是 ISO 4217 货币代码，而是 {code} 的别称；以 {code} 计的 KPI 会被当作另一种货币"
    ),
    "validate.currency_alias.hint": "写 {code}（ISO 4217 代码）；KPI 单位仍可写 {value}",
    "validate.formula_mixes_units": "KPI {kpi!r} 的公式 {formula!r} 把{left}与{right}相加或相减",
    "validate.formula_unit_mismatch": "KPI {kpi!r} 的单位是 {unit!r}，但其公式 {formula!r} 得出的是{found}",
    "validate.formula_units.hint": (
        "请检查公式中的名称和各 KPI 的单位：百分比或比率是同类相除（订单数 / 访客数），金额由金额得出"
        "（花费 / 点击数 是每次点击成本）"
    ),
    "validate.dimension.rate": "比率（纯数值）",
    "validate.dimension.money": "金额",
    "validate.dimension.count": "数量",
    "validate.dimension.money_per": "每单位数量的金额",
    "validate.dimension.count_per_money": "每单位金额的数量",
    "validate.dimension.other": "金额与数量之积",
    "validate.currency_unknown": "{value!r} 不是 ISO 4217 货币代码",
    "validate.hint_plan_id": "活动编号由字母、数字、-、_ 和 . 组成，以字母或数字开头，例如 2026-q1-growth",
    "validate.hint_ids": "编号由字母、数字和下划线组成，以字母开头，例如 online_sales",
    "validate.not_mapping": "{field!r} 必须是字段映射，而不是 {type}",
    "validate.hint_mapping": "在此字段下缩进写出 `键: 值`",
    "validate.not_list": "{field!r} 必须是列表",
    "validate.kind.empty": "空值",
    "validate.kind.bool": "true 或 false",
    "validate.kind.number": "数字",
    "validate.kind.date": "日期",
    "validate.kind.list": "列表",
    "validate.kind.text": "文本",
    "validate.hint_list": "每一项单独一行，以 '- ' 开头",
    "validate.pydantic_field": "{field!r}：{why}",
    "validate.hint_owner": "写出唯一负责的一个人（负责人）；其他人列在 `collaborators` 下",
    "validate.hint_goal": "写出模块的 SMART 目标：指标、数值、单位和日期",
    "validate.hint_due": "计划周期内的日期，写作 YYYY-MM-DD",
    "validate.hint_date": "日期写作 YYYY-MM-DD",
    "validate.owner_list": "给出了 {n} 个负责人；一个模块或任务只有一个负责人",
    "validate.owner_empty": "负责人为空；写出唯一负责的那个人",
    "validate.owner_placeholder": "{owner!r} 是占位写法，不是负责人；写出唯一负责的那个人",
    "validate.owner_several": "{owner!r} 写了不止一个负责人；只能有一个人负责",
    "bounds.too_large": (
        "{name} {value} 超出范围：mktplan 存储的数值正负都不超过一万亿（{max}），报告无法汇总"
    ),
    "bounds.too_large.hint": "检查是否多写了零或用了 1e27 这样的指数；写出计划真正要的数字",
    "bounds.too_small": "{name} {value} 小于百万分之一（mktplan 存储的最小步长），会被读作 0",
    "bounds.too_small.hint": "没有就写 0，或者换用更大的单位（例如百分点）",
    "bounds.date_outside": "{name} {value} 不在 {first}–{last} 年之间，超出计划能覆盖的年份",
    "bounds.date_outside.hint": "检查年份；日期写作 YYYY-MM-DD，例如 2024-06-20",
    "formula.string_not_allowed": (
        "第 {position} 个字符处不允许出现字符串；公式只能使用 KPI 编号、数字、spend、revenue、"
        "+ - * / 和括号"
    ),
    "formula.char_not_allowed": (
        "第 {position} 个字符处不允许出现 {char!r}；公式只能使用 KPI 编号、数字、spend、revenue、"
        "+ - * / 和括号"
    ),
    "formula.attribute": "{name!r}：KPI 写作 `kpi` 或 `module.kpi`，不允许更多层级",
    "formula.dunder": "{name!r}：不允许以 '__' 开头的名称",
    "formula.not_operator": "{op} 在这里不是运算符",
    "formula.ends_early": "公式在应有数值处结束了",
    "formula.divide_by_zero": "除以 0，任何一天都没有数值",
    "formula.divide_by_zero.hint": "改为除以想要的 KPI 或数字（orders / visitors）",
    "formula.call": "不允许 {name}(…) 这样的函数调用",
    "formula.too_deep": "括号嵌套超过 {depth} 层",
    "formula.unclosed": "有一个 '(' 没有闭合",
    "formula.unexpected": "第 {position} 个字符处出现意外的 {token!r}",
    "formula.too_long": "公式超过 {length} 个字符",
    "formula.empty": "公式为空",
    # the rules
    "validate.vague_goal": (
        "模块 {module!r}：{reason}。SMART 目标应具体、可衡量、可达成、具有相关性和时限性："
        "包含指标、数值、单位和日期"
    ),
    "validate.vague_goal.hint": (
        '改写为可衡量的目标，例如 "9 月 30 日前品牌词搜索量提升 30%" 或 '
        '"brand keyword searches +30 % by 30 Sep 2023"；其中的数值由模块的 KPI 检验'
    ),
    "validate.cut_by_comment.hint": (
        "在 YAML 中 ` #` 开始注释，所以只读到了 {value!r}：给目标加上引号，`{fixed}`"
    ),
    "validate.vague_phrase": (
        "目标 {goal!r} 含糊：{phrase!r} 是常见的不可衡量说法（{label}），且目标中没有数值"
    ),
    "validate.no_quantity": (
        "目标 {goal!r} 不可衡量：除了日期、活动名称和人群外没有任何数值"
        "（双11、618、Q3、2025 说明的是时间，95后、25-35岁、一线城市说明的是人群，不是多少）"
    ),
    "validate.no_measurable_kpi": "模块 {module!r} 没有同时带数值目标和截止日期的 KPI，目标无法衡量",
    "validate.no_measurable_kpi.hint": (
        "至少给一个 KPI 写上 `target:`（数字）和 `due:`（计划周期内的日期）"
    ),
    "validate.reserve_range_inverted": "reserve_range 的下限 {low} % 高于上限 {high} %",
    "validate.reserve_range_inverted.hint": "交换上下限",
    "validate.reserve_out_of_range": (
        "应急预备金占总预算的 {share} %，应在 {low} % 到 {high} % 之间"
    ),
    "validate.reserve_out_of_range.hint": (
        "把 reserve 设在 {low_amount} 到 {high_amount} 之间（应急预备金 {low}–{high} %）"
    ),
    "validate.budget_overrun": (
        "各模块预算（{allocated}）加应急预备金（{reserve}）共 {sum}，超过总预算 {total}"
    ),
    "validate.budget_overrun.hint": "把模块预算削减 {cut}，或提高总预算",
    "validate.lines_mismatch": (
        "预算科目（{lines}）加应急预备金（{reserve}）共 {sum}，不等于总预算 {total}"
    ),
    "validate.lines_mismatch.hint_add": "在各科目中共增加 {amount}",
    "validate.lines_mismatch.hint_remove": "在各科目中共减少 {amount}",
    "validate.reserve_listed_as_line": (
        "预算科目 {line!r}（{amount}）重复列出了应急预备金：科目加预备金共 {sum}，不等于总预算 {total}"
    ),
    "validate.reserve_listed_as_line.hint": (
        "删除科目 {line!r}：预备金写在 `budget.reserve`，不列入 `lines`；各科目之和等于总预算减预备金"
    ),
    "validate.module_without_budget": "模块 {module!r} 没有预算，但其任务计划花费 {planned}",
    "validate.module_without_budget.hint": "给模块写上 `budget:`，至少等于其任务预算之和",
    "validate.actions_over_budget": (
        "模块 {module!r} 的任务计划花费 {planned}，超过模块预算 {budget}"
    ),
    "validate.actions_over_budget.hint": "把任务预算削减 {cut}，或提高模块预算",
    "validate.budget_unplanned": (
        "模块 {module!r} 的任务只计划了预算 {budget} 中的 {planned}；一半以上的预算没有安排"
    ),
    "validate.budget_unplanned.hint": "补上其余资金要用于的任务，或降低预算",
    "validate.period_inverted": "计划的结束日期（{end}）早于开始日期（{start}）",
    "validate.swap_start_end": "交换开始和结束日期",
    "validate.plan_period": "计划周期 {start} – {end}",
    "validate.move_between": "移到 {start} 与 {end} 之间",
    "validate.kpi_due_outside": "KPI {kpi!r} 的截止日期 {due} 超出{span}",
    "validate.kpi_due_outside.hint": "把截止日期设在 {start} 与 {end} 之间",
    "validate.action_start_outside": "任务 {action!r} 开始于 {day}，超出{span}",
    "validate.action_end_outside": "任务 {action!r} 结束于 {day}，超出{span}",
    "validate.action_inverted": "任务 {action!r} 的结束日期（{end}）早于开始日期（{start}）",
    "validate.action_finished_early": (
        "任务 {action!r} 的实际完成日期（{finished}）早于开始日期（{start}）"
    ),
    "validate.action_finished_early.hint": "检查实际完成日期",
    "validate.milestone_outside": "里程碑 {milestone!r}（{date}）超出{span}",
    "validate.review_outside": "{date} 的复盘超出{span}",
    "validate.review_outside.hint": "把日期设在 {start} 与 {end} 之间",
    "validate.approval_after_end": "{name}的审批日期为 {date}，晚于计划结束",
    "validate.approval_after_end.hint": "审批应在计划开始前或执行期间",
    "validate.what_module": "模块",
    "validate.what_plan_kpi": "计划级 KPI",
    "validate.what_module_kpi": "{module} 的 KPI",
    "validate.what_module_named": "模块 {module!r}",
    "validate.what_action_named": "任务 {action!r}",
    "validate.what_the_plan": "计划",
    "validate.duplicate_id": "{what} 编号 {id!r} 重复使用（第一次在 {first}）",
    "validate.duplicate_id.hint": "编号必须唯一；给其中一个改名",
    "validate.fixed_too_long.hint": "缩短数据来源的固定 {kind}：它是名称，不是一段文字",
    "validate.scaled_unit": (
        "KPI {kpi!r} 的单位 {unit!r} 带数量级，但实际值一律按个位读取（导出中的 1.2万 即 12,000），"
        "目标与实际值会相差这个数量级"
    ),
    "validate.scaled_unit.hint": "单位去掉数量级（只写货币或 count），目标按个位写：100万 写作 1000000",
    "validate.rate_summed": (
        "KPI {kpi!r} 是比率（{unit}），每天的数值会被相加（aggregation 为 sum，即默认值）："
        "两天的 2% 和 3% 会得出 5%"
    ),
    "validate.rate_summed_given": (
        "KPI {kpi!r} 是比率（{unit}），每天的数值会被相加（aggregation 为 sum）：两天的 2% 和 3% 会得出 5%"
    ),
    "validate.rate_summed.hint": (
        "存量指标（增长率、满意度）设 `aggregation: last`，按行计的比率设 `mean` 并给出 `weight:`，"
        "或写成求和量的公式（`formula: orders / visitors`）"
    ),
    "validate.missing_unit": "KPI {kpi!r} 没有单位",
    "validate.missing_unit.hint": '添加 `unit:`，例如 count、CNY 或 "%"',
    "validate.missing_source": "KPI {kpi!r} 没有数据来源",
    "validate.missing_source.hint": "添加 `source:`，写明数据来自哪个系统或表格",
    "validate.weight_formula": (
        "KPI {kpi!r} 以公式 KPI {weight!r} 加权：权重来自存储的数据行，而公式 KPI 没有数据行"
    ),
    "validate.weight_formula.hint": "改用同一行导出的实测 KPI 加权（例如 impressions）",
    "validate.did_you_mean": "；是不是想写 {name!r}？",
    "validate.weight_unknown": "KPI {kpi!r} 以 {weight!r} 加权，但它不是 KPI{suggestion}",
    "validate.weight_unknown.hint": "写出同一模块（或 `module.kpi`）中用于加权平均的 KPI",
    "validate.role_other_currency": (
        "KPI {kpi!r} 设置了 `role: {role}`，单位 {unit!r} 是 {currency}：{role} 会和计划里其他 {role} "
        "KPI 以 {plan} 相加，mktplan 不做币种换算"
    ),
    "validate.role_other_currency.hint": (
        "按 {plan} 记录（以财务入账金额为准），或去掉 `role:`，把它作为单独的 KPI 跟踪"
    ),
    "validate.percent_times_100": (
        'KPI {kpi!r} 的单位是 "%"，其公式 {formula!r} 乘了 100：% 公式本身就是比值乘以 100，'
        "这样会比实际高 100 倍"
    ),
    "validate.percent_times_100.hint": "只写比值（orders / visits）；mktplan 会把 0.03 显示为 3 %",
    "validate.rate_line_column": (
        "KPI {kpi!r} 是比率，来源 {source!r} 用 {line!r} 列给它的 {column!r} 列分预算科目：同一天同一渠道"
        "的各科目会相加，而两个科目的比率相加没有意义（2% + 3% 不是 5%）"
    ),
    "validate.rate_line_column.hint": (
        "把 {line!r} 映射为来源的 `channel:`（每个科目各为一个渠道，加权比率按分子分母之和计算），"
        "或记录该比率的分子和分母"
    ),
    "validate.rate_lines_of_sources": (
        "KPI {kpi!r} 是比率，它的各来源把它记在不同的预算科目下（{sources}）：同一天同一渠道的各科目"
        "会相加，而两个科目的比率相加没有意义"
    ),
    "validate.rate_lines_of_sources.hint": "改为给这些来源各设一个固定的 `channel:`，或记录该比率的分子和分母",
    "validate.weight_not_mean": "KPI {kpi!r} 设置了权重，但汇总方式是 {aggregation!r}",
    "validate.weight_not_mean.hint": "权重只适用于 `aggregation: mean`",
    "validate.target_far_from_baseline": "KPI {kpi!r} 的目标 {target} 超过基线值 {baseline} 的 10 倍",
    "validate.target_far_from_baseline.hint": "检查是否多写了一位；目标可达成也是 SMART 的要求",
    "validate.bad_formula": "KPI {kpi!r}：公式 {formula!r}：{reason}",
    "validate.bad_formula.hint": "公式只能使用 KPI 编号、数字、spend、revenue、+ - * / 和括号",
    "validate.formula_unknown": "KPI {kpi!r}：公式引用了 {name!r}，但它不是 KPI{suggestion}",
    "validate.formula_unknown.hint": (
        "使用本模块的 KPI 编号、`module.kpi`、计划级编号、spend 或 revenue"
    ),
    "validate.formula_no_role": (
        "KPI {kpi!r}：公式使用了 {role!r}，但{where}中没有 role: {role} 的 KPI"
    ),
    "validate.formula_no_role.hint": "给记录它的 KPI 标上 `role: {role}`",
    "validate.formula_cycle": "公式之间循环引用：{cycle}",
    "validate.formula_cycle.hint": "循环中至少有一个 KPI 必须是实测的，而不是计算的",
    "validate.alert_unknown_kpi": "预警引用的 KPI {kpi!r} 不存在{suggestion}",
    "validate.alert_unknown_kpi.hint": "KPI 写作 `module.kpi`，计划级 KPI 直接写编号",
    "validate.alert_no_condition": "预警没有条件",
    "validate.alert_no_condition.hint": (
        "添加 below_target、above_target、below_pace（百分比）或 above、below（数值）之一"
    ),
    "validate.alert_no_target": "预警 {condition} 针对 {kpi!r}，但它没有目标值",
    "validate.alert_no_target.hint": "给该 KPI 设目标值，或改用带数值的 `above:`/`below:`",
    "validate.alert_always": (
        "针对 {kpi!r} 的预警对任何数值都会触发：每个条件单独触发，而任何数值都高于 {above} 或低于 {below}"
    ),
    "validate.alert_always.hint": (
        "要在区间之外预警，`above:` 应为上限（above: {below}，below: {above}）；只看一侧则保留一个条件"
    ),
    "validate.alert_pace_on_level": (
        "预警 below_pace 针对 {kpi!r}：存量指标没有进度线（它的进度就是达成率）"
    ),
    "validate.alert_pace_on_level.hint": (
        "存量、比率和比值公式用 below_target；below_pace 适用于可累加的 KPI"
        "（sum，或累加这类 KPI 的公式）"
    ),
    "validate.use_one_of": "可选：{ids}",
    "validate.review_unknown_module": "复盘引用的模块 {module!r} 不存在",
    "validate.review_unknown_kpi": "复盘引用的 KPI {kpi!r} 不存在{suggestion}",
    "validate.review_unknown_kpi.hint": "KPI 写作 `module.kpi`",
    "validate.review_other_module": (
        "模块 {module!r} 的复盘讨论的是 KPI {kpi!r}，它属于模块 {kpi_module!r}：报告会在两个模块下都列出这条复盘"
    ),
    "validate.review_other_module.hint": (
        "若复盘针对该模块，写 `module: {kpi_module}`；否则改为所复盘模块的 KPI"
    ),
    "validate.source_without_map": "数据来源 {source!r} 按 {column!r} 分配行，但没有 `modules:` 映射",
    "validate.source_without_map.hint": "添加 `modules: {{单元格值: 模块编号}}`",
    "validate.source_without_module_by": "数据来源 {source!r} 有 `modules:` 映射，但没有 `module_by:` 列",
    "validate.source_without_module_by.hint": "写出用来决定模块的那一列",
    "validate.source_unknown_module": "数据来源 {source!r}：模块 {module!r} 不存在",
    "validate.source_routes_unknown": "数据来源 {source!r} 把 {value!r} 分配给不存在的模块 {module!r}",
    "validate.source_column_unknown": (
        "数据来源 {source!r} 把列 {column!r} 映射到 {kpi!r}，但它不是 KPI{suggestion}"
    ),
    "validate.source_column_unknown.hint": "映射到所分配模块的 KPI 编号，或 `module.kpi`",
    "validate.source_column_formula": "数据来源 {source!r} 把列 {column!r} 映射到公式 KPI {kpis}",
    "validate.source_column_formula.hint": "公式 KPI 由其输入计算得出；请映射输入指标",
    "validate.source_problem": "数据来源 {source!r}：{why}",
    "validate.source_scale_not_a_number": "scale {word} 不是数字，也不是 K、M、千、万、亿 之一",
    "validate.source_scale_not_positive": "scale {word} 必须大于 0",
    "validate.source_date_format_unreadable": (
        "date_format {format!r} 不是 Python 能用来读取日期的 strftime 格式"
    ),
    "validate.source_date_format_lacks": (
        "date_format {format!r} 没有读取{part}，任何单元格都得不到完整日期"
    ),
    "validate.source_date_format.hint": (
        "按导出文件的写法写出日、月、年的 strftime 代码：%d、%m 或 %b、%Y 或 %y，"
        "例如 %m/%d/%Y、%Y年%m月%d日、%b %d, %Y（不要用 %-d）"
    ),
    "validate.date_part_day": "日",
    "validate.date_part_month": "月",
    "validate.date_part_year": "年",
    "validate.source_table_from_one": "没有第 {table} 个表格；表格从 1 开始编号",
    "validate.source_table_from_one.hint": "文件中的第一个表格写作 `table: 1`，或写表格的标题",
    "validate.department_owner": "{what} 的负责人是 {owner!r}，看起来是部门或团队，而不是个人",
    "validate.department_owner.hint": "写出对此负责的那一个人（负责人）；团队列在 `collaborators` 下",
    "validate.department_owner.plan_hint": (
        "写出对整个计划负责的那一个人（负责人）；团队列在模块或任务的 `collaborators` 下"
    ),
    "validate.no_approvals": "计划没有审批记录；尚未签批",
    "validate.no_approvals.hint": "添加 `approvals:`，写明部门负责人和管理层的角色、姓名和日期",
    "validate.checkpoints_on_level": "KPI {kpi!r} 设置了阶段目标，但它是存量指标，不可累加",
    "validate.checkpoints_on_level.hint": (
        "阶段目标用于随时间累加的目标：aggregation 为 sum 的 KPI，或只加减这类 KPI 的公式；"
        "请删除此处的阶段目标"
    ),
    "validate.checkpoints_without_target": "KPI {kpi!r} 设置了阶段目标，但没有目标值",
    "validate.checkpoints_without_target.hint": "添加 `target:`；阶段目标是通往它的台阶",
    "validate.checkpoint_not_number": (
        "KPI {kpi!r} 在 {day} 的阶段目标是 {raw!r}，既不是数字，也不是目标值的比例"
    ),
    "validate.checkpoint_not_number.hint": "写累计值（150000）或目标值的比例（15%）",
    "validate.checkpoint_not_a_value": "这个阶段目标是 {value}，既不是数字，也不是目标值的比例",
    "validate.checkpoint_outside": (
        "KPI {kpi!r} 在 {day} 的阶段目标不在其时间窗 {start} … {due} 内"
    ),
    "validate.checkpoint_outside.hint": "阶段目标的日期应在计划开始与 KPI 截止日期之间",
    "validate.checkpoint_out_of_range": (
        "KPI {kpi!r} 在 {day} 的阶段目标为 {value}，不在 0 … 目标值 {target} 之间"
    ),
    "validate.checkpoint_out_of_range.hint": (
        "阶段目标是到该日期计划达到的累计值，最多等于目标值（最多 100%）"
    ),
    "validate.checkpoint_on_due": (
        "KPI {kpi!r} 在 {day} 的阶段目标为 {value}，但 {day} 是它的截止日期，计划值就是目标值 {target}"
    ),
    "validate.checkpoint_on_due.hint": (
        "目标曲线终点是（截止日期，目标值）：把目标值改成截止日期的计划值，或把这个阶段目标移到"
        "更早的日期；截止日期上只能写目标值本身（100%）"
    ),
    "validate.checkpoint_decreasing": (
        "KPI {kpi!r} 在 {day} 的阶段目标（{value}）低于 {previous_day} 的（{previous}）"
    ),
    "validate.checkpoint_decreasing.hint": "阶段目标是累计值：每一个都不小于前一个",
    "validate.goal_target_mismatch": (
        "模块 {module!r}：目标中写的 {said} 与其任何 KPI 目标值（{targets}）都不一致"
    ),
    "validate.goal_target_mismatch.hint": "让目标描述与目标值重新一致：其中一个被单独改过",
    "validate.percent_as_fraction": (
        "KPI {kpi!r} 以百分点计数，但目标值为 {target}：即 {target} %，而不是 {meant} %"
    ),
    "validate.percent_as_fraction.hint": "{meant} % 写作 {meant}（百分比 KPI 以百分点计数）",
    "validate.late_approval": "{name}的审批日期为 {date}，晚于计划开始日期 {start}",
    "validate.late_approval.hint": "计划应在开始前获批；检查日期，或记录延迟审批的原因",
    "plan.not_valid": "计划无效：{first}",
    "plan.not_valid_more": "计划无效：{first}（另有 {more} 个问题；运行 `mktplan validate {plan}`）",
}

MESSAGES.update(
    {
        # the command line
        "cli.error": "错误",
        "cli.warning": "警告",
        "cli.same_in_rows": "（共 {n} 行相同）",
        "cli.hint_label": "提示：",
        "cli.usage": "{command}：{what}。提示：`{command} -h` 列出它的参数和选项。",
        "cli.missing_argument": "缺少参数 {name}",
        "cli.missing_option": "缺少选项 {name}",
        "cli.no_such_option": "没有选项 {name}",
        "cli.no_such_option_near": "没有选项 {name}（是否想用 {near}？）",
        "cli.bad_value": "{name} 的值无效：{why}",
        "cli.option_needs_value": "选项 {name} 需要一个值",
        "cli.extra_arguments": "多余的参数：{extra}",
        "cli.not_one_of": "{name} 只能取 {choices} 之一，不能是 '{value}'",
        "cli.no_such_command": "没有命令 {name!r}",
        "cli.error_hint": " 提示：{hint}。",
        "cli.ok": "通过",
        "validate.file_counts": "{errors} 个错误",
        "validate.file_counts_warnings": "{errors} 个错误，{warnings} 个警告",
        "validate.summary": (
            "检查了 {plans} 个计划：{valid} 个有效，{invalid} 个无效"
            "（{errors} 个错误，{warnings} 个警告）"
        ),
        "validate.github_hint": "。提示：{hint}",
        "init.wrote": "已写入 {path}；用以下命令检查：mktplan validate {path}",
        "init.exists": "文件已存在",
        "init.exists.hint": "换一个路径，或加 --force 覆盖",
        "init.directory": "这是一个文件夹",
        "init.directory.hint": "写出要生成的文件名",
        "init.unwritable": "无法写入计划：{why}",
    }
)

MESSAGES.update(
    {
        # mktplan diff
        "diff.md_heading": "### mktplan 计划变更：{old} → {new}",
        "diff.summary": "{n} 处变更：{areas}",
        "diff.area_count": "{area} {n}",
        "diff.list_separator": "、",
        "diff.summary_careful": "；{mark} {n} 处需仔细审阅（会改变已报告的数值或评级）",
        "diff.budget_totals": "预算总览",
        "diff.days": "{days} 天",
        "diff.invalid_side": "{label} 不是有效的计划（{errors} 个错误）",
        "diff.invalid_side.hint": "修正列出的错误，或与其他版本比较",
        "diff.kind.added": "新增",
        "diff.kind.removed": "删除",
        "diff.kind.changed": "修改",
        "diff.area.plan": "计划",
        "diff.area.budget": "预算",
        "diff.area.module": "策略模块",
        "diff.area.kpi": "关键指标",
        "diff.area.action": "任务",
        "diff.area.alert": "预警",
        "diff.area.source": "数据来源",
        "diff.area.review": "复盘",
        "diff.area.milestone": "里程碑",
        "diff.area.approval": "审批",
        "diff.group.grading": "评级规则",
        "diff.group.mapping": "数据映射",
        "diff.group.targets": "目标与日期",
        "diff.group.money": "资金",
        "diff.group.people": "人员",
        "diff.group.text": "描述",
        "diff.header.area": "类别",
        "diff.header.item": "项目",
        "diff.header.field": "字段",
        "diff.header.old": "原值",
        "diff.header.new": "新值",
        "diff.header.change": "变化",
        "diff.total_header.budget": "预算",
        "diff.total_header.old": "原值",
        "diff.total_header.new": "新值",
        "diff.total_header.change": "变化",
        "diff.total.total": "总预算",
        "diff.total.reserve": "应急预备金",
        "diff.total.reserve_share": "应急预备金占比",
        "diff.total.allocated": "已分配至模块",
        "diff.total.unallocated": "未分配",
    }
)

MESSAGES.update(
    {
        # mktplan ingest and mktplan log
        "ingest.already_ingested": "{name}：已导入过（内容和映射相同）；没有变化",
        "ingest.no_dates": "无日期",
        "ingest.more_kpis": " 等另外 {n} 个（`mktplan log PLAN --format json` 列出全部）",
        "ingest.file_line": (
            "{name}（{source}）：读取 {rows} 行；新增 {new}，修改 {changed}，未变 {unchanged}；"
            "{span}；{kpis} 个指标：{named}"
        ),
        "ingest.line": "第 {first} 行",
        "ingest.lines": "第 {first}–{last} 行",
        "ingest.skipped": "跳过{where}：{reason}",
        "ingest.more_skipped": "… 另外跳过 {n} 处（`--format json` 列出全部）",
        "ingest.rejected_skipped_dry": "{rows} 行将被拒收并跳过；未写入拒收文件（试运行）",
        "ingest.rejected_skipped": "{rows} 行被拒收并跳过；列在 {where}",
        "ingest.earlier_rejects": (
            "{path} 列出的是先前一次 --skip-invalid 导入拒收的行；本次导入没有拒收任何行：处理完这些行后请删除该文件"
        ),
        "ingest.dry_run": "试运行：没有写入 {store}",
        "ingest.stored": "导入批次 {run} 已存入 {store}",
        "ingest.more_problems": "… 另有 {n} 个问题未列出",
        "ingest.rows_rejected": "{files} 中 {rows} 行被拒收；没有存入任何数据",
        "ingest.rows_rejected_all.hint": (
            "没有任何一行含有可存入的数值，加 --skip-invalid 也不会存入数据：请修正上面列出的行（或数据来源的映射）"
        ),
        "ingest.rows_rejected.hint": (
            "修正上面列出的行，或加 --skip-invalid 只存入正确的行，并把被拒收的行写入 "
            "<文件>.rejects.csv"
        ),
        "log.no_store": "还没有数据库：此计划尚未导入任何数据",
        "log.no_store.hint": "先运行 `mktplan ingest {plan} FILE...`，或用 --store 指定",
        "log.no_runs": "{store} 中没有计划 {plan} 的导入记录",
        "log.run": "批次 {id}  {when}  {command}",
    }
)

MESSAGES.update(
    {
        # the summary paragraph (i18n.summary_sentences): at most three sentences
        "summary.none_graded": "截至{as_of}，设有目标的指标都还没有数据。",
        "summary.standing": "截至{as_of}，{graded}个指标中{on_track}个正常。",
        "summary.standing_final": "截至{as_of}，所有指标均已到期：{finished}个中{achieved}个达成目标。",
        "summary.standing_finished_only": (
            "截至{as_of}，已到期的{finished}个指标中{achieved}个达成目标；进行中的指标尚无数据。"
        ),
        "summary.standing_both": (
            "截至{as_of}，进行中的{running}个指标中{on_track}个正常，已到期的{finished}个中"
            "{achieved}个达成目标。"
        ),
        "summary.gap": "差距最大的是{name}（负责人{owner}），{measure}{score}，{status}",
        "summary.gap.pace": "进度达成率",
        "summary.gap.attainment": "达成率",
        "summary.gap.unscored": "差距最大的是{name}（负责人{owner}），{side}目标值 {target}，{status}",
        "summary.gap.below": "低于",
        "summary.gap.above": "高于",
        "summary.channel_drop": "；本期降幅最大的渠道是{channel}（{before} → {now}）",
        "summary.channel_rise": "；本期升幅最大的渠道是{channel}（{before} → {now}）",
        "summary.burn": "预算已花费{spent} / {budget} {currency}（{used}），时间进度{elapsed}",
        "summary.overspend": "；按近期花费速度预计超支{overspend} {currency}",
        "summary.overspent": "；花费已超出预算{overspend} {currency}",
        "summary.end": "。",
        # the weekly report's plan changes
        "weekly.plan_change": "{subject}：{field} {old} → {new}",
        "weekly.brief_section": "{title}：",
        "weekly.brief_alert": "- [{severity}] {message}（负责人 {owner}，{deadline} 前响应）",
        "weekly.named_item": "{name}（{id}）",
        "weekly.plan_change_delta": "{subject}：{field} {old} → {new}（{delta}）",
        "weekly.change_field.target": "目标值",
        "weekly.change_field.due": "截止日期",
        "weekly.change_field.owner": "负责人",
        "weekly.change_field.budget": "预算",
        "weekly.change_field.total": "总预算",
        "weekly.change_field.reserve": "应急预备金",
        "weekly.change_field.amount": "金额",
        "unit.count": "数量",
        "unit.ratio": "比值",
    }
)

MESSAGES.update(
    {
        # pydantic's checks of single values
        "validate.greater_than": "{field!r} 的值 {value} 太小：必须大于 {limit}",
        "validate.greater_than_equal": "{field!r} 的值 {value} 太小：至少为 {limit}",
        "validate.less_than": "{field!r} 的值 {value} 太大：必须小于 {limit}",
        "validate.less_than_equal": "{field!r} 的值 {value} 太大：最多为 {limit}",
        "validate.string_type": "{field!r} 的值 {value} 不是文字",
        "validate.bool_type": "{field!r} 的值 {value} 不是 true 或 false",
        "validate.bool_parsing": "{field!r} 的值 {value} 不是 true 或 false",
        "validate.int_type": "{field!r} 的值 {value} 不是整数",
    }
)

MESSAGES.update(
    {
        # mktplan diff: the command line and git
        "diff.usage": "请给出两个计划文件，或一个计划加 --rev",
        "diff.usage.hint": "mktplan diff OLD.yaml NEW.yaml，或 mktplan diff PLAN.yaml --rev HEAD~1",
        "diff.no_git": "没有安装 git，或 git 不在 PATH 中",
        "diff.no_git.hint": "安装 git 后才能使用 --rev",
        "diff.not_a_rev": "{rev!r} 不是一个版本",
        "diff.not_a_rev.hint": "写出一个提交，例如 --rev HEAD~1",
        "diff.no_folder": "计划所在的文件夹不存在",
        "diff.not_a_repo": "不在 git 仓库中，--rev 无从比较",
        "diff.not_a_repo.hint": "改为比较两个文件：mktplan diff OLD.yaml NEW.yaml",
        "diff.unknown_rev": "未知的版本 {rev!r}",
        "diff.unknown_rev.hint": "写出存在的提交、分支或标签，例如 --rev HEAD~1 或 --rev main",
        "diff.not_at_rev": "版本 {rev!r} 中此路径下没有 {path}",
        "diff.not_at_rev.hint": (
            "计划是 {rev} 之后才添加的，或路径拼写有误；若由其他文件改名或复制而来，请比较两个文件："
            "git show {rev}:旧路径 > old.yaml，再运行 mktplan diff old.yaml {path}"
        ),
        "diff.not_utf8": "{label} 不是 UTF-8 编码",
        "diff.not_utf8.hint": "计划是 UTF-8 文本文件",
    }
)

MESSAGES.update(
    {
        # ingest: the most common reasons a row or cell is refused
        "ingest.rejected_cell": "{value!r}：{why}",
        "ingest.rejected_cells": "{first!r} … {last!r}：{why}",
        "ingest.separator_ambiguous": (
            "在以分号分隔（或以制表符分隔且含小数逗号）的文件中含义不明：欧洲语言设置的表格软件把逗号当作小数点、把点当作千位分隔符"
            "（1,234 是 1.234，1.234 是 1234）；请导出不带千位分隔符的数字，或以逗号分隔的文件"
        ),
        "ingest.not_a_number": "不是数字；请写作 1234、1,234.50、2.1%、¥35,000、1.2万，负数写作 (1,200)",
        "ingest.excel_error": "表格中此单元格的公式出错：请在表格中修正后重新导出，当天没有数值的写 -",
        "ingest.no_date": "没有日期",
        "ingest.not_a_date": (
            "不是日期；请写作 2024-06-10、2024/6/10、2024年6月10日、20240610、Oct 1, 2023 或 6/10"
            "（日月顺序按整列判断），或设置数据来源的 `date_format:`"
        ),
        "ingest.date_and_hour": (
            "是日期加小时（YYYYMMDDHH），不是日期：请按天导出（GA4：维度 Date）；数据来源的指标可以"
            '相加时，也可设置 `date_format: "%Y%m%d%H"`（每小时一行的数据加到当天；比率不会按小时平均）'
        ),
        "ingest.period_number": (
            "是数字，不是日期：给天、周或时段编号的列（GA4 的“Nth day”、周序号）不含日期；"
            "请导出每行带日期的报表（GA4：维度 Date）"
        ),
        "ingest.not_calendar_date": "日历上不存在这一天（{why}）",
        "ingest.no_kpi_id": "没有指标编号",
        "ingest.unknown_kpi": "未知指标 {kpi!r}",
        "ingest.unknown_kpi_close": "未知指标 {kpi!r}；是不是想写 {close!r}？",
        "ingest.unknown_kpi_two": "未知指标 {kpi!r}；是不是想写 {first!r} 或 {second!r}？",
        "ingest.formula_kpi": "{kpi!r} 是公式指标（{formula}）；请导入它的输入指标",
    }
)

MESSAGES.update(
    {
        # report：命令本身的用法错误、拒绝和输出行
        "report.bad_as_of": "--as-of 必须是 2023-07-31 这样的日期，而不是 {value!r}",
        "report.bad_as_of.hint": "日期写作 YYYY-MM-DD",
        "report.as_of_range": "--as-of 必须是 {first} 到 {last} 之间的日期，而不是 {value!r}",
        "report.as_of_range.hint": "计划的日期在 2000–2099 年之间：给出计划期间内或之后的一天，如 2023-07-31",
        "report.format_against_name": "--format {format} 与文件名 {out!r} 不符：该文件名表示 {found} 报告",
        "report.format_against_name.hint": "去掉 --format 即写成 {found}，或把文件扩展名改成 {format} 的",
        "report.format_from_name": "无法从文件名 {out!r} 判断报告格式",
        "report.format_from_name.hint": (
            "加上 --format md|xlsx|json|table，或使用 .md、.xlsx、.json、.txt 扩展名"
        ),
        "report.brief_stdout_only": "简报只输出到标准输出",
        "report.brief_stdout_only.hint": (
            "去掉 --out，改用重定向：mktplan report … --format brief > brief.txt"
        ),
        "report.xlsx_needs_out": "xlsx 报告需要 --out",
        "report.xlsx_needs_out.hint": "加上 --out reports/ 或 --out report.xlsx",
        "report.template_md_only": "--template 只适用于 --format md",
        "report.template_md_only.hint": "去掉 --template，或使用 --format md",
        "report.template_missing": "模板文件不存在",
        "report.template_missing.hint": "指定一个 .md.j2 文件",
        "report.template_is_directory": "模板是一个文件夹，不是文件",
        "report.template_is_directory.hint": "指定一个 .md.j2 文件，而不是它所在的文件夹",
        "report.template_not_regular": "模板不是普通文件（而是设备或管道）",
        "report.template_not_regular.hint": "指定一个 .md.j2 文件",
        "report.no_store": "{store} 处没有数据库",
        "report.store_empty": "数据库 {store} 中没有计划 {plan!r} 的任何数据",
        "report.empty_refused": "{why}，所有指标都会显示无数据；未写出报告",
        "report.empty_refused.hint": (
            "检查 --store 或 MKTPLAN_STORE，用 `mktplan ingest {plan} FILE…` 导入数据，"
            "或加上 --allow-empty 输出无数据的计划报告"
        ),
        "report.empty_note": (
            "注意：{why}，所有指标都显示无数据；导入数据：mktplan ingest {plan} FILE…"
        ),
        "report.results_not_saved": "注意：指标结果没有存入数据库供 BI 视图使用：{why}",
        "report.numbers_out_of_range": "无法报告这么大或这么小的数字：{fields}",
        "report.numbers_out_of_range_more": (
            "无法报告这么大或这么小的数字：{fields}，另有 {more} 处"
        ),
        "report.numbers_out_of_range.hint": (
            "报告能处理 1E-300 到 1E+300 之间的数量级；检查这些字段的指数是否写错"
        ),
        "report.number_overflow": "无法计算或格式化本报告中的一个数字（{kind}）",
        "report.number_overflow.hint": (
            "检查计划的目标值和预算的指数是否写错（1E-300 到 1E+300 之间的数量级可用）"
        ),
        "report.wrote": "已写入 {path}",
        "report.alerts_at": "{n} 条{level}及以上级别的预警",
        "report.out_protected": "--out 指向{what}（{other}）；把报告写到那里会毁掉它",
        "report.out_protected.hint": "换一个文件名，或指定文件夹，例如 reports/",
        "report.protected.plan": "计划文件",
        "report.protected.store": "数据库",
        "report.protected.journal": "数据库的日志文件",
        "report.protected.template": "模板文件",
        "report.out_not_own": "--out 指向一个已存在、但不是 mktplan 写出的报告的文件；已保持原样",
        "report.out_not_own.hint": "换一个文件名或指定文件夹（例如 reports/），或加上 --force 替换该文件",
        "report.out_is_directory": "输出路径是一个文件夹",
        "report.out_not_regular": (
            "--out 指向{kind}，不是普通文件；报告先写成新文件再改名到该路径，会把它替换掉，"
            "所以没有写出任何内容"
        ),
        "report.out_not_regular.hint": (
            "写出普通文件名或 reports/ 这样的文件夹，或去掉 --out，把报告（md、json）输出到标准输出"
        ),
        "report.out_is_directory.hint": "以 / 结尾，或写出文件名",
        "report.cannot_write": "无法写出报告：{why}",
        "report.cannot_write.hint": "检查文件夹是否存在且可写",
        "report.cannot_finish.hint": "检查磁盘空间，以及文件夹是否可写",
        # cron：每周任务自己的输出行（都跟在 `mktplan cron: ` 之后）
        "cron.inbox_not_folder": "收件文件夹 {inbox} 不是文件夹",
        "cron.role.inbox": "收件",
        "cron.same_folder": (
            "{first}文件夹和{second}文件夹是同一个文件夹 {folder}："
            "请各用各的（已导入/、被拒收/ 可以放在收件文件夹里）"
        ),
        "cron.role.done": "已导入",
        "cron.role.rejected": "被拒收",
        "cron.role.reports": "报告",
        "cron.folder_not_folder": "{role}文件夹 {folder} 不是文件夹",
        "cron.folder_unusable": "{role}文件夹 {folder} 无法使用：{why}",
        "cron.ingested_not_moved": "{file} 已导入但仍留在收件文件夹：无法移到 {folder}：{why}",
        "cron.rejected_not_moved": "{file} 被拒收且仍留在收件文件夹：无法移到 {folder}：{why}",
        "cron.error_file_head": "{name}：被 mktplan ingest 拒收（{how}，退出码 {code}），时间 {stamp}",
        "cron.long_format": "长表格式",
        "cron.source_by_name": (
            "在 mktplan cron 中，文件按其名称中的数据来源读取：请改名为 {name}"
            "（扩展名前加 `.{source}.`），再放回收件文件夹。"
        ),
        "cron.error_file_failed": "已拒收 {file}；无法写出它的 .error.txt：{why}",
        "cron.rejected": "已拒收 {file}（见 {file}.error.txt）",
        "cron.replaced_while_ingested": "{file} 留在收件文件夹：导入期间有新文件以同名写入；下次运行时再导入",
        "cron.still_written": "{file} 留在收件文件夹：它在最近 {settle} 秒内仍有变化，仍在写入；下次运行时再导入",
        "cron.plan_invalid": "计划 {plan} 无效；没有导入任何文件",
        "cron.locked": "另一次运行持有收件文件夹的锁；本次跳过",
        "cron.cannot_lock": "无法锁定收件文件夹 {inbox}，因此没有导入任何文件：{why}",
        "cron.report_failed": "{format} 报告生成失败",
        "cron.alerts": "存在{level}及以上级别的预警；报告：{files}",
        "cron.alert_line": "{severity}：{kpi}（负责人 {owner}，{respond_by} 前响应）：{text}",
        "cron.ingest_killed": (
            "{file} 的导入在完成前被终止（{how}：内存不足或关机）；文件留在收件文件夹，"
            "下次运行时导入，若已存入则会被识别"
        ),
        "cron.ingest_interrupted": "{file} 的导入在存入任何数据前被中断，它留在收件文件夹，下次运行时再导入",
        "cron.ingest_interrupted_more": (
            "{file} 的导入在存入任何数据前被中断，它及其后的 {after} 个文件留在收件文件夹，下次运行时再导入"
        ),
        "cron.store_unavailable": "数据库无法使用，{file} 留在收件文件夹，下次运行时再导入：{why}",
        "cron.store_unavailable_more": (
            "数据库无法使用，{file} 及其后的 {after} 个文件留在收件文件夹，下次运行时再导入：{why}"
        ),
    }
)

MESSAGES.update(
    {
        # diff：新增或删除条目的一行说明，以及预算科目的名称
        "diff.describe.target": "目标 {value}",
        "diff.describe.due": "截止 {date}",
        "diff.describe.budget": "预算 {value}",
        "diff.describe.owner": "负责人 {owner}",
        "diff.describe.kpis": "{n} 个指标",
        "diff.describe.actions": "{n} 项任务",
        "diff.describe.alert": "{conditions}（{severity}）",
        "diff.budget_line": "预算科目 {line}",
    }
)

MESSAGES.update(
    {
        # ingest：较少见的单元格拒收原因
        "ingest.too_large": "数值太大：必须小于 {max}",
        "ingest.too_large_scaled": "按 {scale} 换算后数值太大：必须小于 {max}",
        "ingest.currency_mismatch": (
            "这是 {found} 金额，但此列的指标以 {currency} 计；请先换算成 {currency}，"
            "或把此列映射到以 {found} 计的指标"
        ),
        "ingest.year_not_day": "这是年份，不是日期：代表全年的一行不是某一天的数值；请按天导出",
        "ingest.date_range": (
            "这是日期区间：代表一周或一个月的一行不是某一天的数值；请按天导出，"
            "或在数据来源中声明 `period: week` 或 `period: month`"
        ),
        "ingest.date_incomplete": (
            "单独无法确定日期：缺少年份或日/月顺序（整列这样的日期会按计划周期来读）"
        ),
        "ingest.date_order_mixed": (
            "此列混用了日在前和月在前的日期（有的第一个数大于 12，有的第二个数大于 12）；"
            "请设置数据来源的 `date_format:`"
        ),
        "ingest.date_order_unknown": (
            "无法判断日/月顺序：此列没有大于 12 的日；请设置数据来源的 `date_format:`，"
            "例如 %m/%d/%Y 或 %d/%m/%Y"
        ),
        "ingest.no_year": "日期没有年份",
        "ingest.year_outside_period": "日期没有年份，且 {day} 不在计划周期 {start} … {end} 的任何一年内",
        "ingest.year_ambiguous": "日期没有年份，可能在计划周期的 {first} 年或 {second} 年；请连年份一起导出",
        "ingest.date_format_mismatch": "与数据来源的 date_format {format!r} 不符",
    }
)

MESSAGES.update(
    {
        # ingest：Parquet 文件和文件中的多个表格
        "ingest.parquet.hint": "用 pyarrow、pandas（to_parquet）、DuckDB 或 Spark 重新写出文件，或导出为 CSV",
        "ingest.parquet.unreadable": "不是可读取的 Parquet 文件（{why}）",
        "ingest.parquet.no_columns": "Parquet 文件没有任何列",
        "ingest.parquet.nested_column": "列 {column!r} 存放的是 {kind} 类型的值，不是表格的单元格",
        "ingest.parquet.nested_column.hint": "映射数字、文字或日期列，或在导出前把此列展开",
        "ingest.parquet.broken_near": "无法读取 Parquet 文件第 {row} 行附近的数据（{why}）",
        "ingest.parquet.broken": "无法读取 Parquet 文件（{why}）",
        "ingest.header_row_beyond": "header_row {row} 超出了文件末尾",
        "ingest.header_row_beyond.hint": "写出表头所在的行号，与文本编辑器显示的一致",
        "ingest.table_label": "{number}{named}（表头在第 {line} 行）",
        "ingest.table_list": "{first}；{rest}",
        "ingest.ambiguous_lower_header": (
            "列 {column!r} 有歧义：第 {upper}–{lower} 行的两级表头中，它位于多个上级表头之下（{choices}）"
        ),
        "ingest.ambiguous_lower_header.hint": "请写成 `上级/下级`（例如 `{example}`），使它只指向一列",
        "ingest.several_tables": "文件中有 {n} 个表格：{found}",
        "ingest.several_tables.hint": (
            "在数据来源中用 `table:` 选择其一（标题或序号），例如 table: {example}；"
            "多个表格不会相加"
        ),
        "ingest.table_further_down": (
            "这一行重复了日期列的表头 {name!r}：这里开始了另一个表格，位于文件的前 1 MiB 之后"
            "（只在前 1 MiB 中查找表格）"
        ),
        "ingest.table_further_down.hint": "多个表格不会相加：请把每个表格另存为单独的文件，或在这一行之上截断文件",
        "ingest.table_not_found": "文件中没有数据来源指定的表格 {table!r}；文件中有：{found}",
        "ingest.table_not_found.hint": "`table:` 写作上面列出的标题或序号之一",
        "ingest.table_unreadable": "无法读取第 {line} 行以下的表格：{why}",
        "ingest.open_quote": "这一行的记录里有一个双引号始终没有闭合：文件其余部分会变成一个值",
        "ingest.open_quote.hint": '闭合该引号，或在带引号的值里把引号写两遍（""）',
        "ingest.table_unreadable.hint": "每行的字段数必须与表头相同；含有分隔符 {delimiter!r} 的值要加引号",
    }
)

MESSAGES["ingest.cannot_read_file"] = "无法读取文件：{why}"
MESSAGES["ingest.cannot_read_file.hint"] = (
    "检查运行 mktplan 的用户能否读取该文件并进入其所在文件夹（ls -l）"
)
MESSAGES["ingest.export_missing"] = "文件不存在"
MESSAGES["ingest.export_missing.hint"] = "检查路径"
MESSAGES["ingest.export_is_directory"] = "这是一个文件夹，不是导出文件"
MESSAGES["diff.budget_item"] = "预算"

MESSAGES.update(
    {
        # 报告中的预警句子(render/text.py)
        "alert.budget_line": "预算科目 {name} ",
        "alert.module": "模块 {name}（{code}）",
        "alert.over_budget": "{subject}已花费 {actual}，超出预算 {budget}（为预算的 {share}）",
        "alert.forecast_over_budget": (
            "{subject}预计到 {end} 花费 {actual}，超出预算 {budget}（目前已花费 {spent}）"
        ),
        "alert.subject": "{name}（{kpi}）为 {actual}",
        "alert.gap_all": "全部",
        "alert.below_target": "{subject}，比目标 {reference} 低 {gap}（预警线：低于目标 {threshold}）",
        "alert.above_target": "{subject}，比目标 {reference} 高 {gap}（预警线：高于目标 {threshold}）",
        "alert.below_pace": (
            "{subject}，比进度线 {reference} 低 {gap}（预警线：低于进度线 {threshold}）"
        ),
        "alert.above": "{subject}，高于 {threshold}",
        "alert.below": "{subject}，低于 {threshold}",
    }
)

MESSAGES.update(
    {
        # 跳过输入行的原因(以代码存储，见 store/records.skip_reason)
        "ingest.skip.totals_row": "合计行（{column}：{label!r}）",
        "ingest.skip.summary_row": "汇总行：其数值是其他各行之和",
        "ingest.skip.above_header": "位于第 {line} 行表头之上（{kinds}）",
        "ingest.skip.list": "{first}、{rest}",
        "ingest.skip.kind.sep_hint": "Excel 的 sep= 提示",
        "ingest.skip.kind.comments": "# 注释",
        "ingest.skip.kind.blank": "空行",
        "ingest.skip.kind.other_table": "另一个表格",
        "ingest.skip.kind.titles": "标题或日期范围",
        "ingest.skip.kind.rows": "多个单元格的行",
    }
)

MESSAGES.update(
    {
        # 导入时布局阶段(ingest/layout.py)和宽表各列的拒收
        "ingest.duplicate_column": "列 {column!r} 出现了两次（第 {first} 列和第 {second} 列）",
        "ingest.duplicate_column.hint": "重命名或删除其中一列，使每个映射的列名只出现一次",
        "ingest.no_such_source": "计划中没有数据来源 {source!r}",
        "ingest.no_such_source.hint": "计划中的数据来源：{known}",
        "ingest.no_sources": "无；计划中没有 `sources:`",
        "ingest.parquet_lacks_columns": "数据来源 {source!r} 需要列 {missing}，但 Parquet 文件中没有",
        "ingest.parquet_lacks_columns.hint": "文件中的列：{columns}；请修正数据来源中的列名",
        "ingest.file_lacks_columns": (
            "数据来源 {source!r} 需要列 {missing}，但文件中没有（第 {line} 行被当作表头："
            "前 50 行中没有一行包含所有这些列）"
        ),
        "ingest.file_lacks_columns.hint": (
            "第 {line} 行的表头：{columns}；请修正数据来源中的列名，或把 `header_row:` 设为表头"
            "所在的行{undated}"
        ),
        "ingest.file_lacks_columns.no_date": (
            "；没有日期列时每一行代表整个报表时段：请按天导出报表（Google Ads：细分 > 时间 > 天）"
        ),
        "ingest.not_long_format": "不是长格式（date,kpi,value），也没有给出 --source",
        "ingest.pass_source": "请加上 {options}",
        "ingest.either": "{first} 或 {rest}",
        "ingest.no_source_matches": "计划中没有与其表头相符的数据来源；数据来源：{sources}",
        "ingest.write_long_format": "请写成 date,kpi,value[,channel,note]，或在计划中声明 `sources:` 条目",
        "ingest.period_column": "日期列 {column!r} 是周或月，但数据来源 {source!r} 按天读取",
        "ingest.period_column.hint": (
            "在数据来源中声明 `period: week`（或 month），每行的数值记在导出所标的那一天；"
            "周数值计入其开始的那一周"
        ),
        "ingest.column_and_fixed": "数据来源 {source!r} 既给了 {kind} 列（{column!r}），又给了固定的 {kind}",
        "ingest.column_and_fixed.hint": (
            "只保留一个：`{kind}: 列名` 逐行读取，`fixed: {{{kind}: ...}}` 给每一行相同的值"
        ),
        "ingest.column_currency": "列 {column!r} 以 {found} 计，但 {kpi!r} 以 {currency} 计",
        "ingest.column_currency.hint": "请以 {currency} 导出报表，或把此列映射到单位为 {found} 的指标",
        "ingest.bad_scale": "数据来源 {source!r}：{why}",
        "ingest.bad_scale.hint": "写作 scale: {{表头: 1000}}，或 K、M、千、万、亿",
        "ingest.outside_period": "不在计划周期 {start} … {end} 之内",
        "ingest.row_spans_days.day": (
            "该行覆盖 {first} … {last}（{days} 天），不是一天：请按天导出（Meta 广告管理工具："
            "细分 › 按时间 › 天），周或月数据请在数据来源中声明 `period: week` 或 `month`"
        ),
        "ingest.row_spans_days.day.long": (
            "该行覆盖 {first} … {last}（{days} 天），不是一天：请按天导出（Meta 广告管理工具："
            "细分 › 按时间 › 天）"
        ),
        "ingest.row_spans_days.week": "该行覆盖 {first} … {last}（{days} 天），超过一周：请按周导出",
        "ingest.row_spans_days.month": "该行覆盖 {first} … {last}（{days} 天），超过一个月：请按月导出",
        "ingest.row_ends_before_it_starts": "该行结束于 {last}，早于开始日期 {first}",
        "ingest.key_text_too_long": (
            "过长：UTF-8 编码 {size} 字节，渠道、预算科目或 ref 最多 {most} 字节（约 {chinese} 个汉字）；请缩短"
        ),
        "ingest.date_not_number": (
            "这里应是数值却是日期：导出软件可能把数值设成了日期格式（Excel 会把 3.95 显示为 Mar-95）；"
            "请把该列设为数值格式后重新导出"
        ),
        "ingest.nul_in_text": "含有 NUL 字符（零字节），数据库无法保存这样的文本：请删除它",
    }
)

MESSAGES["ingest.no_files"] = "没有给出导出文件"
MESSAGES["ingest.no_files.hint"] = "mktplan ingest 计划 文件...（或用 --history 列出导入批次）"
MESSAGES["ingest.history_with_files"] = "--history 只列出导入批次，不读文件：{files} 不会被导入"
MESSAGES["ingest.history_with_files.hint"] = (
    "导入用 `mktplan ingest 计划 文件...`，列出批次用 `mktplan log 计划`（或不带文件的 --history）"
)
MESSAGES["cli.lock_timeout_range"] = (
    "--lock-timeout 必须是 0 到 {most} 之间的秒数（约 24 天），不能是 {given}"
)

MESSAGES.update(
    {
        # 读取导出文件时的拒收(ingest/readers.py)
        "ingest.zip_not_csv": "这是 zip 文件（.xlsx 工作簿？），不是 CSV 导出文件",
        "ingest.zip_not_csv.hint": "把 .xlsx 工作簿命名为 .xlsx，或导出 CSV",
        "ingest.binary": "不是文本导出文件：从第 {offset} 字节起含有二进制数据（连续 {run} 个或更多零字节）",
        "ingest.binary.hint": "以 NUL 字节填充的文件在保存或复制时被截断或损坏；请重新下载或导出",
        "ingest.xls": "不支持旧的 .xls 工作簿",
        "ingest.xls.hint": "把导出文件另存为 .xlsx 或 CSV",
        "ingest.unknown_encoding": "未知编码 {encoding!r}",
        "ingest.unknown_encoding.hint": "请用 utf-8、utf-8-sig、gbk 或 gb18030",
        "ingest.not_text_encoding": "{encoding!r} 不是文本文件的编码",
        "ingest.utf16": "文件看起来是没有字节顺序标记的 UTF-16（每隔一个字节为零）",
        "ingest.utf16.hint": "加上 --encoding utf-16-le（或 utf-16-be）",
        "ingest.utf16_marked": "文件开头是 UTF-16 字节顺序标记，但指定的编码是 {encoding!r}",
        "ingest.utf16_marked.hint": "去掉 --encoding（或数据来源的 encoding:）：带字节顺序标记的文件会按标记读取",
        "ingest.no_byte_order_mark": "编码 {encoding!r} 要求文件开头有字节顺序标记，而此文件没有",
        "ingest.no_byte_order_mark.hint": (
            "请改为写明字节顺序（--encoding 或数据来源的 encoding:）：{codec}-le 或 {codec}-be"
        ),
        "ingest.empty_file": "文件是空的，或没有表头行",
        "ingest.empty_file.hint": "第一行写出各列的名称，例如 date,kpi,value",
        "ingest.header_row_blank": "header_row {row} 是空行，或超出了文件末尾",
        "ingest.header_row_blank.hint": "给出表头行在文本编辑器中显示的行号",
        "ingest.unknown_file_encoding": "无法判断文件的编码",
        "ingest.unknown_file_encoding.hint": "加上 --encoding，例如 --encoding gb18030",
        "ingest.header_unreadable": "无法读取表头行：{why}",
        "ingest.header_unreadable.hint": "表头行必须写出各列的名称，例如 date,kpi,value",
        "ingest.invalid_encoding": "不是有效的 {encoding}：字节偏移 {byte} 处的字节 {found}",
        "ingest.invalid_encoding.hint": "加上正确的 --encoding，例如 --encoding gb18030 或 --encoding utf-8",
        "ingest.too_many_fields": "有 {count} 个字段，而表头只有 {width} 个；第 {field} 个字段是 {extra!r}",
        "ingest.csv_unreadable": "无法读取 CSV：{why}",
        "ingest.xlsx_unreadable": "不是可读的 .xlsx 工作簿（{why}）",
        "ingest.xlsx_unreadable.hint": "在 Excel 中打开并重新另存为 .xlsx，或导出 CSV",
        "ingest.xlsx_too_large": "其各部分解压后有 {size} 字节，超过可读取的 {max} 字节",
        "ingest.xlsx_zip_bomb": "其部分 {part} 从 {packed} 字节解压为 {size} 字节，超过 {ratio} 倍（zip 炸弹）",
        "ingest.xlsx_refused": "拒收：{why}",
        "ingest.xlsx_refused.hint": "真实的导出文件小得多；请把数据导出为 CSV，或拆分工作簿",
        "ingest.no_readable_sheet": "工作簿中没有可读的工作表（缺少工作表部分）",
        "ingest.no_such_sheet": "工作簿中没有工作表 {sheet!r}",
        "ingest.no_such_sheet.hint": "工作表：{sheets}",
        "ingest.empty_sheet": "工作表是空的，或没有表头行",
        "ingest.header_row_beyond_sheet": "header_row {row} 是空行，或超出了工作表末尾",
    }
)

MESSAGES.update(
    {
        # 管道、拒收文件、读取期间被改动的文件
        "ingest.stream_too_long": "数据流超过 {max} 字节；已在此处停止",
        "ingest.stream_too_long.hint": "把导出内容存成文件，再导入该文件",
        "ingest.stream_unreadable": "无法读取数据流：{why}",
        "ingest.rejects_in_pipe": "管道中有行被拒收，而管道没有可写拒收文件的文件夹；没有存入任何数据",
        "ingest.rejects_in_pipe.hint": "把导出内容存成文件，再用 --skip-invalid 导入该文件",
        "ingest.rejects_unwritable": "无法写入拒收文件：{why}；没有存入任何数据",
        "ingest.rejects_is_input": (
            "本次导入拒收的行将写到这里，而它正是本次导入的文件之一：写入拒收行会替换它，因此没有存入或写出任何数据"
        ),
        "ingest.rejects_not_ours": (
            "本次导入拒收的行将写到这里，而该文件的开头不像 mktplan 写出的拒收文件（以 UTF-8 的 {header} "
            "这一行开头；用表格软件另存过的可能不是）：写入拒收行会替换它，因此没有存入或写出任何数据"
        ),
        "ingest.rejects_is_input.hint": (
            "请给该文件改名（像拒收文件一样命名的导出文件），或把它移出该文件夹，再重新导入"
        ),
        "ingest.rejects_not_regular": (
            "拒收文件的路径是{kind}，不是普通文件；写出拒收文件会把它替换掉，"
            "所以没有存入也没有写出任何内容"
        ),
        "ingest.rejects_not_regular.hint": (
            "给导出文件改名（拒收的行写入它旁边的 <文件名>.rejects.csv），或不加 --skip-invalid 导入"
        ),
        "ingest.rejects_unwritable.hint": (
            "让输入文件所在的文件夹可写（拒收文件路径须是普通文件），或不加 --skip-invalid 导入"
        ),
        "ingest.changed_while_read": "文件在读取期间被改动了",
        "ingest.changed_while_read.hint": "等写入它的程序完成后再导入一次",
    }
)

MESSAGES.update(
    {
        # 导出文件中单元格或行被拒收的原因(ingest/cells.py、ingest/mapping.py)
        "ingest.unsaved_formula": "公式没有保存的结果；请在 Excel 中打开并保存文件，使数值被存下来",
        "ingest.two_signs": "有多个正负号；负数写作 -5 或 (5)",
        "ingest.two_units": "一个数值中有多个单位",
        "ingest.money_and_percent": "一个数值不能既是金额又是百分比",
        "ingest.invalid_number": "不是数字",
        "ingest.money_for_unit": (
            "这是 {found} 金额，但 {kpi!r} 的单位 {unit!r} 不是货币；请把它记入以 {found} 计的指标、"
            "去掉数值中的货币符号，或者若该指标是金额，在其单位中写明货币（CNY、元/次、USD per click）"
        ),
        "ingest.currency_mismatch_kpi": (
            "这是 {found} 金额，但 {kpi!r} 以 {currency} 计；请先换算成 {currency}，"
            "或记入以 {found} 计的指标"
        ),
        "ingest.percent_for_unit": "这是百分比，但 {kpi!r} 的单位是 {unit}；请按指标的单位写数值",
        "ingest.unit_not_set": "未设置",
        "ingest.row_currency": "这一行以 {found} 计，但计划的金额以 {expected} 计；请以 {expected} 导出报表",
        "store.owner_clash": (
            "数据来源 {source!r} 将替换数据来源 {other!r} 已存入的 {n} 个值（{named}）；没有存入任何数据"
        ),
        "store.owner_clash_more": (
            "数据来源 {source!r} 将替换数据来源 {other!r} 已存入的 {n} 个值（{named} 等，另有 {more} 个）；"
            "没有存入任何数据"
        ),
        "store.owner_clash_day": "{kpi} {day}",
        "store.rate_split": (
            "{kpi!r} 是比率，本文件给出 {day}{where} 的值，记在 {parts} 下，而存储中同一天同一渠道的值记在 "
            "{other} 下（来自 {file}）：两者会被相加（2% + 3% 不是两者的比率）；没有存入任何数据"
        ),
        "store.rate_split_line": "预算科目 {line!r}",
        "store.rate_split_ref": "ref {ref!r}",
        "store.rate_split_channel": " 渠道 {channel}",
        "store.rate_split_none": "无预算科目和 ref",
        "store.rate_split.hint": (
            "请让该比率使用与已存值相同的预算科目和 ref（本文件即为更正），或把区分科目的列映射为来源的 "
            "`channel:`（每个科目各为一个渠道），或记录该比率的分子和分母；如确要把该比率移到本科目下，"
            "请加 --force 重新导入（已存值保留在历史记录中）"
        ),
        "store.owner_clash_channel": "{kpi} {day} 渠道 {channel}",
        "store.owner_clash.hint": (
            "如果两个数据来源都正确，请给每个来源指定自己的渠道（在计划中写 sources: "
            "{{{source}: {{fixed: {{channel: ...}}}}}}），让数值并列存放；如要有意替换，请加 --force "
            "重新导入"
        ),
        "store.owner_clash_long.hint": (
            "如果两者都正确，请给长表格式文件加一列渠道（date,kpi,value,channel），让数值与该数据来源的"
            "并列存放；如要有意替换，请加 --force 重新导入"
        ),
        "store.reread": (
            "这些内容此前已按另一种方式读取并导入（{earlier}）；这次按数据来源 {source!r} 读取，"
            "会与那次读取留下、这次不会替换的 {n} 个值并列存放，报告会把这份导出重复计算；"
            "没有存入任何数据"
        ),
        "store.reread_more": (
            "这些内容此前已按另一种方式读取并导入（{earlier} 等，另有 {more} 次）；这次按数据来源 "
            "{source!r} 读取，会与那些读取留下、这次不会替换的 {n} 个值并列存放，报告会把这份导出"
            "重复计算；没有存入任何数据"
        ),
        "store.reread_earlier": "批次 {run}（{when}），文件 {name}，数据来源 {source!r}：仍存有 {n} 个值",
        "store.reread.hint": (
            "如果那次读取有误（--encoding、--sheet 或 --source 不同，或此后改过数据来源的映射），"
            "请加 --force 重新导入：这次读取会替换那次存入的值（旧值保留在存储的历史中）；"
            "如要保留那次的读取，请不要导入本文件，或按那次的方式导入"
        ),
        "ingest.row_currency_kpis": (
            "这一行以 {found} 计，但其金额列对应的指标以 {expected} 计；请以 {expected} 导出报表"
        ),
        "ingest.not_a_currency": "不是货币；计划的金额以 {expected} 计",
        "ingest.no_route": "此值没有对应的模块；数据来源的模块分配：{known}",
        "ingest.in_module": "模块 {module!r}",
        "ingest.in_plan": "计划",
        "ingest.no_kpi_for_column": "{where}中没有可接收此列的指标 {kpi!r}",
        "ingest.formula_column": "{kpi!r} 是公式指标；不能导入",
        "ingest.rate_rows_weight_absent": (
            "比率指标 {kpi!r} 有 {count} 行的日期、渠道、line 和 ref 都相同，而其权重 {weight!r} "
            "不在这些行中：比率不做平均；请把 {weight!r} 作为一列与之一同导出，或每个日期和渠道导出一行"
        ),
        "ingest.rate_rows_weight_missing": (
            "比率指标 {kpi!r} 有 {count} 行的日期、渠道、line 和 ref 都相同，而其中部分行的权重 "
            "{weight!r} 为空或不是数字：请填写每一行的 {weight!r}，或每个日期和渠道导出一行"
        ),
        "ingest.rate_rows_weight_zero": (
            "比率指标 {kpi!r} 有 {count} 行的日期、渠道、line 和 ref 都相同，而它们的权重 "
            "{weight!r} 合计为 0：无法计算加权平均；请更正权重，或每个日期和渠道导出一行"
        ),
        "ingest.rate_split": (
            "{kpi!r} 是比率，这一行（{parts}）与其他预算科目或 ref 的行日期和渠道相同：它们的数值"
            "会被相加（2% + 3% 不是两者的比率）；请把该列映射为来源的 `channel:`（每个科目各为一个"
            "渠道），或记录该比率的分子和分母"
        ),
        "ingest.rate_rows": (
            "比率指标 {kpi!r} 有 {count} 行的日期、渠道、line 和 ref 都相同：比率不做平均；"
            "请每个日期和渠道导出一行（ref 不同的行会相加），或为该指标设置 `weight:`，"
            "并在同一行中导出权重"
        ),
    }
)
MESSAGES["ingest.reading"] = "正在读取 {name}"

MESSAGES.update(
    {
        # store：打开、锁定和损坏(store/failures.py、store/schema.py)
        "store.recovery.hint": (
            "用 `sqlite3 {path} 'PRAGMA integrity_check'` 检查它；从备份恢复该文件，"
            "或把它移走，再把导出文件重新导入一个新数据库"
        ),
        "store.damaged": "数据库 {path} 已损坏（{detail}）；mktplan 无法使用",
        "store.unreadable_value": "有一个存储的数值无法读取：{why}",
        "store.not_a_store": "{path} 不是 mktplan 数据库（{detail}）",
        "store.not_a_store.hint": (
            "用 --store 或 MKTPLAN_STORE 指向一个 mktplan 数据库文件，或把这个文件移走，"
            "以便新建数据库"
        ),
        "store.other_tables": "这是一个含有其他表的 SQLite 数据库：{tables}",
        "store.not_a_regular_file": (
            "数据库路径 {path} 不是普通文件（而是设备、管道或套接字），无法存放数据库"
        ),
        "store.not_a_regular_file.hint": (
            "用 --store 或 MKTPLAN_STORE 指定一个文件路径，例如 .mktplan/store.sqlite"
        ),
        "store.locked": "另一次导入正在占用数据库 {store}；已等待 {seconds} 秒，放弃",
        "store.locked.hint": "等另一个 `mktplan ingest` 完成后再运行一次",
        "store.sum_overflow": (
            "同一指标、同一天、同一渠道的数值之和超出了数据库 {path} 能精确求和的范围"
            "（绝对值 9,223,372,036,854）；没有写入任何数据"
        ),
        "store.sum_overflow.hint": (
            "检查导出文件中是否有单位写错的数值（把分当成元、多写了一位数字），修正后重新导入"
        ),
        "store.not_sqlite": (
            "{path} 不是 mktplan 数据库：它不是 SQLite 数据库，或是首页已损坏的数据库（{detail}）"
        ),
        "store.not_sqlite.hint": (
            "如果它不是数据库，请用 --store 或 MKTPLAN_STORE 指向一个数据库；"
            "如果它原本是数据库：{recovery}"
        ),
        "store.disk_full": "数据库 {path} 所在的磁盘已满；没有写入任何数据",
        "store.disk_full.hint": "在该磁盘上腾出一些空间（或用 --store 把数据库移到别处）后再运行",
        "store.read_only": "数据库 {path} 无法写入：{detail}",
        "store.read_only.hint": (
            "检查该文件及其所在文件夹的权限（SQLite 会在旁边写入 -wal 和 -shm 文件）"
        ),
        "store.file_size_limit": (
            "数据库 {path} 无法增大：文件大小上限 {limit} 字节（`ulimit -f`）阻止了它（{detail}）"
        ),
        "store.file_size_limit.hint": "为此任务提高上限（ulimit -f unlimited），或把数据库移到别处",
        "store.io_error": "磁盘拒绝读写数据库 {path}（{detail}）",
        "store.io_error.hint": "检查磁盘是否在位、是否有剩余空间，并把数据库放在本地磁盘上",
        "store.cannot_open": "无法打开数据库 {path}：{detail}",
        "store.cannot_open.hint": "检查其所在文件夹是否存在且可写",
        "store.failed": "无法使用数据库 {path}：{detail}",
        "store.failed.hint": "检查磁盘剩余空间，以及数据库文件是否可写",
        "store.cannot_create_folder": "无法创建数据库所在的文件夹 {folder}：{why}",
        "store.cannot_create_folder.hint": "用 --store 或 MKTPLAN_STORE 指定一个可写的位置",
        "store.is_directory": "数据库路径 {path} 是一个文件夹",
        "store.is_directory.hint": "指定一个文件路径，例如 .mktplan/store.sqlite",
        "store.no_wal": "无法把数据库 {path} 切换到 WAL 模式（得到 {mode!r}）",
        "store.no_wal.hint": "把数据库放在本地磁盘上；网络文件系统不支持 WAL",
        "store.newer_schema": (
            "数据库 {store} 由更新版本的 mktplan 写入（结构版本 {version}；"
            "当前 mktplan 只支持到版本 {newest}）"
        ),
        "store.newer_schema.hint": "升级 mktplan，或用 --store 指向另一个数据库",
        "store.no_plan_id": "计划没有活动编号，无法导入",
        "store.no_plan_id.hint": "在计划中写上 `id:`",
        "store.dry_run_copy": "无法为试运行复制数据库 {path}：{detail}",
        "store.dry_run_copy.hint": "检查临时文件夹（TMPDIR）的剩余空间",
        # store：数据库的位置(store/locate.py、store/postgres/__init__.py)
        "store.empty": "{where} 为空：没有指定数据库",
        "store.unknown_uri": (
            "{where} {value!r} 看起来是一个 URI（{scheme}:），mktplan 无法打开："
            "数据库只能是 SQLite 文件或 PostgreSQL 数据库"
        ),
        "store.unknown_uri.hint": (
            "指定一个 SQLite 文件路径（默认是计划旁边的 .mktplan/store.sqlite）或 "
            "postgresql://user@host:port/dbname；名称以 ':' 结尾的文件夹可用绝对路径指定"
            "（/.../NAME:/store.sqlite）"
        ),
        "store.pg.no_driver": (
            "{where} {value!r} 是 PostgreSQL 数据库，但没有安装 PostgreSQL 驱动（psycopg）"
        ),
        "store.pg.no_driver.hint": "安装 PostgreSQL 驱动：pip install 'mktplan[postgres]'",
        "store.pg.bad_uri": "{where} {value!r} 不是 libpq 能读取的 PostgreSQL URI（{detail}）",
        "store.pg.bad_uri.hint": (
            "写成 postgresql://user@host:port/dbname；本机套接字写成 "
            "postgresql://user@/dbname?host=/run/postgresql"
        ),
        # store：PostgreSQL 自身的错误(store/postgres/)
        "store.pg.refused_role": "数据库 {store} 拒绝了此角色：{detail}",
        "store.pg.refused_role.hint": (
            "导入和报告需要有写权限的角色（GRANT 语句见 docs/team-store.md）；只读角色供 BI 工具使用"
        ),
        "store.pg.disk_full": "数据库 {store} 的 PostgreSQL 服务器磁盘已满；没有写入任何数据",
        "store.pg.disk_full.hint": "在数据库服务器上腾出空间后再运行",
        "store.pg.unreachable": "无法连接数据库 {store}：{detail}",
        "store.pg.unreachable.hint": (
            "检查 URI 中的主机、端口、数据库名和用户；密码取自 PGPASSWORD 或 ~/.pgpass"
        ),
        "store.pg.failed": "数据库 {store} 出错：{detail}",
        "store.pg.failed.hint": "没有写入任何数据；请查看服务器日志了解原因",
        "store.pg.refused_value": "数据库 {store} 拒收了导入文件中的一个值：{detail}",
        "store.pg.refused_value.hint": "没有写入任何数据；请在导出文件中改正该值后重新导入",
        "store.pg.value_too_long": "数据库 {store} 拒收了导入文件中一个过长的值：{detail}",
        "store.pg.value_too_long.hint": (
            "没有写入任何数据；某个渠道、预算科目或 ref 过长（一条观测值的键最多约 2,700 字节）："
            "请在其来源处（导出文件或被复制的数据库）缩短后重试"
        ),
        "store.pg.other_tables": "数据库 {store} 不是 mktplan 数据库：其 schema 中有其他表（{tables}）",
        "store.pg.other_tables.hint": (
            "给 mktplan 一个独立的数据库，或在 URI 中加上 ?options=-csearch_path%3Dmktplan "
            "使用独立的 schema"
        ),
        "store.pg.newer_schema": (
            "数据库 {store} 由更新版本的 mktplan 写入（PostgreSQL 结构版本 {version}；"
            "当前 mktplan 只支持到版本 {newest}）"
        ),
        # store copy(store/copy.py、mktplan store copy)
        "store.copy.same": "源数据库和目标数据库是同一个：{store}",
        "store.copy.same.hint": "指定另一个数据库作为目标",
        "store.copy.no_source": "{store} 处没有数据库",
        "store.copy.no_source.hint": "检查 SRC",
        "store.copy.not_empty": "目标数据库 {store} 中已有计划（{plans}）；没有复制任何数据",
        "store.copy.not_empty.hint": "复制到一个新的空数据库（新文件或新建的数据库）",
        "store.copy.differs": "复制完成后，{target} 中的副本与 {source} 不一致",
        "store.copy.differs.hint": "删除目标数据库后重新复制；如果再次出现，请报告此问题",
        "store.copy.done": (
            "已将 {n} 个计划复制到 {store}（{counts}）；两个数据库内容一致（sha256 {digest}）"
        ),
    }
)

MESSAGES.update(
    {
        # templates：报告的 Jinja2 模板(render/markdown.py)
        "template.bundled_missing": "此安装中缺少内置的报告模板",
        "template.bundled_missing.hint": "重新安装 mktplan，或用 --template 指定自己的模板",
        "template.not_found": "找不到模板：{name}",
        "template.not_found.hint": "模板只能引用其所在文件夹中的文件",
        "template.syntax": "模板语法错误：{detail}",
        "template.syntax.hint": "参见 https://jinja.palletsprojects.com/templates/",
        "template.unsafe": "模板尝试了不安全的操作：{detail}",
        "template.unsafe.hint": "模板只能读取报告中的数值",
        "template.error": "模板错误：{detail}",
        "template.error.hint": "模板可用的值：ev、plan、L、lang、summary_kpis、tables；参见内置的 report.md.j2",
        "template.not_utf8": "模板不是 UTF-8 文本",
        "template.not_utf8.hint": "请把它存为 UTF-8",
        "template.unreadable": "无法读取模板：{why}",
        "template.unreadable.hint": "指定一个可读取的文件",
        "template.failed": "模板运行失败：{kind}：{detail}",
        "template.failed.hint": "检查模板中的表达式；内置的 report.md.j2 可作参考",
    }
)

# The field names `mktplan diff` prints: the YAML's own in English.
MESSAGES.update(
    {
        "diff.field.above": "高于",
        "diff.field.above_target": "高于目标",
        "diff.field.actions": "任务",
        "diff.field.aggregation": "汇总方式",
        "diff.field.alert_response_hours": "预警响应时限（小时）",
        "diff.field.alerts": "预警",
        "diff.field.amount": "金额",
        "diff.field.approvals": "审批",
        "diff.field.at_risk": "风险阈值",
        "diff.field.audience": "目标受众",
        "diff.field.background": "背景",
        "diff.field.baseline": "基线值",
        "diff.field.below": "低于",
        "diff.field.below_pace": "落后进度",
        "diff.field.below_target": "低于目标",
        "diff.field.better": "优化方向",
        "diff.field.budget": "预算",
        "diff.field.budget_alerts": "预算预警",
        "diff.field.cadence": "跟踪周期",
        "diff.field.cause": "偏差原因",
        "diff.field.channel": "渠道",
        "diff.field.checkpoints": "阶段目标",
        "diff.field.collaborators": "协作人",
        "diff.field.columns": "列映射",
        "diff.field.currency": "币种",
        "diff.field.date": "日期",
        "diff.field.date_format": "日期格式",
        "diff.field.definition": "统计口径",
        "diff.field.due": "截止日期",
        "diff.field.encoding": "编码",
        "diff.field.end": "结束日期",
        "diff.field.finished": "实际完成日期",
        "diff.field.fixed": "固定值",
        "diff.field.forecast_over_budget": "预计超预算",
        "diff.field.formula": "公式",
        "diff.field.goal": "目标",
        "diff.field.header_row": "表头行",
        "diff.field.id": "编号",
        "diff.field.issue": "问题描述",
        "diff.field.kpi": "关键指标",
        "diff.field.kpis": "关键指标",
        "diff.field.lang": "语言",
        "diff.field.line": "预算科目",
        "diff.field.lines": "预算科目",
        "diff.field.max": "上限",
        "diff.field.measure": "优化措施",
        "diff.field.message": "提示文字",
        "diff.field.milestones": "里程碑",
        "diff.field.min": "下限",
        "diff.field.module": "策略模块",
        "diff.field.module_by": "模块列",
        "diff.field.modules": "策略模块",
        "diff.field.name": "名称",
        "diff.field.note": "备注列",
        "diff.field.on_track": "正常阈值",
        "diff.field.over_budget": "超预算",
        "diff.field.owner": "负责人",
        "diff.field.period": "周期",
        "diff.field.plan": "计划",
        "diff.field.ref": "单据列",
        "diff.field.reserve": "应急预备金",
        "diff.field.reserve_range": "预备金比例范围",
        "diff.field.reviews": "复盘",
        "diff.field.role": "角色",
        "diff.field.scale": "换算倍数",
        "diff.field.severity": "级别",
        "diff.field.sheet": "工作表",
        "diff.field.source": "数据来源",
        "diff.field.sources": "数据来源",
        "diff.field.start": "开始日期",
        "diff.field.status": "状态",
        "diff.field.status_thresholds": "状态阈值",
        "diff.field.table": "表格",
        "diff.field.target": "目标值",
        "diff.field.total": "总预算",
        "diff.field.unit": "单位",
        "diff.field.weight": "权重",
    }
)

# validate: units, rates, thresholds and fractions that would give wrong numbers later
MESSAGES.update(
    {
        "validate.unit_like_percent": (
            "KPI {kpi!r} 的单位 {unit!r} 不会被读作百分比：其数值和目标都是普通数字"
            "（公式算出的比值 0.04 仍是 0.04，而不是 4 %）"
        ),
        "validate.unit_like_percent.hint": '是否想写 `unit: "%"`？（以百分点计：5 即 5 %）',
        "validate.rates_added": (
            "KPI {kpi!r}：公式 {formula!r} 把比率 {rates} 相加：比率之和或平均值不是整体的比率"
            "（一个渠道 2 %、另一个 3 %，合计不是 5 %，除非两者访客相同也不是 2.5 %）"
        ),
        "validate.rates_added.hint": (
            "用各计数之和重新计算比率，例如付费用户 ÷ 访客："
            "(online.orders + offline.orders) / (online.visitors + offline.visitors)；"
            "两个比率之差（a.rate - b.rate，以百分点计）可以"
        ),
        "validate.rate_mean_unweighted": (
            "KPI {kpi!r} 是比率（{unit}），设了 `aggregation: mean` 却没有 `weight:`：各天各渠道的"
            "比率会被简单平均，仿佛访客数相同（100 个访客的 2 % 与 900 个访客的 4 % 合计是 3.8 %，"
            "不是 3 %）"
        ),
        "validate.rate_mean_unweighted.hint": (
            "加上 `weight:`，指向计其分母的 KPI（`weight: visitors`），"
            "或写成求和量的公式（`formula: orders / visitors`）"
        ),
        "validate.status_thresholds_inverted": (
            "status_thresholds：at_risk {at_risk} 高于 on_track {on_track}：KPI 会先正常再有风险"
        ),
        "validate.status_thresholds_inverted.hint": (
            "at_risk 是下限：交换两者（on_track: {at_risk}，at_risk: {on_track}）"
        ),
        "validate.status_threshold_percent": (
            "status_thresholds：{field} 为 {value}，但阈值是进度或目标的比例（0.9 即 90 %）："
            "{value} 意味着要求达到目标的 {value} 倍"
        ),
        "validate.status_threshold_percent.hint": "{value} % 写作 {meant}",
        "validate.status_threshold_above_one": (
            "status_thresholds：{field} 为 {value}：阈值是进度或目标的比例（0.9 即 90 %；"
            "1.05 要求领先 5 %），{value} 会让所有 KPI 都偏离目标"
        ),
        "validate.status_threshold_above_one.hint": "写作比例：90 % 写作 0.9",
        "validate.source_routed_qualified": (
            "来源 {source!r} 按列 {column!r} 为每行选择模块，却把列 {header!r} 映射到 {kpi!r}，"
            "这是某一个模块的 KPI：无论该行属于哪个模块，其数值都会记入模块 {module!r}"
        ),
        "validate.source_routed_qualified.hint": (
            "写不带模块的 id（{bare!r}），让每行记入其所属模块；只属于一个模块的列应放在"
            "设了 `module: {module}` 的来源中"
        ),
        "validate.checkpoint_as_fraction": (
            "KPI {kpi!r} 的检查点 {day} 为 {value}（{unit}），目标为 {target}："
            "即 {value}，而不是目标的 {meant} %"
        ),
        "validate.checkpoint_as_fraction.hint": "目标的比例要带 % 写：`{day}: {meant}%`",
        "validate.alert_percent_as_fraction": (
            "{kpi!r} 上的预警 {condition} 为 {value}：即 {value} %，而不是 {meant} %"
        ),
        "validate.alert_percent_as_fraction.hint": (
            "预警阈值以百分点计：{meant} % 写作 {meant}（或 {meant}%）；若确指 {value} %，写 {value}%"
        ),
    }
)
