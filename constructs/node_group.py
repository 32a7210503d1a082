"""An EKS managed node group with its own node role and a hardened launch template."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf import ITerraformDependable, TerraformResourceLifecycle, Token
from cdktf_cdktf_provider_aws.eks_node_group import (
    EksNodeGroup,
    EksNodeGroupLaunchTemplate,
    EksNodeGroupNodeRepairConfig,
    EksNodeGroupScalingConfig,
    EksNodeGroupTaint,
    EksNodeGroupUpdateConfig,
)
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.launch_template import (
    LaunchTemplate,
    LaunchTemplateBlockDeviceMappings,
    LaunchTemplateBlockDeviceMappingsEbs,
    LaunchTemplateMetadataOptions,
    LaunchTemplateTagSpecifications,
)

from catalog.aws import (
    AMI_TYPE_BY_ARCHITECTURE,
    ARCHITECTURES,
    CAPACITY_TYPES,
    MAX_UNAVAILABLE_PERCENT,
    NODE_DISK_GIB,
    NODE_GROUP_NAME,
    TAINT_EFFECTS,
    ec2_architecture,
)
from catalog.naming import NODE_GENERATIONS, node_group_name
from constructs import Construct
from constructs.kms_key import EncryptionKey, KeyGrant
from constructs.trust_policy import service_trust_policy

# What a node needs: join the cluster and pull images. The VPC CNI's ENI permissions are not
# here: aws-node gets them through its own IRSA role, so pods cannot borrow them from the node.
NODE_MANAGED_POLICIES = (
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
)
# Amazon Linux 2023 boots from this device; the launch template replaces its default volume.
ROOT_DEVICE = "/dev/xvda"
# Every node carries this label with its group's name, so add-ons can be pinned to a group.
GROUP_LABEL = "sparki.io/node-group"


@dataclass(frozen=True)
class Taint:
    key: str
    effect: str
    value: str = ""

    def __post_init__(self) -> None:
        if self.effect not in TAINT_EFFECTS:
            raise ValueError(f"taint {self.key!r}: effect={self.effect!r}; use one of {', '.join(TAINT_EFFECTS)}")


@dataclass(frozen=True)
class NodeGroupProps:
    """Settings for one managed node group.

    name_prefix / group: the group is named <name_prefix>-<group>, e.g. "sparki-dev" and
        "system" give "sparki-dev-system" (node group, launch template, node role prefix).
    cluster_name / cluster_version: the cluster the nodes join; nodes follow its version.
    subnet_ids: private subnets the nodes live in.
    instance_types: EC2 types; capacity_type "SPOT" needs at least two.
    min_size <= desired_size <= max_size: desired_size is only set at creation; afterwards the
        cluster autoscaler owns it.
    root_volume_key_arn: KMS key of the encrypted gp3 root volume; grant_node_volume_key(key)
        admits the Auto Scaling role that launches the nodes.
    capacity_type: "ON_DEMAND" (default) or "SPOT".
    architecture: "amd64" (default) or "arm64" (Graviton), as kubernetes.io/arch names it; picks
        the Amazon Linux 2023 AMI type (AMI_TYPE_BY_ARCHITECTURE). Every instance type must be
        of it.
    disk_size_gib: root volume size; default 50.
    labels / taints: Kubernetes labels and taints; default none. GROUP_LABEL is added.
    max_unavailable_percent: nodes replaced at once in a rolling update; default 33.
    instance_tags: tags for the instances, volumes and network interfaces the group launches
        (provider default tags do not reach them); default none.
    security_group_ids: the nodes' security groups, set on the launch template; default none,
        and then EKS attaches the cluster's primary security group. When set, EKS attaches
        nothing else, so the groups must carry what EKS needs (constructs/node_security_group.py).
    after: resources the nodes need before they boot, e.g. the VPC CNI add-on; default none.
    generation: blue-green generation, one of catalog.naming.NODE_GENERATIONS; default "blue",
        which keeps the plain name; "green" appends -green (catalog.naming.node_group_name).
        GROUP_LABEL is the group without generation, so workloads follow the group across both.
    frozen: a retiring generation: Terraform leaves the group and its launch template as they
        are (ignore_changes = all), so node settings changed for the new generation never roll
        the old one in place while it is drained; removing it still works. Default false.
    """

    name_prefix: str
    group: str
    cluster_name: str
    cluster_version: str
    subnet_ids: Sequence[str]
    instance_types: Sequence[str]
    min_size: int
    desired_size: int
    max_size: int
    root_volume_key_arn: str
    capacity_type: str = "ON_DEMAND"
    architecture: str = ARCHITECTURES[0]
    disk_size_gib: int = 50
    labels: Mapping[str, str] = field(default_factory=dict)
    taints: Sequence[Taint] = ()
    max_unavailable_percent: int = 33
    instance_tags: Mapping[str, str] = field(default_factory=dict)
    security_group_ids: Sequence[str] = ()
    after: Sequence[ITerraformDependable] = ()
    generation: str = NODE_GENERATIONS[0]
    frozen: bool = False

    @property
    def name(self) -> str:
        return node_group_name(self.name_prefix, self.group, self.generation)

    def __post_init__(self) -> None:
        if not NODE_GROUP_NAME.match(self.group):
            raise ValueError(f"group={self.group!r}: use 2-20 lowercase letters, digits and '-', starting with a letter")
        if self.generation not in NODE_GENERATIONS:
            raise ValueError(f"{self.name_prefix}-{self.group}: generation={self.generation!r}; use one of {', '.join(NODE_GENERATIONS)}")
        if not self.instance_types:
            raise ValueError(f"{self.name}: instance_types must not be empty")
        if self.capacity_type not in CAPACITY_TYPES:
            raise ValueError(f"{self.name}: capacity_type={self.capacity_type!r}; use one of {', '.join(CAPACITY_TYPES)}")
        if self.capacity_type == "SPOT" and len(self.instance_types) < 2:
            raise ValueError(f"{self.name}: a SPOT group needs at least two instance_types to survive one pool running dry")
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"{self.name}: architecture={self.architecture!r}; use one of {', '.join(ARCHITECTURES)}")
        wrong = [t for t in self.instance_types if ec2_architecture(t) != self.architecture]
        if wrong:
            raise ValueError(f"{self.name}: instance_types {', '.join(wrong)} are not {self.architecture}; one group holds one architecture")
        if not 0 <= self.min_size <= self.desired_size <= self.max_size or self.max_size < 1:
            raise ValueError(f"{self.name}: sizes min={self.min_size} desired={self.desired_size} max={self.max_size}; need 0 <= min <= desired <= max, max >= 1")
        for fname, (low, high) in (("disk_size_gib", NODE_DISK_GIB), ("max_unavailable_percent", MAX_UNAVAILABLE_PERCENT)):
            if not low <= getattr(self, fname) <= high:
                raise ValueError(f"{self.name}: {fname}={getattr(self, fname)}; use {low}..{high}")
        if GROUP_LABEL in self.labels:
            raise ValueError(f"{self.name}: label {GROUP_LABEL!r} is set by the construct; remove it")


def grant_node_volume_key(key: EncryptionKey, account_id: str) -> None:
    """What root_volume_key_arn's key must allow. EKS managed node groups launch encrypted EBS
    volumes through the Auto Scaling service-linked role, which takes no IAM policy: the key
    policy must name it."""
    slr = f"arn:aws:iam::{account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    key.grant_encrypt_decrypt(slr, sid="AutoScalingUsesKeyForNodeVolumes", conditions={"StringEquals": {"kms:CallerAccount": account_id}})
    key.grant(
        KeyGrant(
            sid="AutoScalingAttachesPersistentResources",
            role_arn=slr,
            actions=("kms:CreateGrant",),
            condition={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        )
    )


class NodeGroup(Construct):
    """Nodes that answer only IMDSv2 from the host itself (hop limit 1, so pods cannot reach the
    node role), boot from an encrypted gp3 volume, and offer no SSH."""

    def __init__(self, scope: Construct, id: str, props: NodeGroupProps) -> None:
        super().__init__(scope, id)
        role = IamRole(
            self,
            "role",
            name=f"{props.name}-node",
            description=f"EKS nodes of {props.name}",
            assume_role_policy=service_trust_policy(
                "ec2.amazonaws.com",
                unguarded_because="EC2 sets neither aws:SourceAccount nor aws:SourceArn when an instance profile's role is assumed; "
                "iam:PassRole and the launch template decide which instances get the role",
            ),
            tags={"Name": f"{props.name}-node"},
        )
        attachments = [
            IamRolePolicyAttachment(self, f"policy_{index}", role=role.name, policy_arn=arn)
            for index, arn in enumerate(NODE_MANAGED_POLICIES)
        ]
        instance_tags = {"Name": props.name, **props.instance_tags}
        template = LaunchTemplate(
            self,
            "launch_template",
            name=props.name,
            description=f"Nodes of {props.name}: IMDSv2 only, encrypted gp3 root volume, no SSH key",
            update_default_version=True,
            metadata_options=LaunchTemplateMetadataOptions(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=1,
                instance_metadata_tags="disabled",
            ),
            block_device_mappings=[
                LaunchTemplateBlockDeviceMappings(
                    device_name=ROOT_DEVICE,
                    ebs=LaunchTemplateBlockDeviceMappingsEbs(
                        volume_size=props.disk_size_gib,
                        volume_type="gp3",
                        encrypted="true",
                        kms_key_id=props.root_volume_key_arn,
                        delete_on_termination="true",
                    ),
                )
            ],
            vpc_security_group_ids=list(props.security_group_ids) or None,
            tag_specifications=[
                LaunchTemplateTagSpecifications(resource_type=kind, tags=instance_tags)
                for kind in ("instance", "volume", "network-interface")
            ],
            tags={"Name": props.name},
            lifecycle=TerraformResourceLifecycle(ignore_changes="all") if props.frozen else None,
        )
        group = EksNodeGroup(
            self,
            "group",
            cluster_name=props.cluster_name,
            node_group_name=props.name,
            node_role_arn=role.arn,
            version=props.cluster_version,
            subnet_ids=list(props.subnet_ids),
            instance_types=list(props.instance_types),
            capacity_type=props.capacity_type,
            ami_type=AMI_TYPE_BY_ARCHITECTURE[props.architecture],
            scaling_config=EksNodeGroupScalingConfig(
                min_size=props.min_size, desired_size=props.desired_size, max_size=props.max_size
            ),
            update_config=EksNodeGroupUpdateConfig(max_unavailable_percentage=props.max_unavailable_percent),
            launch_template=EksNodeGroupLaunchTemplate(id=template.id, version=Token.as_string(template.latest_version)),
            labels={**props.labels, GROUP_LABEL: props.group},
            taint=[EksNodeGroupTaint(key=t.key, value=t.value or None, effect=t.effect) for t in props.taints] or None,
            node_repair_config=EksNodeGroupNodeRepairConfig(enabled=True),
            tags={"Name": props.name},
            depends_on=[*attachments, *props.after],
            # The cluster autoscaler moves desired_size; Terraform must not move it back.
            lifecycle=TerraformResourceLifecycle(ignore_changes="all" if props.frozen else ["scaling_config[0].desired_size"]),
        )
        self.node_group_name: str = group.node_group_name
        self.node_group_arn: str = group.arn
        self.role_arn: str = role.arn
        self.role_name: str = role.name
        self.launch_template_id: str = template.id
        self.group_label: dict[str, str] = {GROUP_LABEL: props.group}
        self.resource = group
