"""``identity-ops health publish|check``."""

from typing import Annotated

import typer
from rich.table import Table

from identity_ops.aws import aws_errors
from identity_ops.cli.common import MfaDetailOption, Target, aws_command
from identity_ops.errors import CheckFailedError
from identity_ops.jobs.analytics import collect_analytics
from identity_ops.jobs.health import (
    DEFAULT_NAMESPACE,
    check_namespace,
    metrics_from,
    named_alarms,
    pool_alarms,
    publish,
)
from identity_ops.stack import alarm_names, load_stack_outputs

app = typer.Typer(help="CloudWatch health metrics and alarms.", no_args_is_help=True)


@app.command("publish")
@aws_command
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
@aws_command
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
    alarm with the pool id among its dimensions, or those named --alarm-prefix*.
    """
    exported = (
        alarm_names(load_stack_outputs(target.stack)) if target.stack and not alarm_prefix else []
    )
    with aws_errors():
        if exported:
            alarms = named_alarms(target.clients.cloudwatch(), exported)
        else:
            alarms = pool_alarms(target.clients.cloudwatch(), target.pool_id, alarm_prefix)
    bad_states = {"ALARM", "MISSING", "INSUFFICIENT_DATA"} if strict else {"ALARM", "MISSING"}
    failing = [a for a in alarms if a.state in bad_states]
    if target.output == "json":
        target.emit_json(
            {
                "pool_id": target.pool_id,
                "ok": bool(alarms) and not failing,
                "alarms": [a.__dict__ for a in alarms],
            }
        )
    else:
        table = Table(title=f"alarms for {target.pool_id}")
        for column in ("alarm", "state", "metric", "reason"):
            table.add_column(column)
        for alarm in alarms:
            style = (
                "red" if alarm.state in bad_states else "green" if alarm.state == "OK" else "yellow"
            )
            table.add_row(alarm.name, f"[{style}]{alarm.state}[/]", alarm.metric, alarm.reason)
        target.console.print(table)
    if not alarms:
        raise CheckFailedError(
            "no CloudWatch alarms watch this pool (deploy the stack's monitoring, or give --alarm-prefix)"
        )
    if failing:
        raise CheckFailedError(
            f"{len(failing)} alarm(s) in {'/'.join(sorted(bad_states))}: {', '.join(a.name for a in failing)}"
        )
