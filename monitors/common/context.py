"""The deployment a builder builds for: passed in by the program, never read by a builder itself."""

from dataclasses import dataclass
from typing import Optional

from spec import Service
from spec.service import DEFAULT_BACKENDS, Backend
from spec.sources import AwsAccount


@dataclass(frozen=True)
class Deployment:
    project: str
    stack: str
    environment: str
    production: bool
    docs_base_url: str = "https://github.com/example/monitoring/blob/main/"
    log_forwarder_arn: Optional[str] = None
    default_region: str = "us-east-1"  # monitoring:awsRegion, for services whose spec names no region
    backends: tuple[Backend, ...] = DEFAULT_BACKENDS  # monitoring:backends: what the stack deploys

    def backends_of(self, service: Service) -> tuple[Backend, ...]:
        """The backends that monitor `service` in this stack: the stack's, narrowed by the service's `backends`."""
        return service.monitored_by(self.backends)

    def region_of(self, service: Service) -> str:
        """The AWS region a service's CloudWatch resources live in: its spec's, else the stack's."""
        return service.sources.aws.region if service.sources.aws else self.default_region

    def account_of(self, service: Service) -> Optional[AwsAccount]:
        """The AWS account a service's CloudWatch resources live in, when its spec names one (else the stack's)."""
        return service.sources.aws.account if service.sources.aws else None

    def tags(self, service: Service) -> dict[str, str]:
        """The tags every resource carries: service, team, env, managed-by, then the spec's own."""
        return {
            "service": service.service,
            "team": service.team,
            "env": self.environment,
            "managed-by": "vigil",
            **service.tags,
        }

    def tag_list(self, service: Service, *extra: str) -> list[str]:
        """Datadog-style `key:value` tags and a resource's own `extra` ones, sorted so plans stay stable."""
        return sorted([*(f"{k}:{v}" for k, v in self.tags(service).items()), *extra])
