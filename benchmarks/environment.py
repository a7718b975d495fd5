"""A generated environment of N services for the benchmarks, in a scratch copy of the project.

Half the services run on EC2 and half on Fargate (even indexes EC2), each behind the ALB on its own path
(``/s0001/*``: fixed width, so no path shadows another) with a unique priority (1..999); every fourth service reads a
shared file system through an access point and pulls from a repository of its own. For every four services the
environment also has one S3 → EventBridge → Fargate pipeline, one scheduled task and one SQS queue worker, so every
part of the platform grows with N. Names stay within the settings' 21 characters.

The copy links every top-level entry of the project (program, packages, policies, virtualenv) except its stack
files and git's, and adds ``Pulumi.dev.yaml``: the preflight and the program see a project with one stack, ``dev``
(so the pack applies dev's policy configuration, ``policies/config/dev.json``).
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
STACK = "dev"  # the generated stack takes dev's policy configuration and hints
MAX_SERVICES = 999  # listener rule priorities are 1..999


def services(n: int) -> list[dict]:
    out = []
    for i in range(n):
        name = f"svc-{i:04d}"
        service = {
            "name": name, "launchType": "ec2" if i % 2 == 0 else "fargate", "priority": i + 1,
            "image": "public.ecr.aws/nginx/nginx:1.27", "port": 8080, "path": f"/s{i:04d}/*",
            "healthCheckPath": f"/s{i:04d}/health", "cpu": 256, "memory": 512,
            "desiredCount": 2, "minCount": 2, "maxCount": 4,
        }
        if i % 4 == 1:
            del service["image"]
            service.update(repository=name, imageTag="1.0.0")
            service["volumes"] = [{"fileSystem": "shared", "accessPoint": "assets", "containerPath": "/data"}]
        out.append(service)
    return out


def config(n: int) -> dict:
    if not 1 <= n <= MAX_SERVICES:
        raise ValueError(f"N must be 1..{MAX_SERVICES}")
    parts = max(1, n // 4)
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/{}:1.0.0"
    return {"config": {
        "aws:region": "eu-west-1",
        "container-platform:vpcCidr": "10.40.0.0/16",
        "container-platform:albAllowPlainHttp": True,
        "container-platform:logRetentionDays": 30,
        "container-platform:capacityMaxSize": 4,
        "container-platform:services": services(n),
        "container-platform:repositories": [{"name": f"svc-{i:04d}"} for i in range(n) if i % 4 == 1],
        "container-platform:fileSystems": [{"name": "shared", "accessPoints": [{"name": "assets", "path": "/assets"}]}],
        "container-platform:pipelines": [{"name": f"in-{i:04d}", "image": image.format("ingest"),
                                          "prefix": "incoming/"} for i in range(parts)],
        "container-platform:scheduledTasks": [{"name": f"job-{i:04d}", "image": image.format("cleanup"),
                                               "schedule": "cron(0 3 * * ? *)"} for i in range(parts)],
        "container-platform:workers": [{"name": f"wrk-{i:04d}", "image": image.format("jobs"), "minCount": 0,
                                        "maxCount": 2, "maxPercent": 200} for i in range(parts)],
        "container-platform:workerScaleToZero": True,
    }}


def _linked(name: str) -> bool:
    """Whether the scratch project links this entry of the project: not git's, not a stack file (its one stack file
    is generated)."""
    stack_file = name.startswith("Pulumi.") and name.endswith((".yaml", ".yml")) and name not in ("Pulumi.yaml",
                                                                                                  "Pulumi.yml")
    return name != ".git" and not stack_file


def make(n: int, where: Path) -> Path:
    """A project directory under ``where`` whose one stack, ``dev``, has ``n`` services."""
    project = where / f"env-{n}"
    project.mkdir(parents=True, exist_ok=True)
    for entry in REPO.iterdir():
        link = project / entry.name
        if _linked(entry.name) and not link.exists():
            os.symlink(entry, link)
    (project / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump(config(n), sort_keys=False))
    return project
