"""container-platform's stack-output contract: what a platform stack exports (``contract.outputs``) and how another
project reads it through a ``pulumi.StackReference`` (``PlatformOutputs``)."""

from contract.outputs import OUTPUTS, VERSION, StackOutput
from contract.reference import Claims, ContractError, ListenerRule, PlatformOutputs

__all__ = ["OUTPUTS", "VERSION", "Claims", "ContractError", "ListenerRule", "PlatformOutputs", "StackOutput"]
