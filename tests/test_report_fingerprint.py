"""primaryLocationLineHash against the values published with GitHub's upload action."""

from __future__ import annotations

import pytest

from cairo_upgrade_lint.report.fingerprint import line_hashes

# Inputs and expected hashes from github/codeql-action's fingerprint tests (src/fingerprints.test.ts)
# and its testdata (testFile1.js line 1, testFile2.js line 2 in fingerprinting.expected.sarif).
PUBLISHED = [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    *(
        (
            text,
            [
                "e9496ae3ebfced30:1",
                "fb7c023a8b9ccb3f:1",
                "ce8ba1a563dcdaca:1",
                "e20e36e16fcb0cc8:1",
                "b3edc88f2938467e:1",
                "c8e28b0b4002a3a0:1",
                "c129715d7a2bc9a3:1",
            ],
        )
        for text in (
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        )
    ),
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        [
            *(f"a7f2ff13bc495cf2:{n}" for n in range(1, 7)),
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
    (
        "x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n",
        [
            "e54938cc54b302f1:1",
            "bb609acbe9138d60:1",
            "1131fd5871777f34:1",
            "5c482a0f8b35ea28:1",
            "54517377da7028d2:1",
            "2c644846cb18d53e:1",
            "f1b89f20de0d133:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), PUBLISHED)
def test_published_vectors(text: str, expected: list[str]) -> None:
    assert line_hashes(text) == dict(enumerate(expected, start=1))


def test_upload_action_testdata_files() -> None:
    assert line_hashes("var a = 0;\nvar b = 0;\nvar c = 0;\nvar d = 0;\n")[1] == "5e4d5a9cf1294ad9:1"
    assert line_hashes("var foo = 0;\nvar bar = 0;\nvar baz = 0;\nvar qux = 0;\n")[2] == "f7592a95a9381ac0:1"


def test_utf16_code_units_long_lines_and_mixed_newlines() -> None:
    # Expected values cross-checked with an independent JavaScript (String.charCodeAt, BigInt)
    # implementation: the emoji counts as two UTF-16 code units, as in the upload action.
    text = '// naïve 名前 🦀 emoji\n    let x = "été";\n' + "x" * 250 + "\n\tfn f() {}\r\nlast"
    assert line_hashes(text) == {
        1: "2dbc6769b9325b56:1",
        2: "aa64c3d4cc5cc8b9:1",
        3: "52b56201ffb58620:1",
        4: "1aedc7e390d94d60:1",
        5: "58429ecce5a8d0db:1",
    }
