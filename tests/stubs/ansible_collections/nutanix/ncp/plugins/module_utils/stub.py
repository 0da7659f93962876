"""Shared pieces of the nutanix.ncp stub: the credential options and the refusal to run."""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule

CREDENTIALS = {
    "nutanix_host": {"type": "str", "required": True},
    "nutanix_port": {"type": "str", "default": "9440"},
    "nutanix_username": {"type": "str", "required": True},
    "nutanix_password": {"type": "str", "required": True, "no_log": True},
    "validate_certs": {"type": "bool", "default": True},
}
ENTITY = {"name": {"type": "str"}, "uuid": {"type": "str"}}
INFO = {
    "filter": {"type": "dict"},
    "length": {"type": "int"},
    "offset": {"type": "int"},
    "sort_order": {"type": "str", "choices": ["ASCENDING", "DESCENDING"]},
    "sort_attribute": {"type": "str"},
}


def run(spec: dict) -> None:
    """Validate the arguments, then refuse: this stub never talks to Prism Central."""
    module = AnsibleModule(argument_spec={**CREDENTIALS, **spec}, supports_check_mode=True)
    module.fail_json(msg="nutanix.ncp stub from aiinfra's tests: install the real collection (requirements.yml)")
