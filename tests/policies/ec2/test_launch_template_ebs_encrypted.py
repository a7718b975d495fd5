from guardrails.ec2.launch_template_ebs_encrypted import POLICY

from tests.policies.harness import UNKNOWN, check_resource

LT = "aws:ec2/launchTemplate:LaunchTemplate"


def mapping(encrypted=None, device="/dev/xvda"):
    ebs = {"volumeSize": 30, "volumeType": "gp3"}
    if encrypted is not None:
        ebs["encrypted"] = encrypted
    return {"deviceName": device, "ebs": ebs}


def test_encrypted_volumes_pass():
    props = {"blockDeviceMappings": [mapping("true"), {"deviceName": "/dev/sdb", "virtualName": "ephemeral0"}]}
    assert check_resource(POLICY, LT, props).violations == []
    assert check_resource(POLICY, LT, {"blockDeviceMappings": [mapping(True)]}).violations == []


def test_unencrypted_or_unset_volumes_fail():
    props = {"blockDeviceMappings": [mapping("false"), mapping(None, "/dev/xvdb")]}
    assert check_resource(POLICY, LT, props).messages == [
        "the EBS volume for device /dev/xvda is not encrypted (ebs.encrypted is 'false'); set ebs.encrypted to "
        "'true' (optionally with ebs.kms_key_id).",
        "the EBS volume for device /dev/xvdb is not encrypted (ebs.encrypted is not set); set ebs.encrypted to "
        "'true' (optionally with ebs.kms_key_id).",
    ]


def test_template_without_ebs_volumes_not_applicable():
    assert check_resource(POLICY, LT, {"imageId": "ami-0123"}).not_applicable
    result = check_resource(POLICY, "aws:ec2/instance:Instance", {"blockDeviceMappings": [mapping(False)]})
    assert result.violations == [] and not result.not_applicable


def test_unknown_flag_cannot_be_evaluated():
    assert check_resource(POLICY, LT, {"blockDeviceMappings": [mapping(UNKNOWN)]}).unknown


def test_volume_without_a_device_name_is_named_by_position():
    props = {"blockDeviceMappings": [{"ebs": {"encrypted": False}}]}
    assert check_resource(POLICY, LT, props).messages == [
        "the EBS volume for block device mapping 0 is not encrypted (ebs.encrypted is False); set ebs.encrypted to "
        "'true' (optionally with ebs.kms_key_id)."
    ]


def test_flag_forms():
    assert check_resource(POLICY, LT, {"blockDeviceMappings": [mapping("TRUE")]}).violations == []
    assert check_resource(POLICY, LT, {"blockDeviceMappings": [mapping(False)]}).violations
    assert check_resource(POLICY, LT, {"blockDeviceMappings": [mapping("true"), mapping("")]}).violations
