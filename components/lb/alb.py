"""An internet-facing application load balancer in the public subnets, HTTPS first."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.context import PlatformContext
from components.shared.iam import policy_document

TYPE = "platform:lb:ApplicationLoadBalancer"
#: TLS 1.2+ with forward secrecy; TLS 1.3 where the client has it (ELB security policies).
SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
#: Listener rule priorities (ELB allows 1..50000 and evaluates the lowest first): the platform's own services use the
#: first range; the second is reserved for other projects that attach rules to the shared listener (stack output
#: ``reservedListenerPriorities``); the last holds the platform's catch-all rules (a path such as ``/*`` on any host),
#: which would otherwise take the traffic of every rule after them.
PLATFORM_RULE_PRIORITIES = range(1, 1000)
SHARED_RULE_PRIORITIES = range(1000, 49000)
CATCH_ALL_RULE_PRIORITIES = range(49000, 50001)
#: Regions where load balancers deliver access logs as the service principal
#: ``logdelivery.elasticloadbalancing.amazonaws.com`` instead of a regional ELB account: those opened since August
#: 2022 (ELB user guide, "Access logs for your Application Load Balancer", bucket permissions; as of 2026-11).
#: Every other region's account comes from the provider (``aws.elb.get_service_account``).
LOG_DELIVERY_PRINCIPAL_REGIONS = frozenset({
    "ap-east-2", "ap-south-2", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-west-1",
    "eu-central-2", "eu-south-2", "il-central-1", "me-central-1", "mx-central-1",
})


@dataclass(frozen=True)
class ApplicationLoadBalancerArgs:
    context: PlatformContext
    """Environment facts (stack, region, account, protection)."""
    vpc_id: pulumi.Input[str]
    """VPC of the load balancer and its security group."""
    subnet_ids: pulumi.Input[list[str]]
    """Public subnets, at least two zones."""
    allowed_cidrs: tuple[str, ...] = ("0.0.0.0/0",)
    """Client CIDR blocks the listener ports admit."""
    certificate_arn: str | None = None
    """ACM certificate: HTTPS on 443 with HTTP redirecting to it. None serves plain HTTP on 80."""
    allow_plain_http: bool = False
    """Must be True to serve plain HTTP without a certificate."""
    deletion_protection: bool = False
    """Turn on deletion protection."""
    access_logs: bool = False
    """Write access logs to an encrypted, private S3 bucket."""


class ApplicationLoadBalancer(pulumi.ComponentResource):
    arn: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    zone_id: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    listener_arn: pulumi.Output[str]
    """The listener services attach their rules to (HTTPS when there is a certificate)."""
    listener_protocol: str
    """Its protocol: HTTPS or HTTP."""

    def __init__(self, name: str, args: ApplicationLoadBalancerArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        if args.certificate_arn is None and not args.allow_plain_http:
            raise ValueError(f"ApplicationLoadBalancer {name}: needs certificate_arn, or allow_plain_http=True")
        if not args.allowed_cidrs:
            raise ValueError(f"ApplicationLoadBalancer {name}: allowed_cidrs must not be empty")
        super().__init__(TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        sg = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=args.vpc_id, description=f"{name} load balancer",
                                   tags={"Name": f"{name}-sg"}, opts=child)
        ports = [80, 443] if args.certificate_arn else [80]
        for port in ports:
            for cidr in args.allowed_cidrs:
                family = {"cidr_ipv6": cidr} if ":" in cidr else {"cidr_ipv4": cidr}
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-in-{port}-{cidr.replace('/', '-').replace(':', '-')}", security_group_id=sg.id,
                    ip_protocol="tcp", from_port=port, to_port=port, description=f"listener {port} from {cidr}",
                    opts=child, **family)

        access_logs, log_bucket_policy = None, []
        if args.access_logs:
            bucket, policy = self._log_bucket(name, args.context, child)
            access_logs = aws.lb.LoadBalancerAccessLogsArgs(bucket=bucket.bucket, enabled=True, prefix=name)
            log_bucket_policy = [policy]  # AWS checks the bucket policy when access logs are turned on

        lb = aws.lb.LoadBalancer(
            name, load_balancer_type="application", internal=False, subnets=args.subnet_ids,
            security_groups=[sg.id], drop_invalid_header_fields=True, desync_mitigation_mode="defensive",
            enable_deletion_protection=args.deletion_protection, access_logs=access_logs, idle_timeout=60,
            opts=pulumi.ResourceOptions(parent=self, protect=args.context.protect, depends_on=log_bucket_policy),
        )

        if args.certificate_arn:
            aws.lb.Listener(
                f"{name}-http", load_balancer_arn=lb.arn, port=80, protocol="HTTP",
                default_actions=[aws.lb.ListenerDefaultActionArgs(
                    type="redirect",
                    redirect=aws.lb.ListenerDefaultActionRedirectArgs(protocol="HTTPS", port="443",
                                                                      status_code="HTTP_301"),
                )],
                opts=child,
            )
            main = aws.lb.Listener(
                f"{name}-https", load_balancer_arn=lb.arn, port=443, protocol="HTTPS", ssl_policy=SSL_POLICY,
                certificate_arn=args.certificate_arn, default_actions=[_not_found()], opts=child,
            )
        else:
            main = aws.lb.Listener(f"{name}-http", load_balancer_arn=lb.arn, port=80, protocol="HTTP",
                                   default_actions=[_not_found()], opts=child)

        self.arn = lb.arn
        self.dns_name = lb.dns_name
        self.zone_id = lb.zone_id
        self.security_group_id = sg.id
        self.listener_arn = main.arn
        self.listener_protocol = "HTTPS" if args.certificate_arn else "HTTP"
        self.register_outputs({"arn": self.arn, "dnsName": self.dns_name, "zoneId": self.zone_id,
                               "securityGroupId": self.security_group_id, "listenerArn": self.listener_arn,
                               "listenerProtocol": self.listener_protocol})

    def _log_bucket(self, name: str, context: PlatformContext,
                    child: pulumi.ResourceOptions) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
        """A private, encrypted bucket the regional ELB log delivery may write to (and nothing else)."""
        bucket = aws.s3.Bucket(f"{name}-logs", force_destroy=not context.protect,
                               opts=pulumi.ResourceOptions(parent=self, protect=context.protect))
        aws.s3.BucketPublicAccessBlock(f"{name}-logs", bucket=bucket.id, block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=True,
                                       restrict_public_buckets=True, opts=child)
        aws.s3.BucketOwnershipControls(f"{name}-logs", bucket=bucket.id,
                                       rule=aws.s3.BucketOwnershipControlsRuleArgs(
                                           object_ownership="BucketOwnerEnforced"), opts=child)
        # ALB access logs support SSE-S3 only (not SSE-KMS).
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-logs", bucket=bucket.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.
                BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="AES256"))],
            opts=child)
        # Logs are kept as long as the stack's other logs; multipart uploads the delivery abandons are cleaned up.
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-logs", bucket=bucket.id,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-access-logs", status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=f"{name}/"),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=context.log_retention_days),
                abort_incomplete_multipart_upload=aws.s3.
                BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(days_after_initiation=1))],
            opts=child)
        objects = bucket.arn.apply(lambda arn: f"{arn}/{name}/AWSLogs/{context.account_id}/*")
        if context.region in LOG_DELIVERY_PRINCIPAL_REGIONS:
            writer: dict = {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
        else:
            try:
                elb_account = aws.elb.get_service_account(region=context.region,
                                                          opts=pulumi.InvokeOptions(parent=self))
            except Exception as exc:  # noqa: BLE001 - any failure: say what is missing, never drop the grant
                raise pulumi.RunError(
                    f"ApplicationLoadBalancer {name}: access logs in {context.region} need the region's ELB "
                    f"log-delivery account, and the provider does not know it ({exc}). If the region opened after "
                    f"August 2022, add it to LOG_DELIVERY_PRINCIPAL_REGIONS.") from exc
            writer = {"AWS": elb_account.arn}
        policy = aws.s3.BucketPolicy(f"{name}-logs", bucket=bucket.id, policy=policy_document([
            {"Sid": "LogDeliveryWrite", "Effect": "Allow", "Principal": writer, "Action": "s3:PutObject",
             "Resource": objects},
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [bucket.arn, bucket.arn.apply(lambda arn: f"{arn}/*")],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        ]), opts=child)
        return bucket, policy


def _not_found() -> aws.lb.ListenerDefaultActionArgs:
    """Requests no service claims get a plain 404 from the load balancer."""
    return aws.lb.ListenerDefaultActionArgs(
        type="fixed-response",
        fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(content_type="text/plain",
                                                                     message_body="Not Found", status_code="404"),
    )
