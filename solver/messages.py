"""Planner-facing sentences, Chinese first with English available.

Every message the solver shows a person is a key in `CATALOG` with a `zh` and
an `en` template; `say(lang, key, **params)` renders one. Keeping them in one
place lets translators review them together and keeps code free of prose.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGS = ("zh", "en")

CATALOG: dict[str, dict[str, str]] = {
    # --- loading (INVALID_INPUT) ---
    "not_object": {"zh": "实例必须是 JSON 对象", "en": "the instance must be a JSON object"},
    "bad_json": {"zh": "不是有效的 JSON：{error}", "en": "not valid JSON: {error}"},
    "bad_format": {
        "zh": "format 应为 {expected}，实际为 {actual}",
        "en": "format must be {expected}, got {actual}",
    },
    "not_list": {"zh": "应为数组", "en": "must be a list"},
    "field": {"zh": "{reason}", "en": "{reason}"},
    "duplicate_id": {"zh": "编号 {id} 重复", "en": "duplicate id {id}"},
    "unknown_ref": {"zh": "引用了不存在的{what} {id}", "en": "refers to unknown {what} {id}"},
    "end_before_start": {
        "zh": "结束 {end} 早于或等于开始 {start}",
        "en": "end {end} is not after start {start}",
    },
    "period_end_before_start": {
        "zh": "结束日期 {end} 早于开始日期 {start}",
        "en": "end date {end} is before start date {start}",
    },
    "appointment_too_long": {
        "zh": "聘期 {start} 至 {end} 超过三年（通知第2条：聘期最多不超过三年）",
        "en": "appointment {start} to {end} is longer than 3 years (notice art. 2)",
    },
    "panel_size_below_3": {
        "zh": "考评小组人数 {size} 少于 3 人（通知第3条）",
        "en": "panel size {size} is below 3 (notice art. 3)",
    },
    "policy_looser": {
        "zh": "取值 {value} 宽于通知要求（{limit}），不予接受",
        "en": "value {value} is looser than the notice allows ({limit})",
    },
    "bad_turnover": {
        "zh": "轮换比例 {value} 应为 [分子, 分母]，且不大于 1",
        "en": "turnover {value} must be [numerator, denominator] and at most 1",
    },
    "count_mismatch": {
        "zh": "candidate_count {count} 与考生名单人数 {listed} 不一致",
        "en": "candidate_count {count} differs from the {listed} listed candidates",
    },
    "conflict_target": {
        "zh": "回避关系须且只须指明 candidate 或 organization 之一",
        "en": "a conflict names exactly one of candidate or organization",
    },
    "leader_not_member": {
        "zh": "组长 {leader} 不在成员名单中",
        "en": "leader {leader} is not among the members",
    },
    "duplicate_member": {"zh": "成员 {id} 重复出现", "en": "member {id} listed twice"},
    "not_planned_session": {
        "zh": "{id} 不是本期待排的场次",
        "en": "{id} is not a session of this instance",
    },
    "lock_ineligible": {
        "zh": "锁定的考评人员 {examiner} 不能担任 {session} 的{role}：{reasons}",
        "en": "locked examiner {examiner} cannot serve {session} as {role}: {reasons}",
    },
    "two_leader_locks": {
        "zh": "场次 {session} 锁定了两名组长",
        "en": "session {session} has two leader locks",
    },
    "unknown_key": {"zh": "未知字段 {name} 已忽略", "en": "unknown key {name} ignored"},
    "count_only": {
        "zh": "场次 {session} 只给出考生人数，无法核对考生回避关系",
        "en": "session {session} gives only a candidate count: candidate recusal not checked",
    },
    # --- eligibility reasons (H2-H4) ---
    "not_active": {"zh": "状态为{status}", "en": "status is {status}"},
    "no_appointment": {
        "zh": "聘期未覆盖 {first} 至 {last}",
        "en": "no appointment covers {first} to {last}",
    },
    "certificate_expired": {
        "zh": "考评证书 {until} 到期",
        "en": "certificate valid only until {until}",
    },
    "unavailable": {
        "zh": "{start} 至 {end} 不可参加",
        "en": "unavailable {start} to {end}",
    },
    "not_qualified": {
        "zh": "无{occupation}的考评资格",
        "en": "not qualified for {occupation}",
    },
    "level_too_high": {
        "zh": "{occupation}资格只到{top}级，场次为{level}级",
        "en": "qualified for {occupation} only down to level {top}, session is level {level}",
    },
    "grade_too_low": {
        "zh": "{grade}只能考评{top}至5级，场次为{level}级",
        "en": "grade {grade} assesses levels {top}-5 only, session is level {level}",
    },
    "conflict_candidate": {
        "zh": "与考生 {candidate} 存在{kind}关系，须回避",
        "en": "{kind} conflict with candidate {candidate}: must recuse",
    },
    "conflict_organization": {
        "zh": "与单位 {organization} 存在{kind}关系，须回避",
        "en": "{kind} conflict with organisation {organization}: must recuse",
    },
    "same_organization": {
        "zh": "与考生 {candidate} 同属 {organization}，须回避",
        "en": "same organisation {organization} as candidate {candidate}: must recuse",
    },
    "not_leader_eligible": {
        "zh": "未被认定可任考评组长",
        "en": "not marked as leader-eligible",
    },
    "too_little_experience": {
        "zh": "考评经验不足 {days} 天（自 {since} 起）",
        "en": "less than {days} days of assessing experience (since {since})",
    },
    "no_experience_date": {
        "zh": "未登记开始从事考评工作的日期",
        "en": "no assessing-since date recorded",
    },
    # --- diagnostics (INFEASIBLE) ---
    "short_of_examiners": {
        "zh": "{session} 需要 {size} 名{occupation}{level}级考评人员，仅 {eligible} 名符合条件：{reasons}",
        "en": "{session} needs {size} examiners for {occupation} level {level}; "
        "{eligible} are eligible: {reasons}",
    },
    "no_leader": {
        "zh": "{session} 没有可任组长的符合条件人员（须经认定且有 {days} 天以上考评经验）：{reasons}",
        "en": "{session} has no eligible leader (leader-eligible, {days}+ days of experience): "
        "{reasons}",
    },
    "too_few_new": {
        "zh": "{session} 需要 {size} 人，其中至少 {new} 人不在上一组 {previous} 中，但符合条件的新人只有 {available} 名",
        "en": "{session} needs {size} members, {new} of them new versus {previous}, "
        "but only {available} eligible examiners are new",
    },
    "core_sessions": {
        "zh": "以下场次无法同时排满（涉及规则 {rules}）：{sessions}。请增加这些场次的可用考评人员、调整时间或人数",
        "en": "these sessions cannot all be staffed together (rules {rules}): {sessions}. "
        "Add eligible examiners, move a session or change a panel size",
    },
    "lock_conflict": {
        "zh": "锁定 {lock} 与其他规则冲突（{rules}）",
        "en": "lock {lock} cannot hold together with rules {rules}",
    },
    "no_explanation": {
        "zh": "未能在时限内找出无解原因",
        "en": "could not isolate a cause within the time limit",
    },
    "more_reasons": {"zh": "另有 {count} 人", "en": "{count} more"},
    # --- checker (violations) ---
    "chk_unknown_session": {
        "zh": "结果中的场次 {session} 不是本期待排的场次",
        "en": "the result assigns {session}, which is not a session of this instance",
    },
    "chk_history_session": {
        "zh": "{session} 是已考评的历史场次，不能重新安排",
        "en": "{session} is a past (history) session and cannot be assigned again",
    },
    "chk_assigned_twice": {
        "zh": "场次 {session} 在结果中出现多次，只采用第一次安排",
        "en": "session {session} is assigned more than once; only the first counts",
    },
    "chk_unknown_examiner": {
        "zh": "{session} 安排的 {who} 不在考评人员信息数据库中（通知第1条）",
        "en": "{session} names {who}, who is not in the examiner database (notice art. 1)",
    },
    "chk_duplicate_member": {
        "zh": "{session} 的成员名单中 {who} 出现 {count} 次",
        "en": "{who} is listed {count} times among the members of {session}",
    },
    "chk_size_short": {
        "zh": "{session} 需要 {size} 名考评人员，只安排了 {count} 名（通知第3条）",
        "en": "{session} needs {size} examiners but has only {count} (notice art. 3)",
    },
    "chk_size_over": {
        "zh": "{session} 需要 {size} 名考评人员，却安排了 {count} 名（通知第3条）",
        "en": "{session} needs {size} examiners but has {count} (notice art. 3)",
    },
    "chk_no_leader": {
        "zh": "{session} 没有指定考评组长（通知第3条）",
        "en": "{session} has no panel leader (notice art. 3)",
    },
    "chk_leader_not_member": {
        "zh": "{session} 的考评组长 {who} 不是该组成员（通知第3条）",
        "en": "the leader of {session}, {who}, is not one of its members (notice art. 3)",
    },
    "chk_cannot_lead": {
        "zh": "{who} 不能担任 {session} 的考评组长：{reason}（通知第4条）",
        "en": "{who} cannot lead {session}: {reason} (notice art. 4)",
    },
    "chk_ineligible": {
        "zh": "{who} 不能参加 {session}：{reason}（通知第2条）",
        "en": "{who} cannot serve on {session}: {reason} (notice art. 2)",
    },
    "chk_must_recuse": {
        "zh": "{who} 不能参加 {session}：{reason}（通知第5条）",
        "en": "{who} cannot serve on {session}: {reason} (notice art. 5)",
    },
    "chk_overlap": {
        "zh": "{who} 同时被安排在 {session} 和 {other}，两场时间重叠",
        "en": "{who} is on both {session} and {other}, which overlap in time",
    },
    "chk_max_sessions": {
        "zh": "{who} 被安排了 {count} 场，超过其上限 {limit} 场",
        "en": "{who} serves {count} sessions, more than their limit of {limit}",
    },
    "chk_turnover": {
        "zh": "{session} 与上一组 {previous} 相比只换了 {new} 人，至少应换 {need} 人（通知第4条：每次至少轮换三分之一）",
        "en": "{session} has only {new} members not on the previous panel {previous}; "
        "at least {need} must be new (notice art. 4: a third rotates each time)",
    },
    "chk_examiner_run": {
        "zh": "{who} 连续 {count} 次在{venue}考评（至 {session}），超过 {limit} 次（通知第4条）",
        "en": "{who} serves {count} times in a row at {venue} (up to {session}); "
        "the limit is {limit} (notice art. 4)",
    },
    "chk_venue_run": {
        "zh": "{who} 参加了{venue}连续 {count} 场考评（至 {session}），超过 {limit} 场（通知第4条）",
        "en": "{who} is on {count} consecutive sessions of {venue} (up to {session}); "
        "the limit is {limit} (notice art. 4)",
    },
    "chk_lock_member": {
        "zh": "锁定要求 {who} 参加 {session}，但结果中没有安排",
        "en": "a lock puts {who} on {session}, but the result does not",
    },
    "chk_lock_leader": {
        "zh": "锁定要求 {who} 担任 {session} 的考评组长，但结果中不是",
        "en": "a lock makes {who} the leader of {session}, but the result does not",
    },
    "chk_objective": {
        "zh": "结果声明的目标值 {claimed} 与按安排重新计算的 {actual} 不一致",
        "en": "the stated objective {claimed} differs from {actual} recomputed from the assignments",
    },
    "chk_unfilled": {
        "zh": "{session} 实际空缺 {actual} 个席位，结果中列为 {claimed} 个",
        "en": "{session} has {actual} empty seats, the result lists {claimed}",
    },
}

KIND_NAMES = {
    "relative": {"zh": "亲属", "en": "relative"},
    "teacher_student": {"zh": "师生", "en": "teacher-student"},
    "master_apprentice": {"zh": "师徒", "en": "master-apprentice"},
    "interest": {"zh": "其他利害", "en": "interest"},
}

STATUS_NAMES = {
    "active": {"zh": "在聘", "en": "active"},
    "suspended": {"zh": "暂停", "en": "suspended"},
    "revocation_pending": {"zh": "待取消资格", "en": "revocation pending"},
    "revoked": {"zh": "已取消资格", "en": "revoked"},
}

GRADE_NAMES = {
    "examiner": {"zh": "考评员", "en": "examiner"},
    "senior": {"zh": "高级考评员", "en": "senior examiner"},
}

ROLE_NAMES = {"leader": {"zh": "组长", "en": "leader"}, "member": {"zh": "成员", "en": "member"}}


def say(lang: str, key: str, **params: object) -> str:
    """Render message `key` in `lang` (falls back to Chinese)."""
    templates = CATALOG[key]
    return templates.get(lang, templates["zh"]).format(**params)


def name(table: dict[str, dict[str, str]], value: str, lang: str) -> str:
    """Translate an enumerated value (conflict kind, status, grade, role)."""
    names = table.get(value)
    return pick(names, lang) if names else value


def pick(texts: Mapping[str, str], lang: str) -> str:
    """The text in `lang`, else the Chinese one (every text has Chinese)."""
    return texts.get(lang, texts["zh"])
