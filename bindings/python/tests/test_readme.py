"""The README's Python example runs and prints what the README says."""

import re
import subprocess
import sys
import unittest

import support


def example(readme):
    """The first python block after a "Python" heading, and the text block
    that follows it (what the example prints)."""
    with open(readme) as f:
        text = f.read()
    m = re.search(r"^#+ .*Python.*$(.*?)^```python\n(.*?)^```\n.*?^```text\n(.*?)^```",
                  text, flags=re.M | re.S)
    if not m:
        raise AssertionError("%s has no Python example followed by its output" % readme)
    return m.group(2), m.group(3)


class Readme(unittest.TestCase):
    def run_example(self, readme):
        code, output = example(readme)
        self.assertLessEqual(len(code.strip().splitlines()), 5)
        p = subprocess.run([sys.executable, "-c", code], env=support.python_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=support.LONG)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(p.stdout.decode(), output)

    def test_top_readme(self):
        self.run_example(support.source_file("README.md"))

    def test_binding_readme(self):
        self.run_example(support.source_file("bindings", "python", "README.md"))


if __name__ == "__main__":
    unittest.main()
