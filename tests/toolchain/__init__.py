"""Test harness around the real Cairo toolchain.

`compiler`: Cairo 2.1.0 `starknet-compile` (installed on demand) and cairo-lang 0.14's
`starknet-sierra-compile`. `vm`: an in-memory Starknet on cairo-lang 0.14's Python VM.
Importing this package installs `cairo_lang_compat`, which `vm`'s cairo-lang imports need.
"""

from . import cairo_lang_compat

cairo_lang_compat.install()
