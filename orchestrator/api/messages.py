"""Correlate a message (from a partner system) to the instance waiting for it."""

from __future__ import annotations

from fastapi import APIRouter

from orchestrator.api.deps import PROBLEM_RESPONSES, CtxDep
from orchestrator.api.instances import check_bsn
from orchestrator.api.schemas import CorrelateIn, CorrelationOut

router = APIRouter(prefix="/messages", tags=["messages"], responses=PROBLEM_RESPONSES)


@router.post("", response_model=CorrelationOut, summary="Correlate a message")
def correlate(ctx: CtxDep, body: CorrelateIn) -> CorrelationOut:
    """Deliver to the one instance waiting for it, start a process on it, or buffer it.

    A partner's API client (role ``koppeling``) may send a message only when its
    organisation takes part in every process that would receive it now (or, when nothing
    waits yet, in at least one deployed process). ``messageId`` makes a retry harmless.
    """
    p, policy, queries = ctx.principal, ctx.policy, ctx.app.queries
    properties = queries.process_properties()
    receivers = queries.message_receivers(body.name, body.business_key)
    if receivers:
        allowed = all(policy.can_correlate(p, properties.get(k, [])) for k in receivers)
    else:
        allowed = policy.can_correlate(p, [v for versions in properties.values() for v in versions])
    policy.require(allowed, f"send message '{body.name}'")
    check_bsn(body.variables)
    result = ctx.app.container.messages.correlate(
        body.name,
        business_key=body.business_key,
        correlation=body.correlation_keys,
        variables=body.variables,
        message_id=body.message_id,
        actor=p.actor(),
    )
    return CorrelationOut(
        outcome=result.outcome,
        instance_id=result.instance_id,
        buffered_id=result.buffered_id,
    )
