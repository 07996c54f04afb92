"""The stable hooks: methods a subclass overrides to take a decision its own way.

Each hook is a method the model calls at a fixed point of the month; by default it applies
the package's own rule (the module function named), so a subclass that overrides none of
them runs the built-in model exactly, draw for draw. Pass the subclasses as
``model_class=``, ``member_class=`` and ``manager_class=`` (Python), name them in a scenario
or experiment file (imported only with ``--allow-import``), and every entry point (run,
compare, sweep, replay) runs them and records them in the manifest.

Rows (``i``, ``j``) index the members' arrays (``model.state``) and ``model.members``.
A hook that returns a choice must return one of the allowed values, or the run stops with
a ValueError naming the hook and those values.

:class:`~alliancesim.model.model.AllianceModel` (``model_class``)
    ``mediate_conflict(i, j, styles) -> WorkDone``
        Each conflict, after both parties chose their Thomas-Kilmann ``styles``: the
        mediation work it gets. Default: ``model.management.mediate(effort_conflict, i, j)``.
    ``conflict_outcome(i, j, styles, work) -> str``
        Right after the mediation: how the conflict ends, one of ``constructive``,
        ``compromise``, ``latent``, ``escalated``. Default:
        :func:`alliancesim.model.conflicts.conflict_outcome`.
    ``respond_to_paradox(tension, category, intensity, work) -> str``
        Each paradox, after the work put into it: ``both_and``, ``either_or`` or
        ``suppressed``. Default: :func:`alliancesim.model.tensions.respond_to_paradox`.
    ``partner_fit(rows) -> numpy array``
        Whenever partners are searched (forming, newcomers while evolving, renewal, a
        scenario's added partner): the fit of the candidates in pool ``rows``; the best
        fitting are invited. Default: :func:`alliancesim.model.phases.partner_fit`.
    ``choose_governance_form(fitting, quality) -> str``
        When founding ends and at each renewal: ``shared``, ``lead_organization`` or
        ``network_administrative_organization``, given the ``fitting`` form and the
        ``quality`` of the negotiation. Default:
        :func:`alliancesim.model.phases.governance_form`.
    ``choose_legal_form() -> str``
        Right after the governance form: ``contract``, ``association``, ``foundation`` or
        ``joint_venture``. Default: :func:`alliancesim.model.phases.choose_legal_form`.
    ``monthly_work()``
        Every month, after conflicts, paradoxes and stagnation and before routine upkeep
        (which gets the time left): work of the subclass's own. Does nothing by default.
    ``allocate_time(need, time, skill, holders) -> numpy array``
        Whenever work needs time from several holders: the time each gives (between 0 and
        its ``time``, together at most ``need``). ``holders`` is ``"budget"`` (the
        manager first, 0 when there is none, then every member), ``"spare"`` (every
        member's spare attention) or ``"parties"`` (a conflict's two parties' spare
        attention). Default: the rule the
        parameter ``work_allocation`` names (not called at all unless overridden, which
        keeps the built-in month fast). Not asked when only the manager holds budgeted
        time: the manager then gives what the work needs.
    ``members_stay(judged) -> numpy array of bool``
        At each re-evaluation: who goes on, given the model's judgement ``judged`` (one bool
        per member row). Default: each member's
        ``MemberOrganization.stays_at_reevaluation``.
    ``discusses_stagnation(drawn) -> bool``
        Each month of stagnation, after the work put into it: whether the stagnation is put
        on the table. ``drawn`` is the model's own draw. Default: ``drawn``.
    ``step()``, ``outcome_record()``
        The month and the run's record, extended with ``super()``.

:class:`~alliancesim.model.agents.MemberOrganization` (``member_class``)
    ``choose_conflict_mode(partner, noise) -> str``
        Each conflict: the member's Thomas-Kilmann style toward ``partner``.
    ``wants_to_leave() -> bool``
        Each month after founding: whether the member leaves (by default only a disengaged
        member, with a monthly chance).
    ``stays_at_reevaluation(judged_to_stay) -> bool``
        At each re-evaluation: whether the member goes on, given the model's judgement.
        Default: ``judged_to_stay``.
    ``management_time_factor() -> float``
        Each month: the multiple of its equal share of the members' management budget the
        member sets aside (read only when a subclass overrides it). Default: 1.

:class:`~alliancesim.model.agents.AllianceManager` (``manager_class``)
    ``hire(model, name, fte)`` (class method)
        At the start and when a vacancy is filled: the new manager. Calls
        ``hiring_skill(model)`` (class method; default: drawn around the members' mean
        skill plus ``manager_skill_premium``) and, in ``__init__``,
        ``initial_knowledge()`` (default ``knowledge_initial``).
    ``effective_skill`` (property)
        Whenever the manager works: the skill the work is done with (default: skill
        discounted by how little the manager knows the alliance).
    ``learn()``, ``learn_by_doing(time)``, ``learn_from_peers(level, time, rate)``,
    ``fade(rate)``, ``train(amount)``
        Knowledge each month in post, learning after each piece of work and from
        co-workers at the month's end, forgetting at the month's end, a training
        programme.
    ``decides_to_leave() -> bool``
        At the start of each month in post: turnover (the post then stays vacant for up to
        ``manager_vacancy`` months).

Management time for a model's own work
    ``model.management.request(effort, parties=None, bridging=False) -> WorkDone``
        Any hook (``monthly_work`` for work of its own) asks for ``effort`` FTE-months of
        management work: it is taken from whoever holds time, paid as built-in work is
        (``model.management.paid_fte``, hence ``management_cost_total``), and its doers
        learn by doing. Equal budgets then still cost the same. ``WorkDone.quality`` is
        the effective skill the work got. Work done outside the month's processes (after
        ``super().step()``) would go unpaid, so it is refused with a RuntimeError.

Parameters a class declares
    ``parameters: ClassVar[tuple[Parameter, ...]]`` on each of the three classes (empty
    by default): the parameters a subclass adds beyond the package's own, read as
    ``model.params.<name>`` (see :mod:`alliancesim.params.declared`).

Draws: a hook that draws random numbers should use ``model.rng`` (the model's processes)
or ``model.management_rng`` (hiring and turnover), as the defaults do; any extra draw
shifts the run's later draws, so its results differ from the built-in model's from then
on, as any change of behaviour does.
"""

from __future__ import annotations

# The hooks above, by the class that owns them: what tests check exists and is called.
MODEL_HOOKS = ("mediate_conflict", "conflict_outcome", "respond_to_paradox", "partner_fit",
               "choose_governance_form", "choose_legal_form", "monthly_work", "allocate_time",
               "members_stay", "discusses_stagnation")
MEMBER_HOOKS = ("choose_conflict_mode", "wants_to_leave", "stays_at_reevaluation",
                "management_time_factor")
MANAGER_HOOKS = ("hire", "hiring_skill", "initial_knowledge", "effective_skill", "learn",
                 "learn_by_doing", "learn_from_peers", "fade", "train", "decides_to_leave")
