"""A security group for a private service that only named client security groups may reach."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule

from constructs import Construct


@dataclass(frozen=True)
class ClientSecurityGroupProps:
    """Settings for the group.

    name: Terraform-visible name, e.g. "sparki-dev-postgres".
    port: the one TCP port clients may open.
    client_security_group_ids: groups whose members may connect; default none, and then the
        group admits nothing. CIDR ranges are not accepted on purpose: a range admits whatever
        lands in it next.
    """

    name: str
    description: str
    vpc_id: str
    port: int
    client_security_group_ids: Sequence[str] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.port <= 65535:
            raise ValueError(f"port={self.port}: must be 1..65535")
        ids = list(self.client_security_group_ids)
        if len(set(ids)) != len(ids):
            raise ValueError(f"client_security_group_ids={ids}: lists a group twice; list each once")


class ClientSecurityGroup(Construct):
    """Ingress on one port from the given security groups only; no egress at all."""

    def __init__(self, scope: Construct, id: str, props: ClientSecurityGroupProps) -> None:
        super().__init__(scope, id)
        group = SecurityGroup(
            self,
            "group",
            name=props.name,
            description=props.description,
            vpc_id=props.vpc_id,
            # Managed stores never open connections themselves; an empty list removes the
            # allow-all egress rule AWS adds to every new group.
            egress=[],
            tags={"Name": props.name},
        )
        # One rule per client group, as separate resources: adding a client later never
        # rewrites the group or the other rules.
        for index, client in enumerate(props.client_security_group_ids):
            VpcSecurityGroupIngressRule(
                self,
                f"client_{index}",
                security_group_id=group.id,
                referenced_security_group_id=client,
                ip_protocol="tcp",
                from_port=props.port,
                to_port=props.port,
                description=f"TCP {props.port} from client security group {index}",
                tags={"Name": f"{props.name}-client-{index}"},
            )
        self.security_group_id: str = group.id
