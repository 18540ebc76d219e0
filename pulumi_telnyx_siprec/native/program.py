"""What the generated native resource classes share: the properties a resource registers, as Pulumi's own Python
SDKs register them.

The properties are an instance of the resource's `@pulumi.input_type` Args class whose attributes hold every input
(None when not given) and a None for every output-only property. The SDK reads the Args class's metadata to send
each input under its camelCase name (`call_sid` as `callSid`) and leaves the keys inside a map untouched (a
header named `call_sid` stays `call_sid`); every attribute becomes an `Output` of the resource, which the SDK fills
from the engine's answer through the resource class's `pulumi.property("callSid")` names. None is never sent.
"""

from __future__ import annotations

import copy
from typing import Any

from ..resources.spec import ResourceSpec

# Both return the Args instance typed as Any: `pulumi.CustomResource` takes an `@input_type` instance as its
# properties (its docstring says so, and generated SDKs pass one), while its annotation names only mappings.


def registered(spec: ResourceSpec, args: Any) -> Any:
    """A copy of `args` holding every input of `spec` and a None for each of its output-only properties."""
    props = copy.copy(args)
    given = vars(args)
    vars(props).update({name: given.get(name) for name in spec.inputs.names})
    vars(props).update(dict.fromkeys(spec.output_names))
    return props


def registered_settings(args: Any, secrets: tuple[str, ...]) -> Any:
    """A copy of a provider's `args` whose `secrets` (Python names) are secret outputs: the state keeps them only
    as ciphertext, and the engine never shows them."""
    import pulumi  # the specs' side of this module stays free of Pulumi; the provider needs it

    props = copy.copy(args)
    vars(props).update({name: (pulumi.Output.secret(value) if name in secrets and value is not None else value)
                        for name, value in vars(args).items()})
    return props
