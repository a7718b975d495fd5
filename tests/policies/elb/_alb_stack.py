"""One realistic stack for alb-target-security-groups (ALB, HTTPS listener and rule, a Fargate service, an EC2 service
on a capacity provider), as a preview of a new stack sees it (every id unknown, related only through property
dependencies) or after an update (ids known), and the helpers the tests use to break it one way each."""

from guardrails.elb.alb_target_security_groups import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
TG = "aws:lb/targetGroup:TargetGroup"
CLUSTER = "aws:ecs/cluster:Cluster"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
CLUSTER_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
ASG = "aws:autoscaling/group:Group"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"

ACCOUNT = "arn:aws:elasticloadbalancing:eu-west-1:123456789012"


def rule(kind: str, name: str, group: str, low: int | None, high: int | None, *, peer: str | None = None,
         cidr: str | None = None, protocol: str = "tcp", preview: bool = True, ids: dict | None = None) -> Res:
    """A standalone rule of ``group``, from/to ``peer`` (a security group of the fixture) or ``cidr``."""
    ids = ids or {}
    props = {"securityGroupId": UNKNOWN if preview else ids.get(group, f"sg-{group}"), "ipProtocol": protocol}
    if low is not None:
        props |= {"fromPort": low, "toPort": high}
    deps = {"securityGroupId": [group]}
    if peer:
        props["referencedSecurityGroupId"] = UNKNOWN if preview else ids.get(peer, f"sg-{peer}")
        deps["referencedSecurityGroupId"] = [peer]
    if cidr:
        props["cidrIpv4" if ":" not in cidr else "cidrIpv6"] = cidr
    if not preview:  # outputs of the provider: unset optional attributes are null
        props = {"cidrIpv4": None, "cidrIpv6": None, "prefixListId": None, "referencedSecurityGroupId": None} | props
        props["id"] = f"sgr-{name}"
    return Res(kind, name, props, deps)


def platform(preview: bool = True) -> list[Res]:
    """The stack; ``preview`` gives unknown ids and unknown unset computed outputs, else an update's outputs."""

    def known(value):
        return UNKNOWN if preview else value

    def subnet(name: str, cidr: str, zone: str) -> Res:
        return Res(SUBNET, name, {"vpcId": known("vpc-1"), "cidrBlock": cidr, "availabilityZone": zone,
                                  "id": known(f"subnet-{name}")}, {"vpcId": ["vpc"]})

    def group(name: str) -> Res:
        return Res(SG, name, {"vpcId": known("vpc-1"), "description": name, "id": known(f"sg-{name}")},
                   {"vpcId": ["vpc"]})

    def r(kind, name, grp, low, high, **kw):
        return rule(kind, name, grp, low, high, preview=preview, **kw)

    return [
        Res(VPC, "vpc", {"cidrBlock": "10.0.0.0/16", "id": known("vpc-1")}),
        subnet("public-a", "10.0.0.0/24", "eu-west-1a"),
        subnet("public-b", "10.0.1.0/24", "eu-west-1b"),
        subnet("private-a", "10.0.10.0/24", "eu-west-1a"),
        subnet("private-b", "10.0.11.0/24", "eu-west-1b"),
        # the load balancer
        group("alb-sg"),
        r(INGRESS, "alb-https", "alb-sg", 443, 443, cidr="0.0.0.0/0"),
        Res(LB, "alb", {
            "loadBalancerType": "application", "internal": False,
            "subnets": [known("subnet-public-a"), known("subnet-public-b")], "securityGroups": [known("sg-alb-sg")],
            "arn": known(f"{ACCOUNT}:loadbalancer/app/alb/50dc6c495c0c9188"),
        }, {"subnets": ["public-a", "public-b"], "securityGroups": ["alb-sg"]}),
        Res(TG, "web-tg", {"targetType": "ip", "port": 8080, "protocol": "HTTP", "vpcId": known("vpc-1"),
                           "arn": known(f"{ACCOUNT}:targetgroup/web-tg/943f017f100becff")}, {"vpcId": ["vpc"]}),
        Res(TG, "api-tg", {"targetType": "instance", "port": 80, "protocol": "HTTP", "vpcId": known("vpc-1"),
                           "arn": known(f"{ACCOUNT}:targetgroup/api-tg/73e2d6bc24d8a067")}, {"vpcId": ["vpc"]}),
        Res(LISTENER, "https", {
            "loadBalancerArn": known(f"{ACCOUNT}:loadbalancer/app/alb/50dc6c495c0c9188"), "port": 443,
            "protocol": "HTTPS", "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
            "defaultActions": [{"type": "forward", "targetGroupArn": known(f"{ACCOUNT}:targetgroup/web-tg/943f")}],
        }, {"loadBalancerArn": ["alb"], "defaultActions": ["web-tg"]}),
        Res(LISTENER_RULE, "api-rule", {
            "listenerArn": known(f"{ACCOUNT}:listener/app/alb/50dc6c495c0c9188/f2f7dc8efc522ab2"), "priority": 10,
            "actions": [{"type": "forward", "targetGroupArn": known(f"{ACCOUNT}:targetgroup/api-tg/73e2")}],
            "conditions": [{"pathPattern": {"values": ["/api/*"]}}],
        }, {"listenerArn": ["https"], "actions": ["api-tg"]}),
        Res(CLUSTER, "cluster", {"name": "platform"}),
        # a Fargate service: awsvpc tasks with their own security group
        group("web-sg"),
        r(INGRESS, "web-from-alb", "web-sg", 8080, 8080, peer="alb-sg"),
        r(EGRESS, "alb-to-web", "alb-sg", 8080, 8080, peer="web-sg"),
        Res(TASK, "web-task", {"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
                               "cpu": "256", "memory": "512", "containerDefinitions": UNKNOWN}),
        Res(SERVICE, "web", {
            "cluster": known("arn:aws:ecs:eu-west-1:123456789012:cluster/platform"), "taskDefinition": UNKNOWN,
            "launchType": "FARGATE", "desiredCount": 2,
            "loadBalancers": [{"targetGroupArn": UNKNOWN, "containerName": "web", "containerPort": 8080}],
            "networkConfiguration": {"subnets": [known("subnet-private-a"), known("subnet-private-b")],
                                     "securityGroups": [known("sg-web-sg")], "assignPublicIp": False},
        }, {"cluster": ["cluster"], "taskDefinition": ["web-task"], "loadBalancers": ["web-tg"],
            "networkConfiguration": ["private-a", "private-b", "web-sg"]}),
        # an EC2 service: bridge-mode tasks on the instances of a capacity provider's Auto Scaling group
        group("instance-sg"),
        r(INGRESS, "instances-from-alb", "instance-sg", 32768, 65535, peer="alb-sg"),
        r(EGRESS, "alb-to-instances", "alb-sg", 32768, 65535, peer="instance-sg"),
        Res(LAUNCH_TEMPLATE, "container-instances", {
            "imageId": "ami-0123456789abcdef0", "instanceType": "t3.medium",
            "vpcSecurityGroupIds": [known("sg-instance-sg")], "id": known("lt-0123456789abcdef0"),
            "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1},
        }, {"vpcSecurityGroupIds": ["instance-sg"]}),
        Res(ASG, "container-asg", {
            "minSize": 1, "maxSize": 4, "vpcZoneIdentifiers": [known("subnet-private-a"), known("subnet-private-b")],
            "launchTemplate": {"id": known("lt-0123456789abcdef0"), "version": "$Latest"},
            "arn": known("arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/asg"),
        }, {"vpcZoneIdentifiers": ["private-a", "private-b"], "launchTemplate": ["container-instances"]}),
        Res(CAPACITY_PROVIDER, "ec2-capacity", {
            "name": "ec2-capacity",
            "autoScalingGroupProvider": {"autoScalingGroupArn": UNKNOWN, "managedTerminationProtection": "DISABLED"},
        }, {"autoScalingGroupProvider": ["container-asg"]}),
        Res(CLUSTER_PROVIDERS, "cluster-capacity", {
            "clusterName": known("platform"), "capacityProviders": [known("ec2-capacity")],
            "defaultCapacityProviderStrategies": [{"capacityProvider": known("ec2-capacity"), "weight": 1}],
        }, {"clusterName": ["cluster"], "capacityProviders": ["ec2-capacity"],
            "defaultCapacityProviderStrategies": ["ec2-capacity"]}),
        # networkMode left unset: bridge (a preview shows the provider-computed output as unknown)
        Res(TASK, "api-task", {"family": "api", "networkMode": known("bridge"), "containerDefinitions": UNKNOWN}),
        Res(SERVICE, "api", {
            "cluster": known("arn:aws:ecs:eu-west-1:123456789012:cluster/platform"), "taskDefinition": UNKNOWN,
            "desiredCount": 2, "capacityProviderStrategies": [{"capacityProvider": known("ec2-capacity"), "weight": 1}],
            "loadBalancers": [{"targetGroupArn": UNKNOWN, "containerName": "api", "containerPort": 80}],
        }, {"cluster": ["cluster"], "taskDefinition": ["api-task"], "loadBalancers": ["api-tg"],
            "capacityProviderStrategies": ["ec2-capacity"]}),
    ]


def get(stack: list[Res], name: str) -> Res:
    return next(r for r in stack if r.name == name)


def put(stack: list[Res], *resources: Res) -> list[Res]:
    """The stack with ``resources`` added, replacing those of the same name."""
    replaced = {r.name for r in resources}
    return [r for r in stack if r.name not in replaced] + list(resources)


def without(stack: list[Res], *names: str) -> list[Res]:
    return [r for r in stack if r.name not in names]


def changed(stack: list[Res], name: str, props: dict | None = None, deps: dict | None = None,
            drop: tuple[str, ...] = ()) -> list[Res]:
    old = get(stack, name)
    new_props = {k: v for k, v in ({**old.props, **(props or {})}).items() if k not in drop}
    new_deps = {k: v for k, v in ({**old.deps, **(deps or {})}).items() if k not in drop}
    return put(stack, Res(old.type, old.name, new_props, new_deps))


def findings(stack: list[Res]) -> list[tuple[str, str]]:
    result = check_stack(POLICY, stack)
    assert not result.unknown and not result.not_applicable
    return result.violations


def legacy(name: str, group: str, kind: str, low: int, high: int, *, peer: str | None = None, protocol: str = "tcp",
           **props) -> Res:
    """An aws.ec2.SecurityGroupRule of ``group`` as a preview shows it."""
    values = {"type": kind, "securityGroupId": UNKNOWN, "protocol": protocol, "fromPort": low, "toPort": high, **props}
    deps = {"securityGroupId": [group]}
    if peer:
        values["sourceSecurityGroupId"] = UNKNOWN
        deps["sourceSecurityGroupId"] = [peer]
    return Res(LEGACY_RULE, name, values, deps)


def inline(stack: list[Res], group: str, direction: str, *blocks: dict, peers: tuple[str, ...] = ()) -> list[Res]:
    """``group`` with inline ``direction`` blocks; ``peers`` are the groups their securityGroups come from."""
    return changed(stack, group, props={direction: list(blocks)}, deps={direction: list(peers)})


def from_group(low: int, high: int, protocol: str = "tcp") -> dict:
    return {"protocol": protocol, "fromPort": low, "toPort": high, "securityGroups": [UNKNOWN]}
