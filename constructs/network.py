"""The VPC of one environment: subnet tiers, NAT, network ACLs, flow logs, endpoints and subnet groups."""
from __future__ import annotations

import ipaddress
import json
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup
from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint

from catalog.aws import INTERFACE_ENDPOINTS
from constructs import Construct
from constructs.endpoint_policies import dynamodb_gateway_policy, interface_policy, s3_gateway_policy
from constructs.flow_logs import FlowLogSettings, add_flow_logs
from constructs.network_acls import NetworkAcls, NetworkAclsProps

TIERS = ("public", "private", "database")
INTERFACE_SERVICES = INTERFACE_ENDPOINTS
GATEWAY_SERVICES = ("s3", "dynamodb")


def plan_subnets(vpc_cidr: str, azs: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """Carve the tiers from the VPC block, the same way every time.

    The lower half holds the private subnets (VPC prefix + 3 each: EKS pods take an address
    apiece with the VPC CNI, so they get the room). The third eighth holds public subnets and
    the fourth the database subnets (prefix + 5 each). The upper quarter stays free for tiers to
    come. Adding an AZ at the end never moves an existing subnet.
    """
    vpc = ipaddress.IPv4Network(vpc_cidr)
    if not 2 <= len(azs) <= 4:
        raise ValueError(f"azs: {len(azs)} given; the plan needs 2 to 4 availability zones")
    if vpc.prefixlen + 5 > 28:
        raise ValueError(f"vpc_cidr={vpc_cidr}: too small for three subnet tiers; use /23 or larger")
    eighths = list(vpc.subnets(new_prefix=vpc.prefixlen + 3))
    private = eighths[: len(azs)]
    public = list(eighths[4].subnets(new_prefix=vpc.prefixlen + 5))
    database = list(eighths[5].subnets(new_prefix=vpc.prefixlen + 5))
    return {
        "public": [(az, str(public[i])) for i, az in enumerate(azs)],
        "private": [(az, str(private[i])) for i, az in enumerate(azs)],
        "database": [(az, str(database[i])) for i, az in enumerate(azs)],
    }


@dataclass(frozen=True)
class NetworkProps:
    """Settings for the VPC.

    name: prefix of every Terraform-visible name, e.g. "sparki-dev".
    vpc_cidr / azs: the block and zones; subnets are carved by plan_subnets().
    nat_mode: "single" (one NAT gateway in the first AZ) or "per_az"; default "per_az".
    interface_endpoints: services from INTERFACE_SERVICES to reach privately; default none.
    flow_log_retention_days: CloudWatch retention of VPC flow logs; default 90.
    flow_log_key_arn: KMS key for the flow log group; default: the construct creates one.
    cluster_name: EKS cluster whose load balancers may use the subnets; default: none tagged.
    database_ports: TCP ports the database tier's network ACL admits from the private subnets;
        default none, and then the database tier admits nothing.
    """

    name: str
    region: str
    account_id: str
    vpc_cidr: str
    azs: Sequence[str]
    nat_mode: str = "per_az"
    interface_endpoints: Sequence[str] = ()
    flow_log_retention_days: int = 90
    flow_log_key_arn: str | None = None
    key_deletion_window_days: int = 30
    cluster_name: str | None = None
    database_ports: Sequence[int] = ()

    def __post_init__(self) -> None:
        if self.nat_mode not in ("single", "per_az"):
            raise ValueError(f"nat_mode={self.nat_mode!r}: must be 'single' or 'per_az'")
        unknown = sorted(set(self.interface_endpoints) - set(INTERFACE_SERVICES))
        if unknown:
            raise ValueError(f"interface_endpoints: unknown {unknown}; choose from {INTERFACE_SERVICES}")
        plan_subnets(self.vpc_cidr, self.azs)  # raises on a block or zone count it cannot carve


class Network(Construct):
    """A VPC whose private and database tiers never take inbound internet traffic.

    Database subnets have no route to the internet at all and admit only the private subnets on
    the data ports; every flow is logged to an encrypted log group; the default security group
    and the default network ACL allow nothing; every endpoint has a policy for this account.
    """

    def __init__(self, scope: Construct, id: str, props: NetworkProps) -> None:
        super().__init__(scope, id)
        self._props = props
        plan = plan_subnets(props.vpc_cidr, props.azs)

        vpc = Vpc(
            self,
            "vpc",
            cidr_block=props.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={"Name": f"{props.name}-vpc"},
        )
        # CIS 5.4: the default security group must restrict all traffic.
        DefaultSecurityGroup(self, "default_security_group", vpc_id=vpc.id, ingress=[], egress=[], tags={"Name": f"{props.name}-default-deny"})

        self.subnets: dict[str, list[Subnet]] = {tier: [] for tier in TIERS}
        for tier in TIERS:
            for index, (az, cidr) in enumerate(plan[tier]):
                self.subnets[tier].append(
                    Subnet(
                        self,
                        f"{tier}_{index}",
                        vpc_id=vpc.id,
                        cidr_block=cidr,
                        availability_zone=az,
                        # Nothing gets a public IP by accident; NAT gateways and load
                        # balancers bring their own.
                        map_public_ip_on_launch=False,
                        tags={"Name": f"{props.name}-{tier}-{az}", "Tier": tier, **self._subnet_role_tags(tier)},
                    )
                )

        igw = InternetGateway(self, "internet_gateway", vpc_id=vpc.id, tags={"Name": f"{props.name}-igw"})

        public_rt = RouteTable(self, "public_route_table", vpc_id=vpc.id, tags={"Name": f"{props.name}-public"})
        Route(self, "public_default_route", route_table_id=public_rt.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
        for index, subnet in enumerate(self.subnets["public"]):
            RouteTableAssociation(self, f"public_{index}_route", subnet_id=subnet.id, route_table_id=public_rt.id)

        nat_count = 1 if props.nat_mode == "single" else len(props.azs)
        self.nat_gateways: list[NatGateway] = []
        for index in range(nat_count):
            az = props.azs[index]
            eip = Eip(self, f"nat_{index}_eip", domain="vpc", tags={"Name": f"{props.name}-nat-{az}"})
            self.nat_gateways.append(
                NatGateway(
                    self,
                    f"nat_{index}",
                    allocation_id=eip.id,
                    subnet_id=self.subnets["public"][index].id,
                    tags={"Name": f"{props.name}-nat-{az}"},
                    depends_on=[igw],
                )
            )

        # One private route table per AZ, so that per-AZ NAT keeps traffic in its zone.
        private_rts: list[RouteTable] = []
        for index, subnet in enumerate(self.subnets["private"]):
            az = props.azs[index]
            rt = RouteTable(self, f"private_{index}_route_table", vpc_id=vpc.id, tags={"Name": f"{props.name}-private-{az}"})
            nat = self.nat_gateways[index if nat_count > 1 else 0]
            Route(self, f"private_{index}_default_route", route_table_id=rt.id, destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)
            RouteTableAssociation(self, f"private_{index}_route", subnet_id=subnet.id, route_table_id=rt.id)
            private_rts.append(rt)

        # The database tier has a route table with the local route only: no internet at all.
        database_rt = RouteTable(self, "database_route_table", vpc_id=vpc.id, tags={"Name": f"{props.name}-database"})
        for index, subnet in enumerate(self.subnets["database"]):
            RouteTableAssociation(self, f"database_{index}_route", subnet_id=subnet.id, route_table_id=database_rt.id)

        flow_log_group = add_flow_logs(
            self,
            FlowLogSettings(
                name=props.name,
                region=props.region,
                account_id=props.account_id,
                vpc_id=vpc.id,
                retention_days=props.flow_log_retention_days,
                key_arn=props.flow_log_key_arn,
                key_deletion_window_days=props.key_deletion_window_days,
            ),
        )
        self.flow_log_group_name: str = flow_log_group.name
        self.flow_log_group_arn: str = flow_log_group.arn
        acls = NetworkAcls(
            self,
            "acls",
            NetworkAclsProps(
                name=props.name,
                vpc_id=vpc.id,
                vpc_cidr=props.vpc_cidr,
                default_network_acl_id=vpc.default_network_acl_id,
                subnet_ids={tier: [s.id for s in subnets] for tier, subnets in self.subnets.items()},
                private_cidrs=[cidr for _, cidr in plan["private"]],
                database_ports=props.database_ports,
            ),
        )

        gateway_policies = {"s3": s3_gateway_policy, "dynamodb": dynamodb_gateway_policy}
        for service in GATEWAY_SERVICES:
            VpcEndpoint(
                self,
                f"{service}_endpoint",
                vpc_id=vpc.id,
                service_name=f"com.amazonaws.{props.region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=[rt.id for rt in private_rts] + [database_rt.id],
                policy=json.dumps(gateway_policies[service](props.region, props.account_id)),
                tags={"Name": f"{props.name}-{service}"},
            )

        self.endpoint_security_group_id: str | None = None
        if props.interface_endpoints:
            sg = SecurityGroup(
                self,
                "endpoint_security_group",
                name=f"{props.name}-vpc-endpoints",
                description="HTTPS from inside the VPC to the interface endpoints",
                vpc_id=vpc.id,
                ingress=[
                    {
                        "description": "HTTPS from the VPC",
                        "fromPort": 443,
                        "toPort": 443,
                        "protocol": "tcp",
                        "cidrBlocks": [props.vpc_cidr],
                    }
                ],
                egress=[],
                tags={"Name": f"{props.name}-vpc-endpoints"},
            )
            self.endpoint_security_group_id = sg.id
            for service in props.interface_endpoints:
                VpcEndpoint(
                    self,
                    f"{service.replace('.', '_').replace('-', '_')}_endpoint",
                    vpc_id=vpc.id,
                    service_name=f"com.amazonaws.{props.region}.{service}",
                    vpc_endpoint_type="Interface",
                    private_dns_enabled=True,
                    subnet_ids=[s.id for s in self.subnets["private"]],
                    security_group_ids=[sg.id],
                    policy=json.dumps(interface_policy(service, props.account_id)),
                    tags={"Name": f"{props.name}-{service}"},
                )

        # RDS and ElastiCache each need a subnet group of their own over the database tier.
        def store_subnet_group(resource: type, id: str, store: str, title: str):
            name = f"{props.name}-{store}"
            subnet_ids = [s.id for s in self.subnets["database"]]
            return resource(self, id, name=name, description=f"{title} subnets of {props.name}", subnet_ids=subnet_ids, tags={"Name": name})

        db_group = store_subnet_group(DbSubnetGroup, "db_subnet_group", "database", "Database")
        cache_group = store_subnet_group(ElasticacheSubnetGroup, "cache_subnet_group", "cache", "Cache")

        self.vpc_id: str = vpc.id
        self.vpc_cidr: str = vpc.cidr_block
        self.public_subnet_ids: list[str] = [s.id for s in self.subnets["public"]]
        self.private_subnet_ids: list[str] = [s.id for s in self.subnets["private"]]
        self.database_subnet_ids: list[str] = [s.id for s in self.subnets["database"]]
        self.public_route_table_id: str = public_rt.id
        self.private_route_table_ids: list[str] = [rt.id for rt in private_rts]
        self.database_route_table_id: str = database_rt.id
        self.network_acl_ids: dict[str, str] = acls.acl_ids
        self.db_subnet_group_name: str = db_group.name
        self.cache_subnet_group_name: str = cache_group.name

    def _subnet_role_tags(self, tier: str) -> dict[str, str]:
        # The AWS Load Balancer Controller picks subnets by these tags.
        tags = {"public": {"kubernetes.io/role/elb": "1"}, "private": {"kubernetes.io/role/internal-elb": "1"}}.get(tier, {})
        if tags and self._props.cluster_name:
            tags = {**tags, f"kubernetes.io/cluster/{self._props.cluster_name}": "shared"}
        return tags
