"""Structured JSON logs: where they live, how long they are kept, which levels are counted; every field has a default,
so a service may leave `logs` out."""

from typing import Literal, Optional

from pydantic import Field, field_validator, model_validator

from .base import SpecModel
from .grammar import LOG_GROUP_PATTERN
from .regions import partition_of, region_problem
from .units import Duration

# CloudWatch Logs' allowed retention values, in days (PutRetentionPolicy).
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
Level = Literal["debug", "info", "warn", "error"]
LEVELS: tuple[Level, ...] = ("debug", "info", "warn", "error")
# Kept for 30 days unless the spec says otherwise: the organisation's minimum in production (policy/rules.py's
# min_prod_retention_days), so a service that leaves `logs` out passes the policies in every environment.
DEFAULT_RETENTION = Duration(30 * 86_400_000)


class Logs(SpecModel):
    group: Optional[str] = Field(
        default=None, pattern=LOG_GROUP_PATTERN, description="Log group name; default /<team>/<service>/<env>"
    )
    retention: Duration = Field(default=DEFAULT_RETENTION, description="One of CloudWatch's retention values, in days (e.g. '30d')")
    format: Literal["json"] = "json"
    levels: list[Level] = Field(default_factory=lambda: list(LEVELS), min_length=1)
    metric_filters: list[Level] = Field(
        default_factory=lambda: list[Level](["warn", "error"]), description="Levels counted into a metric per service"
    )
    log_class: Literal["STANDARD", "INFREQUENT_ACCESS"] = "STANDARD"
    kms_key: Optional[str] = Field(
        default=None, pattern=r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", description="KMS key ARN"
    )
    adopt: bool = Field(
        default=False,
        description="The log group exists already (Lambda's own /aws/lambda/<function>, an ECS task's awslogs group): import it "
        "rather than create it, and keep it when the spec drops it; its retention, class, KMS key and tags must already be "
        "what the spec says (docs/adopt.md)",
    )

    @field_validator("kms_key")
    @classmethod
    def _kms_key(cls, arn: Optional[str]) -> Optional[str]:
        """The key's region exists and its partition is that region's, as any region the spec names."""
        if arn is None:
            return None
        _, partition, _, region, _ = arn.split(":", 4)
        problem = region_problem(region)
        if problem:
            raise ValueError(f"the key's region {problem}")
        if partition != partition_of(region):
            raise ValueError(f"the key's ARN is in partition {partition}, but its region {region} is in {partition_of(region)}")
        return arn

    @field_validator("retention")
    @classmethod
    def _retention(cls, value: Duration) -> Duration:
        days = value.ms / 86_400_000
        if days not in RETENTION_DAYS:
            allowed = ", ".join(f"{d}d" for d in RETENTION_DAYS)
            raise ValueError(f"retention {value} is not a CloudWatch retention value; allowed: {allowed}")
        return value

    @field_validator("levels", "metric_filters")
    @classmethod
    def _unique(cls, levels: list[Level]) -> list[Level]:
        if len(set(levels)) != len(levels):
            raise ValueError("levels repeat")
        return sorted(levels, key=LEVELS.index)

    @model_validator(mode="after")
    def _filters_logged(self) -> "Logs":
        missing = [level for level in self.metric_filters if level not in self.levels]
        if missing:
            raise ValueError(f"metric_filters count levels that are not logged: {', '.join(missing)}")
        return self

    @property
    def retention_days(self) -> int:
        return self.retention.ms // 86_400_000
