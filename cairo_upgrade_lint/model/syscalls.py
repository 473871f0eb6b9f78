"""The Starknet syscall names the analyses look for, each spelled once."""

from __future__ import annotations

REPLACE_CLASS = "replace_class_syscall"
LIBRARY_CALL = "library_call_syscall"
CALL_CONTRACT = "call_contract_syscall"
DEPLOY = "deploy_syscall"
STORAGE_READ = "storage_read_syscall"
STORAGE_WRITE = "storage_write_syscall"
SEND_MESSAGE_TO_L1 = "send_message_to_l1_syscall"
GET_CLASS_HASH_AT = "get_class_hash_at_syscall"
GET_EXECUTION_INFO = "get_execution_info_syscall"
GET_EXECUTION_INFO_V2 = "get_execution_info_v2_syscall"

UPGRADE_SYSCALLS = (REPLACE_CLASS, LIBRARY_CALL)
"""The syscalls that can change a contract's class: ``replace_class``, and a library call (it runs
another class on this contract's storage, which may replace the class)."""
