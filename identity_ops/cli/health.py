"""``identity-ops health publish|check``; ``check`` takes several ``--stack`` (or ``--all-stacks``)."""

from typing import Annotated

import typer
from rich.table import Table

from identity_ops.aws import aws_errors
from identity_ops.cli.common import READ_ONLY, MfaDetailOption, Target, aws_command
from identity_ops.errors import CheckFailedError
from identity_ops.jobs.analytics import collect_analytics
from identity_ops.jobs.health import (
    DEFAULT_NAMESPACE,
    PoolHealth,
    check_namespace,
    check_pool,
    metrics_from,
    publish,
    several_pools_health,
)
from identity_ops.stack import alarm_names, load_stack_outputs

app = typer.Typer(help="CloudWatch health metrics and alarms.", no_args_is_help=True)


@app.command("publish")
@aws_command(without=("yes", "concurrency"))
def publish_metrics(
    target: Target,
    namespace: Annotated[
        str, typer.Option("--namespace", help="Custom CloudWatch namespace.")
    ] = DEFAULT_NAMESPACE,
    mfa_detail: MfaDetailOption = False,
) -> None:
    """Publish TotalUsers, UnconfirmedUsers, DisabledUsers, ConfirmationRate (and MfaAdoption) for the pool."""
    check_namespace(namespace)
    stats = collect_analytics(
        target.clients, target.pool_id, target.errors, mfa_detail=mfa_detail, include_groups=False
    )
    metrics = metrics_from(stats)
    if not target.dry_run:
        with aws_errors():
            publish(target.clients.cloudwatch(), target.pool_id, namespace, metrics)
    data = {
        "namespace": namespace,
        "dimension": {"UserPool": target.pool_id},
        "dry_run": target.dry_run,
        "metrics": {m.name: {"value": m.value, "unit": m.unit} for m in metrics},
    }
    if target.output == "json":
        target.emit_json(data)
        return
    table = Table(
        title=f"{namespace} · UserPool={target.pool_id}"
        + (" (dry run: not sent)" if target.dry_run else "")
    )
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("unit")
    for metric in metrics:
        table.add_row(metric.name, f"{metric.value:,.2f}".rstrip("0").rstrip("."), metric.unit)
    target.console.print(table)


@app.command("check")
@aws_command(without=READ_ONLY, several_stacks=True)
def check_alarms(
    target: Target,
    alarm_prefix: Annotated[
        str | None,
        typer.Option(
            "--alarm-prefix",
            help="Alarms whose name starts with this (default: alarms on the pool).",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Also fail on INSUFFICIENT_DATA.")
    ] = False,
) -> None:
    """Read the state of the stack's alarms; exit 4 if any is in ALARM (or none exist).

    With --stack, the alarms are the ones the stack exported (alarmArns); otherwise every metric
    alarm with the pool id among its dimensions, or those named --alarm-prefix*. Several --stack
    (or --all-stacks) check every pool and fail if one does.
    """
    results = [_check(pool, alarm_prefix, strict) for pool in target.per_pool()]
    if target.output == "json":
        target.emit_json(several_pools_health(results) if target.several else results[0].to_dict())
    else:
        for result in results:
            _render(target, result)
    failing = [result for result in results if not result.ok]
    if not failing:
        return
    if not target.several:
        raise CheckFailedError(failing[0].problem)
    raise CheckFailedError(
        f"{len(failing)} of {len(results)} pools failed: "
        + "; ".join(f"{r.stack or r.pool_id}: {r.problem}" for r in failing)
    )


def _check(pool: Target, alarm_prefix: str | None, strict: bool) -> PoolHealth:
    exported = (
        alarm_names(load_stack_outputs(pool.stack)) if pool.stack and not alarm_prefix else []
    )
    with aws_errors():
        return check_pool(
            pool.clients.cloudwatch(),
            pool.pool_id,
            stack=pool.stack,
            exported=exported,
            alarm_prefix=alarm_prefix,
            strict=strict,
        )


def _render(target: Target, result: PoolHealth) -> None:
    stack = f" (stack {result.stack})" if result.stack else ""
    table = Table(title=f"alarms for {result.pool_id}{stack}")
    for column in ("alarm", "state", "metric", "reason"):
        table.add_column(column)
    for alarm in result.alarms:
        bad = alarm.state in result.bad_states
        style = "red" if bad else "green" if alarm.state == "OK" else "yellow"
        table.add_row(alarm.name, f"[{style}]{alarm.state}[/]", alarm.metric, alarm.reason)
    target.console.print(table)
