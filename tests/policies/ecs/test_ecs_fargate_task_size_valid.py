import pytest
from guardrails.ecs.ecs_fargate_task_size_valid import FARGATE_SIZES, POLICY, parse_cpu, parse_memory

from tests.policies.ecs._defs import TASK_DEFINITION, task_definition
from tests.policies.harness import UNKNOWN, check_resource


@pytest.mark.parametrize(("cpu", "memory"), [
    ("256", "512"), ("256", "2048"), ("512", "3072"), ("1024", "8192"), ("2048", "16384"), ("4096", "30720"),
    ("8192", "20480"), ("8192", "61440"), ("16384", "40960"), ("16384", "122880"),
    ("1 vCPU", "2 GB"), (".25 vcpu", "0.5GB"), ("0.5 vCPU", "4GB"), ("16 vCPU", "120 GB"),
])
def test_supported_sizes_pass(cpu, memory):
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(cpu=cpu, memory=memory)).violations == []


@pytest.mark.parametrize(("cpu", "memory", "message"), [
    ("256", "4096", "memory 4096 MiB is not valid with cpu 256 on Fargate; allowed: 512, 1024, 2048 MiB."),
    ("512", "1536", "memory 1536 MiB is not valid with cpu 512 on Fargate; allowed: 1024 to 4096 MiB in steps of "
                    "1024."),
    ("4096", "31744", "memory 31744 MiB is not valid with cpu 4096 on Fargate; allowed: 8192 to 30720 MiB in steps of "
                      "1024."),
    ("8192", "17408", "memory 17408 MiB is not valid with cpu 8192 on Fargate; allowed: 16384 to 61440 MiB in steps of "
                      "4096."),
    ("16384", "36864", "memory 36864 MiB is not valid with cpu 16384 on Fargate; allowed: 32768 to 122880 MiB in steps "
                       "of 8192."),
    ("300", "512", "cpu 300 is not a Fargate task size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units."),
    ("lots", "512", 'cpu "lots" is neither CPU units ("1024") nor vCPUs ("1 vCPU"); use a Fargate task size.'),
    ("256", "1 TB", 'memory "1 TB" is neither MiB ("2048") nor GB ("2 GB"); use a Fargate task size.'),
])
def test_unsupported_sizes_fail(cpu, memory, message):
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(cpu=cpu, memory=memory)).messages == [message]


def test_missing_size_fails():
    result = check_resource(POLICY, TASK_DEFINITION, task_definition(cpu=None, memory=None))
    assert result.messages == [
        'the FARGATE task definition sets no task-level cpu; Fargate requires cpu and memory (e.g. "256").',
        'the FARGATE task definition sets no task-level memory; Fargate requires cpu and memory (e.g. "512").',
    ]


def test_network_mode_must_be_awsvpc():
    result = check_resource(POLICY, TASK_DEFINITION, task_definition(networkMode=None))
    assert result.messages == [
        'the FARGATE task definition\'s networkMode is not set (bridge); Fargate accepts only "awsvpc".'
    ]
    result = check_resource(POLICY, TASK_DEFINITION, task_definition(networkMode="bridge"))
    assert result.messages == ['the FARGATE task definition\'s networkMode is "bridge"; Fargate accepts only "awsvpc".']


def test_windows_needs_at_least_one_vcpu():
    windows = {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE", "cpuArchitecture": "X86_64"}
    result = check_resource(POLICY, TASK_DEFINITION, task_definition(cpu="512", memory="1024", runtimePlatform=windows))
    assert result.messages == [
        "cpu 512 is not available for Windows tasks on Fargate; use 1024, 2048 or 4096 CPU units."
    ]
    ok = task_definition(cpu="1024", memory="2048", runtimePlatform=windows)
    assert check_resource(POLICY, TASK_DEFINITION, ok).violations == []


def test_table_matches_the_aws_documentation():
    assert sorted(FARGATE_SIZES) == [256, 512, 1024, 2048, 4096, 8192, 16384]
    assert list(FARGATE_SIZES[256]) == [512, 1024, 2048]
    assert len(FARGATE_SIZES[8192]) == 12 and len(FARGATE_SIZES[16384]) == 12  # 16..60 GB by 4, 32..120 GB by 8


def test_parsers():
    assert parse_cpu("1024") == 1024 and parse_cpu("2 vCPU") == 2048 and parse_cpu(".25 vCPU") == 256
    assert parse_cpu("1.1 vCPU") is None and parse_cpu("1024 MHz") is None and parse_cpu(None) is None
    assert parse_memory("3GB") == 3072 and parse_memory("0.5 gb") == 512 and parse_memory("512 MiB") is None


def test_ec2_only_task_definitions_not_applicable():
    props = task_definition(requiresCompatibilities=["EC2"], networkMode="bridge", cpu="100", memory="300")
    assert check_resource(POLICY, TASK_DEFINITION, props).not_applicable
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(requiresCompatibilities=None)).not_applicable


def test_other_types_ignored():
    result = check_resource(POLICY, "aws:ecs/service:Service", {"cpu": "1"})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_size_cannot_be_evaluated():
    assert check_resource(POLICY, TASK_DEFINITION, task_definition(memory=UNKNOWN)).unknown


def test_the_platform_settings_use_the_same_table():
    from components.ecs.fargate_service import FARGATE_SIZES as PLATFORM_SIZES

    assert {cpu: list(m) for cpu, m in PLATFORM_SIZES.items()} == {cpu: list(m) for cpu, m in FARGATE_SIZES.items()}


EDGES = {256: (512, 2048, 512), 512: (1024, 4096, 1024), 1024: (2048, 8192, 1024), 2048: (4096, 16384, 1024),
         4096: (8192, 30720, 1024), 8192: (16384, 61440, 4096), 16384: (32768, 122880, 8192)}


@pytest.mark.parametrize("cpu", sorted(EDGES))
def test_documented_memory_edges_are_accepted_and_one_step_beyond_is_not(cpu):
    low, high, step = EDGES[cpu]
    for memory, ok in ((low, True), (high, True), (low - step, False), (high + step, False)):
        result = check_resource(POLICY, TASK_DEFINITION, task_definition(cpu=str(cpu), memory=str(memory)))
        assert (result.violations == []) is ok, (cpu, memory)


def test_windows_cpu_edges():
    windows = {"operatingSystemFamily": "WINDOWS_SERVER_2019_FULL"}
    for cpu, memory, ok in (("1024", "2048", True), ("2048", "4096", True), ("4096", "8192", True),
                            ("8192", "16384", False), ("256", "512", False)):
        props = task_definition(cpu=cpu, memory=memory, runtimePlatform=windows)
        assert (check_resource(POLICY, TASK_DEFINITION, props).violations == []) is ok, cpu
