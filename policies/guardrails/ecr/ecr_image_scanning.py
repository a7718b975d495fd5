"""ECR.1: private ECR repositories scan images on push.

Judges ``aws:ecr/repository:Repository``: ``imageScanningConfiguration.scanOnPush`` must be true. Absent, the
provider's and AWS's default is false: images are only scanned when someone starts a scan by hand.

Security Hub also accepts registry-level scanning (scan on push or continuous, Amazon Inspector enhanced scanning),
configured with ``aws.ecr.RegistryScanningConfiguration`` for the whole account and Region; AWS is moving scan
settings there and deprecates the repository-level API. That configuration is account-wide and not part of this
platform, so the repository itself must ask for scan on push, which costs nothing with basic scanning.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecr._repository import REPOSITORY, shown


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != REPOSITORY:
        return
    configuration = args.props.get("imageScanningConfiguration")
    scan_on_push = configuration.get("scanOnPush") if configuration is not None else None
    if scan_on_push is not True:
        report(
            "images pushed to this repository are not scanned for vulnerabilities "
            f"(imageScanningConfiguration.scanOnPush is {shown(scan_on_push)}); set scanOnPush to true."
        )


POLICY = resource_policy(
    name="ecr-image-scanning",
    description="Private ECR repositories scan every pushed image for vulnerabilities (scanOnPush).",
    service="ecr",
    severity=Severity.HIGH,
    controls=["ECR.1"],
    remediation=(
        "Pass image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True) to "
        "aws.ecr.Repository."
    ),
    validate=check,
)
